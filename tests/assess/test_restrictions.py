"""Restriction policies executed against hand-built models with hand-computed results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.policy_file import parse_policy
from fiveguard.assess.results import PolicyAssessment
from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.yamlsource import read_yaml

HIGH = ["high"] * 6
MEDIUM = ["high", "low", "low", "low", "low", "low"]  # one high factor: medium profile


@pytest.fixture(scope="module")
def network() -> NetworkModel:
    """Two operators. Operator a: 4 of 10 radio sites from the high-profile supplier, but
    they serve few people (40 of 640); operator b: 3 of 10 sites, serving most (3,000 of
    3,700). Core, management and IP core of a come from the high-profile supplier."""
    sites = [
        *(site(f"a.hi{i}", "a", "hi-gnb@1", population=10, sensitive=i == 0) for i in range(4)),
        *(site(f"a.lo{i}", "a", "lo-gnb@1", population=100, sensitive=i == 0) for i in range(6)),
        *(site(f"b.hi{i}", "b", "hi-gnb@1", population=1000) for i in range(3)),
        *(site(f"b.lo{i}", "b", "lo-gnb@1", population=100) for i in range(7)),
    ]
    return build(
        suppliers=[supplier("hi", HIGH), supplier("lo", "low")],
        products=[
            product("hi-gnb", "hi", "ran.gnb"),
            product("hi-amf", "hi", "core.amf"),
            product("hi-ems", "hi", "mgmt.ems"),
            product("hi-ipr", "hi", "transport.ipcore"),
            product("lo-gnb", "lo", "ran.gnb"),
            product("lo-amf", "lo", "core.amf"),
        ],
        operators=[operator("a"), operator("b")],
        assets=[
            {
                "id": "a.amf",
                "operator": "a",
                "kind": "core.amf",
                "product": "hi-amf@1",
                "installed": "2021-03-01",
            },
            {
                "id": "a.ems",
                "operator": "a",
                "kind": "mgmt.ems",
                "product": "hi-ems@1",
                "installed": "2019-01-01",
            },
            {"id": "a.ipr", "operator": "a", "kind": "transport.ipcore", "product": "hi-ipr@1"},
            {"id": "b.amf", "operator": "b", "kind": "core.amf", "product": "lo-amf@1"},
        ],
        sites=sites,
        population=5000,
    )


def rule(**fields: Any) -> dict[str, Any]:
    base = {"rule": "exclude", "id": "r", "text": "a rule", "targets": {"domains": ["core"]}}
    return {**base, **fields}


def check(model: NetworkModel, *rules: dict[str, Any]) -> PolicyAssessment:
    return run(model, {"rules": list(rules)}).violations


# ---------------------------------------------------------------------------- exclude


def test_exclude_by_domain_names_the_assets_supplier_and_operator(network: NetworkModel) -> None:
    result = check(network, rule())
    [v] = result.violations
    assert (v.status, v.suppliers, v.operator, v.assets, v.kinds) == (
        "violation",
        ("hi",),
        "a",
        ("a.amf",),
        ("core.amf",),
    )
    assert (v.quantity.assets, v.quantity.sites, v.quantity.population) == (1, 0, 0)
    assert "a.amf (core.amf)" in v.explanation
    assert result.rules[0].status == "violated"


@pytest.mark.parametrize(
    ("targets", "assets"),
    [
        ({"kinds": ["mgmt.ems"]}, {"a.ems"}),
        ({"tags": ["backbone"]}, {"a.ipr"}),
        ({"domains": ["core", "management"]}, {"a.amf", "a.ems"}),
        (
            {"all_assets": True},
            {
                "a.amf",
                "a.ems",
                "a.ipr",
                "a.hi0",
                "a.hi1",
                "a.hi2",
                "a.hi3",
                "b.hi0",
                "b.hi1",
                "b.hi2",
            },
        ),
    ],
)
def test_exclude_targets_kinds_tags_domains_or_everything(
    network: NetworkModel, targets: dict[str, Any], assets: set[str]
) -> None:
    result = check(network, rule(targets=targets))
    assert {a for v in result.violations for a in v.assets} == assets
    assert sum(v.asset_count for v in result.violations) == len(assets)


@pytest.fixture(scope="module")
def two_generations() -> NetworkModel:
    """One high-profile supplier's 5G AMF, 4G MME and S-GW, element manager and eNB site."""
    return build(
        suppliers=[supplier("hi", HIGH)],
        products=[
            product("amf", "hi", "core.amf"),
            product("mme", "hi", "core.mme"),
            product("sgw", "hi", "core.sgw"),
            product("ems", "hi", "mgmt.ems"),
            product("enb", "hi", "ran.enb"),
        ],
        operators=[operator("a")],
        assets=[
            {"id": "amf", "operator": "a", "kind": "core.amf", "product": "amf@1"},
            {"id": "mme", "operator": "a", "kind": "core.mme", "product": "mme@1"},
            {"id": "sgw", "operator": "a", "kind": "core.sgw", "product": "sgw@1"},
            {"id": "ems", "operator": "a", "kind": "mgmt.ems", "product": "ems@1"},
        ],
        sites=[site("enb", "a", "enb@1", kind="ran.enb")],
    )


