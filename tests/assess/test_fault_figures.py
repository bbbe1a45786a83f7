"""The figures a fault's what-if gives the assessment: per service, in part, duration,
user-hours and each reporting threshold, each with what it is; the emergency figure in
the texts that cite an impact."""

from __future__ import annotations

from pathlib import Path

from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.fault_figures import cited_faults
from fiveguard.assess.results import Assessment, FaultImpact
from fiveguard.catalog import default_catalogue


def two_operators(b_product: str) -> Assessment:
    """a runs two x sites of 300 people, b one site of 100 (on ``b_product``), all in
    region R1; nobody has a roaming partner; each operator has 1,000 subscribers."""
    return run(
        build(
            suppliers=[supplier("x"), supplier("y")],
            products=[product("x-gnb", "x", "ran.gnb"), product("y-gnb", "y", "ran.gnb")],
            operators=[operator("a"), operator("b")],
            sites=[
                site("a1", "a", "x-gnb@1", population=300, region="R1"),
                site("a2", "a", "x-gnb@1", population=300, region="R1"),
                site("b1", "b", b_product, population=100, region="R1"),
            ],
        )
    )


def fault_of_a(assessment: Assessment) -> FaultImpact:
    [dependency] = [
        d for d in assessment.diversity.single_supplier if (d.group, d.scope) == ("ran", "a")
    ]
    assert dependency.fault is not None
    return dependency.fault


def test_each_service_counts_its_people_and_emergency_calls_use_any_network() -> None:
    """A fault of x stops a's two sites: its 600 people lose voice, data and SMS (no
    roaming partner), but b's radio still broadcasts in R1, where a phone may call 112
    on any network: nobody is unable to reach emergency services."""
    fault = fault_of_a(two_operators("y-gnb@1"))
    people = {s.service: s.people for s in fault.services}
    assert people == {"voice": 600, "data": 600, "sms": 600, "emergency": 0}
    assert [s.service for s in fault.services if s.emergency] == ["emergency"]
    assert {s.service: s.by_operator for s in fault.services}["voice"] == {"a": 600, "b": 0}
    # nobody unable to reach emergency services: the text does not mention it
    assert "emergency" not in fault.text


def test_the_emergency_figure_is_named_where_the_impact_is_cited() -> None:
    """With b's site on x too, no radio is left in R1: all 700 people are unable to reach
    emergency services, and every text citing the fault says so."""
    assessment = two_operators("x-gnb@1")
    fault = fault_of_a(assessment)
    assert {s.service: s.people for s in fault.services}["emergency"] == 700
    assert fault.text == (
        "a fault of every product of x would leave 700 people without service nationally "
        "(3 radio sites down), 600 of them on radio sites a runs; 700 people unable to "
        "reach emergency services"
    )
    # the summary's findings cite it too (single-supplier dependencies, concentration)
    what_ifs = [f.text for f in assessment.summary.findings if "what if:" in f.text]
    assert len(what_ifs) >= 3
    assert all(t.endswith("700 people unable to reach emergency services") for t in what_ifs)


def test_duration_user_hours_and_each_threshold_crossed_or_not() -> None:
    """10 h (the catalogue's median restoration of a supplier fault) × 600 people = 6,000
    user-hours. ENISA's national rule: 600 of the 2,000 subscribers is more than 15 % for
    at least 1 h, crossed; Japan's per operator: 30,000 people, not reached."""
    fault = fault_of_a(two_operators("y-gnb@1"))
    assert (fault.hours, fault.user_hours) == (10.0, 6_000.0)
    checks = {c.threshold: c for c in fault.reporting}
    time = default_catalogue().simulation.incident_time
    assert time is not None and set(checks) == {t.id for t in time.reporting_thresholds}
    assert checks["eu-enisa"].crossed is True
    [crossing] = checks["eu-enisa"].crossings
    assert (crossing.who, crossing.people, crossing.users) == ("national", 600, 2_000)
    assert checks["jp-mic"].crossed is False and checks["jp-mic"].crossings == ()
    figures = {f.label: f for f in fault.figures}
    assert figures["user-hours"].value == "6,000"
    assert figures["duration"].value == "10 h"
    assert "simulation.incident_time.restoration.supplier-fault" in figures["duration"].meaning
    assert figures["reportable under eu-enisa"].value == "yes, nationally"
    assert figures["reportable under jp-mic"].value == "no"
    assert "at least 30,000 people" in figures["reportable under jp-mic"].meaning


def test_every_figure_says_what_it_is() -> None:
    fault = fault_of_a(two_operators("y-gnb@1"))
    labels = [f.label for f in fault.figures]
    assert labels == [
        "without service",
        "without voice calls",
        "without mobile data",
        "without text messages (SMS)",
        "unable to reach emergency services",
        "losing service in part",
        "duration",
        "user-hours",
        "reportable under eu-enisa",
        "reportable under jp-mic",
    ]
    assert all(f.meaning for f in fault.figures)
    values = {f.label: f.value for f in fault.figures}
    assert (values["without service"], values["unable to reach emergency services"]) == ("600", "0")
    # no pool short of capacity, no storm: nobody loses service in part, and it says so
    assert fault.partial_service is None
    assert values["losing service in part"] == "0"


def test_without_a_restoration_time_the_duration_and_thresholds_are_unknown() -> None:
    cat = default_catalogue()
    time = cat.simulation.incident_time
    assert time is not None
    restoration = {k: v for k, v in time.restoration.items() if k != "supplier-fault"}
    simulation = cat.simulation.model_copy(
        update={"incident_time": time.model_copy(update={"restoration": restoration})}
    )
    assessment = run(
        build(
            suppliers=[supplier("x")],
            products=[product("x-gnb", "x", "ran.gnb")],
            operators=[operator("a")],
            sites=[site("a1", "a", "x-gnb@1", population=300, region="R1")],
        ),
        catalogue=cat.model_copy(update={"simulation": simulation}),
    )
    [fault] = cited_faults(assessment.diversity)
    assert fault.hours is None and fault.user_hours is None
    assert fault.reporting and all(c.crossed is None for c in fault.reporting)
    values = {f.label: f.value for f in fault.figures}
    assert values["duration"] == values["user-hours"] == values["reportable under eu-enisa"]
    assert values["duration"] == "unknown"


def test_each_fault_cited_is_listed_once() -> None:
    assessment = two_operators("x-gnb@1")
    events = [f.event for f in cited_faults(assessment.diversity)]
    assert events == ["supplier-fault:x"]


def test_the_worked_case_in_the_docs_is_what_the_assessment_says() -> None:
    """docs/assessment.md quotes the text of the case above; it must be the one computed."""
    docs = Path(__file__).parents[2] / "docs" / "assessment.md"
    prose = " ".join(docs.read_text(encoding="utf-8").split())
    fault = fault_of_a(two_operators("x-gnb@1"))
    assert f'"{fault.text}"' in prose
    quiet = fault_of_a(two_operators("y-gnb@1"))
    hours = f"for 10 h (the catalogue's median restoration of a supplier fault), {quiet.user_hours:,.0f}"
    assert f"{hours} user-hours" in prose
