"""The simulation in the demo and the HTML report: worst supplier events, the distribution,
and an exceedance chart drawn as inline SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.load import load_model
from fiveguard.report.simulation import exceedance_chart, rounded, simulation_section
from fiveguard.simulate import prepare, simulate, worst_supplier_events
from fiveguard.simulate.results import CurvePoint

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_worst_supplier_events_come_worst_first(catalogue: Catalogue) -> None:
    model = load_model(EXAMPLE, catalogue)
    worst = worst_supplier_events(model, catalogue)
    people = [e.impact.people_without_service for e in worst]
    assert people == sorted(people, reverse=True)
    # three events per supplier whose products some asset runs
    assert len(worst) == 3 * 3
    assert worst[0].event.startswith(("supplier-fault:", "supplier-update:"))


def test_the_section_has_the_tables_and_a_well_formed_chart(catalogue: Catalogue) -> None:
    model = load_model(EXAMPLE, catalogue)
    ready = prepare(model, catalogue)
    result = simulate(ready, catalogue, 512, 1)
    worst = worst_supplier_events(model, catalogue, compiled=ready.compiled)
    section = simulation_section(result, worst)
    titles = [t.title for t in section.tables]
    assert titles[0].startswith("Worst single-supplier events")
    assert "Per simulated year" in titles
    for title in (
        "Annual probability of at least N people without service",
        "People without service, by operator (its customers)",
        "People losing each service, per simulated year",
        "Critical services",
    ):
        assert title in titles, title
    per_service = next(t for t in section.tables if t.title.startswith("People losing each"))
    assert [row[0] for row in per_service.rows] == ["voice", "data", "sms", "emergency"]
    # two significant digits: a few hundred simulated years do not know a mean to the person
    assert per_service.rows[0][1] == rounded(result.service_distributions["voice"].mean)
    by_level = next(t for t in section.tables if t.title.endswith("losing each service"))
    emergency = result.service_distributions["emergency"].exceedance
    assert by_level.rows[3] == ("emergency", *(rounded(e.probability) for e in emergency))
    assert result.time is not None
    timing = next(t for t in section.tables if t.title.startswith("Duration, user-hours"))
    hours = result.time.user_hours
    spread = (hours.mean, hours.p50, hours.p95, hours.p99, hours.max)
    assert timing.rows[0] == ("user-hours without service", *(rounded(v) for v in spread))
    per_year = next(t for t in section.tables if t.title == "Per simulated year")
    assert [row[0] for row in per_year.rows][3] == "assets compromised"
    assert "assets compromised" in section.tables[0].columns
    assert section.tables[0].rows[0][0] == worst[0].event
    svg = ET.fromstring(section.charts[0])
    assert svg.tag.endswith("svg")
    assert "at least N people" in section.charts[0]
    assert "512 simulated years" in section.summary


def test_the_chart_says_so_when_no_year_lost_service() -> None:
    chart = exceedance_chart([], 100)
    ET.fromstring(chart)
    assert "no year lost service" in chart
    points = [CurvePoint(people=1500, probability=0.5), CurvePoint(people=90_000, probability=0.01)]
    assert chart != exceedance_chart(points, 100)
    ET.fromstring(exceedance_chart(points, 100))


@pytest.mark.slow
def test_the_demo_prints_the_simulation_and_the_report_carries_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    out = ANSI.sub("", result.stdout)
    assert "Worst single-supplier events" in out and "simulated years" in out
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="simulation"' in report
    assert "Annual probability that at least N people lose service" in report