@pytest.mark.parametrize(
    ("targets", "assets"),
    [
        ({"domains": ["core", "management"]}, {"amf", "mme", "sgw", "ems"}),
        ({"domains": ["core", "management"], "generations": ["5g", "any"]}, {"amf", "ems"}),
        ({"all_assets": True, "generations": ["5g"]}, {"amf"}),
        ({"all_assets": True, "generations": ["4g"]}, {"mme", "sgw", "enb"}),
        # a kind listed by id is covered whatever the generations say
        (
            {"domains": ["core"], "kinds": ["core.mme"], "generations": ["5g", "any"]},
            {"amf", "mme"},
        ),
    ],
)
def test_generations_narrow_domains_tags_and_all_assets_but_not_listed_kinds(
    two_generations: NetworkModel, targets: dict[str, Any], assets: set[str]
) -> None:
    result = check(two_generations, rule(targets=targets))
    assert {a for v in result.violations for a in v.assets} == assets


def test_sensitive_sites_only_counts_sensitive_rows(network: NetworkModel) -> None:
    result = check(network, rule(targets={"all_assets": True}, sensitive_sites_only=True))
    [v] = result.violations
    assert v.assets == ("a.hi0",) and v.quantity.population == 10


def test_installed_after_counts_new_equipment_and_flags_undated_assets(
    network: NetworkModel,
) -> None:
    result = check(
        network,
        rule(
            targets={"domains": ["core", "management", "transport"]}, installed_after="2020-12-31"
        ),
    )
    by_status = {v.status: v for v in result.violations}
    assert by_status["violation"].assets == ("a.amf",)  # 2021 is after; a.ems (2019) is not
    assert by_status["unresolved"].assets == ("a.ipr",)  # no installation date
    assert any("no installation date" in n for n in result.rules[0].notes)


@pytest.fixture(scope="module")
def purchases() -> NetworkModel:
    """One high-profile supplier's gNB sites, bought and installed around a purchase ban of
    31 December 2020 and an installation ban from 30 September 2021."""
    dated = {
        "bought-2020-installed-2021": ("2020-06-01", "2021-03-01"),
        "bought-2021": ("2021-02-01", "2021-03-01"),
        "bought-2020-installed-late": ("2020-06-01", "2021-11-01"),
        "undated-purchase-installed-2020": (None, "2020-10-01"),
        "undated-purchase-installed-2021": (None, "2021-05-01"),
        "undated": (None, None),
    }
    return build(
        suppliers=[supplier("hi", HIGH)],
        products=[product("g", "hi", "ran.gnb")],
        operators=[operator("a")],
        sites=[
            site(ident, "a", "g@1", purchased=bought, installed=put)
            for ident, (bought, put) in dated.items()
        ],
    )


def statuses(result: PolicyAssessment) -> dict[str, set[str]]:
    return {v.status: set(v.assets) for v in result.violations}


def test_a_purchase_ban_judges_purchase_dates_not_installation_dates(
    purchases: NetworkModel,
) -> None:
    result = check(purchases, rule(targets={"all_assets": True}, purchased_after="2020-12-31"))
    assert statuses(result) == {
        "violation": {"bought-2021"},
        # no purchase date, and installed after the ban (or never dated): unknown
        "unresolved": {"undated-purchase-installed-2021", "undated"},
    }
    notes = result.rules[0].notes
    assert any(
        "1 asset of suppliers in scope has no purchase date but was installed by 2020-12-31, "
        "so bought by then too" in n
        for n in notes
    )
    assert any("2 assets of suppliers in scope have no purchase date and no" in n for n in notes)


