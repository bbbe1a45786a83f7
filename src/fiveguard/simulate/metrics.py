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
from fiveguard.simulate.bits import Plane, distinct_rows, get_bits, set_bits, unpack, words_for
from fiveguard.simulate.capacity import partial_losses
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.propagate import ClassState
from fiveguard.simulate.services import (
    INDICATORS,
    CellSums,
    ServedPeople,
    operator_services_lost,
    served_people,
)

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

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
    by_service: PeopleCells | None = None
    """People losing each service of the catalogue (``simulation.services``)."""
    roaming: PeopleCells | None = None
    """People roaming and served by partners, and roamers beyond the partners' capacity."""
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
        by_service = [p.by_service for p in parts]
        roaming = [p.roaming for p in parts]
        return cls(
            national=np.concatenate([p.national for p in parts]),
            by_operator=np.concatenate([p.by_operator for p in parts]),
            by_region=np.concatenate([p.by_region for p in parts]),
            service_assets=np.concatenate([p.service_assets for p in parts]),
            by_service=PeopleCells.concat(by_service),
            roaming=PeopleCells.concat(roaming),
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
            self.by_service.head(trials) if self.by_service else None,
            self.roaming.head(trials) if self.roaming else None,
            None if self.partial_by_operator is None else self.partial_by_operator[:trials],
            None if self.partial_by_region is None else self.partial_by_region[:trials],
            None if self.storms is None else self.storms[:trials],
        )


@dataclass(frozen=True, eq=False)
class PeopleCells:
    """People figures of ``T`` trials, ``F`` of them: ``national`` ``(T, F)``,
    ``by_operator`` ``(T, K, F)``, ``by_region`` ``(T, R, F)``."""

    national: IntArray
    by_operator: IntArray
    by_region: IntArray

    @classmethod
    def of(cls, cells: IntArray, k: int, r: int) -> PeopleCells:
        """From ``(T, G, F)`` operator-region cells (``G = K * (R + 1)``)."""
        return cls(*cell_totals(cells, k, r))

    @classmethod
    def concat(cls, parts: Sequence[PeopleCells | None]) -> PeopleCells | None:
        present = [p for p in parts if p is not None]
        if not present or len(present) != len(parts):
            return None
        return cls(
            np.concatenate([p.national for p in present]),
            np.concatenate([p.by_operator for p in present]),
            np.concatenate([p.by_region for p in present]),
        )

    def head(self, trials: int) -> PeopleCells:
        return PeopleCells(
            self.national[:trials], self.by_operator[:trials], self.by_region[:trials]
        )


def cell_totals(cells: IntArray, k: int, r: int) -> tuple[IntArray, IntArray, IntArray]:
    """``(T, G, F)`` operator-region cells (``G = K * (R + 1)``, region 0 for none) to
    their national ``(T, F)``, per operator ``(T, K, F)`` and per region ``(T, R, F)``
    totals.

    The same sums as ``cells.sum(axis=1)``, ``grid.sum(axis=2)`` and
    ``grid[:, :, 1:].sum(axis=1)``, exactly (integers), added one slice at a time: NumPy
    reduces a middle axis over a short last axis slowly, and these run on every batch.
    National totals are the operators' totals added up.
    """
    trials, fields = cells.shape[0], cells.shape[-1]
    grid = cells.reshape(trials, k, r + 1, fields)
    if k == 0 or cells.dtype != np.int64:  # nothing to add, or sums that change the type
        return cells.sum(axis=1), grid.sum(axis=2), grid[:, :, 1:, :].sum(axis=1)
    by_operator = grid[:, :, 0, :].copy()
    for region in range(1, r + 1):
        by_operator += grid[:, :, region, :]
    by_region = grid[:, 0, 1:, :].copy()
    national = by_operator[:, 0, :].copy()
    for operator in range(1, k):
        by_region += grid[:, operator, 1:, :]
        national += by_operator[:, operator, :]
    return national, by_operator, by_region


