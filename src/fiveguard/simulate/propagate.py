"""The bit-parallel propagation kernel: events in, per-class states out, 64 trials a word.

Per trial and asset class there are four bits: *down*, *compromised*, *sabotaged* (the
part of compromised that a sabotage update caused, which also takes assets down) and
*exposed* (compromised, or a compromised asset anywhere in the transitive ``requires``
closure). In order:

1. initial bits from the events, gathered per class from small per-target planes
   (a supplier's update at an operator, a product version, a supplier, a region's power
   rows);
2. compromised and sabotaged spread from each manager to what it manages, one
   ``managed_by`` level at a time;
3. down gets the sabotaged bits; down and exposed spread along ``requires``, one level at
   a time: an ``any:`` group is down when all its members are (AND), exposed when any is
   (OR); a class is down or exposed when any entry is (OR).

Every step is a vectorised gather and bitwise operation over contiguous ranges of rows;
the only Python loops run over levels, entry positions and cache-sized chunks of rows.
Events aimed at one asset of a class with several assets are returned as *leaf hits*
for the metrics stage: nothing depends on such assets, so they change nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from fiveguard.simulate.bits import Plane, empty_plane, set_bits, words_for
from fiveguard.simulate.capacity import PartialShares, partial_shares
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.events import SampledEvents
from fiveguard.simulate.plan import RequiresLevel

IntArray = npt.NDArray[np.int64]
CHUNK_BYTES = 1 << 20
"""Rows are processed in chunks of about this many bytes, so that the gathered rows and
the rows they are OR-ed into stay in the CPU cache between the steps of a chunk."""


@dataclass(frozen=True, eq=False)
class ClassState:
    """Per-class states over a batch of ``trials`` trials; planes are ``(C, W)`` uint64."""

    trials: int
    down: Plane
    compromised: Plane
    exposed: Plane
    leaf_trial: IntArray
    leaf_asset: IntArray
    """Distinct (trial, asset) pairs of assets down by their own event, in classes of
    several assets (the class as a whole may or may not be down)."""
    partial: PartialShares = field(default_factory=PartialShares)
    """Served parts up with a share of their load strictly between 0 and 1 (pools with
    capacity); see :mod:`fiveguard.simulate.capacity`."""
    site_trial: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_asset: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_failed: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_total: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Rows that lost some of their sites (``failed`` of ``total``), each a class alone:
    the failed sites' people are off the air (see :mod:`fiveguard.simulate.metrics`)."""
    storm_trial: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    storm_operator: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """Storms forced by ``storm:OPERATOR`` events."""


def propagate(compiled: CompiledNetwork, events: SampledEvents) -> ClassState:
    """Apply ``events`` to the compiled network and propagate; see the module docstring."""
    words = words_for(events.trials)
    n = compiled.n_classes
    security = initial_compromise(compiled, events, words)  # (C, 2, W): compromised, sabotaged
    spread_management(compiled, security)
    down = initial_down(compiled, events, words)
    single, leaf_trial, leaf_asset = _asset_hits(compiled, events)
    set_bits(down, compiled.asset_class[single[1]], single[0])
    state = np.empty((n + compiled.n_groups, 2, words), dtype=np.uint64)  # down, exposed
    np.bitwise_or(down, security[:, 1], out=state[:n, 0])
    state[:n, 1] = security[:, 0]
    spread_requires(compiled, state)
    return ClassState(
        partial=partial_shares(
            compiled,
            state[:, 0],
            events.trials,
            (
                compiled.asset_class[events.site_asset],
                events.site_trial,
                (events.site_total - events.site_failed) / events.site_total,
            ),
        ),
        site_trial=events.site_trial,
        site_asset=events.site_asset,
        site_failed=events.site_failed,
        site_total=events.site_total,
        storm_trial=events.storm_trial,
        storm_operator=events.storm_operator,
        trials=events.trials,
        down=np.ascontiguousarray(state[:n, 0]),
        compromised=np.ascontiguousarray(security[:, 0]),
        exposed=np.ascontiguousarray(state[:n, 1]),
        leaf_trial=leaf_trial,
        leaf_asset=leaf_asset,
    )


# ---------------------------------------------------------------------------- initial state


