"""The risk register: each named rule on a small model, the matrix, residual, overrides."""

from __future__ import annotations

from typing import Any

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.context import Prepared
from fiveguard.assess.diversity import assess_diversity
from fiveguard.assess.measures import MeasureBook
from fiveguard.assess.profiles import assess_suppliers
from fiveguard.assess.register_rules import RULES, RuleContext
from fiveguard.assess.results import Assessment, RegisterEntry
from fiveguard.assess.signals import evidence_signals
from fiveguard.catalog import default_catalogue
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import LevelRule
from fiveguard.domain.model import NetworkModel

HIGH = ["high"] * 6


def context(model: NetworkModel) -> RuleContext:
    catalogue = default_catalogue()
    prep = Prepared(model, catalogue)
    signals = evidence_signals(model, catalogue)
    suppliers, levels = assess_suppliers(prep, signals)
    return RuleContext(prep, levels, suppliers, signals, assess_diversity(prep), MeasureBook(model))


def apply(model: NetworkModel, scope: int | None = 0, **spec: Any) -> tuple[Level, list[str]]:
    rule = LevelRule.model_validate({"text": "test", **spec})
    level, facts = RULES[rule.rule](context(model), rule, scope)
    return level, [f.text for f in facts]


def entry(result: Assessment, risk: str, scope: str) -> RegisterEntry:
    return next(e for e in result.risk_register.entries if (e.risk, e.scope) == (risk, scope))


def network(**more: Any) -> NetworkModel:
    """Operator a: a core AMF and an EMS from the high-profile supplier h managing an OSS
    of supplier l, which manages a's radio sites; operator b: clean, from l only."""
    defaults: dict[str, Any] = {
        "suppliers": [supplier("h", HIGH), supplier("l", "low")],
        "products": [
            product("h-amf", "h", "core.amf"),
            product("h-ems", "h", "mgmt.ems"),
            product("h-gnb", "h", "ran.gnb"),
            product("l-oss", "l", "mgmt.oss"),
            product("l-gnb", "l", "ran.gnb", ["1", "2", "3"]),
            product("l-amf", "l", "core.amf"),
        ],
        "operators": [operator("a", 4000), operator("b", 1500)],
        "assets": [
            {"id": "a.ems", "operator": "a", "kind": "mgmt.ems", "product": "h-ems@1"},
            {
                "id": "a.oss",
                "operator": "a",
                "kind": "mgmt.oss",
                "product": "l-oss@1",
                "managed_by": "a.ems",
            },
            {"id": "b.amf", "operator": "b", "kind": "core.amf", "product": "l-amf@1"},
        ],
        "sites": [
            *(
                site(f"a.s{i}", "a", "l-gnb@1", population=500, battery_hours=b, managed_by="a.oss")
                for i, b in enumerate([1, 2, None, 5])
            ),
            *(
                site(f"b.s{i}", "b", f"l-gnb@{1 + i % 3}", population=250, battery_hours=8)
                for i in range(4)
            ),
        ],
    }
    defaults.update(more)
    return build(**defaults)


# ---------------------------------------------------------------------------- each rule


def test_constant_gives_its_level_and_says_it_is_an_assumption() -> None:
    level, facts = apply(network(), rule="constant", level="medium")
    assert level is Level.MEDIUM and "no data" in facts[0]


def test_version_count() -> None:
    # b runs l-gnb 1, 2 and 3 and l-amf 1: four versions
    assert apply(network(), 1, rule="version-count", medium_at=2, high_at=4)[0] is Level.HIGH
    level, facts = apply(network(), 1, rule="version-count", medium_at=2, high_at=5)
    assert (
        level is Level.MEDIUM
        and "b runs 4 distinct product versions of 1 supplier on its own assets" in facts[0]
    )


def test_missing_measures_counts_measures_not_in_place() -> None:
    measures = [
        {"measure": "TM03", "operator": "a", "status": "implemented"},
        {"measure": "SM04", "status": "in-progress"},
    ]
    level, facts = apply(
        network(measures=measures),
        rule="missing-measures",
        measures=["TM03", "SM04"],
        medium_at=1,
        high_at=2,
    )
    assert level is Level.MEDIUM
    assert "TM03 implemented (operator record); SM04 in-progress (national record)" in facts[0]
    assert (
        apply(
            network(), rule="missing-measures", measures=["TM03", "SM04"], medium_at=1, high_at=2
        )[0]
        is Level.HIGH
    )


