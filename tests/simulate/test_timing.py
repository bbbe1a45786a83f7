"""Durations, user-hours and reporting thresholds of what-if outages."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from test_served_example import example

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import ReportingCondition
from fiveguard.modelio.load import load_model
from fiveguard.simulate import whatif
from fiveguard.simulate.events import parse_event


def with_japan_at(catalogue: Catalogue, users: int) -> Catalogue:
    """``catalogue`` with Japan's threshold lowered to ``users`` people for 1 h."""
    time = catalogue.simulation.incident_time
    assert time is not None
    thresholds = tuple(
        t.model_copy(update={"conditions": (ReportingCondition(min_hours=1.0, min_users=users),)})
        if t.id == "jp-mic"
        else t
        for t in time.reporting_thresholds
    )
    time = time.model_copy(update={"reporting_thresholds": thresholds})
    simulation = catalogue.simulation.model_copy(update={"incident_time": time})
    return catalogue.model_copy(update={"simulation": simulation})


def test_an_operator_threshold_is_crossed_by_that_operators_customers_only(
    tmp_path: Path,
) -> None:
    catalogue = with_japan_at(default_catalogue(), 1000)
    model = load_model(example(tmp_path, "push"), catalogue)
    result = whatif(model, catalogue, [parse_event("limit-reached:edge")])
    assert result.time is not None
    japan = [c for c in result.time.reporting if c.threshold == "jp-mic"]
    # A's 2,500 and B's 1,000 people for 12 h; the bar is 1,000 people of one carrier
    assert [(c.who, c.people, c.users) for c in japan] == [
        ("op-a", 2500, 2000),
        ("op-b", 1000, 1000),
    ]
    assert japan[0].condition == "at least 1 h and at least 1,000 people"
    assert result.time.user_hours_by_operator == {"op-a": 30000.0, "op-b": 12000.0}
    assert result.time.user_hours_by_region == {"N": 42000.0}


def test_a_short_outage_crosses_only_the_thresholds_its_hours_reach(tmp_path: Path) -> None:
    packaged = default_catalogue()
    # the example's radios give no battery: taken as none here (an override's flat value),
    # so that a loss of half an hour takes them down
    power = packaged.simulation.power_loss.model_copy(update={"unknown_battery_hours": 0.0})
    catalogue = packaged.model_copy(
        update={"simulation": packaged.simulation.model_copy(update={"power_loss": power})}
    )
    model = load_model(example(tmp_path, "push"), catalogue)
    # B's 1,000 of 3,000 users (33 %) for half an hour, then for 1.5 h (a power loss)
    short = whatif(model, catalogue, [parse_event("region-power:N", hours=0.5)])
    assert short.time is not None and short.time.hours == 0.5
    assert short.people_without_service == 3500 and short.time.reporting == ()
    longer = whatif(model, catalogue, [parse_event("region-power:N", hours=1.5)])
    assert longer.time is not None
    assert [c.condition for c in longer.time.reporting] == [
        "at least 1 h and more than 15% of 3,000 users"
    ]
    assert longer.time.basis[0].parameter == "--hours"


def test_without_restoration_times_no_duration_is_given(tmp_path: Path) -> None:
    catalogue = default_catalogue()
    bare = catalogue.model_copy(
        update={"simulation": catalogue.simulation.model_copy(update={"incident_time": None})}
    )
    model = load_model(example(tmp_path, "push"), bare)
    assert whatif(model, bare, [parse_event("limit-reached:edge")]).time is None


def test_event_sources_give_their_expected_user_hours(tmp_path: Path) -> None:
    from scipy import stats  # type: ignore[import-untyped]
    from test_simulate_cli import run, worked_example

    model, _ = worked_example()
    path = tmp_path / "model.yaml"
    path.write_text(model, encoding="utf-8")
    code, out, err = run("simulate", str(path), "--trials", "64", "--seed", "1", "--json")
    assert code == 0, err
    events = {e["source"]: e for e in json.loads(out)["events"]}
    # a power loss in South (5,000 residents, one power area): the record's 29.5 / 526 a
    # year per million people; log-normal, median 3 h, sigma 1.2; 700 people when it
    # lasts 1 to 2 h, 1,900 beyond 2 h; each person for the hours it lasts (partial
    # expectations)
    probability = -math.expm1(-29.5 / 526 * 0.005)
    assert events["region-power:S"]["annual_probability"] == pytest.approx(probability)
    duration = stats.lognorm(s=1.2, scale=3.0)
    expected = probability * (
        700 * duration.expect(lambda h: h, lb=1.0, ub=2.0)
        + 1900 * duration.expect(lambda h: h, lb=2.0, ub=float("inf"))
    )
    assert events["region-power:S"]["expected_user_hours"] == pytest.approx(expected, rel=1e-6)
    # a misconfiguration at B: 1,600 people for the catalogue's 4 h, once in ten years
    assert events["misconfiguration:op-b"]["expected_user_hours"] == pytest.approx(640.0)
    failures = [e for e in events.values() if e["kind"] == "asset-failure"]
    assert failures and all(
        e["expected_user_hours"] == pytest.approx(4.0 * e["expected_people_without_service"])
        for e in failures
    )


def test_the_terminal_lists_each_sources_user_hours(tmp_path: Path) -> None:
    from test_simulate_cli import run, worked_example

    model, _ = worked_example()
    path = tmp_path / "model.yaml"
    path.write_text(model, encoding="utf-8")
    code, out, err = run("simulate", str(path), "--trials", "64", "--seed", "1")
    assert code == 0, err
    # the table may wrap at a narrow terminal: look for the caption's words and the figure
    flat = " ".join(out.split())
    assert "times how long each outage lasts" in flat
    assert " 640 " in flat  # misconfiguration:op-b, 1,600 people × 4 h × 0.1
