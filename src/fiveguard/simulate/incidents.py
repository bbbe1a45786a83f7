"""Incidents of the Monte Carlo: durations, user-hours and reporting thresholds per trial.

An *incident* is one sampled event on its own: a supplier update (in the modes and at
the operators it reached), a version fault, a power loss, a misconfiguration, a pushed
change or a limit reached (all the assets it took down, together), an independent
failure. Its people without service are those of the event alone, as the what-if counts
them (nationally, per operator, per region; partial losses and the losses of a storm the
event alone starts included); its duration is the restoration time drawn for it
(:mod:`fiveguard.simulate.durations`) plus the catalogue's extensions, plus a storm's
recovery hours when the event starts one. Its user-hours are people times hours, except
that a storm's own losses count for its recovery hours only, and that a power loss
counts each site from when its battery ran out (:func:`power_steps`). Authorities
receive one report per
incident, so each incident is checked against each reporting threshold on its own: a
national threshold with the incident's people, an operator threshold with each
operator's customers in it (an incident reaching two carriers is two reports).

The year's people without service (the engine's ``people_without_service``) still take
the year's events together; user-hours and reports take them one by one, as if the year's
events happened at different times, which is how they are reported.

Every event but one kind is evaluated by the engine itself, one event per trial column
(propagate and measure, as the what-if does), so the rules of the engine hold for each
incident. The exception is the failure of an asset that shares its class with others
(a *leaf*): nothing depends on it, so alone it costs the people of each part it serves
whose operator has no roaming partner serving the region, in closed form
(:func:`leaf_parts`), for a million sites without a column each; except a leaf whose
failure may start a signalling storm, which the engine evaluates (:func:`engine_failures`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import ReportingThreshold
from fiveguard.domain.graph import ragged_ranges, row_of_entry
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.bits import get_bits
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.durations import TimedEvents
from fiveguard.simulate.events import EVENT_COLUMNS, SampledEvents
from fiveguard.simulate.leaf_roaming import parts_lost
from fiveguard.simulate.metrics import measure
from fiveguard.simulate.propagate import propagate

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

KINDS = (
    "supplier-update", "product-fault", "region-power", "misconfiguration", "asset-failure",
    "change-push", "limit-reached",
)  # fmt: skip
"""The kinds of sampled events, in the order of their codes."""
UPDATE, FAULT, POWER, MISCONFIGURATION, FAILURE, CHANGE_PUSH, LIMIT_REACHED = range(len(KINDS))
DOWN_KINDS = np.asarray([MISCONFIGURATION, CHANGE_PUSH, LIMIT_REACHED], dtype=np.int64)
"""The kind of each cause of a ``down_*`` row, by its code in
:mod:`fiveguard.simulate.sampling` (``DOWN_MISCONFIGURATION`` and the others, in order)."""
COLUMNS_PER_PASS = 4096
"""Incidents evaluated by the engine together (one per trial column)."""


@dataclass(frozen=True, eq=False)
class TimePlan:
    """What a run's incidents need from the model and the catalogue, computed once.

    ``median``, ``sigma``, ``site_access``: per kind of :data:`KINDS` (``median`` NaN
    for power, which keeps its own hours). ``management_classes``: classes holding an
    asset of a ``mgmt.*`` kind. ``storm_hours``: a signalling storm's recovery hours
    (0 without a storm rule). ``users``: the national user base; ``operator_users``:
    ``(K,)`` each operator's people subscribers. ``part_*``: the closed form of leaves,
    one entry per served part of every asset, in ``compiled.asset_part_ptr`` order (see
    :func:`leaf_parts`). ``engine_failure``: ``(N,)`` whether an asset's failure alone is
    evaluated by the engine rather than in closed form (:func:`engine_failures`).
    ``asset_people``: ``(N,)`` the people of an asset's parts together; ``lost_ptr``
    ``(N+1,)`` and ``lost_parts``: each asset's parts that leave someone without service,
    in part order (the entries of a leaf's failure).
    """

    median: FloatArray
    sigma: FloatArray
    site_access: FloatArray
    management_hours: float
    management_classes: IntArray
    storm_hours: float
    users: int
    operator_users: IntArray
    thresholds: tuple[ReportingThreshold, ...]
    part_operator: IntArray
    part_region: IntArray
    part_lost: IntArray
    engine_failure: BoolArray
    asset_people: IntArray
    lost_ptr: IntArray
    lost_parts: IntArray


def time_plan(
    model: NetworkModel, catalogue: Catalogue, compiled: CompiledNetwork
) -> TimePlan | None:
    """The plan of ``model``'s incidents; None when the catalogue has no incident time or
    no restoration time for one of the sampled kinds but power."""
    params = catalogue.simulation.incident_time
    if params is None:
        return None
    median = np.full(len(KINDS), math.nan)
    sigma = np.zeros(len(KINDS))
    for code, kind in enumerate(KINDS):
        if code == POWER:
            continue
        time = params.restoration.get(kind)
        if time is None:
            return None
        median[code], sigma[code] = time.median_hours, time.sigma
    site_access = np.zeros(len(KINDS))
    access = params.extensions.site_access
    if access is not None:
        for code, kind in enumerate(KINDS):
            site_access[code] = access.hours if kind in access.kinds else 0.0
    management = params.extensions.management_down
    storms = catalogue.simulation.storms
    table = model.table
    mgmt_kind = np.asarray([k.startswith("mgmt.") for k in table.kinds] + [False], dtype=bool)
    mgmt_assets = np.flatnonzero(mgmt_kind[table.kind])
    people = {o.id: o.people_subscribers for o in model.document.operators}
    operator_users = np.asarray([people.get(o, 0) for o in compiled.operators], dtype=np.int64)
    owner, operator, region, lost = leaf_parts(compiled)
    n = compiled.asset_class.shape[0]
    lost_parts = np.flatnonzero(lost > 0).astype(np.int64)
    lost_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[lost_parts], minlength=n), out=lost_ptr[1:])
    return TimePlan(
        median=median,
        sigma=sigma,
        site_access=site_access,
        management_hours=management.hours if management is not None else 0.0,
        management_classes=np.unique(compiled.asset_class[mgmt_assets]),
        storm_hours=storms.recovery_hours if storms is not None else 0.0,
        users=int(sum(people.values())),
        operator_users=operator_users,
        thresholds=params.reporting_thresholds,
        part_operator=operator,
        part_region=region,
        part_lost=lost,
        engine_failure=engine_failures(compiled, owner, lost),
        asset_people=_asset_people(owner, lost, n),
        lost_ptr=lost_ptr,
        lost_parts=lost_parts,
    )


def _asset_people(owner: IntArray, lost: IntArray, n: int) -> IntArray:
    """``(N,)``: the people of each asset's parts (``owner``, ``lost``) added up."""
    return np.bincount(owner, weights=lost, minlength=n).astype(np.int64)


def engine_failures(compiled: CompiledNetwork, owner: IntArray, lost: IntArray) -> BoolArray:
    """``(N,)``: the assets whose failure alone the engine evaluates: those alone in their
    class, and the leaves whose failure may start a signalling storm (an asset of a
    ``trigger_kinds`` kind, or one leaving at least ``trigger_share`` of the smallest
    network's customers without service), whose storm losses the closed form of
    :func:`leaf_parts` does not count. ``owner``, ``lost``: :func:`leaf_parts`' parts."""
    c = compiled
    out = np.asarray(c.class_size[c.asset_class] == 1, dtype=bool)
    storms = c.capacity
    if storms is None:
        return out
    out |= storms.asset_trigger
    if storms.trigger_share is not None:
        customers = np.bincount(storms.host, weights=storms.customers, minlength=len(c.operators))
        positive = customers[customers > 0]
        if positive.size:
            people = np.bincount(owner, weights=lost, minlength=out.size)
            out |= people >= storms.trigger_share * float(positive.min())
    return out


def _served_part_rows(
    c: CompiledNetwork,
) -> tuple[BoolArray, IntArray, IntArray, IntArray, IntArray]:
    """Which operator serves which region ``(K, R)``, and per served part of every asset:
    its asset, its slot among the asset's parts, the asset's class and the part's row."""
    k, r = len(c.operators), len(c.regions)
    rows = c.serving_order
    cells = np.zeros(k * r, dtype=bool)
    cells[c.class_operator[rows] * r + c.class_region[rows]] = True
    owner = row_of_entry(c.asset_part_ptr)
    slot = np.arange(owner.size, dtype=np.int64) - c.asset_part_ptr[owner]
    cls = c.asset_class[owner]
    part_row = c.class_part_rows[c.class_part_ptr[cls] + slot]
    return cells.reshape(k, r), owner, slot, cls, part_row


def leaf_parts(compiled: CompiledNetwork) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Per served part of every asset: its asset, operator, region and the people it
    leaves without service when the asset alone fails while its class stays up — all the
    part's people, unless the part's operator has a roaming partner serving the region
    (wireline never roams), and then its roamers beyond the partners' spare capacity.
    Only meaningful for assets sharing their class with others:
    those serve the same operators in the same region, so a partner still serves it."""
    c = compiled
    k = len(c.operators)
    serving, owner, slot, cls, part_row = _served_part_rows(c)
    operator = np.where(slot == 0, c.class_operator[cls], c.class_operator[part_row])
    region = np.where(slot == 0, c.class_region[cls], c.class_region[part_row])
    roaming_region = np.where(c.class_roams[part_row], c.class_region[cls], -1)
    covered = np.zeros(owner.size, dtype=bool)
    for o in range(k):
        mine = (c.class_operator[part_row] == o) & (roaming_region >= 0)
        for p in np.flatnonzero(c.partners[o]).tolist():
            covered |= mine & serving[p, np.maximum(roaming_region, 0)]
    part_operator = c.class_operator[part_row]
    lost = parts_lost(c, owner, cls, part_operator, roaming_region, covered)
    return owner.astype(np.int64), operator.astype(np.int64), region.astype(np.int64), lost


def leaf_part_services(compiled: CompiledNetwork, plan: TimePlan) -> IntArray:
    """``(parts, S)``: per served part of every asset (as :func:`leaf_parts`), the people
    losing each service when the asset alone fails while its class stays up. No pool goes
    down then, so a service is lost where the part is without service (``plan.part_lost``):
    on radio parts, and on wireline parts for the services counting wireline; a service
    reached on any network (emergency calls) on a radio part only where no other
    operator's network serves the region, and then by all of the part's people."""
    c = compiled
    rules = c.service_rules
    serving, owner, _, cls, part_row = _served_part_rows(c)
    radio = c.class_roams[part_row]
    region = c.class_region[cls]
    operator = c.class_operator[part_row]
    elsewhere = np.zeros(owner.size, dtype=bool)
    placed = radio & (region >= 0)
    reached = rules.others.astype(np.int64) @ serving.astype(np.int64) > 0
    elsewhere[placed] = reached[operator[placed], region[placed]]
    lost = plan.part_lost
    out = np.zeros((owner.size, len(rules.names)), dtype=np.int64)
    for s in range(len(rules.names)):
        counted = radio | bool(rules.wireline[s])
        if rules.any_network[s]:
            counted &= ~elsewhere
        out[:, s] = np.where(counted, lost, 0)
    return out


# ---------------------------------------------------------------------------- per trial


@dataclass(frozen=True, eq=False)
class TrialTime:
    """Per trial of a run (``T`` trials): user-hours ``(T,)``, by operator ``(T, K)`` and
    region ``(T, R)``; ``longest_hours`` ``(T,)``, the longest incident leaving someone
    without service (0 without one); ``worst_hours``, the duration of the largest (most
    people without service; on a tie the longest; 0 without one); ``incidents`` ``(T,)``,
    how many left someone without service; ``reports`` ``(T, J)``, per reporting
    threshold, the incidents (at an operator threshold, the incident-operator pairs)
    crossing it."""

    user_hours: FloatArray
    user_hours_by_operator: FloatArray
    user_hours_by_region: FloatArray
    longest_hours: FloatArray
    worst_hours: FloatArray
    incidents: IntArray
    reports: IntArray

    @classmethod
    def concat(cls, parts: Sequence[TrialTime]) -> TrialTime:
        """Trials of ``parts`` one after another."""
        return cls(
            *(
                np.concatenate([getattr(p, name) for p in parts])
                for name in (
                    "user_hours", "user_hours_by_operator", "user_hours_by_region",
                    "longest_hours", "worst_hours", "incidents", "reports",
                )
            )
        )  # fmt: skip


@dataclass(frozen=True, eq=False)
class Incidents:
    """The incidents of a batch: ``trial``, ``kind``, ``hours`` (its duration), ``people``
    and ``user_hours`` per incident; ``operator_entries`` and ``region_entries``:
    ``(incident, operator or region, people, user-hours)`` for each nonzero share of an
    incident's people. Without a storm, user-hours are people times hours; an incident
    whose event alone starts a storm lasts the storm's recovery hours longer, and the
    people the storm takes count for those hours only (see :func:`incidents_of`)."""

    trial: IntArray
    kind: IntArray
    hours: FloatArray
    people: IntArray
    user_hours: FloatArray
    operator_entries: tuple[IntArray, IntArray, IntArray, FloatArray]
    region_entries: tuple[IntArray, IntArray, IntArray, FloatArray]
    service_people: IntArray | None = None
    """``(n, S)``: per incident, the people losing each service of
    ``compiled.service_rules.names`` (nationally, as the what-if counts them); ``None``
    where not worked out."""

    def longer(self, at: IntArray, extra: FloatArray) -> Incidents:
        """These incidents with incidents ``at`` (distinct) lasting ``extra`` hours longer,
        everyone in them without service for those hours too."""
        more = np.zeros(self.trial.size)
        more[at] = extra
        oi, ok, op, ou = self.operator_entries
        ri, rr, rp, ru = self.region_entries
        return Incidents(
            self.trial, self.kind, self.hours + more, self.people,
            self.user_hours + self.people * more,
            (oi, ok, op, ou + op * more[oi]),
            (ri, rr, rp, ru + rp * more[ri]),
            self.service_people,
        )  # fmt: skip


GROUP_KINDS = {
    "update_trial": UPDATE,
    "fault_trial": FAULT,
    "power_trial": POWER,
    "down_trial": MISCONFIGURATION,
    "failure_trial": FAILURE,
    "site_trial": FAILURE,
}
"""The kind of each group of :data:`~fiveguard.simulate.events.EVENT_COLUMNS` the Monte
Carlo samples, by its trial column."""


def one_per_column(
    timed: TimedEvents, compiled: CompiledNetwork, plan: TimePlan
) -> tuple[SampledEvents, IntArray, IntArray, FloatArray]:
    """Every event but closed-form leaf failures (see ``plan.engine_failure``) as its own
    trial column, group by group in the order of ``EVENT_COLUMNS``: the events, and per
    column its original trial, kind and normal (power: its hours). A pushed change or a
    limit reached is one column with all its assets. Raises ValueError for sampled
    events of a group with no kind here (they would otherwise go uncounted)."""
    e = timed.events
    single = plan.engine_failure[e.failure_asset]
    normals = {
        "update_trial": timed.update_z,
        "fault_trial": timed.fault_z,
        "power_trial": e.power_hours,
        "down_trial": timed.down_z,
        "failure_trial": timed.failure_z,
        "site_trial": timed.site_z,
    }
    values: dict[str, object] = {}
    trial, kind, normal = [], [], []
    start = 0
    for names in EVENT_COLUMNS:
        trials = getattr(e, names[0])
        code = GROUP_KINDS.get(names[0])
        if code is None:
            if trials.size:
                raise ValueError(f"no restoration kind for sampled events of {names[0]}")
            values.update({name: getattr(e, name) for name in names})
            continue
        keep = single if names[0] == "failure_trial" else np.ones(trials.shape[0], dtype=bool)
        values.update({name: getattr(e, name)[keep] for name in names})
        if names[0] == "down_trial":
            # one column per event: a pushed change or a limit reached takes its rows
            column, first = _down_events(timed)
            codes = DOWN_KINDS[timed.down_cause[first]] if timed.down_cause is not None else code
        else:
            column = np.arange(int(keep.sum()), dtype=np.int64)
            first, codes = np.flatnonzero(keep), code
        n = first.size
        values[names[0]] = start + column
        start += n
        trial.append(trials[first])
        kind.append(np.broadcast_to(np.asarray(codes, dtype=np.int64), (n,)).copy())
        normal.append(normals[names[0]][first])
    events = replace(e, trials=start, **values)  # type: ignore[arg-type]
    return events, np.concatenate(trial), np.concatenate(kind), np.concatenate(normal)


def _down_events(timed: TimedEvents) -> tuple[IntArray, IntArray]:
    """Per ``down_*`` row, its event's number (0, 1, … in row order), and per event its
    first row."""
    rows = timed.events.down_trial.shape[0]
    if timed.down_event is None:
        every = np.arange(rows, dtype=np.int64)
        return every, every
    _, first, column = np.unique(timed.down_event, return_index=True, return_inverse=True)
    return column.astype(np.int64), first.astype(np.int64)


def signatures(events: SampledEvents, compiled: CompiledNetwork) -> list[tuple[object, ...]]:
    """Per column of :func:`one_per_column`'s events, what decides its impact: every
    column of its event (an update's supplier, mode and reach; a fault's version and
    whatever else its group carries; the assets a misconfiguration, pushed change, limit
    reached or failure takes down),
    except that a power loss counts by its region and how many of the region's autonomies
    it outlasts, not by its exact hours."""
    reach = power_reach(events, compiled)
    keys: list[tuple[object, ...]] = []
    for group, names in enumerate(EVENT_COLUMNS):
        if getattr(events, names[0]).shape[0] == 0:
            continue
        columns: list[list[object]] = []
        for name in names[1:]:
            column = reach if name == "power_hours" else getattr(events, name)
            cells: list[object] = (
                [row.tobytes() for row in column] if column.ndim > 1 else list(column.tolist())
            )
            columns.append(cells)
        if names[0] == "down_trial":
            # an event may take several assets down (rows of the same column)
            taken: dict[int, set[int]] = {}
            down = zip(events.down_trial.tolist(), events.down_asset.tolist(), strict=True)
            for at, asset in down:
                taken.setdefault(at, set()).add(asset)
            keys += [("asset", *sorted(taken[at])) for at in sorted(taken)]
            continue
        tag: object = "asset" if names[0] == "failure_trial" else group
        keys += [(tag, *row) for row in zip(*columns, strict=True)]
    return keys


def power_reach(events: SampledEvents, compiled: CompiledNetwork) -> IntArray:
    """Per power loss of ``events``, how many of its area's autonomies it outlasts (those
    strictly below its hours)."""
    ptr, autonomy = compiled.power_ptr, compiled.power_hours
    area, hours = events.power_region, events.power_hours
    reach = np.zeros(area.shape[0], dtype=np.int64)
    order = np.argsort(area, kind="stable")
    areas, starts = np.unique(area[order], return_index=True)
    ends = [*starts[1:].tolist(), order.shape[0]]
    for a, lo, hi in zip(areas.tolist(), starts.tolist(), ends, strict=True):
        at = order[lo:hi]
        reach[at] = np.searchsorted(autonomy[ptr[a] : ptr[a + 1]], hours[at], "left")
    return reach


def distinct_signatures(
    events: SampledEvents, compiled: CompiledNetwork
) -> tuple[IntArray, list[tuple[object, ...]], IntArray]:
    """The signatures of :func:`signatures`, each made once: per column of ``events``,
    the index of its signature; the distinct signatures in the order of the first column
    having each; and that first column. Columns are told apart with arrays (one code per
    distinct row of a group's columns), so only distinct events make a key."""
    found: list[tuple[object, ...]] = []
    found_first: list[IntArray] = []
    local = np.full(events.trials, -1, dtype=np.int64)
    reach: IntArray | None = None
    for group, names in enumerate(EVENT_COLUMNS):
        trials = getattr(events, names[0])
        if trials.shape[0] == 0:
            continue
        if names[0] == "down_trial":
            # an event may take several assets down (rows of the same column)
            taken: dict[int, set[int]] = {}
            down = zip(trials.tolist(), events.down_asset.tolist(), strict=True)
            for at, asset in down:
                taken.setdefault(at, set()).add(asset)
            columns = sorted(taken)
            local[columns] = len(found) + np.arange(len(columns), dtype=np.int64)
            found += [("asset", *sorted(taken[at])) for at in columns]
            found_first.append(np.asarray(columns, dtype=np.int64))
            continue
        cells: list[npt.NDArray[np.generic]] = []
        codes: list[IntArray] = []
        for name in names[1:]:
            if name == "power_hours":
                reach = power_reach(events, compiled) if reach is None else reach
                column: npt.NDArray[np.generic] = reach
            else:
                column = getattr(events, name)
            cells.append(column)
            if column.ndim > 1:
                raw = np.ascontiguousarray(column).view(np.uint8).reshape(column.shape[0], -1)
                codes += [raw[:, j].astype(np.int64) for j in range(raw.shape[1])]
            else:
                codes.append(_integer_codes(column))
        first, inverse = _distinct_rows(codes)
        local[trials] = len(found) + inverse
        tag: object = "asset" if names[0] == "failure_trial" else group
        parts = [
            [row.tobytes() for row in cell[first]] if cell.ndim > 1 else cell[first].tolist()
            for cell in cells
        ]
        found += [(tag, *row) for row in zip(*parts, strict=True)]
        found_first.append(trials[first])
    first_column = np.concatenate(found_first) if found_first else np.zeros(0, dtype=np.int64)
    # equal keys of different groups (one asset down by a failure or a misconfiguration)
    # become one, listed at the first column having it
    index: dict[tuple[object, ...], int] = {}
    merged = np.zeros(len(found), dtype=np.int64)
    keys: list[tuple[object, ...]] = []
    firsts: list[int] = []
    for j in np.argsort(first_column, kind="stable").tolist():
        at = index.setdefault(found[j], len(keys))
        if at == len(keys):
            keys.append(found[j])
            firsts.append(int(first_column[j]))
        merged[j] = at
    return merged[local], keys, np.asarray(firsts, dtype=np.int64)


def _integer_codes(column: npt.NDArray[np.generic]) -> IntArray:
    """A 1-D column as integers equal exactly when its values are (its bits for floats,
    0.0 and -0.0 made one)."""
    if column.dtype.kind == "f":
        return np.asarray(column.astype(np.float64) + 0.0).view(np.int64)
    return column.astype(np.int64)


def _distinct_rows(codes: list[IntArray]) -> tuple[IntArray, IntArray]:
    """The distinct rows of integer columns ``codes``: the first row of each, in row
    order, and per row the index of its distinct row."""
    if len(codes) == 1:
        packed = codes[0]
    else:
        matrix = np.stack(codes, axis=1)
        low, high = matrix.min(axis=0), matrix.max(axis=0)
        spans = [int(h) - int(lo) + 1 for lo, h in zip(low.tolist(), high.tolist(), strict=True)]
        if math.prod(spans) < 2**62:
            packed = np.zeros(matrix.shape[0], dtype=np.int64)
            for j, span in enumerate(spans):
                packed = packed * span + (matrix[:, j] - low[j])
        else:
            packed = np.unique(matrix, axis=0, return_inverse=True)[1].reshape(-1)
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(order.shape[0], dtype=np.int64)
    rank[order] = np.arange(order.shape[0], dtype=np.int64)
    return first[order].astype(np.int64), rank[inverse.reshape(-1)]


def pick_columns(events: SampledEvents, picks: IntArray) -> SampledEvents:
    """The columns ``picks`` of one-event-per-column ``events``, renumbered in that order."""
    new = np.full(events.trials, -1, dtype=np.int64)
    new[picks] = np.arange(picks.shape[0], dtype=np.int64)
    values: dict[str, object] = {}
    for names in EVENT_COLUMNS:
        column = new[getattr(events, names[0])]
        keep = column >= 0
        values.update({name: getattr(events, name)[keep] for name in names})
        values[names[0]] = column[keep]
    return replace(events, trials=int(picks.shape[0]), **values)  # type: ignore[arg-type]


class ImpactCache:
    """The impact of each distinct event alone, evaluated once per run: people without
    service (nationally, ``(K,)`` per operator, ``(R,)`` per region), whether a
    management asset is down, whether the event alone starts a signalling storm, and
    (``calm_*``) the people without service before the storm's losses (the same as the
    people where no storm starts)."""

    def __init__(self, compiled: CompiledNetwork, plan: TimePlan) -> None:
        self.compiled, self.plan = compiled, plan
        self.row: dict[tuple[object, ...], int] = {}
        k, r = len(compiled.operators), len(compiled.regions)
        self.people = np.zeros(0, dtype=np.int64)
        self.by_operator = np.zeros((0, k), dtype=np.int64)
        self.by_region = np.zeros((0, r), dtype=np.int64)
        self.management = np.zeros(0, dtype=bool)
        self.stormed = np.zeros(0, dtype=bool)
        self.calm_people = np.zeros(0, dtype=np.int64)
        self.calm_by_operator = np.zeros((0, k), dtype=np.int64)
        self.calm_by_region = np.zeros((0, r), dtype=np.int64)
        self.service = np.zeros((0, len(compiled.service_rules.names)), dtype=np.int64)
        self._calm: CompiledNetwork | None = None
        self._part_services: IntArray | None = None
        self._asset_services: IntArray | None = None

    def part_services(self) -> IntArray:
        """:func:`leaf_part_services` of the run (made once)."""
        if self._part_services is None:
            self._part_services = leaf_part_services(self.compiled, self.plan)
        return self._part_services

    def asset_services(self) -> IntArray:
        """``(N, S)``: per asset, the people losing each service when it alone fails
        while its class stays up: :meth:`part_services` summed over the asset's parts
        that leave someone without service (``plan.lost_parts``; made once)."""
        if self._asset_services is None:
            parts = self.part_services()
            ptr = self.plan.lost_ptr
            out = np.zeros((ptr.shape[0] - 1, parts.shape[1]), dtype=np.int64)
            some = np.flatnonzero(ptr[1:] > ptr[:-1])
            if some.size:
                # segments of consecutive entries: an asset with none lies between two
                # starts that are equal, so each segment is exactly its asset's parts
                picked = parts[self.plan.lost_parts]
                out[some] = np.add.reduceat(picked, ptr[some], axis=0)
            self._asset_services = out
        return self._asset_services

    def calm(self) -> CompiledNetwork:
        """The compiled network with the storm rule's triggers off (made once)."""
        if self._calm is None:
            plan = self.compiled.capacity
            assert plan is not None, "a storm needs the capacity plan"
            off = np.zeros_like(plan.asset_trigger)
            quiet = replace(
                plan, trigger_share=None, class_trigger=np.zeros_like(plan.class_trigger),
                asset_trigger=off,
            )  # fmt: skip
            self._calm = replace(self.compiled, capacity=quiet)
        return self._calm

    def rows(self, events: SampledEvents) -> IntArray:
        """Per column of ``events``, its row in the cache (evaluating what is new)."""
        which, keys, first = distinct_signatures(events, self.compiled)
        fresh = [i for i, key in enumerate(keys) if key not in self.row]
        if fresh:
            self._add(pick_columns(events, first[fresh]))
            start = len(self.row)
            for i, at in enumerate(fresh):
                self.row[keys[at]] = start + i
        rows = np.asarray([self.row[key] for key in keys], dtype=np.int64)
        return rows[which]

    def _add(self, events: SampledEvents) -> None:
        c, plan = self.compiled, self.plan
        n = events.trials
        people = np.zeros(n, dtype=np.int64)
        management = np.zeros(n, dtype=bool)
        stormed = np.zeros(n, dtype=bool)
        by_operator = np.zeros((n, len(c.operators)), dtype=np.int64)
        by_region = np.zeros((n, len(c.regions)), dtype=np.int64)
        service = np.zeros((n, self.service.shape[1]), dtype=np.int64)
        for begin in range(0, n, COLUMNS_PER_PASS):
            end = min(begin + COLUMNS_PER_PASS, n)
            state = propagate(c, events.window(begin, end))
            impacts = measure(c, state)
            people[begin:end] = impacts.national[:, 0]
            by_operator[begin:end] = impacts.by_operator[:, :, 0]
            by_region[begin:end] = impacts.by_region[:, :, 0]
            if impacts.by_service is not None:
                service[begin:end] = impacts.by_service.national
            if impacts.storms is not None:
                stormed[begin:end] = impacts.storms.any(axis=1)
            rows = plan.management_classes
            if rows.size:
                cols = np.arange(end - begin, dtype=np.int64)
                hit = get_bits(state.down, np.repeat(rows, cols.size), np.tile(cols, rows.size))
                management[begin:end] = hit.reshape(rows.size, cols.size).any(axis=0)
        calm_people, calm_operator, calm_region = (
            people.copy(),
            by_operator.copy(),
            by_region.copy(),
        )
        picks = np.flatnonzero(stormed)
        if picks.size:
            # the same events with no storm: what the event alone leaves without service
            calm = self.calm()
            impacts = measure(calm, propagate(calm, pick_columns(events, picks)))
            calm_people[picks] = impacts.national[:, 0]
            calm_operator[picks] = impacts.by_operator[:, :, 0]
            calm_region[picks] = impacts.by_region[:, :, 0]
        self.people = np.concatenate([self.people, people])
        self.by_operator = np.concatenate([self.by_operator, by_operator])
        self.by_region = np.concatenate([self.by_region, by_region])
        self.service = np.concatenate([self.service, service])
        self.management = np.concatenate([self.management, management])
        self.stormed = np.concatenate([self.stormed, stormed])
        self.calm_people = np.concatenate([self.calm_people, calm_people])
        self.calm_by_operator = np.concatenate([self.calm_by_operator, calm_operator])
        self.calm_by_region = np.concatenate([self.calm_by_region, calm_region])


def incidents_of(
    timed: TimedEvents, compiled: CompiledNetwork, plan: TimePlan, cache: ImpactCache | None = None
) -> Incidents:
    """Every incident of a batch with its people, duration and user-hours (before the
    hours :func:`with_storms` adds); ``cache`` keeps the impacts of events already seen
    (by default, a new one).

    An incident whose event alone starts a signalling storm lasts the storm's recovery
    hours longer than its drawn duration; the people its event leaves without service
    count for the whole, the people the storm takes (its partial losses) for the
    recovery hours only. Its people are both, as the what-if counts them."""
    cache = cache if cache is not None else ImpactCache(compiled, plan)
    events, trial, kind, normal = one_per_column(timed, compiled, plan)
    row = cache.rows(events)
    people = cache.people[row]
    by_operator = cache.by_operator[row]
    by_region = cache.by_region[row]
    management = cache.management[row]
    drawn = np.where(
        kind == POWER, normal, plan.median[kind] * np.exp(plan.sigma[kind] * normal)
    )  # fmt: skip
    drawn = drawn + plan.site_access[kind] + plan.management_hours * management
    storm = np.where(cache.stormed[row], plan.storm_hours, 0.0)
    hours = drawn + storm
    # the event's own people for the whole duration (a power loss: each for the hours
    # after its batteries ran out), the storm's for its hours only
    own = _own_user_hours(events, kind, normal, drawn, row, cache)
    user_hours = own[0] + people * storm
    by_operator_hours = own[1] + by_operator * storm[:, None]
    by_region_hours = own[2] + by_region * storm[:, None]
    op_i, op_k = np.nonzero((by_operator > 0) | (by_operator_hours > 0))
    reg_i, reg_r = np.nonzero((by_region > 0) | (by_region_hours > 0))
    op_hours = by_operator_hours[op_i, op_k]
    reg_hours = by_region_hours[reg_i, reg_r]
    leaf = _leaves(timed, compiled, plan)
    owner = events.trials + leaf.owner
    leaf_hours = leaf.lost * leaf.hours[leaf.owner]
    by_part = (owner, plan.part_operator[leaf.parts], leaf.lost, leaf_hours)
    region = plan.part_region[leaf.parts]
    in_region = (owner, region, leaf.lost, leaf_hours)
    if not (region >= 0).all():
        inside = np.flatnonzero(region >= 0)
        in_region = (owner[inside], region[inside], leaf.lost[inside], leaf_hours[inside])
    leaf_service = cache.asset_services()[leaf.asset]
    return Incidents(
        trial=np.concatenate([trial, leaf.trial]),
        kind=np.concatenate([kind, np.full(leaf.trial.size, FAILURE, dtype=np.int64)]),
        hours=np.concatenate([hours, leaf.hours]),
        people=np.concatenate([people, leaf.people]),
        user_hours=np.concatenate([user_hours, leaf.people * leaf.hours]),
        operator_entries=(
            np.concatenate([op_i, by_part[0]]),
            np.concatenate([op_k, by_part[1]]),
            np.concatenate([by_operator[op_i, op_k], by_part[2]]),
            np.concatenate([op_hours, by_part[3]]),
        ),
        region_entries=(
            np.concatenate([reg_i, in_region[0]]),
            np.concatenate([reg_r, in_region[1]]),
            np.concatenate([by_region[reg_i, reg_r], in_region[2]]),
            np.concatenate([reg_hours, in_region[3]]),
        ),
        service_people=np.concatenate([cache.service[row], leaf_service]),
    )


def _own_user_hours(
    events: SampledEvents,
    kind: IntArray,
    normal: FloatArray,
    drawn: FloatArray,
    row: IntArray,
    cache: ImpactCache,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per column of :func:`one_per_column`'s ``events``, the user-hours of the people its
    event leaves without service with no storm: nationally ``(n,)``, per operator
    ``(n, K)`` and per region ``(n, R)``. Their people times ``drawn`` hours, except a
    power loss: while it lasts, an asset is down from the moment its batteries run out,
    so each set of assets down (those of autonomy up to one of the area's autonomies)
    counts its people until the next autonomy runs out or power returns; after that, the
    extensions count the whole loss's people (:func:`power_steps`)."""
    national = cache.calm_people[row] * drawn
    by_operator = cache.calm_by_operator[row] * drawn[:, None]
    by_region = cache.calm_by_region[row] * drawn[:, None]
    power = np.flatnonzero(kind == POWER)
    if power.size == 0:
        return national, by_operator, by_region
    steps, owner, length = power_steps(events, cache.compiled)
    at = power[owner]
    after = drawn[power] - normal[power]  # the extensions, once power is back
    step_row = cache.rows(steps) if steps.trials else np.zeros(0, dtype=np.int64)
    national[power] = cache.calm_people[row[power]] * after
    by_operator[power] = cache.calm_by_operator[row[power]] * after[:, None]
    by_region[power] = cache.calm_by_region[row[power]] * after[:, None]
    # each loss's steps added in their order, one step of every loss at a time
    level = np.arange(owner.shape[0], dtype=np.int64) - np.searchsorted(owner, owner)
    for j in range(int(level.max()) + 1 if level.size else 0):
        step = np.flatnonzero(level == j)
        loss, used, hours = at[step], step_row[step], length[step]
        national[loss] += cache.calm_people[used] * hours
        by_operator[loss] += cache.calm_by_operator[used] * hours[:, None]
        by_region[loss] += cache.calm_by_region[used] * hours[:, None]
    return national, by_operator, by_region


def power_steps(
    events: SampledEvents, compiled: CompiledNetwork
) -> tuple[SampledEvents, IntArray, FloatArray]:
    """The steps of each power loss of ``events`` (one per column, in column order): for
    each distinct autonomy ``a`` of its area below its hours, a power loss that takes
    down what has autonomy up to ``a`` (one lasting until the next autonomy, or the loss's
    own hours), as one column each. Returns those columns, the power loss (its index
    among ``events``' power losses) each belongs to, and how long each state lasts: from
    ``a`` to the next autonomy or the loss's end."""
    ptr, autonomy = compiled.power_ptr, compiled.power_hours
    area, hours = events.power_region, events.power_hours
    count = power_reach(events, compiled)  # the autonomies below each loss's hours
    owner = np.repeat(np.arange(count.shape[0], dtype=np.int64), count)
    n = owner.shape[0]
    # each step's autonomy among its area's: 0, 1, … up to the loss's count
    level = np.arange(n, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    at = ptr[area[owner]] + level
    until, length = np.zeros(n), np.zeros(n)
    if n:
        # a step lasts until the area's next autonomy, the last one until power is back
        following = autonomy[np.minimum(at + 1, autonomy.shape[0] - 1)]
        until = np.where(level + 1 == count[owner], hours[owner], following)
        length = until - autonomy[at]
    steps = replace(
        SampledEvents.empty(n, len(compiled.operators)),
        power_trial=np.arange(n, dtype=np.int64),
        power_region=area[owner].astype(np.int64),
        power_hours=until.astype(np.float64),
    )
    return steps, owner, length.astype(np.float64)


@dataclass(frozen=True, eq=False)
class _Leaves:
    """A batch's leaf failures (``trial``, ``hours``, ``people``, ``asset`` each) and their served
    parts that leave someone without service (``owner``: the failure, ``parts``: the
    part's index, ``lost``: its people), in failure then part order."""

    trial: IntArray
    hours: FloatArray
    people: IntArray
    asset: IntArray
    owner: IntArray
    parts: IntArray
    lost: IntArray


def _leaves(timed: TimedEvents, compiled: CompiledNetwork, plan: TimePlan) -> _Leaves:
    """The failures of assets sharing their class, in closed form (:func:`leaf_parts`)."""
    e = timed.events
    leaf = ~plan.engine_failure[e.failure_asset]
    asset = e.failure_asset[leaf]
    hours = plan.median[FAILURE] * np.exp(plan.sigma[FAILURE] * timed.failure_z[leaf])
    ptr = plan.lost_ptr  # only the parts that leave someone without service
    owner = np.repeat(np.arange(asset.size, dtype=np.int64), ptr[asset + 1] - ptr[asset])
    parts = plan.lost_parts[ragged_ranges(ptr, asset)]
    return _Leaves(
        trial=e.failure_trial[leaf],
        hours=hours + plan.site_access[FAILURE],
        people=plan.asset_people[asset],
        asset=asset,
        owner=owner,
        parts=parts,
        lost=plan.part_lost[parts],
    )


def crosses(
    threshold: ReportingThreshold, people: IntArray, users: IntArray, hours: FloatArray
) -> BoolArray:
    """Whether each incident (``people`` of ``users`` for ``hours``) crosses
    ``threshold``: some condition's hours and its people or share (as the what-if)."""
    out = np.zeros(people.shape[0], dtype=bool)
    for condition in threshold.conditions:
        reach = np.zeros(people.shape[0], dtype=bool)
        if condition.min_users is not None:
            reach |= people >= condition.min_users
        if condition.min_share is not None:
            reach |= (users > 0) & (people > condition.min_share * users)
        out |= (hours >= condition.min_hours) & reach
    return out & (people > 0)


def largest(incidents: Incidents) -> IntArray:
    """Per trial with incidents, the index of its largest (most people without service;
    on a tie the longest, after which the choice changes nothing)."""
    t, people, hours = incidents.trial, incidents.people, incidents.hours
    span = int(t.max()) + 1 if t.size else 0
    most = np.full(span, -1, dtype=np.int64)
    np.maximum.at(most, t, people)
    tied = np.flatnonzero(people == most[t])
    longest = np.full(span, -np.inf)
    np.maximum.at(longest, t[tied], hours[tied])
    chosen = tied[hours[tied] == longest[t[tied]]]
    _, first = np.unique(t[chosen], return_index=True)
    return np.asarray(chosen[first], dtype=np.int64)


def with_storms(incidents: Incidents, storm_hours: FloatArray | None) -> Incidents:
    """``incidents`` with each trial's storm hours (``(T,)``, 0 for none) added to its
    largest incident (most people without service; on a tie the longest, after which
    the choice changes nothing)."""
    if storm_hours is None or incidents.trial.size == 0:
        return incidents
    first = largest(incidents)
    return incidents.longer(first, storm_hours[incidents.trial[first]])


def trial_time(incidents: Incidents, plan: TimePlan, trials: int, k: int, r: int) -> TrialTime:
    """Per-trial sums of a batch's incidents (see :class:`TrialTime`)."""
    t, hours, people = incidents.trial, incidents.hours, incidents.people
    hit = people > 0
    longest = np.zeros(trials)
    np.maximum.at(longest, t[hit], hours[hit])
    worst = np.zeros(trials)
    if t.size:
        top = largest(incidents)
        top = top[people[top] > 0]
        worst[t[top]] = hours[top]
    oi, ok, op, ou = incidents.operator_entries
    ri, rr, _, ru = incidents.region_entries
    reports = np.zeros((trials, len(plan.thresholds)), dtype=np.int64)
    # only incidents (incident-operator pairs) leaving someone without service can cross
    national = (t[hit], people[hit], hours[hit])
    users = np.full(national[0].size, plan.users, dtype=np.int64)
    pair = np.flatnonzero(op > 0)
    carrier = (t[oi[pair]], op[pair], plan.operator_users[ok[pair]], hours[oi[pair]])
    for j, threshold in enumerate(plan.thresholds):
        if threshold.per == "national":
            crossed = crosses(threshold, national[1], users, national[2])
            reports[:, j] = np.bincount(national[0][crossed], minlength=trials)
        else:
            crossed = crosses(threshold, *carrier[1:])
            reports[:, j] = np.bincount(carrier[0][crossed], minlength=trials)
    return TrialTime(
        user_hours=np.bincount(t, weights=incidents.user_hours, minlength=trials).astype(
            np.float64
        ),
        user_hours_by_operator=np.bincount(t[oi] * k + ok, weights=ou, minlength=trials * k)
        .reshape(trials, k)
        .astype(np.float64),
        user_hours_by_region=np.bincount(t[ri] * r + rr, weights=ru, minlength=trials * r)
        .reshape(trials, r)
        .astype(np.float64),
        longest_hours=longest,
        worst_hours=worst,
        incidents=np.bincount(t[hit], minlength=trials).astype(np.int64),
        reports=reports,
    )
