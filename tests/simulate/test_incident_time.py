"""Durations, user-hours and reporting thresholds in the Monte Carlo: the engine's
incident figures equal the plain per-trial oracle's on the same sampled events, and they
are reproducible by seed whatever the number of trials asked for."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import busy_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle, oracle_time, timed_events_of_trials
from strategies import models

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import ReportingCondition, ReportingThreshold
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare, simulate
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.durations import sample_timed
from fiveguard.simulate.incidents import TrialTime, run_time, time_plan
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.sources import event_sources


def timed_catalogue(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with frequent events and a per-operator threshold small models cross."""
    busy = busy_catalogue(catalogue)
    time = busy.simulation.incident_time
    assert time is not None
    small = ReportingThreshold(
        id="small-operator",
        authority="test",
        per="operator",
        conditions=(
            ReportingCondition(min_hours=3.0, min_users=50),
            ReportingCondition(min_hours=1.0, min_share=0.3),
        ),
        source="test",
    )
    time = time.model_copy(update={"reporting_thresholds": (*time.reporting_thresholds, small)})
    return busy.model_copy(
        update={"simulation": busy.simulation.model_copy(update={"incident_time": time})}
    )


def assert_equal(engine: TrialTime, expected: list, thresholds: list[str], compiled) -> None:  # type: ignore[no-untyped-def,type-arg]
    for t, want in enumerate(expected):
        assert engine.user_hours[t] == pytest.approx(want.user_hours, rel=1e-9, abs=1e-6), t
        for k, o in enumerate(compiled.operators):
            assert engine.user_hours_by_operator[t, k] == pytest.approx(
                want.by_operator[o], rel=1e-9, abs=1e-6
            ), (t, o)
        for k, r in enumerate(compiled.regions):
            assert engine.user_hours_by_region[t, k] == pytest.approx(
                want.by_region[r], rel=1e-9, abs=1e-6
            ), (t, r)
        assert engine.worst_hours[t] == pytest.approx(want.worst_hours, rel=1e-12), t
        assert engine.incidents[t] == want.incidents, t
        assert [int(x) for x in engine.reports[t]] == [want.reports[j] for j in thresholds], t


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=models(), seed=st.integers(0, 2**32))
def test_incident_figures_equal_the_oracles_for_the_same_sampled_events(
    model: object, seed: int, catalogue: Catalogue
) -> None:
    timed_cat = timed_catalogue(catalogue)
    effects = operator_effects(model, timed_cat)  # type: ignore[arg-type]
    compiled = compile_network(model, timed_cat, effects=effects)  # type: ignore[arg-type]
    sources = event_sources(model, timed_cat, compiled, effects)  # type: ignore[arg-type]
    plan = time_plan(model, timed_cat, compiled)  # type: ignore[arg-type]
    assert plan is not None
    trials = 300
    storms = np.where(np.arange(trials) % 7 == 0, 5.0, 0.0)
    engine = run_time(compiled, sources, plan, trials, seed, storm_hours=storms)
    timed = sample_timed(sources, seed, 0, trials)
    per_trial = timed_events_of_trials(timed, compiled, model.table.ids.tolist())  # type: ignore[attr-defined]
    assert sum(len(e) for e in per_trial) > 0
    expected = oracle_time(Oracle(model, timed_cat), timed_cat, per_trial, storms.tolist())  # type: ignore[arg-type]
    assert_equal(engine, expected, [t.id for t in plan.thresholds], compiled)


def test_the_timed_events_are_the_monte_carlos_events(catalogue: Catalogue) -> None:
    model = generate_model(sites=400, operators=3, regions=4, seed=3)
    busy = busy_catalogue(catalogue)
    ready = prepare(model, busy)
    plain = sample_trials(ready.sources, 5, 1, 300)
    timed = sample_timed(ready.sources, 5, 1, 300)
    for name in ("update_trial", "fault_version", "power_hours", "down_asset", "failure_asset"):
        assert np.array_equal(getattr(plain, name), getattr(timed.events, name))
    assert timed.failure_z.shape == plain.failure_asset.shape
    assert timed.down_z.shape == plain.down_asset.shape


def test_a_run_is_the_first_trials_of_a_longer_one(catalogue: Catalogue) -> None:
    model = generate_model(sites=400, operators=3, regions=4, seed=3)
    busy = busy_catalogue(catalogue)
    ready = prepare(model, busy)
    plan = time_plan(ready.model, busy, ready.compiled)
    assert plan is not None
    short = run_time(ready.compiled, ready.sources, plan, 300, 11)
    long = run_time(ready.compiled, ready.sources, plan, 2600, 11)
    assert np.array_equal(short.user_hours, long.user_hours[:300])
    assert np.array_equal(short.reports, long.reports[:300])
    assert short.user_hours.sum() > 0


def test_without_incident_time_the_monte_carlo_gives_no_time(catalogue: Catalogue) -> None:
    model = generate_model(sites=50, operators=2, regions=2, seed=1)
    bare = catalogue.model_copy(
        update={"simulation": catalogue.simulation.model_copy(update={"incident_time": None})}
    )
    assert simulate(model, bare, 64, 1).time is None
    timed = simulate(model, catalogue, 64, 1).time
    assert timed is not None
    assert [r.threshold for r in timed.reporting] == ["eu-enisa", "jp-mic"]
    assert math.isfinite(timed.user_hours.mean)
