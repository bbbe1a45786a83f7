"""Loading the reference catalogue: the packaged YAML files, merged with a user's override.

The packaged files (``fiveguard/catalog/data/*.yaml``) each hold some top-level sections of
:class:`~fiveguard.domain.catalogue.Catalogue`. A user's override is one YAML file whose
top-level keys are any of those sections. Merging is driven by the data's shape alone, so
that a new catalogue section needs only a data file and a field on ``Catalogue``:

- mappings merge key by key, recursively: an entry of an id-keyed section (``asset_kinds``,
  ``policies`` …) keeps the fields the override does not give, and a new id adds an entry;
- lists and scalars replace what was there.

Sections typed ``dict[id, Model]`` where the model has an ``id`` field are written
``ID: {fields}``; the loader fills ``id`` in from the key. After merging, the whole
catalogue is validated and cross-checked (risks ↔ areas, links, policy targets, controls,
supplier factors); every problem is located in the override when the value came from it,
otherwise in the packaged file.
"""

from __future__ import annotations

import functools
import types
import typing
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from fiveguard.catalog.rule_checks import (
    assessment_checks,
    incident_checks,
    simulation_checks,
)
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError, Problem
from fiveguard.domain.network import PROFILE_FACTORS
from fiveguard.modelio.messages import describe, reported_already
from fiveguard.modelio.yamlsource import PathKey, YamlSource, parse_yaml, read_yaml

DATA_DIR = "data"
PACKAGE_LABEL = "fiveguard/catalog/data"
_USERS_SHOWN = 5
"""A message about an unknown id names at most this many of the places using it."""
"""How packaged files are named in messages."""

try:  # libyaml when present: the packaged controls matrix alone is ~7,000 lines
    _FastLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _FastLoader = yaml.SafeLoader


# ---------------------------------------------------------------------------- public API


def load_catalogue(override: Path | None = None) -> Catalogue:
    """The packaged catalogue, with the user's override file merged over it if given.

    Raises :class:`InputError` with every problem of the override, each located as
    ``FILE:LINE:COL: path: message``.
    """
    if override is None:
        return default_catalogue()
    return _build(read_yaml(override))


@functools.lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The packaged catalogue alone, parsed and validated once per process."""
    return _build(None)


# ---------------------------------------------------------------------------- packaged data


@dataclass(frozen=True)
class _Packaged:
    data: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)
    """Section name → packaged file name it comes from."""


@functools.lru_cache(maxsize=1)
def _packaged() -> _Packaged:
    """Every packaged file, parsed as plain data; cached, and never mutated by merging."""
    data: dict[str, Any] = {}
    files: dict[str, str] = {}
    folder = resources.files("fiveguard.catalog").joinpath(DATA_DIR)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        content = yaml.load(entry.read_text(encoding="utf-8"), Loader=_FastLoader)
        if not isinstance(content, dict):
            raise RuntimeError(f"packaged catalogue file {entry.name} is not a mapping")
        for section, value in content.items():
            if section in files:  # a packaging bug, caught by the tests
                raise RuntimeError(
                    f"catalogue section {section!r} is in both {files[section]} and {entry.name}"
                )
            data[section] = value
            files[section] = entry.name
    return _Packaged(data, files)


@functools.cache
def _packaged_source(name: str) -> YamlSource:
    """A packaged file re-read with positions; only needed to locate a problem in it."""
    text = resources.files("fiveguard.catalog").joinpath(DATA_DIR, name).read_text("utf-8")
    return parse_yaml(text, f"{PACKAGE_LABEL}/{name}")


# ---------------------------------------------------------------------------- building


def _build(override: YamlSource | None) -> Catalogue:
    packaged = _packaged()
    report = _Reporter(packaged, override)
    data = packaged.data
    if override is not None:
        report.problems.extend(override.problems)  # unreadable values: reported, not fatal
        data = merge(data, _override_sections(override, report))
    data = _complete(data, Catalogue, (), report)
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path, parent = _clean_loc(Catalogue, tuple(error["loc"]))
            if not report.covered(path) and not reported_already(error):
                report.add([path], _message(error, path, parent))
        raise InputError(report.sorted()) from None
    # the walk's problems (ids) leave a typed catalogue, so cross-checks can still run
    for paths, message in integrity_problems(catalogue):
        report.add(paths, message)
    if report.problems:
        raise InputError(report.sorted())
    return catalogue


def _override_sections(source: YamlSource, report: _Reporter) -> dict[str, Any]:
    """The override's sections that name a catalogue field; the others are reported."""
    data = source.data
    if data is None:  # an empty file changes nothing
        return {}
    known = list(Catalogue.model_fields)
    if not isinstance(data, dict):
        report.add(
            [()],
            f"expected a mapping of catalogue sections ({', '.join(known)}), got a list"
            if isinstance(data, list)
            else f"expected a mapping of catalogue sections ({', '.join(known)})",
        )
        return {}
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in Catalogue.model_fields:
            sections[key] = value
        else:
            report.add([(key,)], f"unknown section {key!r}; expected one of: {', '.join(known)}")
    return sections


