"""Events: what can happen to a network, as the user names them and as the engine holds them.

An :class:`Event` is one initiating event, written ``TYPE:TARGET``:

- ``supplier-update:SUPPLIER`` — a malicious update compromises every asset running one of
  the supplier's products (at the operators it reached); in ``sabotage`` mode the
  compromised assets also go down, in ``espionage`` mode not;
- ``product-fault:PRODUCT@VERSION`` — every asset on that version is down (at the
  operators the fault reached: in the Monte Carlo each operator running the version is
  reached with the catalogue's ``simulation.product_fault`` reach);
- ``supplier-fault:SUPPLIER`` — every asset on any of the supplier's products is down;
- ``asset-down:ASSET`` — that asset is down;
- ``region-power:REGION`` with a duration in hours — assets in the region whose autonomy is
  shorter than the duration are down;
- ``change-push:OPERATOR/SELECTOR`` — a configuration or software change pushed at once to
  every asset of one operator matching the selector (an asset kind, a product, or a
  PRODUCT@VERSION): all of them are down;
- ``limit-reached:PRODUCT`` or ``limit-reached:OPERATOR/PRODUCT`` — a limit built into a
  product (a routing-table or update limit) reached on every asset running any version of
  it, everywhere or at one operator, after an outside trigger: all of them are down;
- ``storm:OPERATOR`` — a signalling storm at the operator, as if the catalogue's storm rule
  had triggered there (see :mod:`fiveguard.simulate.capacity`).

:class:`SampledEvents` holds many events over many trials as index arrays: what the
samplers produce, what what-if questions are resolved into, and what the kernel reads.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from fiveguard.domain.errors import COMMAND_LINE, InputError, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.compile import CompiledNetwork

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
NEAR_POOL = 20_000
"""Ids compared with an unknown asset's name to suggest near matches."""


class EventType(StrEnum):
    """The kinds of initiating event."""

    SUPPLIER_UPDATE = "supplier-update"
    PRODUCT_FAULT = "product-fault"
    SUPPLIER_FAULT = "supplier-fault"
    ASSET_DOWN = "asset-down"
    REGION_POWER = "region-power"
    CHANGE_PUSH = "change-push"
    LIMIT_REACHED = "limit-reached"
    STORM = "storm"
    SITE_FAILURES = "site-failures"


class Mode(StrEnum):
    """What a malicious update does besides compromising: nothing, or take assets down."""

    ESPIONAGE = "espionage"
    SABOTAGE = "sabotage"


@dataclass(frozen=True)
class Event:
    """One initiating event. ``operators`` limits a supplier update or a product fault to
    the operators it reached (``None``: all); ``hours`` is a power loss's duration; ``area``
    limits a power loss to one power area of the region, numbered from 0 (``None``: the
    whole region; see :mod:`fiveguard.simulate.areas`)."""

    type: EventType
    target: str
    mode: Mode = Mode.ESPIONAGE
    hours: float | None = None
    operators: tuple[str, ...] | None = None
    area: int | None = None
    sites: int | None = None
    """For ``site-failures``: how many of the row's sites failed (fewer than all)."""

    def __str__(self) -> str:
        text = f"{self.type.value}:{self.target}"
        if self.type is EventType.SUPPLIER_UPDATE:
            text += f" ({self.mode.value})"
            if self.operators is not None:
                text += " at " + (", ".join(self.operators) or "no operator")
        if self.type is EventType.PRODUCT_FAULT and self.operators is not None:
            text += " at " + (", ".join(self.operators) or "no operator")
        if self.type is EventType.SITE_FAILURES:
            text += f" ({self.sites} sites)"
        if self.type is EventType.REGION_POWER:
            if self.area is not None:
                text += f" area {self.area + 1}"
            text += f" for {self.hours:g} h"
        return text


EVENT_HELP = (
    "TYPE:TARGET with TYPE one of "
    + ", ".join(t.value for t in EventType)
    + " (e.g. supplier-update:vendor-x, product-fault:core-x@5.2, region-power:R1, "
    "change-push:op-a/transport.ipcore, limit-reached:op-a/edge-router, storm:op-a)"
)


