"""Simulation parameter types: what fiveguard.simulate takes from the catalogue.

The annual probability of each event source, how a supplier's profile sets the
probability of a malicious update, power-loss durations, and the named effects through
which measures in place lower probabilities or limit impact. Every figure carries its
rationale in catalog/data/simulation.yaml.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from fiveguard.domain.base import Frozen, Identifier, Level, Text
from fiveguard.domain.catalogue.reference import Domain

MeasureStatusName = Literal[
    "not-started", "planned", "in-progress", "implemented", "not-applicable"
]
Probability = Annotated[StrictFloat, Field(ge=0, le=1)]


class LevelProbabilities(Frozen):
    """An annual probability for each level of a supplier factor."""

    low: Probability
    medium: Probability
    high: Probability

    def of(self, level: Level) -> float:
        return float(getattr(self, level.value))


class SupplierUpdateParameters(Frozen):
    """A supplier compelled to push a malicious update: probability from its profile.

    The levels of ``factors`` (an unscored factor counts as ``unknown_level``) are turned
    into ranks 1-3 and combined (``mean`` or ``max``); the combined rank gives the level
    (``high`` from ``high_from``, ``medium`` from ``medium_from``), and the level the annual
    probability. ``sabotage_share`` of such updates also take the compromised assets down.
    """

    rationale: Text
    factors: tuple[Identifier, ...] = Field(min_length=1)
    unknown_level: Level
    combine: Literal["mean", "max"]
    medium_from: StrictFloat = Field(ge=1, le=3)
    high_from: StrictFloat = Field(ge=1, le=3)
    annual_probability: LevelProbabilities
    sabotage_share: Probability


class ProductFaultParameters(Frozen):
    """A common-mode fault of one product version: probability from the supplier's
    ``factor`` (product quality), an unscored factor counting as ``unknown_level``.

    With ``record_rate`` (the id of a rate of the incident record), the medium level takes
    that rate's posterior mean as an annual probability, and the low and high levels keep
    their ratio to medium: the record sets the scale, the supplier's quality the spread.

    The levels are per deployment: how often one operator's deployment of a version fails.
    With ``reach_share`` (the id of a share of the incident record), a fault of a version
    reaches each operator running it with that share's posterior mean r, and the version's
    faults happen with the level's probability divided by r (at most 1), so each
    deployment still fails with the level's probability while two operators on one
    version fail together only in a share r of the faults. Without it, every fault
    reaches every operator on the version (r = 1).
    """

    rationale: Text
    factor: Identifier
    unknown_level: Level
    annual_probability: LevelProbabilities
    record_rate: Identifier | None = Field(
        default=None,
        description="Rate of incidents.rates that sets the medium level's probability.",
    )
    reach_share: Identifier | None = Field(
        default=None,
        description="Share of incidents.shares: the probability a version's fault reaches "
        "each operator running the version.",
    )

    @model_validator(mode="after")
    def _scale_to_keep(self) -> ProductFaultParameters:
        if self.record_rate is not None and self.annual_probability.medium <= 0:
            raise ValueError("record_rate needs a medium annual_probability above 0 to scale")
        return self


class GroupEventParameters(Frozen):
    """Per operator and year, an event taking down every asset of one group (a kind, or a
    product) in ``target_domains`` at once, at the posterior mean of the incident
    record's ``record_rate`` (see :mod:`fiveguard.simulate.pushes`)."""

    rationale: Text
    record_rate: Identifier
    target_domains: tuple[Domain, ...] = Field(min_length=1)


class EvidenceRuleParameters(Frozen):
    """Which assurance evidence moves which simulated rate, and by how much.

    Availability: a version's fault level moves ``availability_steps`` levels only with
    signals of ``availability_signals`` kinds (an evaluation of that product) that name
    that version; a raising signal wins over a lowering one. Security: a supplier's
    malicious-update probability is multiplied by ``security_raise`` when any raising
    signal concerns one of its deployed versions, else by ``security_lower`` when lowering
    signals cover every deployed version of it.
    """

    rationale: Text
    availability_signals: tuple[Identifier, ...]
    availability_steps: StrictInt = Field(default=1, ge=0, le=2)
    security_raise: StrictFloat = Field(gt=0)
    security_lower: StrictFloat = Field(gt=0)


class MisconfigurationParameters(Frozen):
    """An operator's misconfiguration taking down one of its assets in ``target_domains``,
    chosen uniformly."""

    rationale: Text
    annual_probability: Probability
    target_domains: tuple[Domain, ...] = Field(min_length=1)


