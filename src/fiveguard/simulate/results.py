"""Result types of the simulation: what-if impacts, distributions, event sources.

Every number can be traced: an impact is a plain count over assets; a distribution is
computed from the per-trial impacts; each event source lists its annual probability, the
catalogue parameters and measure effects that produced it (``derivation``), and what it
does when it happens (``impact``, ``variants``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class Counts(_Result):
    """The impact numbers of one trial (or one operator or region of it)."""

    people_without_service: int = Field(
        description="People of access assets (radio or wireline) that are down, except "
        "people of radio assets whose radio stopped broadcasting and whose operator has a "
        "roaming partner serving the same region with a radio asset that is not down, within "
        "the partner's spare capacity there (wireline customers never roam). On a shared "
        "radio asset, each operator's customers (its part of the people, split by "
        "subscribers) are without service when the radio or their own operator's core is "
        "down."
    )
    subscribers_exposed: int = Field(
        description="People of access assets (radio or wireline) that are compromised or "
        "have a compromised asset "
        "in their transitive requires closure (members of any: groups included); on a "
        "shared radio asset, each operator's customers through the radio's requirements "
        "and their own operator's core."
    )
    assets_down: int
    assets_compromised: int
    sites_down: int = Field(description="Sum of the sites of the assets that are down.")


IMPACT_LABELS = (
    ("people_without_service", "people without service"),
    ("subscribers_exposed", "subscribers exposed"),
    ("assets_down", "assets down"),
    ("assets_compromised", "assets compromised"),
    ("sites_down", "sites down"),
)
"""Every impact field of :class:`Counts`, in reading order, with its label in words."""
IMPACTS = tuple(name for name, _ in IMPACT_LABELS)


class ServiceHit(_Result):
    """How much of one critical service an event takes out."""

    affected: int = Field(description="Assets carrying the service that are down or compromised.")
    carrying: int = Field(description="Assets carrying it (listing it in critical_services).")


class ServiceImpact(_Result):
    """People losing each service (voice, data, SMS, emergency calls), nationally and
    broken down, with the rules that count them."""

    national: dict[str, int] = Field(
        description="Per service, people losing it: without service (as in "
        "people_without_service; for emergency calls, without any network in reach when "
        "their radio stops broadcasting), or their operator's core functions for the "
        "service all down."
    )
    by_operator: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]
    titles: dict[str, str] = Field(description="Each service in words.")
    derivation: tuple[Step, ...] = Field(
        description="The catalogue rule of each service (simulation.services) and of roaming."
    )


class RoamingImpact(_Result):
    """Customers whose home radio stopped broadcasting in a region, on their partners'
    networks there."""

    people_roaming: int = Field(description="Roamers served by partners, within capacity.")
    roamers_beyond_capacity: int = Field(
        description="Roamers beyond the partners' spare capacity in their region: without "
        "service (counted in people_without_service)."
    )
    by_operator: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]
    rule: str = Field(description="The roaming rule applied (simulation.roaming).")


class Impact(Counts):
    """A deterministic impact, nationally and broken down."""

    by_operator: dict[str, Counts]
    by_region: dict[str, Counts] = Field(
        description="Assets with a region only; the national figures also count the others."
    )
    critical_services: tuple[str, ...] = Field(
        description="Critical services carried by an asset that is down or compromised."
    )
    critical_service_assets: dict[str, ServiceHit] = Field(
        default_factory=dict,
        description="For each service of critical_services, how many of the assets carrying "
        "it are down or compromised, of how many.",
    )
    people_without_service_by_service: ServiceImpact | None = Field(
        default=None,
        description="People losing each service; absent when the catalogue names none "
        "(simulation.services).",
    )
    roaming: RoamingImpact | None = Field(
        default=None, description="Customers on roaming partners' networks, and beyond them."
    )


class Step(_Result):
    """One step of an annual probability's derivation, or one assumption of a what-if: a
    named parameter or measure, its value, and what it does."""

    parameter: str = Field(description="Catalogue path of the parameter, or the measure.")
    value: str
    note: str


class ThresholdCrossing(_Result):
    """A reporting threshold an outage crosses, nationally or at one operator."""

    threshold: str = Field(description="Its id in simulation.incident_time.")
    authority: str
    who: str = Field(description="'national', or the operator whose customers cross it.")
    people: int = Field(description="People without service counted against it.")
    users: int = Field(description="The user base they are compared with.")
    condition: str = Field(description="The condition met, in words.")


class IncidentTime(_Result):
    """How long an outage lasts and what that adds up to."""

    hours: float = Field(
        description="The outage's duration: the longest median restoration time of its "
        "events (simulation.incident_time.restoration), a power loss lasting its hours."
    )
    basis: tuple[Step, ...] = Field(description="The duration taken for each event.")
    user_hours: float = Field(description="People without service times the hours.")
    user_hours_by_operator: dict[str, float]
    user_hours_by_region: dict[str, float]
    reporting: tuple[ThresholdCrossing, ...] = Field(
        description="Each reporting threshold of the catalogue the outage crosses, with the "
        "first of its conditions met."
    )


class PartialService(_Result):
    """What pools short of capacity and signalling storms add to an outage: people who
    lose service in part of a served part's load, not all of it."""

    people: int = Field(
        description="Of people_without_service, those lost in part: customers of served "
        "parts that are up but carry less than their whole load (a pool's surviving members "
        "short of capacity, a storm), per asset and part floor(people x (1 - share) + 0.5)."
    )
    by_operator: dict[str, int]
    by_region: dict[str, int]
    storms: tuple[str, ...] = Field(
        description="Operators with a signalling storm (forced, or started by the "
        "catalogue's simulation.storms rule)."
    )
    storm_recovery_hours: float | None = Field(
        default=None,
        description="simulation.storms.recovery_hours: how long a storm lasts until load is "
        "shed (when a storm happened).",
    )
    share_by_operator: dict[str, float] = Field(
        description="Each operator's people without service (whole and partial) as a share "
        "of the people of its served parts, to four decimals."
    )
    share_by_region: dict[str, float] = Field(
        description="The same per region: of the people of the served parts in it."
    )


