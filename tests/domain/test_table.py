"""The asset table resolves every reference exactly as the per-asset objects say."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.domain.network import (
    AnyOf,
    Asset,
    ModelDocument,
    Operator,
    Product,
    Region,
    Scope,
    Supplier,
)
from fiveguard.domain.sites import SiteTable
from fiveguard.domain.table import build_asset_table

SCOPE = Scope(country="XR", name="t", as_of=dt.date(2026, 1, 1))


@st.composite
def models(draw: st.DrawFn) -> tuple[ModelDocument, SiteTable]:
    n_ops = draw(st.integers(1, 3))
    operators = tuple(Operator(id=f"op{i}", name="o", subscribers=10) for i in range(n_ops))
    regions = tuple(Region(id=f"r{i}", name="r", population=10**6) for i in range(3))
    suppliers = tuple(
        Supplier(id=f"s{i}", name="s", headquarters="SE", ownership="listed") for i in range(2)
    )
    products = (
        Product(id="p0", supplier="s0", name="p", kind="core.amf", versions=("1", "2")),
        Product(id="p1", supplier="s1", name="p", kind="ran.gnb", versions=("9",)),
    )
    n_decl = draw(st.integers(1, 8))
    n_sites = draw(st.integers(0, 12))
    ids = [f"a{i}" for i in range(n_decl)] + [f"site{i}" for i in range(n_sites)]

    def requirement(owner: int) -> st.SearchStrategy[str | AnyOf]:
        earlier = st.sampled_from(ids[:owner]) if owner else st.nothing()
        return st.one_of(
            earlier, st.lists(earlier, min_size=1, max_size=3).map(lambda m: AnyOf(any=tuple(m)))
        )

    assets = []
    for i, ident in enumerate(ids):
        declared = i < n_decl
        assets.append(
            Asset(
                id=ident,
                operator=draw(st.sampled_from([o.id for o in operators])),
                kind="core.amf" if declared else "ran.gnb",
                product=draw(st.sampled_from(["p0@1", "p0@2", None]))
                if declared
                else draw(st.sampled_from(["p1@9", None])),
                region=None if declared else draw(st.sampled_from(["r0", "r1", "r2"])),
                sites=0 if declared else 1,
                population=draw(st.integers(0, 1000)),
                sensitive=draw(st.booleans()),
                battery_hours=draw(st.one_of(st.none(), st.floats(0, 24))),
                requires=tuple(draw(st.lists(requirement(i), max_size=3))) if i else (),
                managed_by=draw(st.one_of(st.none(), st.sampled_from(ids[:i]))) if i else None,
                critical_services=tuple(
                    draw(st.lists(st.sampled_from(["health", "energy"]), max_size=2, unique=True))
                ),
                shared_with=(),
            )
        )
    document = ModelDocument(
        fiveguard=1,
        scope=SCOPE,
        regions=regions,
        suppliers=suppliers,
        products=products,
        operators=operators,
        assets=tuple(assets[:n_decl]),
    )
    return document, SiteTable.from_assets(assets[n_decl:])


@settings(max_examples=150, deadline=None)
@given(models())
def test_table_matches_the_assets(model: tuple[ModelDocument, SiteTable]) -> None:
    document, sites = model
    table = build_asset_table(document, sites)
    assets = list(document.assets) + [sites.asset(r) for r in range(len(sites))]
    assert len(table) == len(assets)
    operators = [o.id for o in document.operators]
    regions = [r.id for r in document.regions]
    products = [p.id for p in document.products]
    suppliers = [s.id for s in document.suppliers]
    supplier_of = {p.id: p.supplier for p in document.products}
    for i, asset in enumerate(assets):
        assert table.ids[i] == asset.id
        assert table.kinds[table.kind[i]] == asset.kind
        assert operators[table.operator[i]] == asset.operator
        assert (table.region[i] == -1) == (asset.region is None)
        if asset.region:
            assert regions[table.region[i]] == asset.region
        if asset.product is None:
            assert table.product_version[i] == table.product[i] == table.supplier[i] == -1
        else:
            name = asset.product.split("@")[0]
            assert table.product_versions[table.product_version[i]] == asset.product
            assert products[table.product[i]] == name
            assert suppliers[table.supplier[i]] == supplier_of[name]
        assert table.population[i] == asset.population
        assert table.sensitive[i] == asset.sensitive
        battery = table.battery_hours[i]
        assert (np.isnan(battery) and asset.battery_hours is None) or battery == asset.battery_hours
        manager = table.managed_by[i]
        assert (manager == -1 and asset.managed_by is None) or table.ids[
            manager
        ] == asset.managed_by
        entries = range(table.req_ptr[i], table.req_ptr[i + 1])
        resolved = [
            [str(table.ids[m]) for m in table.members[table.entry_ptr[e] : table.entry_ptr[e + 1]]]
            for e in entries
        ]
        expected = [list(r.any) if isinstance(r, AnyOf) else [r] for r in asset.requires]
        assert resolved == expected
        assert [bool(table.entry_is_group[e]) for e in entries] == [
            isinstance(r, AnyOf) for r in asset.requires
        ]
        services = [
            table.service_ids[s]
            for s in table.services[table.service_ptr[i] : table.service_ptr[i + 1]]
        ]
        assert services == list(asset.critical_services)


def test_site_rows_with_the_same_pattern_share_it_but_resolve_each() -> None:
    document = ModelDocument(
        fiveguard=1,
        scope=SCOPE,
        operators=(Operator(id="o", name="o", subscribers=1),),
        regions=(Region(id="r", name="r", population=10),),
        assets=(
            Asset(id="core", operator="o", kind="core.amf"),
            Asset(id="core2", operator="o", kind="core.amf"),
        ),
    )
    rows = [
        Asset(
            id=f"s{i}",
            operator="o",
            kind="ran.gnb",
            region="r",
            requires=(AnyOf(any=("core", "core2")), "core"),
        )
        for i in range(3)
    ]
    sites = SiteTable.from_assets(rows)
    assert len(sites.requires.categories) == 1
    table = build_asset_table(document, sites)
    assert table.req_ptr.tolist() == [0, 0, 0, 2, 4, 6]
    assert table.members.tolist() == [0, 1, 0] * 3
