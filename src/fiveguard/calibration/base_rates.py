"""Base rates: simulated EU-like countries beside the EU's annual incident figures (ENISA).

Generated countries spanning the EU's sizes and operator counts are simulated once per
cause, with only that cause's event source switched on (as in
:mod:`fiveguard.calibration.operator_outages`), and four figures are compared with the
years of ``incidents.enisa``:

- **users affected per capita and year**: the people without service in the outages
  above the reporting threshold, per year, summed over causes, over the population;
  ENISA's figure is its incidents times the users affected per incident it reports, over
  the population of the reporting states;
- **incidents above the reporting thresholds per country-year**: simulated years in which
  a cause's outage crosses the catalogue's national threshold (``eu-enisa``), summed over
  causes; ENISA's figure is its incidents over the states reporting;
- **user-hours per capita and year**: those people times the outage's hours; ENISA's is
  its user-hours over the population;
- **cause mix**: each cause's share of the simulated incidents above the thresholds,
  against ENISA's root-cause shares of incidents.

How long an outage lasts: the Monte Carlo does not yet draw durations per trial, so each
cause's outages last its kind's median restoration time (``incident_time.restoration``;
a power loss its median duration). :func:`outage_hours` is the one place that says so;
when the Monte Carlo carries drawn durations it takes them instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.calibration.operator_outages import only
from fiveguard.domain.catalogue import Catalogue, EnisaYear
from fiveguard.domain.catalogue.simulation import ReportingThreshold
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.engines import run_trials
from fiveguard.simulate.metrics import IMPACT_FIELDS

PEOPLE = IMPACT_FIELDS.index("people_without_service")
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
class CauseRun:
    """One event source of one country, simulated alone."""

    source: str
    cause: str
    hours: float | None
    """How long its outages last (``None``: the catalogue gives no time for it)."""
    mean_people: float
    """People without service per year, every outage counted."""
    mean_reported_people: float
    """People without service per year in the outages above the reporting threshold:
    what the EU's figures count."""
    reportable_years: int


@dataclass(frozen=True)
class CountryRates:
    """The simulated figures of one country."""

    country: EuLikeCountry
    population: int
    trials: int
    causes: tuple[CauseRun, ...]

    @property
    def users_affected_per_capita(self) -> float:
        """Users of reportable outages per person and year."""
        return sum(c.mean_reported_people for c in self.causes) / self.population

    @property
    def user_hours_per_capita(self) -> float | None:
        """User-hours of reportable outages per person and year (``None``: a cause's
        outages have no duration)."""
        if any(c.hours is None for c in self.causes):
            return None
        return sum(c.mean_reported_people * (c.hours or 0.0) for c in self.causes) / self.population

    @property
    def incidents_per_year(self) -> float:
        return sum(c.reportable_years for c in self.causes) / self.trials

    def cause_mix(self) -> dict[str, float]:
        """Each ENISA cause's share of the simulated incidents above the thresholds."""
        total = sum(c.reportable_years for c in self.causes)
        out: dict[str, float] = {}
        for c in self.causes:
            out[c.cause] = out.get(c.cause, 0.0) + (c.reportable_years / total if total else 0.0)
        return out


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


def outage_hours(catalogue: Catalogue, source: str) -> float | None:
    """How long an outage of ``source`` lasts in this comparison: its kind's median
    restoration time, or the power loss's median duration; ``None`` without either."""
    kind = SOURCE_CAUSES[source][1]
    if kind == "power":
        return catalogue.simulation.power_loss.duration.median_hours
    time = catalogue.simulation.incident_time
    restoration = time.restoration.get(kind) if time is not None else None
    return restoration.median_hours if restoration is not None else None


