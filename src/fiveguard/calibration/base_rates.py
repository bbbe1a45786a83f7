"""Base rates: simulated EU-like countries beside the EU's annual incident figures (ENISA).

Generated countries spanning the EU's sizes and operator counts are simulated once per
cause, with only that cause's event source switched on (as in
:mod:`fiveguard.calibration.operator_outages`), and every sampled event of a simulated year
is an incident of its own, as the Monte Carlo's incidents take it
(:mod:`fiveguard.simulate.incidents`): its people without service alone, its drawn
restoration time plus the catalogue's extensions. An incident is *reported* when it
crosses the catalogue's national threshold (``eu-enisa``) on its own, counted two ways:

- **whole base**: the people it leaves without service against all the country's
  subscribers together;
- **per service**, as ENISA's thresholds count: the people losing each of
  :data:`ENISA_SERVICES` (mobile telephony and mobile internet, the catalogue's ``voice``
  and ``data``), each against that service's own national base, the mobile customers;
  reported when one of them crosses. Its users affected are the most people losing one
  of those services, its user-hours the whole-base incident's plus, for the people
  losing that service while still served, the incident's hours. The generated
  countries have no wireline access, so ENISA's fixed services have no counterpart.

Four figures are compared with the years of ``incidents.enisa``, each counted both ways:

- **users affected per capita and year**: the people without service of the reported
  incidents, per year, summed over causes, over the population; ENISA's figure is its
  incidents times the users affected per incident it reports, over the population of the
  reporting states;
- **incidents above the reporting thresholds per country-year**: the reported incidents
  per simulated year, summed over causes; ENISA's figure is its incidents over the states
  reporting;
- **user-hours per capita and year**: each reported incident's people times its hours;
  ENISA's is its user-hours over the population;
- **cause mix**: each cause's share of the reported incidents, against ENISA's root-cause
  shares of incidents; and, since a share depends on every other cause, each cause's
  reported incidents per country-year, against its share of ENISA's incidents per state
  (in the years giving both).

A cause's incidents last its own kind's restoration time (``incident_time.restoration``;
a power loss the hours it was sampled with): since the source runs alone, every incident
of the run is its own, and :func:`restored_as` gives the run's time plan that kind's
distribution for every kind of event. Signalling storms are not sampled with the packaged
catalogue (it triggers none); a catalogue override with triggers (``--catalog``) counts a
storm an event starts in that event's incident.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fiveguard.calibration.operator_outages import only
from fiveguard.domain.catalogue import Catalogue, EnisaYear
from fiveguard.domain.catalogue.simulation import ReportingThreshold
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.durations import sample_timed
from fiveguard.simulate.engines import plan_batches
from fiveguard.simulate.incidents import (
    POWER,
    ImpactCache,
    Incidents,
    TimePlan,
    crosses,
    incidents_of,
    time_plan,
)

ENISA_SERVICES = ("voice", "data")
"""The catalogue's services (``simulation.services``) that are ENISA's mobile telephony
and mobile internet, each counted against the mobile customers. SMS and emergency calls
are not services ENISA sets a threshold on (a judgement: its annual reports count
telephony and internet, mobile and fixed)."""

TARGET_FACTOR = 2.0
"""The target: every simulated figure within this factor of ENISA's."""

SOURCE_CAUSES: dict[str, tuple[str, str]] = {
    "product_fault": ("system-failure", "product-fault"),
    "asset_failure": ("system-failure", "asset-failure"),
    "misconfiguration": ("human-error", "misconfiguration"),
    "change_push": ("human-error", "change-push"),
    "limit_reached": ("third-party-failure", "limit-reached"),
    "power_loss": ("natural-phenomena", "power"),
    "supplier_update": ("malicious-action", "supplier-update"),
}
"""Each event source: ENISA's root-cause class it falls in, and its kind of restoration
time (``power`` for the power loss's own duration)."""


@dataclass(frozen=True)
class EuLikeCountry:
    """A generated country: its sites and operators (about 430 people per site)."""

    name: str
    sites: int
    operators: int


EU_LIKE = (
    EuLikeCountry("small, like Malta or Luxembourg (2 operators)", 1_500, 2),
    EuLikeCountry("medium, like Austria or Czechia (3 operators)", 20_000, 3),
    EuLikeCountry("large, like Spain or Poland (4 operators)", 100_000, 4),
)
"""The full-size set (``make calibration``): from a small member state to a large one."""

SMALL_EU_LIKE = (
    EuLikeCountry("small (2 operators)", 1_500, 2),
    EuLikeCountry("medium-small (3 operators)", 6_000, 3),
)
"""The set the test suite runs: small models, the same comparison."""