class WhatIfResult(Impact):
    """The impact of a set of events happening together."""

    model: str | None
    events: tuple[str, ...]
    partial_service: PartialService | None = Field(
        default=None,
        description="Partial service and storms, when the outage has any (their people are "
        "in the figures above too).",
    )
    time: IncidentTime | None = Field(
        default=None,
        description="Duration, user-hours and reporting thresholds crossed; absent when the "
        "catalogue has no restoration time for any of the events.",
    )
    assumptions: tuple[Step, ...] = Field(
        default=(),
        description="What the impact rests on that the model does not say: for a power "
        "loss, the battery taken where the model gives none and the hours measures add "
        "(TM11), with the assets each applies to.",
    )


class Exceedance(_Result):
    """Annual probability that an impact reaches ``threshold`` or more."""

    threshold: int
    probability: float


class Distribution(_Result):
    """An impact over the simulated years. Percentiles are order statistics (the
    smallest value reached or passed by at least that share of years)."""

    mean: float
    p50: int
    p95: int
    p99: int
    max: int
    exceedance: tuple[Exceedance, ...]


class Distributions(_Result):
    """One :class:`Distribution` per impact."""

    people_without_service: Distribution
    subscribers_exposed: Distribution
    assets_down: Distribution
    assets_compromised: Distribution
    sites_down: Distribution


class Variant(_Result):
    """One way an event source can play out, with its share of the source's events."""

    label: str
    share: float
    impact: Counts


