"""Running Monte Carlo trials in batches: here, in local worker processes, or on Dask
(:mod:`fiveguard.simulate.cluster`).

A batch is a run of consecutive sampling blocks (see :mod:`fiveguard.simulate.sampling`),
sampled, propagated and measured on its own; results are put back in trial order. Since a
trial's events depend only on the seed and the trial's number, the same seed gives the
same results whatever the number of workers, the batch size or the scheduler.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.metrics import TrialImpacts, measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import BLOCK_TRIALS, sample_trials
from fiveguard.simulate.sources import EventSources

if TYPE_CHECKING:
    from distributed import Client

Progress = Callable[[int], None]
"""Called with the number of trials a finished batch ran."""
MAX_BLOCKS_PER_BATCH = 8


@dataclass(frozen=True)
class Batch:
    """Trials ``first_block * BLOCK_TRIALS`` onwards, ``trials`` of them."""

    first_block: int
    trials: int


def plan_batches(trials: int, workers: int, blocks_per_batch: int | None = None) -> list[Batch]:
    """Cut ``trials`` into batches of whole blocks: by default at least four batches per
    worker (for balance and progress) and at most eight blocks each (for memory)."""
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    blocks = -(-trials // BLOCK_TRIALS)
    per_batch = blocks_per_batch or max(1, min(MAX_BLOCKS_PER_BATCH, -(-blocks // (4 * workers))))
    out = []
    for first in range(0, blocks, per_batch):
        count = min(per_batch, blocks - first)
        out.append(Batch(first, min(count * BLOCK_TRIALS, trials - first * BLOCK_TRIALS)))
    return out


def run_batch(
    compiled: CompiledNetwork, sources: EventSources, seed: int, batch: Batch
) -> TrialImpacts:
    """Sample, propagate and measure one batch (a pure function of its arguments)."""
    events = sample_trials(sources, seed, batch.first_block, batch.trials)
    return measure(compiled, propagate(compiled, events))


def run_trials(
    compiled: CompiledNetwork,
    sources: EventSources,
    trials: int,
    seed: int,
    *,
    workers: int = 1,
    scheduler: str | Client | None = None,
    progress: Progress | None = None,
    blocks_per_batch: int | None = None,
    connect_timeout: float | None = None,
) -> TrialImpacts:
    """Impacts of trials ``0 … trials-1`` for ``seed``.

    ``workers`` local processes run the batches (1: this process); with ``scheduler``
    (a Dask scheduler address or a ``distributed.Client``) the batches run on that
    cluster instead (see :mod:`fiveguard.simulate.cluster`; ``connect_timeout`` seconds
    for connecting, by default ``cluster.CONNECT_TIMEOUT``). Raises InputError for a
    malformed scheduler address, one that cannot be reached within the time limit, or a
    cluster that fails while running.
    """
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    batches = plan_batches(trials, workers, blocks_per_batch)
    report = progress or (lambda _: None)
    if scheduler is not None:
        from fiveguard.simulate import cluster

        timeout = cluster.CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
        results = cluster.run_on_cluster(
            compiled, sources, seed, batches, scheduler, report, timeout
        )
    elif workers == 1 or len(batches) == 1:
        results = []
        for batch in batches:
            results.append(run_batch(compiled, sources, seed, batch))
            report(batch.trials)
    else:
        results = _in_processes(compiled, sources, seed, batches, workers, report)
    return TrialImpacts.concat(results)


# ---------------------------------------------------------------------------- local processes

_INSTALLED: tuple[CompiledNetwork, EventSources] | None = None


def _install(compiled: CompiledNetwork, sources: EventSources) -> None:
    global _INSTALLED  # noqa: PLW0603  (one compiled model per worker process)
    _INSTALLED = (compiled, sources)


def _run_installed(seed: int, batch: Batch) -> TrialImpacts:
    assert _INSTALLED is not None, "worker started without a compiled model"
    return run_batch(*_INSTALLED, seed, batch)


def _in_processes(
    compiled: CompiledNetwork,
    sources: EventSources,
    seed: int,
    batches: list[Batch],
    workers: int,
    report: Progress,
) -> list[TrialImpacts]:
    # fork shares the compiled arrays with the workers without copying them; elsewhere
    # they are pickled once per worker by the initializer
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results: list[TrialImpacts | None] = [None] * len(batches)
    with ProcessPoolExecutor(
        max_workers=min(workers, len(batches)),
        mp_context=context,
        initializer=_install,
        initargs=(compiled, sources),
    ) as pool:
        futures = {pool.submit(_run_installed, seed, b): i for i, b in enumerate(batches)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            report(batches[index].trials)
    return [r for r in results if r is not None]