class DurationDistribution(Frozen):
    """How long a power loss lasts: log-normal with the given median and shape."""

    distribution: Literal["lognormal"]
    median_hours: StrictFloat = Field(gt=0)
    sigma: StrictFloat = Field(ge=0)


class RestorationTime(DurationDistribution):
    """How long an outage started by one kind of event lasts, with the incidents behind it."""

    source: Text


class ReportingCondition(Frozen):
    """One way an outage becomes reportable: it lasts at least ``min_hours`` and reaches
    at least ``min_users`` people or more than ``min_share`` of the user base."""

    min_hours: StrictFloat = Field(ge=0)
    min_users: StrictInt | None = Field(default=None, ge=0)
    min_share: StrictFloat | None = Field(default=None, ge=0, le=1)


class ReportingThreshold(Frozen):
    """An authority's rule for reporting an outage: reportable when any condition holds.

    ``per: national`` compares the people without service in the country with the national
    user base (every operator's people subscribers); ``per: operator`` each operator's
    customers without service with its own."""

    id: Identifier
    authority: Text
    per: Literal["national", "operator"]
    conditions: tuple[ReportingCondition, ...] = Field(min_length=1)
    source: Text


class DurationExtension(Frozen):
    """Hours added to an outage's duration when a condition holds, with its source."""

    hours: StrictFloat = Field(ge=0)
    source: Text


EVENT_KINDS = (
    "supplier-update", "supplier-fault", "product-fault", "change-push", "limit-reached",
    "region-power", "asset-down", "asset-failure", "misconfiguration",
)  # fmt: skip
"""The kinds of events a duration can be given for (what-if events and Monte Carlo ones)."""


class SiteAccessExtension(DurationExtension):
    """Hours added to outages started by events that need someone on site."""

    kinds: tuple[str, ...] = Field(
        min_length=1, description="Event kinds whose repair needs physical access."
    )

    @model_validator(mode="after")
    def _known_kinds(self) -> SiteAccessExtension:
        unknown = [k for k in self.kinds if k not in EVENT_KINDS]
        if unknown:
            raise ValueError(
                f"unknown event kind(s) {', '.join(unknown)}; known: {', '.join(EVENT_KINDS)}"
            )
        return self


class IncidentExtensions(Frozen):
    """What makes a Monte Carlo incident last longer than its drawn restoration time."""

    management_down: DurationExtension | None = Field(
        default=None,
        description="Added when a management asset (kind mgmt.*) is down in the incident: "
        "the operator has lost remote access to its network.",
    )
    site_access: SiteAccessExtension | None = Field(
        default=None, description="Added to incidents started by one of its kinds."
    )


class StormParameters(Frozen):
    """A signalling or registration storm at one operator: when ``trigger_share`` or more
    of its customers lose service, or an asset of one of ``trigger_kinds`` of it is down,
    or ``storm:OPERATOR`` forces one, the re-registration load overloads its registration
    functions (subscriber database, IMS, mobility management) and ``customer_share`` of
    its customers still served lose service too, for ``recovery_hours`` until load is
    shed."""

    rationale: Text
    trigger_share: StrictFloat | None = Field(
        default=None, gt=0, le=1, description="None: a share of customers lost starts no storm."
    )
    trigger_kinds: tuple[Identifier, ...] = ()
    customer_share: Probability
    recovery_hours: StrictFloat = Field(gt=0)
    incidents: tuple[Text, ...] = Field(min_length=1)


class IncidentTimeParameters(Frozen):
    """How long outages last, and when authorities must be told of them."""

    rationale: Text
    restoration: dict[str, RestorationTime] = Field(
        description="Per event type (change-push, product-fault …), its restoration time."
    )
    extensions: IncidentExtensions = Field(
        default_factory=IncidentExtensions,
        description="Hours the Monte Carlo adds to an incident's drawn duration.",
    )
    reporting_thresholds: tuple[ReportingThreshold, ...] = ()


class BatteryPrior(Frozen):
    """The autonomy taken for an asset of ``domains`` whose battery_hours the model leaves
    out: ``hours``, with where the figure comes from (``source``; ``editorial`` when it is
    a judgement)."""

    domains: tuple[Domain, ...] = Field(min_length=1)
    hours: StrictFloat = Field(ge=0)
    editorial: StrictBool = True
    source: Text


