"""Shared helpers of the simulation tests: engine output in the oracle's shape, a
catalogue with probabilities high enough that every kind of event happens often, and
small models built in code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from oracle import Oracle, OracleImpact

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import (
    Asset,
    MeasureRecord,
    ModelDocument,
    Operator,
    Ownership,
    Product,
    Region,
    Scope,
    Supplier,
)
from fiveguard.domain.sites import SiteTable
from fiveguard.simulate.compile import CompiledNetwork, compile_network
from fiveguard.simulate.events import Event
from fiveguard.simulate.metrics import IMPACT_FIELDS, PeopleCells, TrialImpacts
from fiveguard.simulate.services import ROAMING_FIELDS
from fiveguard.simulate.whatif import scenario_impacts


def engine_impact(compiled: CompiledNetwork, impacts: TrialImpacts, trial: int) -> OracleImpact:
    """Trial ``trial`` of the engine's arrays, as the oracle reports it."""

    def fields(row: np.ndarray) -> dict[str, int]:
        return dict(zip(IMPACT_FIELDS, (int(v) for v in row), strict=True))

    def levels(cells: PeopleCells, f: int) -> dict[str, int]:
        out = {"national": int(cells.national[trial, f])}
        out |= {
            f"op:{o}": int(cells.by_operator[trial, k, f]) for k, o in enumerate(compiled.operators)
        }
        out |= {
            f"region:{r}": int(cells.by_region[trial, k, f]) for k, r in enumerate(compiled.regions)
        }
        return out

    rules = compiled.service_rules
    by_service = (
        {name: levels(impacts.by_service, s) for s, name in enumerate(rules.names)}
        if impacts.by_service is not None
        else {}
    )
    roaming = (
        {name: levels(impacts.roaming, f) for f, name in enumerate(ROAMING_FIELDS)}
        if impacts.roaming is not None
        else {}
    )
    return OracleImpact(
        by_service=by_service,
        roaming=roaming,
        national=fields(impacts.national[trial]),
        by_operator={
            o: fields(impacts.by_operator[trial, k]) for k, o in enumerate(compiled.operators)
        },
        by_region={r: fields(impacts.by_region[trial, k]) for k, r in enumerate(compiled.regions)},
        services={compiled.services[s] for s in np.flatnonzero(impacts.services[trial])},
        service_assets={
            s: int(impacts.service_assets[trial, k]) for k, s in enumerate(compiled.services)
        },
    )


def busy_catalogue(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with every event source made frequent."""
    sim = catalogue.simulation
    levels = sim.supplier_update.annual_probability.model_copy(
        update={"low": 0.1, "medium": 0.2, "high": 0.3}
    )
    faults = sim.product_fault.annual_probability.model_copy(
        update={"low": 0.05, "medium": 0.1, "high": 0.2}
    )
    busy = sim.model_copy(
        update={
            "supplier_update": sim.supplier_update.model_copy(
                update={"annual_probability": levels, "sabotage_share": 0.5}
            ),
            "product_fault": sim.product_fault.model_copy(
                update={"annual_probability": faults, "record_rate": None}
            ),
            "misconfiguration": sim.misconfiguration.model_copy(update={"annual_probability": 0.3}),
            "power_loss": sim.power_loss.model_copy(update={"annual_probability": 0.3}),
            "asset_failure": sim.asset_failure.model_copy(
                update={"annual_probability": dict.fromkeys(Domain, 0.15)}
            ),
            # down events stay the misconfigurations' (tests/simulate/test_pushes.py
            # samples the pushed changes and limits reached)
            "change_push": None,
            "limit_reached": None,
        }
    )
    return catalogue.model_copy(update={"simulation": busy})


def roaming_as(
    catalogue: Catalogue, *, radio_only: bool = True, share: float | None = None
) -> Catalogue:
    """``catalogue`` with its roaming rule set: customers roam only when their radio stops
    broadcasting (else whenever their part is down), within ``share`` of the partners'
    own customers in the region (``None``: without limit)."""
    sim = catalogue.simulation
    assert sim.roaming is not None
    rule = sim.roaming.model_copy(
        update={"only_when_radio_down": radio_only, "spare_capacity_share": share}
    )
    return catalogue.model_copy(update={"simulation": sim.model_copy(update={"roaming": rule})})


def rule_variants(catalogue: Catalogue) -> list[Catalogue]:
    """``catalogue`` under each roaming rule: as packaged; without a capacity limit; with
    a partner serving as many roamers as its own customers; roaming whenever a part is
    down (the rule before roaming followed the radio); and without services or roaming
    rules at all."""
    sim = catalogue.simulation
    roaming = sim.roaming
    assert roaming is not None
    out = [catalogue]
    for update in (
        {"spare_capacity_share": None},
        {"spare_capacity_share": 1.0},
        {"only_when_radio_down": False, "spare_capacity_share": 0.5},
    ):
        changed = sim.model_copy(update={"roaming": roaming.model_copy(update=update)})
        out.append(catalogue.model_copy(update={"simulation": changed}))
    bare = sim.model_copy(update={"roaming": None, "services": None})
    out.append(catalogue.model_copy(update={"simulation": bare}))
    return out


def model_of(
    assets: Sequence[Asset],
    *,
    operators: Sequence[Operator],
    sites: Sequence[Asset] = (),
    regions: Sequence[str] = ("N",),
    products: Sequence[Product] = (),
    measures: Sequence[MeasureRecord] = (),
) -> NetworkModel:
    """A small model built in code: ``assets`` declared, ``sites`` as CSV site rows; one
    supplier ``alpha`` unless products name others."""
    suppliers = sorted({"alpha", *(p.supplier for p in products)})
    document = ModelDocument(
        fiveguard=1,
        scope=Scope(country="XW", name="test", as_of=dt.date(2026, 6, 30)),
        regions=tuple(Region(id=r, name=r, population=10**6) for r in regions),
        suppliers=tuple(
            Supplier(id=s, name=s.title(), headquarters="SE", ownership=Ownership.LISTED)
            for s in suppliers
        ),
        products=tuple(products),
        operators=tuple(operators),
        assets=tuple(assets),
        measures=tuple(measures),
    )
    return NetworkModel(document, SiteTable.from_assets(list(sites)))


def assert_scenarios_match_oracle(
    model: NetworkModel, catalogue: Catalogue, cases: Sequence[Sequence[Event]]
) -> None:
    """Each case of events, one trial column, gives the oracle's impact in the engine, with
    assets grouped into classes and without."""
    oracle = Oracle(model, catalogue)
    expected = [oracle.impact(list(events)) for events in cases]
    for grouped in (True, False):
        compiled = compile_network(model, catalogue, group_assets=grouped)
        impacts = scenario_impacts(model, compiled, [list(events) for events in cases])
        for trial, events in enumerate(cases):
            got = engine_impact(compiled, impacts, trial)
            assert got == expected[trial], (grouped, [str(e) for e in events])
