"""Sampling events by their hits: the cost grows with the events that happen, not with
sources × trials.

Trials are cut into fixed blocks of :data:`BLOCK_TRIALS`. Block ``b`` draws from its own
stream, ``SeedSequence(seed, spawn_key=(b,))``, and always samples a whole block, so the
events of a trial depend only on the seed and the trial's number: never on how blocks are
grouped into batches, how many workers run them, or how many trials were asked for.

A Bernoulli source of probability ``p`` over ``n`` source-trials is sampled by jumping
from one success to the next with geometric gaps (the exact law of the gaps between the
successes of independent Bernoulli trials); sources of equal probability share one
sequence over their concatenated source-trials.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from fiveguard.simulate.events import SampledEvents
from fiveguard.simulate.sources import EventSources, ProbabilityGroups

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
    """The events of the :data:`BLOCK_TRIALS` trials of block ``block``.

    The draws always come in the same order (updates, their mode and reach, version
    faults, misconfigurations and their targets, power losses and their durations,
    failures), which is what makes a block reproducible.
    """
    rng = block_rng(seed, block)
    trials = BLOCK_TRIALS
    supplier, update_trial = bernoulli_hits(rng, sources.update_probability, trials)
    sabotage = np.asarray(rng.random(supplier.shape[0]) < sources.sabotage_share, dtype=bool)
    reach = rng.random((supplier.shape[0], sources.update_reach.shape[0])) < sources.update_reach
    version, fault_trial = bernoulli_hits(rng, sources.fault_probability, trials)
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
    return SampledEvents(
        trials=trials,
        update_trial=update_trial,
        update_supplier=supplier,
        update_sabotage=sabotage,
        update_reach=reach,
        fault_trial=fault_trial,
        fault_version=version,
        supplier_fault_trial=np.zeros(0, dtype=np.int64),
        supplier_fault_supplier=np.zeros(0, dtype=np.int64),
        power_trial=power_trial,
        power_region=region,
        power_hours=hours.astype(np.float64),
        down_trial=misconfiguration_trial,
        down_asset=targets.astype(np.int64),
        failure_trial=failure_trial,
        failure_asset=asset,
    )


def sample_trials(sources: EventSources, seed: int, first_block: int, trials: int) -> SampledEvents:
    """The events of ``trials`` trials starting at block ``first_block``, as one batch."""
    blocks = -(-trials // BLOCK_TRIALS)
    parts = [sample_block(sources, seed, first_block + b) for b in range(blocks)]
    return SampledEvents.concat(parts).truncated(trials)