def test_supplier_product_quality_reads_suppliers_with_a_material_presence() -> None:
    # h (quality high) runs a critical EMS in a; b has only l (quality low)
    assert apply(network(), 0, rule="supplier-product-quality", min_share=0.05)[0] is Level.HIGH
    level, facts = apply(network(), 1, rule="supplier-product-quality", min_share=0.05)
    assert level is Level.LOW and facts[0].startswith("l in b: product quality low")


def test_supplier_concentration_from_hhi_and_single_supplier_dependencies() -> None:
    level, facts = apply(network(), 1, rule="supplier-concentration", medium_at=2500, high_at=10000)
    assert level is Level.HIGH and any("comes from one supplier" in f for f in facts)
    mixed = network(
        sites=[
            site("a1", "a", "l-gnb@1"),
            site("a2", "a", "l-gnb@1"),
            site("a3", "a", "l-gnb@1"),
            site("a4", "a", "h-gnb@1"),
        ],
        assets=[],
    )
    level, facts = apply(mixed, 0, rule="supplier-concentration", medium_at=2500, high_at=10000)
    assert (
        level is Level.MEDIUM
        and "HHI 6,250 (high concentration by the diversity bands)" in facts[0]
    )  # 75² + 25²


def test_high_profile_in_a_critical_asset_or_a_management_path_is_high() -> None:
    level, facts = apply(network(), 0, rule="high-profile-key-assets")
    assert level is Level.HIGH
    assert any("h (profile high) runs 1 asset of a, 1 of them critical: a.ems" in f for f in facts)
    # the OSS and, through it, all four sites are on h's management path
    assert any(
        f.startswith("5 assets of a are on the management path") and "4 radio sites" in f
        for f in facts
    )
    assert apply(network(), 1, rule="high-profile-key-assets")[0] is Level.LOW


def test_management_path_alone_makes_it_high() -> None:
    # h's EMS managing l's OSS, but h's EMS is not counted as critical here: the path still is
    model = network(
        assets=[
            {"id": "a.ems", "operator": "a", "kind": "mgmt.ems", "product": "h-ems@1"},
            {
                "id": "a.oss",
                "operator": "a",
                "kind": "mgmt.oss",
                "product": "l-oss@1",
                "managed_by": "a.ems",
            },
        ]
    )
    assert apply(model, 0, rule="high-profile-key-assets")[0] is Level.HIGH


def test_high_profile_radio_alone_is_medium_and_unknown_critical_counts_as_high() -> None:
    radio_only = network(assets=[], sites=[site("a1", "a", "h-gnb@1"), site("a2", "a", "l-gnb@1")])
    assert apply(radio_only, 0, rule="high-profile-key-assets")[0] is Level.MEDIUM
    unknown = network(
        suppliers=[supplier("h", None), supplier("l", "low")],
        assets=[{"id": "a.amf", "operator": "a", "kind": "core.amf", "product": "h-amf@1"}],
        sites=[],
    )
    # an unknown profile is never read as low: it counts at its highest possible level
    level, facts = apply(unknown, 0, rule="high-profile-key-assets")
    assert level is Level.HIGH
    assert "h (profile unknown, counted at its highest possible level (high))" in facts[0]


def test_exposed_functions_with_raising_evidence_are_high() -> None:
    nef = {
        "products": [product("l-nef", "l", "core.nef"), product("l-gnb", "l", "ran.gnb")],
        "assets": [{"id": "a.nef", "operator": "a", "kind": "core.nef", "product": "l-nef@1"}],
        "sites": [],
    }
    spec = {"rule": "exposed-function-findings", "tags": ["exposure"], "level": "medium"}
    assert apply(network(**nef), 0, **spec)[0] is Level.MEDIUM
    finding = {
        "id": "f1",
        "type": "finding",
        "title": "API authorisation bypass",
        "severity": "high",
        "status": "open",
        "affected": ["l-nef@1"],
        "source": "pentest",
    }
    level, facts = apply(network(**nef, evidence=[finding]), 0, **spec)
    assert level is Level.HIGH and any(
        f.startswith("f1, on a version exposed functions of a run: open high finding")
        for f in facts
    )


