"""Same seed, same results: whatever the workers, the batch size, the scheduler, or how
many trials were asked for; different seeds differ."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import busy_catalogue

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import Prepared, prepare, simulate
from fiveguard.simulate.engines import plan_batches, run_trials
from fiveguard.simulate.metrics import TrialImpacts
from fiveguard.simulate.sampling import BLOCK_TRIALS

TRIALS = 5 * BLOCK_TRIALS + 37  # a partial last block on purpose


@pytest.fixture(scope="module")
def ready(catalogue: Catalogue) -> Prepared:
    return prepare(generate_model(sites=600, seed=2, regions=5), busy_catalogue(catalogue))


def same(a: TrialImpacts, b: TrialImpacts) -> bool:
    return all(
        np.array_equal(getattr(a, name), getattr(b, name))
        for name in ("national", "by_operator", "by_region", "service_assets")
    )


def test_batches_cover_every_trial_once_in_whole_blocks() -> None:
    for trials in (1, 255, 256, 257, 10_000):
        for workers in (1, 2, 7):
            batches = plan_batches(trials, workers)
            assert sum(b.trials for b in batches) == trials
            starts = [b.first_block * BLOCK_TRIALS for b in batches]
            assert starts == sorted(starts) and starts[0] == 0
    with pytest.raises(ValueError):
        plan_batches(0, 1)


def test_same_seed_same_results_whatever_the_batch_size_or_workers(ready: Prepared) -> None:
    reference = run_trials(ready.compiled, ready.sources, TRIALS, 42, workers=1, blocks_per_batch=6)
    assert reference.trials == TRIALS
    assert reference.national[:, 0].sum() > 0
    for workers, blocks in ((1, 1), (1, 2), (2, None), (3, 1)):
        other = run_trials(
            ready.compiled, ready.sources, TRIALS, 42, workers=workers, blocks_per_batch=blocks
        )
        assert same(reference, other), (workers, blocks)


def test_a_shorter_run_is_a_prefix_of_a_longer_one(ready: Prepared) -> None:
    long = run_trials(ready.compiled, ready.sources, TRIALS, 7)
    short = run_trials(ready.compiled, ready.sources, 300, 7)
    assert same(short, long.head(300))


def test_different_seeds_give_different_years(ready: Prepared) -> None:
    a = run_trials(ready.compiled, ready.sources, 512, 1)
    b = run_trials(ready.compiled, ready.sources, 512, 2)
    assert not same(a, b)


def test_progress_reports_every_trial(ready: Prepared) -> None:
    done: list[int] = []
    run_trials(ready.compiled, ready.sources, TRIALS, 3, workers=2, progress=done.append)
    assert sum(done) == TRIALS and len(done) > 1


def test_a_dask_cluster_gives_the_same_results_with_no_default_client(
    ready: Prepared,
) -> None:
    distributed = pytest.importorskip("distributed")
    reference = run_trials(ready.compiled, ready.sources, TRIALS, 5)
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            dashboard_address=":0",
        ) as cluster,
        # not the default client: the engine must use the client it is given
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        with pytest.raises(ValueError, match="No clients found"):
            distributed.default_client()
        on_client = run_trials(ready.compiled, ready.sources, TRIALS, 5, scheduler=client)
        by_address = run_trials(
            ready.compiled, ready.sources, TRIALS, 5, scheduler=cluster.scheduler_address
        )
    assert same(reference, on_client)
    assert same(reference, by_address)


def test_an_unreachable_scheduler_is_an_input_error(ready: Prepared) -> None:
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        run_trials(
            ready.compiled, ready.sources, 10, 1, scheduler="tcp://127.0.0.1:9", connect_timeout=1
        )


@pytest.mark.parametrize("address", ["nonsense", "tcp://host", "udp://host:1", "tcp://h:0"])
def test_a_malformed_scheduler_address_is_an_input_error(ready: Prepared, address: str) -> None:
    with pytest.raises(InputError, match="is not a Dask scheduler address"):
        run_trials(ready.compiled, ready.sources, 10, 1, scheduler=address)


def test_simulation_results_are_identical_for_identical_runs(
    ready: Prepared, catalogue: Catalogue
) -> None:
    cat = busy_catalogue(catalogue)
    one = simulate(ready, cat, 700, 9, workers=1)
    two = simulate(ready, cat, 700, 9, workers=2)
    assert one == two
    assert one.model_dump_json() == two.model_dump_json()
