"""Durations, user-hours and reporting thresholds in the Monte Carlo: the engine's
incident figures equal the plain per-trial oracle's on the same sampled events, and they
are reproducible by seed whatever the number of trials asked for."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import busy_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle, oracle_time, timed_incidents_of_trials
from strategies import models
from test_capacity import pooled_models, storm_catalogue
from test_served_example import example

from fiveguard.catalog import load_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import ReportingCondition, ReportingThreshold
from fiveguard.modelio.generate import generate_model
from fiveguard.modelio.load import load_model
from fiveguard.simulate import prepare, simulate
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.durations import TimedEvents, sample_timed
from fiveguard.simulate.events import Event, EventType, Mode, resolve_events
from fiveguard.simulate.incident_runs import run_time
from fiveguard.simulate.incidents import TrialTime, incidents_of, time_plan, trial_time
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.sources import EventSources, event_sources

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"
PACKAGED = load_catalogue().simulation


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
    # one power area a region, at the busy rate: the strategies declare regions of up to
    # hundreds of millions of residents, which areas of a million would cut into hundreds
    # of power sources a year, each stepped through by the oracle (areas are checked
    # against the oracle in test_invariance.py)
    power = busy.simulation.power_loss.model_copy(
        update={"area_population": None, "record_rate": None, "annual_probability": 0.3}
    )
    return busy.model_copy(
        update={
            "simulation": busy.simulation.model_copy(
                update={"incident_time": time, "power_loss": power}
            )
        }
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
        assert engine.longest_hours[t] == pytest.approx(want.longest_hours, rel=1e-12), t
        assert engine.incidents[t] == want.incidents, t
        assert [int(x) for x in engine.reports[t]] == [want.reports[j] for j in thresholds], t


def with_pushes(sources: EventSources, p: float) -> EventSources:
    """``sources`` with pushed changes and limits reached at ``p`` per operator and year
    (where the operator has a kind or product for them)."""
    groups = {}
    for name in ("change_push", "limit_reached"):
        group = getattr(sources, name)
        if group is not None:
            on = np.where(np.diff(group.group_ptr) > 0, p, 0.0)
            groups[name] = dataclasses.replace(group, probability=on)
    assert groups
    return dataclasses.replace(sources, **groups)


def pushes_on(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with the packaged pushed-change and limit-reached sources."""
    sim = catalogue.simulation.model_copy(
        update={"change_push": PACKAGED.change_push, "limit_reached": PACKAGED.limit_reached}
    )
    return catalogue.model_copy(update={"simulation": sim})


def check_incidents(model: object, seed: int, timed_cat: Catalogue) -> None:
    """The engine's incident figures over 300 trials (pushed changes and limits reached
    frequent, storm hours every 7th year) equal the oracle's incident by incident."""
    effects = operator_effects(model, timed_cat)  # type: ignore[arg-type]
    compiled = compile_network(model, timed_cat, effects=effects)  # type: ignore[arg-type]
    sources = event_sources(model, timed_cat, compiled, effects)  # type: ignore[arg-type]
    sources = with_pushes(sources, 0.2)
    plan = time_plan(model, timed_cat, compiled)  # type: ignore[arg-type]
    assert plan is not None
    trials = 300
    storms = np.where(np.arange(trials) % 7 == 0, 5.0, 0.0)
    engine = run_time(compiled, sources, plan, trials, seed, storm_hours=storms)
    timed = sample_timed(sources, seed, 0, trials)
    per_trial = timed_incidents_of_trials(timed, compiled, model.table.ids.tolist())  # type: ignore[attr-defined]
    assert sum(len(e) for e in per_trial) > 0
    expected = oracle_time(Oracle(model, timed_cat), timed_cat, per_trial, storms.tolist())  # type: ignore[arg-type]
    assert_equal(engine, expected, [t.id for t in plan.thresholds], compiled)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=models(), seed=st.integers(0, 2**32))
def test_incident_figures_equal_the_oracles_for_the_same_sampled_events(
    model: object, seed: int, catalogue: Catalogue
) -> None:
    check_incidents(model, seed, pushes_on(timed_catalogue(catalogue)))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=pooled_models(), seed=st.integers(0, 2**32))
