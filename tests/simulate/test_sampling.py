"""Sampling by hits: frequencies agree with the probabilities, and draws are reproducible.

Statistical checks use fixed seeds and a significance level of 1e-6, so a correct sampler
fails them with negligible probability whatever the seed, and a biased one is caught.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import busy_catalogue
from scipy import stats

from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.sampling import (
    BLOCK_TRIALS,
    bernoulli_hits,
    block_rng,
    sample_block,
    sample_trials,
    success_positions,
)

ALPHA = 1e-6


def binomial_ok(successes: int, n: int, p: float) -> bool:
    return stats.binomtest(successes, n, p).pvalue > ALPHA


def test_success_positions_are_distinct_sorted_and_as_frequent_as_p() -> None:
    rng = np.random.default_rng(1)
    for p, n in ((0.5, 10_000), (0.01, 200_000), (0.0003, 2_000_000), (1.0, 100), (0.0, 100)):
        positions = success_positions(rng, p, n)
        assert np.all(np.diff(positions) > 0)
        assert positions.size == 0 or (positions[0] >= 0 and positions[-1] < n)
        if 0 < p < 1:
            assert binomial_ok(positions.size, n, p)
        else:
            assert positions.size == round(p * n)


def test_success_positions_are_uniform_over_the_range() -> None:
    positions = success_positions(np.random.default_rng(2), 0.01, 1_000_000)
    counts = np.bincount(positions * 20 // 1_000_000, minlength=20)
    assert stats.chisquare(counts).pvalue > ALPHA


def test_bernoulli_hits_follow_each_sources_probability() -> None:
    probability = np.array([0.0, 0.001, 0.02, 0.02, 0.3, 0.9, 1.0])
    sources, trials = bernoulli_hits(np.random.default_rng(3), probability, 50_000)
    pairs = sources * 50_000 + trials
    assert np.unique(pairs).size == pairs.size  # each (source, trial) at most once
    counts = np.bincount(sources, minlength=probability.size)
    assert counts[0] == 0 and counts[-1] == 50_000
    for count, p in zip(counts[1:-1], probability[1:-1], strict=True):
        assert binomial_ok(int(count), 50_000, float(p))


@pytest.fixture(scope="module")
def busy(catalogue: Catalogue):  # type: ignore[no-untyped-def]
    cat = busy_catalogue(catalogue)
    return prepare(generate_model(sites=400, seed=4, regions=4), cat)


def test_block_events_occur_at_their_annual_probabilities(busy) -> None:  # type: ignore[no-untyped-def]
    sources = busy.sources
    events = sample_trials(sources, 11, 0, 40 * BLOCK_TRIALS)
    n = events.trials
    for hits, probability in (
        (events.update_supplier, sources.update_probability),
        (events.fault_version, sources.fault_probability),
        (events.power_region, sources.power_probability),
    ):
        counts = np.bincount(hits, minlength=probability.size)
        for count, p in zip(counts, probability, strict=True):
            assert binomial_ok(int(count), n, float(p))
    failures = np.bincount(events.failure_asset, minlength=sources.failure_probability.size)
    # pooled per distinct probability: each asset is a Bernoulli(p) per trial
    for p in np.unique(sources.failure_probability):
        assets = sources.failure_probability == p
        assert binomial_ok(int(failures[assets].sum()), int(assets.sum()) * n, float(p))


def test_misconfigurations_occur_at_each_operators_probability(busy) -> None:  # type: ignore[no-untyped-def]
    sources = busy.sources
    events = sample_trials(sources, 12, 0, 40 * BLOCK_TRIALS)
    n = events.trials
    operator = busy.compiled.asset_operator[events.down_asset]
    counts = np.bincount(operator, minlength=sources.misconfiguration_probability.size)
    assert counts.sum() > 1000
    for count, p in zip(counts, sources.misconfiguration_probability, strict=True):
        assert binomial_ok(int(count), n, float(p))
    # at most one per operator and year: one Bernoulli trial each
    pairs = operator * n + events.down_trial
    assert np.unique(pairs).size == pairs.size


def test_updates_reach_operators_and_turn_to_sabotage_at_their_rates(busy) -> None:  # type: ignore[no-untyped-def]
    sources = busy.sources
    events = sample_trials(sources, 5, 0, 200 * BLOCK_TRIALS)
    updates = events.update_trial.size
    assert updates > 1000
    assert binomial_ok(int(events.update_sabotage.sum()), updates, sources.sabotage_share)
    for k, q in enumerate(sources.update_reach.tolist()):
        reached = int(events.update_reach[:, k].sum())
        if q in (0.0, 1.0):
            assert reached == round(q * updates)
        else:
            assert binomial_ok(reached, updates, q)


def test_power_loss_durations_are_log_normal(busy) -> None:  # type: ignore[no-untyped-def]
    sources = busy.sources
    hours = sample_trials(sources, 6, 0, 20 * BLOCK_TRIALS).power_hours
    logs = np.log(hours / sources.power_median_hours) / sources.power_sigma
    assert stats.kstest(logs, "norm").pvalue > ALPHA


def test_misconfigurations_pick_targets_uniformly(busy) -> None:  # type: ignore[no-untyped-def]
    sources = busy.sources
    events = sample_trials(sources, 8, 0, 100 * BLOCK_TRIALS)
    ptr = sources.misconfiguration_ptr
    targets = sources.misconfiguration_targets[ptr[0] : ptr[1]]
    mine = events.down_asset[np.isin(events.down_asset, targets)]
    counts = np.array([(mine == t).sum() for t in targets])
    assert counts.sum() > 500
    assert stats.chisquare(counts).pvalue > ALPHA


def test_a_block_is_the_same_whatever_else_is_sampled(busy) -> None:  # type: ignore[no-untyped-def]
    sources = busy.sources
    alone = sample_block(sources, 9, 3)
    within = sample_trials(sources, 9, 0, 5 * BLOCK_TRIALS).window(
        3 * BLOCK_TRIALS, 4 * BLOCK_TRIALS
    )
    for name in ("update_trial", "fault_version", "power_hours", "failure_asset", "down_asset"):
        assert np.array_equal(getattr(alone, name), getattr(within, name))


def test_blocks_draw_from_independent_streams() -> None:
    first = block_rng(1, 0).random(5)
    assert not np.array_equal(first, block_rng(1, 1).random(5))
    assert not np.array_equal(first, block_rng(2, 0).random(5))
    assert np.array_equal(first, block_rng(1, 0).random(5))