def parse_event(text: str, *, mode: Mode | None = None, hours: float | None = None) -> Event:
    """Parse ``TYPE:TARGET``; ``mode`` applies to supplier updates, ``hours`` to power loss.

    Raises :class:`InputError` for a malformed event or a power loss without valid hours.
    """
    kind, sep, target = text.strip().partition(":")
    where = f"--event {text!r}"
    if not sep or not target.strip():
        raise InputError.at(
            f"malformed event; expected {EVENT_HELP}", file=COMMAND_LINE, path=where
        )
    try:
        event_type = EventType(kind.strip())
    except ValueError:
        raise InputError.at(
            f"unknown event type {kind.strip()!r}; expected {EVENT_HELP}",
            file=COMMAND_LINE,
            path=where,
        ) from None
    target = target.strip()
    if event_type is EventType.PRODUCT_FAULT and "@" not in target:
        raise InputError.at(
            "a product fault names PRODUCT@VERSION, e.g. core-x@5.2", file=COMMAND_LINE, path=where
        )
    if event_type is EventType.CHANGE_PUSH and not all(
        part.strip() for part in target.partition("/")[::2]
    ):
        raise InputError.at(
            "a change push names OPERATOR/SELECTOR, the selector an asset kind, a product or "
            "PRODUCT@VERSION, e.g. op-a/transport.ipcore",
            file=COMMAND_LINE,
            path=where,
        )
    if event_type is EventType.REGION_POWER:
        if hours is None:
            raise InputError.at(
                "a region-power event needs --hours H (its duration)", file=COMMAND_LINE, path=where
            )
        if not math.isfinite(hours) or hours <= 0:
            raise InputError.at(
                f"--hours must be a positive, finite number of hours, got {hours:g}",
                file=COMMAND_LINE,
                path=where,
            )
    return Event(
        event_type,
        target,
        mode=mode or Mode.ESPIONAGE,
        hours=hours if event_type is EventType.REGION_POWER else None,
    )


# ---------------------------------------------------------------------------- arrays


