"""Sampled events with a restoration-time draw for each, from the trials' own streams.

Every event the Monte Carlo samples gets a standard normal ``z``; its drawn restoration
time is ``median × exp(sigma × z)`` for its kind (a power loss keeps the hours it was
sampled with). Where ``z`` comes from keeps results the same for a seed whatever the
batching, and leaves the events themselves exactly as before:

- a national event (misconfiguration, pushed change, limit reached, independent
  failure) draws from its block's *duration stream*
  ``SeedSequence(seed, spawn_key=(block, DURATION_STREAM))``, separate from the block's
  event stream, in a fixed order: one normal per ``down_*`` row of the block (a pushed
  change or a limit reached, one row per asset, uses its first row's), then one per
  failure, each in the order the block sampled them;
- a cross-border event (supplier update, version fault) reads lane 2 of its own keyed
  stream (:mod:`fiveguard.simulate.streams`) at its trial's counter, a lane nothing else
  reads: every state sharing the supplier draws the same duration for the same update.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri  # type: ignore[import-untyped]

from fiveguard.simulate.events import SampledEvents
from fiveguard.simulate.sampling import BLOCK_TRIALS, national_block_down, with_cross_border
from fiveguard.simulate.sources import EventSources
from fiveguard.simulate.streams import trial_uniforms

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DURATION_STREAM = 1
"""The second spawn-key word of a block's duration stream (its event stream has none)."""
DURATION_LANE = 2
"""The lane of a keyed stream a cross-border event's duration is read from."""
_HALF_UNIT = 2.0**-54


@dataclass(frozen=True, eq=False)
class TimedEvents:
    """Sampled events and, aligned with each kind's arrays, their standard normals.

    ``update_z[i]`` belongs to update ``i`` of ``events``, ``fault_z`` to its version
    faults, ``down_z`` to its ``down_*`` rows, ``failure_z`` to its failures. Power
    losses carry their hours in ``events.power_hours``.

    ``down_cause`` and ``down_event`` (per ``down_*`` row; None: every row a
    misconfiguration of its own): what put the row there
    (:data:`~fiveguard.simulate.sampling.DOWN_MISCONFIGURATION` and the others) and the
    event it belongs to, numbered in row order: a pushed change or a limit reached is
    several consecutive rows, and takes the normal of its first.
    """

    events: SampledEvents
    update_z: FloatArray
    fault_z: FloatArray
    down_z: FloatArray
    failure_z: FloatArray
    down_cause: IntArray | None = None
    down_event: IntArray | None = None
    site_z: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    """Normals of the ``site_*`` events (failures of some of a row's sites)."""


def duration_rng(seed: int, block: int) -> np.random.Generator:
    """The duration stream of one block of trials."""
    sequence = np.random.SeedSequence(seed, spawn_key=(block, DURATION_STREAM))
    return np.random.Generator(np.random.PCG64(sequence))


def keyed_normals(
    seed: int,
    purpose: str,
    keys: tuple[str, ...],
    source: IntArray,
    trial: IntArray,
    first: int,
) -> FloatArray:
    """Standard normals of events ``(source[i], trial[i])`` (trials numbered from
    ``first``), each from lane :data:`DURATION_LANE` of its source's keyed stream."""
    out = np.zeros(source.shape[0], dtype=np.float64)
    # one read of each source's stream over the trials its events span (trial t at
    # counter first + t, whatever the read starts at)
    for s in np.unique(source).tolist():
        at = np.flatnonzero(source == s)
        low = int(trial[at].min())
        span = int(trial[at].max()) - low + 1
        u = trial_uniforms(seed, purpose, keys[s], first + low, span)[:, DURATION_LANE]
        out[at] = ndtri(u[trial[at] - low] + _HALF_UNIT)
    return out


def sample_timed(sources: EventSources, seed: int, first_block: int, trials: int) -> TimedEvents:
    """The events of ``trials`` trials from block ``first_block`` (exactly those of
    :func:`fiveguard.simulate.sampling.sample_trials`), each with its normal."""
    blocks = -(-trials // BLOCK_TRIALS)
    parts, down_z, failure_z, site_z, causes, numbers = [], [], [], [], [], []
    counted = 0
    for b in range(first_block, first_block + blocks):
        events, cause, number = national_block_down(sources, seed, b)
        rng = duration_rng(seed, b)
        down_z.append(rng.standard_normal(events.down_trial.shape[0]))
        failure_z.append(rng.standard_normal(events.failure_trial.shape[0]))
        site_z.append(rng.standard_normal(events.site_trial.shape[0]))
        parts.append(events)
        causes.append(cause)
        numbers.append(counted + number)
        counted += int(number.max()) + 1 if number.size else 0
    joined = SampledEvents.concat(parts)
    kept = joined.down_trial < trials
    down = np.concatenate(down_z)[kept]
    failure = np.concatenate(failure_z)[joined.failure_trial < trials]
    sites = np.concatenate(site_z)[joined.site_trial < trials]
    first = first_block * BLOCK_TRIALS
    events = with_cross_border(joined.truncated(trials), sources, seed, first)
    keys = sources.keys
    return TimedEvents(
        events=events,
        update_z=keyed_normals(
            seed, "supplier-update", keys.suppliers, events.update_supplier,
            events.update_trial, first,
        ),
        fault_z=keyed_normals(
            seed, "product-fault", keys.versions, events.fault_version, events.fault_trial, first
        ),
        down_z=down,
        failure_z=failure,
        down_cause=np.concatenate(causes)[kept],
        down_event=np.concatenate(numbers)[kept],
        site_z=sites,
    )  # fmt: skip