def measure(compiled: CompiledNetwork, state: ClassState) -> TrialImpacts:
    """Every impact of every trial of ``state``."""
    trials = state.trials
    k, r = len(compiled.operators), len(compiled.regions)
    asset_down = _asset_down(compiled, state.down)
    leaf = _LeafHits(compiled, state, asset_down)
    networks = _networks(compiled, state, leaf)
    rules = compiled.service_rules
    cover, other = _spread(networks, compiled.partners), _spread(networks, rules.others)
    cells, services = _class_sums(compiled, state, asset_down)  # (T, G, 5), (T, S)
    leaf.add_to(cells)
    sites = _site_hits(compiled, state)
    if sites[0].size:  # the failed sites are down, where their row is not down whole
        cls = compiled.asset_class[sites[1]]
        # (a radio of a site of several radios counts no sites of its own)
        up = ~get_bits(asset_down, cls, sites[0]) & (compiled.asset_sites[sites[1]] > 0)
        flat = sites[0][up] * cells.shape[1] + compiled.class_group[cls[up]]
        _LeafHits._add(cells, SITES, flat, sites[2][up])
    leaf.add_services_to(services, state)
    lost = operator_services_lost(rules, leaf.exhausted_plane(asset_down), k, trials)
    served = _served(compiled, state, cover, other, lost, sites)
    cells[:, :, PEOPLE] = served.without_service
    losses = partial_losses(
        compiled,
        state.down,
        state.partial,
        (state.storm_trial, state.storm_operator),
        (leaf.trial, leaf.asset),
        cells[:, :, PEOPLE],
        sites,
    )
    cells[:, :, PEOPLE] += losses.people
    national, by_operator, by_region = cell_totals(cells, k, r)
    return TrialImpacts(
        national=national,
        by_operator=by_operator,
        by_region=by_region,
        service_assets=services,
        by_service=PeopleCells.of(served.by_service, k, r) if rules.counted else None,
        roaming=PeopleCells.of(served.roaming, k, r),
        partial_by_operator=losses.people.reshape(trials, k, r + 1).sum(axis=2),
        partial_by_region=losses.people.reshape(trials, k, r + 1)[:, :, 1:].sum(axis=1),
        storms=losses.storms,
    )


SiteHits = tuple[IntArray, IntArray, IntArray, IntArray]
"""(trial, asset, sites failed, sites of the row) of rows that lost some of their sites."""