def test_incidents_with_pools_short_of_capacity_and_storm_triggers_equal_the_oracles(
    model: object, seed: int, catalogue: Catalogue
) -> None:
    # partial losses count in each incident's people, and a failure that starts a storm
    # counts the storm's losses (the closed form of leaves would miss them)
    check_incidents(model, seed, pushes_on(storm_catalogue(timed_catalogue(catalogue))))


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


# ---------------------------------------------------------------------------- docs


def test_the_hand_worked_year_of_the_docs_is_what_the_engine_and_the_oracle_give(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = DOC.read_text(encoding="utf-8")
    path = example(tmp_path, "worked")
    model = load_model(path, catalogue)
    rows = table_after(text, "<!-- monte-carlo-time-example -->")
    assert len(rows) == 4
    events = [
        Event(EventType.ASSET_DOWN, "b.amf"),
        Event(EventType.REGION_POWER, "S", hours=3.0),
        Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.SABOTAGE, operators=("op-a",)),
    ]
    normals = [0.0, 3.0, 0.5]
    ready = prepare(model, catalogue)
    sampled = resolve_events(model, ready.compiled, [events])
    timed = TimedEvents(
        events=sampled,
        update_z=np.asarray([0.5]),
        fault_z=np.zeros(0),
        down_z=np.asarray([0.0]),
        failure_z=np.zeros(0),
    )
    plan = time_plan(model, catalogue, ready.compiled)
    assert plan is not None
    incidents = incidents_of(timed, ready.compiled, plan)
    got = trial_time(incidents, plan, 1, len(ready.compiled.operators), len(ready.compiled.regions))
    # incidents in the engine's order: updates, faults, power, misconfigurations
    order = [2, 1, 0]
    for row, i in zip(rows[:3], order, strict=True):
        people, hours, user_hours = int(row[1]), float(row[2]), float(row[3])
        assert int(incidents.people[i]) == people, row
        assert round(float(incidents.hours[i]), 2) == hours, row
        assert round(float(incidents.user_hours[i])) == user_hours, row
    year = rows[3]
    assert int(year[1]) == int(incidents.people.sum())
    assert round(float(got.longest_hours[0]), 2) == float(year[2])
    # the worst incident (1,900 people, the power loss) lasted 5 h too
    assert float(got.worst_hours[0]) == 5.0
    assert float(got.user_hours[0]) == pytest.approx(float(year[3]))
    assert [int(x) for x in got.reports[0]] == [int(year[4]), int(year[5])]
    assert [int(r[4]) for r in rows[:3]] == [1, 1, 1]
    oracle = Oracle(model, catalogue)
    kinds = ["misconfiguration", "region-power", "supplier-update"]
    (expected,) = oracle_time(oracle, catalogue, [list(zip(events, kinds, normals, strict=True))])
    assert expected.user_hours == pytest.approx(float(year[3]))
    assert expected.reports == {"eu-enisa": int(year[4]), "jp-mic": int(year[5])}
    # "The year's people_without_service, the three events together, is 3,800"
    assert oracle.impact(events).national["people_without_service"] == 3800
    assert "the three events together, is 3,800" in " ".join(text.split())


def table_after(text: str, marker: str) -> list[list[str]]:
    """The body rows of the first Markdown table after ``marker``."""
    lines = text.split(marker, 1)[1].strip().splitlines()
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip().strip("`") for c in line.strip().strip("|").split("|")])
    return rows


def test_drawn_durations_follow_the_catalogues_log_normal(catalogue: Catalogue) -> None:
    model = generate_model(sites=2000, operators=3, regions=4, seed=2)
    busy = busy_catalogue(catalogue)
    ready = prepare(model, busy)
    timed = sample_timed(ready.sources, 7, 0, 2048)
    for name in ("failure_z", "down_z", "update_z", "fault_z"):
        z = getattr(timed, name)
        assert z.size >= 200, name
        # a fixed seed: these bounds are about 5 standard errors, not a flaky test
        assert abs(float(z.mean())) < 5 / math.sqrt(z.size), name
        assert abs(float(z.std()) - 1.0) < 5 / math.sqrt(2 * z.size), name


