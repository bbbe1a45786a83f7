"""Write the radio sites of the embedded demo (Republic of Xandria) to its sites.csv.

The regions and their populations are read from the demo's model.yaml; the rest of the
radio design is written down below: each operator's market share per region, which
supplier's radios it uses where, which regions share one radio network, where the
sensitive locations are. From that design a fixed-seed NumPy generator draws the sites,
so running this script again writes the same file byte for byte.

Populations are kept consistent: in every region, the people served by all operators'
radio sites together stay below the resident population. Each operator's sites serve
its own users (the region's population × its market share × coverage), and a shared
site serves the users of both its host and its guest.

Usage: .venv/bin/python tools/make_demo_sites.py [--out PATH]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from fiveguard.domain.network import AnyOf
from fiveguard.domain.sites import Categorical, SiteTable
from fiveguard.modelio.csvsites import write_sites

DEMO = Path(__file__).resolve().parents[1] / "src" / "fiveguard" / "examples" / "demo"
SEED = 20260930
OPERATORS = ("xtel", "meridian", "nova")


@dataclass(frozen=True)
class Density:
    """How a class of region is built out.

    Urban sites are dense and each serves many people; rural sites cover wide areas
    with few people. Battery autonomy is the other way round: rural macro sites hang on
    long overhead lines that storms cut for hours and that take long to restore, and
    they are often the only coverage along roads, so operators give them large battery
    banks; city rooftops have neither the space nor the floor loading for that, and the
    urban grid is restored first.
    """

    people_per_site: int
    coverage: float  # share of an operator's users its radio network reaches
    battery_hours: tuple[float, float]


DENSITY = {
    "urban": Density(people_per_site=600, coverage=0.99, battery_hours=(1.0, 3.0)),
    "mixed": Density(people_per_site=380, coverage=0.98, battery_hours=(2.0, 5.0)),
    "rural": Density(people_per_site=220, coverage=0.97, battery_hours=(4.0, 8.0)),
}
NOVA_PEOPLE_PER_SITE = 650
"""Nova Connect builds fewer, larger urban sites than the others."""


@dataclass(frozen=True)
class RegionDesign:
    """How one region's radio network is built, operator by operator."""

    short: str
    density: str
    cluster: str  # which UPF serves the region, per operator
    shares: tuple[float, float, float]  # market shares of xtel, meridian, nova
    xtel_ran: dict[str, float]  # supplier → share of Xandria Telecom's sites
    meridian_ran: str
    nova_ran: str | None  # None: Nova's users are on Meridian's shared sites
    sensitive_sites: int = 0  # per operator, near the region's sensitive location
    sensitive_service: str | None = None
    services: tuple[tuple[str, float], ...] = ()  # critical service → share of sites


# Market shares: the incumbent is strongest in the countryside, Nova in the cities.
# Meridian hosts the shared network where nova_ran is None; Korvath radios (high-risk
# profile) are Meridian's in Marenport and the three eastern and highland regions.
# Sensitive locations (fictional): the government quarter of Valdris (XR-CAP), the
# Marenport naval base (XR-POR), the Fort Ardel army garrison (XR-BOR) and the air-
# surveillance radar on Hollin Ridge (XR-HIL).
# Columns: short id, density class, UPF cluster, market shares (xtel, meridian, nova),
# xtel's radio suppliers, meridian's, nova's (None: shared), sensitive sites per operator,
# the service those carry, other critical services with the share of sites carrying them.
_V, _C, _K = "valtaro", "corvelle", "korvath"
# fmt: off
REGIONS: dict[str, RegionDesign] = {
    "XR-CAP": RegionDesign("cap", "urban", "cap", (0.44, 0.31, 0.21), {_V: 1.0}, _V, _C,
                           40, "government", (("finance", 0.015), ("health", 0.01))),
    "XR-POR": RegionDesign("por", "urban", "west", (0.46, 0.31, 0.18), {_V: 1.0}, _K, _C,
                           25, "defence", (("transport", 0.03), ("health", 0.01))),
    "XR-IND": RegionDesign("ind", "urban", "north", (0.47, 0.32, 0.16), {_C: 1.0}, _V, _C,
                           0, None, (("energy", 0.03), ("health", 0.01))),
    "XR-UNI": RegionDesign("uni", "urban", "cap", (0.43, 0.30, 0.23), {_V: 1.0}, _V, _C,
                           0, None, (("health", 0.02),)),
    "XR-COA": RegionDesign("coa", "mixed", "west", (0.50, 0.31, 0.14), {_V: 1.0}, _V, None,
                           0, None, (("transport", 0.01), ("health", 0.01))),
    "XR-VIN": RegionDesign("vin", "mixed", "west", (0.52, 0.30, 0.13), {_C: 1.0}, _V, None,
                           0, None, (("water", 0.01), ("health", 0.01))),
    "XR-LAK": RegionDesign("lak", "mixed", "centre", (0.51, 0.31, 0.13),
                           {_V: 0.7, "openmast": 0.3}, _V, None,
                           0, None, (("water", 0.01), ("health", 0.01))),
    "XR-BOR": RegionDesign("bor", "rural", "north", (0.55, 0.29, 0.11), {_C: 1.0}, _K, None,
                           30, "defence", (("health", 0.01),)),
    "XR-FOR": RegionDesign("for", "rural", "north", (0.54, 0.30, 0.11), {_C: 1.0}, _K, None,
                           0, None, (("energy", 0.01), ("health", 0.01))),
    "XR-HIL": RegionDesign("hil", "rural", "centre", (0.56, 0.28, 0.11), {_C: 1.0}, _K, None,
                           12, "defence", (("energy", 0.02), ("health", 0.01))),
}
# fmt: on

