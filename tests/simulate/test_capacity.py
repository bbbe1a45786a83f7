"""Pools with capacity, partial service and signalling storms: the engine equals the
reference oracle on random models whose pools have capacities below 1, with storms forced
and started by the rule; and the rules' edges worked by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
from helpers import assert_scenarios_match_oracle, busy_catalogue, engine_impact
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle, oracle_storm_hours, timed_events_of_trials
from strategies import models, scenarios

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare, simulate
from fiveguard.simulate.capacity import trial_storm_hours
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.durations import sample_timed
from fiveguard.simulate.events import Event, EventType, events_of_trials
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.metrics import measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.sources import event_sources

CAPACITIES = (0.25, 0.5, 0.75, 1.0)
"""Multiples of 1/4: sums and products of shares are exact in floating point, so the
engine and the oracle agree to the person whatever order they add and multiply in."""


def storm_catalogue(catalogue: Catalogue, *, share: float = 0.5) -> Catalogue:
    """``catalogue`` with the storm rule's triggers on (IP-core routers and ``share``)."""
    sim = catalogue.simulation
    assert sim.storms is not None
    storms = sim.storms.model_copy(
        update={
            "trigger_share": share,
            "trigger_kinds": ("transport.ipcore",),
            "customer_share": 0.25,
        }
    )
    return catalogue.model_copy(update={"simulation": sim.model_copy(update={"storms": storms})})


@st.composite
def pooled_models(draw: st.DrawFn) -> NetworkModel:
    """A random model whose assets (declared, and site rows through the site file's
    ``capacity`` column, left empty now and then) have random capacities, raised where
    a pool's members (a site's radios) would carry less than its whole load together."""
    model = draw(models())
    doc = model.document
    written = [*doc.assets, *(model.sites.asset(i) for i in range(len(model.sites)))]
    choices = st.sampled_from((None, *CAPACITIES))
    capacity = {a.id: draw(choices) for a in written}
    pools = [r.any for a in written for r in a.requires if isinstance(r, AnyOf)]
    # the radio assets of one site are a pool of the site's load too
    sites: dict[str, list[str]] = {}
    for a in written:
        if a.site is not None:
            sites.setdefault(a.site, []).append(a.id)
    pools += [tuple(radios) for radios in sites.values() if len(radios) > 1]
    for pool in pools:
        if sum(capacity.get(m) or 1.0 for m in pool) < 1:
            for m in pool:
                capacity[m] = 1.0
    assets = tuple(a.model_copy(update={"capacity": capacity[a.id]}) for a in doc.assets)
    rows = [capacity[str(i)] for i in model.sites.id.tolist()]
    column = np.asarray([np.nan if c is None else c for c in rows], dtype=np.float64)
    sites = dataclasses.replace(model.sites, capacity=column)
    return NetworkModel(doc.model_copy(update={"assets": assets}), sites)


SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(data=st.data())
def test_pools_with_capacity_and_storms_give_the_oracles_impacts(
    data: st.DataObject, catalogue: Catalogue
) -> None:
    model = data.draw(pooled_models())
    rules = storm_catalogue(catalogue, share=data.draw(st.sampled_from((0.25, 0.5, 1.0))))
    operators = [o.id for o in model.document.operators]
    cases = []
    for _ in range(data.draw(st.integers(1, 6))):
        events = data.draw(scenarios(model))
        storms = data.draw(st.lists(st.sampled_from(operators), max_size=2))
        cases.append(events + [Event(EventType.STORM, o) for o in storms])
    assert_scenarios_match_oracle(model, rules, cases)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=pooled_models(), seed=st.integers(0, 2**32))
def test_monte_carlo_years_with_pools_and_storms_give_the_oracles_impacts(
    model: NetworkModel, seed: int, catalogue: Catalogue
) -> None:
    busy = storm_catalogue(busy_catalogue(catalogue))
    effects = operator_effects(model, busy)
    compiled = compile_network(model, busy, effects=effects)
    sources = event_sources(model, busy, compiled, effects)
    sampled = sample_trials(sources, seed, 0, 300)
    impacts = measure(compiled, propagate(compiled, sampled))
    oracle = Oracle(model, busy)
    per_trial = events_of_trials(sampled, compiled, model.table.ids.tolist())
    for trial, events in enumerate(per_trial):
        assert engine_impact(compiled, impacts, trial) == oracle.impact(events), [
            str(e) for e in events
        ]


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=pooled_models(), seed=st.integers(0, 2**32))
def test_a_year_with_a_storm_at_any_operator_gets_its_recovery_hours(
    model: NetworkModel, seed: int, catalogue: Catalogue
) -> None:
    busy = storm_catalogue(busy_catalogue(catalogue))
    effects = operator_effects(model, busy)
    compiled = compile_network(model, busy, effects=effects)
    sources = event_sources(model, busy, compiled, effects)
    trials = 200
    impacts = measure(compiled, propagate(compiled, sample_trials(sources, seed, 0, trials)))
    hours = trial_storm_hours(impacts, busy)
    assert hours is not None
    oracle = Oracle(model, busy)
    timed = sample_timed(sources, seed, 0, trials)
    per_trial = timed_events_of_trials(timed, compiled, model.table.ids.tolist())
    expected = oracle_storm_hours(oracle, busy, [[e for e, _, _ in t] for t in per_trial])
    assert hours.tolist() == expected


def test_the_monte_carlo_incidents_count_the_storms_their_events_start(
    catalogue: Catalogue,
) -> None:
    model = generate_model(sites=200, operators=2, regions=2, seed=4)
    busy = storm_catalogue(catalogue, share=0.5)
    ready = prepare(model, busy)
    impacts = measure(
        ready.compiled, propagate(ready.compiled, sample_trials(ready.sources, 3, 0, 256))
    )
    hours = trial_storm_hours(impacts, busy)
    assert hours is not None and 0 < (hours > 0).sum() < 256
    stormed = simulate(ready, busy, 256, 3).time
    calm = simulate(prepare(model, catalogue), catalogue, 256, 3).time
    # the storm_hours hook adds hours on top of the incidents' own storms
    hooked = simulate(ready, busy, 256, 3, storm_hours=hours).time
    assert stormed is not None and calm is not None and hooked is not None
    assert stormed.longest_outage_hours.p95 > calm.longest_outage_hours.p95
    assert stormed.user_hours.mean > calm.user_hours.mean
    assert hooked.user_hours.mean > stormed.user_hours.mean