def test_an_update_draws_the_same_duration_in_every_model_running_the_supplier(
    catalogue: Catalogue,
) -> None:
    from fiveguard.simulate.durations import keyed_normals

    keys = ("lei:529900T8BM49AURSDO55", "ref:XS:beta")
    source = np.asarray([0, 0, 1], dtype=np.int64)
    trial = np.asarray([3, 9, 3], dtype=np.int64)
    one = keyed_normals(4, "supplier-update", keys, source, trial, 0)
    # the same updates seen from a model listing the supplier alone, or counted from
    # another first trial: the same normals
    alone = keyed_normals(4, "supplier-update", keys[:1], source[:2], trial[:2], 0)
    assert np.array_equal(one[:2], alone)
    later = keyed_normals(4, "supplier-update", keys, source, trial + 256, -256)
    assert np.array_equal(one, later)
    assert len(set(one.tolist())) == 3


def test_the_report_and_the_terminal_show_the_time_table(catalogue: Catalogue) -> None:
    from fiveguard.report.simulation import rounded, simulation_section

    model = generate_model(sites=200, operators=2, regions=2, seed=4)
    result = simulate(model, busy_catalogue(catalogue), 256, 3)
    assert result.time is not None
    section = simulation_section(result, [])
    (table,) = [t for t in section.tables if t.title.startswith("Duration, user-hours")]
    labels = [row[0] for row in table.rows]
    assert labels[0] == "user-hours without service"
    assert any(label.startswith("reportable under eu-enisa") for label in labels)
    # the report writes its figures to two significant digits
    assert rounded(result.time.user_hours.mean) == table.rows[0][1]


def test_workers_give_the_same_figures_as_one_process(catalogue: Catalogue) -> None:
    model = generate_model(sites=300, operators=3, regions=3, seed=5)
    busy = busy_catalogue(catalogue)
    ready = prepare(model, busy)
    plan = time_plan(ready.model, busy, ready.compiled)
    assert plan is not None
    storms = np.where(np.arange(1500) % 5 == 0, 3.0, 0.0)
    one = run_time(ready.compiled, ready.sources, plan, 1500, 2, storm_hours=storms)
    two = run_time(ready.compiled, ready.sources, plan, 1500, 2, storm_hours=storms, workers=2)
    for name in ("user_hours", "user_hours_by_region", "worst_hours", "reports"):
        assert np.array_equal(getattr(one, name), getattr(two, name)), name