# The radio product and its versions in use (version → share of that supplier's sites).
RADIO_VERSIONS: dict[str, dict[str, float]] = {
    "valtaro": {"valtaro-gnb@24.2": 0.7, "valtaro-gnb@23.4": 0.3},
    "korvath": {"korvath-gnb@9.0": 0.6, "korvath-gnb@8.2": 0.4},
    "corvelle": {"corvelle-gnb@21.3": 0.75, "corvelle-gnb@22.1": 0.25},
    "openmast": {"openmast-gnb@2.3": 1.0},
}


@dataclass
class Rows:
    """Site rows collected column by column (a demo's worth: plain lists suffice)."""

    id: list[str]
    operator: list[str]
    product: list[str]
    region: list[str]
    population: list[int]
    services: list[tuple[str, ...]]
    sensitive: list[bool]
    battery: list[float]
    requires: list[tuple[str | AnyOf, ...]]
    managed_by: list[str]
    shared_with: list[tuple[str, ...]]


def served_people(region_population: int, design: RegionDesign) -> dict[str, int]:
    """People each operator's own radio sites serve in a region (shared sites: both)."""
    coverage = DENSITY[design.density].coverage
    served = {
        op: int(region_population * share * coverage)
        for op, share in zip(OPERATORS, design.shares, strict=True)
    }
    if design.nova_ran is None:  # Meridian's shared sites serve Nova's users too
        served["meridian"] += served.pop("nova")
    return served


def site_count(operator: str, served: int, design: RegionDesign) -> int:
    per_site = (
        NOVA_PEOPLE_PER_SITE if operator == "nova" else DENSITY[design.density].people_per_site
    )
    return max(1, round(served / per_site))


NOVA_UPF = {"cap": "cap", "west": "west", "north": "north", "centre": "north"}
"""Nova's UPF per cluster: it has none in the centre, whose traffic it breaks out in the
north."""


def core(operator: str, cluster: str) -> tuple[str | AnyOf, ...]:
    """The core functions an operator's customers on a site of ``cluster`` need: its AMF
    pool, its SMF and the UPF of the cluster."""
    upf = NOVA_UPF[cluster] if operator == "nova" else cluster
    return (
        AnyOf(any=(f"{operator}.amf-1", f"{operator}.amf-2")),
        f"{operator}.smf",
        f"{operator}.upf-{upf}",
    )


def add_sites(
    rows: Rows, rng: np.random.Generator, operator: str, region: str, served: int
) -> None:
    """Draw one operator's sites in one region and append them to ``rows``."""
    design = REGIONS[region]
    n = site_count(operator, served, design)
    suppliers = (
        design.xtel_ran
        if operator == "xtel"
        else {design.meridian_ran: 1.0}
        if operator == "meridian"
        else {str(design.nova_ran): 1.0}
    )
    names = list(suppliers)
    supplier = np.asarray(names)[rng.choice(len(names), size=n, p=list(suppliers.values()))]
    product = np.empty(n, dtype=object)
    for name in names:
        mine = supplier == name
        versions = RADIO_VERSIONS[name]
        pick = rng.choice(len(versions), size=int(mine.sum()), p=list(versions.values()))
        product[mine] = np.asarray(list(versions), dtype=object)[pick]
    # Busy sites serve several times the people of quiet ones: log-normal weights.
    # Rounding down keeps the operator's total at or below the people it serves.
    weights = rng.lognormal(0.0, 0.6, n)
    population = np.floor(weights / weights.sum() * served).astype(np.int64)
    low, high = DENSITY[design.density].battery_hours
    battery = np.round(rng.uniform(low, high, n) * 2) / 2
    services: list[tuple[str, ...]] = [()] * n
    for service, share in design.services:
        for row in rng.choice(n, size=round(n * share), replace=False).tolist():
            services[row] = tuple(sorted({*services[row], service}))
    sensitive = np.zeros(n, dtype=bool)
    if design.sensitive_sites:
        chosen = rng.choice(n, size=min(n, design.sensitive_sites), replace=False)
        sensitive[chosen] = True
        # the site owner (the armed forces, the government) asks for longer autonomy
        battery[chosen] = np.maximum(battery[chosen], 6.0)
        for row in chosen.tolist():
            services[row] = tuple(sorted({*services[row], str(design.sensitive_service)}))
    shared = design.nova_ran is None and operator == "meridian"
    # on a shared site, Nova's customers need Nova's core; everyone the host's backhaul
    requirement: tuple[str | AnyOf, ...] = (
        *core(operator, design.cluster),
        *(core("nova", design.cluster) if shared else ()),
        f"{operator}.backhaul-{design.short}",
    )
    rows.id.extend(f"{operator}.{design.short}-{i:04d}" for i in range(1, n + 1))
    rows.operator.extend([operator] * n)
    rows.product.extend(product.tolist())
    rows.region.extend([region] * n)
    rows.population.extend(population.tolist())
    rows.services.extend(services)
    rows.sensitive.extend(sensitive.tolist())
    rows.battery.extend(battery.tolist())
    rows.requires.extend([requirement] * n)
    rows.managed_by.extend(f"{operator}.ems-{s}" for s in supplier)
    rows.shared_with.extend([("nova",) if shared else ()] * n)