class PowerLossParameters(Frozen):
    """A regional power loss; assets whose autonomy is shorter than it go down.

    The probability of a loss in a power area of ``area_population`` residents is
    ``annual_probability`` when given; otherwise ``record_rate`` (a rate of the incident
    record per million people and year) sets it: the posterior mean times the area's
    millions of residents, as an annual probability. ``annual_probability: 0`` switches
    the source off whatever the record says.
    """

    rationale: Text
    annual_probability: Probability | None = Field(
        default=None,
        description="Probability of a loss in an area of area_population residents (or in "
        "a region, without area_population); left out, record_rate sets it.",
    )
    record_rate: Identifier | None = Field(
        default=None,
        description="Rate of incidents.rates per million people and year that sets the "
        "probability per area when annual_probability is left out.",
    )
    duration: DurationDistribution
    unknown_battery_hours: StrictFloat | None = Field(
        default=None,
        ge=0,
        description="Autonomy of every asset whose battery_hours the model leaves out, "
        "whatever its kind; left out, battery_priors gives it by the kind's domain.",
    )
    battery_priors: dict[Identifier, BatteryPrior] = Field(
        default_factory=dict,
        description="Per group of domains, the autonomy taken for an asset of that domain "
        "whose battery_hours the model leaves out (when unknown_battery_hours is not given); "
        "every domain in exactly one prior.",
    )
    area_population: StrictInt | None = Field(
        default=None,
        gt=0,
        description="Residents one power loss reaches: a region is cut into power areas of "
        "at most this many residents, each losing power on its own, annual_probability being "
        "the probability for an area of exactly this size. None: one area per region, each "
        "at annual_probability whatever its size.",
    )
    area_source: Text | None = Field(
        default=None, description="Where area_population comes from, and why."
    )

    @model_validator(mode="after")
    def _probability_or_rate(self) -> PowerLossParameters:
        if self.annual_probability is None and self.record_rate is None:
            raise ValueError("give annual_probability or record_rate")
        if self.unknown_battery_hours is None:
            named = [d for prior in self.battery_priors.values() for d in prior.domains]
            missing = [d.value for d in Domain if d not in named]
            twice = sorted({d.value for d in named if named.count(d) > 1})
            if missing or twice:
                raise ValueError(
                    "without unknown_battery_hours, battery_priors must name every domain "
                    "once"
                    + (f"; missing: {', '.join(missing)}" if missing else "")
                    + (f"; named twice: {', '.join(twice)}" if twice else "")
                )
        if self.record_rate is not None and self.area_population is None:
            raise ValueError(
                "record_rate is a rate per person: it needs area_population, the residents "
                "one loss reaches"
            )
        return self


class AssetFailureParameters(Frozen):
    """Independent failure of one asset, by the domain of its kind."""

    rationale: Text
    annual_probability: dict[Domain, Probability]
    per_site: StrictBool = Field(
        default=False,
        description="Count failures per site: a row of N sites (its sites field) has each "
        "site fail on its own at the asset's probability, a failed site costing the row's "
        "people / N; the row is down only when all N fail. False: the row fails as one.",
    )


EffectTarget = Literal[
    "supplier-update-reach", "misconfiguration", "power-autonomy", "asset-failure"
]


class MeasureEffect(Frozen):
    """How one toolbox measure, in place at an operator, changes the simulation.

    ``multiplier`` scales a probability (the reach of a malicious update, a
    misconfiguration, an asset failure); ``extra_hours`` adds to power autonomy. A measure
    partly in place applies its effect scaled by the status weight.
    """

    id: Identifier
    measure: Identifier
    applies_to: EffectTarget
    multiplier: Probability | None = None
    extra_hours: StrictFloat | None = Field(default=None, ge=0)
    rationale: Text

    @model_validator(mode="after")
    def _one_effect(self) -> MeasureEffect:
        wants_hours = self.applies_to == "power-autonomy"
        if wants_hours and (self.extra_hours is None or self.multiplier is not None):
            raise ValueError("a power-autonomy effect gives extra_hours (and no multiplier)")
        if not wants_hours and (self.multiplier is None or self.extra_hours is not None):
            raise ValueError(f"a {self.applies_to} effect gives a multiplier (and no extra_hours)")
        return self


class ExceedanceThresholds(Frozen):
    """Thresholds at which annual exceedance probabilities are reported."""

    people: tuple[StrictInt, ...] = Field(min_length=1, description="For people and subscribers.")
    assets: tuple[StrictInt, ...] = Field(min_length=1, description="For asset and site counts.")


