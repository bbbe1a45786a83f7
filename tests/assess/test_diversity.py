"""Supplier diversity: HHI on known values, shares, dependencies, national concentration."""

from __future__ import annotations

import pytest
from assess_builders import build, operator, product, run, site, supplier

from fiveguard.assess.diversity import band, hhi
from fiveguard.assess.results import Diversity, ShareTable
from fiveguard.catalog import default_catalogue


@pytest.mark.parametrize(
    ("quantities", "expected"),
    [
        ([1], 10_000.0),
        ([5, 5], 5_000.0),
        ([1, 1, 1, 1], 2_500.0),
        ([50, 30, 20], 3_800.0),  # 2,500 + 900 + 400
        ([70, 20, 10], 5_400.0),  # 4,900 + 400 + 100
        ([0.6, 0.4], 5_200.0),
    ],
)
def test_hhi_of_known_shares(quantities: list[float], expected: float) -> None:
    assert hhi(quantities) == pytest.approx(expected)


@pytest.mark.parametrize("quantities", [[], [0, 0]])
def test_hhi_of_nothing_attributed_is_none_not_zero(quantities: list[float]) -> None:
    # 0 would mean "many tiny suppliers", the opposite of knowing none
    assert hhi(quantities) is None


def test_hhi_bands_follow_the_2010_guidelines_wording() -> None:
    # below 1,500 unconcentrated; between 1,500 and 2,500 moderate; above 2,500 high
    bands = default_catalogue().assessment.diversity.hhi
    assert [band(v, bands) for v in (1_499, 1_500, 2_499, 2_500, 2_500.01, 10_000, None)] == [
        "unconcentrated",
        "moderate",
        "moderate",
        "moderate",
        "high",
        "high",
        "no-attributed-supplier",
    ]
    assert "above 2,500 highly concentrated" in bands.source


@pytest.fixture(scope="module")
def diversity() -> Diversity:
    """Operator a: 6 sites from x (600 people), 4 from y (3,400 people). Operator b: 5
    sites from x only; a core from y and z; b's transport from z alone."""
    sites = [
        *(site(f"a.x{i}", "a", "x-gnb@1", population=100) for i in range(6)),
        *(site(f"a.y{i}", "a", "y-gnb@1", population=850) for i in range(4)),
        *(site(f"b.x{i}", "b", "x-gnb@1", population=200) for i in range(5)),
    ]
    model = build(
        suppliers=[supplier("x"), supplier("y"), supplier("z")],
        products=[
            product("x-gnb", "x", "ran.gnb"),
            product("y-gnb", "y", "ran.gnb"),
            product("y-amf", "y", "core.amf"),
            product("z-smf", "z", "core.smf"),
            product("z-ipr", "z", "transport.ipcore"),
        ],
        operators=[operator("a"), operator("b")],
        assets=[
            {"id": "a.amf", "operator": "a", "kind": "core.amf", "product": "y-amf@1"},
            {"id": "a.smf", "operator": "a", "kind": "core.smf", "product": "z-smf@1"},
            {"id": "a.smf2", "operator": "a", "kind": "core.smf", "product": "z-smf@1"},
            {"id": "b.ipr", "operator": "b", "kind": "transport.ipcore", "product": "z-ipr@1"},
            {"id": "b.ix", "operator": "b", "kind": "interconnect"},
        ],
        sites=sites,
    )
    return run(model).diversity


def table(d: Diversity, group: str, scope: str, weight: str, kind: str | None = None) -> ShareTable:
    return next(
        t for t in d.tables if (t.group, t.scope, t.weight, t.kind) == (group, scope, weight, kind)
    )


def test_radio_shares_by_sites_and_by_population_differ(diversity: Diversity) -> None:
    by_sites = table(diversity, "ran", "a", "sites")
    assert [(s.supplier, s.share) for s in by_sites.shares] == [("x", 0.6), ("y", 0.4)]
    assert by_sites.hhi == pytest.approx(5_200)
    by_people = table(diversity, "ran", "a", "population")
    assert [(s.supplier, s.quantity) for s in by_people.shares] == [("y", 3400), ("x", 600)]
    assert by_people.hhi == pytest.approx(85**2 + 15**2)


def test_national_tables_pool_the_operators(diversity: Diversity) -> None:
    national = table(diversity, "ran", "national", "sites")
    assert national.total == 15 and [(s.supplier, s.quantity) for s in national.shares] == [
        ("x", 11),
        ("y", 4),
    ]


