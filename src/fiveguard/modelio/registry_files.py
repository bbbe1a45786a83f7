"""The registry as files: a directory with one YAML file per entry and per lab record.

::

    registry/
      suppliers/<id>.yaml     canonical suppliers (LEI, registry id)
      products/<id>.yaml      products and their versions, with artefact digests
      labs/<id>.yaml          evaluation labs and centres
      records/<id>.yaml       lab records: evaluations, findings, reviews, equivalence checks
      attestations/<sha256>.dsse.json   envelopes imported by `fiveguard lab import`

A file is named after the id it holds. Every problem is located in its file
(``FILE:LINE:COL: path: message``) and all are reported together; commands write their
files to temporary names and rename them only once every one was written, so a failed
command leaves the registry as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from fiveguard.domain.errors import InputError, Location, Problem, dotted
from fiveguard.domain.lab import LabRecord
from fiveguard.domain.registry import SECTIONS, Lab, Registry, RegistryProduct, RegistrySupplier
from fiveguard.modelio.jsonsource import read_limited
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.yamlsource import YamlSource, decode, display_name, parse_yaml
from fiveguard.registry.check import registry_problems

SUFFIX = ".yaml"
MAX_ENTRY_BYTES = 16 * 1024 * 1024
"""An entry or record is a few kilobytes; an evaluation with every SCAS test case, tens."""
ATTESTATIONS = "attestations"

_TYPES: dict[str, Any] = {
    "suppliers": RegistrySupplier,
    "products": RegistryProduct,
    "labs": Lab,
    "records": LabRecord,
}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {k: TypeAdapter(t) for k, t in _TYPES.items()}


@dataclass
class RegistryFiles:
    """A registry read from its directory, with the source of every entry for messages."""

    root: Path
    registry: Registry = field(default_factory=Registry)
    sources: dict[tuple[str, str], YamlSource] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return display_name(self.root)

    def path_of(self, section: str, ident: str) -> Path:
        return self.root / section / f"{ident}{SUFFIX}"

    def problem(
        self, section: str, ident: str, path: tuple[str | int, ...], message: str
    ) -> Problem:
        """A problem at ``path`` inside an entry's file."""
        source = self.sources.get((section, ident))
        if source is None:  # an entry made in memory, not read: name its file to be
            where = Location(display_name(self.path_of(section, ident)), path=dotted(path))
            return Problem(where, message)
        return source.problem(path, message)


def read_registry(root: Path, *, check: bool = True, new: bool = False) -> RegistryFiles:
    """Read every entry of the registry at ``root``; InputError with every problem found.

    ``new`` accepts a directory that does not exist yet (an empty registry). ``check``
    runs the cross-checks (:func:`fiveguard.registry.check.registry_problems`)
    too; a command that is about to add an entry runs them on the result instead.
    """
    label = display_name(root)
    if not root.exists():
        if new:  # the first entry of a new registry: the directory is made when it is written
            return RegistryFiles(root)
        raise InputError.at("no registry here: the directory does not exist", label)
    if not root.is_dir():
        raise InputError.at("expected a registry directory", label)
    files = RegistryFiles(root)
    problems: list[Problem] = []
    for section in SECTIONS:
        directory = root / section
        if directory.exists() and not directory.is_dir():
            problems.append(
                InputError.at("expected a directory", display_name(directory)).problems[0]
            )
            continue
        for path in sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else ():
            if not path.name.startswith("."):  # temporary files of an interrupted write
                _read_entry(files, section, path, problems)
    if check and not problems:
        problems.extend(located(files, registry_problems(files.registry)))
    if problems:
        raise InputError(problems)
    return files


def located(files: RegistryFiles, found: list[Any]) -> list[Problem]:
    """Cross-check problems (:class:`~fiveguard.registry.check.EntryProblem`) located."""
    return [files.problem(p.section, p.id, p.path, p.message) for p in found]


