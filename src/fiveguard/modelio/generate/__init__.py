"""Synthetic national models of any size, for benchmarks, tests and trying fiveguard out.

:func:`generate_model` builds a structurally realistic model of a fictional country (code
XG): regions of varied density, operators with a full 5G core, management, NFV MANO and
transport, suppliers with contrasting risk profiles, radio sites split among operators
and suppliers by region, one shared radio network, national roaming, measure records and
a few evidence records. The same arguments always give the same model, and the model is
valid by construction: loading what :func:`~fiveguard.modelio.dump.write_model` writes
reports no problems.

The parts live in :mod:`.plan` (regions, people, supplier choices), :mod:`.suppliers`,
:mod:`.operators` (operators and their declared assets), :mod:`.sites` (radio sites as
columns) and :mod:`.records` (measures and evidence).
"""

from __future__ import annotations

import math

import numpy as np

from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import ModelDocument, Scope
from fiveguard.modelio.generate.operators import make_operators, operator_assets
from fiveguard.modelio.generate.plan import AS_OF, COUNTRY, make_plan
from fiveguard.modelio.generate.records import evidence_records, measure_records
from fiveguard.modelio.generate.sites import site_table

__all__ = ["MAX_SITES", "MIN_SUPPLIERS", "SITES_FILE", "default_regions", "generate_model"]

SITES_FILE = "sites.csv"
MAX_SITES = 10_000_000
"""The largest model the generator writes: loading one takes about 0.8 GB per million
sites (see benchmarks/RESULTS.md), so ten million is what a machine like ours can hold."""
MIN_SUPPLIERS = 2
"""One supplier with a low-risk profile and one with a high-risk profile, at least."""


def generate_model(
    sites: int,
    operators: int = 3,
    suppliers: int = 5,
    seed: int = 0,
    regions: int | None = None,
) -> NetworkModel:
    """A synthetic national model with ``sites`` radio sites (one CSV row each).

    ``regions`` defaults to a number that grows with the square root of ``sites``. Raises
    ValueError for sites < 1, operators < 1, suppliers < 2 or regions < 1.
    """
    if (
        sites < 1
        or operators < 1
        or suppliers < MIN_SUPPLIERS
        or (regions is not None and regions < 1)
    ):
        raise ValueError(
            "expected sites ≥ 1, operators ≥ 1, suppliers ≥ 2 and regions ≥ 1, got "
            f"sites={sites}, operators={operators}, suppliers={suppliers}, regions={regions}"
        )
    rng = np.random.default_rng(seed)
    n_regions = regions if regions is not None else default_regions(sites)
    plan = make_plan(rng, sites, operators, suppliers, n_regions)
    table = site_table(rng, plan)
    document = ModelDocument(
        fiveguard=1,
        scope=Scope(
            country=COUNTRY,
            name=f"Synthetic national model: {sites:,} sites, seed {seed}",
            as_of=AS_OF,
        ),
        regions=plan.regions,
        suppliers=plan.suppliers,
        products=plan.products,
        operators=make_operators(rng, plan),
        assets=tuple(a for k in range(operators) for a in operator_assets(plan, k)),
        sites=(SITES_FILE,),
        measures=measure_records(rng, plan),
        evidence=evidence_records(plan),
    )
    return NetworkModel(document, table)


def default_regions(sites: int) -> int:
    """Regions for a model of ``sites`` sites: 1 at 100 sites, 14 at 20,000, 100 at 10⁶."""
    return max(1, min(200, round(math.sqrt(sites / 100))))