def test_critical_services_on_high_profile_paths() -> None:
    carrying = network(
        sites=[site("a1", "a", "l-gnb@1", critical_services=("health",), managed_by="a.oss")]
    )
    level, facts = apply(carrying, 0, rule="critical-service-suppliers", basis="profile")
    assert level is Level.HIGH and "profile is or could be high (h)" in facts[1]
    clean = network(sites=[site("b1", "b", "l-gnb@1", critical_services=("health",))])
    assert apply(clean, 1, rule="critical-service-suppliers", basis="profile")[0] is Level.MEDIUM
    assert apply(network(), 1, rule="critical-service-suppliers", basis="profile")[0] is Level.LOW


def test_critical_services_name_only_the_suppliers_behind_the_flagged_assets() -> None:
    """h (high) manages a's OSS, which manages a's one site carrying a critical service;
    u (profile unknown, so possibly high) runs a's UPF, which carries none. The fact names
    h, not u; once the UPF carries a service too, both."""

    def model(upf_services: tuple[str, ...]) -> NetworkModel:
        return build(
            suppliers=[supplier("h", HIGH), supplier("l", "low"), supplier("u", None)],
            products=[
                product("h-ems", "h", "mgmt.ems"),
                product("l-oss", "l", "mgmt.oss"),
                product("l-gnb", "l", "ran.gnb"),
                product("u-upf", "u", "core.upf"),
            ],
            operators=[operator("a")],
            assets=[
                {"id": "a.ems", "operator": "a", "kind": "mgmt.ems", "product": "h-ems@1"},
                {
                    "id": "a.oss",
                    "operator": "a",
                    "kind": "mgmt.oss",
                    "product": "l-oss@1",
                    "managed_by": "a.ems",
                },
                {
                    "id": "a.upf",
                    "operator": "a",
                    "kind": "core.upf",
                    "product": "u-upf@1",
                    "critical_services": list(upf_services),
                },
            ],
            sites=[site("a1", "a", "l-gnb@1", critical_services=("health",), managed_by="a.oss")],
        )

    level, facts = apply(model(()), 0, rule="critical-service-suppliers", basis="profile")
    assert level is Level.HIGH
    assert facts == [
        "1 asset of a carries critical services",
        "the asset of a carrying critical services is supplied or managed by a supplier "
        "whose profile is or could be high (h)",
    ]
    _, facts = apply(model(("health",)), 0, rule="critical-service-suppliers", basis="profile")
    assert facts == [
        "2 assets of a carry critical services",
        "both assets of a carrying critical services are supplied or managed by suppliers "
        "whose profile is or could be high (h, u; u: profile unknown, counted at high)",
    ]


def test_battery_autonomy_counts_unknown_autonomy_as_short() -> None:
    level, facts = apply(
        network(), 0, rule="battery-autonomy", hours=3, medium_at=0.25, high_at=0.5
    )
    # a's sites: 1 h, 2 h, unknown, 5 h → 3 of 4 short
    assert level is Level.HIGH
    assert (
        facts[0].startswith("3 of 4 radio sites of a (75.0%) have less than 3 h")
        and "1 of them with none recorded" in facts[0]
    )
    assert (
        apply(network(), 1, rule="battery-autonomy", hours=3, medium_at=0.25, high_at=0.5)[0]
        is Level.LOW
    )


def test_short_autonomy_population() -> None:
    level, facts = apply(
        network(), 0, rule="short-autonomy-population", hours=3, medium_at=0.05, high_at=0.2
    )
    assert level is Level.MEDIUM  # 1,500 people of 10,000
    assert (
        "1,500 people (15.0% of the population)" in facts[0] and "500 people per site" in facts[0]
    )


