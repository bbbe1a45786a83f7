"""A local directory of OSV records, read and checked, indexed for matching.

Every ``*.json``, ``*.yaml`` and ``*.yml`` file under the directory (hidden files aside)
is one OSV record (the OSV schema: ``id``, ``modified``, ``aliases``, ``severity``,
``affected`` with ``package``, ``ranges`` and ``versions``). Fields fiveguard reads are
checked and every problem is located in its file; fields it does not read are left
alone, so records from any database pass. Withdrawn records are skipped. Nothing is ever
fetched: the directory is the database, and its digest identifies the snapshot used.

CPEs: the OSV schema has no CPE field. fiveguard reads CPE names from
``affected[].database_specific.cpes`` (or ``cpe``) and from the record's
``database_specific.cpes``, a list of CPE 2.3 strings, to match components known only by
CPE; see :mod:`fiveguard.evidence.matching`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fiveguard.domain.catalogue import EvidenceRules
from fiveguard.domain.errors import InputError, Problem
from fiveguard.evidence.cvss import severity_problem
from fiveguard.evidence.cyclonedx import purl_problem
from fiveguard.modelio.jsonsource import JsonLocator, parse_json, read_limited
from fiveguard.modelio.yamlsource import PathKey, YamlSource, decode, display_name, parse_yaml

RANGE_TYPES = ("SEMVER", "ECOSYSTEM", "GIT")
EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
MAX_RECORD_BYTES = 64 << 20
SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True)
class Cpe:
    """The parts of a CPE name that matching compares (lowercase, unescaped)."""

    part: str
    vendor: str
    product: str
    version: str

    @classmethod
    def parse(cls, text: str) -> Cpe | None:
        """A CPE 2.3 formatted string or a CPE 2.2 URI; None when it is neither."""
        text = text.strip()
        if text.lower().startswith("cpe:2.3:"):
            fields, current, escaped = [], "", False
            for char in text[8:]:
                if escaped:
                    current += char
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == ":":
                    fields.append(current)
                    current = ""
                else:
                    current += char
            fields.append(current)
        elif text.lower().startswith("cpe:/"):
            fields = text[5:].split(":")
        else:
            return None
        fields += ["*"] * (4 - len(fields))
        part, vendor, product, version = (f.lower() or "*" for f in fields[:4])
        if vendor in ("*", "-") or product in ("*", "-"):
            return None
        return cls(part, vendor, product, version)


@dataclass(frozen=True)
class OsvRange:
    type: str
    events: tuple[tuple[str, str], ...]
    repo: str | None = None


@dataclass(frozen=True)
class OsvAffected:
    """One ``affected`` entry: a package (or CPE names) and its affected versions."""

    ecosystem: str | None
    name: str | None
    purl: str | None
    ranges: tuple[OsvRange, ...]
    versions: tuple[str, ...]
    severity: tuple[tuple[str, str], ...]
    cpes: tuple[Cpe, ...]
    rating: str | None


@dataclass(frozen=True)
class OsvRecord:
    id: str
    file: str
    aliases: tuple[str, ...]
    summary: str | None
    severity: tuple[tuple[str, str], ...]
    rating: str | None
    """The database's own rating, e.g. ``database_specific.severity: HIGH``."""
    affected: tuple[OsvAffected, ...]


@dataclass
class OsvDatabase:
    """The records of one directory, and the digest that identifies them."""

    directory: str
    records: list[OsvRecord] = field(default_factory=list)
    files: int = 0
    sha256: str = ""


def ecosystem_problem(value: str, known: frozenset[str]) -> str | None:
    """Why ``value`` names no OSV ecosystem (``NAME`` or ``NAME:RELEASE``); None when it does."""
    name, colon, release = value.partition(":")
    if name in known:
        return f"nothing follows ':' in ecosystem {value!r:.80}" if colon and not release else None
    spelled = next((k for k in sorted(known) if k.lower() == name.lower()), None)
    if spelled is not None:
        return (
            f"unknown ecosystem {name!r:.60}: names are case-sensitive; did you mean {spelled!r}?"
        )
    return (
        f"unknown ecosystem {name!r:.60}: not one of the {len(known)} the OSV schema defines "
        "(catalogue evidence_rules.osv_ecosystems lists them; add a newer one there)"
    )


# ---------------------------------------------------------------------------- loading


