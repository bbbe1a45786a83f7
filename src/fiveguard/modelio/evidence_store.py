"""Evidence directories: where ``fiveguard evidence`` records what it imported or checked.

A model names its evidence directories in ``evidence_dirs`` (relative to the model file).
Each holds one JSON file per record, ``<id>.json``, in exactly the shape of an entry of
the model's ``evidence`` section (SBOMs, vulnerability scans, equivalence results, or
any other record type). Loading the model adds these records to its ``evidence``, so the
validation, the assessment and every report see them as if written in the model file.

Records are written to a temporary file and renamed into place: a failed command leaves
the directory as it was. Problems in a stored file are located in that file
(``FILE:LINE:COL: path: message``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from fiveguard.domain.base import ID_MAX_LENGTH, split_product_ref
from fiveguard.domain.errors import InputError, Problem
from fiveguard.domain.evidence import Evidence
from fiveguard.modelio.jsonsource import JsonLocator, parse_json, read_limited
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.yamlsource import PathKey, YamlSource, decode, display_name, read_yaml

RECORD_SUFFIX = ".json"
MAX_RECORD_BYTES = 1 << 30
"""A stored record is written by fiveguard; an SBOM of a large firmware stays far below."""

_EVIDENCE: TypeAdapter[Any] = TypeAdapter(Evidence)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def record_id(kind: str, product_ref: str) -> str:
    """The id (and file name) of the ``kind`` record of a product version.

    One record per kind and product version: importing a new SBOM of a version replaces
    the old one. Characters an id may not hold become ``_``; overlong ids are shortened
    and made unique with a digest.
    """
    product, version = split_product_ref(product_ref)
    raw = f"{kind}-{product}-{version}"
    clean = _UNSAFE.sub("_", raw)
    if len(clean) > ID_MAX_LENGTH:
        clean = clean[: ID_MAX_LENGTH - 17] + "-" + hashlib.sha256(raw.encode()).hexdigest()[:16]
    return clean


@dataclass
class StoredRecord:
    """A record read from an evidence directory, and how to locate problems in its file."""

    record: Any
    locator: YamlSource
    """Where its fields are: a JSON record's text, or the registry file it came from."""

    def problem(self, path: PathKey, message: str) -> Problem:
        """A problem at ``path`` inside the record."""
        return self.locator.problem(path, message)


@dataclass
class StoredEvidence:
    """Every record of a model's evidence directories, and every problem found reading them."""

    records: list[StoredRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_evidence_dirs(
    base: Path,
    dirs: Sequence[str],
    taken: Collection[str],
    where: Callable[[int, str], Problem],
) -> StoredEvidence:
    """Read the evidence directories ``dirs`` (relative to ``base``).

    ``taken`` are the ids of the model's own evidence records: a stored record with the
    same id is a problem. ``where(index, message)`` locates a problem with a directory
    itself (the ``evidence_dirs`` entry). A directory that does not exist yet holds no
    records: ``fiveguard evidence`` creates it when it records the first one.
    """
    out = StoredEvidence()
    seen: dict[str, str] = {}
    for index, name in enumerate(dirs):
        directory = base / name
        if not directory.exists():
            continue
        if not directory.is_dir():
            out.problems.append(where(index, f"{name!r} is not a directory"))
            continue
        for path in sorted(directory.glob(f"*{RECORD_SUFFIX}")):
            if path.name.startswith("."):  # temporary files of an interrupted write
                continue
            stored = _read_record(path, out.problems)
            if stored is None:
                continue
            ident = stored.record.id
            if ident in taken:
                out.problems.append(
                    stored.problem(("id",), f"duplicate id {ident!r}: the model file has it too")
                )
            elif ident in seen:
                out.problems.append(
                    stored.problem(("id",), f"duplicate id {ident!r}: also in {seen[ident]}")
                )
            else:
                seen[ident] = stored.locator.file
                out.records.append(stored)
    return out


def _read_record(path: Path, problems: list[Problem]) -> StoredRecord | None:
    name = display_name(path)
    try:
        text = decode(read_limited(path, MAX_RECORD_BYTES, name), name)
        data = parse_json(text, name)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    locator = JsonLocator(text, name)
    try:
        record = _EVIDENCE.validate_python(data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, Evidence, locator, ()))
        return None
    return StoredRecord(record, locator)


def record_json(record: BaseModel) -> str:
    """A record as the JSON text stored for it."""
    data = record.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_record(directory: Path, record: BaseModel) -> Path:
    """Write ``record`` as ``<id>.json`` in ``directory`` (created if needed), atomically.

    A directory that cannot be written (read-only, full, missing permission) is an
    InputError at the record's file; the earlier record, if any, stays as it was.
    """
    from fiveguard.modelio.dump import write_text

    ident = getattr(record, "id", None)
    if not isinstance(ident, str) or _UNSAFE.search(ident):
        raise ValueError(f"record id {ident!r} cannot name a file")  # a bug, not user input
    target = directory / f"{ident}{RECORD_SUFFIX}"
    try:
        write_text(target, record_json(record))
    except OSError as exc:
        raise InputError.at(
            f"cannot record it here: {exc.strerror or exc}; nothing was recorded, and an "
            "earlier record of it is as it was",
            display_name(target),
        ) from None
    return target


def model_evidence_dirs(model_path: Path) -> list[Path]:
    """The evidence directories a model file names, as paths (its first one is written to)."""
    source = read_yaml(model_path)
    raw = source.data.get("evidence_dirs") if isinstance(source.data, dict) else None
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return [model_path.parent / n for n in names if isinstance(n, str) and n]