def test_the_worked_examples_monte_carlo_time_figures_are_what_simulate_gives(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    text = DOC.read_text(encoding="utf-8")
    path = example(tmp_path, "worked")
    result = simulate(load_model(path, catalogue), catalogue, 10_000, 1)
    time = result.time
    assert time is not None
    rows = {row[0]: row[1:] for row in table_after(text, "<!-- worked-example-time -->")}
    (eu,) = [r.reports for r in time.reporting if r.threshold == "eu-enisa"]
    for label, spread, digits in (
        ("user-hours without service", time.user_hours, 0),
        ("duration of the year's worst outage (h)", time.worst_outage_hours, 2),
        ("incidents reportable under eu-enisa", eu, 4),
    ):
        got = [spread.mean, spread.p50, spread.p95, spread.p99, spread.max]
        assert [round(v, digits) for v in got] == [float(x) for x in rows[label]], label
    # "0.1 a year × 1,600 people × 4 e^(1/2) … ≈ 1,055 user-hours a year"
    assert round(0.1 * 1600 * 4 * math.exp(0.5)) == 1055
    assert 0.25 < 1055 / time.user_hours.mean < 0.4  # "about a quarter"
    # "one incident that left all 4,600 people without service for 334 hours"
    assert round(time.user_hours.max / 4600) == round(time.worst_outage_hours.max) == 334


def test_an_override_with_an_unknown_site_access_kind_is_a_located_error(
    tmp_path: Path,
) -> None:
    from fiveguard.catalog import load_catalogue
    from fiveguard.domain.errors import InputError

    path = tmp_path / "override.yaml"
    path.write_text(
        "simulation:\n  incident_time:\n    extensions:\n      site_access:\n"
        "        hours: 1.0\n        kinds: [asset_failure]\n        source: typo\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    text = " ".join(str(p) for p in caught.value.problems)
    assert "site_access" in text
    assert "unknown event kind(s) asset_failure" in text


def test_the_extensions_of_an_override_change_the_durations(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    from fiveguard.catalog import load_catalogue

    path = tmp_path / "override.yaml"
    path.write_text(
        "simulation:\n  incident_time:\n    extensions:\n      site_access:\n"
        "        hours: 10.0\n        kinds: [misconfiguration]\n        source: test\n",
        encoding="utf-8",
    )
    longer = load_catalogue(path)
    model = generate_model(sites=50, operators=2, regions=2, seed=1)
    for cat, extra in ((catalogue, 0.0), (longer, 10.0)):
        plan = time_plan(model, cat, prepare(model, cat).compiled)
        assert plan is not None
        assert plan.site_access.tolist() == [0.0, 0.0, 2.0 if extra == 0 else 0.0, extra,
                                            2.0 if extra == 0 else 0.0, 0.0, 0.0]  # fmt: skip


def test_events_share_a_cached_impact_only_when_everything_that_decides_it_is_equal(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    from fiveguard.simulate.incidents import signatures

    path = example(tmp_path, "worked")
    model = load_model(path, catalogue)
    compiled = prepare(model, catalogue).compiled
    scenarios = [
        [Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.SABOTAGE, operators=("op-a",))],
        [Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.SABOTAGE)],
        [Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.ESPIONAGE, operators=("op-a",))],
        [Event(EventType.REGION_POWER, "S", hours=1.5)],
        [Event(EventType.REGION_POWER, "S", hours=1.8)],  # outlasts the same autonomies
        [Event(EventType.REGION_POWER, "S", hours=2.5)],
        [Event(EventType.ASSET_DOWN, "b.amf")],
        [Event(EventType.ASSET_DOWN, "b.amf")],
    ]
    keys = signatures(resolve_events(model, compiled, scenarios), compiled)
    assert len(keys) == 8
    updates, powers, assets = keys[:3], keys[3:6], keys[6:]
    assert len(set(updates)) == 3
    assert powers[0] == powers[1] != powers[2]
    assert assets[0] == assets[1]


def test_the_hand_worked_pushes_limits_and_storm_of_the_docs_are_what_the_engine_and_the_oracle_give(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    from fiveguard.catalog import load_catalogue

    text = DOC.read_text(encoding="utf-8")
    path = example(tmp_path, "push")
    rows = table_after(text, "<!-- monte-carlo-push-storm-example -->")
    assert len(rows) == 4
    triggers = DOC.parents[1] / "examples" / "replays" / "storm-triggers.yaml"
    push = Event(EventType.CHANGE_PUSH, "op-a/transport.ipcore")
    limit = Event(EventType.LIMIT_REACHED, "op-b/edge")
    failure = Event(EventType.ASSET_DOWN, "a.pe-1")
    for cat, columns in ((catalogue, (1, None, 2, 3)), (load_catalogue(triggers), (4, 5, 6, 7))):
        model = load_model(path, cat)
        ready = prepare(model, cat)
        sampled = resolve_events(model, ready.compiled, [[push, limit]])
        assert sampled.down_asset.size == 3  # two routers of A's, B's router
        sampled = dataclasses.replace(
            sampled,
            failure_trial=np.asarray([0]),
            failure_asset=np.asarray([model.table.ids.tolist().index("a.pe-1")]),
        )
        timed = TimedEvents(
            events=sampled,
            update_z=np.zeros(0),
            fault_z=np.zeros(0),
            down_z=np.zeros(3),
            failure_z=np.zeros(1),
            down_cause=np.asarray([1, 1, 2]),  # a pushed change of two rows, a limit
            down_event=np.asarray([0, 0, 1]),
        )
        plan = time_plan(model, cat, ready.compiled)
        assert plan is not None
        incidents = incidents_of(timed, ready.compiled, plan)
        people, stormed, hours, user_hours = columns
        for row, i in zip(rows[:3], (0, 1, 2), strict=True):
            assert int(incidents.people[i]) == int(row[people]), row
            assert float(incidents.hours[i]) == float(row[hours]), row
            assert float(incidents.user_hours[i]) == float(row[user_hours]), row
            if stormed is not None:
                calm = Oracle(model, catalogue).impact([(push, limit, failure)[i]])
                lost = calm.national["people_without_service"]
                assert int(incidents.people[i]) - lost == int(row[stormed]), row
        k, r = len(ready.compiled.operators), len(ready.compiled.regions)
        got = trial_time(incidents, plan, 1, k, r)
        year = rows[3]
        assert int(incidents.people.sum()) == int(year[people])
        assert float(got.longest_hours[0]) == float(year[hours])
        assert float(got.user_hours[0]) == float(year[user_hours])
        (expected,) = oracle_time(
            Oracle(model, cat),
            cat,
            [
                [
                    ([push], "change-push", 0.0),
                    ([limit], "limit-reached", 0.0),
                    ([failure], "asset-failure", 0.0),
                ]
            ],
        )
        assert expected.user_hours == pytest.approx(float(year[user_hours]))
        assert expected.longest_hours == float(year[hours])
        assert expected.reports["eu-enisa"] == int(got.reports[0][0])
        assert int(got.reports[0][0]) == (3 if stormed else 2)
    assert "(two without)" in text


def test_incidents_of_runs_with_their_own_sources_are_the_runs_trials(
    catalogue: Catalogue,
) -> None:
    from fiveguard.simulate.incident_runs import run_time_per_draw
    from fiveguard.simulate.uncertainty import draw_blocks

    model = generate_model(sites=300, operators=3, regions=3, seed=5)
    busy = busy_catalogue(catalogue)
    ready = prepare(model, busy)
    plan = time_plan(ready.model, busy, ready.compiled)
    assert plan is not None
    runs = draw_blocks(2600, 3)
    # the same sources in every run: the same trials as one undivided run
    whole = run_time(ready.compiled, ready.sources, plan, 2600, 4)
    split = run_time_per_draw(ready.compiled, [(ready.sources, f, n) for f, n in runs], plan, 4)
    assert np.array_equal(whole.user_hours, split.user_hours)
    assert np.array_equal(whole.reports, split.reports)
    # a run with its own sources gives that run's trials as run_time gives them
    power = ready.sources.power_probability
    off = dataclasses.replace(ready.sources, power_probability=np.zeros_like(power))
    mixed = run_time_per_draw(
        ready.compiled, [(ready.sources, *runs[0]), (off, *runs[1]), (ready.sources, *runs[2])],
        plan, 4,
    )  # fmt: skip
    first, count = runs[1]
    alone = run_time(ready.compiled, off, plan, first * 256 + count, 4)
    start = first * 256
    assert np.array_equal(mixed.user_hours[start : start + count], alone.user_hours[start:])
    assert not np.array_equal(mixed.user_hours, whole.user_hours)


def test_parameter_draws_give_the_incidents_figures_too(catalogue: Catalogue) -> None:
    from fiveguard.simulate.uncertainty import simulate_with_uncertainty

    model = generate_model(sites=200, operators=2, regions=2, seed=4)
    ready = prepare(model, catalogue)
    drawn = simulate_with_uncertainty(ready, catalogue, 1024, 3, 4)
    assert drawn.time is not None and drawn.parameter_uncertainty is not None
    assert [r.threshold for r in drawn.time.reporting] == ["eu-enisa", "jp-mic"]
    assert drawn.time.user_hours.mean > 0


def test_the_basis_names_the_new_kinds_and_the_storms_recovery_when_triggers_are_on(
    catalogue: Catalogue,
) -> None:
    from fiveguard.simulate.summary import time_basis

    triggers = DOC.parents[1] / "examples" / "replays" / "storm-triggers.yaml"
    packaged = {s.parameter: s.value for s in time_basis(catalogue)}
    stormy = {s.parameter: s.value for s in time_basis(load_catalogue(triggers))}
    for kind, median in (("change-push", "10.5"), ("limit-reached", "12")):
        assert f"median {median} h" in packaged[f"simulation.incident_time.restoration.{kind}"]
    assert "simulation.storms.recovery_hours" not in packaged
    assert stormy["simulation.storms.recovery_hours"] == "+20 h"