class EventSourceResult(_Result):
    """One event source (or a group of equal per-asset sources) and what it contributes."""

    source: str = Field(description="TYPE:TARGET, e.g. supplier-update:vendor-x.")
    kind: str
    annual_probability: float = Field(description="Per source and year.")
    sources: int = Field(default=1, description="Independent sources in the group.")
    derivation: tuple[Step, ...]
    impact: Counts = Field(description="What-if impact of its worst variant.")
    variants: tuple[Variant, ...] = ()
    expected_people_without_service: float = Field(
        description="Per year: probability × mean people without service when it happens, "
        "summed over the group's sources (alone, without other events)."
    )
    expected_subscribers_exposed: float
    expected_user_hours: float | None = Field(
        default=None,
        description="Per year: probability × mean of people without service × hours over "
        "its variants; the hours are a power loss's mean duration within each variant's "
        "interval, else the catalogue's median restoration time for the kind "
        "(simulation.incident_time.restoration). None when the catalogue gives no time.",
    )


class CurvePoint(_Result):
    """A point of the exceedance curve: P(people without service ≥ people) per year."""

    people: int
    probability: float


class ServiceShare(_Result):
    """How much of one critical service the simulated years take out: the share of the
    assets carrying it (those listing it in ``critical_services``) that are down or
    compromised. Shares are order statistics of the per-year counts over
    ``carrying_assets``, as for the impacts."""

    carrying_assets: int
    mean: float = Field(description="Mean share over the simulated years.")
    p50: float
    p95: float
    p99: float
    max: float
    threshold: float = Field(description="simulation.critical_services.share_threshold.")
    probability: float = Field(
        description="Annual probability that at least `threshold` of the carrying assets "
        "are down or compromised."
    )


class Interval(_Result):
    """A figure over all trials and the central interval of its values across parameter
    draws."""

    estimate: float = Field(description="Over all trials (every draw pooled).")
    low: float
    high: float


class ExceedanceInterval(_Result):
    """The annual probability of reaching a threshold, with its interval across draws."""

    threshold: int
    probability: Interval


class UncertainSource(_Result):
    """A parameter drawn anew for each batch of trials: an event source's probabilities
    (a gamma multiplier, ``shape``) or a product fault's reach (a Beta posterior,
    ``alpha`` and ``beta``)."""

    source: str = Field(
        description="The simulation section, e.g. product_fault, or product_fault.reach."
    )
    rule: str = Field(
        description="The incident record's rate (incidents.rates) or, for a reach, share "
        "(incidents.shares) whose posterior is used."
    )
    shape: float | None = Field(
        default=None,
        description="Shape of the gamma multiplier (mean 1): the rate's posterior shape "
        "(null for a reach).",
    )
    alpha: float | None = Field(
        default=None, description="A reach's Beta posterior, first parameter (null for a rate)."
    )
    beta: float | None = Field(
        default=None, description="A reach's Beta posterior, second parameter (null for a rate)."
    )

    def describe(self) -> str:
        """The parameter, the record's rule and its posterior, in words."""
        if self.alpha is not None and self.beta is not None:
            return (
                f"{self.source} (incidents.shares.{self.rule}, Beta({self.alpha:g}, {self.beta:g}))"
            )
        return f"{self.source} (incidents.rates.{self.rule}, shape {self.shape:g})"


class ParameterUncertainty(_Result):
    """What the uncertainty of the parameters does to the results: each draw multiplies
    the probabilities of the uncertain sources by a gamma variate of mean 1 and the spread
    of the incident record's posterior, and runs its share of the trials."""

    draws: int
    trials_per_draw: int
    level: float = Field(description="Probability mass of every interval.")
    sources: tuple[UncertainSource, ...]
    fixed: tuple[str, ...] = Field(
        description="Sources held at their value: the incident record says nothing of them."
    )
    people_mean: Interval
    people_p95: Interval
    people_p99: Interval
    people_exceedance: tuple[ExceedanceInterval, ...]


class Spread(_Result):
    """A figure over the simulated years: mean, percentiles (values that occurred) and
    maximum."""

    mean: float
    p50: float
    p95: float
    p99: float
    max: float


