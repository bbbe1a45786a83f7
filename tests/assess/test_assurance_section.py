"""The assessment's assurance section on a hand-built model, counted by hand.

Supplier x: x-amf 1 runs a's and b's AMFs (critical kind) and has a valid certificate
but an open high finding; x-gnb 1 has no evaluation or certificate at all; x-gnb 2 has a
valid certificate. Radio kinds are standard, so a radio row is at risk only at a
sensitive site:

    a1  x-gnb@1  sensitive      1 site   100 people  at risk
    a2  x-gnb@1  not sensitive  1 site   200 people  not at risk
    a3  x-gnb@1  sensitive      2 sites  300 people  at risk
    b1  x-gnb@1  sensitive      1 site   400 people  at risk
    b2  x-gnb@2  sensitive      1 site   500 people  fine (valid certificate)

    x-gnb@1: no valid evaluation or certificate; deployed 4, at risk 3 (a1, a3, b1)
    x-amf@1: open findings; deployed 2, at risk 2 (a.amf, b.amf)
"""

from __future__ import annotations

from typing import Any

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.assurance_section import assurance_headline
from fiveguard.assess.results import Assessment, AssuranceSection
from fiveguard.domain.base import Level


def certificate(ident: str, products: list[str]) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "certificate",
        "title": "certificate",
        "scheme": "scheme",
        "identifier": ident,
        "products": products,
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
    }


@pytest.fixture(scope="module")
def result() -> Assessment:
    model = build(
        suppliers=[supplier("x")],
        products=[
            product("x-amf", "x", "core.amf"),
            product("x-gnb", "x", "ran.gnb", ["1", "2"]),
        ],
        operators=[operator("a"), operator("b")],
        assets=[
            {"id": "a.amf", "operator": "a", "kind": "core.amf", "product": "x-amf@1"},
            {"id": "b.amf", "operator": "b", "kind": "core.amf", "product": "x-amf@1"},
        ],
        sites=[
            site("a1", "a", "x-gnb@1", population=100, sensitive=True),
            site("a2", "a", "x-gnb@1", population=200),
            site("a3", "a", "x-gnb@1", population=300, sites=2, sensitive=True),
            site("b1", "b", "x-gnb@1", population=400, sensitive=True),
            site("b2", "b", "x-gnb@2", population=500, sensitive=True),
        ],
        evidence=[
            certificate("cert-amf", ["x-amf@1"]),
            certificate("cert-gnb-2", ["x-gnb@2"]),
            {
                "id": "find-amf",
                "type": "finding",
                "title": "Hard-coded key",
                "severity": "high",
                "status": "open",
                "affected": ["x-amf@1"],
                "source": "pentest",
            },
        ],
    )
    return run(model, whatif=False)


@pytest.fixture(scope="module")
def section(result: Assessment) -> AssuranceSection:
    return result.assurance


def test_versions_needing_attention_most_serious_reason_first(section: AssuranceSection) -> None:
    # an open high finding ranks above a missing evaluation, though fewer assets run it
    assert [
        (v.product, v.reasons, v.severity, v.deployed_assets, v.assets_at_risk)
        for v in section.versions
    ] == [
        ("x-amf@1", ("open-findings",), Level.HIGH, 2, 2),
        ("x-gnb@1", ("no-valid-evaluation",), Level.LOW, 4, 3),
    ]
    amf = section.versions[0]
    assert amf.details == ("open findings: find-amf",)
    assert section.versions[1].details == ("no valid evaluation or certificate (none recorded)",)
    assert section.reason_severity["no-valid-evaluation"] is Level.LOW
    assert "most serious reason" in section.rule


def evaluation(ident: str, product_ref: str, result: str) -> dict[str, Any]:
    return {
        "id": ident,
        "type": "evaluation",
        "title": "NESAS",
        "scheme": "GSMA NESAS",
        "products": [product_ref],
        "result": result,
        "date": "2026-01-15",
    }


def test_a_failed_evaluation_is_said_and_ranked_with_open_findings() -> None:
    """y-gnb 1 has no evaluation at all and runs three sensitive sites; y-gnb 2 failed
    its evaluation and runs one; y-gnb 3 failed one but holds a valid certificate."""
    model = build(
        suppliers=[supplier("y")],
        products=[product("y-gnb", "y", "ran.gnb", ["1", "2", "3"])],
        operators=[operator("a")],
        sites=[
            *(site(f"a{i}", "a", "y-gnb@1", sensitive=True) for i in range(3)),
            site("b", "a", "y-gnb@2", sensitive=True),
            site("c", "a", "y-gnb@3", sensitive=True),
        ],
        evidence=[
            evaluation("ev-fail-2", "y-gnb@2", "fail"),
            evaluation("ev-fail-3", "y-gnb@3", "fail"),
            certificate("cert-3", ["y-gnb@3"]),
        ],
    )
    result = run(model, whatif=False)
    section = result.assurance
    assert [(v.product, v.reasons, v.severity, v.assets_at_risk) for v in section.versions] == [
        ("y-gnb@2", ("failed-evaluation",), Level.HIGH, 1),
        ("y-gnb@3", ("failed-evaluation",), Level.HIGH, 1),
        ("y-gnb@1", ("no-valid-evaluation",), Level.LOW, 3),
    ]
    assert section.reasons["failed-evaluation"] == "failed evaluation"
    assert section.versions[0].details == (
        "failed evaluation: ev-fail-2 (no valid evaluation or certificate)",
    )
    assert section.versions[1].details == ("failed evaluation: ev-fail-3 (valid besides: cert-3)",)
    assert section.assets_by_reason == {"failed-evaluation": 2, "no-valid-evaluation": 3}
    # the summary names each failed version; the unevaluated one is counted in one line
    assert assurance_headline(section) == [
        "y-gnb@2 (y) needs attention — failed evaluation: 1 critical or sensitive asset runs it",
        "y-gnb@3 (y) needs attention — failed evaluation: 1 critical or sensitive asset runs it",
        "1 more deployed version has no valid evaluation or certificate; 3 critical or "
        "sensitive assets run it",
    ]


def test_assets_at_risk_are_counted_once_and_per_reason(section: AssuranceSection) -> None:
    assert section.assets_at_risk == 5
    assert section.assets_by_reason == {"open-findings": 2, "no-valid-evaluation": 3}


def test_declared_assets_are_listed_and_site_rows_counted_per_version_and_operator(
    section: AssuranceSection,
) -> None:
    assert [(d.asset, d.operator, d.criticality, d.product) for d in section.declared] == [
        ("a.amf", "a", "critical", "x-amf@1"),
        ("b.amf", "b", "critical", "x-amf@1"),
    ]
    assert [
        (g.product, g.operator, g.assets, g.sites, g.population, g.sample)
        for g in section.site_rows
    ] == [
        ("x-gnb@1", "a", 2, 3, 400, ("a1", "a3")),
        ("x-gnb@1", "b", 1, 1, 400, ("b1",)),
    ]


def test_the_summary_names_versions_with_more_than_a_missing_evaluation(
    result: Assessment, section: AssuranceSection
) -> None:
    assert assurance_headline(section) == [
        "x-amf@1 (x) needs attention — open critical or high findings: 2 critical or "
        "sensitive assets run it",
        "1 more deployed version has no valid evaluation or certificate; 3 critical or "
        "sensitive assets run it",
    ]
    texts = [f.text for f in result.summary.findings if f.section == "assurance"]
    assert texts == assurance_headline(section)