def test_population_and_subscriber_shares() -> None:
    assert (
        apply(network(), 0, rule="population-share", medium_at=0.1, high_at=0.25)[0] is Level.MEDIUM
    )  # 2,000 / 10,000
    assert (
        apply(network(), 0, rule="subscriber-share", medium_at=0.1, high_at=0.25)[0] is Level.HIGH
    )  # 4,000 / 10,000
    assert (
        apply(network(), 1, rule="subscriber-share", medium_at=0.1, high_at=0.25)[0] is Level.MEDIUM
    )  # 1,500


def test_exposed_population_is_everyone_served_when_a_critical_asset_is_touched() -> None:
    level, facts = apply(
        network(), 0, rule="exposed-population", basis="profile", medium_at=0.1, high_at=0.25
    )
    assert level is Level.MEDIUM and facts[0].startswith("2,000 people exposed (20.0%")
    radio_only = network(
        assets=[],
        sites=[
            site("a1", "a", "h-gnb@1", population=1200),
            site("a2", "a", "l-gnb@1", population=5000),
        ],
    )
    level, facts = apply(
        radio_only, 0, rule="exposed-population", basis="profile", medium_at=0.1, high_at=0.25
    )
    assert level is Level.MEDIUM and facts[0].startswith("1,200 people exposed")


def test_exposed_population_is_the_reach_of_the_suppliers_assets_not_everyone() -> None:
    """h's element manager (a critical kind) manages one of a's four sites and h's SMF is
    required by two others; a's fourth site neither runs on, is managed through nor
    depends on anything of h's. Exposed: the three sites h's assets reach, not all four."""
    model = network(
        products=[
            product("h-ems", "h", "mgmt.ems"),
            product("h-smf", "h", "core.smf"),
            product("l-ems", "l", "mgmt.ems"),
            product("l-gnb", "l", "ran.gnb"),
        ],
        assets=[
            {"id": "a.ems-h", "operator": "a", "kind": "mgmt.ems", "product": "h-ems@1"},
            {"id": "a.ems-l", "operator": "a", "kind": "mgmt.ems", "product": "l-ems@1"},
            {"id": "a.smf", "operator": "a", "kind": "core.smf", "product": "h-smf@1"},
        ],
        sites=[
            site("a1", "a", "l-gnb@1", population=300, managed_by="a.ems-h"),
            site("a2", "a", "l-gnb@1", population=500, requires=("a.smf",)),
            site("a3", "a", "l-gnb@1", population=700, requires=("a.smf",)),
            site("a4", "a", "l-gnb@1", population=2000, managed_by="a.ems-l"),
        ],
    )
    level, facts = apply(
        model, 0, rule="exposed-population", basis="profile", medium_at=0.1, high_at=0.25
    )
    # 300 + 500 + 700 = 1,500 of 10,000: medium; everyone a serves (3,500) would be high
    assert level is Level.MEDIUM
    assert facts[0].startswith("1,500 people exposed (15.0% of the population)")
    assert "3 radio sites of a" in facts[0] and "(h)" in facts[0]
    assert "everyone" not in facts[0]
    # only the manager, on one site: 300 people, low
    managed_only = network(
        products=[product("h-ems", "h", "mgmt.ems"), product("l-gnb", "l", "ran.gnb")],
        assets=[{"id": "a.ems-h", "operator": "a", "kind": "mgmt.ems", "product": "h-ems@1"}],
        sites=[
            site("a1", "a", "l-gnb@1", population=300, managed_by="a.ems-h"),
            site("a2", "a", "l-gnb@1", population=3200),
        ],
    )
    level, facts = apply(
        managed_only, 0, rule="exposed-population", basis="profile", medium_at=0.1, high_at=0.25
    )
    assert level is Level.LOW and facts[0].startswith("300 people exposed (3.0%")


def test_largest_supplier_population_pooled_nationally() -> None:
    level, facts = apply(
        network(), None, rule="largest-supplier-population", medium_at=0.1, high_at=0.25
    )
    assert (
        level is Level.HIGH
        and "l is the largest radio supplier of the country, serving 3,000 people" in facts[0]
    )


