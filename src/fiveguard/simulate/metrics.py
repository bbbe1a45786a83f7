"""Impacts per trial from class states: people without service, exposure, counts, services.

For every trial the engine reports, nationally, per operator and per region:

- ``people_without_service``: population of radio assets that are down, except where the
  asset's operator has a roaming partner with a radio asset in the same region that is
  not down;
- ``subscribers_exposed``: population of radio assets that are exposed (compromised, or a
  compromised asset anywhere in their transitive ``requires`` closure);
- ``assets_down``, ``assets_compromised``: numbers of assets;
- ``sites_down``: the ``sites`` of the assets that are down;

and, per critical service, whether an asset carrying it is down or compromised. Assets
without a region count nationally and for their operator, not in any region.

Class-level sums are weighted sums of unpacked bits (a sparse matrix product, exact in
float64 below 2**53); leaf hits (one asset of a class down on its own) add their asset's
numbers where the class itself is up. A partner's radio assets in a region are "all down"
when every class there is down or has every one of its assets hit, which is checked
exactly from the leaf hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from fiveguard.domain.graph import ragged_ranges
from fiveguard.simulate.bits import Plane, get_bits, unpack, words_for
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
    ``(T, R, 5)``; ``services``: ``(T, S)`` bool, critical services affected.
    """

    national: IntArray
    by_operator: IntArray
    by_region: IntArray
    services: BoolArray

    @property
    def trials(self) -> int:
        return int(self.national.shape[0])

    @classmethod
    def concat(cls, parts: Sequence[TrialImpacts]) -> TrialImpacts:
        """Trials of ``parts`` one after another."""
        return cls(
            national=np.concatenate([p.national for p in parts]),
            by_operator=np.concatenate([p.by_operator for p in parts]),
            by_region=np.concatenate([p.by_region for p in parts]),
            services=np.concatenate([p.services for p in parts]),
        )

    def head(self, trials: int) -> TrialImpacts:
        """The first ``trials`` trials."""
        return TrialImpacts(
            self.national[:trials],
            self.by_operator[:trials],
            self.by_region[:trials],
            self.services[:trials],
        )


def measure(compiled: CompiledNetwork, state: ClassState) -> TrialImpacts:
    """Every impact of every trial of ``state``."""
    trials = state.trials
    k, r = len(compiled.operators), len(compiled.regions)
    leaf = _LeafHits(compiled, state)
    cover = _cover(compiled, state, leaf)
    lost = _lost(compiled, state.down, cover)
    cells = _class_sums(compiled, state, lost)  # (T, G, 5), G = K * (R + 1)
    leaf.add_to(cells, cover)
    services = _services(compiled, state, leaf)
    grid = cells.reshape(trials, k, r + 1, len(IMPACT_FIELDS))
    return TrialImpacts(
        national=cells.sum(axis=1),
        by_operator=grid.sum(axis=2),
        by_region=grid[:, :, 1:, :].sum(axis=1),
        services=services,
    )