def test_kit_bought_before_a_purchase_ban_and_installed_after_it_breaks_neither_rule(
    purchases: NetworkModel,
) -> None:
    # an installation date alone, read as the purchase ban, would flag it wrongly
    as_installed = check(
        purchases, rule(targets={"all_assets": True}, installed_after="2020-12-31")
    )
    assert "bought-2020-installed-2021" in statuses(as_installed)["violation"]
    bought = check(purchases, rule(targets={"all_assets": True}, purchased_after="2020-12-31"))
    installed = check(purchases, rule(targets={"all_assets": True}, installed_after="2021-09-30"))
    flagged = {a for result in (bought, installed) for v in result.violations for a in v.assets}
    assert "bought-2020-installed-2021" not in flagged
    assert statuses(installed)["violation"] == {"bought-2020-installed-late"}


def test_purchase_and_installation_dates_in_one_rule_must_both_be_after(
    purchases: NetworkModel,
) -> None:
    result = check(
        purchases,
        rule(
            targets={"all_assets": True},
            purchased_after="2020-12-31",
            installed_after="2021-02-15",
        ),
    )
    # bought-2021 (both after); undated-purchase-installed-2021 (installed after, purchase
    # unknown) and undated (neither known) stay open; the rest are certainly out
    assert statuses(result) == {
        "violation": {"bought-2021"},
        "unresolved": {"undated-purchase-installed-2021", "undated"},
    }


def test_a_deadline_running_from_an_undated_event_keeps_breaking_assets_in_transition(
    network: NetworkModel,
) -> None:
    pending = {"months": 36, "event": "the supplier is designated"}
    result = check(network, rule(deadline_after=pending))
    [v] = result.violations
    assert (v.status, v.deadline) == ("in-transition", None)
    assert v.explanation.endswith(
        "; in transition until 36 months after the supplier is designated (not yet dated)"
    )
    assert any("not yet dated" in n for n in result.rules[0].notes)
    # once the event is dated, the rule's deadline decides
    dated = check(network, rule(deadline_after=pending, deadline="2026-01-01"))
    assert [v.status for v in dated.violations] == ["violation"]
    [capped] = check(
        network, cap(measure="sites", per="operator", deadline_after=pending)
    ).violations
    assert capped.status == "in-transition" and "(not yet dated)" in capped.explanation


@pytest.mark.parametrize(
    ("deadline", "status"),
    [
        ("2027-12-31", "in-transition"),
        ("2026-06-30", "in-transition"),
        ("2026-06-29", "violation"),
        (None, "violation"),
    ],
)
def test_deadline_decides_transition_or_violation(
    network: NetworkModel, deadline: str | None, status: str
) -> None:
    result = check(network, rule(deadline=deadline))
    assert [v.status for v in result.violations] == [status]
    assert result.violations[0].deadline is None or str(result.violations[0].deadline) == deadline


def test_min_profile_medium_covers_medium_suppliers_and_unknown_profiles_are_unresolved() -> None:
    model = build(
        suppliers=[supplier("med", MEDIUM), supplier("lo", "low"), supplier("unk", None)],
        products=[
            product("m", "med", "core.amf"),
            product("l", "lo", "core.amf"),
            product("u", "unk", "core.amf"),
        ],
        operators=[operator("a")],
        assets=[
            {"id": "m1", "operator": "a", "kind": "core.amf", "product": "m@1"},
            {"id": "l1", "operator": "a", "kind": "core.amf", "product": "l@1"},
            {"id": "u1", "operator": "a", "kind": "core.amf", "product": "u@1"},
        ],
    )
    high = check(model, rule())
    assert [(v.status, v.assets) for v in high.violations] == [("unresolved", ("u1",))]
    assert high.rules[0].status == "unresolved"
    medium = check(model, rule(min_profile="medium"))
    assert sorted((v.status, v.assets) for v in medium.violations) == [
        ("unresolved", ("u1",)),
        ("violation", ("m1",)),
    ]


