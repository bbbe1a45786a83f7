"""Shared helpers of the simulation tests: engine output in the oracle's shape, a
catalogue with probabilities high enough that every kind of event happens often, and
small models built in code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from oracle import OracleImpact

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
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.metrics import IMPACT_FIELDS, TrialImpacts


def engine_impact(compiled: CompiledNetwork, impacts: TrialImpacts, trial: int) -> OracleImpact:
    """Trial ``trial`` of the engine's arrays, as the oracle reports it."""

    def fields(row: np.ndarray) -> dict[str, int]:
        return dict(zip(IMPACT_FIELDS, (int(v) for v in row), strict=True))

    return OracleImpact(
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
