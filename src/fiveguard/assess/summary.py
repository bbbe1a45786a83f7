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
    radio = domain == domain_names.index("ran")
    n_ops = len(doc.operators)
    n_sup = len(doc.suppliers)
    radio_sites = table.sites * radio
    radio_population = table.population * radio

    ops_assets = np.bincount(table.operator, minlength=n_ops)
    ops_sites = np.bincount(table.operator, weights=radio_sites, minlength=n_ops)
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
    sharing: dict[int, set[str]] = {}
    shared_rows = np.flatnonzero(np.diff(table.shared_ptr) > 0)
    for row in shared_rows[:10_000].tolist():  # sharing pairs are few; rows can be many
        host = int(table.operator[row])
        for partner in table.shared_with[table.shared_ptr[row] : table.shared_ptr[row + 1]]:
            sharing.setdefault(host, set()).add(doc.operators[partner].id)
            sharing.setdefault(int(partner), set()).add(doc.operators[host].id)
    operators = tuple(
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
    supplier = np.where(table.supplier >= 0, table.supplier, n_sup)
    sup_assets = np.bincount(supplier, minlength=n_sup + 1)
    sup_sites = np.bincount(supplier, weights=table.sites, minlength=n_sup + 1)
    suppliers = tuple(
        SupplierLine(
            id=s.id,
            name=s.name,
            headquarters=s.headquarters,
            ownership=s.ownership.value,
            assets=int(sup_assets[i]),
            sites=int(sup_sites[i]),
        )
        for i, s in enumerate(doc.suppliers)
    )
    cell = domain * (n_sup + 1) + supplier
    cell_assets = np.bincount(cell, minlength=len(domain_names) * (n_sup + 1))
    cell_sites = np.bincount(cell, weights=table.sites, minlength=len(domain_names) * (n_sup + 1))
    supplier_names = [s.id for s in doc.suppliers] + [NO_SUPPLIER]
    cells = tuple(
        DomainSupplierCell(
            domain=domain_names[c // (n_sup + 1)],
            supplier=supplier_names[c % (n_sup + 1)],
            assets=int(cell_assets[c]),
            sites=int(cell_sites[c]),
        )
        for c in np.flatnonzero(cell_assets).tolist()
    )
    national = sum(r.population for r in doc.regions)
    served = int(radio_population.sum())
    return ModelSummary(
        country=doc.scope.country,
        name=doc.scope.name,
        as_of=doc.scope.as_of.isoformat(),
        regions=len(doc.regions),
        national_population=national,
        operators=operators,
        suppliers=suppliers,
        assets=len(table),
        assets_by_domain={
            domain_names[d]: int(c)
            for d, c in enumerate(np.bincount(domain, minlength=len(domain_names)).tolist())
            if c
        },
        by_domain_and_supplier=cells,
        radio_sites=int(radio_sites.sum()),
        population_served=served,
        population_coverage=served / national if national else 0.0,
    )
