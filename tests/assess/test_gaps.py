"""The toolbox gap: measure status per scope, ranking of missing measures, ENISA controls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.measures import MeasureBook
from fiveguard.assess.results import Gaps
from fiveguard.domain.base import Level
from fiveguard.domain.model import NetworkModel


def model(
    measures: Sequence[dict[str, Any]] = (), controls: Sequence[dict[str, Any]] = ()
) -> NetworkModel:
    return build(
        suppliers=[supplier("h", ["high"] * 6), supplier("l", "low")],
        products=[product("h-amf", "h", "core.amf"), product("l-gnb", "l", "ran.gnb")],
        operators=[operator("a"), operator("b")],
        assets=[{"id": "a.amf", "operator": "a", "kind": "core.amf", "product": "h-amf@1"}],
        sites=[
            site("a1", "a", "l-gnb@1", population=3000, requires=("a.amf",)),
            site("b1", "b", "l-gnb@1", population=3000),
        ],
        measures=list(measures),
        controls=list(controls),
    )


def test_status_falls_back_to_the_national_record_and_national_takes_the_weakest() -> None:
    book = MeasureBook(
        model(
            [
                {"measure": "TM07", "operator": "a", "status": "implemented", "evidence": []},
                {"measure": "TM07", "operator": "b", "status": "planned"},
                {"measure": "SM03", "status": "implemented"},
                {"measure": "TM09", "operator": "a", "status": "not-applicable"},
                {"measure": "TM09", "operator": "b", "status": "in-progress"},
            ]
        )
    )
    assert book.status("TM07", "a").status == "implemented"
    national = book.status("TM07", "national")
    assert (national.status, national.source) == ("planned", "operators")
    assert (book.status("SM03", "b").status, book.status("SM03", "b").source) == (
        "implemented",
        "national",
    )
    assert book.status("TM09", "national").status == "in-progress"  # not-applicable is left out
    assert (book.status("TM01", "a").status, book.status("TM01", "a").source) == (
        "unrecorded",
        "none",
    )


def gaps(**kw: Any) -> Gaps:
    return run(model(**kw)).gaps


def test_matrix_has_every_measure_in_every_scope() -> None:
    result = gaps(measures=[{"measure": "TM07", "operator": "a", "status": "implemented"}])
    assert result.scopes == ("national", "a", "b")
    assert len(result.rows) == 29
    tm07 = next(r for r in result.rows if r.measure == "TM07")
    assert (tm07.expected, tm07.statuses) == (
        "operator",
        ("unrecorded", "implemented", "unrecorded"),
    )
    sm01 = next(r for r in result.rows if r.measure == "SM01")
    assert sm01.expected == "national"


def test_missing_measures_called_for_by_the_highest_risks_come_first() -> None:
    result = gaps()
    # technical measures are expected per operator, strategic and supporting nationally
    assert {m.scope for m in result.missing if m.measure.startswith("TM")} == {"a", "b"}
    assert {m.scope for m in result.missing if not m.measure.startswith("TM")} == {"national"}
    ranks = [(m.highest_risk.rank, m.highest_residual.rank) for m in result.missing]
    assert ranks == sorted(ranks, reverse=True)
    # operator a has a high-profile core (R5 high); SM03 (national, R5) ranks above b's TM10
    order = [(m.measure, m.scope) for m in result.missing]
    assert order.index(("SM03", "national")) < order.index(("TM10", "b"))
    sm03 = next(m for m in result.missing if m.measure == "SM03")
    assert "R5" in sm03.risks and sm03.highest_risk is Level.HIGH


def test_implemented_and_not_applicable_measures_are_not_missing() -> None:
    result = gaps(
        measures=[
            {"measure": "SM03", "status": "implemented"},
            {"measure": "SM08", "status": "not-applicable"},
        ]
    )
    assert not [m for m in result.missing if m.measure in ("SM03", "SM08")]


def test_enisa_controls_compliance_where_recorded() -> None:
    assert gaps().controls == ()
    assert "records no ENISA controls" in gaps().controls_note
    result = gaps(
        controls=[
            {"requirement": "SO1-001", "operator": "a", "level": 3},
            {"requirement": "SO1-002", "operator": "a", "level": 1},
            {"requirement": "SO2-001", "level": 2},
        ]
    )
    by_scope = {c.scope: c for c in result.controls}
    assert set(by_scope) == {"national", "a"}
    a = by_scope["a"]
    assert (a.recorded, a.meeting_target, a.target_level) == (2, 1, 2)
    assert [s.requirement for s in a.below_target] == ["SO1-002"]
    d1 = next(d for d in a.domains if d.recorded)
    assert (d1.recorded, d1.meeting_target, d1.mean_level) == (2, 1, 2.0)


def test_an_operator_record_of_a_national_measure_is_checked_for_that_operator() -> None:
    # SM05 is strategic (expected nationally); b records it itself as not started, and that
    # record is what b's R4 residual reads: the gap list must show it for b too
    gaps = run(
        model(
            [
                {"measure": "SM05", "status": "in-progress"},
                {"measure": "SM05", "operator": "b", "status": "not-started"},
                {"measure": "SM05", "operator": "a", "status": "implemented"},
            ]
        )
    ).gaps
    missing = {(m.measure, m.scope): m.status for m in gaps.missing if m.measure == "SM05"}
    assert missing == {("SM05", "national"): "in-progress", ("SM05", "b"): "not-started"}
    result = run(model([{"measure": "SM05", "operator": "b", "status": "not-started"}]))
    r4 = next(e for e in result.risk_register.entries if (e.risk, e.scope) == ("R4", "b"))
    [line] = [m for m in r4.measures if m.measure == "SM05"]
    assert (line.status, line.source) == ("not-started", "operator")
    assert ("SM05", "b") in {(m.measure, m.scope) for m in result.gaps.missing}


def test_the_risk_to_measure_links_are_labelled_where_they_are_used() -> None:
    """The links come from the catalogue's risk_measures, fiveguard's editorial default:
    wherever the assessment says a risk calls for a measure, it says whose links those are."""
    from fiveguard.catalog import default_catalogue

    links = default_catalogue().risk_measures
    result = run(model())
    for part in (result.gaps.measure_links, result.risk_register.measure_links):
        assert (part.label, part.provenance) == (links.label, links.provenance)
        assert part.label == "editorial default"
    [first, *_] = [f for f in result.summary.findings if f.section == "gaps"]
    assert "(risk → measure links: editorial default;" in first.text
