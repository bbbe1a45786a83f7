"""RAN sharing: radio assets a host shares with a guest count in the guest's view.

The rule (docs/assessment.md, "RAN sharing"): a shared site is a whole site of each
operator's network; its people are split between the operators sharing it in proportion
to their subscribers; national figures count every asset once.

The model, by hand: host h (3,000 subscribers) and guest g (1,000), so a shared site's
people go 3/4 to h and 1/4 to g. h's own sites h1, h2 come from x (400 people each); h's
sites s1, s2 come from k (high profile), are shared with g (800 people each) and are
managed by k's element manager; g's own site g1 comes from x (200 people).

    h's view: h1, h2, s1, s2 — 4 sites; 400 + 400 + 600 + 600 = 2,000 people
    g's view: g1, s1, s2     — 3 sites; 200 + 200 + 200       =   600 people
    national: 5 sites, 2,600 people (each site once)
"""

from __future__ import annotations

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.results import Assessment, RegisterEntry, ShareTable
from fiveguard.assess.summary import summarise
from fiveguard.catalog import default_catalogue
from fiveguard.domain.base import Level
from fiveguard.domain.model import NetworkModel


@pytest.fixture(scope="module")
def model() -> NetworkModel:
    return build(
        suppliers=[supplier("x"), supplier("k", "high")],
        products=[
            product("x-gnb", "x", "ran.gnb"),
            product("k-gnb", "k", "ran.gnb"),
            product("k-ems", "k", "mgmt.ems"),
        ],
        operators=[operator("h", 3000), operator("g", 1000)],
        assets=[{"id": "h.ems-k", "operator": "h", "kind": "mgmt.ems", "product": "k-ems@1"}],
        sites=[
            site("h1", "h", "x-gnb@1", population=400),
            site("h2", "h", "x-gnb@1", population=400),
            *(
                site(
                    f"s{i}",
                    "h",
                    "k-gnb@1",
                    population=800,
                    shared_with=("g",),
                    managed_by="h.ems-k",
                )
                for i in (1, 2)
            ),
            site("g1", "g", "x-gnb@1", population=200),
        ],
    )


CAPS = {
    "rules": [
        {
            "rule": "cap",
            "id": f"cap-{measure}-{per}",
            "text": "t",
            "targets": {"domains": ["ran"]},
            "max_share": 0.35,
            "measure": measure,
            "per": per,
        }
        for measure in ("sites", "population")
        for per in ("operator", "national")
    ]
}


@pytest.fixture(scope="module")
def result(model: NetworkModel) -> Assessment:
    return run(model, CAPS)


def share_table(a: Assessment, scope: str, weight: str) -> ShareTable:
    return next(
        t
        for t in a.diversity.tables
        if (t.group, t.scope, t.weight, t.kind) == ("ran", scope, weight, None)
    )


def entry(a: Assessment, risk: str, scope: str) -> RegisterEntry:
    return next(e for e in a.risk_register.entries if (e.risk, e.scope) == (risk, scope))


def test_the_guest_sees_the_shared_sites_whole_and_its_share_of_their_people(
    result: Assessment,
) -> None:
    by_sites = share_table(result, "g", "sites")
    assert [(s.supplier, s.quantity) for s in by_sites.shares] == [("k", 2), ("x", 1)]
    assert by_sites.shared_in == 2
    assert by_sites.hhi == pytest.approx((200 / 3) ** 2 + (100 / 3) ** 2)
    by_people = share_table(result, "g", "population")
    assert [(s.supplier, s.quantity) for s in by_people.shares] == [("k", 400), ("x", 200)]
    host = share_table(result, "h", "population")
    assert [(s.supplier, s.quantity) for s in host.shares] == [("k", 1200), ("x", 800)]


def test_national_figures_count_each_shared_site_once(result: Assessment) -> None:
    national = share_table(result, "national", "sites")
    assert national.total == 5
    assert share_table(result, "national", "population").total == 2600


