"""The embedded demo: every problem it was built to contain is found and explained."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from fiveguard.assess.assessment import assess
from fiveguard.assess.results import Assessment, RegisterEntry, SupplierAssessment, Violation
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel


@pytest.fixture(scope="module")
def demo_model(catalogue: Catalogue) -> NetworkModel:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        return load_model(path, catalogue)


@pytest.fixture(scope="module")
def demo(catalogue: Catalogue, demo_model: NetworkModel) -> Assessment:
    policy = catalogue.policies[catalogue.assessment.default_policy or "UK-2020-01"]
    return assess(demo_model, catalogue, policy)


def violation(a: Assessment, rule: str, operator: str = "meridian") -> Violation:
    [found] = [v for v in a.violations.violations if (v.rule, v.operator) == (rule, operator)]
    return found


def supplier(a: Assessment, ident: str) -> SupplierAssessment:
    return next(s for s in a.suppliers if s.id == ident)


def entry(a: Assessment, risk: str, scope: str) -> RegisterEntry:
    return next(e for e in a.risk_register.entries if (e.risk, e.scope) == (risk, scope))


def test_high_profile_supplier_in_a_core_function_and_a_management_system(
    demo: Assessment, demo_model: NetworkModel
) -> None:
    assert supplier(demo, "korvath").profile == "high"
    v = violation(demo, "core-and-security-functions")
    assert (v.status, v.suppliers, v.operator) == ("violation", ("korvath",), "meridian")
    assert set(v.assets) == {"meridian.smf", "meridian.ems-korvath"}
    assert (
        "meridian.smf (core.smf)" in v.explanation
        and "meridian.ems-korvath (mgmt.ems)" in v.explanation
    )
    # the SMF serves no one itself, but every Meridian radio site needs it: all their people
    table = demo_model.table
    meridian = [o.id for o in demo_model.document.operators].index("meridian")
    radio = np.asarray([k.startswith("ran.") for k in table.kinds])[table.kind]
    everyone = int(table.population[radio & (table.operator == meridian)].sum())
    assert v.quantity.population == 0 and v.people_depending == everyone
    assert f"{everyone:,} people are served by radio sites that depend on them" in v.explanation


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
    # Nova's own radio sites are all Corvelle; the sites Meridian shares with it are not
    found = [d for d in demo.diversity.single_supplier if (d.group, d.scope) == ("ran", "nova")]
    assert [(d.supplier, d.network) for d in found] == [("corvelle", "own")]
    assert "Radio access network that nova runs itself comes from one supplier, corvelle" in (
        found[0].text
    )
    fault = found[0].fault
    assert fault is not None and fault.by_operator["nova"] > 0
    # some of nova's people on the downed radio roam onto meridian's, and the text says so
    roamed = fault.by_operator_on_down_radio["nova"] - fault.by_operator["nova"]
    assert roamed > 0
    assert fault.text.endswith(
        f"{fault.by_operator['nova']:,} of them nova's customers, on its own radio sites and "
        f"its part of shared ones (where {roamed:,} more are assumed to roam)"
    )
    r4 = entry(demo, "R4", "nova")
    assert r4.likelihood.computed is Level.HIGH
    assert any(
        "Radio access network that nova runs itself comes from one supplier" in f.text
        for f in r4.likelihood.facts
    )


def test_nova_sees_the_high_profile_radios_meridian_shares_with_it(demo: Assessment) -> None:
    r5 = entry(demo, "R5", "nova")
    assert r5.likelihood.computed is Level.HIGH  # Korvath's manager runs sites Nova's users need
    texts = " ".join(f.text for f in (*r5.likelihood.facts, *r5.impact.facts))
    assert "korvath (profile high) runs 2,966 assets of nova" in texts
    assert "meridian shares with nova" in texts
    assert not r5.impact.facts[0].text.startswith("0 people")
    ran = next(
        t
        for t in demo.diversity.tables
        if (t.group, t.scope, t.weight, t.kind) == ("ran", "nova", "sites", None)
    )
    assert {s.supplier for s in ran.shares} == {"corvelle", "korvath", "valtaro"}
    cap = violation(demo, "access-network-cap", "nova")
    assert cap.suppliers == ("korvath",) and cap.share is not None and cap.share > 0.35


def test_expired_certificate_raises_product_quality(demo: Assessment) -> None:
    corvelle = supplier(demo, "corvelle")
    quality = next(f for f in corvelle.factors if f.factor == "product_quality")
    assert (quality.scored, quality.effective) == (Level.MEDIUM, Level.HIGH)
    # the 2023 NESAS evaluation has no valid_until: it counted for 3 years, to April 2026
    assert quality.moved_by == (
        "ev-nesas-corvelle-gnb:evaluation-expired",
        "ev-cert-corvelle-gnb:certificate-expired",
    )
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


def test_exposure_reaches_as_far_as_the_graph_not_the_whole_operator(
    demo: Assessment, demo_model: NetworkModel, catalogue: Catalogue
) -> None:
    # Corvelle (product quality high after its lapsed evidence) runs an element manager of
    # Xandria Telecom, a critical kind: it manages the sites Corvelle runs, not all of them
    table = demo_model.table
    xtel = [o.id for o in demo_model.document.operators].index("xtel")
    corvelle = [i for i, pv in enumerate(table.product_versions) if pv.startswith("corvelle-gnb@")]
    rows = (table.operator == xtel) & np.isin(table.product_version, corvelle)
    reached = int(table.population[rows].sum())
    r3 = entry(demo, "R3", "xtel")
    assert r3.impact.facts[0].text.startswith(f"{reached:,} people exposed (18.8%")
    assert f"{int(table.sites[rows].sum()):,} radio sites of xtel" in r3.impact.facts[0].text
    assert r3.impact.computed is Level.MEDIUM
    # Korvath's SMF is required by every radio site Meridian runs: all its people
    from fiveguard.assess.summary import summarise

    meridian = next(o for o in summarise(demo_model, catalogue).operators if o.id == "meridian")
    r5 = entry(demo, "R5", "meridian")
    assert r5.impact.facts[0].text.startswith(f"{meridian.population_served:,} people exposed")


def test_analyst_override_is_shown_beside_the_computed_value(demo: Assessment) -> None:
    r8 = entry(demo, "R8", "national")
    # the override changes something: the demo would show an analyst who changed nothing
    assert r8.likelihood.computed is Level.MEDIUM
    assert r8.likelihood.override is Level.HIGH
    assert r8.likelihood.override is not r8.likelihood.computed
    assert r8.override_rationale is not None and "storms" in r8.override_rationale
    assert "sets the likelihood for the country to high (computed: medium)" in (
        r8.likelihood.facts[-1].text
    )


def test_meridians_amf_pool_on_one_version_is_reported(demo: Assessment) -> None:
    [pool] = [
        g for g in demo.diversity.common_mode if g.members == ("meridian.amf-1", "meridian.amf-2")
    ]
    assert pool.product == "valtaro-amf@24.2" and pool.people > 3_000_000
    assert pool.fault is not None and pool.fault.event == "product-fault:valtaro-amf@24.2"
    assert not any("xtel.amf" in m for g in demo.diversity.common_mode for m in g.members)
    r4 = entry(demo, "R4", "meridian")
    assert any("valtaro-amf@24.2" in f.text for f in r4.likelihood.facts)


def test_every_fact_says_whose_network_it_describes(demo: Assessment) -> None:
    operators = ("xtel", "meridian", "nova")
    for e in demo.risk_register.entries:
        for judgement in (e.likelihood, e.impact):
            for f in judgement.facts:
                if e.scope != "national":
                    assert e.scope in f.text, (e.risk, e.scope, f.text)
                elif e.likelihood.rule_text and any(
                    f.text.startswith(f"{op}: ") for op in operators
                ):
                    continue  # borrowed from the worst operator, and saying so
                else:
                    whose = ("the country", "nationally", *(f"of {op}" for op in operators))
                    assert any(w in f.text for w in whose), (e.risk, f.text)


def test_assurance_evidence_reaches_the_assessment(demo: Assessment) -> None:
    section = demo.assurance
    amf = next(v for v in section.versions if v.product == "valtaro-amf@24.2")
    assert set(amf.reasons) == {"vulnerable-components", "end-of-support"}
    assert amf.assets_at_risk == 3
    assert {d.asset for d in section.declared if d.product == "valtaro-amf@24.2"} == {
        "xtel.amf-1",
        "meridian.amf-1",
        "meridian.amf-2",
    }
    korvath = [g for g in section.site_rows if g.product == "korvath-gnb@9.0"]
    assert korvath and all(len(g.sample) <= 5 and g.assets >= len(g.sample) for g in korvath)
    assert section.assets_at_risk == len(section.declared) + sum(
        g.assets for g in section.site_rows
    )


def test_every_problem_reaches_the_summary(demo: Assessment) -> None:
    text = "\n".join(f.text for f in demo.summary.findings)
    for needle in (
        "rule core-and-security-functions",
        "rule sensitive-sites",
        "rule access-network-cap",
        "Radio access network that nova runs itself comes from one supplier",
        "valtaro-amf@24.2 (valtaro) needs attention",
        "the redundancy group {any: meridian.amf-1, meridian.amf-2}",
        "expired on 2026-06-30",
        "open high finding",
        "37 differing",
        "limited assurance",
        "Korvath Technologies (korvath) has a high profile",
    ):
        assert needle in text, needle
    # Meridian's core, sensitive sites and cap; the cap for Nova's users too (shared sites)
    assert demo.summary.violations == 4