def _read_entry(files: RegistryFiles, section: str, path: Path, problems: list[Problem]) -> None:
    name = display_name(path)
    try:
        source = parse_yaml(
            decode(read_limited(path, MAX_ENTRY_BYTES, name), name), name, keep_going=True
        )
    except InputError as exc:
        problems.extend(exc.problems)
        return
    problems.extend(source.problems)  # unreadable values and keys given twice
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "expected a mapping of fields"))
        return
    try:
        entry = _ADAPTERS[section].validate_python(source.data)
    except ValidationError as exc:
        problems.extend(problems_from(exc, _TYPES[section], source, ()))
        return
    if source.problems:
        return
    held: dict[str, Any] = getattr(files.registry, section)
    if entry.id != path.stem:
        problems.append(
            source.problem(
                ("id",),
                f"id {entry.id!r} in a file named {path.name!r}: name the file {entry.id}{SUFFIX}",
            )
        )
    elif entry.id in held:
        problems.append(source.problem(("id",), f"duplicate id {entry.id!r}"))
    else:
        held[entry.id] = entry
        files.sources[(section, entry.id)] = source


# ---------------------------------------------------------------------------- writing


def entry_yaml(entry: BaseModel) -> str:
    """An entry as the YAML text stored for it (defaults left out, fields in order)."""
    data = entry.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_files(files: Mapping[Path, str | bytes]) -> None:
    """Write every file to a temporary name beside it, then rename them all; a failure
    leaves none of them, nor a directory made for them (an OSError is a located problem
    at the file)."""
    temporary: list[tuple[Path, Path]] = []
    created: list[Path] = []
    target = next(iter(files), Path("."))
    try:
        for target, content in files.items():
            missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            created += missing
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(name, 0o644)
            temporary.append((Path(name), target))
        for tmp, final in temporary:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        for directory in sorted(created, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: something else is in it
                directory.rmdir()
        raise InputError.at(
            f"cannot write here: {exc.strerror or exc}; nothing was written",
            display_name(target),
        ) from None


def save_entries(
    files: RegistryFiles,
    entries: Mapping[str, list[BaseModel]],
    extra: Mapping[Path, bytes] | None = None,
) -> list[Path]:
    """Check the registry with ``entries`` (section → entries, added or replacing those of
    the same id), then write them and ``extra`` files together. InputError, writing
    nothing, when the result would not pass the registry's checks."""
    updated = Registry(**{k: dict(getattr(files.registry, k)) for k in SECTIONS})
    for section, items in entries.items():
        held: dict[str, Any] = getattr(updated, section)
        for item in items:
            held[getattr(item, "id")] = item  # noqa: B009 - every entry type has an id
    checked = RegistryFiles(files.root, updated, dict(files.sources))
    for section, items in entries.items():
        for item in items:
            checked.sources.pop((section, getattr(item, "id")), None)  # noqa: B009
    problems = located(checked, registry_problems(updated))
    if problems:
        raise InputError(problems)
    out: dict[Path, str | bytes] = {
        files.path_of(section, getattr(item, "id")): entry_yaml(item)  # noqa: B009
        for section, items in entries.items()
        for item in items
    }
    out.update(extra or {})
    write_files(out)
    files.registry = updated
    return list(out)


# ---------------------------------------------------------------------------- attestations


def attestation_integrity(files: RegistryFiles) -> dict[str, str | None]:
    """Attested record id → None when the envelope it was imported from, stored in the
    registry, still holds it; else why not (missing, changed, or the record edited). Each
    envelope is read once, whatever the number of its records."""
    from fiveguard.lab.attestation import envelope_holds
    from fiveguard.lab.signing import MAX_ENVELOPE_BYTES

    by_envelope: dict[str, list[LabRecord]] = {}
    for record in files.registry.records.values():
        if record.attestation is not None:
            by_envelope.setdefault(record.attestation.envelope, []).append(record)
    out: dict[str, str | None] = {}
    for name, records in by_envelope.items():
        raw = _envelope_bytes(files.root, name, MAX_ENVELOPE_BYTES)
        if isinstance(raw, str):
            out.update(dict.fromkeys((r.id for r in records), raw))
        else:
            out.update(envelope_holds(records, name, raw, display_name(files.root / name)))
    return out


def _envelope_bytes(root: Path, name: str, limit: int) -> bytes | str:
    """The stored envelope's bytes, or why they cannot be had."""
    path = root / name
    if (
        Path(name).is_absolute()
        or ".." in Path(name).parts
        or Path(name).parts[:1] != (ATTESTATIONS,)
    ):
        return f"its envelope {name!r} is not a file of the registry's {ATTESTATIONS}/"
    try:
        return read_limited(path, limit)
    except InputError as exc:
        return f"its envelope {name} cannot be read: {exc.problems[0].message}"