class ReportingFrequency(_Result):
    """How many incidents a year cross one reporting threshold."""

    threshold: str = Field(description="Its id in simulation.incident_time.")
    authority: str
    per: str = Field(
        description="'national': one report per incident; 'operator': one per incident and "
        "operator whose customers cross it."
    )
    reports: Spread = Field(description="Reports per year.")
    probability: float = Field(description="The share of years with at least one report.")


class SimulatedTime(_Result):
    """Durations, user-hours and reports over the simulated years, incident by incident.

    An incident is one sampled event alone (docs/simulation.md, "Time in the Monte
    Carlo"): its people without service as the what-if counts them, for its drawn
    restoration time plus the catalogue's extensions."""

    incidents: Spread = Field(description="Incidents a year leaving someone without service.")
    user_hours: Spread = Field(description="Per year, the incidents' people times hours.")
    user_hours_by_operator: dict[str, Spread]
    user_hours_by_region: dict[str, Spread]
    worst_outage_hours: Spread = Field(
        description="Per year, the duration of the year's worst incident: the one leaving "
        "most people without service (on a tie the longest; 0 in a year without one)."
    )
    longest_outage_hours: Spread = Field(
        description="Per year, the longest incident leaving someone without service (0 in "
        "a year without one)."
    )
    reporting: tuple[ReportingFrequency, ...]
    basis: tuple[Step, ...] = Field(
        description="The restoration times and extensions the durations are drawn with."
    )


class SimulatedPartialService(_Result):
    """Partial service and storms over the simulated years (their people are in the
    distributions too)."""

    mean_people: float = Field(
        description="People without service in part (pools short of capacity, storms), "
        "mean per year."
    )
    years: float = Field(description="Share of the years with anyone without service in part.")
    storm_probability: dict[str, float] = Field(
        description="Per operator, the annual probability of a signalling storm (the "
        "catalogue's simulation.storms triggers; none packaged)."
    )


class SimulationResult(_Result):
    """A Monte Carlo run: one trial per simulated year."""

    model: str | None
    trials: int
    seed: int
    distributions: Distributions
    by_operator: dict[str, Distributions]
    by_region: dict[str, Distributions]
    critical_services: dict[str, float] = Field(
        description="Per critical service, the annual probability that at least one asset "
        "carrying it is down or compromised."
    )
    critical_service_shares: dict[str, ServiceShare] = Field(
        description="Per critical service, the share of its carrying assets down or "
        "compromised per year, and the annual probability of reaching the catalogue's share."
    )
    exceedance_curve: tuple[CurvePoint, ...]
    events: tuple[EventSourceResult, ...]
    parameters: str = Field(description="Where the simulation parameters come from.")
    service_distributions: dict[str, Distribution] = Field(
        default_factory=dict,
        description="Per service of simulation.services, people losing it per year.",
    )
    service_distributions_by_operator: dict[str, dict[str, Distribution]] = Field(
        default_factory=dict, description="The same per operator (its customers)."
    )
    parameter_uncertainty: ParameterUncertainty | None = Field(
        default=None,
        description="Intervals from drawing the parameters per batch of trials "
        "(`--parameter-draws`); none when the parameters were held fixed.",
    )
    time: SimulatedTime | None = Field(
        default=None,
        description="Durations, user-hours and reporting-threshold crossings per year; none "
        "when the catalogue gives no incident time, or with `--parameter-draws`.",
    )
    partial_service: SimulatedPartialService | None = Field(
        default=None,
        description="Partial service and storms over the years; none when no year had any.",
    )
    assumptions: tuple[Step, ...] = Field(
        default=(),
        description="What the figures rest on that the model does not say: the battery "
        "taken for each asset whose battery_hours it leaves out (each prior with how many "
        "assets took it) and the hours measures add (TM11).",
    )


class SupplierEvent(_Result):
    """The impact of one single-supplier event (for summaries and reports)."""

    supplier: str
    event: str
    impact: Counts
    name: str | None = Field(default=None, description="The supplier's name in the model.")
