"""The generator's plan: regions and their people, suppliers, and who buys from whom.

The plan is everything decided before the documents and site arrays are written out.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.network import Product, Region, Supplier
from fiveguard.modelio.generate.suppliers import (
    CORE_KINDS,
    MANAGEMENT_KINDS,
    kinds_made,
    make_suppliers,
)

COUNTRY = "XG"
AS_OF = dt.date(2026, 6, 30)
MAX_REGION_POPULATION = 1_000_000_000
"""Generated regions stay below this, well inside the catalogue's plausibility limit."""


@dataclass(frozen=True)
class People:
    """Regions' populations and who serves them; K operators, R regions."""

    population: npt.NDArray[np.int64]  # (R,) residents
    density: npt.NDArray[np.float64]  # (R,) people per site per operator
    site_counts: npt.NDArray[np.int64]  # (K, R) radio sites each operator runs per region
    served: npt.NDArray[np.int64]  # (K, R) people its sites serve (host: both operators)
    own_users: npt.NDArray[np.int64]  # (K, R) its own users its or shared radio reaches
    shared: npt.NDArray[np.bool_]  # (R,) regions where the host carries the guest
    host: int  # operator hosting the shared network, -1 without sharing
    guest: int


@dataclass(frozen=True)
class Plan:
    """Everything decided before the documents and arrays are written out."""

    regions: tuple[Region, ...]
    suppliers: tuple[Supplier, ...]
    products: tuple[Product, ...]
    operator_ids: tuple[str, ...]
    people: People
    ran_primary: npt.NDArray[np.int64]  # (K, R) supplier of most sites
    ran_secondary: npt.NDArray[np.int64]  # (K, R) supplier of the rest
    ran_split: npt.NDArray[np.float64]  # (K, R) share of sites from the secondary
    ran_suppliers: tuple[tuple[int, ...], ...]  # per operator
    core_supplier: tuple[dict[str, int], ...]  # per operator: kind → supplier index
    versions: dict[tuple[int, str], tuple[str, ...]]  # (supplier, kind) → versions
    clusters: int  # UPF clusters per operator

    @property
    def n_regions(self) -> int:
        return len(self.regions)

    def cluster_of(self, region: int) -> int:
        """The UPF cluster serving ``region`` (regions are split evenly in order)."""
        return region * self.clusters // self.n_regions

    def product_id(self, supplier: int, kind: str) -> str:
        """The id of ``supplier``'s product of ``kind``."""
        return f"{self.suppliers[supplier].id}-{kind.rsplit('.', 1)[-1]}"


def make_plan(rng: np.random.Generator, sites: int, k: int, s: int, r: int) -> Plan:
    """The plan of a model of ``sites`` sites, ``k`` operators, ``s`` suppliers, ``r`` regions."""
    suppliers, makes = make_suppliers(rng, s)
    versions = {(i, kind): _versions(rng) for i in range(s) for kind in kinds_made(makes[i])}
    products = tuple(
        Product(
            id=f"{suppliers[i].id}-{kind.rsplit('.', 1)[-1]}",
            supplier=suppliers[i].id,
            name=f"{suppliers[i].name} {kind}",
            kind=kind,
            versions=v,
        )
        for (i, kind), v in versions.items()
    )
    people = _people(rng, sites, k, r)
    radio = [i for i in range(s) if makes[i].radio]
    core = [i for i in range(s) if makes[i].core]
    ran_suppliers = tuple(_ran_suppliers(rng, radio) for _ in range(k))
    primary, secondary, split = _regional_split(rng, ran_suppliers, r)
    return Plan(
        regions=tuple(
            Region(id=_region_id(i, r), name=f"Region {i + 1}", population=int(population))
            for i, population in enumerate(people.population.tolist())
        ),
        suppliers=suppliers,
        products=products,
        operator_ids=tuple(f"op-{i + 1}" for i in range(k)),
        people=people,
        ran_primary=primary,
        ran_secondary=secondary,
        ran_split=split,
        ran_suppliers=ran_suppliers,
        core_supplier=tuple(_core_choice(rng, core) for _ in range(k)),
        versions=versions,
        clusters=max(1, min(12, math.ceil(r / 5))),
    )