def test_the_guests_own_network_single_supplier_is_still_reported(result: Assessment) -> None:
    [own] = [d for d in result.diversity.single_supplier if (d.group, d.scope) == ("ran", "g")]
    assert (own.network, own.supplier, own.quantity) == ("own", "x", 1)
    assert "the 2 radio sites other operators share with it add k" in own.text


def test_the_cap_is_evaluated_for_the_guests_users(result: Assessment) -> None:
    caps = {(v.rule, v.operator): v for v in result.violations.violations}
    host = caps[("cap-sites-operator", "h")]
    assert (host.share, host.total, host.excess) == (0.5, 4, 1)  # 2 of 4, ⌈2 − 1.4⌉
    guest = caps[("cap-sites-operator", "g")]
    assert guest.share == pytest.approx(2 / 3)
    assert (guest.total, guest.excess, guest.assets) == (3, 1, ("s1", "s2"))  # ⌈2 − 1.05⌉
    assert "2 radio sites of them are h's, shared with g" in guest.explanation
    people = caps[("cap-population-operator", "g")]
    assert (people.share, people.total, people.excess) == (pytest.approx(2 / 3), 600, 190)
    # everyone s1 and s2 serve, and g's share of them: what the cap counts
    assert (people.quantity.population, people.quantity.operator_population) == (1600, 400)
    national = caps[("cap-sites-national", None)]
    assert (national.share, national.total, national.excess) == (0.4, 5, 1)  # ⌈2 − 1.75⌉


def test_an_exclusion_counts_everyone_on_the_shared_sites_and_names_the_hosts_share(
    model: NetworkModel,
) -> None:
    """Every user of s1 and s2 depends on k's radio, whichever network they subscribe to:
    the exclusion's population is all 1,600 of them; h's share (3/4) is named apart."""
    rule = {"rule": "exclude", "id": "ran", "text": "t", "targets": {"domains": ["ran"]}}
    [v] = run(model, {"rules": [rule]}).violations.violations
    assert (v.operator, v.quantity.sites) == ("h", 2)
    assert (v.quantity.population, v.quantity.operator_population) == (1600, 1200)
    assert v.people_depending == 1600
    assert "2 radio sites serving 1,600 people" in v.explanation


def test_state_interference_reaches_the_guest(result: Assessment) -> None:
    r5 = entry(result, "R5", "g")
    # k's manager runs the shared sites g's users depend on: a management path
    assert r5.likelihood.computed is Level.HIGH
    texts = " ".join(f.text for f in r5.likelihood.facts)
    assert "k (profile high) runs 2 assets of g" in texts
    assert "2 of them radio sites h shares with g" in texts
    assert r5.impact.facts[0].text.startswith("400 people exposed (4.0% of the population)")
    assert "h shares with g" in r5.impact.facts[0].text


def test_people_served_add_up_to_the_radio_population(model: NetworkModel) -> None:
    summary = summarise(model, default_catalogue())
    lines = {o.id: o for o in summary.operators}
    assert (lines["h"].population_served, lines["g"].population_served) == (2000, 600)
    assert sum(o.population_served for o in summary.operators) == summary.population_served
    assert (lines["h"].radio_sites, lines["g"].radio_sites, lines["g"].shared_radio_sites) == (
        4,
        1,
        2,
    )
    assert lines["g"].shares_radio_with == ("h",) and lines["h"].shares_radio_with == ("g",)


def test_served_population_in_the_register_is_the_operators_share(result: Assessment) -> None:
    r1 = entry(result, "R1", "g")
    assert r1.impact.facts[0].text.startswith("g serves 600 people by radio (400 of them at radio")


def test_subscribers_split_evenly_when_none_are_recorded() -> None:
    even = build(
        suppliers=[supplier("x")],
        products=[product("x-gnb", "x", "ran.gnb")],
        operators=[operator("h", 0), operator("g", 0)],
        sites=[site("s1", "h", "x-gnb@1", population=900, shared_with=("g",))],
    )
    result = run(even)
    assert share_table(result, "g", "population").total == 450


