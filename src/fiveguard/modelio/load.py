"""Loading a national model: YAML document, CSV site files, then every check.

:func:`load_model` either returns a :class:`NetworkModel` that passed every check or
raises :class:`InputError` carrying every problem found, each located as
``FILE:LINE:COL: path.to.field: message``; a model whose only problems are warnings is
returned with them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError, Problem
from fiveguard.domain.evidence import Evidence
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import (
    Asset,
    ControlRecord,
    MeasureRecord,
    ModelDocument,
    Operator,
    Product,
    Region,
    RiskOverride,
    Scope,
    Supplier,
)
from fiveguard.domain.sites import SiteTable
from fiveguard.modelio.csvsites import read_sites
from fiveguard.modelio.evidence_store import read_evidence_dirs
from fiveguard.modelio.messages import problems_from
from fiveguard.modelio.registry_link import add_registry_evidence
from fiveguard.modelio.sources import Sources
from fiveguard.modelio.validate import validate
from fiveguard.modelio.yamlsource import Unreadable, YamlSource, display_name, read_yaml

ITEM_TYPES: dict[str, Any] = {
    "regions": Region,
    "suppliers": Supplier,
    "products": Product,
    "operators": Operator,
    "assets": Asset,
    "measures": MeasureRecord,
    "controls": ControlRecord,
    "overrides": RiskOverride,
    "evidence": Evidence,
}
_ADAPTERS: dict[str, TypeAdapter[Any]] = {name: TypeAdapter(tp) for name, tp in ITEM_TYPES.items()}
_SCOPE = TypeAdapter(Scope)
FORMAT_VERSION = 1


def load_model(path: Path, catalogue: Catalogue, registry: Path | None = None) -> NetworkModel:
    """Read, check and return a national model; raise InputError with every problem.

    A model with warnings only (values probably wrong, see :class:`ProblemSeverity`) is returned,
    carrying them in :attr:`NetworkModel.warnings`. ``registry`` is a product registry
    directory to read instead of the one the model names (``--registry DIR``).
    """
    document, sites, sources, problems = parse_model(path, registry)
    more, table = validate(document, sites, sources, catalogue)
    problems.extend(more)
    if any(p.is_error for p in problems):
        raise InputError(sort_problems(problems))  # warnings too: every problem at once
    notes = tuple(note for locator in sources.site_locators for note in locator.notes)
    model = NetworkModel(
        document,
        sites,
        source=sources.yaml.file,
        notes=notes,
        warnings=tuple(sort_problems(problems)),
        registry=sources.registry,
    )
    if table is not None:  # built while checking cycles; keep it rather than rebuild
        model.__dict__["table"] = table
    return model


def parse_model(
    path: Path, registry: Path | None = None
) -> tuple[ModelDocument, SiteTable, Sources, list[Problem]]:
    """Read the YAML document and its site files, checking types and syntax only.

    Items that fail are left out of the returned document (and reported), so that
    later checks can still run on the rest.
    """
    source = read_yaml(path)
    sources = Sources(source)
    problems: list[Problem] = list(source.problems)  # unreadable values, duplicate keys
    data = source.data
    if not isinstance(data, dict):
        raise InputError(
            [
                *problems,
                source.problem((), "expected a mapping with 'fiveguard: 1', 'scope', 'assets' …"),
            ]
        )
    known = set(ModelDocument.model_fields)
    for key in data:
        if key not in known:
            problems.append(
                source.problem(
                    (key,), f"unknown section {key!r}; expected one of: {', '.join(sorted(known))}"
                )
            )
    version = data.get("fiveguard")
    if not (type(version) is int and version == FORMAT_VERSION) and not isinstance(
        version, Unreadable
    ):
        message = (
            "missing the format version: add 'fiveguard: 1' at the top"
            if "fiveguard" not in data
            else f"unsupported format version {version!r}; this fiveguard reads version 1"
        )
        problems.append(source.problem(("fiveguard",), message))

    scope = None
    if "scope" not in data:
        problems.append(source.problem((), "missing required section 'scope'"))
    else:
        try:
            scope = _SCOPE.validate_python(data["scope"])
            sources.scope_ok = True
        except ValidationError as exc:
            problems.extend(problems_from(exc, Scope, source, ("scope",)))

    sections: dict[str, tuple[Any, ...]] = {}
    for name, adapter in _ADAPTERS.items():
        items, raw_ids, positions = _section(source, data, name, adapter, problems)
        sections[name] = items
        sources.raw_ids[name] = raw_ids
        sources.positions[name] = positions

    _add_stored_evidence(path, source, sources, data.get("evidence_dirs"), sections, problems)
    sources.registry = add_registry_evidence(
        path,
        source,
        sources,
        data.get("registry"),
        sections,
        scope.as_of if scope is not None else None,
        problems,
        registry,
    )

    site_files = _site_files(source, data.get("sites"), problems)
    tables: list[SiteTable] = []
    base = path.parent
    for index, ref in enumerate(site_files):
        csv_path = (base / ref) if not Path(ref).is_absolute() else Path(ref)
        try:
            table, site_problems, locator = read_sites(csv_path, display_name(csv_path))
        except InputError as exc:
            problems.append(source.problem(("sites", index), f"cannot use site file {ref!r}"))
            problems.extend(exc.problems)
            continue
        problems.extend(site_problems)
        tables.append(table)
        sources.site_locators.append(locator)
    sites = SiteTable.concat(tables)

    # Built without validating again: every part was validated above. A scope that
    # failed is replaced by a placeholder that later checks skip (sources.scope_ok).
    document = ModelDocument.model_construct(
        fiveguard=1,
        scope=scope or Scope.model_construct(country="ZZ", name="?", as_of=dt.date.min),
        sites=tuple(site_files),
        **sections,  # type: ignore[arg-type]
    )
    return document, sites, sources, problems


def _section(
    source: YamlSource,
    data: dict[str, Any],
    name: str,
    adapter: TypeAdapter[Any],
    problems: list[Problem],
) -> tuple[tuple[Any, ...], list[str | None], list[int]]:
    """The valid items of a section; the id of every item written; where each valid
    item is written (its index in the file)."""
    raw = data.get(name)
    if raw is None:
        return (), [], []
    if not isinstance(raw, list):
        problems.append(source.problem((name,), f"expected a list of {name}"))
        return (), [], []
    items = []
    raw_ids: list[str | None] = []
    positions: list[int] = []
    for index, item in enumerate(raw):
        ident = item.get("id") if isinstance(item, dict) else None
        raw_ids.append(ident if isinstance(ident, str) else None)
        try:
            items.append(adapter.validate_python(item))
            positions.append(index)
        except ValidationError as exc:
            problems.extend(problems_from(exc, ITEM_TYPES[name], source, (name, index)))
    return tuple(items), raw_ids, positions


def _add_stored_evidence(
    path: Path,
    source: YamlSource,
    sources: Sources,
    raw: Any,
    sections: dict[str, tuple[Any, ...]],
    problems: list[Problem],
) -> None:
    """Append the records of the model's evidence directories to its ``evidence``.

    The loaded document is self-contained: its ``evidence_dirs`` is left empty, so a
    model written back from it carries every record inline.
    """
    if raw is None:
        return
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(r, str) and r for r in raw):
        problems.append(
            source.problem(("evidence_dirs",), "expected a directory name or a list of them")
        )
        return
    stored = read_evidence_dirs(
        path.parent,
        raw,
        sources.declared_ids("evidence"),
        lambda index, message: source.problem(("evidence_dirs", index), message),
    )
    problems.extend(stored.problems)
    first = len(sections["evidence"])
    sections["evidence"] = (*sections["evidence"], *(s.record for s in stored.records))
    sources.stored_evidence = {first + k: s for k, s in enumerate(stored.records)}


def _site_files(source: YamlSource, raw: Any, problems: list[Problem]) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(r, str) and r for r in raw):
        problems.append(source.problem(("sites",), "expected a CSV file name or a list of them"))
        return []
    return list(raw)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Problems in file order: by file, line, column."""
    return sorted(
        problems,
        key=lambda p: (p.location.file or "", p.location.line or 0, p.location.col or 0),
    )
