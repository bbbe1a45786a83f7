"""Sampling events by their hits: the cost grows with the events that happen, not with
sources × trials.

Supplier updates and product-version faults are cross-border sources: they draw from
streams keyed by the seed and the source's canonical key (:mod:`fiveguard.simulate.streams`),
so the same update happens in every model running the supplier's products in the same
trial. The national sources (misconfigurations, power losses, asset failures) draw from
the streams of fixed blocks of :data:`BLOCK_TRIALS` trials: block ``b`` from
``SeedSequence(seed, spawn_key=(b,))``, always a whole block. Either way the events of a
trial depend only on the seed and the trial's number: never on how blocks are grouped
into batches, how many workers run them, or how many trials were asked for.

A national Bernoulli source of probability ``p`` over ``n`` source-trials is sampled by
jumping from one success to the next with geometric gaps (the exact law of the gaps
between the successes of independent Bernoulli trials); sources of equal probability
share one sequence over their concatenated source-trials.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from fiveguard.simulate.events import SampledEvents
from fiveguard.simulate.sources import EventSources, ProbabilityGroups
from fiveguard.simulate.streams import keyed_fault_reach, keyed_hits, keyed_reach

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BLOCK_TRIALS = 256


def block_rng(seed: int, block: int) -> np.random.Generator:
    """The random stream of one block of trials."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))


def success_positions(rng: np.random.Generator, p: float, n: int) -> IntArray:
    """Sorted positions of the successes among ``n`` independent Bernoulli(``p``) trials."""
    if p <= 0.0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if p >= 1.0:
        return np.arange(n, dtype=np.int64)
    expected = n * p
    chunk = int(expected + 6.0 * math.sqrt(expected) + 16)
    parts = []
    last = -1
    while True:
        positions = last + np.cumsum(rng.geometric(p, size=chunk))
        inside = positions[positions < n]
        parts.append(inside)
        if inside.size < positions.size:
            break
        last = int(positions[-1])
    return np.concatenate(parts).astype(np.int64)