@dataclass(frozen=True)
class Tally:
    """Sums over a run's incidents: every incident leaving someone without service, and
    those crossing the national threshold (*reported*)."""

    incidents: int = 0
    people: int = 0
    user_hours: float = 0.0
    reported: int = 0
    reported_people: int = 0
    reported_user_hours: float = 0.0
    service_reported: int = 0
    service_reported_people: int = 0
    service_reported_user_hours: float = 0.0
    """``service_*``: the incidents reported per service (see the module doc), their users
    affected and user-hours."""

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            *(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self))
        )


def tally(
    incidents: Incidents, threshold: ReportingThreshold, users: int, services: Sequence[int]
) -> Tally:
    """The sums of ``incidents`` (a batch's), each checked on its own against the national
    ``threshold`` with the country's ``users``: with the people without service, and
    with the people losing each service of ``services`` (columns of
    ``incidents.service_people``), each against ``users`` (the mobile customers)."""
    people, hours = incidents.people, incidents.hours
    if incidents.service_people is None:
        raise ValueError("the incidents carry no people per service")
    base = np.full(people.shape[0], users, dtype=np.int64)
    hit = people > 0
    crossed = crosses(threshold, people, base, hours)
    lost = incidents.service_people[:, list(services)]
    by_service = np.zeros(people.shape[0], dtype=bool)
    for column in range(lost.shape[1]):
        by_service |= crosses(threshold, lost[:, column], base, hours)
    most = lost.max(axis=1, initial=0)
    service_hours = incidents.user_hours + np.maximum(most - people, 0) * hours
    return Tally(
        incidents=int(hit.sum()),
        people=int(people[hit].sum()),
        user_hours=float(incidents.user_hours[hit].sum()),
        reported=int(crossed.sum()),
        reported_people=int(people[crossed].sum()),
        reported_user_hours=float(incidents.user_hours[crossed].sum()),
        service_reported=int(by_service.sum()),
        service_reported_people=int(most[by_service].sum()),
        service_reported_user_hours=float(service_hours[by_service].sum()),
    )


@dataclass(frozen=True)
class CauseRun:
    """One event source of one country, simulated alone for ``trials`` years."""

    source: str
    cause: str
    trials: int
    counted: Tally

    @property
    def reported_per_year(self) -> float:
        return self.counted.reported / self.trials

    @property
    def reported_people_per_year(self) -> float:
        """People without service per year in the reported incidents: what the EU's
        figures count."""
        return self.counted.reported_people / self.trials

    @property
    def reported_user_hours_per_year(self) -> float:
        return self.counted.reported_user_hours / self.trials

    @property
    def service_reported_per_year(self) -> float:
        """Incidents reported per service (one of :data:`ENISA_SERVICES` crossing)."""
        return self.counted.service_reported / self.trials


@dataclass(frozen=True)
class CountryRates:
    """The simulated figures of one country."""

    country: EuLikeCountry
    population: int
    trials: int
    causes: tuple[CauseRun, ...]

    @property
    def users_affected_per_capita(self) -> float:
        """Users of reported incidents per person and year."""
        return sum(c.reported_people_per_year for c in self.causes) / self.population

    @property
    def user_hours_per_capita(self) -> float:
        """User-hours of reported incidents per person and year."""
        return sum(c.reported_user_hours_per_year for c in self.causes) / self.population

    @property
    def incidents_per_year(self) -> float:
        """Reported incidents per year."""
        return sum(c.reported_per_year for c in self.causes)

    @property
    def users_per_incident(self) -> float | None:
        """People without service per reported incident (``None``: none reported)."""
        reported = sum(c.counted.reported for c in self.causes)
        people = sum(c.counted.reported_people for c in self.causes)
        return people / reported if reported else None

    @property
    def service_incidents_per_year(self) -> float:
        """Incidents reported per service per year."""
        return sum(c.service_reported_per_year for c in self.causes)

    @property
    def service_users_affected_per_capita(self) -> float:
        """Users affected of the incidents reported per service, per person and year."""
        people = sum(c.counted.service_reported_people for c in self.causes)
        return people / self.trials / self.population

    @property
    def service_user_hours_per_capita(self) -> float:
        """User-hours of the incidents reported per service, per person and year."""
        hours = sum(c.counted.service_reported_user_hours for c in self.causes)
        return hours / self.trials / self.population

    @property
    def service_users_per_incident(self) -> float | None:
        """Users affected per incident reported per service (``None``: none reported)."""
        reported = sum(c.counted.service_reported for c in self.causes)
        people = sum(c.counted.service_reported_people for c in self.causes)
        return people / reported if reported else None

    def cause_mix(self) -> dict[str, float]:
        """Each ENISA cause's share of the simulated incidents above the thresholds."""
        total = sum(c.counted.reported for c in self.causes)
        out: dict[str, float] = {}
        for c in self.causes:
            out[c.cause] = out.get(c.cause, 0.0) + (c.counted.reported / total if total else 0.0)
        return out