def test_core_is_measured_as_a_whole_and_per_function(diversity: Diversity) -> None:
    core = table(diversity, "core", "a", "assets")
    assert [(s.supplier, s.quantity) for s in core.shares] == [("z", 2), ("y", 1)]
    smf = table(diversity, "core", "a", "assets", kind="core.smf")
    assert smf.suppliers == 1 and smf.hhi == 10_000


def test_single_supplier_dependencies_per_operator_and_nationally(diversity: Diversity) -> None:
    found = {(d.group, d.scope, d.supplier) for d in diversity.single_supplier}
    assert ("ran", "b", "x") in found
    assert ("transport", "b", "z") in found and ("transport", "national", "z") in found
    assert ("ran", "a", "x") not in found and ("core", "a", "z") not in found
    # by-kind tables are shown but not reported as dependencies: one vendor per function is the norm
    assert all(d.group != "core" or d.scope == "national" for d in diversity.single_supplier)


def test_assets_naming_no_product_are_unattributed(diversity: Diversity) -> None:
    services = [t for t in diversity.tables if t.scope == "b" and t.group == "transport"]
    assert services and services[0].unattributed == 0
    # the interconnect names no product, but it belongs to no diversity group here
    assert not [t for t in diversity.tables if t.unattributed]


def test_nationwide_concentration_above_the_threshold(diversity: Diversity) -> None:
    found = {(c.group, c.weight, c.supplier): c for c in diversity.national_concentration}
    assert ("ran", "sites", "x") in found  # 11 of 15 sites
    assert found[("ran", "sites", "x")].operators == ("a", "b")
    assert ("ran", "population", "y") in found  # 3,400 of 4,600 people
    assert ("ran", "population", "x") not in found


def test_a_dependency_carries_the_what_if_of_its_suppliers_fault(diversity: Diversity) -> None:
    # a fault of x takes down its 11 sites: a's six (600 people) and b's five (1,000)
    [dependency] = [d for d in diversity.single_supplier if (d.group, d.scope) == ("ran", "b")]
    fault = dependency.fault
    assert fault is not None
    assert (fault.event, fault.people_without_service, fault.sites_down) == (
        "supplier-fault:x",
        1_600,
        11,
    )
    assert fault.by_operator == {"a": 600, "b": 1_000}
    # the simulation's by_operator: the people of the radio sites b runs, said so
    assert "(11 radio sites down), 1,000 of them on radio sites b runs" in fault.text
    # for the catalogue's median restoration time of a supplier fault: 10 h
    assert (fault.hours, fault.user_hours) == (10.0, 16_000.0)
    assert "eu-enisa (national)" in fault.reportable
    [concentration] = [
        c for c in diversity.national_concentration if (c.group, c.weight) == ("ran", "sites")
    ]
    assert concentration.fault == fault.model_copy(update={"text": concentration.fault.text})


def test_the_what_if_keeps_users_who_can_roam_onto_a_partner_with_radio_up() -> None:
    """a (roams onto b) runs two x sites of 300 people; b runs a y site of 100 people and
    an x site of 50, all in one region. A fault of x: a's radios stop broadcasting and its
    users roam onto b's y site, which takes a quarter of its 100 people (the catalogue's
    spare capacity): 25 roam, 575 do not; b's 50 people have no partner: 625 people
    without service, 3 sites down."""
    model = build(
        suppliers=[supplier("x"), supplier("y")],
        products=[product("x-gnb", "x", "ran.gnb"), product("y-gnb", "y", "ran.gnb")],
        operators=[operator("a", roaming=["b"]), operator("b")],
        sites=[
            site("a1", "a", "x-gnb@1", population=300, region="R1"),
            site("a2", "a", "x-gnb@1", population=300, region="R1"),
            site("b1", "b", "y-gnb@1", population=100, region="R1"),
            site("b2", "b", "x-gnb@1", population=50, region="R1"),
        ],
    )
    d = run(model).diversity
    [dependency] = [x for x in d.single_supplier if (x.group, x.scope) == ("ran", "a")]
    assert dependency.fault is not None
    fault = dependency.fault
    assert (fault.people_without_service, fault.sites_down) == (625, 3)
    assert fault.by_operator == {"a": 575, "b": 50}
    # roaming lowered the figure: the text says so next to it, with the people it kept
    assert (fault.people_on_down_radio, fault.by_operator_on_down_radio) == (
        650,
        {"a": 600, "b": 50},
    )
    assert fault.text.endswith(
        "would leave 625 people without service nationally (3 radio sites down; 25 of "
        "their 650 people assumed to roam onto partners' radio still up in their region, "
        "within the partners' spare capacity), 575 of them on radio sites a runs (where 25 "
        "more are assumed to roam); 50 people unable to reach emergency services"
    )
    # a's 575 can still call 112 on b's y site (any network will do); b's 50 cannot: no
    # other operator's radio broadcasts in R1, a's being down
    assert {s.service: s.people for s in fault.services}["emergency"] == 50