class _LeafHits:
    """Leaf hits whose class is up in that trial: the assets they add to the counts."""

    def __init__(self, compiled: CompiledNetwork, state: ClassState) -> None:
        cls = compiled.asset_class[state.leaf_asset]
        up = ~get_bits(state.down, cls, state.leaf_trial)
        self.trial = state.leaf_trial[up]
        self.asset = state.leaf_asset[up]
        self.cls = cls[up]
        self.compiled = compiled

    def exhausted(self, trials: int) -> tuple[IntArray, IntArray]:
        """(class, trial) pairs where every asset of an up radio class is hit."""
        c = self.compiled
        partner = np.asarray(c.partners.any(axis=0), dtype=bool)
        relevant = c.class_radio[self.cls] & (c.class_region[self.cls] >= 0)
        relevant &= partner[c.class_operator[self.cls]]
        key = self.cls[relevant] * trials + self.trial[relevant]
        pairs, counts = np.unique(key, return_counts=True)
        full = pairs[counts == c.class_size[pairs // trials]]
        return full // trials, full % trials

    def add_to(self, cells: IntArray, cover: Plane) -> None:
        """Add each hit asset's numbers to its cell of its trial (``cells`` in place)."""
        c = self.compiled
        if self.asset.size == 0:
            return
        group = c.class_group[self.cls]
        radio = c.class_radio[self.cls]
        region = c.class_region[self.cls]
        covered = np.zeros(self.asset.shape[0], dtype=bool)
        regional = np.flatnonzero(radio & (region >= 0))
        cell = c.class_operator[self.cls[regional]] * len(c.regions) + region[regional]
        covered[regional] = get_bits(cover, cell, self.trial[regional])
        people = np.where(radio & ~covered, c.asset_population[self.asset], 0)
        flat = self.trial * cells.shape[1] + group
        size = cells.shape[0] * cells.shape[1]
        for field, weights in (
            (PEOPLE, people),
            (ASSETS_DOWN, np.ones(self.asset.shape[0], dtype=np.int64)),
            (SITES, c.asset_sites[self.asset]),
        ):
            added = np.bincount(flat, weights=weights, minlength=size)
            cells[:, :, field] += np.rint(added).astype(np.int64).reshape(cells.shape[:2])


def _cover(compiled: CompiledNetwork, state: ClassState, leaf: _LeafHits) -> Plane:
    """``(K*R, W)``: trials where the operator's users in the region can roam to a partner
    with a radio asset there that is not down."""
    k, r = len(compiled.operators), len(compiled.regions)
    words = words_for(state.trials)
    order = compiled.radio_order
    alive = ~state.down[order]  # (n_radio, W), padding bits set but never read
    full_class, full_trial = leaf.exhausted(state.trials)
    if full_class.size:
        position = np.full(compiled.n_classes, -1, dtype=np.int64)
        position[order] = np.arange(order.shape[0], dtype=np.int64)
        masks = np.left_shift(np.uint64(1), (full_trial & 63).astype(np.uint64))
        np.bitwise_and.at(alive, (position[full_class], full_trial >> 6), ~masks)
    cells = np.zeros((k * r, words), dtype=np.uint64)
    ptr = compiled.radio_ptr
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


def _lost(compiled: CompiledNetwork, down: Plane, cover: Plane) -> Plane:
    """Radio classes down and not covered by roaming (non-radio rows stay zero)."""
    lost = np.zeros_like(down)
    radio = np.flatnonzero(compiled.class_radio)
    region = compiled.class_region[radio]
    cell = compiled.class_operator[radio] * len(compiled.regions) + np.maximum(region, 0)
    uncovered = np.where((region >= 0)[:, None], ~cover[cell], np.uint64(0xFFFFFFFFFFFFFFFF))
    lost[radio] = down[radio] & uncovered
    return lost


def _class_sums(compiled: CompiledNetwork, state: ClassState, lost: Plane) -> IntArray:
    """``(T, G, 5)``: per trial and operator-region cell, the classes' weighted bits."""
    c = compiled
    radio_people = np.where(c.class_radio, c.class_population, 0)
    plans: list[tuple[Plane, tuple[tuple[int, IntArray], ...]]] = [
        (lost, ((PEOPLE, radio_people),)),
        (state.exposed, ((EXPOSED, radio_people),)),
        (state.down, ((ASSETS_DOWN, c.class_size), (SITES, c.class_sites))),
        (state.compromised, ((COMPROMISED, c.class_size),)),
    ]
    g = len(c.operators) * (len(c.regions) + 1)
    out = np.zeros((state.trials, g, len(IMPACT_FIELDS)), dtype=np.int64)
    for plane, weights in plans:
        _weighted_sums(plane, c.class_group, weights, out)
    return out


def _weighted_sums(
    plane: Plane, group: IntArray, weights: tuple[tuple[int, IntArray], ...], out: IntArray
) -> None:
    """``out[t, group[c], field] += weight[c]`` for every set bit ``(c, t)`` of ``plane``.

    A sparse matrix (one row per field and cell, one column per class) times the unpacked
    bits, in chunks of trials; rows of ``plane`` without any set bit are skipped (for
    compromise and exposure, nearly all of them).
    """
    rows = np.flatnonzero(plane.any(axis=1))
    if rows.size == 0:
        return
    trials, g = out.shape[0], out.shape[1]
    n = rows.size
    matrix = sparse.csr_matrix(
        (
            np.concatenate([w[rows] for _, w in weights]).astype(np.float64),
            (
                np.concatenate([i * g + group[rows] for i in range(len(weights))]),
                np.tile(np.arange(n, dtype=np.int64), len(weights)),
            ),
        ),
        shape=(len(weights) * g, n),
    )
    step = max(64, (UNPACK_BYTES // (8 * n)) // 64 * 64)
    for start in range(0, trials, step):
        stop = min(start + step, trials)
        bits = unpack(plane[rows, start // 64 : -(-stop // 64)], stop - start)
        sums = matrix @ bits.astype(np.float64)  # (fields * G, chunk), exact below 2**53
        sums = np.rint(sums).astype(np.int64).reshape(len(weights), g, stop - start)
        for i, (field_index, _) in enumerate(weights):
            out[start:stop, :, field_index] += sums[i].T


def _services(compiled: CompiledNetwork, state: ClassState, leaf: _LeafHits) -> BoolArray:
    """``(T, S)``: whether an asset carrying each service is down or compromised."""
    n_services = len(compiled.services)
    out = np.zeros((state.trials, n_services), dtype=bool)
    if n_services == 0:
        return out
    hit = state.down | state.compromised
    ptr = compiled.service_ptr
    filled = np.flatnonzero(np.diff(ptr) > 0)
    if filled.size:
        per_service = np.bitwise_or.reduceat(hit[compiled.service_classes], ptr[filled], axis=0)
        out[:, filled] = unpack(per_service, state.trials).T.astype(bool)
    counts = np.diff(compiled.class_service_ptr)[leaf.cls]
    carrying = np.flatnonzero(counts > 0)
    if carrying.size:
        services = compiled.class_services[
            ragged_ranges(compiled.class_service_ptr, leaf.cls[carrying])
        ]
        out[np.repeat(leaf.trial[carrying], counts[carrying]), services] = True
    return out


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
