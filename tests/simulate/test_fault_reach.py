"""The reach of a product fault: a version's fault reaches each operator running it with
the record's share, each deployment keeps the level's rate, and the engine agrees with
the reference oracle on which operators lose the version's assets."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from helpers import busy_catalogue, engine_impact
from oracle import Oracle
from scipy import stats

from fiveguard.catalog.rates import derive_share
from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.contributions import source_results
from fiveguard.simulate.events import events_of_trials
from fiveguard.simulate.metrics import measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import BLOCK_TRIALS, sample_trials
from fiveguard.simulate.sources import fault_reach

ALPHA = 1e-6


def with_reach(catalogue: Catalogue, share: str | None) -> Catalogue:
    sim = catalogue.simulation
    fault = sim.product_fault.model_copy(update={"reach_share": share})
    return catalogue.model_copy(
        update={"simulation": sim.model_copy(update={"product_fault": fault})}
    )


def test_the_reach_is_the_records_share_of_faults_reaching_several_operators(
    catalogue: Catalogue,
) -> None:
    share = derive_share(catalogue.incidents, catalogue.incidents.shares["product-fault-shared"])
    assert fault_reach(with_reach(catalogue, "product-fault-shared")) == share.mean
    # 1 of 4 events shared, Jeffreys' prior: (0.5 + 1) / (1 + 4)
    assert math.isclose(share.mean, 0.3)
    assert fault_reach(with_reach(catalogue, None)) == 1.0


def test_each_deployment_keeps_its_rate_whatever_the_reach(catalogue: Catalogue) -> None:
    model = generate_model(sites=200, operators=3, seed=2)
    full = prepare(model, with_reach(busy_catalogue(catalogue), None)).sources
    partial = prepare(model, with_reach(busy_catalogue(catalogue), "product-fault-shared")).sources
    r = partial.fault_reach
    # the version's probability is the deployment's divided by r
    expected = np.minimum(1.0, full.fault_probability / r)
    assert np.allclose(partial.fault_probability, expected)
    assert all(s[-1].parameter.endswith("reach_share = product-fault-shared") for s in
               (partial.fault_steps[v] for v in range(len(partial.fault_steps))))  # fmt: skip


def test_faults_reach_each_operator_at_the_reach_and_deployments_fail_at_their_rate(
    catalogue: Catalogue,
) -> None:
    model = generate_model(sites=200, operators=3, seed=2)
    ready = prepare(model, with_reach(busy_catalogue(catalogue), "product-fault-shared"))
    sources, compiled = ready.sources, ready.compiled
    trials = 40 * BLOCK_TRIALS
    events = sample_trials(sources, 11, 0, trials)
    faults = events.fault_version.size
    assert faults > 1000
    reached = events.fault_reach
    for k in range(reached.shape[1]):
        assert stats.binomtest(int(reached[:, k].sum()), faults, sources.fault_reach).pvalue > ALPHA
    # operators are reached independently of one another
    both = int((reached[:, 0] & reached[:, 1]).sum())
    assert stats.binomtest(both, faults, sources.fault_reach**2).pvalue > ALPHA
    # a deployment (version, operator running it) fails at the deployment's rate
    deployment = prepare(model, with_reach(busy_catalogue(catalogue), None)).sources
    deployment_probability = deployment.fault_probability
    v = int(np.argmax(np.bincount(events.fault_version)))
    k = int(compiled.class_operator[compiled.class_version == v][0])
    hits = int(reached[events.fault_version == v, k].sum())
    assert stats.binomtest(hits, trials, float(deployment_probability[v])).pvalue > ALPHA


def test_monte_carlo_faults_of_partial_reach_give_the_oracles_impacts(
    catalogue: Catalogue,
) -> None:
    model = generate_model(sites=120, operators=3, seed=4, regions=2)
    busy = with_reach(busy_catalogue(catalogue), "product-fault-shared")
    ready = prepare(model, busy)
    sources = dataclasses.replace(ready.sources, fault_reach=0.5)
    sampled = sample_trials(sources, 3, 0, 300)
    assert 0 < int(sampled.fault_reach.sum()) < sampled.fault_reach.size
    impacts = measure(ready.compiled, propagate(ready.compiled, sampled))
    oracle = Oracle(model, busy)
    per_trial = events_of_trials(sampled, ready.compiled, model.table.ids.tolist())
    partial = [t for t, evs in enumerate(per_trial) if any(e.operators for e in evs
               if e.type.value == "product-fault")]  # fmt: skip
    assert partial
    for trial, events in enumerate(per_trial):
        assert engine_impact(ready.compiled, impacts, trial) == oracle.impact(events), [
            str(e) for e in events
        ]


def test_a_faults_variants_are_the_operators_it_may_reach(catalogue: Catalogue) -> None:
    model = generate_model(sites=60, operators=2, seed=5)
    ready = prepare(model, with_reach(catalogue, "product-fault-shared"))
    results = source_results(ready.model, catalogue, ready.compiled, ready.sources, ready.effects)
    faults = [r for r in results if r.kind == "product-fault"]
    assert faults
    for fault in faults:
        shares = [v.share for v in fault.variants]
        assert math.isclose(sum(shares), 1.0)
        assert any("no operator" in v.label for v in fault.variants) == (len(shares) > 1)
