"""Running the incidents of a Monte Carlo: batch by batch, here or in local processes.

Each batch samples its trials' events again (exactly as
:func:`fiveguard.simulate.engines.run_trials` does), draws their durations and adds up
its incidents (:mod:`fiveguard.simulate.incidents`); results are put back in trial order,
so the same seed gives the same figures whatever the number of workers. Each process
keeps its own cache of the impacts of distinct events.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.durations import sample_timed
from fiveguard.simulate.engines import MAX_BLOCKS_PER_BATCH, Batch, plan_batches
from fiveguard.simulate.incidents import (
    FloatArray,
    ImpactCache,
    TimePlan,
    TrialTime,
    incidents_of,
    trial_time,
    with_storms,
)
from fiveguard.simulate.sampling import BLOCK_TRIALS
from fiveguard.simulate.sources import EventSources


def batch_time(
    compiled: CompiledNetwork,
    sources: EventSources,
    plan: TimePlan,
    seed: int,
    batch: Batch,
    cache: ImpactCache,
    storm_hours: FloatArray | None,
) -> TrialTime:
    """The incidents' per-trial figures of one batch (``storm_hours``: the batch's)."""
    timed = sample_timed(sources, seed, batch.first_block, batch.trials)
    incidents = with_storms(incidents_of(timed, compiled, plan, cache), storm_hours)
    return trial_time(incidents, plan, batch.trials, len(compiled.operators), len(compiled.regions))


def run_time(
    compiled: CompiledNetwork,
    sources: EventSources,
    plan: TimePlan,
    trials: int,
    seed: int,
    *,
    storm_hours: FloatArray | None = None,
    workers: int = 1,
) -> TrialTime:
    """The incidents' per-trial figures of trials ``0 … trials-1`` for ``seed``: the same
    events as :func:`fiveguard.simulate.engines.run_trials` draws, whatever its batching.

    ``storm_hours`` (``(trials,)``, optional): more hours in each trial, added to that
    trial's largest incident (the storms the rule starts count in their incidents).
    ``workers`` local processes share the batches (1: this process).
    """
    batches = plan_batches(trials, workers)

    def storms(batch: Batch) -> FloatArray | None:
        first = batch.first_block * BLOCK_TRIALS
        return None if storm_hours is None else storm_hours[first : first + batch.trials]

    if workers == 1 or len(batches) == 1:
        cache = ImpactCache(compiled, plan)
        return TrialTime.concat(
            [batch_time(compiled, sources, plan, seed, b, cache, storms(b)) for b in batches]
        )
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(batches)),
        mp_context=context,
        initializer=_install,
        initargs=(compiled, sources, plan),
    ) as pool:
        futures = [pool.submit(_run_installed, seed, b, storms(b)) for b in batches]
        return TrialTime.concat([f.result() for f in futures])


def run_time_per_draw(
    compiled: CompiledNetwork,
    runs: Sequence[tuple[EventSources, int, int]],
    plan: TimePlan,
    seed: int,
) -> TrialTime:
    """The incidents' per-trial figures of a run whose parameters were drawn once per
    run of blocks (``--parameter-draws``): ``runs`` are ``(sources, first block,
    trials)``, one after the other, each sampled with its own sources exactly as
    :func:`fiveguard.simulate.uncertainty.drawn_impacts` samples its trials. One process,
    one cache: an event's impact does not depend on how likely it was."""
    cache = ImpactCache(compiled, plan)
    parts = []
    for sources, first, count in runs:
        done = 0
        while done < count:
            n = min(MAX_BLOCKS_PER_BATCH * BLOCK_TRIALS, count - done)
            batch = Batch(first + done // BLOCK_TRIALS, n)
            parts.append(batch_time(compiled, sources, plan, seed, batch, cache, None))
            done += n
    return TrialTime.concat(parts)


_INSTALLED: tuple[CompiledNetwork, EventSources, TimePlan, ImpactCache] | None = None


def _install(compiled: CompiledNetwork, sources: EventSources, plan: TimePlan) -> None:
    global _INSTALLED  # noqa: PLW0603  (one compiled model and its cache per worker process)
    _INSTALLED = (compiled, sources, plan, ImpactCache(compiled, plan))


def _run_installed(seed: int, batch: Batch, storm_hours: FloatArray | None) -> TrialTime:
    assert _INSTALLED is not None, "worker started without a compiled model"
    compiled, sources, plan, cache = _INSTALLED
    return batch_time(compiled, sources, plan, seed, batch, cache, storm_hours)