def _people(rng: np.random.Generator, sites: int, k: int, r: int) -> People:
    """Where the sites are and whom they serve, keeping every region's total served
    (all operators together) below its population."""
    # Region size follows a skewed distribution (a capital, cities, countryside);
    # density (residents per radio site, all operators' sites counted) is drawn apart from
    # size: from rural 100 to urban 800, around the 400–500 of EU countries.
    weights = rng.lognormal(0.0, 0.8, r)
    region_sites = rng.multinomial(sites, weights / weights.sum())
    density = rng.uniform(100.0, 800.0, r)
    shares = _market_shares(rng, k, r)
    counts = np.stack([rng.multinomial(region_sites[i], shares[i]) for i in range(r)]).T
    population = np.clip(np.ceil(density * region_sites), 1000, MAX_REGION_POPULATION)
    coverage = rng.uniform(0.90, 0.98, r)
    # Each operator's users in a region that its radio reaches: share × coverage.
    users = np.floor(population * shares.T * coverage).astype(np.int64)
    host, guest = (k - 2, k - 1) if k >= 2 else (-1, -1)
    shared = density < np.median(density) if host >= 0 else np.zeros(r, dtype=bool)
    if host >= 0:
        # In shared regions the guest runs no sites: the host's sites serve both.
        counts[host] += np.where(shared, counts[guest], 0)
        counts[guest] = np.where(shared, 0, counts[guest])
    has_sites = counts > 0
    served = users * has_sites
    own = served.copy()
    if host >= 0:
        guest_on_host = shared & has_sites[host]
        served[host] += np.where(guest_on_host, users[guest], 0)
        own[guest] = np.where(guest_on_host, users[guest], own[guest])
    return People(
        population=population.astype(np.int64),
        density=density,
        site_counts=counts.astype(np.int64),
        served=served,
        own_users=own,
        shared=shared,
        host=host,
        guest=guest,
    )


def _region_id(index: int, total: int) -> str:
    return f"{COUNTRY}-{index + 1:0{max(3, len(str(total)))}d}"


def _market_shares(rng: np.random.Generator, k: int, r: int) -> npt.NDArray[np.float64]:
    """(R, K) market shares: a national split (largest first) varied by region."""
    national = np.sort(0.5 * rng.dirichlet(np.full(k, 2.0)) + 0.5 / k)[::-1]
    regional = national * rng.lognormal(0.0, 0.2, (r, k))
    return np.asarray(regional / regional.sum(axis=1, keepdims=True), dtype=np.float64)


def _ran_suppliers(rng: np.random.Generator, radio: list[int]) -> tuple[int, ...]:
    """The one to three radio suppliers an operator uses."""
    count = int(rng.integers(1, min(3, len(radio)) + 1))
    return tuple(sorted(int(s) for s in rng.choice(radio, size=count, replace=False)))


def _regional_split(
    rng: np.random.Generator, ran_suppliers: tuple[tuple[int, ...], ...], r: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Per operator and region: the main radio supplier, a second one and its share.

    Operators give whole regions to one supplier (swaps happen region by region); in a
    quarter of regions a second supplier has part of the sites.
    """
    k = len(ran_suppliers)
    primary = np.zeros((k, r), dtype=np.int64)
    secondary = np.zeros((k, r), dtype=np.int64)
    split = np.zeros((k, r), dtype=np.float64)
    for o, mine in enumerate(ran_suppliers):
        options = np.asarray(mine, dtype=np.int64)
        primary[o] = options[rng.integers(0, len(options), r)]
        secondary[o] = options[rng.integers(0, len(options), r)]
        split[o] = np.where(rng.random(r) < 0.25, rng.uniform(0.1, 0.4, r), 0.0)
    return primary, secondary, split


def _core_choice(rng: np.random.Generator, core: list[int]) -> dict[str, int]:
    """Which supplier provides each core and management kind for one operator."""
    main = int(rng.choice(core))
    choice = {}
    for kind in (*CORE_KINDS, *MANAGEMENT_KINDS):
        # some functions come from a second vendor (subscriber data, policy, a legacy SMF)
        choice[kind] = int(rng.choice(core)) if rng.random() < 0.2 else main
    return choice


def _versions(rng: np.random.Generator) -> tuple[str, ...]:
    major, minor = int(rng.integers(1, 30)), int(rng.integers(0, 9))
    if rng.random() < 0.5:
        return (f"{major}.{minor}",)
    return (f"{major}.{minor}", f"{major}.{minor + 1}")