def test_many_site_rows_are_counted_with_a_sample_of_ids() -> None:
    model = build(
        suppliers=[supplier("hi", HIGH)],
        products=[product("g", "hi", "ran.gnb")],
        operators=[operator("a")],
        sites=[site(f"s{i:03d}", "a", "g@1", population=7) for i in range(25)],
    )
    [v] = check(model, rule(targets={"domains": ["ran"]})).violations
    assert v.asset_count == 25 and len(v.assets) == default_catalogue().assessment.sample_size
    assert v.assets[0] == "s000" and v.quantity.population == 175
    assert "25 assets (ran.gnb)" in v.explanation


# ---------------------------------------------------------------------------- caps


def cap(**fields: Any) -> dict[str, Any]:
    base = {
        "rule": "cap",
        "id": "cap",
        "text": "at most 35 %",
        "targets": {"domains": ["ran"]},
        "max_share": 0.35,
    }
    return {**base, **fields}


def test_cap_by_sites_per_operator(network: NetworkModel) -> None:
    [v] = check(network, cap(measure="sites", per="operator")).violations
    assert (v.operator, v.share, v.total, v.excess, v.quantity.sites) == ("a", 0.4, 10, 1, 4)
    assert v.suppliers == ("hi",) and v.asset_count == 4


def test_cap_counts_population_not_sites(network: NetworkModel) -> None:
    [v] = check(network, cap(measure="population", per="operator")).violations
    # operator a: 40 of 640 people (6.25 %) is within the cap; b: 3,000 of 3,700 is not
    assert v.operator == "b"
    assert v.share == pytest.approx(3000 / 3700)
    assert (v.total, v.excess) == (3700, 1705)  # 3,000 - 0.35 × 3,700 = 1,705 people


def test_national_cap_pools_the_operators(network: NetworkModel) -> None:
    by_sites = check(network, cap(measure="sites", per="national"))
    assert (
        by_sites.violations == () and by_sites.rules[0].status == "met"
    )  # 7 of 20 = 35 %, not above
    [v] = check(network, cap(measure="population", per="national")).violations
    assert v.operator is None and v.share == pytest.approx(3040 / 4340)


def test_cap_before_its_deadline_is_in_transition(network: NetworkModel) -> None:
    [v] = check(network, cap(measure="sites", per="operator", deadline="2027-01-01")).violations
    assert v.status == "in-transition" and "in transition until" in v.explanation


def test_cap_with_unknown_profiles_that_could_exceed_it_is_unresolved() -> None:
    model = build(
        suppliers=[supplier("unk", None), supplier("lo", "low")],
        products=[product("u", "unk", "ran.gnb"), product("l", "lo", "ran.gnb")],
        operators=[operator("a")],
        sites=[site("u1", "a", "u@1"), site("l1", "a", "l@1")],
    )
    [v] = check(model, cap(measure="sites", per="operator")).violations
    assert (v.status, v.share) == ("unresolved", 0.5)


def _mast_model(two_vendor: bool) -> NetworkModel:
    """Operator a. Without ``two_vendor``: mast m1 carries hi's 4G and 5G radios (600
    people), and three lo sites serve 100 each. With it: mast m2 carries a hi radio and a
    lo radio (400 people), and two lo sites serve 100 each."""
    if two_vendor:
        sites = [
            site("m2-hi", "a", "hi-gnb@1", site="m2", population=400),
            site("m2-lo", "a", "lo-gnb@1", site="m2", population=400),
            *(site(f"l{i}", "a", "lo-gnb@1", population=100) for i in range(2)),
        ]
    else:
        sites = [
            site("m1-4g", "a", "hi-enb@1", kind="ran.enb", site="m1", population=600),
            site("m1-5g", "a", "hi-gnb@1", site="m1", population=600),
            *(site(f"l{i}", "a", "lo-gnb@1", population=100) for i in range(3)),
        ]
    return build(
        suppliers=[supplier("hi", HIGH), supplier("lo", "low")],
        products=[
            product("hi-enb", "hi", "ran.enb"),
            product("hi-gnb", "hi", "ran.gnb"),
            product("lo-gnb", "lo", "ran.gnb"),
        ],
        operators=[operator("a")],
        sites=sites,
    )