def test_a_what_if_where_everyone_roams_says_so_next_to_its_zero() -> None:
    """a (roams onto b) runs two x sites of 300 people; b runs a y site of 2,400, whose
    spare capacity (a quarter) takes them all. A fault of x leaves nobody without
    service: a's 600 people roam onto b's site, and the text says so beside the 0, not
    only in a note at the end of the section."""
    model = build(
        suppliers=[supplier("x"), supplier("y")],
        products=[product("x-gnb", "x", "ran.gnb"), product("y-gnb", "y", "ran.gnb")],
        operators=[operator("a", roaming=["b"]), operator("b")],
        sites=[
            site("a1", "a", "x-gnb@1", population=300, region="R1"),
            site("a2", "a", "x-gnb@1", population=300, region="R1"),
            site("b1", "b", "y-gnb@1", population=2400, region="R1"),
        ],
    )
    [dependency] = [
        x for x in run(model).diversity.single_supplier if (x.group, x.scope) == ("ran", "a")
    ]
    assert dependency.fault is not None
    assert dependency.fault.text == (
        "a fault of every product of x would leave 0 people without service nationally "
        "(2 radio sites down; their 600 people assumed to roam onto partners' radio still up "
        "in their region, within the partners' spare capacity), none of them on radio sites "
        "a runs (the 600 people on them assumed to roam)"
    )


def test_a_group_with_no_attributed_supplier_has_no_hhi_and_shows_what_is_unattributed() -> None:
    model = build(
        suppliers=[supplier("x")],
        products=[product("x-gnb", "x", "ran.gnb")],
        operators=[operator("a"), operator("b")],
        sites=[
            site("a1", "a", None, population=100),
            site("a2", "a", None, population=300),
            site("b1", "b", "x-gnb@1", population=50),
            site("b2", "b", None, population=50),
        ],
    )
    d = run(model).diversity
    a = table(d, "ran", "a", "sites")
    assert (a.suppliers, a.hhi, a.band) == (0, None, "no-attributed-supplier")
    assert (a.total, a.unattributed, a.unattributed_share) == (0, 2, 1.0)
    b = table(d, "ran", "b", "population")
    assert (b.hhi, b.band, b.unattributed_share) == (10_000, "high", 0.5)
    national = table(d, "ran", "national", "sites")
    assert national.unattributed_share == pytest.approx(0.75)


def test_a_redundancy_group_on_one_version_is_reported_with_the_people_depending() -> None:
    """a's AMF pool runs x-amf 1 on both members; b's mixes 1 and 2. a's three sites need
    the pool; one more site needs a's IMS, which needs the pool: 4 sites, 1,000 people."""
    pool = {"any": ["a.amf-1", "a.amf-2"]}
    model = build(
        suppliers=[supplier("x")],
        products=[
            product("x-amf", "x", "core.amf", ["1", "2"]),
            product("x-ims", "x", "ims"),
            product("x-gnb", "x", "ran.gnb"),
        ],
        operators=[operator("a"), operator("b")],
        assets=[
            {"id": "a.amf-1", "operator": "a", "kind": "core.amf", "product": "x-amf@1"},
            {"id": "a.amf-2", "operator": "a", "kind": "core.amf", "product": "x-amf@1"},
            {
                "id": "a.ims",
                "operator": "a",
                "kind": "ims",
                "product": "x-ims@1",
                "requires": [pool],
            },
            {"id": "b.amf-1", "operator": "b", "kind": "core.amf", "product": "x-amf@1"},
            {"id": "b.amf-2", "operator": "b", "kind": "core.amf", "product": "x-amf@2"},
        ],
        sites=[
            *(site(f"a{i}", "a", "x-gnb@1", population=200, requires=(pool,)) for i in range(3)),
            site("a9", "a", "x-gnb@1", population=400, requires=("a.ims",)),
            site("b1", "b", "x-gnb@1", population=999, requires=({"any": ["b.amf-1", "b.amf-2"]},)),
        ],
    )
    result = run(model)
    [group] = result.diversity.common_mode
    assert (group.members, group.product, group.operators) == (
        ("a.amf-1", "a.amf-2"),
        "x-amf@1",
        ("a",),
    )
    assert (group.holders, group.sites, group.people) == (4, 4, 1_000)
    assert "runs one version, x-amf@1, on both members" in group.text
    assert group.fault is not None and group.fault.event == "product-fault:x-amf@1"
    # b's pool mixes versions and survives: only a's four sites go down
    assert (group.fault.people_without_service, group.fault.sites_down) == (1_000, 4)
    # a common-mode group makes R4 at least medium for a, named in the facts
    r4 = next(e for e in result.risk_register.entries if (e.risk, e.scope) == ("R4", "a"))
    assert any("common-mode-version" in f.text for f in r4.likelihood.facts)
    assert any(f.section == "diversity" and "x-amf@1" in f.text for f in result.summary.findings)