def build_sites(regions: dict[str, int]) -> SiteTable:
    """All demo sites, operator by operator and region by region."""
    rng = np.random.default_rng(SEED)
    rows = Rows([], [], [], [], [], [], [], [], [], [], [])
    served = {region: served_people(regions[region], REGIONS[region]) for region in REGIONS}
    for operator in OPERATORS:
        for region in REGIONS:
            if operator in served[region]:
                add_sites(rows, rng, operator, region, served[region][operator])
    n = len(rows.id)
    return SiteTable(
        id=np.asarray(rows.id, dtype=object),
        operator=Categorical.from_values(rows.operator),
        kind=Categorical.constant("ran.gnb", n),
        product=Categorical.from_values(rows.product),
        name=Categorical.constant(None, n),
        region=Categorical.from_values(rows.region),
        sites=np.ones(n, dtype=np.int32),
        population=np.asarray(rows.population, dtype=np.int64),
        critical_services=Categorical.from_values(rows.services),
        sensitive=np.asarray(rows.sensitive, dtype=bool),
        battery_hours=np.asarray(rows.battery, dtype=np.float64),
        capacity=np.full(n, np.nan),
        requires=Categorical.from_values(rows.requires),
        managed_by=Categorical.from_values(rows.managed_by),
        shared_with=Categorical.from_values(rows.shared_with),
        site=Categorical.constant(None, n),
        installed=Categorical.constant(None, n),
        purchased=Categorical.constant(None, n),
        latitude=np.full(n, np.nan),
        longitude=np.full(n, np.nan),
    )


def check(table: SiteTable, document: dict[str, object], regions: dict[str, int]) -> None:
    """Stop if a region is over-served or a site names an asset the YAML lacks."""
    region_of = np.asarray(table.region.categories)[table.region.codes]
    for region, population in regions.items():
        served = int(table.population[region_of == region].sum())
        if served > population:
            raise SystemExit(f"{region}: sites serve {served:,} people, more than {population:,}")
    assets = document.get("assets")
    declared = {a["id"] for a in assets} if isinstance(assets, list) else set()
    named = set(table.managed_by.categories)
    for pattern in table.requires.categories:
        for entry in pattern:
            named.update(entry.any if isinstance(entry, AnyOf) else (entry,))
    missing = sorted(named - declared)
    if missing:
        raise SystemExit(f"sites name assets model.yaml does not declare: {', '.join(missing)}")


def report(table: SiteTable) -> None:
    """Per operator: sites, people served, supplier shares (to copy into the YAML comments)."""
    operator = np.asarray(table.operator.categories)[table.operator.codes]
    supplier = np.asarray([p.split("-")[0] for p in table.product.categories])[table.product.codes]
    print(f"{len(table):,} sites, {int(table.population.sum()):,} people served")
    for op in OPERATORS:
        mine = operator == op
        shares = {
            s: f"{np.count_nonzero(mine & (supplier == s)) / max(1, mine.sum()):.1%}"
            for s in sorted(set(supplier[mine].tolist()))
        }
        print(
            f"  {op}: {int(mine.sum()):,} sites, {int(table.population[mine].sum()):,} served, "
            f"{int((table.sensitive & mine).sum())} sensitive, suppliers {shares}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEMO / "sites.csv", help="CSV to write")
    args = parser.parse_args()
    document = yaml.safe_load((DEMO / "model.yaml").read_text(encoding="utf-8"))
    regions = {r["id"]: int(r["population"]) for r in document["regions"]}
    if set(regions) != set(REGIONS):
        raise SystemExit("model.yaml's regions differ from the design in this script")
    table = build_sites(regions)
    check(table, document, regions)
    write_sites(table, args.out)
    print(f"wrote {args.out}")
    report(table)


if __name__ == "__main__":
    main()