def test_every_sharing_pair_is_named_however_many_shared_rows_come_first() -> None:
    # 10,001 sites h shares with g, then one site p shares with q: the last pair is named.
    many = build(
        suppliers=[supplier("x")],
        products=[product("x-gnb", "x", "ran.gnb")],
        operators=[operator("h"), operator("g"), operator("p"), operator("q")],
        sites=[
            *(site(f"s{i}", "h", "x-gnb@1", shared_with=("g",)) for i in range(10_001)),
            site("t", "p", "x-gnb@1", shared_with=("q",)),
        ],
    )
    lines = {o.id: o.shares_radio_with for o in summarise(many, default_catalogue()).operators}
    assert lines == {"h": ("g",), "g": ("h",), "p": ("q",), "q": ("p",)}


def test_a_what_if_counts_each_operators_customers_on_a_shared_site_and_says_so(
    result: Assessment,
) -> None:
    """A fault of k takes down s1 and s2 (1,600 people): 1,200 of them h's customers and
    400 g's, split by subscribers as the assessment's operator figures split them."""
    [dependency] = [
        d for d in result.diversity.single_supplier if (d.group, d.scope) == ("management", "h")
    ]
    fault = dependency.fault
    assert fault is not None and fault.by_operator == {"h": 1_200, "g": 400}
    assert "users of" not in fault.text
    assert fault.text.endswith(
        "1,200 of them h's customers, on its own radio sites and its part of shared ones; "
        "1,600 people unable to reach emergency services"
    )
    assert "The what-ifs count an operator's people the same way" in (result.diversity.sharing_rule)


def test_the_report_explains_the_sharing_convention_only_when_sites_are_shared(
    result: Assessment,
) -> None:
    from fiveguard.report import render_report

    note = "in the assessment and in the what-ifs alike"
    assert note in render_report(result)
    unshared = build(
        suppliers=[supplier("x")],
        products=[product("x-gnb", "x", "ran.gnb")],
        operators=[operator("a")],
        sites=[site("a1", "a", "x-gnb@1", population=100)],
    )
    assert note not in render_report(run(unshared))


def test_a_guests_core_fault_cuts_off_its_customers_on_the_hosts_sites_that_stay_up() -> None:
    """g's AMF (from c) fails: g's own site g1 goes down (200 people) and g's 200 customers
    on h's shared site s1 (800 people, 3:1) are cut off, though s1 stays up for h's 600.
    Both radios still broadcast, so g's phones stay attached to them and do not roam onto
    h (as Rogers' did on 8 July 2022): all 400 of g's customers are without service."""
    model = build(
        suppliers=[supplier("x"), supplier("c")],
        products=[product("x-gnb", "x", "ran.gnb"), product("c-amf", "c", "core.amf")],
        operators=[operator("h", 3000), operator("g", 1000, roaming=["h"])],
        assets=[
            {"id": "h.amf", "operator": "h", "kind": "core.amf"},
            {"id": "g.amf", "operator": "g", "kind": "core.amf", "product": "c-amf@1"},
        ],
        sites=[
            site(
                "s1",
                "h",
                "x-gnb@1",
                region="R1",
                population=800,
                shared_with=("g",),
                requires=("h.amf", "g.amf"),
            ),
            site("g1", "g", "x-gnb@1", region="R1", population=200, requires=("g.amf",)),
        ],
    )
    [dependency] = [
        d for d in run(model).diversity.single_supplier if (d.group, d.scope) == ("core", "g")
    ]
    fault = dependency.fault
    assert fault is not None
    assert (fault.people_without_service, fault.people_on_down_radio) == (400, 400)
    assert fault.text == (
        "a fault of every product of c would leave 400 people without service nationally "
        "(1 radio site down), 400 of them g's customers, on its own radio sites and its part "
        "of shared ones; 400 people unable to reach emergency services"
    )
    # attached to radios that still broadcast over a dead core, g's phones cannot call
    # 112 on h's network either (Rogers, 8 July 2022)
