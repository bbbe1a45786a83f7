"""The embedded demo: every problem it was built to contain is found and explained."""

from __future__ import annotations

from importlib import resources

import pytest

from fiveguard.assess.assessment import assess
from fiveguard.assess.results import Assessment, RegisterEntry, SupplierAssessment, Violation
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue


@pytest.fixture(scope="module")
def demo(catalogue: Catalogue) -> Assessment:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    policy = catalogue.policies[catalogue.assessment.default_policy or "UK-2020-01"]
    return assess(model, catalogue, policy)


def violation(a: Assessment, rule: str) -> Violation:
    [found] = [v for v in a.violations.violations if v.rule == rule]
    return found


def supplier(a: Assessment, ident: str) -> SupplierAssessment:
    return next(s for s in a.suppliers if s.id == ident)


def entry(a: Assessment, risk: str, scope: str) -> RegisterEntry:
    return next(e for e in a.risk_register.entries if (e.risk, e.scope) == (risk, scope))


def test_high_profile_supplier_in_a_core_function_and_a_management_system(demo: Assessment) -> None:
    assert supplier(demo, "korvath").profile == "high"
    v = violation(demo, "core-and-security-functions")
    assert (v.status, v.suppliers, v.operator) == ("violation", ("korvath",), "meridian")
    assert set(v.assets) == {"meridian.smf", "meridian.ems-korvath"}
    assert (
        "meridian.smf (core.smf)" in v.explanation
        and "meridian.ems-korvath (mgmt.ems)" in v.explanation
    )


def test_high_profile_share_of_radio_above_the_cap(demo: Assessment) -> None:
    v = violation(demo, "access-network-cap")
    assert (v.operator, v.suppliers, v.measure) == ("meridian", ("korvath",), "sites")
    assert v.share is not None and 0.40 < v.share < 0.44 and v.max_share == 0.35
    assert "above the cap of 35%" in v.explanation


def test_sensitive_sites_on_the_high_profile_vendor(demo: Assessment) -> None:
    v = violation(demo, "sensitive-sites")
    assert (v.status, v.suppliers, v.operator) == ("violation", ("korvath",), "meridian")
    assert v.asset_count > 0 and v.kinds == ("ran.gnb",)
    assert "at sensitive sites" in v.explanation


def test_single_supplier_radio_network(demo: Assessment) -> None:
    found = [d for d in demo.diversity.single_supplier if (d.group, d.scope) == ("ran", "nova")]
    assert [d.supplier for d in found] == ["corvelle"]
    assert "comes from one supplier, corvelle" in found[0].text
    r4 = entry(demo, "R4", "nova")
    assert r4.likelihood.computed is Level.HIGH
    assert any(
        "Radio access network of nova comes from one supplier" in f.text
        for f in r4.likelihood.facts
    )


def test_expired_certificate_raises_product_quality(demo: Assessment) -> None:
    corvelle = supplier(demo, "corvelle")
    quality = next(f for f in corvelle.factors if f.factor == "product_quality")
    assert (quality.scored, quality.effective) == (Level.MEDIUM, Level.HIGH)
    assert quality.moved_by == ("ev-cert-corvelle-gnb:certificate-expired",)
    [signal] = [s for s in corvelle.signals if s.kind == "certificate-expired"]
    assert "expired on 2026-06-30" in signal.reason and "corvelle-gnb@21.3" in signal.deployed


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("ev-finding-korvath-credentials", "finding-open-high"),
        ("ev-equiv-korvath-gnb", "equivalence-failed"),
        ("ev-assurance-korvath-2026", "assurance-limited"),
    ],
)
def test_assurance_problems_of_the_high_profile_vendor(
    demo: Assessment, source: str, kind: str
) -> None:
    korvath = supplier(demo, "korvath")
    [signal] = [s for s in korvath.signals if s.source == source]
    assert (signal.kind, signal.direction) == (kind, "raise")
    assert signal.deployed, "the signal concerns deployed versions"
    quality = next(f for f in korvath.factors if f.factor == "product_quality")
    assert signal.id in quality.moved_by


def test_failed_equivalence_is_explained_with_its_counts(demo: Assessment) -> None:
    [signal] = [s for s in supplier(demo, "korvath").signals if s.kind == "equivalence-failed"]
    assert "37 differing, 6 missing, 14 extra" in signal.reason


def test_state_interference_risk_names_core_and_management_path(demo: Assessment) -> None:
    r5 = entry(demo, "R5", "meridian")
    assert (r5.likelihood.computed, r5.impact.computed) == (Level.HIGH, Level.HIGH)
    text = " ".join(f.text for f in r5.likelihood.facts)
    assert "meridian.smf" in text and "management path" in text
    assert entry(demo, "R5", "xtel").likelihood.computed is Level.LOW


def test_analyst_override_is_shown_beside_the_computed_value(demo: Assessment) -> None:
    r8 = entry(demo, "R8", "national")
    assert r8.likelihood.override is Level.MEDIUM
    assert r8.override_rationale is not None and "storms" in r8.override_rationale


def test_every_problem_reaches_the_summary(demo: Assessment) -> None:
    text = "\n".join(f.text for f in demo.summary.findings)
    for needle in (
        "rule core-and-security-functions",
        "rule sensitive-sites",
        "rule access-network-cap",
        "Radio access network of nova comes from one supplier",
        "expired on 2026-06-30",
        "open high finding",
        "37 differing",
        "limited assurance",
        "Korvath Technologies (korvath) has a high profile",
    ):
        assert needle in text, needle
    assert demo.summary.violations == 3
