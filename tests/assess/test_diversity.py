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
        ([], 0.0),
        ([0, 0], 0.0),
    ],
)
def test_hhi_of_known_shares(quantities: list[float], expected: float) -> None:
    assert hhi(quantities) == pytest.approx(expected)


def test_hhi_bands_follow_the_catalogue() -> None:
    bands = default_catalogue().assessment.diversity.hhi
    assert [band(v, bands) for v in (1_499, 1_500, 2_499, 2_500, 10_000)] == [
        "unconcentrated",
        "moderate",
        "moderate",
        "high",
        "high",
    ]


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
