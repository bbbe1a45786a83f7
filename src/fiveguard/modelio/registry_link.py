"""A national model's link to the product registry: read the registry it names (or the one
given on the command line) and add the lab records that concern its product versions to
its evidence, as :mod:`fiveguard.registry.project` translates them.

Problems with the ``registry`` entry are located in the model file, problems with the
registry in the registry's files; a projected record whose id the model already uses is
reported at the record's file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from fiveguard.domain.errors import InputError, Problem
from fiveguard.domain.evidence import Evidence
from fiveguard.domain.network import RegistryLink
from fiveguard.domain.registry import RegistryView
from fiveguard.modelio.evidence_store import StoredRecord
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.registry_files import RegistryFiles, attestation_integrity, read_registry
from fiveguard.modelio.sources import Sources
from fiveguard.modelio.yamlsource import YamlSource
from fiveguard.registry.project import project

_LINK = TypeAdapter(RegistryLink)


def add_registry_evidence(
    path: Path,
    source: YamlSource,
    sources: Sources,
    raw: Any,
    sections: dict[str, tuple[Any, ...]],
    as_of: dt.date | None,
    problems: list[Problem],
    override: Path | None = None,
) -> RegistryView | None:
    """Append the registry's evidence to ``sections['evidence']``; the view of the registry
    for the loaded model (None when the model names no registry and none is given).

    ``override`` (``--registry DIR``, relative to the working directory) replaces the
    directory the model names, keeping its product mapping.
    """
    if raw is None and override is None:
        return None
    link = RegistryLink(dir=str(override or "."))
    if raw is not None:
        try:
            link = _LINK.validate_python(raw)
        except ValidationError as exc:
            problems.extend(problems_from(exc, RegistryLink, source, ("registry",)))
            return None
    root = override if override is not None else path.parent / link.dir
    try:
        files = read_registry(root)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if as_of is None:  # the scope failed: its problem is reported, the date is unknown
        return None
    projection = project(
        files.registry,
        link,
        files.label,
        sections["products"],
        sections["suppliers"],
        as_of,
        attestation_integrity(files),
    )
    for where, message in projection.problems:
        problems.append(source.problem(("registry", *where), message))
    _append(files, projection.evidence, sources, sections, problems)
    return projection.view


def _append(
    files: RegistryFiles,
    records: list[Evidence],
    sources: Sources,
    sections: dict[str, tuple[Any, ...]],
    problems: list[Problem],
) -> None:
    """Add the projected records to the model's evidence, each located in its registry
    file; an id the model already uses is a problem at that file."""
    taken = sources.declared_ids("evidence") | {e.id for e in sections["evidence"]}
    first = len(sections["evidence"])
    added: list[Evidence] = []
    for record in records:
        if record.id in taken:
            problems.append(
                files.problem(
                    "records",
                    record.id,
                    ("id",),
                    f"duplicate id {record.id!r}: the model's evidence has it too",
                )
            )
            continue
        sources.stored_evidence[first + len(added)] = StoredRecord(
            record, files.sources[("records", record.id)]
        )
        added.append(record)
    sections["evidence"] = (*sections["evidence"], *added)
