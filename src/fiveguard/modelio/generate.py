"""Synthetic national models of any size, for benchmarks, tests and trying fiveguard out.

:func:`generate_model` builds a structurally realistic model of a fictional country (code
XG): regions of varied density, operators with a full 5G core, management, NFV MANO and
transport, suppliers with contrasting risk profiles, radio sites split among operators
and suppliers by region, one shared radio network, national roaming, measure records and
a few evidence records. The same arguments always give the same model, and the model is
valid by construction: loading what :func:`~fiveguard.modelio.dump.write_model` writes
reports no problems.

Radio sites are built as NumPy arrays and :class:`~fiveguard.domain.sites.Categorical`
codes, never one Python object per row, so a million sites take a few seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import TypeAdapter

from fiveguard.domain.base import Level
from fiveguard.domain.evidence import Evidence
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import (
    AnyOf,
    Asset,
    FactorScore,
    MeasureRecord,
    MeasureStatus,
    ModelDocument,
    Operator,
    Ownership,
    Product,
    Region,
    Scope,
    Supplier,
    SupplierProfile,
)
from fiveguard.domain.sites import Categorical, SiteTable

COUNTRY = "XG"
AS_OF = dt.date(2026, 6, 30)
SITES_FILE = "sites.csv"
MAX_SITES = 10_000_000
MIN_SUPPLIERS = 2
"""One supplier with a low-risk profile and one with a high-risk profile, at least."""
"""The largest model the generator writes: loading one takes about 0.8 GB per million
sites (see benchmarks/RESULTS.md), so ten million is what a machine like ours can hold."""
MAX_REGION_POPULATION = 1_000_000_000
"""Generated regions stay below this, well inside the catalogue's plausibility limit."""

CORE_KINDS = (
    "core.nrf",
    "core.udr",
    "core.udm",
    "core.ausf",
    "core.pcf",
    "core.nssf",
    "core.nef",
    "core.amf",
    "core.upf",
    "core.smf",
    "core.sepp",
    "ims",
    "li",
)
MANAGEMENT_KINDS = ("mgmt.oss", "mano.nfvo", "mano.vnfm", "mano.vim")
RADIO_KINDS = ("ran.gnb", "mgmt.ems")
TRANSPORT_KINDS = ("transport.ipcore", "transport.backhaul")
SITE_SERVICES: tuple[tuple[str, ...], ...] = (
    ("health",),
    ("energy",),
    ("transport",),
    ("finance",),
    ("government",),
    ("water",),
    ("health", "transport"),
    ("defence",),
)
"""Critical-service lists site rows can carry; sensitive sites carry the last."""

FACTORS = (
    "government_link",
    "legislation",
    "ownership",
    "pressure",
    "supply_assurance",
    "product_quality",
)
T = TypeVar("T", str, tuple[str, ...])
L, M, H = Level.LOW, Level.MEDIUM, Level.HIGH
_EVIDENCE: TypeAdapter[Any] = TypeAdapter(Evidence)


@dataclass(frozen=True)
class _SupplierTemplate:
    """A kind of supplier: its profile, home and what it makes."""

    role: str
    headquarters: str
    ownership: Ownership
    levels: tuple[Level, ...]  # one per factor, in FACTORS order
    radio: bool
    core: bool
    transport: bool


# The five archetypes of the demo, in order; suppliers beyond five get random profiles.
# Headquarters: EU states for the EU archetypes, user-assigned codes for fictional
# non-EU states, so no real country is judged by synthetic data.
TEMPLATES = (
    _SupplierTemplate("an EU-headquartered listed vendor", "FI", Ownership.LISTED,
                      (L, L, L, L, M, L), radio=True, core=True, transport=True),
    _SupplierTemplate("a non-EU vendor with state links", "XT", Ownership.STATE_LINKED,
                      (H, H, H, H, M, H), radio=True, core=True, transport=False),
    _SupplierTemplate("a mid-profile non-EU vendor", "XV", Ownership.LISTED,
                      (M, M, L, M, L, M), radio=True, core=False, transport=True),
    _SupplierTemplate("an Open RAN entrant", "EE", Ownership.PRIVATE,
                      (L, L, M, L, H, L), radio=True, core=False, transport=False),
    _SupplierTemplate("a core and cloud software vendor", "IE", Ownership.LISTED,
                      (L, M, L, L, L, M), radio=False, core=True, transport=False),
)  # fmt: skip
EXTRA_HEADQUARTERS = ("DE", "FR", "NL", "XU", "XW", "SE", "PL", "XY")
LOW, HIGH = 0, 1
"""Indices of the low-profile and the high-profile supplier (both always present)."""