def _masts() -> NetworkModel:
    """Operator a (country of 10,000): mast m1 carries h's 4G and 5G radios (1,500 people,
    1 h of battery); mast m2 an h radio and an l radio (1,000 people); s3 an l radio alone
    (500 people); m2 and s3 have 8 h of battery."""
    return network(
        products=[
            product("h-enb", "h", "ran.enb"),
            product("h-gnb", "h", "ran.gnb"),
            product("l-gnb", "l", "ran.gnb"),
        ],
        assets=[],
        sites=[
            site(
                "m1-4g", "a", "h-enb@1", kind="ran.enb", site="m1", population=1500, battery_hours=1
            ),
            site("m1-5g", "a", "h-gnb@1", site="m1", population=1500, battery_hours=1),
            site("m2-h", "a", "h-gnb@1", site="m2", population=1000, battery_hours=8),
            site("m2-l", "a", "l-gnb@1", site="m2", population=1000, battery_hours=8),
            site("s3", "a", "l-gnb@1", population=500, battery_hours=8),
        ],
    )


def test_register_rules_count_a_site_of_several_radios_once() -> None:
    """a serves 1,500 + 1,000 + 500 = 3,000 people on 3 radio sites (counting each radio:
    5,500 on 5). h's largest: m1 once and m2 whole (its radio serves m2's people, as in its
    footprint) = 2,500 (not 4,000); its exposure the same 2,500 on 2 sites. Short of 3 h:
    m1, 1 of 3 sites, 1,500 people (not 2 of 5, 3,000)."""
    model = _masts()
    level, facts = apply(model, 0, rule="population-share", medium_at=0.25, high_at=0.5)
    assert level is Level.MEDIUM and "a serves 3,000 people by radio, 30.0%" in facts[0]
    level, facts = apply(model, 0, rule="largest-supplier-population", medium_at=0.1, high_at=0.3)
    assert level is Level.MEDIUM
    assert "h is the largest radio supplier of a, serving 2,500 people" in facts[0]
    level, facts = apply(
        model, 0, rule="exposed-population", basis="profile", medium_at=0.1, high_at=0.3
    )
    assert level is Level.MEDIUM
    assert facts[0].startswith("2,500 people exposed (25.0%") and "2 radio sites of a" in facts[0]
    level, facts = apply(model, 0, rule="battery-autonomy", hours=3, medium_at=0.3, high_at=0.4)
    assert level is Level.MEDIUM and facts[0].startswith("1 of 3 radio sites of a (33.3%)")
    level, facts = apply(
        model, 0, rule="short-autonomy-population", hours=3, medium_at=0.1, high_at=0.2
    )
    assert level is Level.MEDIUM
    assert "1,500 people (15.0% of the population) are served by 1 radio site" in facts[0]


def test_supplier_shares_and_site_counts_in_facts_count_a_site_once() -> None:
    """Product quality: h holds m1 and half of m2, 1.5 of 3 radio sites (50 %), l half of
    m2 and s3, 50 % (counting radios: 60 % and 40 %). h's key assets: 3 radios on 2 sites.
    A shared mast of two radios is 1 radio site of b's, and 1 of them shared."""
    _, facts = apply(_masts(), 0, rule="supplier-product-quality", min_share=0.05)
    assert [f.endswith("and 50.0% of the radio sites") for f in facts] == [True, True]
    _, facts = apply(_masts(), 0, rule="high-profile-key-assets")
    assert facts == ["h (profile high) runs 3 assets of a; 2 radio sites"]
    shared = network(
        products=[product("h-enb", "h", "ran.enb"), product("h-gnb", "h", "ran.gnb")],
        assets=[],
        sites=[
            site(
                "m1-4g",
                "a",
                "h-enb@1",
                kind="ran.enb",
                site="m1",
                population=1500,
                shared_with=["b"],
            ),
            site("m1-5g", "a", "h-gnb@1", site="m1", population=1500, shared_with=["b"]),
        ],
    )
    _, facts = apply(shared, 1, rule="high-profile-key-assets")
    assert facts == [
        "h (profile high) runs 2 assets of b; 1 radio site (1 of them radio sites a shares with b)"
    ]


