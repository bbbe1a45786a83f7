"""Changes pushed and limits reached in the Monte Carlo: at the record's rate per operator,
a whole kind or product at once, the other sources' draws untouched, and the engine equal
to the reference oracle."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import busy_catalogue, engine_impact
from oracle import Oracle
from scipy import stats

from fiveguard.catalog.rates import annual_probability, derive_rate
from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.contributions import source_results
from fiveguard.simulate.events import events_of_trials
from fiveguard.simulate.metrics import measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import BLOCK_TRIALS, national_block, sample_trials
from fiveguard.simulate.sources import EventSources

ALPHA = 1e-6


def busy(catalogue: Catalogue) -> Catalogue:
    """The busy catalogue of the other tests, with the pushes and limits kept."""
    frequent = busy_catalogue(catalogue)
    sim = frequent.simulation.model_copy(
        update={
            "change_push": catalogue.simulation.change_push,
            "limit_reached": catalogue.simulation.limit_reached,
        }
    )
    return frequent.model_copy(update={"simulation": sim})


def only_groups(sources: EventSources, p: float) -> EventSources:
    """``sources`` with every national source off but pushes and limits at ``p``."""
    assert sources.change_push is not None and sources.limit_reached is not None
    k = sources.misconfiguration_probability.shape[0]
    on = np.full(k, p)
    return dataclasses.replace(
        sources,
        misconfiguration_probability=np.zeros(k),
        power_probability=np.zeros_like(sources.power_probability),
        failure_probability=np.zeros_like(sources.failure_probability),
        failure_groups=type(sources.failure_groups).of(np.zeros_like(sources.failure_probability)),
        update_probability=np.zeros_like(sources.update_probability),
        fault_probability=np.zeros_like(sources.fault_probability),
        change_push=dataclasses.replace(sources.change_push, probability=on),
        limit_reached=None,
    )


def test_the_rates_are_the_records(catalogue: Catalogue) -> None:
    model = generate_model(sites=200, operators=3, seed=2)
    sources = prepare(model, catalogue).sources
    record = catalogue.incidents
    for group, rule in (
        (sources.change_push, "change-error-outage"),
        (sources.limit_reached, "external-trigger-outage"),
    ):
        assert group is not None
        expected = annual_probability(derive_rate(record, record.rates[rule]).mean)
        assert math.isclose(float(group.probability.max()), expected)
        assert group.steps[0][0].parameter.endswith(f"record_rate = {rule}")


def test_a_push_takes_one_whole_kind_of_its_operator_at_its_rate(catalogue: Catalogue) -> None:
    model = generate_model(sites=200, operators=3, seed=2)
    ready = prepare(model, catalogue)
    sources = only_groups(ready.sources, 0.2)
    push = sources.change_push
    assert push is not None
    trials = 20 * BLOCK_TRIALS
    events = sample_trials(sources, 4, 0, trials)
    groups = {
        frozenset(push.assets[push.asset_ptr[g] : push.asset_ptr[g + 1]].tolist())
        for g in range(len(push.selectors))
    }
    operator_of = ready.compiled.asset_operator
    pushes = 0
    for t in np.unique(events.down_trial).tolist():
        down = events.down_asset[events.down_trial == t]
        for k in np.unique(operator_of[down]).tolist():
            mine = frozenset(down[operator_of[down] == k].tolist())
            assert mine in groups  # one whole group of the operator, nothing else
            pushes += 1
    k_count = len(ready.compiled.operators)
    assert stats.binomtest(pushes, trials * k_count, 0.2).pvalue > ALPHA


def test_adding_pushes_leaves_the_other_draws_of_a_block_as_they_were(
    catalogue: Catalogue,
) -> None:
    model = generate_model(sites=200, operators=3, seed=2)
    sources = prepare(model, busy(catalogue)).sources
    without = dataclasses.replace(sources, change_push=None, limit_reached=None)
    a, b = national_block(sources, 9, 3), national_block(without, 9, 3)
    assert np.array_equal(a.power_trial, b.power_trial)
    assert np.array_equal(a.failure_asset, b.failure_asset)
    n = b.down_trial.size  # the misconfigurations come first, as without pushes
    assert np.array_equal(a.down_trial[:n], b.down_trial)
    assert np.array_equal(a.down_asset[:n], b.down_asset)


def test_monte_carlo_pushes_and_limits_give_the_oracles_impacts(catalogue: Catalogue) -> None:
    model = generate_model(sites=120, operators=3, seed=4, regions=2)
    frequent = busy(catalogue)
    ready = prepare(model, frequent)
    sources = only_groups(ready.sources, 0.3)
    assert ready.sources.limit_reached is not None
    sources = dataclasses.replace(
        sources,
        limit_reached=dataclasses.replace(
            ready.sources.limit_reached,
            probability=np.full(len(ready.compiled.operators), 0.3),
        ),
    )
    sampled = sample_trials(sources, 5, 0, 256)
    assert sampled.down_trial.size > 0
    impacts = measure(ready.compiled, propagate(ready.compiled, sampled))
    oracle = Oracle(model, frequent)
    per_trial = events_of_trials(sampled, ready.compiled, model.table.ids.tolist())
    for trial, events in enumerate(per_trial):
        assert engine_impact(ready.compiled, impacts, trial) == oracle.impact(events)


def test_each_operators_push_and_limit_are_listed_with_their_groups(catalogue: Catalogue) -> None:
    model = generate_model(sites=80, operators=2, seed=5)
    ready = prepare(model, catalogue)
    results = source_results(ready.model, catalogue, ready.compiled, ready.sources, ready.effects)
    for kind in ("change-push", "limit-reached"):
        found = [r for r in results if r.kind == kind]
        assert found, kind
        for r in found:
            assert math.isclose(sum(v.share for v in r.variants), 1.0)
            assert r.source.startswith(kind + ":")


def test_an_unknown_record_rate_of_a_push_is_located(tmp_path: Path) -> None:
    from fiveguard.catalog import load_catalogue
    from fiveguard.domain.errors import InputError

    path = tmp_path / "override.yaml"
    path.write_text(
        "simulation:\n  change_push:\n    record_rate: pushes-everywhere\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    [problem] = [str(p) for p in caught.value.problems]
    assert "override.yaml:3:" in problem
    assert "unknown rate 'pushes-everywhere'" in problem