def bernoulli_hits(
    rng: np.random.Generator, probability: FloatArray | ProbabilityGroups, trials: int
) -> tuple[IntArray, IntArray]:
    """Every (source, trial) pair whose Bernoulli(``probability[source]``) trial succeeds.

    ``probability``: ``(n,)`` float64, or the same already grouped by value. Returns
    ``(sources, trials)``, int64 each, ordered by probability value, source, trial.
    """
    groups = (
        probability
        if isinstance(probability, ProbabilityGroups)
        else ProbabilityGroups.of(probability)
    )
    sources, hit_trials = [], []
    for value, start, count in zip(
        groups.values.tolist(), groups.starts.tolist(), groups.counts.tolist(), strict=True
    ):
        positions = success_positions(rng, value, count * trials)
        sources.append(groups.order[start + positions // trials])
        hit_trials.append(positions % trials)
    if not sources:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return (
        np.concatenate(sources).astype(np.int64),
        np.concatenate(hit_trials).astype(np.int64),
    )


def sample_block(sources: EventSources, seed: int, block: int) -> SampledEvents:
    """The events of the :data:`BLOCK_TRIALS` trials of block ``block``."""
    return sample_trials(sources, seed, block, BLOCK_TRIALS)


DOWN_MISCONFIGURATION, DOWN_CHANGE_PUSH, DOWN_LIMIT_REACHED = range(3)
"""What put a ``down_*`` row of a sampled block there (:func:`national_block_down`)."""


def national_block(sources: EventSources, seed: int, block: int) -> SampledEvents:
    """The national events of block ``block`` (no update or version fault).

    The draws always come in the same order (misconfigurations and their targets, power
    losses and their durations, failures), which is what makes a block reproducible.
    """
    return national_block_down(sources, seed, block)[0]


def national_block_down(
    sources: EventSources, seed: int, block: int
) -> tuple[SampledEvents, IntArray, IntArray]:
    """:func:`national_block`'s events, and per ``down_*`` row its cause
    (``DOWN_MISCONFIGURATION``, ``DOWN_CHANGE_PUSH`` or ``DOWN_LIMIT_REACHED``) and its
    event within the block (0, 1, …; a pushed change or a limit reached takes several
    consecutive rows, one per asset)."""
    rng = block_rng(seed, block)
    trials = BLOCK_TRIALS
    operator, misconfiguration_trial = bernoulli_hits(
        rng, sources.misconfiguration_probability, trials
    )
    ptr = sources.misconfiguration_ptr
    # an operator without targets has probability 0, so every count here is positive
    choice = rng.integers(0, ptr[operator + 1] - ptr[operator]) if operator.size else operator
    targets = sources.misconfiguration_targets[ptr[operator] + choice]
    region, power_trial = bernoulli_hits(rng, sources.power_probability, trials)
    hours = sources.power_median_hours * np.exp(
        sources.power_sigma * rng.standard_normal(region.shape[0])
    )
    asset, failure_trial = bernoulli_hits(rng, sources.failure_groups, trials)
    # changes pushed and limits reached come last, so that they leave the draws above as
    # they were; each takes a whole group of assets down
    pushed_trials, pushed_assets = [misconfiguration_trial], [targets.astype(np.int64)]
    causes = [np.full(targets.size, DOWN_MISCONFIGURATION, dtype=np.int64)]
    numbers = [np.arange(targets.size, dtype=np.int64)]
    count = targets.size
    for cause, group in (
        (DOWN_CHANGE_PUSH, sources.change_push),
        (DOWN_LIMIT_REACHED, sources.limit_reached),
    ):
        if group is not None:
            hits = bernoulli_hits(rng, group.probability, trials)
            trial, assets, hit = group.sample(rng, hits)
            pushed_trials.append(trial)
            pushed_assets.append(assets)
            causes.append(np.full(assets.size, cause, dtype=np.int64))
            numbers.append(count + hit)
            count += hits[0].size
    site = site_failures(rng, sources, trials)
    none = np.zeros(0, dtype=np.int64)
    events = SampledEvents(
        trials=trials,
        update_trial=none,
        update_supplier=none,
        update_sabotage=np.zeros(0, dtype=bool),
        update_reach=np.zeros((0, sources.update_reach.shape[0]), dtype=bool),
        fault_trial=none,
        fault_version=none,
        fault_reach=np.zeros((0, sources.update_reach.shape[0]), dtype=bool),
        supplier_fault_trial=none,
        supplier_fault_supplier=none,
        power_trial=power_trial,
        power_region=region,
        power_hours=hours.astype(np.float64),
        down_trial=np.concatenate(pushed_trials).astype(np.int64),
        down_asset=np.concatenate(pushed_assets).astype(np.int64),
        failure_trial=np.concatenate([failure_trial, site[0]]),
        failure_asset=np.concatenate([asset, site[1]]),
        site_trial=site[2],
        site_asset=site[3],
        site_failed=site[4],
        site_total=site[5],
    )
    return events, np.concatenate(causes), np.concatenate(numbers)


def site_failures(
    rng: np.random.Generator, sources: EventSources, trials: int
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Failures counted per site: each site of a row of ``N`` sites fails on its own, as
    ``N`` Bernoulli trials of the row's probability drawn by hits (one sequence per
    probability over the concatenated site-trials). Returns the (trial, row) pairs where
    all ``N`` failed (the row down), then (trial, row, failed, N) where some but not all
    did. Draws nothing when no row counts per site."""
    none = np.zeros(0, dtype=np.int64)
    if sources.site_asset.size == 0:
        return none, none, none, none, none, none
    groups = ProbabilityGroups.of(sources.site_probability)
    rows, hit_trials = [], []
    for value, start, count in zip(
        groups.values.tolist(), groups.starts.tolist(), groups.counts.tolist(), strict=True
    ):
        members = groups.order[start : start + count]
        ends = np.cumsum(sources.site_count[members])
        positions = success_positions(rng, value, int(ends[-1]) * trials)
        rows.append(members[np.searchsorted(ends, positions // trials, side="right")])
        hit_trials.append(positions % trials)
    row = np.concatenate(rows).astype(np.int64)
    key = row * trials + np.concatenate(hit_trials).astype(np.int64)
    unique, failed = np.unique(key, return_counts=True)
    which, trial = unique // trials, unique % trials
    total = sources.site_count[which]
    asset = sources.site_asset[which]
    whole = failed == total
    part = ~whole
    return (
        trial[whole],
        asset[whole],
        trial[part],
        asset[part],
        failed[part].astype(np.int64),
        total[part].astype(np.int64),
    )


def with_cross_border(
    events: SampledEvents, sources: EventSources, seed: int, first: int
) -> SampledEvents:
    """``events`` (trials ``first …`` of a run, numbered from 0) with the updates and
    version faults of those trials drawn from their keyed streams."""
    keys, trials = sources.keys, events.trials
    supplier, update_trial, mode = keyed_hits(
        seed, "supplier-update", keys.suppliers, sources.update_probability, first, trials
    )
    reach = keyed_reach(seed, keys, sources.update_reach, supplier, update_trial, first, trials)
    version, fault_trial, _ = keyed_hits(
        seed, "product-fault", keys.versions, sources.fault_probability, first, trials
    )
    fault_reach = keyed_fault_reach(
        seed, keys, sources.fault_reach, version, fault_trial, first, trials
    )
    return replace(
        events,
        update_trial=update_trial,
        update_supplier=supplier,
        update_sabotage=np.asarray(mode < sources.sabotage_share, dtype=bool),
        update_reach=reach,
        fault_trial=fault_trial,
        fault_version=version,
        fault_reach=fault_reach,
    )


def sample_trials(sources: EventSources, seed: int, first_block: int, trials: int) -> SampledEvents:
    """The events of ``trials`` trials starting at block ``first_block``, as one batch."""
    blocks = -(-trials // BLOCK_TRIALS)
    parts = [national_block(sources, seed, first_block + b) for b in range(blocks)]
    national = SampledEvents.concat(parts).truncated(trials)
    return with_cross_border(national, sources, seed, first_block * BLOCK_TRIALS)