def test_an_unknown_suppliers_exposure_counts_a_site_once() -> None:
    """u (profile unknown) runs both radios of mast m1 (1,500 people): its exposure fact
    counts them once, not 3,000."""
    model = network(
        suppliers=[supplier("h", HIGH), supplier("l", "low"), supplier("u", None)],
        products=[product("u-enb", "u", "ran.enb"), product("u-gnb", "u", "ran.gnb")],
        assets=[],
        sites=[
            site("m1-4g", "a", "u-enb@1", kind="ran.enb", site="m1", population=1500),
            site("m1-5g", "a", "u-gnb@1", site="m1", population=1500),
        ],
    )
    _, facts = apply(
        model, 0, rule="exposed-population", basis="profile", medium_at=0.1, high_at=0.3
    )
    assert any(f.startswith("1,500 of the people a serves are on radio sites") for f in facts)


def test_critical_services_counts_distinct_services() -> None:
    model = network(
        sites=[
            site("a1", "a", "l-gnb@1", critical_services=("health", "energy")),
            site("a2", "a", "l-gnb@1", critical_services=("health",)),
        ]
    )
    level, facts = apply(model, 0, rule="critical-services", medium_at=1, high_at=3)
    assert level is Level.MEDIUM and "a carries 2 critical services: health, energy" in facts[0]


# ---------------------------------------------------------------------------- the register


def test_every_entry_follows_the_matrix_and_the_residual_rule() -> None:
    result = run(network())
    rules = default_catalogue().assessment
    for e in result.risk_register.entries:
        assert e.level is rules.matrix.level(e.likelihood.effective, e.impact.effective)
        assert e.computed_level is rules.matrix.level(e.likelihood.computed, e.impact.computed)
        assert e.residual is rules.matrix.level(e.residual_likelihood, e.impact.effective)
        assert e.residual_likelihood.rank <= e.likelihood.effective.rank
    scopes = {e.scope for e in result.risk_register.entries}
    assert scopes == {"national", "a", "b"} and len(result.risk_register.entries) == 27


def test_measures_read_by_the_likelihood_rule_are_not_counted_twice() -> None:
    measures = [
        {"measure": m, "operator": "a", "status": "implemented"} for m in ("TM03", "TM05", "TM06")
    ] + [
        {"measure": "SM02", "status": "implemented"},
        {"measure": "SM04", "status": "not-applicable"},
        {"measure": "SA01", "status": "in-progress"},
    ]
    result = run(network(measures=measures))
    r2 = entry(result, "R2", "a")
    counted = {m.measure: m.credit for m in r2.measures if m.counted}
    # R2's likelihood reads TM03 and SM04; SA02 is unrecorded
    assert counted == {"SM02": 1.0, "TM05": 1.0, "TM06": 1.0, "SA01": 0.5, "SA02": 0.0}
    assert r2.coverage == pytest.approx(3.5 / 5)
    assert r2.likelihood.computed is Level.LOW  # TM03 in place, SM04 not applicable
    assert r2.residual_likelihood is Level.LOW


def test_coverage_steps_lower_likelihood() -> None:
    links = default_catalogue().risk_measures.links["R5"]
    full = [{"measure": m, "operator": "a", "status": "implemented"} for m in links]
    result = run(network(measures=full))
    r5 = entry(result, "R5", "a")
    assert (r5.likelihood.effective, r5.coverage, r5.residual_likelihood) == (
        Level.HIGH,
        1.0,
        Level.LOW,
    )
    bare = entry(run(network()), "R5", "a")
    assert (bare.coverage, bare.residual_likelihood) == (0.0, Level.HIGH)


def test_overrides_show_computed_and_overridden_values() -> None:
    overrides = [
        {"risk": "R8", "likelihood": "low", "rationale": "Generators at every site since 2025."},
        {
            "risk": "R1",
            "operator": "b",
            "impact": "high",
            "rationale": "Carries the emergency network.",
        },
    ]
    result = run(network(overrides=overrides))
    r8 = entry(result, "R8", "national")
    assert r8.likelihood.override is Level.LOW and r8.likelihood.effective is Level.LOW
    assert r8.likelihood.computed is not Level.LOW or r8.likelihood.override is Level.LOW
    assert r8.override_rationale == "Generators at every site since 2025."
    r1 = entry(result, "R1", "b")
    assert (r1.impact.computed, r1.impact.override, r1.impact.effective) == (
        Level.MEDIUM,
        Level.HIGH,
        Level.HIGH,
    )
    assert entry(result, "R1", "a").override_rationale is None