def _site_hits(compiled: CompiledNetwork, state: ClassState) -> SiteHits:
    """The rows that lost some of their sites in trials where the row is not down: their
    failed sites' people are off the air, as if each failed site were a row of its own
    (``floor(people × failed / sites + 0.5)`` of each part), and those sites are down."""
    cls = compiled.asset_class[state.site_asset]
    up = ~get_bits(state.down, cls, state.site_trial)
    return (
        state.site_trial[up],
        state.site_asset[up],
        state.site_failed[up],
        state.site_total[up],
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

    def exhausted(self, trials: int, flagged: BoolArray | None = None) -> tuple[IntArray, IntArray]:
        """(class, trial) pairs where every asset of a class is hit: of ``flagged``
        classes, by default those serving customers in a region (onto which others roam,
        or reach emergency services)."""
        c = self.compiled
        if flagged is None:
            rows = c.class_part_rows
            networked = c.class_roams[rows] & (c.class_region[rows] >= 0)
            flagged = np.zeros(c.n_classes, dtype=bool)
            flagged[row_of_entry(c.class_part_ptr)[networked]] = True
        relevant = flagged[self.cls]
        key = self.cls[relevant] * trials + self.trial[relevant]
        pairs, counts = np.unique(key, return_counts=True)
        full = pairs[counts == c.class_size[pairs // trials]]
        return full // trials, full % trials

    def exhausted_plane(self, asset_down: Plane) -> Plane:
        """``asset_down`` with, for the classes of service pools, the trials where every
        asset of the class is hit one by one."""
        rules = self.compiled.service_rules
        if rules.pool_classes.size == 0:
            return asset_down
        flagged = np.zeros(self.compiled.n_classes, dtype=bool)
        flagged[rules.pool_classes] = True
        cls, trial = self.exhausted(asset_down.shape[1] * 64, flagged)
        out = asset_down.copy()
        set_bits(out, cls, trial)
        return out

    def add_to(self, cells: IntArray) -> None:
        """Add each hit asset's numbers to its trial (``cells`` in place): the asset and
        its sites in its cell (its people are counted by :func:`_served`)."""
        if self.asset.size == 0:
            return
        flat = self.trial * cells.shape[1] + self.compiled.class_group[self.cls]
        for field, weights in (
            (ASSETS_DOWN, np.ones(self.asset.shape[0], dtype=np.int64)),
            (SITES, self.compiled.asset_sites[self.asset]),
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


def _networks(compiled: CompiledNetwork, state: ClassState, leaf: _LeafHits) -> Plane:
    """``(K, R, W)``: trials where the operator has a served radio part in the region that
    is not down (its network there, onto which partners' users roam)."""
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
    return cells.reshape(k, r, words)


def _spread(networks: Plane, reach: BoolArray) -> Plane:
    """``(K*R, W)``: trials where, for operator ``o``'s users in a region, one of the
    operators ``reach[o]`` names has its network up there."""
    k, r, words = networks.shape
    out = np.zeros((k, r, words), dtype=np.uint64)
    for operator in range(k):
        others = np.flatnonzero(reach[operator])
        if others.size:
            out[operator] = np.bitwise_or.reduce(networks[others], axis=0)
    return out.reshape(k * r, words)


def _served(
    compiled: CompiledNetwork,
    state: ClassState,
    cover: Plane,
    other: Plane,
    lost: BoolArray,
    sites: SiteHits | None = None,
) -> ServedPeople:
    """People without service, roaming and per service (:mod:`fiveguard.simulate.services`)
    per trial and operator-region cell: four sums over the serving rows' bits, corrected
    for leaf hits, then the arithmetic per cell."""
    c = compiled
    rules = c.service_rules
    trials, r = state.trials, len(c.regions)
    g = len(c.operators) * (r + 1)
    serving = np.flatnonzero(c.class_serves)
    site = c.class_site[serving]
    radio_row = np.where(site >= 0, site, serving) if rules.radio_down_only else serving
    region = c.class_region[serving]
    roams = c.class_roams[serving]
    cell = np.where(roams & (region >= 0), c.class_operator[serving] * r + region, -1)
    group = c.class_group[serving]
    down = state.down
    bits = (down[radio_row], down[serving], _cells(cover, cell), _cells(other, cell))
    # sums that cannot be other than zero are skipped: wanting to roam without partners,
    # the emergency sums without a service reached on any network
    emergency = bool(rules.any_network.any())
    needed = (True, bool(c.partners.any()), emergency, emergency)
    sums: list[IntArray] = []
    for i, indicator in enumerate(INDICATORS):
        # the first sum splits radio from wireline rows; the others count radio rows only
        out, n_out = (np.where(roams, group, g + group), 2 * g) if i == 0 else (group, g)
        if not needed[i]:
            sums.append(np.zeros((trials, n_out), np.int64))
            continue
        counted = np.ones_like(roams) if i == 0 else roams
        plane = np.zeros_like(down)
        plane[serving[counted]] = indicator(*(b[counted] for b in bits))
        terms = Terms(out[counted], serving[counted], c.class_people[serving[counted]])
        got = _plane_sums(plane, [terms], n_out, trials)
        sums.append(np.zeros((trials, n_out), np.int64) if got is None else got.T.copy())
    _hit_people(c, state, serving, cell, cover, other, sums, needed)
    if sites is not None and sites[0].size:
        _hit_people(c, state, serving, cell, cover, other, sums, needed, sites)
    total = np.bincount(group[roams], weights=c.class_people[serving][roams], minlength=g).astype(
        np.int64
    )
    cell_sums = CellSums(sums[0][:, :g], sums[0][:, g:], sums[1], sums[2], sums[3])
    return served_people(cell_sums, rules, total, c.partners, lost, r)


def _cells(plane: Plane, cell: IntArray) -> Plane:
    """Each serving row's bits of its (operator, region) cell; none without a cell."""
    out = np.zeros((cell.shape[0], plane.shape[1]), dtype=np.uint64)
    has = cell >= 0
    out[has] = plane[cell[has]]
    return out


def _hit_people(
    c: CompiledNetwork,
    state: ClassState,
    serving: IntArray,
    cell: IntArray,
    cover: Plane,
    other: Plane,
    sums: list[IntArray],
    needed: tuple[bool, ...],
    sites: SiteHits | None = None,
) -> None:
    """Add to ``sums`` (in place) what each leaf hit changes: the hit asset's radio goes
    down, so each of its parts moves from its (R, D) to (1, 1). With ``sites``, the hits
    are rows that lost some of their sites instead, and only the people of the failed
    sites move: ``floor(people × failed / sites + 0.5)`` of each part.

    A part's change depends on its row's cell, group and radio flag (its *kind*: a few
    hundred at national scale), on the cell's cover bits in the trial, and on its own
    down bit ``D``; it is affine in ``D``. So the hits' people are first summed per
    (trial, kind), all of them and those whose part is down, in two weighted counts over
    the hits, and :func:`_hit_deltas` is applied per (trial, kind) at ``D`` = 0 and 1:
    the cost per hit is a few passes, whatever the number of sums (and the sums are
    moved once for all of a hit's parts)."""
    if sites is None:
        cls = c.asset_class[state.leaf_asset]
        up = ~get_bits(state.down, cls, state.leaf_trial)
        cls, asset, trial = cls[up], state.leaf_asset[up], state.leaf_trial[up]
        failed = total = None
    else:
        trial, asset, failed, total = sites  # rows up already
        cls = c.asset_class[asset]
    if cls.size == 0:
        return
    trials, g = sums[1].shape
    position = np.full(c.n_classes, -1, dtype=np.int64)
    position[serving] = np.arange(serving.shape[0], dtype=np.int64)
    class_cell = cell[position] if cell.size else np.full(c.n_classes, -1, dtype=np.int64)
    kinds = _PartKinds.of(c, class_cell)
    cover_bits = kinds.cell_bits(cover, trials) if needed[1] else kinds.no_bits(trials)
    other_bits = kinds.cell_bits(other, trials) if needed[2] else kinds.no_bits(trials)
    radio = np.broadcast_to(kinds.radio, cover_bits.shape)
    rule = c.service_rules.radio_down_only
    when_up = _hit_deltas(np.zeros_like(radio), cover_bits, other_bits, radio, rule)
    when_down = _hit_deltas(np.ones_like(radio), cover_bits, other_bits, radio, rule)
    columns = (np.where(kinds.radio, kinds.group, g + kinds.group), kinds.group)
    count = np.diff(c.class_part_ptr)[cls]
    first_row = c.class_part_ptr[cls]
    first_people = c.asset_part_ptr[asset]
    words = state.down.shape[1]
    size = trials * kinds.count
    # every part's people are summed first, then moved once: the moves are linear in
    # them, and the sums are integers, exact in float64
    everyone = np.zeros(size, dtype=np.float64)
    down = np.zeros(size, dtype=np.float64)
    for part in range(int(count.max(initial=0))):
        hit = slice(None) if bool((count > part).all()) else np.flatnonzero(count > part)
        rows = c.class_part_rows[first_row[hit] + part]
        t = trial[hit]
        people = c.asset_part_people[first_people[hit] + part].astype(np.float64)
        if failed is not None and total is not None:
            people = np.floor(people * failed[hit] / total[hit] + 0.5)
        # the hit's class is up: a part served by the class itself is up, and a part row's
        # radio is the class, so its radio is up too (under the rule that roaming follows
        # the radio; otherwise R is D)
        d = _bits_at(state.down, rows * words + (t >> 6), (t & 63).astype(np.uint64))
        d &= rows != cls[hit]
        key = t * kinds.count + kinds.of_row[rows]
        everyone += np.bincount(key, weights=people, minlength=size)
        down += np.bincount(key[d], weights=people[d], minlength=size)
    everyone_kind, down_kind = everyone.reshape(trials, -1), down.reshape(trials, -1)
    for i in range(len(sums)):
        if needed[i]:
            moved = when_up[i] * (everyone_kind - down_kind) + when_down[i] * down_kind
            _add_columns(sums[i], moved, columns[min(i, 1)])


def _add_columns(sums: IntArray, moved: FloatArray, columns: IntArray) -> None:
    """``sums[:, columns[j]] += moved[:, j]`` for every ``j`` (columns may repeat); the
    values are integers, exact in float64."""
    trials, n_out = sums.shape
    flat = (np.arange(trials, dtype=np.int64)[:, None] * n_out + columns[None, :]).reshape(-1)
    added = np.bincount(flat, weights=moved.reshape(-1), minlength=sums.size)
    sums += np.rint(added).astype(np.int64).reshape(sums.shape)


@dataclass(frozen=True)
class _PartKinds:
    """Serving rows grouped by what a leaf hit's change depends on besides the trial:
    their operator-region cell for roaming (``cell``, -1 for none), their group and
    whether they are radio rows. ``of_row``: per class, its kind (0 for classes that
    serve nobody, never read)."""

    of_row: IntArray
    cell: IntArray
    group: IntArray
    radio: BoolArray

    @property
    def count(self) -> int:
        return int(self.cell.shape[0])

    @classmethod
    def of(cls, c: CompiledNetwork, class_cell: IntArray) -> _PartKinds:
        rows = np.unique(c.class_part_rows)
        n_cells = int(class_cell.max(initial=-1)) + 2
        code = (c.class_group[rows] * n_cells + class_cell[rows] + 1) * 2 + c.class_roams[rows]
        _, first, which = np.unique(code, return_index=True, return_inverse=True)
        of_row = np.zeros(c.n_classes, dtype=np.int64)
        of_row[rows] = which.reshape(-1)
        kind_rows = rows[first]
        return cls(
            of_row, class_cell[kind_rows], c.class_group[kind_rows], c.class_roams[kind_rows]
        )

    def cell_bits(self, plane: Plane, trials: int) -> BoolArray:
        """``(T, kinds)``: each kind's cell's bit of ``plane`` per trial, False without a
        cell."""
        has = self.cell >= 0
        out = np.zeros((trials, self.count), dtype=bool)
        if has.any() and plane.shape[0]:
            out[:, has] = unpack(plane[self.cell[has]], trials).T.astype(bool)
        return out

    def no_bits(self, trials: int) -> BoolArray:
        return np.zeros((trials, self.count), dtype=bool)


def _bits_at(plane: Plane, flat: IntArray, shift: npt.NDArray[np.uint64]) -> BoolArray:
    """Bits of ``plane`` at word ``flat[i]`` of its flattened rows, bit ``shift[i]``."""
    words = np.ascontiguousarray(plane).reshape(-1).take(flat)
    words >>= shift
    bits: BoolArray = (words & np.uint64(1)).astype(bool)
    return bits


def _hit_deltas(
    d: BoolArray, c: BoolArray, e: BoolArray, radio: BoolArray, radio_down_only: bool
) -> tuple[IntArray, ...]:
    """Per (hit, part), how the hit changes each of the four sums (in the order of
    :data:`INDICATORS`): :func:`fiveguard.simulate.services.hit_deltas` worked out for a
    part whose class is up, so that its radio is up (R = 0) under the rule that roaming
    follows the radio, and R = D otherwise. Wireline parts move the first sum only."""
    up = ~d
    if radio_down_only:
        want, alone, other = c, np.where(d, -e.astype(np.int64), ~e), e
    else:
        want, alone, other = c & up, ~e & up, e & up
    return (
        up.astype(np.int64),
        (want & radio).astype(np.int64),
        np.asarray(alone, dtype=np.int64) * radio,
        (other & radio).astype(np.int64),
    )


def _class_sums(
    compiled: CompiledNetwork, state: ClassState, asset_down: Plane
) -> tuple[IntArray, IntArray]:
    """Per trial, the classes' weighted bits: ``(T, G, 5)`` by operator-region cell, and
    ``(T, S)`` carrying assets down or compromised per critical service.

    Each plane is unpacked once for all its sums. Services are counted on the assets-down
    plane (with the asset and site counts) and on the few classes compromised but not down.
    People exposed are those of the serving rows; the rows of served parts have no asset.
    People without service are counted by :func:`_served`.
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

    Classes whose rows of bits are equal share one column (their weights added, exactly,
    as integers below 2**53): events take whole regions, versions and suppliers down, so
    a batch has a few times fewer distinct rows than classes, and only those are unpacked.

    The weights are counts (never negative), so no partial sum of an output row exceeds
    the sum of its weights: when every such sum is below 2**31 the product is taken in
    int32, exactly, at half the memory traffic of float64 (the unpacked bits are the
    bulk of the work); otherwise in float64.
    """
    if not terms:
        return None
    cls = np.concatenate([t.cls for t in terms])
    any_bit: BoolArray = np.asarray(plane.any(axis=1), dtype=bool)
    keep = any_bit[cls]
    if not keep.any():
        return None
    rows, column = np.unique(cls[keep], return_inverse=True)
    distinct, which = distinct_rows(plane, rows)
    weight = np.concatenate([t.weight for t in terms])[keep]
    out_row = np.concatenate([t.row for t in terms])[keep]
    dtype = _sum_type(weight, out_row, n_out)
    matrix = sparse.csr_matrix(
        (weight.astype(dtype), (out_row, which[column.reshape(-1)])),
        shape=(n_out, distinct.size),
    )
    out: list[IntArray] = []
    step = max(64, (UNPACK_BYTES // (8 * distinct.size)) // 64 * 64)
    for start in range(0, trials, step):
        stop = min(start + step, trials)
        bits = unpack(plane[distinct, start // 64 : -(-stop // 64)], stop - start)
        got = matrix @ bits.astype(dtype)
        out.append(got.astype(np.int64) if dtype == np.int32 else np.rint(got).astype(np.int64))
    return np.concatenate(out, axis=1)


INT32_LIMIT = 2**31 - 1


def _sum_type(weight: npt.NDArray[np.integer], row: IntArray, n_out: int) -> type[np.generic]:
    """int32 when the weights are counts whose sum per output row stays within int32 (then
    no partial sum can overflow), float64 otherwise (exact below 2**53)."""
    if weight.size == 0 or int(weight.min()) < 0:
        return np.float64
    # summed in float64: exact here, since a total that large is caught either way
    totals = np.bincount(row, weights=weight.astype(np.float64), minlength=n_out)
    return np.int32 if float(totals.max()) <= INT32_LIMIT else np.float64


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