def load_osv_directory(
    directory: Path, rules: EvidenceRules, name: str | None = None
) -> OsvDatabase:
    """Read and check every OSV record under ``directory``; InputError lists every problem."""
    label = name or display_name(directory)
    if not directory.exists():
        raise InputError.at("OSV directory not found", label)
    if not directory.is_dir():
        raise InputError.at("expected a directory of OSV records", label)
    paths = sorted(
        p
        for p in directory.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )
    if len(paths) > rules.max_osv_records:
        raise InputError.at(
            f"{len(paths):,} record files, more than the limit of {rules.max_osv_records:,} "
            "(catalogue evidence_rules.max_osv_records)",
            label,
        )
    database = OsvDatabase(directory=label, files=len(paths))
    digest = hashlib.sha256()
    problems: list[Problem] = []
    for path in paths:
        file = display_name(path)
        try:
            raw = read_limited(path, MAX_RECORD_BYTES, file)
            digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(raw).digest())
            record = parse_osv(raw, file, rules, yaml=path.suffix.lower() != ".json")
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if record is not None:
            database.records.append(record)
    if problems:
        raise InputError(problems)
    database.sha256 = digest.hexdigest()
    return database


def parse_osv(raw: bytes, file: str, rules: EvidenceRules, yaml: bool = False) -> OsvRecord | None:
    """One OSV record (None when withdrawn); InputError with located problems when bad.

    Ecosystems are checked against the catalogue's ``evidence_rules.osv_ecosystems``.
    """
    text = decode(raw, file)
    locate: Callable[[PathKey, str], Problem]
    if yaml:
        source: YamlSource = parse_yaml(text, file)
        data, locate = source.data, source.problem
    else:
        data = parse_json(text, file)
        locate = JsonLocator(text, file).problem
    check = _RecordCheck(locate, frozenset(rules.osv_ecosystems))
    record = check.record(data, file)
    if check.problems:
        raise InputError(check.problems)
    return record