def test_national_entry_is_the_worst_operator_unless_pooled() -> None:
    result = run(network())
    r5 = entry(result, "R5", "national")
    assert r5.likelihood.computed is Level.HIGH
    assert r5.likelihood.facts[0].text.startswith(
        "the likelihood for the country is the highest among operators: a (high)"
    )
    # the facts borrowed from a describe a's network, and say so
    assert all(f.text.startswith("a: ") for f in r5.likelihood.facts[1:])
    r8 = entry(result, "R8", "national")  # pooled: 3 of 8 sites short
    assert "3 of 8 radio sites of the country" in r8.likelihood.facts[0].text


# ---------------------------------------------------------------------------- unknown levels


def unknown_radio(levels: list[str | None]) -> NetworkModel:
    """a's four radio sites (2,000 people) all come from u, scored ``levels``."""
    return network(
        suppliers=[supplier("h", HIGH), supplier("l", "low"), supplier("u", levels)],
        products=[product("u-gnb", "u", "ran.gnb"), product("l-amf", "l", "core.amf")],
        assets=[],
        sites=[site(f"a.s{i}", "a", "u-gnb@1", population=500) for i in range(4)],
    )


def test_unknown_product_quality_counts_at_its_highest_level_for_likelihood_and_impact() -> None:
    # quality not scored: R3's likelihood took it as high; the impact must too, not as 0
    result = run(unknown_radio(["low"] * 5 + [None]))
    r3 = entry(result, "R3", "a")
    assert r3.likelihood.computed is Level.HIGH
    assert "unknown, counted at its highest possible level (high)" in r3.likelihood.facts[0].text
    assert r3.impact.computed is Level.MEDIUM  # 2,000 of 10,000 people: 20 %
    texts = [f.text for f in r3.impact.facts]
    assert texts[0].startswith("2,000 people exposed (20.0% of the population)")
    assert (
        "2,000 of the people a serves are on radio sites that run on, are managed through "
        "or depend on assets of suppliers " in texts[1]
    )
    assert "whose product quality is unknown (u)" in texts[1]


def test_unknown_profile_counts_at_its_highest_level_for_state_interference() -> None:
    # government_link unknown with legislation high: the profile is medium or high
    result = run(unknown_radio([None, "high", "low", "low", "low", "low"]))
    assert next(s for s in result.suppliers if s.id == "u").profile == "unknown"
    r5 = entry(result, "R5", "a")
    assert r5.likelihood.computed is Level.MEDIUM  # radio only
    assert r5.impact.computed is Level.MEDIUM
    assert any("whose profile is unknown (u)" in f.text for f in r5.impact.facts)
    # scored low, nothing is exposed
    clean = entry(run(unknown_radio(["low"] * 6)), "R5", "a")
    assert clean.impact.facts[0].text.startswith("0 people exposed")


def test_an_override_equal_to_the_computed_value_says_it_confirms_it() -> None:
    # R5 likelihood: high for a (h in its management path), low for b
    overrides = [
        {"risk": "R5", "operator": "a", "likelihood": "high", "rationale": "agreed"},
        {"risk": "R5", "operator": "b", "likelihood": "medium", "rationale": "disputed"},
    ]
    result = run(network(overrides=overrides))
    same = entry(result, "R5", "a").likelihood
    assert same.override is same.computed is Level.HIGH
    assert same.facts[-1].text == (
        "the analyst's override (high) confirms the computed likelihood for a"
    )
    changed = entry(result, "R5", "b").likelihood
    assert (changed.computed, changed.override) == (Level.LOW, Level.MEDIUM)
    assert changed.facts[-1].text == (
        "the analyst's override sets the likelihood for b to medium (computed: low)"
    )
