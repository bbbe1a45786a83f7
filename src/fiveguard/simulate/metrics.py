"""Impacts per trial from class states: people without service, exposure, counts, services.

For every trial the engine reports, nationally, per operator and per region:

- ``people_without_service``: people of the served parts that are down (their radio, or
  their own operator's core), except where the part's operator has a roaming partner
  with a served part in the same region that is not down (radio parts only: wireline
  customers never roam, and nobody roams onto wireline access);
- ``subscribers_exposed``: people of the served parts that are exposed (the radio or
  their operator's core compromised, or a compromised asset anywhere in the transitive
  ``requires`` closure of either);
- ``assets_down``, ``assets_compromised``: numbers of assets; a shared radio asset is down
  when every part it serves is;
- ``sites_down``: the ``sites`` of the assets that are down;

and, per critical service, how many of the assets carrying it are down or compromised.
People count for the operator whose customers they are; assets for the operator running
them. Assets without a region count nationally and for their operator, not in any region.
Served parts are the serving rows of :mod:`fiveguard.simulate.compile` (see
:mod:`fiveguard.simulate.sharing`).

Class-level sums are weighted sums of unpacked bits (a sparse matrix product, exact in
float64 below 2**53); leaf hits (one asset of a class down on its own) add their asset's
numbers where the asset is not already down, and its parts' people where those parts are
up. A partner's served parts in a region are "all down" when every serving row there is
down or has every asset of its class hit, which is checked exactly from the leaf hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from fiveguard.domain.graph import ragged_ranges, row_of_entry
from fiveguard.simulate.bits import Plane, get_bits, unpack, words_for
from fiveguard.simulate.capacity import partial_losses
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.propagate import ClassState

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

IMPACT_FIELDS: tuple[str, ...] = (
    "people_without_service",
    "subscribers_exposed",
    "assets_down",
    "assets_compromised",
    "sites_down",
)
PEOPLE, EXPOSED, ASSETS_DOWN, COMPROMISED, SITES = range(5)
UNPACK_BYTES = 1 << 27
"""Trials are unpacked in chunks of about this many bytes of float64 bits."""


@dataclass(frozen=True, eq=False)
class TrialImpacts:
    """Impacts of ``T`` trials; the last axis follows :data:`IMPACT_FIELDS`.

    ``national``: ``(T, 5)`` int64; ``by_operator``: ``(T, K, 5)``; ``by_region``:
    ``(T, R, 5)``; ``service_assets``: ``(T, S)`` int64, per critical service the assets
    carrying it that are down or compromised; the partial figures, ``T × (K + R)`` int64
    and ``T × K`` bool. In all about ``T × (5 + 6K + 6R + S)`` int64, kept whole for the
    percentiles: about 13 MB for 10,000 trials of 4 operators, 20 regions and 9 services.
    """

    national: IntArray
    by_operator: IntArray
    by_region: IntArray
    service_assets: IntArray
    partial_by_operator: IntArray | None = None
    """``(T, K)``: of the people without service, those lost to partial service and storms
    (:mod:`fiveguard.simulate.capacity`), by operator; ``partial_by_region``: ``(T, R)``."""
    partial_by_region: IntArray | None = None
    storms: BoolArray | None = None
    """``(T, K)``: the operators with a signalling storm in each trial."""

    @property
    def trials(self) -> int:
        return int(self.national.shape[0])

    @property
    def services(self) -> BoolArray:
        """``(T, S)``: whether an asset carrying each critical service is down or
        compromised."""
        return self.service_assets > 0

    @classmethod
    def concat(cls, parts: Sequence[TrialImpacts]) -> TrialImpacts:
        """Trials of ``parts`` one after another."""
        optional = {
            name: [getattr(p, name) for p in parts]
            for name in ("partial_by_operator", "partial_by_region", "storms")
        }
        return cls(
            national=np.concatenate([p.national for p in parts]),
            by_operator=np.concatenate([p.by_operator for p in parts]),
            by_region=np.concatenate([p.by_region for p in parts]),
            service_assets=np.concatenate([p.service_assets for p in parts]),
            **{
                name: None if any(x is None for x in arrays) else np.concatenate(arrays)
                for name, arrays in optional.items()
            },
        )

    def head(self, trials: int) -> TrialImpacts:
        """The first ``trials`` trials."""
        return TrialImpacts(
            self.national[:trials],
            self.by_operator[:trials],
            self.by_region[:trials],
            self.service_assets[:trials],
            None if self.partial_by_operator is None else self.partial_by_operator[:trials],
            None if self.partial_by_region is None else self.partial_by_region[:trials],
            None if self.storms is None else self.storms[:trials],
        )


def measure(compiled: CompiledNetwork, state: ClassState) -> TrialImpacts:
    """Every impact of every trial of ``state``."""
    trials = state.trials
    k, r = len(compiled.operators), len(compiled.regions)
    asset_down = _asset_down(compiled, state.down)
    leaf = _LeafHits(compiled, state, asset_down)
    cover = _cover(compiled, state, leaf)
    lost, served = _lost(compiled, state.down, cover)
    cells, services = _class_sums(compiled, state, lost, asset_down)  # (T, G, 5), (T, S)
    leaf.add_to(cells, served)
    leaf.add_services_to(services, state)
    losses = partial_losses(
        compiled,
        state.down,
        state.partial,
        (state.storm_trial, state.storm_operator),
        (leaf.trial, leaf.asset),
        cells[:, :, PEOPLE],
    )
    cells[:, :, PEOPLE] += losses.people
    grid = cells.reshape(trials, k, r + 1, len(IMPACT_FIELDS))
    return TrialImpacts(
        national=cells.sum(axis=1),
        by_operator=grid.sum(axis=2),
        by_region=grid[:, :, 1:, :].sum(axis=1),
        service_assets=services,
        partial_by_operator=losses.people.reshape(trials, k, r + 1).sum(axis=2),
        partial_by_region=losses.people.reshape(trials, k, r + 1)[:, :, 1:].sum(axis=1),
        storms=losses.storms,
    )


def _asset_down(compiled: CompiledNetwork, down: Plane) -> Plane:
    """``down`` with each shared class down only where every part it serves is down (its
    radio down, or every sharing operator's core)."""
    shared = compiled.shared_classes
    if shared.size == 0:
        return down
    ptr, rows = compiled.class_part_ptr, compiled.class_part_rows
    counts = np.diff(ptr)[shared]
    every = down[rows[ptr[shared]]]
    for j in range(1, int(counts.max())):
        has = counts > j
        every[has] &= down[rows[ptr[shared[has]] + j]]
    out = down.copy()
    out[shared] = every
    return out


class _LeafHits:
    """Leaf hits whose asset is not already down in that trial: the numbers they add."""

    def __init__(self, compiled: CompiledNetwork, state: ClassState, asset_down: Plane) -> None:
        cls = compiled.asset_class[state.leaf_asset]
        up = ~get_bits(asset_down, cls, state.leaf_trial)
        self.trial = state.leaf_trial[up]
        self.asset = state.leaf_asset[up]
        self.cls = cls[up]
        self.compiled = compiled

    def exhausted(self, trials: int) -> tuple[IntArray, IntArray]:
        """(class, trial) pairs where every asset of a class serving a partner's customers
        in a region is hit."""
        c = self.compiled
        partner = np.asarray(c.partners.any(axis=0), dtype=bool)
        rows = c.class_part_rows
        roamed_onto = partner[c.class_operator[rows]] & (c.class_region[rows] >= 0)
        flagged = np.zeros(c.n_classes, dtype=bool)
        flagged[row_of_entry(c.class_part_ptr)[roamed_onto]] = True
        relevant = flagged[self.cls]
        key = self.cls[relevant] * trials + self.trial[relevant]
        pairs, counts = np.unique(key, return_counts=True)
        full = pairs[counts == c.class_size[pairs // trials]]
        return full // trials, full % trials

    def add_to(self, cells: IntArray, served: Plane) -> None:
        """Add each hit asset's numbers to its trial (``cells`` in place): the asset and
        its sites in its cell, and the people of each of its parts still served, up and
        not covered by roaming (``served``, per serving row), in the part's cell; an
        asset's first part, its operator's, is in the asset's cell."""
        c = self.compiled
        if self.asset.size == 0:
            return
        count = np.diff(c.class_part_ptr)[self.cls]
        people = np.zeros(self.asset.shape[0], dtype=np.int64)
        for part in range(int(count.max(initial=0))):
            hit = np.flatnonzero(count > part)
            rows = c.class_part_rows[c.class_part_ptr[self.cls[hit]] + part]
            trial = self.trial[hit]
            mine = c.asset_part_people[c.asset_part_ptr[self.asset[hit]] + part]
            mine *= get_bits(served, rows, trial)
            if part == 0:
                people[hit] = mine
            else:
                self._add(cells, PEOPLE, trial * cells.shape[1] + c.class_group[rows], mine)
        flat = self.trial * cells.shape[1] + c.class_group[self.cls]
        for field, weights in (
            (PEOPLE, people),
            (ASSETS_DOWN, np.ones(self.asset.shape[0], dtype=np.int64)),
            (SITES, c.asset_sites[self.asset]),
        ):
            self._add(cells, field, flat, weights)

    @staticmethod
    def _add(cells: IntArray, field: int, flat: IntArray, weights: IntArray) -> None:
        """``cells[:, :, field]`` plus the sums of ``weights`` by trial-cell ``flat``."""
        size = cells.shape[0] * cells.shape[1]
        added = np.bincount(flat, weights=weights, minlength=size)
        cells[:, :, field] += np.rint(added).astype(np.int64).reshape(cells.shape[:2])

    def add_services_to(self, services: IntArray, state: ClassState) -> None:
        """Count each hit asset once for each critical service it carries (``services``:
        ``(T, S)``, in place), where it is neither down nor compromised as a whole: there
        its class already counts it."""
        c = self.compiled
        clean = ~get_bits(state.compromised, self.cls, self.trial)
        cls, trial = self.cls[clean], self.trial[clean]
        counts = np.diff(c.class_service_ptr)[cls]
        carrying = np.flatnonzero(counts > 0)
        if carrying.size:
            which = c.class_services[ragged_ranges(c.class_service_ptr, cls[carrying])]
            np.add.at(services, (np.repeat(trial[carrying], counts[carrying]), which), 1)


def _cover(compiled: CompiledNetwork, state: ClassState, leaf: _LeafHits) -> Plane:
    """``(K*R, W)``: trials where the operator's users in the region can roam to a partner
    with a served part there that is not down."""
    k, r = len(compiled.operators), len(compiled.regions)
    words = words_for(state.trials)
    order = compiled.serving_order
    alive = ~state.down[order]  # (n_serving, W), padding bits set but never read
    full_class, full_trial = leaf.exhausted(state.trials)
    if full_class.size:
        position = np.full(compiled.n_classes, -1, dtype=np.int64)
        position[order] = np.arange(order.shape[0], dtype=np.int64)
        ptr = compiled.class_part_ptr
        at = position[compiled.class_part_rows[ragged_ranges(ptr, full_class)]]
        trial = np.repeat(full_trial, np.diff(ptr)[full_class])
        keep = at >= 0
        masks = np.left_shift(np.uint64(1), (trial[keep] & 63).astype(np.uint64))
        np.bitwise_and.at(alive, (at[keep], trial[keep] >> 6), ~masks)
    cells = np.zeros((k * r, words), dtype=np.uint64)
    ptr = compiled.serving_ptr
    filled = np.flatnonzero(np.diff(ptr) > 0)
    if filled.size:
        cells[filled] = np.bitwise_or.reduceat(alive, ptr[filled], axis=0)
    has_radio = cells.reshape(k, r, words)
    cover = np.zeros((k, r, words), dtype=np.uint64)
    for operator in range(k):
        partners = np.flatnonzero(compiled.partners[operator])
        if partners.size:
            cover[operator] = np.bitwise_or.reduce(has_radio[partners], axis=0)
    return cover.reshape(k * r, words)


def _lost(compiled: CompiledNetwork, down: Plane, cover: Plane) -> tuple[Plane, Plane]:
    """Serving rows down and not covered by roaming, and those still serving (up and not
    covered either: what a leaf hit there takes away); the other rows stay zero."""
    lost = np.zeros_like(down)
    served = np.zeros_like(down)
    rows = np.flatnonzero(compiled.class_serves)
    region = compiled.class_region[rows]
    cell = compiled.class_operator[rows] * len(compiled.regions) + np.maximum(region, 0)
    roams = (region >= 0) & compiled.class_roams[rows]
    uncovered = np.where(roams[:, None], ~cover[cell], np.uint64(0xFFFFFFFFFFFFFFFF))
    lost[rows] = down[rows] & uncovered
    served[rows] = ~down[rows] & uncovered
    return lost, served


def _class_sums(
    compiled: CompiledNetwork, state: ClassState, lost: Plane, asset_down: Plane
) -> tuple[IntArray, IntArray]:
    """Per trial, the classes' weighted bits: ``(T, G, 5)`` by operator-region cell, and
    ``(T, S)`` carrying assets down or compromised per critical service.

    Each plane is unpacked once for all its sums. Services are counted on the assets-down
    plane (with the asset and site counts) and on the few classes compromised but not down.
    People are those of the serving rows; the rows of served parts have no asset.
    """
    c = compiled
    trials = state.trials
    g = len(c.operators) * (len(c.regions) + 1)
    n_services = len(c.services)
    people = c.class_people
    service = Terms(
        np.repeat(np.arange(n_services, dtype=np.int64), np.diff(c.service_ptr)),
        c.service_classes,
        c.class_size[c.service_classes],
    )
    cells = np.zeros((trials, g, len(IMPACT_FIELDS)), dtype=np.int64)
    services = np.zeros((trials, n_services), dtype=np.int64)
    plans: list[tuple[Plane, tuple[tuple[int, IntArray], ...], bool]] = [
        (lost, ((PEOPLE, people),), False),
        (state.exposed, ((EXPOSED, people),), False),
        (asset_down, ((ASSETS_DOWN, c.class_size), (SITES, c.class_sites)), True),
        (state.compromised, ((COMPROMISED, c.class_size),), False),
        (state.compromised & ~asset_down, (), True),
    ]
    for plane, weights, with_services in plans:
        terms = [
            Terms(i * g + c.class_group, np.arange(c.n_classes, dtype=np.int64), w)
            for i, (_, w) in enumerate(weights)
        ]
        offset = len(weights) * g
        if with_services:
            terms.append(service.shifted(offset))
        sums = _plane_sums(plane, terms, offset + (n_services if with_services else 0), trials)
        if sums is None:
            continue
        by_field = sums[:offset].reshape(len(weights), g, trials)
        for i, (field_index, _) in enumerate(weights):
            cells[:, :, field_index] += by_field[i].T
        if with_services:
            services += sums[offset:].T
    return cells, services


@dataclass(frozen=True)
class Terms:
    """Entries of a sparse matrix: ``weight[j]`` at output row ``row[j]`` for class
    ``cls[j]``."""

    row: IntArray
    cls: IntArray
    weight: IntArray

    def shifted(self, offset: int) -> Terms:
        return Terms(self.row + offset, self.cls, self.weight)


def _plane_sums(plane: Plane, terms: Sequence[Terms], n_out: int, trials: int) -> IntArray | None:
    """``(n_out, trials)``: the sparse matrix of ``terms`` times the unpacked bits of
    ``plane``'s classes, in chunks of trials, exact in float64 below 2**53; ``None`` when
    no class the terms name has a bit set (for compromise and exposure, nearly always).
    """
    if not terms:
        return None
    cls = np.concatenate([t.cls for t in terms])
    any_bit: BoolArray = np.asarray(plane.any(axis=1), dtype=bool)
    keep = any_bit[cls]
    if not keep.any():
        return None
    rows, column = np.unique(cls[keep], return_inverse=True)
    matrix = sparse.csr_matrix(
        (
            np.concatenate([t.weight for t in terms])[keep].astype(np.float64),
            (np.concatenate([t.row for t in terms])[keep], column.reshape(-1)),
        ),
        shape=(n_out, rows.size),
    )
    out: list[IntArray] = []
    step = max(64, (UNPACK_BYTES // (8 * rows.size)) // 64 * 64)
    for start in range(0, trials, step):
        stop = min(start + step, trials)
        bits = unpack(plane[rows, start // 64 : -(-stop // 64)], stop - start)
        out.append(np.rint(matrix @ bits.astype(np.float64)).astype(np.int64))
    return np.concatenate(out, axis=1)


def carrying_assets(compiled: CompiledNetwork) -> npt.NDArray[np.int64]:
    """``(S,)``: per critical service, the assets that carry it."""
    n = len(compiled.services)
    service = np.repeat(np.arange(n, dtype=np.int64), np.diff(compiled.service_ptr))
    sizes = compiled.class_size[compiled.service_classes]
    return np.bincount(service, weights=sizes, minlength=n).astype(np.int64)


# ---------------------------------------------------------------------------- distributions


@dataclass(frozen=True)
class Summary:
    """An impact over trials: mean, order-statistic percentiles, maximum, and the share
    of trials reaching each threshold (``exceedance[i]`` for ``thresholds[i]``)."""

    mean: float
    p50: int
    p95: int
    p99: int
    max: int
    thresholds: tuple[int, ...]
    exceedance: tuple[float, ...]


def summarise(values: npt.NDArray[np.integer], thresholds: Sequence[int]) -> Summary:
    """Summary of one impact over trials (``values``: ``(T,)`` integers, T ≥ 1).

    Percentiles are the smallest value that at least that share of trials stays at or
    below (``inverted_cdf``), so they are values that occurred and do not depend on how
    trials were batched.
    """
    data = np.asarray(values, dtype=np.int64)
    p50, p95, p99 = np.percentile(data, [50, 95, 99], method="inverted_cdf").tolist()
    return Summary(
        mean=float(data.sum()) / data.shape[0],
        p50=int(p50),
        p95=int(p95),
        p99=int(p99),
        max=int(data.max()),
        thresholds=tuple(int(x) for x in thresholds),
        exceedance=tuple(float((data >= x).mean()) for x in thresholds),
    )


def exceedance_curve(values: npt.NDArray[np.integer], points: int = 40) -> list[tuple[int, float]]:
    """``(x, P(value ≥ x))`` at up to ``points`` values that occurred, spread evenly in log
    scale between the smallest positive value and the maximum."""
    data = np.sort(np.asarray(values, dtype=np.int64))
    positive = data[data > 0]
    if positive.size == 0:
        return []
    grid = np.unique(np.geomspace(positive[0], positive[-1], num=points).round().astype(np.int64))
    # snap each grid value to the smallest occurring value at or above it
    snapped = np.unique(
        positive[np.searchsorted(positive, grid, side="left").clip(0, positive.size - 1)]
    )
    above = data.shape[0] - np.searchsorted(data, snapped, side="left")
    return [(int(x), float(n) / data.shape[0]) for x, n in zip(snapped, above, strict=True)]