def initial_compromise(compiled: CompiledNetwork, events: SampledEvents, words: int) -> Plane:
    """``(C, 2, W)``: bits compromised and sabotaged directly by supplier updates."""
    k = len(compiled.operators)
    rows = len(compiled.suppliers) * k * 2
    updates = empty_plane(rows + 2, words)  # rows (supplier, operator, sabotage); 2 zero rows
    hit, operator = np.nonzero(events.update_reach)
    set_bits(
        updates,
        (events.update_supplier[hit] * k + operator) * 2 + events.update_sabotage[hit],
        events.update_trial[hit],
    )
    supplier = compiled.class_supplier
    espionage = np.where(supplier >= 0, (supplier * k + compiled.class_operator) * 2, rows)
    out = np.empty((compiled.n_classes, 2, words), dtype=np.uint64)
    np.bitwise_or(updates[espionage], updates[espionage + 1], out=out[:, 0])
    out[:, 1] = updates[espionage + 1]
    return out


def initial_down(compiled: CompiledNetwork, events: SampledEvents, words: int) -> Plane:
    """``(C, W)``: bits down directly by version faults, supplier faults and power loss."""
    k = len(compiled.operators)
    n_deployed, n_suppliers = len(compiled.versions) * k, len(compiled.suppliers)
    power_base = n_deployed + n_suppliers
    zero = power_base + compiled.power_hours.shape[0]
    targets = empty_plane(zero + 1, words)
    # a version's fault goes down at the operators it reached: rows (version, operator)
    hit, operator = np.nonzero(events.fault_reach)
    set_bits(targets, events.fault_version[hit] * k + operator, events.fault_trial[hit])
    set_bits(targets, n_deployed + events.supplier_fault_supplier, events.supplier_fault_trial)
    power_rows, power_trials = _power_hits(compiled, events)
    set_bits(targets, power_base + power_rows, power_trials)
    version = np.where(
        compiled.class_version >= 0, compiled.class_version * k + compiled.class_operator, zero
    )
    supplier = np.where(compiled.class_supplier >= 0, n_deployed + compiled.class_supplier, zero)
    power = np.where(compiled.class_power_row >= 0, power_base + compiled.class_power_row, zero)
    out = targets[version]
    out |= targets[supplier]
    out |= targets[power]
    return out


def _power_hits(compiled: CompiledNetwork, events: SampledEvents) -> tuple[IntArray, IntArray]:
    """Power rows reached by each loss: every autonomy of its region shorter than it."""
    ptr, hours = compiled.power_ptr, compiled.power_hours
    region = events.power_region
    reach = np.zeros(region.shape[0], dtype=np.int64)
    for r in np.unique(region).tolist():
        at = np.flatnonzero(region == r)
        reach[at] = np.searchsorted(hours[ptr[r] : ptr[r + 1]], events.power_hours[at], "left")
    total = int(reach.sum())
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(reach) - reach, reach)
    return np.repeat(ptr[region], reach) + within, np.repeat(events.power_trial, reach)


def _asset_hits(
    compiled: CompiledNetwork, events: SampledEvents
) -> tuple[tuple[IntArray, IntArray], IntArray, IntArray]:
    """Split events aimed at one asset: assets alone in their class (applied to the class)
    and the rest (leaf hits, distinct pairs)."""
    trials = np.concatenate([events.down_trial, events.failure_trial])
    assets = np.concatenate([events.down_asset, events.failure_asset])
    alone = compiled.class_size[compiled.asset_class[assets]] == 1
    single = (trials[alone], assets[alone])
    leaf_trial, leaf_asset = _distinct_leaves(compiled, events)
    return single, leaf_trial, leaf_asset