def _masts(shared: bool = False) -> Diversity:
    """Operator a. Mast m1: x's 4G and 5G radios (600 people); mast m2: a radio of x and
    one of y (400 people); s3: an x radio alone (100); m3: a y radio and one naming no
    product (200). With ``shared``, a shares m2 with b (equal subscribers)."""
    more = {"shared_with": ["b"]} if shared else {}
    model = build(
        suppliers=[supplier("x"), supplier("y")],
        products=[
            product("x-enb", "x", "ran.enb"),
            product("x-gnb", "x", "ran.gnb"),
            product("y-gnb", "y", "ran.gnb"),
        ],
        operators=[operator("a"), operator("b")],
        sites=[
            site("m1-4g", "a", "x-enb@1", kind="ran.enb", site="m1", population=600),
            site("m1-5g", "a", "x-gnb@1", site="m1", population=600),
            site("m2-x", "a", "x-gnb@1", site="m2", population=400, **more),
            site("m2-y", "a", "y-gnb@1", site="m2", population=400, **more),
            site("s3", "a", "x-gnb@1", population=100),
            site("m3-y", "a", "y-gnb@1", site="m3", population=200),
            site("m3-none", "a", None, site="m3", population=200),
        ],
    )
    return run(model).diversity


def test_a_site_of_two_suppliers_is_split_between_them_so_shares_sum_to_one() -> None:
    """By sites: x holds m1 whole (two radios, one supplier), half of m2 and s3 = 2.5;
    y half of m2 and half of m3 = 1; m3's other half is unattributed. 3.5 + 0.5 is the
    4 sites, each once. By people: x 600 + 200 + 100 = 900, y 200 + 100 = 300,
    unattributed 100; 1,300 people, each once. HHI by people: 75² + 25² = 6,250."""
    d = _masts()
    for scope in ("a", "national"):
        by_sites = table(d, "ran", scope, "sites")
        assert [(s.supplier, s.quantity) for s in by_sites.shares] == [("x", 2.5), ("y", 1.0)]
        assert (by_sites.total, by_sites.unattributed) == (3.5, 0.5)
        assert by_sites.unattributed_share == pytest.approx(0.5 / 4)
        assert [s.share for s in by_sites.shares] == pytest.approx([5 / 7, 2 / 7])
        assert sum(s.share for s in by_sites.shares) == pytest.approx(1.0)
        by_people = table(d, "ran", scope, "population")
        assert [(s.supplier, s.quantity) for s in by_people.shares] == [("x", 900), ("y", 300)]
        assert (by_people.total, by_people.unattributed) == (1_200, 100)
        assert by_people.hhi == pytest.approx(6_250)


def test_a_shared_two_supplier_site_is_split_in_the_guests_view_too() -> None:
    """m2 shared with b: b's view holds m2 whole as a site, half x and half y; its people
    are b's half of 400 (equal subscribers), 100 each. a's people on m2 are 200, 100 each:
    x 600 + 100 + 100 = 800. Nationally each asset once, as without sharing."""
    d = _masts(shared=True)
    b_sites = table(d, "ran", "b", "sites")
    assert [(s.supplier, s.quantity) for s in b_sites.shares] == [("x", 0.5), ("y", 0.5)]
    assert (b_sites.total, b_sites.shared_in, b_sites.hhi) == (1.0, 1.0, pytest.approx(5_000))
    b_people = table(d, "ran", "b", "population")
    assert [(s.supplier, s.quantity) for s in b_people.shares] == [("x", 100), ("y", 100)]
    a_people = table(d, "ran", "a", "population")
    assert [(s.supplier, s.quantity) for s in a_people.shares] == [("x", 800), ("y", 200)]
    national = table(d, "ran", "national", "population")
    assert [(s.supplier, s.quantity) for s in national.shares] == [("x", 900), ("y", 300)]


def test_a_split_site_is_written_with_its_fraction_and_the_rule_is_stated() -> None:
    from fiveguard.assess.diversity import count

    assert count(2.5, "sites") == "2.5 radio sites"
    assert count(1, "sites") == "1 radio site" and count(200.5, "population") == "200 people"
    assert "split equally between the suppliers of its radios" in _masts().sharing_rule
