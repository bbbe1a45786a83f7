"""What a model contains, in numbers: operators, suppliers, assets by domain and supplier.

With RAN sharing, an operator's people served are its share of each site it shares (split
by subscribers, see :class:`fiveguard.assess.context.OperatorView`), so the operators'
figures add up to the people the radio network serves.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from fiveguard.assess.context import Prepared
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class OperatorLine(_Result):
    id: str
    name: str
    subscribers: int
    assets: int
    radio_sites: int
    shared_radio_sites: int = 0
    """Radio sites of other operators shared with this one (RAN sharing)."""
    population_served: int
    """People its radio serves: of a shared site, its share by subscribers."""
    shares_radio_with: tuple[str, ...]


class SupplierLine(_Result):
    id: str
    name: str
    headquarters: str
    ownership: str
    assets: int
    sites: int


class DomainSupplierCell(_Result):
    domain: str
    supplier: str
    assets: int
    sites: int


class ModelSummary(_Result):
    """Counts that describe a model; every figure is a plain sum over its assets."""

    country: str
    name: str
    as_of: str
    regions: int
    national_population: int
    operators: tuple[OperatorLine, ...]
    suppliers: tuple[SupplierLine, ...]
    assets: int
    assets_by_domain: dict[str, int]
    by_domain_and_supplier: tuple[DomainSupplierCell, ...]
    radio_sites: int
    population_served: int
    population_coverage: float
    """Radio population served ÷ national population (operators' users counted apart)."""


NO_SUPPLIER = "(no product)"


def summarise(model: NetworkModel, catalogue: Catalogue) -> ModelSummary:
    """Count what ``model`` holds."""
    table = model.table
    doc = model.document
    domain_names = sorted({k.domain.value for k in catalogue.asset_kinds.values()})
    kind_domain = np.asarray(
        [domain_names.index(catalogue.asset_kinds[k].domain.value) for k in table.kinds] + [0],
        dtype=np.int64,
    )
    domain = kind_domain[table.kind]
    # radio assets on one site count its sites and people once
    radio = (domain == domain_names.index("ran")) & ~table.repeats_site()
    radio_sites = table.sites * radio
    national = sum(r.population for r in doc.regions)
    served = int((table.population * radio).sum())
    return ModelSummary(
        country=doc.scope.country,
        name=doc.scope.name,
        as_of=doc.scope.as_of.isoformat(),
        regions=len(doc.regions),
        national_population=national,
        operators=_operator_lines(model, catalogue, radio),
        suppliers=_supplier_lines(model),
        assets=len(table),
        assets_by_domain={
            domain_names[d]: int(c)
            for d, c in enumerate(np.bincount(domain, minlength=len(domain_names)).tolist())
            if c
        },
        by_domain_and_supplier=_domain_supplier_cells(model, domain, domain_names),
        radio_sites=int(radio_sites.sum()),
        population_served=served,
        population_coverage=served / national if national else 0.0,
    )


def _operator_lines(
    model: NetworkModel, catalogue: Catalogue, radio: np.ndarray
) -> tuple[OperatorLine, ...]:
    """Per operator: assets, its own radio sites, sites shared with it, people served (its
    share of shared sites) and the operators it shares radio with."""
    table = model.table
    doc = model.document
    n_ops = len(doc.operators)
    ops_assets = np.bincount(table.operator, minlength=n_ops)
    ops_sites = np.bincount(table.operator, weights=table.sites * radio, minlength=n_ops)
    view = Prepared(model, catalogue).view
    guest_radio = view.guest & radio[view.row]
    ops_pop = np.bincount(
        view.operator,
        weights=table.population[view.row] * view.share * radio[view.row],
        minlength=n_ops,
    )
    ops_shared = np.bincount(
        view.operator[guest_radio], weights=table.sites[view.row[guest_radio]], minlength=n_ops
    )
    sharing = _sharing_partners(model)
    return tuple(
        OperatorLine(
            id=o.id,
            name=o.name,
            subscribers=o.subscribers,
            assets=int(ops_assets[i]),
            radio_sites=int(ops_sites[i]),
            shared_radio_sites=int(ops_shared[i]),
            population_served=round(float(ops_pop[i])),
            shares_radio_with=tuple(sorted(sharing.get(i, ()))),
        )
        for i, o in enumerate(doc.operators)
    )


def _sharing_partners(model: NetworkModel) -> dict[int, set[str]]:
    """Operator index → ids of the operators it shares radio with, either way round."""
    table = model.table
    operators = model.document.operators
    hosts = np.repeat(table.operator, np.diff(table.shared_ptr))
    pairs = np.unique(np.stack([hosts, table.shared_with]), axis=1)
    partners: dict[int, set[str]] = {}
    for host, guest in pairs.T.tolist():
        partners.setdefault(host, set()).add(operators[guest].id)
        partners.setdefault(guest, set()).add(operators[host].id)
    return partners


def _supplier_lines(model: NetworkModel) -> tuple[SupplierLine, ...]:
    table = model.table
    suppliers = model.document.suppliers
    n_sup = len(suppliers)
    supplier = np.where(table.supplier >= 0, table.supplier, n_sup)
    sup_assets = np.bincount(supplier, minlength=n_sup + 1)
    sup_sites = np.bincount(supplier, weights=table.sites, minlength=n_sup + 1)
    return tuple(
        SupplierLine(
            id=s.id,
            name=s.name,
            headquarters=s.headquarters,
            ownership=s.ownership.value,
            assets=int(sup_assets[i]),
            sites=int(sup_sites[i]),
        )
        for i, s in enumerate(suppliers)
    )


def _domain_supplier_cells(
    model: NetworkModel, domain: np.ndarray, domain_names: list[str]
) -> tuple[DomainSupplierCell, ...]:
    """Assets and sites per (domain, supplier), assets without a product under
    :data:`NO_SUPPLIER`; only cells that hold assets."""
    table = model.table
    n_sup = len(model.document.suppliers)
    supplier = np.where(table.supplier >= 0, table.supplier, n_sup)
    cell = domain * (n_sup + 1) + supplier
    size = len(domain_names) * (n_sup + 1)
    cell_assets = np.bincount(cell, minlength=size)
    cell_sites = np.bincount(cell, weights=table.sites, minlength=size)
    supplier_names = [s.id for s in model.document.suppliers] + [NO_SUPPLIER]
    return tuple(
        DomainSupplierCell(
            domain=domain_names[c // (n_sup + 1)],
            supplier=supplier_names[c % (n_sup + 1)],
            assets=int(cell_assets[c]),
            sites=int(cell_sites[c]),
        )
        for c in np.flatnonzero(cell_assets).tolist()
    )