def _distinct_leaves(compiled: CompiledNetwork, events: SampledEvents) -> tuple[IntArray, IntArray]:
    sizes = compiled.class_size
    fail = sizes[compiled.asset_class[events.failure_asset]] > 1
    fail_t, fail_a = events.failure_trial[fail], events.failure_asset[fail]
    down = sizes[compiled.asset_class[events.down_asset]] > 1
    down_t, down_a = events.down_trial[down], events.down_asset[down]
    if down_t.size == 0:
        return fail_t, fail_a
    span = max(int(events.trials), 1)
    key = np.unique(down_a * span + down_t)
    # failure pairs are distinct already; drop forced pairs that repeat one of them
    flagged = np.zeros(compiled.n_assets, dtype=bool)
    flagged[key // span] = True
    near = flagged[fail_a]
    key = key[~np.isin(key, fail_a[near] * span + fail_t[near])]
    return np.concatenate([fail_t, key % span]), np.concatenate([fail_a, key // span])


# ---------------------------------------------------------------------------- spreading


def spread_management(compiled: CompiledNetwork, security: Plane) -> None:
    """Compromised and sabotaged flow from each manager to what it manages (in place).

    ``security``: ``(C, 2, W)`` uint64. Runs of consecutive classes with one manager get
    its row OR-ed in (a streaming pass); short runs gather per class.
    """
    for level in compiled.managed_levels:
        if not level.runs_are_long:
            managed = level.classes
            security[managed] |= security[compiled.class_manager[managed]]
            continue
        bounds = level.run_bounds.tolist()
        first = level.classes[level.run_bounds[:-1]].tolist()
        for run, manager in enumerate(level.run_manager.tolist()):
            rows = security[first[run] : first[run] + bounds[run + 1] - bounds[run]]
            np.bitwise_or(rows, security[manager], out=rows)


def spread_requires(compiled: CompiledNetwork, state: Plane) -> None:
    """Down and exposed flow along ``requires``, level by level (``state`` in place).

    ``state``: ``(C + G, 2, W)`` uint64, rows of classes then of ``any:`` groups.
    """
    words = state.shape[2]
    chunk = max(16, CHUNK_BYTES // (16 * words))
    buffers = np.empty((2, chunk, 2, words), dtype=np.uint64)
    n = compiled.n_classes
    for level in compiled.requires_levels:
        _groups(state, level, n + level.group_lo)
        _owners(state, level, buffers)


def _groups(state: Plane, level: RequiresLevel, first_row: int) -> None:
    """An ``any:`` group is down when every member is, exposed when any member is."""
    if not level.group_slots:
        return
    count = level.group_slots[0].shape[0]
    rows = state[first_row : first_row + count]
    np.take(state, level.group_slots[0], axis=0, out=rows, mode="clip")
    for members in level.group_slots[1:]:
        part = state[members]
        head = rows[: members.shape[0]]
        head[:, 0] &= part[:, 0]
        head[:, 1] |= part[:, 1]


def _owners(state: Plane, level: RequiresLevel, buffers: Plane) -> None:
    """A class is down (exposed) when any of its entries is.

    Each distinct requirement list is OR-ed together once, in cache-sized chunks, into a
    small table; then each run of classes sharing it gets that row OR-ed in (a streaming
    pass), or, when runs are short, each class gathers its row. When every class of the
    level has a list of its own (the sites' rows of a national model), each chunk of lists
    is OR-ed straight into its classes, without a table.
    """
    if not level.pattern_slots:
        return
    rows = state[level.lo : level.hi]
    patterns = level.pattern_slots[0].shape[0]
    # one pattern per class: OR each chunk of patterns straight into its classes
    owners = _owner_of_pattern(level) if patterns == rows.shape[0] else None
    table = None if owners is not None else np.empty((patterns, *state.shape[1:]), np.uint64)
    chunk = buffers.shape[1]
    for start in range(0, patterns, chunk):
        stop = min(start + chunk, patterns)
        acc = buffers[0, : stop - start] if table is None else table[start:stop]
        # indices come from the compiled plan and are in range: "clip" spares np.take the
        # copy it makes of its output to check them
        np.take(state, level.pattern_slots[0][start:stop], axis=0, out=acc, mode="clip")
        for slot in level.pattern_slots[1:]:
            end = min(stop, slot.shape[0])
            if end <= start:
                continue
            part = buffers[1, : end - start]
            np.take(state, slot[start:end], axis=0, out=part, mode="clip")
            np.bitwise_or(acc[: end - start], part, out=acc[: end - start])
        if isinstance(owners, slice):
            target = rows[start:stop]
            np.bitwise_or(target, acc, out=target)
        elif owners is not None:
            at = owners[start:stop]
            rows[at] = rows[at] | acc
    if table is None:
        return
    if level.runs_are_long:
        bounds = level.run_bounds.tolist()
        for run, pattern in enumerate(level.run_pattern.tolist()):
            target = rows[bounds[run] : bounds[run + 1]]
            np.bitwise_or(target, table[pattern], out=target)
        return
    for start in range(0, rows.shape[0], chunk):
        target = rows[start : start + chunk]
        part = buffers[0, : target.shape[0]]
        np.take(table, level.owner_pattern[start : start + chunk], axis=0, out=part, mode="clip")
        np.bitwise_or(target, part, out=target)


def _owner_of_pattern(level: RequiresLevel) -> slice | IntArray:
    """For a level whose classes each have a pattern of their own: the class (relative to
    ``lo``) of each pattern, as a slice when class ``i`` has pattern ``i``."""
    n = level.owner_pattern.shape[0]
    if bool((level.owner_pattern == np.arange(n)).all()):
        return slice(None)
    owners = np.empty(n, dtype=np.int64)
    owners[level.owner_pattern] = np.arange(n, dtype=np.int64)
    return owners