@pytest.mark.parametrize("per", ["operator", "national"])
def test_a_cap_counts_a_mast_of_two_radios_once(per: str) -> None:
    """m1 is one radio site of 4: hi holds 1 of 4 (25 %), within 35 %. Counting each radio
    would give 2 of 5 (40 %), a false violation. By people: 600 of 900 (not 1,200 of
    1,500), above the cap by 600 - 0.35 × 900 = 285 people."""
    model = _mast_model(two_vendor=False)
    by_sites = check(model, cap(measure="sites", per=per))
    assert by_sites.violations == () and by_sites.rules[0].status == "met"
    [v] = check(model, cap(measure="population", per=per)).violations
    assert (v.share, v.total, v.excess) == (pytest.approx(600 / 900), 900, 285)
    assert (v.asset_count, v.quantity.sites, v.quantity.population) == (2, 1, 600)
    assert "600 of 900 people served" in v.explanation


@pytest.mark.parametrize("per", ["operator", "national"])
def test_a_cap_splits_a_two_vendor_site_between_its_suppliers(per: str) -> None:
    """m2 is half hi and half lo: hi holds 0.5 of 3 radio sites (1/6) and 200 of 600
    people (1/3), not 1 of 4 and 400 of 800. At a 10 % cap both exceed it: by sites by
    ceil(0.5 - 0.3) = 1 site, by people by 200 - 60 = 140."""
    model = _mast_model(two_vendor=True)
    [v] = check(model, cap(measure="sites", per=per, max_share=0.1)).violations
    assert (v.share, v.total, v.excess) == (pytest.approx(1 / 6), 3, 1)
    assert (v.quantity.sites, v.quantity.population) == (1, 400)
    [v] = check(model, cap(measure="population", per=per, max_share=0.1)).violations
    assert (v.share, v.total, v.excess) == (pytest.approx(1 / 3), 600, 140)
    # a 34 % cap holds: 1/3 of the people (counting m2 twice gave 400 of 800, 50 %)
    within = check(model, cap(measure="population", per=per, max_share=0.34))
    assert within.violations == ()


def test_a_shared_two_vendor_site_is_split_in_the_guests_cap() -> None:
    """m2 (a hi radio and a lo radio) is a's, shared with b (equal subscribers): b's view is
    m2 alone, half hi: 0.5 of 1 radio site (50 %) and 100 of its 200 people, above 35 %."""
    model = build(
        suppliers=[supplier("hi", HIGH), supplier("lo", "low")],
        products=[product("hi-gnb", "hi", "ran.gnb"), product("lo-gnb", "lo", "ran.gnb")],
        operators=[operator("a"), operator("b")],
        sites=[
            site("m2-hi", "a", "hi-gnb@1", site="m2", population=400, shared_with=["b"]),
            site("m2-lo", "a", "lo-gnb@1", site="m2", population=400, shared_with=["b"]),
            *(site(f"l{i}", "a", "lo-gnb@1", population=100) for i in range(2)),
        ],
    )
    [v] = check(model, cap(measure="sites", per="operator")).violations
    assert (v.operator, v.share, v.total, v.excess) == ("b", 0.5, 1, 1)
    assert "(0.5 of 1 radio sites: hi 50.0%)" in v.explanation
    assert "1 radio site of them are a's, shared with b" in v.explanation
    [v] = check(model, cap(measure="population", per="operator")).violations
    assert (v.operator, v.share, v.total, v.excess) == ("b", 0.5, 200, 30)
    assert (v.quantity.sites, v.quantity.population, v.quantity.operator_population) == (
        1,
        400,
        200,
    )


def test_an_exclusion_counts_a_mast_of_two_radios_once() -> None:
    """hi's 4G and 5G radios on mast m1 (600 people): two assets, one radio site, 600
    people, 600 depending on them (not 2 sites and 1,200)."""
    [v] = check(_mast_model(two_vendor=False), rule(targets={"domains": ["ran"]})).violations
    assert (v.asset_count, v.quantity.sites, v.quantity.population) == (2, 1, 600)
    assert (v.quantity.operator_population, v.people_depending) == (600, 600)
    assert "1 radio site serving 600 people" in v.explanation


def test_no_policy_checks_nothing(network: NetworkModel) -> None:
    result = run(network, None).violations
    assert (result.policy, result.rules, result.violations) == (None, (), ())


# ---------------------------------------------------------------------------- policy files


