"""The fast engine equals the reference oracle exactly: on random models with random forced
events, and on Monte Carlo trials with the events the sampler drew."""

from __future__ import annotations

import pytest
from helpers import assert_scenarios_match_oracle, busy_catalogue, engine_impact, rule_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle
from strategies import models, radio_wipe, scenarios

from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType, Mode, events_of_trials
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.metrics import measure
from fiveguard.simulate.plan import ManagedLevel, RequiresLevel
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.sources import event_sources

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(data=st.data())
def test_forced_events_give_the_oracles_impacts(data: st.DataObject, catalogue: Catalogue) -> None:
    catalogue = data.draw(st.sampled_from(rule_variants(catalogue)))
    model = data.draw(models())
    cases = [data.draw(scenarios(model)) for _ in range(data.draw(st.integers(1, 6)))]
    cases.append(data.draw(radio_wipe(model)))  # on its own, so nothing else masks it
    assert_scenarios_match_oracle(model, catalogue, cases)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=models(), seed=st.integers(0, 2**32), variant=st.integers(0, 4))
def test_monte_carlo_trials_give_the_oracles_impacts_for_the_same_events(
    model: object, seed: int, variant: int, catalogue: Catalogue
) -> None:
    busy = busy_catalogue(rule_variants(catalogue)[variant])
    effects = operator_effects(model, busy)  # type: ignore[arg-type]
    compiled = compile_network(model, busy, effects=effects)  # type: ignore[arg-type]
    sources = event_sources(model, busy, compiled, effects)  # type: ignore[arg-type]
    sampled = sample_trials(sources, seed, 0, 300)
    impacts = measure(compiled, propagate(compiled, sampled))
    oracle = Oracle(model, busy)  # type: ignore[arg-type]
    per_trial = events_of_trials(sampled, compiled, model.table.ids.tolist())  # type: ignore[attr-defined]
    assert sum(len(events) for events in per_trial) > 0
    for trial, events in enumerate(per_trial):
        assert engine_impact(compiled, impacts, trial) == oracle.impact(events), [
            str(e) for e in events
        ]


@pytest.mark.parametrize("long_runs", [True, False], ids=["runs", "gathers"])
def test_a_generated_national_model_gives_the_oracles_impacts_either_way(
    long_runs: bool, monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue
) -> None:
    # the kernel ORs rows into runs of classes when runs are long, else gathers per class
    forced = property(lambda self: long_runs)
    monkeypatch.setattr(RequiresLevel, "runs_are_long", forced)
    monkeypatch.setattr(ManagedLevel, "runs_are_long", forced)
    model = generate_model(sites=300, seed=3, regions=3)
    doc = model.document
    cases: list[list[Event]] = [[]]
    for s in doc.suppliers:
        cases.append([Event(EventType.SUPPLIER_UPDATE, s.id, mode=Mode.SABOTAGE)])
        cases.append([Event(EventType.SUPPLIER_UPDATE, s.id, operators=(doc.operators[0].id,))])
        cases.append([Event(EventType.SUPPLIER_FAULT, s.id)])
    cases += [[Event(EventType.PRODUCT_FAULT, v)] for v in model.table.product_versions]
    cases += [[Event(EventType.REGION_POWER, r.id, hours=h)] for r in doc.regions for h in (2, 4.5)]
    cases += [[Event(EventType.ASSET_DOWN, a.id)] for a in doc.assets[:40]]
    cases.append([Event(EventType.ASSET_DOWN, str(model.table.ids[-1])), *cases[1]])
    assert_scenarios_match_oracle(model, catalogue, cases)