PER_SERVICE = ", per service"
"""The suffix of a figure counted per service (see the module doc)."""


@dataclass(frozen=True)
class Comparison:
    """One row of the table: a figure, simulated and as ENISA published it."""

    metric: str
    year: int
    simulated: float | None
    enisa: float
    basis: str

    @property
    def ratio(self) -> float | None:
        if self.simulated is None or self.enisa <= 0:
            return None
        return self.simulated / self.enisa

    @property
    def within(self) -> bool | None:
        """Whether the simulated figure is within :data:`TARGET_FACTOR` of ENISA's."""
        ratio = self.ratio
        if ratio is None:
            return None
        return bool(1.0 / TARGET_FACTOR <= ratio <= TARGET_FACTOR)


def national_threshold(catalogue: Catalogue, threshold_id: str = "eu-enisa") -> ReportingThreshold:
    """The national reporting threshold the EU's figures count by."""
    time = catalogue.simulation.incident_time
    thresholds = {t.id: t for t in time.reporting_thresholds} if time is not None else {}
    threshold = thresholds.get(threshold_id)
    if threshold is None or threshold.per != "national":
        raise ValueError(f"the catalogue has no national reporting threshold {threshold_id!r}")
    return threshold


def restored_as(plan: TimePlan, catalogue: Catalogue, kind: str) -> TimePlan:
    """``plan`` with every kind of event but power restored as ``kind`` (its median, shape
    and site-access extension): the plan of a run in which only ``kind``'s source is on.
    ``kind`` ``power`` leaves the plan as it is."""
    if kind == "power":
        return plan
    time = catalogue.simulation.incident_time
    restoration = time.restoration.get(kind) if time is not None else None
    if time is None or restoration is None:
        raise ValueError(f"the catalogue has no restoration time for {kind!r}")
    access = time.extensions.site_access
    extra = access.hours if access is not None and kind in access.kinds else 0.0
    others = np.arange(plan.median.shape[0]) != POWER
    return dataclasses.replace(
        plan,
        median=np.where(others, restoration.median_hours, plan.median),
        sigma=np.where(others, restoration.sigma, plan.sigma),
        site_access=np.where(others, extra, plan.site_access),
    )


def cause_run(
    model: NetworkModel,
    catalogue: Catalogue,
    source: str,
    trials: int,
    seed: int,
    threshold: ReportingThreshold,
) -> CauseRun:
    """``source`` alone on ``model`` for ``trials`` years: its incidents, tallied."""
    cause, kind = SOURCE_CAUSES[source]
    ready = prepare(model, only(catalogue, source))
    names = ready.compiled.service_rules.names
    missing = [s for s in ENISA_SERVICES if s not in names]
    if missing:
        raise ValueError(
            f"simulation.services: no service {', '.join(missing)} (the base rates count "
            f"ENISA's mobile telephony and internet as {' and '.join(ENISA_SERVICES)})"
        )
    services = [names.index(s) for s in ENISA_SERVICES]
    plan = time_plan(ready.model, ready.catalogue, ready.compiled)
    if plan is None:
        raise ValueError("the catalogue has no incident time (simulation.incident_time)")
    plan = restored_as(plan, catalogue, kind)
    cache = ImpactCache(ready.compiled, plan)
    counted = Tally()
    for batch in plan_batches(trials, 1):
        timed = sample_timed(ready.sources, seed, batch.first_block, batch.trials)
        incidents = incidents_of(timed, ready.compiled, plan, cache)
        counted += tally(incidents, threshold, plan.users, services)
    return CauseRun(source, cause, trials, counted)


def country_rates(
    country: EuLikeCountry,
    model: NetworkModel,
    catalogue: Catalogue,
    trials: int,
    seed: int,
) -> CountryRates:
    """The simulated figures of one country: every source alone, ``trials`` years each."""
    threshold = national_threshold(catalogue)
    population = sum(r.population for r in model.document.regions)
    runs = tuple(
        cause_run(model, catalogue, source, trials, seed, threshold) for source in SOURCE_CAUSES
    )
    return CountryRates(country, population, trials, runs)


