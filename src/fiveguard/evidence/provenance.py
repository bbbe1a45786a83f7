"""The vendor's own account of a build, as one side of a binary-equivalence check.

- **Build provenance**: an in-toto Statement v1 whose predicate is SLSA provenance v1
  (``predicateType`` ``https://slsa.dev/provenance/v1``), given as the statement itself,
  as a DSSE envelope holding it, or as JSON Lines of envelopes (``.intoto.jsonl``, as
  build systems publish them). Its subjects, each a name and a SHA-256, are the artefacts
  the build produced.
- **An SBOM's file hashes**: every component with a SHA-256 (a CycloneDX ``file``
  component's name is its path), by name.

Either becomes a :class:`~fiveguard.evidence.equivalence.FileTree` compared path by path
with what is deployed. Every problem is located in the file; nothing is fetched.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any

from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.evidence.equivalence import FileTree
from fiveguard.modelio.jsonsource import parse_json, read_limited
from fiveguard.modelio.yamlsource import decode, display_name

STATEMENT_TYPES = ("https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1")
SLSA_V1 = "https://slsa.dev/provenance/v1"
MAX_PROVENANCE_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_provenance(path: Path) -> FileTree:
    """The subjects of a SLSA provenance v1 statement (bare, in a DSSE envelope, or JSON
    Lines of envelopes) as a side of an equivalence check."""
    name = display_name(path)
    text = decode(read_limited(path, MAX_PROVENANCE_BYTES, name), name)
    lines = [line for line in text.splitlines() if line.strip()]
    documents = (
        [(i + 1, parse_json(line, f"{name}:{i + 1}")) for i, line in enumerate(lines)]
        if len(lines) > 1 and text.lstrip().startswith("{") and _one_per_line(lines)
        else [(None, parse_json(text, name))]
    )
    entries: dict[str, str] = {}
    problems: list[Problem] = []
    for line, data in documents:
        where = f"{name}:{line}" if line else name
        statement = _statement(data, where, problems)
        if statement is not None:
            _subjects(statement, where, entries, problems)
    if problems:
        raise InputError(problems)
    if not entries:
        raise InputError.at("the provenance names no subject with a SHA-256 digest", name)
    return FileTree(label=name, kind="provenance", entries=entries)


def _one_per_line(lines: list[str]) -> bool:
    try:
        return all(isinstance(json.loads(line), dict) for line in lines)
    except ValueError:
        return False


def _statement(data: Any, where: str, problems: list[Problem]) -> dict[str, Any] | None:
    def bad(path: str, message: str) -> None:
        problems.append(Problem(Location(where, path=path or None), message))

    if isinstance(data, dict) and "payload" in data and "payloadType" in data:
        try:
            payload = base64.b64decode(str(data["payload"]), validate=True)
            data = json.loads(payload.decode("utf-8"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            bad("payload", "expected a base64 in-toto statement in the DSSE envelope")
            return None
    if not isinstance(data, dict):
        bad("", "expected an in-toto statement (an object with _type, subject, predicateType)")
        return None
    if data.get("_type") not in STATEMENT_TYPES:
        bad("_type", f"expected an in-toto statement, {STATEMENT_TYPES[0]}")
        return None
    if data.get("predicateType") != SLSA_V1:
        bad(
            "predicateType",
            f"expected SLSA provenance v1 ({SLSA_V1}), got {str(data.get('predicateType'))[:80]!r}",
        )
        return None
    return data


def _subjects(
    statement: dict[str, Any], where: str, entries: dict[str, str], problems: list[Problem]
) -> None:
    subjects = statement.get("subject")
    if not isinstance(subjects, list):
        problems.append(Problem(Location(where, path="subject"), "expected a list of subjects"))
        return
    for i, subject in enumerate(subjects):
        path = f"subject[{i}]"
        name = subject.get("name") if isinstance(subject, dict) else None
        digest = subject.get("digest") if isinstance(subject, dict) else None
        sha = digest.get("sha256") if isinstance(digest, dict) else None
        if not isinstance(name, str) or not name:
            problems.append(Problem(Location(where, path=f"{path}.name"), "expected a name"))
        elif not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            problems.append(
                Problem(
                    Location(where, path=f"{path}.digest.sha256"),
                    "expected a SHA-256 digest as 64 lowercase hex digits",
                )
            )
        elif entries.get(name, sha) != sha:
            problems.append(
                Problem(Location(where, path=f"{path}.name"), f"{name!r} named twice, two digests")
            )
        else:
            entries[name] = sha


def sbom_side(path: Path, rules: EvidenceRules) -> tuple[FileTree, int]:
    """The SHA-256 file hashes of an SBOM's components, by name, as a side of an
    equivalence check; and how many components had no SHA-256 (not compared)."""
    from fiveguard.evidence.sbom import read_sbom

    name = display_name(path)
    sbom = read_sbom(path, "sbom@1", rules, name)
    entries: dict[str, str] = {}
    without = 0
    for component in sbom.all_components():
        sha = next((h.value for h in component.hashes if h.alg == "SHA-256"), None)
        if sha is None:
            without += 1
            continue
        if entries.get(component.name, sha) != sha:
            raise InputError.at(
                f"component {component.name!r} is listed twice with two SHA-256 digests",
                name,
                path=component.ref,
            )
        entries[component.name] = sha
    if not entries:
        raise InputError.at("no component of the SBOM has a SHA-256 hash to compare", name)
    return FileTree(label=name, kind="sbom", entries=entries), without