def test_a_policy_file_is_read_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "my-policy.yaml"
    path.write_text(
        "title: Ours\nrules:\n  - {rule: exclude, id: no-core, text: Not in the core., targets: {domains: [core]}}\n",
        encoding="utf-8",
    )
    policy = parse_policy(read_yaml(path, "my-policy.yaml"), default_catalogue())
    assert (policy.id, policy.source) == ("my-policy", "user policy file my-policy.yaml")


def test_policy_file_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "id: bad\ntitle: Bad\nsource: me\nrules:\n"
        "  - {rule: exclude, id: r1, text: t, min_profile: severe, targets: {domains: [core]}}\n"
        "  - {rule: exclude, id: r2, text: t, targets: {kinds: [core.xyz]}}\n"
        "  - {rule: cap, id: r3, text: t, targets: {domains: [ran]}, max_share: 0.35, measure: sites}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        parse_policy(read_yaml(path, "bad.yaml"), default_catalogue())
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.startswith("bad.yaml:5:") and "min_profile" in m and "severe" in m for m in messages
    )
    assert any(m.startswith("bad.yaml:7:") and "per" in m for m in messages)
    with pytest.raises(InputError) as unknown_kind:
        path.write_text(
            "id: k\ntitle: K\nsource: me\nrules:\n  - {rule: exclude, id: r2, text: t, targets: {kinds: [core.xyz]}}\n",
            encoding="utf-8",
        )
        parse_policy(read_yaml(path, "bad.yaml"), default_catalogue())
    [problem] = unknown_kind.value.problems
    assert str(problem).startswith("bad.yaml:5:") and "unknown asset kind 'core.xyz'" in str(
        problem
    )


def test_a_rule_id_used_twice_in_a_policy_file_is_refused_where_it_repeats(
    tmp_path: Path,
) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text(
        "title: Twice\nrules:\n"
        "  - {rule: exclude, id: core-and-management, text: a, targets: {domains: [core]}}\n"
        "  - {rule: exclude, id: sensitive, text: b, targets: {all_assets: true}}\n"
        "  - {rule: exclude, id: core-and-management, text: c, targets: {domains: [management]}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        parse_policy(read_yaml(path, "twice.yaml"), default_catalogue())
    [problem] = caught.value.problems
    assert str(problem).startswith("twice.yaml:5:") and "rules[2].id" in str(problem)
    assert "duplicate rule id 'core-and-management': rules[0] has it already" in str(problem)


# ---------------------------------------------------------------------------- people depending


def test_violations_name_the_people_served_through_the_breaking_assets() -> None:
    """h's SMF serves no one itself; a's two sites require it (300 people), a third site is
    managed by h's EMS (200 people), and b's site needs neither (999 people)."""
    model = build(
        suppliers=[supplier("h", ["high"] * 6), supplier("l", "low")],
        products=[
            product("h-smf", "h", "core.smf"),
            product("h-ems", "h", "mgmt.ems"),
            product("l-gnb", "l", "ran.gnb"),
        ],
        operators=[operator("a"), operator("b")],
        assets=[
            {"id": "a.smf", "operator": "a", "kind": "core.smf", "product": "h-smf@1"},
            {"id": "a.ems", "operator": "a", "kind": "mgmt.ems", "product": "h-ems@1"},
        ],
        sites=[
            site("a1", "a", "l-gnb@1", population=100, requires=("a.smf",)),
            site("a2", "a", "l-gnb@1", population=200, requires=("a.smf",)),
            site("a3", "a", "l-gnb@1", population=200, managed_by="a.ems"),
            site("b1", "b", "l-gnb@1", population=999),
        ],
    )
    rule = {"rule": "exclude", "id": "core", "text": "t", "targets": {"domains": ["core"]}}
    [v] = run(model, {"rules": [rule]}).violations.violations
    assert (v.quantity.population, v.people_depending) == (0, 300)
    assert "300 people are served by radio sites that depend on it" in v.explanation
    both = {**rule, "targets": {"domains": ["core", "management"]}}
    [v] = run(model, {"rules": [both]}).violations.violations
    assert (v.asset_count, v.people_depending) == (2, 500)
    radio = {**rule, "targets": {"domains": ["ran"]}, "min_profile": "low"}
    found = {v.operator: v for v in run(model, {"rules": [radio]}).violations.violations}
    assert found["b"].people_depending == found["b"].quantity.population == 999
    assert "depend on" not in found["b"].explanation  # nothing beyond their own people