class _RecordCheck:
    def __init__(
        self, locate: Callable[[PathKey, str], Problem], ecosystems: frozenset[str]
    ) -> None:
        self.locate = locate
        self.ecosystems = ecosystems
        self.problems: list[Problem] = []

    def fail(self, path: PathKey, message: str) -> None:
        self.problems.append(self.locate(path, message))

    def text(self, data: dict[str, Any], key: str, path: PathKey, required: bool = False) -> Any:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path, f"missing required field {key!r}")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail((*path, key), f"expected text, got {value!r:.60}")
            return None
        return value

    def timestamp(self, data: dict[str, Any], key: str, required: bool = False) -> Any:
        """A top-level RFC 3339 time such as ``2022-11-01T17:00:00Z``, as the OSV schema
        has them; the text as written, or None."""
        value = self.text(data, key, (), required=required)
        if value is None:
            return None
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(
                (key,), f"expected an RFC 3339 time such as 2022-11-01T17:00:00Z, got {value!r:.60}"
            )
            return None
        return value

    def texts(self, data: dict[str, Any], key: str, path: PathKey) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail((*path, key), "expected a list of text")
            return ()
        return tuple(value)

    def record(self, data: Any, file: str) -> OsvRecord | None:
        if not isinstance(data, dict):
            self.fail((), "expected an OSV record (an object with id, modified, affected …)")
            return None
        ident = self.text(data, "id", (), required=True)
        self.timestamp(data, "modified", required=True)
        self.timestamp(data, "published")
        withdrawn = self.timestamp(data, "withdrawn")
        summary = self.text(data, "summary", ())
        self.text(data, "details", ())
        aliases = self.texts(data, "aliases", ())
        severity = self.severity(data, ())
        rating, record_cpes = self.database_specific(data, ())
        affected_raw = data.get("affected", [])
        if not isinstance(affected_raw, list):
            self.fail(("affected",), "expected a list")
            affected_raw = []
        affected = tuple(
            a
            for index, item in enumerate(affected_raw)
            if (a := self.affected(item, ("affected", index), record_cpes)) is not None
        )
        if self.problems or ident is None or withdrawn is not None:
            return None
        return OsvRecord(ident, file, aliases, summary, severity, rating, affected)

    def severity(self, data: dict[str, Any], path: PathKey) -> tuple[tuple[str, str], ...]:
        value = data.get("severity", [])
        if not isinstance(value, list):
            self.fail((*path, "severity"), "expected a list of {type, score}")
            return ()
        out = []
        for index, entry in enumerate(value):
            at = (*path, "severity", index)
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("type"), str)
                or not isinstance(entry.get("score"), str)
            ):
                self.fail(at, "expected {type, score} with text values")
                continue
            if why := severity_problem(entry["type"], entry["score"]):
                self.fail((*at, "type" if why.startswith("unknown") else "score"), why)
                continue
            out.append((entry["type"], entry["score"]))
        return tuple(out)

    def database_specific(
        self, data: dict[str, Any], path: PathKey
    ) -> tuple[str | None, list[Cpe]]:
        specific = data.get("database_specific")
        if not isinstance(specific, dict):
            return None, []
        rating = specific.get("severity")
        cpes: list[Cpe] = []
        for key in ("cpes", "cpe"):
            value = specific.get(key)
            if value is None:
                continue
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(c, str) for c in items):
                self.fail((*path, "database_specific", key), "expected CPE names (text)")
                continue
            for index, item in enumerate(items):
                cpe = Cpe.parse(item)
                if cpe is None:
                    self.fail(
                        (*path, "database_specific", key, index),
                        f"not a CPE name with a vendor and product: {item!r:.80}",
                    )
                else:
                    cpes.append(cpe)
        return (rating if isinstance(rating, str) else None), cpes

    def affected(self, item: Any, path: PathKey, record_cpes: list[Cpe]) -> OsvAffected | None:
        if not isinstance(item, dict):
            self.fail(path, "expected an affected-package object")
            return None
        ecosystem = name = purl = None
        package = item.get("package")
        if package is not None:
            if not isinstance(package, dict):
                self.fail((*path, "package"), "expected {ecosystem, name, purl}")
            else:
                ecosystem = self.text(package, "ecosystem", (*path, "package"), required=True)
                name = self.text(package, "name", (*path, "package"), required=True)
                purl = self.text(package, "purl", (*path, "package"))
                self.package_names(ecosystem, purl, (*path, "package"))
        ranges_raw = item.get("ranges", [])
        if not isinstance(ranges_raw, list):
            self.fail((*path, "ranges"), "expected a list")
            ranges_raw = []
        ranges = tuple(
            r
            for index, entry in enumerate(ranges_raw)
            if (r := self.range(entry, (*path, "ranges", index))) is not None
        )
        rating, cpes = self.database_specific(item, path)
        if package is None and not cpes and not record_cpes and not ranges:
            self.fail(path, "an affected entry needs a package, ranges or CPE names")
        return OsvAffected(
            ecosystem=ecosystem,
            name=name,
            purl=purl,
            ranges=ranges,
            versions=self.texts(item, "versions", path),
            severity=self.severity(item, path),
            cpes=tuple(cpes or record_cpes),
            rating=rating,
        )

    def package_names(self, ecosystem: str | None, purl: str | None, path: PathKey) -> None:
        if ecosystem is not None and (why := ecosystem_problem(ecosystem, self.ecosystems)):
            self.fail((*path, "ecosystem"), why)
        if purl is not None and (why := purl_problem(purl)):
            self.fail((*path, "purl"), why)

    def range(self, entry: Any, path: PathKey) -> OsvRange | None:
        if not isinstance(entry, dict):
            self.fail(path, "expected a range object {type, events}")
            return None
        kind = entry.get("type")
        if kind not in RANGE_TYPES:
            self.fail(
                (*path, "type"),
                f"unknown range type {kind!r}; expected one of: " + ", ".join(RANGE_TYPES),
            )
            return None
        repo = self.text(entry, "repo", path, required=kind == "GIT")
        events_raw = entry.get("events")
        if not isinstance(events_raw, list) or not events_raw:
            self.fail((*path, "events"), "expected a non-empty list of events")
            return None
        events: list[tuple[str, str]] = []
        for index, event in enumerate(events_raw):
            at = (*path, "events", index)
            if not isinstance(event, dict) or len(event) != 1:
                self.fail(at, "an event has exactly one of: " + ", ".join(EVENT_KINDS))
                continue
            ((key, value),) = event.items()
            if key not in EVENT_KINDS:
                self.fail(
                    (*at, key), f"unknown event {key!r}; expected one of: " + ", ".join(EVENT_KINDS)
                )
            elif not isinstance(value, str) or not value:
                self.fail((*at, key), "expected a version as text")
            else:
                events.append((key, value))
        kinds = {k for k, _ in events}
        if events and "introduced" not in kinds:
            self.fail((*path, "events"), "a range needs at least one 'introduced' event")
        if {"fixed", "last_affected"} <= kinds:
            self.fail((*path, "events"), "a range has 'fixed' or 'last_affected' events, not both")
        return OsvRange(kind, tuple(events), repo)