def simulate_countries(
    catalogue: Catalogue,
    countries: Sequence[EuLikeCountry] = EU_LIKE,
    trials: int = 10_000,
    seed: int = 1,
) -> list[CountryRates]:
    """Every country generated (with ``seed``) and simulated."""
    return [
        country_rates(
            c, generate_model(c.sites, operators=c.operators, seed=seed), catalogue, trials, seed
        )
        for c in countries
    ]


def comparisons(catalogue: Catalogue, countries: Sequence[CountryRates]) -> list[Comparison]:
    """Every figure ENISA published for a year beside the simulated one (pooled over the
    countries: per capita over their people, per country-year over the countries)."""
    record = catalogue.incidents
    people = sum(c.population for c in countries)
    users = sum(c.users_affected_per_capita * c.population for c in countries) / people
    user_hours = sum(c.user_hours_per_capita * c.population for c in countries) / people
    incidents = sum(c.incidents_per_year for c in countries) / len(countries)
    service_users = sum(c.service_users_affected_per_capita * c.population for c in countries)
    service_hours = sum(c.service_user_hours_per_capita * c.population for c in countries)
    service_incidents = sum(c.service_incidents_per_year for c in countries) / len(countries)
    reported_total = sum(sum(r.counted.reported for r in c.causes) for c in countries)
    mix: dict[str, float] = {}
    per_cause: dict[str, float] = {}
    service_per_cause: dict[str, float] = {}
    for c in countries:
        for run in c.causes:
            service_per_cause[run.cause] = service_per_cause.get(
                run.cause, 0.0
            ) + run.service_reported_per_year / len(countries)
            share = run.counted.reported / reported_total if reported_total else 0.0
            mix[run.cause] = mix.get(run.cause, 0.0) + share
            per_cause[run.cause] = per_cause.get(run.cause, 0.0) + run.reported_per_year / len(
                countries
            )
    out: list[Comparison] = []
    for year in record.enisa:
        population = _population(catalogue, year)
        if year.incidents is not None and year.countries_reporting:
            out.append(
                Comparison(
                    "incidents above the reporting thresholds per country-year",
                    year.year,
                    incidents,
                    year.incidents / year.countries_reporting,
                    f"{year.incidents} incidents / {year.countries_reporting} states",
                )
            )
            out.append(
                Comparison(
                    f"incidents above the reporting thresholds per country-year{PER_SERVICE}",
                    year.year,
                    service_incidents,
                    year.incidents / year.countries_reporting,
                    f"{year.incidents} incidents / {year.countries_reporting} states",
                )
            )
        if population and year.incidents is not None and year.users_per_incident is not None:
            basis = (
                f"{year.incidents} incidents × {year.users_per_incident:,} users / "
                f"{population / 1e6:g} million people"
            )
            enisa = year.incidents * year.users_per_incident / population
            out.append(
                Comparison("users affected per capita and year", year.year, users, enisa, basis)
            )
            out.append(
                Comparison(
                    f"users affected per capita and year{PER_SERVICE}",
                    year.year,
                    service_users / people,
                    enisa,
                    basis,
                )
            )
        if population and year.user_hours_millions is not None:
            basis = (
                f"{year.user_hours_millions:g} million user-hours / "
                f"{population / 1e6:g} million people"
            )
            enisa = year.user_hours_millions * 1e6 / population
            out.append(
                Comparison("user-hours per capita and year", year.year, user_hours, enisa, basis)
            )
            out.append(
                Comparison(
                    f"user-hours per capita and year{PER_SERVICE}",
                    year.year,
                    service_hours / people,
                    enisa,
                    basis,
                )
            )
        for cause, share in year.cause_share_of_incidents.items():
            out.append(
                Comparison(
                    f"share of incidents: {cause}",
                    year.year,
                    mix.get(cause, 0.0) if reported_total else None,
                    share,
                    f"{share:.1%} of the year's incidents",
                )
            )
            if year.incidents is not None and year.countries_reporting:
                basis = (
                    f"{share:.1%} of {year.incidents} incidents / {year.countries_reporting} states"
                )
                enisa = share * year.incidents / year.countries_reporting
                out.append(
                    Comparison(
                        f"incidents per country-year: {cause}",
                        year.year,
                        per_cause.get(cause, 0.0),
                        enisa,
                        basis,
                    )
                )
                out.append(
                    Comparison(
                        f"incidents per country-year{PER_SERVICE}: {cause}",
                        year.year,
                        service_per_cause.get(cause, 0.0),
                        enisa,
                        basis,
                    )
                )
    return out


def _population(catalogue: Catalogue, year: EnisaYear) -> float | None:
    """People of the states reporting that year (from its exposure), or ``None``."""
    if year.population is None:
        return None
    exposure = catalogue.incidents.exposures.get(year.population)
    return exposure.value * 1e6 if exposure is not None else None