class CriticalServiceParameters(Frozen):
    """How much of a critical service the Monte Carlo counts as badly hit: the share of the
    assets carrying it that are down or compromised in a year."""

    rationale: Text
    share_threshold: StrictFloat = Field(
        gt=0,
        le=1,
        description="Share of a service's carrying assets down or compromised whose annual "
        "probability is reported.",
    )


class ServiceRule(Frozen):
    """What one service (voice, data, SMS, emergency calls) needs of its operator's core.

    ``needs`` is a list of pools, each a list of asset kinds: the operator's service is
    lost when, for any pool, every asset the operator runs of the pool's kinds is down (a
    pool of which the operator runs no asset does not count)."""

    title: Text
    needs: tuple[tuple[Identifier, ...], ...]
    any_network: StrictBool = Field(
        default=False,
        description="Whether a phone whose home radio stops broadcasting reaches the service "
        "through any network in its region, a roaming partner's or not (emergency calls).",
    )
    wireline: StrictBool = Field(
        description="Whether wireline customers count in the service: they lose it when their "
        "access is down (the pools are the mobile core's)."
    )
    source: Text


class ServiceParameters(Frozen):
    """Per-service loss: the services counted apart and what each needs."""

    rationale: Text
    services: dict[Identifier, ServiceRule]


class RoamingParameters(Frozen):
    """When and how far a roaming partner takes an operator's customers."""

    rationale: Text
    only_when_radio_down: StrictBool = Field(
        description="Customers roam only when their home radio stops broadcasting; a dead core "
        "behind a live radio keeps their phones attached, without service."
    )
    spare_capacity_share: StrictFloat | None = Field(
        ge=0,
        description="Roamers a partner serves in a region, as a share of its own customers "
        "served there; null: no limit.",
    )


class SimulationParameters(Frozen):
    """Everything the simulation takes from the catalogue."""

    source: Text
    supplier_update: SupplierUpdateParameters
    product_fault: ProductFaultParameters
    misconfiguration: MisconfigurationParameters
    power_loss: PowerLossParameters
    asset_failure: AssetFailureParameters
    status_weights: dict[MeasureStatusName, Probability]
    measure_effects: dict[Identifier, MeasureEffect]
    exceedance: ExceedanceThresholds
    critical_services: CriticalServiceParameters
    services: ServiceParameters | None = Field(
        default=None,
        description="Services counted apart (voice, data, SMS, emergency calls); without "
        "them, results give no per-service figures.",
    )
    roaming: RoamingParameters | None = Field(
        default=None,
        description="When customers roam and within what capacity; without it, they roam "
        "whenever their part of the network is down, without limit.",
    )
    change_push: GroupEventParameters | None = Field(
        default=None,
        description="A change pushed at once to every asset of one kind of an operator.",
    )
    limit_reached: GroupEventParameters | None = Field(
        default=None,
        description="A limit of one product reached on every asset running it at an operator.",
    )
    evidence: EvidenceRuleParameters | None = Field(
        default=None,
        description="Which assurance evidence moves which rate; without it, evidence moves "
        "no simulated rate.",
    )
    incident_time: IncidentTimeParameters | None = Field(
        default=None,
        description="Restoration times and reporting thresholds; without them, what-if "
        "results give no duration, user-hours or reporting.",
    )
    storms: StormParameters | None = Field(
        default=None,
        description="The signalling-storm rule; without it, storms happen only when forced "
        "(storm:OPERATOR), at no share of customers.",
    )
    demo_trials: StrictInt = Field(ge=64, description="Trials the demo summary runs.")
    default_trials: StrictInt = Field(
        ge=1, description="Trials of `fiveguard simulate` when --trials is not given."
    )
    assess_trials: StrictInt = Field(
        ge=0,
        description="Trials of the Monte Carlo run in `fiveguard assess` when --trials is not "
        "given (0: no run).",
    )
    max_trials: StrictInt = Field(
        ge=1,
        description="The most trials one run may ask for. Every trial's impacts are kept for "
        "the percentiles, so memory grows with the number of trials.",
    )

    @model_validator(mode="after")
    def _defaults_within_the_maximum(self) -> SimulationParameters:
        for name in ("demo_trials", "default_trials", "assess_trials"):
            if getattr(self, name) > self.max_trials:
                raise ValueError(
                    f"{name} ({getattr(self, name):,}) exceeds max_trials ({self.max_trials:,})"
                )
        return self