# ---------------------------------------------------------------------------- entry point


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
    plan = _plan(rng, sites, operators, suppliers, n_regions)
    table = _site_table(rng, plan)
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
        operators=_operators(rng, plan),
        assets=tuple(a for k in range(operators) for a in _operator_assets(plan, k)),
        sites=(SITES_FILE,),
        measures=_measures(rng, plan),
        evidence=_evidence(plan),
    )
    return NetworkModel(document, table)


def default_regions(sites: int) -> int:
    """Regions for a model of ``sites`` sites: 1 at 100 sites, 14 at 20,000, 100 at 10⁶."""
    return max(1, min(200, round(math.sqrt(sites / 100))))


# ---------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class _People:
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
class _Plan:
    """Everything decided before the documents and arrays are written out."""

    regions: tuple[Region, ...]
    suppliers: tuple[Supplier, ...]
    products: tuple[Product, ...]
    operator_ids: tuple[str, ...]
    people: _People
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
        return region * self.clusters // self.n_regions

    def product_id(self, supplier: int, kind: str) -> str:
        return f"{self.suppliers[supplier].id}-{kind.rsplit('.', 1)[-1]}"


def _plan(rng: np.random.Generator, sites: int, k: int, s: int, r: int) -> _Plan:
    suppliers, makes = _suppliers(rng, s)
    versions = {(i, kind): _versions(rng) for i in range(s) for kind in _kinds_made(makes[i])}
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
    return _Plan(
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


def _people(rng: np.random.Generator, sites: int, k: int, r: int) -> _People:
    """Where the sites are and whom they serve, keeping every region's total served
    (all operators together) below its population."""
    # Region size follows a skewed distribution (a capital, cities, countryside);
    # density (people per site per operator) is drawn apart from size.
    weights = rng.lognormal(0.0, 0.8, r)
    region_sites = rng.multinomial(sites, weights / weights.sum())
    density = rng.uniform(50.0, 300.0, r)
    shares = _market_shares(rng, k, r)
    counts = np.stack([rng.multinomial(region_sites[i], shares[i]) for i in range(r)]).T
    population = np.clip(np.ceil(density * region_sites / k), 1000, MAX_REGION_POPULATION)
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
    return _People(
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


# ---------------------------------------------------------------------------- suppliers


def _kinds_made(template: _SupplierTemplate) -> tuple[str, ...]:
    return (
        (RADIO_KINDS if template.radio else ())
        + ((*CORE_KINDS, *MANAGEMENT_KINDS) if template.core else ())
        + (TRANSPORT_KINDS if template.transport else ())
    )


def _suppliers(
    rng: np.random.Generator, count: int
) -> tuple[tuple[Supplier, ...], list[_SupplierTemplate]]:
    """The first five follow the demo's archetypes; any further ones are drawn at random."""
    makes: list[_SupplierTemplate] = []
    suppliers = []
    for i in range(count):
        if i < len(TEMPLATES):
            template = TEMPLATES[i]
        else:
            radio = bool(rng.random() < 0.5)
            template = _SupplierTemplate(
                "a vendor with a randomly drawn profile",
                str(rng.choice(EXTRA_HEADQUARTERS)),
                Ownership.PRIVATE if rng.random() < 0.5 else Ownership.LISTED,
                tuple((L, M, H)[int(j)] for j in rng.integers(0, 3, len(FACTORS))),
                radio=radio,
                core=not radio,
                transport=False,
            )
        makes.append(template)
        suppliers.append(_supplier(i, template))
    return tuple(suppliers), makes


def _supplier(index: int, template: _SupplierTemplate) -> Supplier:
    evidence: dict[str, tuple[str, ...]] = {}
    if index == LOW:
        evidence["product_quality"] = (f"ev-eval-sup-{index + 1}",)
    if index == HIGH:
        evidence["product_quality"] = (f"ev-finding-sup-{index + 1}", f"ev-assure-sup-{index + 1}")
        evidence["legislation"] = ("ev-law-third-state",)
    profile = SupplierProfile(
        **{
            factor: FactorScore(
                score=level,
                rationale=f"Synthetic: scored {level.value}, as is typical of {template.role}.",
                evidence=evidence.get(factor, ()),
            )
            for factor, level in zip(FACTORS, template.levels, strict=True)
        }
    )
    return Supplier(
        id=f"sup-{index + 1}",
        name=f"Supplier {index + 1}",
        headquarters=template.headquarters,
        ownership=template.ownership,
        profile=profile,
        note=f"Synthetic: {template.role} (headquarters {template.headquarters}).",
    )


# ---------------------------------------------------------------------------- operators


def _operators(rng: np.random.Generator, plan: _Plan) -> tuple[Operator, ...]:
    """Operators with their subscribers; some roam nationally on the largest one."""
    out = []
    for k, ident in enumerate(plan.operator_ids):
        users = int(plan.people.own_users[k].sum())
        # subscribers: users reached by radio plus lines outside coverage or inactive
        subscribers = users + users // 25
        roams = k > 0 and (k == plan.people.guest or rng.random() < 0.4)
        out.append(
            Operator(
                id=ident,
                name=f"Operator {k + 1}",
                subscribers=subscribers,
                roaming=(plan.operator_ids[0],) if roams else (),
            )
        )
    return tuple(out)


def _operator_assets(plan: _Plan, k: int) -> list[Asset]:
    """One operator's core, management, orchestration and transport."""
    op = plan.operator_ids[k]
    choice = plan.core_supplier[k]

    def product(kind: str, supplier: int | None = None, pick: int = -1) -> str:
        sup = choice.get(kind, LOW) if supplier is None else supplier
        versions = plan.versions[(sup, kind)]
        return f"{plan.product_id(sup, kind)}@{versions[pick % len(versions)]}"

    def asset(name: str, kind: str, **fields: Any) -> Asset:
        return Asset(id=f"{op}.{name}", operator=op, kind=kind, **fields)

    vnfm = {"managed_by": f"{op}.vnfm"}
    upfs = tuple(f"{op}.upf-{c + 1}" for c in range(plan.clusters))
    any_upf: str | AnyOf = upfs[0] if len(upfs) == 1 else AnyOf(any=upfs)
    amfs = AnyOf(any=(f"{op}.amf-1", f"{op}.amf-2"))
    services = {"critical_services": ("public-safety",)} if k == 0 else {}
    assets = [
        asset("ipcore", "transport.ipcore", product=product("transport.ipcore", LOW),
              managed_by=f"{op}.oss"),
        asset("ipx", "interconnect", requires=(f"{op}.ipcore",)),
        asset("nrf", "core.nrf", product=product("core.nrf"), requires=(f"{op}.ipcore",), **vnfm),
        asset("udr", "core.udr", product=product("core.udr"), requires=(f"{op}.ipcore",), **vnfm),
        asset("udm", "core.udm", product=product("core.udm"), requires=(f"{op}.udr",), **vnfm),
        asset("ausf", "core.ausf", product=product("core.ausf"), requires=(f"{op}.udm",), **vnfm),
        asset("pcf", "core.pcf", product=product("core.pcf"),
              requires=(f"{op}.udr", f"{op}.nrf"), **vnfm),
        asset("nssf", "core.nssf", product=product("core.nssf"), requires=(f"{op}.nrf",),
              **vnfm, **services),
        asset("nef", "core.nef", product=product("core.nef"),
              requires=(f"{op}.nrf", f"{op}.udr"), **vnfm),
        # the two pool members may run different versions: a version fault then spares one
        asset("amf-1", "core.amf", product=product("core.amf", pick=0),
              requires=(f"{op}.nrf", f"{op}.ausf"), **vnfm),
        asset("amf-2", "core.amf", product=product("core.amf", pick=k),
              requires=(f"{op}.nrf", f"{op}.ausf"), **vnfm),
        *(asset(u.split(".", 1)[1], "core.upf", product=product("core.upf"),
                requires=(f"{op}.ipcore",), **vnfm) for u in upfs),
        asset("smf", "core.smf", product=product("core.smf"),
              requires=(f"{op}.nrf", f"{op}.pcf", any_upf), **vnfm),
        asset("sepp", "core.sepp", product=product("core.sepp"),
              requires=(f"{op}.nrf", f"{op}.ipx"), **vnfm),
        asset("ims", "ims", product=product("ims"), requires=(amfs, f"{op}.smf", f"{op}.pcf"),
              critical_services=("emergency-calls",), **vnfm),
        asset("li", "li", product=product("li"), requires=(f"{op}.ipcore",),
              managed_by=f"{op}.oss", critical_services=("public-safety",)),
        asset("oss", "mgmt.oss", product=product("mgmt.oss")),
        *(asset(f"ems-{plan.suppliers[s].id}", "mgmt.ems", product=product("mgmt.ems", s),
                managed_by=f"{op}.oss") for s in plan.ran_suppliers[k]),
        asset("nfvo", "mano.nfvo", product=product("mano.nfvo"), managed_by=f"{op}.oss"),
        asset("vnfm", "mano.vnfm", product=product("mano.vnfm"), managed_by=f"{op}.nfvo"),
        asset("vim", "mano.vim", product=product("mano.vim"), managed_by=f"{op}.nfvo"),
    ]  # fmt: skip
    for r in np.flatnonzero(plan.people.site_counts[k] > 0).tolist():
        region = plan.regions[r].id
        assets.append(
            asset(f"backhaul-{region}", "transport.backhaul",
                  product=product("transport.backhaul", LOW), region=region,
                  requires=(f"{op}.ipcore",), managed_by=f"{op}.oss")
        )  # fmt: skip
    return assets


# ---------------------------------------------------------------------------- radio sites


def _site_table(rng: np.random.Generator, plan: _Plan) -> SiteTable:
    """Every radio site as columns; rows ordered by operator, then region."""
    k, r = plan.people.site_counts.shape
    counts = plan.people.site_counts.ravel()  # group g = operator * R + region
    group = np.repeat(np.arange(k * r, dtype=np.int64), counts)
    n = int(group.shape[0])
    operator = group // r
    region = group % r
    supplier = np.where(
        rng.random(n) < plan.ran_split.ravel()[group],
        plan.ran_secondary.ravel()[group],
        plan.ran_primary.ravel()[group],
    )
    # Busy sites serve several times the people of quiet ones: log-normal weights,
    # rounded down (and shaved by a hair against rounding error) so that no operator's
    # sites serve more people than it has users in the region.
    weights = rng.lognormal(0.0, 0.6, n)
    total = np.bincount(group, weights=weights, minlength=k * r)
    share = weights / total[group] * (1.0 - 1e-9)
    population = np.floor(share * plan.people.served.ravel()[group]).astype(np.int64)
    # Rural sites get longer battery autonomy: the grid is restored later out there.
    rural = 1.0 - (plan.people.density - 50.0) / 250.0
    hours = 1.5 + 5.0 * rural[region] + rng.normal(0.0, 1.0, n)
    battery = np.clip(np.round(hours * 2.0) / 2.0, 1.0, 8.0)
    # A third of the regions hold a military or government site; a few sites near it.
    hot = rng.random(r) < 0.3
    sensitive = rng.random(n) < np.where(hot, 0.02, 0.001)[region]
    service = np.where(rng.random(n) < 0.03, rng.integers(0, len(SITE_SERVICES) - 1, n), -1).astype(
        np.int32
    )
    service[sensitive] = len(SITE_SERVICES) - 1
    shared = (operator == plan.people.host) & plan.people.shared[region]
    return SiteTable(
        id=_site_ids(plan, counts),
        operator=Categorical(operator.astype(np.int32), plan.operator_ids),
        kind=Categorical.constant("ran.gnb", n),
        product=_radio_products(rng, plan, supplier),
        name=Categorical.constant(None, n),
        region=Categorical(region.astype(np.int32), tuple(x.id for x in plan.regions)),
        sites=np.ones(n, dtype=np.int32),
        population=population,
        critical_services=Categorical(service, SITE_SERVICES).compact(),
        sensitive=sensitive,
        battery_hours=battery.astype(np.float64),
        requires=_requirements(plan, group, counts),
        managed_by=_managers(plan, operator, supplier),
        shared_with=Categorical(
            np.where(shared, 0, -1).astype(np.int32),
            ((plan.operator_ids[plan.people.guest],),) if plan.people.host >= 0 else (),
        ),
        installed=Categorical.constant(None, n),
    )


def _site_ids(plan: _Plan, counts: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """``op-1.site-000001`` …: numbered per operator, in row order."""
    k = len(plan.operator_ids)
    per_operator = counts.reshape(k, -1).sum(axis=1).tolist()
    ids = np.empty(sum(per_operator), dtype=object)
    start = 0
    for op, count in zip(plan.operator_ids, per_operator, strict=True):
        width = max(4, len(str(count)))
        ids[start : start + count] = [f"{op}.site-{i:0{width}d}" for i in range(1, count + 1)]
        start += count
    return ids


def _radio_products(
    rng: np.random.Generator, plan: _Plan, supplier: npt.NDArray[np.int64]
) -> Categorical[str]:
    """Each site's gNB product version: the newer version of a supplier on most sites."""
    names: list[str] = []
    first: dict[int, int] = {}
    n_versions = np.ones(len(plan.suppliers), dtype=np.int64)
    for s in range(len(plan.suppliers)):
        versions = plan.versions.get((s, "ran.gnb"))
        if versions is None:
            continue
        first[s] = len(names)
        n_versions[s] = len(versions)
        names.extend(f"{plan.product_id(s, 'ran.gnb')}@{v}" for v in versions)
    offset = np.asarray([first.get(s, 0) for s in range(len(plan.suppliers))], dtype=np.int64)
    newer = (rng.random(supplier.shape[0]) < 0.7) & (n_versions[supplier] > 1)
    return Categorical((offset[supplier] + newer).astype(np.int32), tuple(names)).compact()


def _requirements(
    plan: _Plan, group: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> Categorical[tuple[str | AnyOf, ...]]:
    """One ``requires`` pattern per operator and region that has sites."""
    r = plan.n_regions
    used = np.flatnonzero(counts > 0)
    patterns: list[tuple[str | AnyOf, ...]] = []
    for g in used.tolist():
        op, region = plan.operator_ids[g // r], g % r
        patterns.append(
            (
                AnyOf(any=(f"{op}.amf-1", f"{op}.amf-2")),
                f"{op}.smf",
                f"{op}.upf-{plan.cluster_of(region) + 1}",
                f"{op}.backhaul-{plan.regions[region].id}",
            )
        )
    code_of_group = np.full(len(counts), -1, dtype=np.int32)
    code_of_group[used] = np.arange(len(used), dtype=np.int32)
    return Categorical(code_of_group[group], tuple(patterns))


def _managers(
    plan: _Plan, operator: npt.NDArray[np.int64], supplier: npt.NDArray[np.int64]
) -> Categorical[str]:
    """Each site is managed by its operator's element manager for its supplier."""
    pair = operator * len(plan.suppliers) + supplier
    used, codes = np.unique(pair, return_inverse=True)
    names = tuple(
        f"{plan.operator_ids[p // len(plan.suppliers)]}.ems-"
        f"{plan.suppliers[p % len(plan.suppliers)].id}"
        for p in used.tolist()
    )
    return Categorical(codes.astype(np.int32).reshape(-1), names)


# ---------------------------------------------------------------------------- records


_STATUS = (
    MeasureStatus.IMPLEMENTED,
    MeasureStatus.IN_PROGRESS,
    MeasureStatus.PLANNED,
    MeasureStatus.NOT_STARTED,
)


def _measures(rng: np.random.Generator, plan: _Plan) -> tuple[MeasureRecord, ...]:
    """Strategic measures and supporting actions nationally, technical ones per operator."""
    wanted: list[tuple[str, str | None]] = [(f"SM0{i}", None) for i in range(1, 9)]
    wanted += [(f"SA{i:02d}", None) for i in range(1, 11)]
    wanted += [(f"TM{i:02d}", op) for op in plan.operator_ids for i in range(1, 12)]
    records = []
    for measure, operator in wanted:
        status = _STATUS[int(rng.choice(4, p=[0.45, 0.25, 0.2, 0.1]))]
        done = status is MeasureStatus.IMPLEMENTED
        date = AS_OF - dt.timedelta(days=int(rng.integers(30, 1500))) if done else None
        evidence: tuple[str, ...] = ()
        if measure == "TM07" and operator is not None:
            evidence = (f"ev-audit-{operator}",)
        elif measure in ("SM01", "SM03"):
            evidence = ("ev-law-national",)
        records.append(
            MeasureRecord(
                measure=measure, operator=operator, status=status, date=date, evidence=evidence
            )
        )
    return tuple(records)


def _evidence(plan: _Plan) -> tuple[Any, ...]:
    """A national law, an audit per operator, and assurance records for two suppliers."""
    low, high = plan.suppliers[LOW].id, plan.suppliers[HIGH].id
    low_gnb = [f"{plan.product_id(LOW, 'ran.gnb')}@{v}" for v in plan.versions[(LOW, "ran.gnb")]]
    high_gnb = [
        f"{plan.product_id(HIGH, 'ran.gnb')}@{v}" for v in plan.versions.get((HIGH, "ran.gnb"), ())
    ] or low_gnb
    records: list[dict[str, Any]] = [
        {"id": "ev-law-national", "type": "law", "title": "Synthetic national security law",
         "date": dt.date(2021, 1, 1)},
        {"id": "ev-law-third-state", "type": "law", "subject": high,
         "title": "Synthetic third-state law obliging cooperation with intelligence services"},
        *({"id": f"ev-audit-{op}", "type": "audit", "subject": op,
           "title": f"Synthetic audit of {op}", "date": AS_OF - dt.timedelta(days=90)}
          for op in plan.operator_ids),
        {"id": f"ev-eval-{low}", "type": "evaluation", "scheme": "GSMA NESAS",
         "title": f"Synthetic NESAS evaluation of {low}", "products": low_gnb, "result": "pass",
         "date": AS_OF - dt.timedelta(days=200)},
        {"id": f"ev-cert-{low}", "type": "certificate", "scheme": "Synthetic certification",
         "identifier": "SYN-0001", "title": f"Synthetic certificate of {low_gnb[0]}",
         "products": low_gnb[:1], "valid_from": dt.date(2023, 1, 1),
         "valid_to": AS_OF - dt.timedelta(days=30)},  # expired before as_of, on purpose
        {"id": f"ev-finding-{high}", "type": "finding", "severity": "high", "status": "open",
         "title": "Synthetic source-review finding", "affected": high_gnb,
         "source": "source-review"},
        {"id": f"ev-assure-{high}", "type": "assurance-statement", "level": "limited",
         "title": f"Synthetic assurance statement on {high}", "subject": high},
        {"id": f"ev-equiv-{high}", "type": "equivalence", "product": high_gnb[-1],
         "title": "Synthetic binary-equivalence check", "identical": 900, "differing": 40,
         "missing": 3, "extra": 7},
    ]  # fmt: skip
    return tuple(_EVIDENCE.validate_python(record) for record in records)