@dataclass(frozen=True, eq=False)
class SampledEvents:
    """Events over ``trials`` trials as arrays; every ``*_trial`` is a trial index.

    ``update_reach``: ``(n_updates, K)`` bool, the operators each update reached;
    ``fault_reach``: ``(n_faults, K)`` bool, the operators each version fault reached.
    ``failure_*`` pairs are distinct (independent failures); ``down_*`` pairs (forced
    ``asset-down`` and misconfigurations) may repeat.
    """

    trials: int
    update_trial: IntArray
    update_supplier: IntArray
    update_sabotage: BoolArray
    update_reach: BoolArray
    fault_trial: IntArray
    fault_version: IntArray
    fault_reach: BoolArray
    supplier_fault_trial: IntArray
    supplier_fault_supplier: IntArray
    power_trial: IntArray
    power_region: IntArray  # the power area (compiled.area_region gives its region)
    power_hours: FloatArray
    down_trial: IntArray
    down_asset: IntArray
    failure_trial: IntArray
    failure_asset: IntArray
    storm_trial: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    storm_operator: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Storms forced at an operator (``storm:OPERATOR``); the rule's own are found later."""
    site_trial: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_asset: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_failed: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_total: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Independent failures counted per site (``asset_failure.per_site``): in trial
    ``site_trial[i]``, ``site_failed[i]`` of the ``site_total[i]`` sites of row
    ``site_asset[i]`` failed, fewer than all (all of them is a ``failure_*`` event)."""

    @classmethod
    def empty(cls, trials: int, n_operators: int) -> SampledEvents:
        """No event in any of ``trials`` trials."""
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "trials":
                continue
            if f.name in ("update_reach", "fault_reach"):
                values[f.name] = np.zeros((0, n_operators), dtype=bool)
            elif f.name == "update_sabotage":
                values[f.name] = np.zeros(0, dtype=bool)
            elif f.name == "power_hours":
                values[f.name] = np.zeros(0, dtype=np.float64)
            else:
                values[f.name] = np.zeros(0, dtype=np.int64)
        return cls(trials=trials, **values)  # type: ignore[arg-type]

    @classmethod
    def concat(cls, parts: Sequence[SampledEvents]) -> SampledEvents:
        """The trials of ``parts`` one after the other, trial indices shifted."""
        offsets = np.cumsum([0, *(p.trials for p in parts)])
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "trials":
                continue
            arrays = [getattr(p, f.name) for p in parts]
            if f.name.endswith("_trial"):
                arrays = [a + int(o) for a, o in zip(arrays, offsets, strict=False)]
            values[f.name] = np.concatenate(arrays)
        return cls(trials=int(offsets[-1]), **values)  # type: ignore[arg-type]

    def truncated(self, trials: int) -> SampledEvents:
        """Only the events of the first ``trials`` trials."""
        return self.window(0, trials)

    def window(self, start: int, stop: int) -> SampledEvents:
        """The events of trials ``start … stop-1``, renumbered from 0."""
        values: dict[str, object] = {}
        for names in EVENT_COLUMNS:
            trials = getattr(self, names[0])
            keep = (trials >= start) & (trials < stop)
            values.update({name: getattr(self, name)[keep] for name in names})
            values[names[0]] = trials[keep] - start
        return replace(self, trials=stop - start, **values)  # type: ignore[arg-type]


EVENT_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("update_trial", "update_supplier", "update_sabotage", "update_reach"),
    ("fault_trial", "fault_version", "fault_reach"),
    ("supplier_fault_trial", "supplier_fault_supplier"),
    ("power_trial", "power_region", "power_hours"),
    ("down_trial", "down_asset"),
    ("failure_trial", "failure_asset"),
    ("storm_trial", "storm_operator"),
    ("site_trial", "site_asset", "site_failed", "site_total"),
)
"""The columns of :class:`SampledEvents`, by kind of event; each starts with its trials."""


def resolve_events(
    model: NetworkModel, compiled: CompiledNetwork, scenarios: Sequence[Sequence[Event]]
) -> SampledEvents:
    """Scenario ``i`` (a list of events all happening together) becomes trial ``i``.

    Raises :class:`InputError` naming every unknown target and what is known.
    """
    index = _Targets(model, compiled)
    columns: dict[str, list[object]] = {f.name: [] for f in fields(SampledEvents)}
    problems: list[Problem] = []
    for trial, scenario in enumerate(scenarios):
        for event in scenario:
            try:
                index.add(columns, trial, event)
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    k = len(compiled.operators)
    return SampledEvents(
        trials=len(scenarios),
        update_trial=_ints(columns["update_trial"]),
        update_supplier=_ints(columns["update_supplier"]),
        update_sabotage=np.asarray(columns["update_sabotage"], dtype=bool),
        update_reach=np.asarray(columns["update_reach"], dtype=bool).reshape(-1, k),
        fault_trial=_ints(columns["fault_trial"]),
        fault_version=_ints(columns["fault_version"]),
        fault_reach=np.asarray(columns["fault_reach"], dtype=bool).reshape(-1, k),
        supplier_fault_trial=_ints(columns["supplier_fault_trial"]),
        supplier_fault_supplier=_ints(columns["supplier_fault_supplier"]),
        power_trial=_ints(columns["power_trial"]),
        power_region=_ints(columns["power_region"]),
        power_hours=np.asarray(columns["power_hours"], dtype=np.float64),
        down_trial=_ints(columns["down_trial"]),
        down_asset=_ints(columns["down_asset"]),
        failure_trial=np.zeros(0, dtype=np.int64),
        failure_asset=np.zeros(0, dtype=np.int64),
        storm_trial=_ints(columns["storm_trial"]),
        storm_operator=_ints(columns["storm_operator"]),
    )


def _ints(values: list[object]) -> IntArray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def near_matches(name: str, candidates: Sequence[str], limit: int = 5) -> list[str]:
    """Up to ``limit`` of ``candidates`` that look like ``name``, closest first.

    Among many candidates (a million sites) only those sharing ``name``'s longest useful
    prefix are compared, at most :data:`NEAR_POOL` of them, so that a typo costs about a
    second at worst.
    """
    pool: Sequence[str] = candidates
    for length in range(1, len(name) + 1):
        if len(pool) <= NEAR_POOL:
            break
        head = name[:length]
        narrower = [c for c in pool if c[:length] == head]
        if not narrower:
            break
        pool = narrower
    return difflib.get_close_matches(name, pool[:NEAR_POOL], n=limit, cutoff=0.6)


def _known(names: Sequence[str] | Mapping[str, object], limit: int = 12) -> str:
    ordered = sorted(names)
    shown = ", ".join(ordered[:limit])
    return shown + (f" … ({len(ordered)} in all)" if len(ordered) > limit else "") or "none"


class _Targets:
    """Looks event targets up in a compiled model."""

    def __init__(self, model: NetworkModel, compiled: CompiledNetwork) -> None:
        self.model = model
        self.compiled = compiled
        self.suppliers = {s: i for i, s in enumerate(compiled.suppliers)}
        self.operators = {o: i for i, o in enumerate(compiled.operators)}
        self.regions = {r: i for i, r in enumerate(compiled.regions)}
        self.versions = {v: i for i, v in enumerate(compiled.versions)}

    def add(self, columns: dict[str, list[object]], trial: int, event: Event) -> None:
        where = "--event " + repr(f"{event.type.value}:{event.target}")
        t = event.type
        if t in (EventType.SUPPLIER_UPDATE, EventType.SUPPLIER_FAULT):
            supplier = self.suppliers.get(event.target)
            if supplier is None:
                raise InputError.at(
                    f"unknown supplier {event.target!r}; known suppliers: {_known(self.suppliers)}",
                    file=COMMAND_LINE,
                    path=where,
                )
            if t is EventType.SUPPLIER_FAULT:
                columns["supplier_fault_trial"].append(trial)
                columns["supplier_fault_supplier"].append(supplier)
                return
            columns["update_trial"].append(trial)
            columns["update_supplier"].append(supplier)
            columns["update_sabotage"].append(event.mode == Mode.SABOTAGE)
            columns["update_reach"].extend(self._reach(event, where))
        elif t is EventType.PRODUCT_FAULT:
            version = self._version(event.target, where)
            if version >= 0:  # declared but run by no asset: nothing to take down
                columns["fault_trial"].append(trial)
                columns["fault_version"].append(version)
                columns["fault_reach"].extend(self._reach(event, where))
        elif t in (EventType.CHANGE_PUSH, EventType.LIMIT_REACHED):
            assets = self._selected(event, where)
            columns["down_trial"].extend([trial] * assets.size)
            columns["down_asset"].extend(assets.tolist())
        elif t is EventType.STORM:
            operator = self.operators.get(event.target)
            if operator is None:
                raise InputError.at(
                    f"unknown operator {event.target!r}; known operators: {_known(self.operators)}",
                    file=COMMAND_LINE,
                    path=where,
                )
            columns["storm_trial"].append(trial)
            columns["storm_operator"].append(operator)
        elif t is EventType.ASSET_DOWN:
            asset = self.model.table.position.get(event.target)
            if asset is None:
                raise InputError.at(
                    self._unknown_asset(event.target), file=COMMAND_LINE, path=where
                )
            columns["down_trial"].append(trial)
            columns["down_asset"].append(asset)
        else:
            region = self.regions.get(event.target)
            if region is None:
                raise InputError.at(
                    f"unknown region {event.target!r}; known regions: {_known(self.regions)}",
                    file=COMMAND_LINE,
                    path=where,
                )
            first, stop = self.compiled.area_ptr[region : region + 2].tolist()
            areas = range(first, stop) if event.area is None else [first + event.area]
            for area in areas:
                columns["power_trial"].append(trial)
                columns["power_region"].append(area)
                columns["power_hours"].append(float(event.hours or 0.0))

    def _selected(self, event: Event, where: str) -> IntArray:
        """The assets a change push or a limit reached takes down."""
        t = self.model.table
        operator_id, _, selector = event.target.rpartition("/")
        keep = np.ones(len(t), dtype=bool)
        if operator_id or event.type is EventType.CHANGE_PUSH:
            operator = self.operators.get(operator_id)
            if operator is None:
                raise InputError.at(
                    f"unknown operator {operator_id!r}; known operators: {_known(self.operators)}",
                    file=COMMAND_LINE,
                    path=where,
                )
            keep &= t.operator == operator
        products = self.model.products
        if event.type is EventType.CHANGE_PUSH and selector in t.kinds:
            keep &= t.kind == t.kinds.index(selector)
        elif event.type is EventType.CHANGE_PUSH and "@" in selector:
            version = self._version(selector, where)  # -1: declared, run by no asset
            keep &= (t.product_version == version) & (version >= 0)
        elif selector in products:
            named = [i for i, v in enumerate(t.product_versions) if v.split("@")[0] == selector]
            keep &= np.isin(t.product_version, named)
        else:
            kinds = " an asset kind of the model," if event.type is EventType.CHANGE_PUSH else ""
            raise InputError.at(
                f"{selector!r} is not{kinds} a product or a product version of the model; "
                f"known products: {_known(products)}"
                + (f"; kinds in the model: {_known(t.kinds)}" if kinds else ""),
                file=COMMAND_LINE,
                path=where,
            )
        return np.flatnonzero(keep).astype(np.int64)

    def _unknown_asset(self, name: str) -> str:
        ids = self.model.table.ids.tolist()
        near = near_matches(name, ids)
        where = f"(the model's assets and site files have {len(ids):,})"
        if near:
            return f"unknown asset {name!r}; ids like it: {', '.join(near)} {where}"
        return f"unknown asset {name!r}; no asset id is like it {where}"

    def _reach(self, event: Event, where: str) -> list[bool]:
        if event.operators is None:
            return [True] * len(self.operators)
        unknown = [o for o in event.operators if o not in self.operators]
        if unknown:
            raise InputError.at(
                f"unknown operator(s) {', '.join(unknown)}; known operators: "
                f"{_known(self.operators)}",
                file=COMMAND_LINE,
                path=where,
            )
        return [o in event.operators for o in self.operators]

    def _version(self, ref: str, where: str) -> int:
        product_id, _, version = ref.partition("@")
        product = self.model.products.get(product_id)
        if product is None:
            raise InputError.at(
                f"unknown product {product_id!r}; known products: {_known(self.model.products)}",
                file=COMMAND_LINE,
                path=where,
            )
        if version not in product.versions:
            raise InputError.at(
                f"product {product_id} has no version {version!r}; its versions: "
                f"{', '.join(product.versions)}",
                file=COMMAND_LINE,
                path=where,
            )
        return self.versions.get(ref, -1)


def events_of_trials(
    sampled: SampledEvents, compiled: CompiledNetwork, asset_ids: Sequence[str]
) -> list[list[Event]]:
    """Back from arrays to events, one list per trial (for the reference oracle)."""
    out: list[list[Event]] = [[] for _ in range(sampled.trials)]
    for i, t in enumerate(sampled.update_trial.tolist()):
        reached = tuple(
            o for o, hit in zip(compiled.operators, sampled.update_reach[i], strict=True) if hit
        )
        mode = Mode.SABOTAGE if sampled.update_sabotage[i] else Mode.ESPIONAGE
        supplier = compiled.suppliers[int(sampled.update_supplier[i])]
        out[t].append(Event(EventType.SUPPLIER_UPDATE, supplier, mode=mode, operators=reached))
    for i, (t, v) in enumerate(
        zip(sampled.fault_trial.tolist(), sampled.fault_version.tolist(), strict=True)
    ):
        row = sampled.fault_reach[i]
        at: tuple[str, ...] | None = (
            None
            if bool(row.all())
            else tuple(o for o, hit in zip(compiled.operators, row, strict=True) if hit)
        )
        out[t].append(Event(EventType.PRODUCT_FAULT, compiled.versions[v], operators=at))
    for t, s in zip(
        sampled.supplier_fault_trial.tolist(), sampled.supplier_fault_supplier.tolist(), strict=True
    ):
        out[t].append(Event(EventType.SUPPLIER_FAULT, compiled.suppliers[s]))
    for t, r, h in zip(
        sampled.power_trial.tolist(),
        sampled.power_region.tolist(),
        sampled.power_hours.tolist(),
        strict=True,
    ):
        region = int(compiled.area_region[r])
        first, stop = compiled.area_ptr[region : region + 2].tolist()
        area = None if stop - first == 1 else r - first
        out[t].append(Event(EventType.REGION_POWER, compiled.regions[region], hours=h, area=area))
    for trials, assets in (
        (sampled.down_trial, sampled.down_asset),
        (sampled.failure_trial, sampled.failure_asset),
    ):
        for t, a in zip(trials.tolist(), assets.tolist(), strict=True):
            out[t].append(Event(EventType.ASSET_DOWN, str(asset_ids[a])))
    for t, o in zip(sampled.storm_trial.tolist(), sampled.storm_operator.tolist(), strict=True):
        out[t].append(Event(EventType.STORM, compiled.operators[o]))
    for t, a, k in zip(
        sampled.site_trial.tolist(),
        sampled.site_asset.tolist(),
        sampled.site_failed.tolist(),
        strict=True,
    ):
        out[t].append(Event(EventType.SITE_FAILURES, str(asset_ids[a]), sites=k))
    return out