def reportable(
    people: npt.NDArray[np.int64], users: int, hours: float | None, threshold: ReportingThreshold
) -> npt.NDArray[np.bool_]:
    """``(T,)``: the years whose outage (``people`` without service of ``users``, for
    ``hours``) crosses the national ``threshold``: any condition holds."""
    out = np.zeros(people.shape[0], dtype=bool)
    if hours is None:
        return out
    for condition in threshold.conditions:
        if hours < condition.min_hours:
            continue
        hit = np.zeros_like(out)
        if condition.min_users is not None:
            hit |= people >= condition.min_users
        if condition.min_share is not None and users > 0:
            hit |= people > condition.min_share * users
        out |= hit & (people > 0)
    return out


def national_threshold(catalogue: Catalogue, threshold_id: str = "eu-enisa") -> ReportingThreshold:
    """The national reporting threshold the EU's figures count by."""
    time = catalogue.simulation.incident_time
    thresholds = {t.id: t for t in time.reporting_thresholds} if time is not None else {}
    threshold = thresholds.get(threshold_id)
    if threshold is None or threshold.per != "national":
        raise ValueError(f"the catalogue has no national reporting threshold {threshold_id!r}")
    return threshold


def country_rates(
    country: EuLikeCountry,
    model: NetworkModel,
    catalogue: Catalogue,
    trials: int,
    seed: int,
) -> CountryRates:
    """The simulated figures of one country: every source alone, ``trials`` years each."""
    threshold = national_threshold(catalogue)
    users = sum(o.people_subscribers for o in model.document.operators)
    population = sum(r.population for r in model.document.regions)
    runs = []
    for source, (cause, _) in SOURCE_CAUSES.items():
        ready = prepare(model, only(catalogue, source))
        people = run_trials(ready.compiled, ready.sources, trials, seed).national[:, PEOPLE]
        hours = outage_hours(catalogue, source)
        crossed = reportable(people, users, hours, threshold)
        runs.append(
            CauseRun(
                source=source,
                cause=cause,
                hours=hours,
                mean_people=float(people.mean()),
                mean_reported_people=float(np.where(crossed, people, 0).mean()),
                reportable_years=int(crossed.sum()),
            )
        )
    return CountryRates(country, population, trials, tuple(runs))


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
    hours_known = all(c.user_hours_per_capita is not None for c in countries)
    user_hours = (
        sum((c.user_hours_per_capita or 0.0) * c.population for c in countries) / people
        if hours_known
        else None
    )
    incidents = sum(c.incidents_per_year for c in countries) / len(countries)
    reportable_total = sum(sum(r.reportable_years for r in c.causes) for c in countries)
    mix: dict[str, float] = {}
    for c in countries:
        for run in c.causes:
            share = run.reportable_years / reportable_total if reportable_total else 0.0
            mix[run.cause] = mix.get(run.cause, 0.0) + share
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
        if population and year.incidents is not None and year.users_per_incident is not None:
            out.append(
                Comparison(
                    "users affected per capita and year",
                    year.year,
                    users,
                    year.incidents * year.users_per_incident / population,
                    f"{year.incidents} incidents × {year.users_per_incident:,} users / "
                    f"{population / 1e6:g} million people",
                )
            )
        if population and year.user_hours_millions is not None:
            out.append(
                Comparison(
                    "user-hours per capita and year",
                    year.year,
                    user_hours,
                    year.user_hours_millions * 1e6 / population,
                    f"{year.user_hours_millions:g} million user-hours / "
                    f"{population / 1e6:g} million people",
                )
            )
        for cause, share in year.cause_share_of_incidents.items():
            out.append(
                Comparison(
                    f"share of incidents: {cause}",
                    year.year,
                    mix.get(cause, 0.0) if reportable_total else None,
                    share,
                    f"{share:.1%} of the year's incidents",
                )
            )
    return out


def _population(catalogue: Catalogue, year: EnisaYear) -> float | None:
    """People of the states reporting that year (from its exposure), or ``None``."""
    if year.population is None:
        return None
    exposure = catalogue.incidents.exposures.get(year.population)
    return exposure.value * 1e6 if exposure is not None else None