def merge(base: Any, override: Any) -> Any:
    """``override`` over ``base``: mappings merge key by key, anything else replaces.

    Neither argument is modified; unchanged branches of ``base`` are shared, not copied.
    """
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return override


# ---------------------------------------------------------------------------- shape walk


def _strip(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _members(tp: Any) -> tuple[Any, ...]:
    tp = _strip(tp)
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(_strip(a) for a in get_args(tp) if a is not type(None))
    return (tp,)


def _model(tp: Any) -> type[BaseModel] | None:
    members = _members(tp)
    if len(members) == 1 and isinstance(members[0], type) and issubclass(members[0], BaseModel):
        return members[0]
    return None


def _has_ids(tp: Any) -> bool:
    """Whether every member of ``tp`` is a model with an ``id`` field."""
    return all(
        isinstance(m, type) and issubclass(m, BaseModel) and "id" in m.model_fields
        for m in _members(tp)
    )


@dataclass(frozen=True)
class _Shape:
    """What the walk needs to know about a type, worked out once per type."""

    kind: typing.Literal["model", "dict", "list", "leaf"]
    fields: dict[str, Any] = field(default_factory=dict)
    """Field name → annotation, for a model."""
    item: Any = None
    """Item annotation, for a dict or list."""
    ids: bool = False
    """Items are models with an ``id``: filled in from keys, unique in lists."""


_SHAPES: dict[int, tuple[Any, _Shape]] = {}


def _shape(tp: Any) -> _Shape:
    cached = _SHAPES.get(id(tp))
    if cached is not None and cached[0] is tp:
        return cached[1]
    model = _model(tp)
    stripped = _strip(tp)
    origin = get_origin(stripped)
    if model is not None:
        shape = _Shape("model", {k: f.annotation for k, f in model.model_fields.items()})
    elif origin is dict:
        item = get_args(stripped)[1]
        shape = _Shape("dict", item=item, ids=_has_ids(item))
    elif origin in (tuple, list) and get_args(stripped):
        item = get_args(stripped)[0]
        shape = _Shape("list", item=item, ids=_has_ids(item))
    else:
        shape = _Shape("leaf")
    _SHAPES[id(tp)] = (tp, shape)  # keeps tp alive, so its id is never reused
    return shape


def _complete(value: Any, tp: Any, path: PathKey, report: _Reporter) -> Any:
    """Fill in ``id`` from the key of id-keyed entries and check ids are unique in lists.

    Walks the data alongside its type; returns new containers where it changes something.
    """
    shape = _shape(tp)
    if shape.kind == "leaf" or not isinstance(value, dict | list):
        return value
    if shape.kind == "model":
        if not isinstance(value, dict):
            return value
        fields = shape.fields
        return {
            key: _complete(item, fields[key], (*path, key), report) if key in fields else item
            for key, item in value.items()
        }
    if shape.kind == "dict":
        if not isinstance(value, dict):
            if isinstance(value, list) and shape.ids:
                report.add(
                    [path], "expected a mapping of entries keyed by id (ID: {fields}), got a list"
                )
            return value
        items = {
            key: _complete(item, shape.item, (*path, key), report) for key, item in value.items()
        }
        if shape.ids:
            items = {key: _with_id(item, key, path, report) for key, item in items.items()}
        return items
    if not isinstance(value, list):
        return value
    listed = [_complete(item, shape.item, (*path, i), report) for i, item in enumerate(value)]
    if shape.ids:
        _check_unique(listed, path, report)
    return listed


def _with_id(item: Any, key: Any, path: PathKey, report: _Reporter) -> Any:
    if not isinstance(item, dict):
        return item
    given = item.get("id", key)
    if given != key:
        report.add(
            [(*path, key, "id")],
            f"id {given!r} differs from its key {key!r}; leave 'id' out, the key is the id",
        )
    return {**item, "id": key}


def _check_unique(items: list[Any], path: PathKey, report: _Reporter) -> None:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            continue
        ident = item["id"]
        if not isinstance(ident, typing.Hashable):
            continue
        if ident in seen:
            report.add([(*path, index, "id")], f"duplicate id {ident!r} in this list")
        seen.add(ident)


def _clean_loc(root: Any, loc: tuple[str | int, ...]) -> tuple[PathKey, Any]:
    """Pydantic's error location without the tags it adds for union branches, and the
    type of the value holding the last part (to list the fields it accepts)."""
    tp: Any = root
    parent: Any = root
    out: list[str | int] = []
    for part in loc:
        if part == "[key]":  # pydantic's marker for a dict key: the key is already there
            continue
        model = _model(tp)
        tp = _strip(tp)
        members = _members(tp)
        if model is None and len(members) > 1 and isinstance(part, str):
            branch = _branch(members, part)
            if branch is not None:  # a discriminator value or a type name: not in the data
                tp = branch
                continue
        out.append(part)
        parent = tp
        if model is not None and isinstance(part, str) and part in model.model_fields:
            tp = model.model_fields[part].annotation
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        elif get_origin(tp) in (tuple, list) and get_args(tp):
            tp = get_args(tp)[0]
        else:
            tp = Any
    return tuple(out), parent


def _message(error: ErrorDetails, path: PathKey, parent: Any) -> str:
    """What is wrong, in words; unknown fields list the fields the entry accepts."""
    model = _model(parent)
    if error["type"] == "extra_forbidden" and model is not None and path:
        return f"unknown field {path[-1]!r}; expected one of: {', '.join(model.model_fields)}"
    return describe(error, Catalogue, path)


def _branch(members: tuple[Any, ...], part: str) -> Any | None:
    for member in members:
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            if getattr(member, "__name__", None) == part:
                return member
            continue
        if member.__name__ == part:
            return member
        for info in member.model_fields.values():
            if get_origin(info.annotation) is typing.Literal and get_args(info.annotation) == (
                part,
            ):
                return member
    return None


# ---------------------------------------------------------------------------- integrity


Check = tuple[Sequence[PathKey], str]
"""A problem found on a validated catalogue: the paths it concerns (the first one taken
from the override is where it is reported) and the message."""


def integrity_problems(catalogue: Catalogue) -> list[Check]:
    """Cross-references that types alone cannot check, as (paths, message) pairs."""
    return [
        *_risk_checks(catalogue),
        *_policy_checks(catalogue),
        *_control_checks(catalogue),
        *_criteria_checks(catalogue),
        *_country_checks(catalogue),
        *_national_checks(catalogue),
        *assessment_checks(catalogue),
        *simulation_checks(catalogue),
        *incident_checks(catalogue),
    ]


def _known(ids: typing.Iterable[str], limit: int = 12) -> str:
    ordered = sorted(ids)
    shown = ", ".join(ordered[:limit])
    return shown + (f" … ({len(ordered)} in all)" if len(ordered) > limit else "")


def _risk_checks(cat: Catalogue) -> Iterator[Check]:
    for area_id, area in cat.risk_areas.items():
        for index, risk_id in enumerate(area.risks):
            at = ("risk_areas", area_id, "risks", index)
            risk = cat.risks.get(risk_id)
            if risk is None:
                yield [at], f"unknown risk {risk_id!r}; known risks: {_known(cat.risks)}"
            elif risk.area != area_id:
                yield (
                    [at, ("risks", risk_id, "area")],
                    f"risk {risk_id} is listed in area {area_id} but its area is {risk.area}",
                )
    for risk_id, risk in cat.risks.items():
        area_at: PathKey = ("risks", risk_id, "area")
        owner = cat.risk_areas.get(risk.area)
        if owner is None:
            yield (
                [area_at],
                f"unknown risk area {risk.area!r}; known areas: {_known(cat.risk_areas)}",
            )
        elif risk_id not in owner.risks:
            yield (
                [area_at, ("risk_areas", risk.area, "risks")],
                f"area {risk.area} does not list risk {risk_id}; add it to "
                f"risk_areas.{risk.area}.risks",
            )
    for risk_id, measure_ids in cat.risk_measures.links.items():
        base = ("risk_measures", "links", risk_id)
        if risk_id not in cat.risks:
            yield [base], f"links for unknown risk {risk_id!r}; known risks: {_known(cat.risks)}"
        for index, measure_id in enumerate(measure_ids):
            if measure_id not in cat.measures:
                yield (
                    [(*base, index)],
                    f"unknown measure {measure_id!r}; known measures: {_known(cat.measures)}",
                )


def _policy_checks(cat: Catalogue) -> Iterator[Check]:
    tags = {tag for kind in cat.asset_kinds.values() for tag in kind.tags}
    for policy_id, policy in cat.policies.items():
        if policy.country is not None and policy.country not in cat.countries.names:
            yield [("policies", policy_id, "country")], f"unknown country {policy.country!r}"
        for index, rule in enumerate(policy.rules):
            at = ("policies", policy_id, "rules", index, "targets")
            targets = rule.targets
            if not (targets.domains or targets.kinds or targets.tags or targets.all_assets):
                yield [at], "the rule targets nothing: give domains, kinds, tags or all_assets"
            for k, kind in enumerate(targets.kinds):
                if kind not in cat.asset_kinds:
                    yield (
                        [(*at, "kinds", k)],
                        f"unknown asset kind {kind!r}; see 'fiveguard catalog kinds'",
                    )
            for t, tag in enumerate(targets.tags):
                if tag not in tags:
                    yield (
                        [(*at, "tags", t)],
                        f"no asset kind has the tag {tag!r}; tags in use: {_known(tags, 40)}",
                    )


def _control_checks(cat: Catalogue) -> Iterator[Check]:
    measure_ids = {m.id for m in cat.controls.measures}
    seen: set[str] = set()
    # one problem per unknown measure, not per reference: replacing the measures list
    # would otherwise give thousands of lines saying the same thing
    unknown: dict[str, list[tuple[PathKey, str]]] = {}
    for d, domain in enumerate(cat.controls.domains):
        for o, objective in enumerate(domain.objectives):
            for r, requirement in enumerate(objective.requirements):
                at = ("controls", "domains", d, "objectives", o, "requirements", r)
                if requirement.id in seen:  # unique per list already; here across lists
                    yield [(*at, "id")], f"duplicate requirement id {requirement.id!r}"
                seen.add(requirement.id)
                for m, measure_id in enumerate(requirement.measures):
                    if measure_id not in measure_ids:
                        unknown.setdefault(measure_id, []).append(
                            ((*at, "measures", m), requirement.id)
                        )
    for measure_id, uses in unknown.items():
        users = ", ".join(req for _, req in uses[:_USERS_SHOWN]) + (
            " …" if len(uses) > _USERS_SHOWN else ""
        )
        yield (
            [uses[0][0], ("controls", "measures")],
            f"unknown control measure {measure_id!r} (not in controls.measures), "
            f"named by {len(uses)} requirement(s): {users}",
        )


def _criteria_checks(cat: Catalogue) -> Iterator[Check]:
    expected = set(PROFILE_FACTORS)
    counts = Counter(cat.supplier_criteria.factor_ids)
    located: dict[str, PathKey] = {}
    for c, criterion in enumerate(cat.supplier_criteria.criteria):
        for f, factor in enumerate(criterion.factors):
            located.setdefault(factor.id, ("supplier_criteria", "criteria", c, "factors", f))
    words = ", ".join(PROFILE_FACTORS)
    for factor_id, count in counts.items():
        at = located[factor_id]
        if factor_id not in expected:
            yield (
                [(*at, "id")],
                f"unknown supplier factor {factor_id!r}; a supplier profile has: {words}",
            )
        elif count > 1:
            yield [(*at, "id")], f"factor {factor_id!r} appears in more than one criterion"
    missing = [f for f in PROFILE_FACTORS if f not in counts]
    if missing:
        yield (
            [("supplier_criteria", "criteria")],
            f"missing supplier factor(s) {', '.join(missing)}; a supplier profile has: {words}",
        )


def _country_checks(cat: Catalogue) -> Iterator[Check]:
    for index, code in enumerate(cat.countries.eu_members):
        if code not in cat.countries.names:
            yield [("countries", "eu_members", index)], f"EU member {code!r} has no name"
    for alias, meant in cat.countries.aliases.items():
        if alias in cat.countries.names:
            yield [("countries", "aliases", alias)], f"{alias!r} is a country code, not an alias"
        elif meant not in cat.countries.names:
            yield [("countries", "aliases", alias)], f"alias of an unknown country {meant!r}"


def _national_checks(cat: Catalogue) -> Iterator[Check]:
    """A national measure's country is known, and the preset it names is modelled on it
    (same country, same date)."""
    for measure_id, measure in cat.national_measures.items():
        base = ("national_measures", measure_id)
        if measure.country not in cat.countries.names:
            yield [(*base, "country")], f"unknown country {measure.country!r}"
        if measure.preset is not None:
            preset = cat.policies.get(measure.preset)
            if preset is None:
                yield (
                    [(*base, "preset")],
                    f"unknown preset {measure.preset!r}; known presets: {_known(cat.policies)}",
                )
            elif (preset.country, preset.date) != (measure.country, measure.date):
                yield (
                    [(*base, "preset"), ("policies", measure.preset)],
                    f"preset {measure.preset} is of {preset.country} on {preset.date}, but the "
                    f"measure is of {measure.country} on {measure.date}: a preset is modelled "
                    "on one measure, of its state and date",
                )


# ---------------------------------------------------------------------------- locating


def _has_path(data: Any, path: PathKey) -> bool:
    for part in path:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            return False
        data = data[part]
    return True


class _Reporter:
    """Collects problems, locating each in the override when the value came from it."""

    def __init__(self, packaged: _Packaged, override: YamlSource | None) -> None:
        self.packaged = packaged
        self.override = override
        self.problems: list[Problem] = []
        self._paths: list[PathKey] = []

    def add(self, paths: Sequence[PathKey], message: str) -> None:
        """Record a problem at the first of ``paths`` the override set, else the first."""
        chosen = next((p for p in paths if self._from_override(p)), None)
        if chosen is not None and self.override is not None:
            problem = self.override.problem(chosen, message)
        else:
            problem = self._packaged_problem(paths[0], message)
        self._paths.append(chosen if chosen is not None else paths[0])
        self.problems.append(problem)

    def sorted(self) -> list[Problem]:
        """The problems in file order, the override's first."""
        override = self.override.file if self.override is not None else None
        return sorted(
            self.problems,
            key=lambda p: (
                p.location.file != override,
                p.location.file or "",
                p.location.line or 0,
                p.location.col or 0,
            ),
        )

    def covered(self, path: PathKey) -> bool:
        """Whether a problem was already recorded at ``path`` or one of its parents."""
        return any(path[: len(p)] == p for p in self._paths)

    def _from_override(self, path: PathKey) -> bool:
        """Whether the value at ``path`` of the merged data is the override's doing.

        Walking the override along the path: reaching a list or scalar first means the
        override replaced it whole; a missing key means the packaged value stayed, unless
        the packaged data lacks the container too (a new entry missing a field).
        """
        if self.override is None:
            return False
        if not path or not isinstance(self.override.data, dict):
            return True  # about the override file as a whole
        node: Any = self.override.data
        for depth, part in enumerate(path):
            if not isinstance(node, dict):
                return True
            if part not in node:
                return depth > 0 and not _has_path(self.packaged.data, path[:depth])
            node = node[part]
        return True

    def _packaged_problem(self, path: PathKey, message: str) -> Problem:
        name = self.packaged.files.get(str(path[0])) if path else None
        if name is None:
            return Problem(YamlSource(PACKAGE_LABEL, None).locate(path), message)
        return _packaged_source(name).problem(path, message)
