"""The briefing: ranked, deduplicated findings with their numbers, decisions, charts, map."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.assess.assessment import assess
from fiveguard.assess.context import Prepared
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.report import render_report
from fiveguard.report.briefing import BRIEF_FINDINGS, SEVERITY_RANK, build_briefing
from fiveguard.report.regions import region_dependency


@pytest.fixture(scope="module")
def demo_model(catalogue: Catalogue) -> NetworkModel:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        return load_model(path, catalogue)


@pytest.fixture(scope="module")
def demo(demo_model: NetworkModel, catalogue: Catalogue) -> Assessment:
    return assess(demo_model, catalogue, catalogue.policies["UK-2020-01"])


def _rank(severity: str, people: int) -> tuple[int, int]:
    return (-SEVERITY_RANK[severity], -people)


def test_findings_are_ranked_by_severity_then_people(demo: Assessment) -> None:
    briefing = build_briefing(demo)
    keys = [_rank(f.severity, f.people) for f in briefing.findings]
    assert keys == sorted(keys)
    assert briefing.findings[0].severity == "high"
    assert len(briefing.shown) == BRIEF_FINDINGS
    assert briefing.more == len(briefing.findings) - BRIEF_FINDINGS


def test_every_finding_carries_a_number(demo: Assessment) -> None:
    for f in build_briefing(demo).findings:
        assert re.search(r"\d", f.text), f.text
        assert f.text.endswith("."), f.text


def test_one_what_if_per_supplier_event(demo: Assessment) -> None:
    texts = [f.text for f in build_briefing(demo).findings]
    # valtaro's event stands behind four diversity findings: told once, citing them all
    valtaro = [t for t in texts if t.startswith("If every Valtaro Networks product")]
    assert len(valtaro) == 1
    assert "85% of transport" in valtaro[0] and "55% of radio access network" in valtaro[0]
    assert sum("9,927,439" in t for t in texts) == 2  # valtaro and cirrolane, once each


def test_a_cap_broken_in_two_networks_is_one_finding_with_both(demo: Assessment) -> None:
    caps = [f for f in build_briefing(demo).findings if "35% cap" in f.text]
    assert len(caps) == 1
    assert "Meridian Mobile" in caps[0].text and "Nova Connect" in caps[0].text
    people = sum(
        v.people_depending for v in demo.violations.violations if v.rule == "access-network-cap"
    )
    assert caps[0].people == people
    assert f"{people:,} people" in caps[0].text


def test_real_assurance_problems_come_before_the_grouped_rest(demo: Assessment) -> None:
    assurance = [f for f in build_briefing(demo).findings if f.section == "assurance"]
    assert assurance[0].text.startswith("Korvath Technologies: korvath-gnb@9.0")
    assert "failed binary equivalence" in assurance[0].text
    assert assurance[-1].severity == "low"
    assert "no valid evaluation or certificate" in assurance[-1].text


def test_decisions_follow_the_findings_shown(demo: Assessment) -> None:
    briefing = build_briefing(demo)
    assert briefing.decisions[0].startswith("Set how and by when Meridian Mobile replaces")
    assert len(set(briefing.decisions)) == len(briefing.decisions)
    shown = {f.decision for f in briefing.shown if f.decision}
    assert set(briefing.decisions) == shown


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_dropping_findings_keeps_the_briefing_consistent(demo: Assessment, data) -> None:
    """Any subset of violations and diversity findings: ranked, each event once, people of
    violations summed exactly as a plain loop sums them."""
    every_violation = demo.violations.violations
    every_single = demo.diversity.single_supplier
    picked = data.draw(st.sets(st.sampled_from(range(len(every_violation)))), label="violations")
    violations = [every_violation[i] for i in sorted(picked)]
    picked = data.draw(st.sets(st.sampled_from(range(len(every_single)))), label="dependencies")
    single = [every_single[i] for i in sorted(picked)]
    part = demo.model_copy(
        update={
            "violations": demo.violations.model_copy(update={"violations": tuple(violations)}),
            "diversity": demo.diversity.model_copy(
                update={"single_supplier": tuple(single), "national_concentration": ()}
            ),
        }
    )
    briefing = build_briefing(part)
    keys = [_rank(f.severity, f.people) for f in briefing.findings]
    assert keys == sorted(keys)
    told = sum(f.people for f in briefing.findings if f.section == "violations")
    assert told == sum(v.people_depending for v in violations)
    events = {d.fault.event for d in single if d.fault is not None}
    what_ifs = [f for f in briefing.findings if f.text.startswith("If every ")]
    assert len(what_ifs) == len(events)


def test_report_opens_with_the_briefing_and_its_charts(
    demo: Assessment, demo_model: NetworkModel, catalogue: Catalogue
) -> None:
    regions = region_dependency(demo_model, catalogue, demo)
    html = render_report(demo, regions=regions)
    assert html.index('id="briefing"') < html.index('id="summary"')
    briefing = html[html.index('id="briefing"') : html.index('id="summary"')]
    assert "shares per domain, nationally" in briefing
    assert "Residual risk R1–R9" in briefing
    assert "by region" in briefing and briefing.count("<polygon") == len(regions) == 10
    assert "What matters most" in briefing and "To decide" in briefing
    assert "<polygon" not in render_report(demo)  # no map without outlines given


def test_region_shares_match_a_plain_count(
    demo: Assessment, demo_model: NetworkModel, catalogue: Catalogue
) -> None:
    table = demo_model.table
    radio = Prepared(demo_model, catalogue).radio
    high = {i for i, s in enumerate(demo_model.document.suppliers) if s.id == "korvath"}
    assert [s.id for s in demo.suppliers if s.profile == "high"] == ["korvath"]
    served: dict[int, int] = {}
    on_high: dict[int, int] = {}
    for row in range(len(table)):
        if not radio[row] or table.region[row] < 0:
            continue
        region = int(table.region[row])
        served[region] = served.get(region, 0) + int(table.population[row])
        if int(table.supplier[row]) in high:
            on_high[region] = on_high.get(region, 0) + int(table.population[row])
    for i, r in enumerate(region_dependency(demo_model, catalogue, demo)):
        assert r.served == served.get(i, 0)
        assert r.high_risk == on_high.get(i, 0)
    assert any(r.share and r.share > 0 for r in region_dependency(demo_model, catalogue, demo))


def test_assess_brief_prints_the_briefing_instead_of_the_tables(write_model) -> None:
    from typer.testing import CliRunner

    import fiveguard.cli  # noqa: F401  (registers the commands)
    from fiveguard.cli.app import app

    path = write_model()
    result = CliRunner().invoke(app, ["assess", str(path), "--brief", "--trials", "0"])
    assert result.exit_code == 0, result.output
    assert "What matters most" in result.output
    assert "radio sites for" in result.output
    assert "Supplier profiles" not in result.output


def test_a_quiet_assessment_says_nothing_stands_out(demo: Assessment) -> None:
    quiet = demo.model_copy(
        update={
            "violations": demo.violations.model_copy(update={"violations": ()}),
            "assurance": demo.assurance.model_copy(update={"versions": ()}),
            "diversity": demo.diversity.model_copy(
                update={"single_supplier": (), "national_concentration": (), "common_mode": ()}
            ),
            "risk_register": demo.risk_register.model_copy(update={"entries": ()}),
            "gaps": demo.gaps.model_copy(update={"missing": ()}),
        }
    )
    assert build_briefing(quiet).findings == ()
    assert "Nothing stands out" in render_report(quiet)


def test_a_region_outline_needs_three_points_located(write_model, model_problems) -> None:
    from model_texts import BASE_YAML

    text = BASE_YAML.replace(
        "{id: R1, name: One, population: 1000}",
        "{id: R1, name: One, population: 1000, outline: [[0, 0], [1, 1]]}",
    )
    problems = model_problems(write_model(text))
    assert any("model.yaml:4:" in p and "regions[0].outline" in p for p in problems), problems


def test_a_what_if_names_the_people_unable_to_reach_emergency_services(demo: Assessment) -> None:
    """Each supplier event's sentence gives the emergency figure of its what-if when it is
    not zero, and says nothing of it when it is."""
    from fiveguard.assess.fault_figures import cited_faults, emergency_people

    texts = [f.text for f in build_briefing(demo).findings if f.text.startswith("If every ")]
    faults = [f for f in cited_faults(demo.diversity) if f.event.startswith("supplier-fault:")]
    assert texts and len(texts) == len(faults)
    for fault in faults:
        people = emergency_people(fault)
        told = [t for t in texts if f"{fault.people_without_service:,} people" in t]
        assert told, fault.event
        phrase = f", {people:,} unable to reach emergency services;"
        assert all((phrase in t) == (people > 0) for t in told), fault.event
    assert any(emergency_people(f) > 0 for f in faults)
