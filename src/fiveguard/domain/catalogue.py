"""Types of the reference catalogue fiveguard assesses against.

The catalogue is data (``fiveguard/catalog/data/*.yaml``), loaded into these types and
overridable by a user's file. It holds the asset kinds, the EU toolbox (risk areas,
risks, measures and fiveguard's default risk-to-measure links), the supplier criteria,
restriction-policy presets, the ENISA 5G security controls matrix, critical services,
countries and plausibility limits.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from fiveguard.domain.base import CountryCode, Frozen, Identifier, Level, Text


class Domain(StrEnum):
    """Network domains asset kinds belong to; restriction rules can target them."""

    RAN = "ran"
    CORE = "core"
    MANAGEMENT = "management"
    ORCHESTRATION = "orchestration"
    TRANSPORT = "transport"
    LAWFUL_INTERCEPTION = "lawful-interception"
    SERVICES = "services"


MANAGEMENT_DOMAINS = frozenset({Domain.MANAGEMENT, Domain.ORCHESTRATION})


class Criticality(StrEnum):
    CRITICAL = "critical"
    SENSITIVE = "sensitive"
    STANDARD = "standard"


class AssetKind(Frozen):
    """A kind of network asset, e.g. ``core.amf``."""

    id: Identifier
    title: Text
    domain: Domain
    generation: Literal["4g", "5g", "any"] = "any"
    criticality: Criticality
    scas: tuple[Text, ...] = Field(
        default=(),
        description="Class-specific 3GPP SCAS specifications (TS 33.117 applies to all).",
    )
    tags: tuple[Identifier, ...] = ()
    source: Text | None = None

    @property
    def is_radio(self) -> bool:
        return self.domain is Domain.RAN

    @property
    def is_management(self) -> bool:
        return self.domain in MANAGEMENT_DOMAINS


class RiskArea(Frozen):
    id: Identifier
    title: Text
    risks: tuple[Identifier, ...]


class Risk(Frozen):
    id: Identifier
    title: Text
    area: Identifier


class MeasureCategory(StrEnum):
    STRATEGIC = "strategic"
    TECHNICAL = "technical"
    SUPPORTING = "supporting"


class Measure(Frozen):
    id: Identifier
    title: Text
    category: MeasureCategory


class RiskMeasureLinks(Frozen):
    """Which measures each risk calls for. fiveguard's editorial default, editable."""

    provenance: Text
    links: dict[Identifier, tuple[Identifier, ...]]


class CriterionFactor(Frozen):
    id: Identifier
    title: Text


class SupplierCriterion(Frozen):
    id: Identifier
    title: Text
    factors: tuple[CriterionFactor, ...]


class SupplierCriteria(Frozen):
    """The EU criteria for a supplier's risk profile and the scale they are scored on."""

    source: Text
    scale: tuple[Level, ...]
    criteria: tuple[SupplierCriterion, ...]

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(f.id for c in self.criteria for f in c.factors)


# ---------------------------------------------------------------------------- policies


class RuleTargets(Frozen):
    """Which assets a rule covers: any listed domain, kind or tag matches."""

    domains: tuple[Domain, ...] = ()
    kinds: tuple[Identifier, ...] = ()
    tags: tuple[Identifier, ...] = ()
    all_assets: bool = Field(default=False, description="Every asset, whatever its kind.")


class ExcludeRule(Frozen):
    """Suppliers at or above a profile level may not supply the targeted assets."""

    rule: Literal["exclude"]
    id: Identifier
    text: Text = Field(description="The rule in words, as modelled from the decision.")
    min_profile: Level = Level.HIGH
    targets: RuleTargets
    sensitive_sites_only: bool = False
    installed_after: dt.date | None = Field(
        default=None, description="Only assets put in service after this date (new equipment)."
    )
    deadline: dt.date | None = Field(
        default=None, description="Before it, an asset breaking the rule is in transition."
    )


class CapRule(Frozen):
    """Suppliers at or above a profile level may hold at most a share of a domain."""

    rule: Literal["cap"]
    id: Identifier
    text: Text
    min_profile: Level = Level.HIGH
    targets: RuleTargets
    max_share: float = Field(ge=0, le=1)
    measure: Literal["sites", "population"]
    per: Literal["operator", "national"]
    deadline: dt.date | None = None


PolicyRule = Annotated[ExcludeRule | CapRule, Field(discriminator="rule")]


class RestrictionPolicy(Frozen):
    """A restriction policy: rules on suppliers by profile. Presets are modelled on
    national decisions; their legal texts hold details a rule set simplifies."""

    id: Identifier
    title: Text
    country: CountryCode | None = None
    date: dt.date | None = None
    source: Text
    modelled_on: Text | None = None
    rules: tuple[PolicyRule, ...]
    not_modelled: tuple[Text, ...] = Field(
        default=(), description="Parts of the decision the rules do not capture."
    )


# ---------------------------------------------------------------------------- controls


class ControlMeasure(Frozen):
    id: Identifier
    level: int = Field(ge=1, le=3)
    text: Text


class ControlRequirement(Frozen):
    id: Identifier
    text: Text
    typical_evidence: Text
    measures: tuple[Identifier, ...]


class ControlObjective(Frozen):
    id: Identifier
    name: Text
    description: Text
    requirements: tuple[ControlRequirement, ...]


class ControlDomain(Frozen):
    id: Identifier
    name: Text
    description: Text
    objectives: tuple[ControlObjective, ...]


class ControlsMatrix(Frozen):
    """The ENISA 5G security controls matrix, fiveguard's baseline framework."""

    source: Text
    measures: tuple[ControlMeasure, ...]
    domains: tuple[ControlDomain, ...]

    def requirements(self) -> dict[str, ControlRequirement]:
        return {r.id: r for d in self.domains for o in d.objectives for r in o.requirements}


# ---------------------------------------------------------------------------- other data


class CriticalService(Frozen):
    id: Identifier
    title: Text


class Limits(Frozen):
    """Plausibility limits; a value beyond them is reported as absurd."""

    max_region_population: int = Field(gt=0)
    max_subscribers: int = Field(gt=0)
    max_sites_per_asset: int = Field(gt=0)
    max_population_per_site: int = Field(gt=0)
    max_battery_hours: float = Field(gt=0)


class Countries(Frozen):
    source: Text
    eu_members: tuple[CountryCode, ...]
    names: dict[CountryCode, Text]


# ---------------------------------------------------------------------------- assessment rules
# Rules the assessment (fiveguard.assess) applies: how a supplier's overall profile follows
# from its factors, how assurance evidence moves product quality, supplier diversity, the
# risk register's named rules, the risk matrix and how measures lower residual risk.

from pydantic import model_validator  # noqa: E402  (this section's own import: the file is shared)


class ProfileCondition(Frozen):
    """Holds when at least ``at_least`` of ``factors`` are at ``level`` or above."""

    factors: tuple[Identifier, ...] = Field(min_length=1)
    at_least: int = Field(ge=1)
    level: Level

    @model_validator(mode="after")
    def _reachable(self) -> ProfileCondition:
        from fiveguard.domain.network import PROFILE_FACTORS

        unknown = [f for f in self.factors if f not in PROFILE_FACTORS]
        if unknown:
            raise ValueError(
                f"unknown factor(s) {', '.join(unknown)}; a profile has: "
                + ", ".join(PROFILE_FACTORS)
            )
        if self.at_least > len(self.factors):
            raise ValueError(f"at_least is {self.at_least} but only {len(self.factors)} factors")
        return self


class ProfileStep(Frozen):
    """One step of a profile rule: when its condition holds, the profile is ``profile``."""

    id: Identifier
    text: Text
    when: ProfileCondition
    profile: Level


class ProfileRule(Frozen):
    """How a supplier's overall profile follows from its six factors.

    Steps are tried in order and the first whose condition holds decides; when none
    holds the profile is ``otherwise``. A factor not scored is unknown: the rule is
    evaluated with it at its lowest and at its highest possible level, and when the two
    results differ the profile is reported as unknown, between those bounds.
    """

    id: Identifier
    text: Text
    source: Text
    steps: tuple[ProfileStep, ...] = Field(min_length=1)
    otherwise: Level = Level.LOW


class SignalDirection(StrEnum):
    """Which way an assurance signal moves the product-quality factor."""

    RAISE = "raise"
    LOWER = "lower"
    NONE = "none"


ASSURANCE_SIGNAL_KINDS: tuple[str, ...] = (
    "evaluation-passed",
    "evaluation-passed-with-findings",
    "evaluation-failed",
    "evaluation-expired",
    "certificate-valid",
    "certificate-expired",
    "certificate-not-yet-valid",
    "process-certificate-valid",
    "process-certificate-expired",
    "evaluation-not-yet-valid",
    "finding-open-critical",
    "finding-open-high",
    "finding-open-medium",
    "finding-open-low",
    "finding-open-advisory",
    "equivalence-confirmed",
    "equivalence-failed",
    "assurance-full",
    "assurance-reasonable",
    "assurance-limited",
    "assurance-none",
    "vulnerable-component-critical",
    "vulnerable-component-high",
    "vulnerable-component-medium",
    "vulnerable-component-low",
    "vulnerable-component-advisory",
    "component-end-of-support",
)
"""Signal kinds the assessment derives from evidence records; the catalogue must give
each a direction. Findings and vulnerable components give a signal only at the severities
``evidence_rules`` alerts on (``finding_alert_severities``, ``vulnerable_min_severity``).
Other sources may add kinds of their own."""


class SignalKind(Frozen):
    """A kind of assurance signal and the direction it moves product quality."""

    id: Identifier
    direction: SignalDirection
    text: Text


class AssuranceSignalRules(Frozen):
    """How assurance evidence moves a supplier's product-quality factor."""

    text: Text
    signals: dict[Identifier, SignalKind]
    raise_steps: int = Field(default=1, ge=0, le=2)
    lower_steps: int = Field(default=1, ge=0, le=2)
    lower_needs_every_version: bool = Field(
        default=True,
        description="Lower only when lowering evidence covers every deployed product version.",
    )

    @model_validator(mode="after")
    def _kinds_present(self) -> AssuranceSignalRules:
        missing = [k for k in ASSURANCE_SIGNAL_KINDS if k not in self.signals]
        if missing:
            raise ValueError(f"missing signal kind(s): {', '.join(missing)}")
        return self


class HhiBands(Frozen):
    """Bands of the Herfindahl–Hirschman index (0–10,000) and where they come from, in the
    2010 guidelines' wording: unconcentrated below ``moderate_from``, moderately
    concentrated from it up to ``high_above`` inclusive, highly concentrated above."""

    moderate_from: float = Field(ge=0, le=10_000)
    high_above: float = Field(ge=0, le=10_000)
    source: Text

    @model_validator(mode="after")
    def _ordered(self) -> HhiBands:
        if self.high_above < self.moderate_from:
            raise ValueError("high_above is below moderate_from")
        return self


ShareWeight = Literal["sites", "population", "assets"]


class DiversityGroup(Frozen):
    """A part of the network whose supplier shares are measured."""

    id: Identifier
    title: Text
    targets: RuleTargets
    weights: tuple[ShareWeight, ...] = Field(min_length=1)
    by_kind: bool = Field(default=False, description="Also measure each asset kind apart.")
    single_supplier_check: bool = True


class CommonModeRule(Frozen):
    """Redundancy groups (requires ``any:``) whose members all run one product version."""

    id: Identifier
    text: Text
    min_members: int = Field(default=2, ge=2, description="Smaller groups are not checked.")
    likelihood: Level = Field(
        default=Level.MEDIUM,
        description="R4 (supplier-concentration) likelihood is at least this in a scope "
        "with such a group.",
    )


class DiversityRules(Frozen):
    """Supplier diversity: the groups measured, HHI bands, nation-wide concentration,
    redundancy groups on one version."""

    text: Text
    hhi: HhiBands
    national_concentration: float = Field(
        gt=0, le=1, description="One supplier's national share above this is reported."
    )
    groups: tuple[DiversityGroup, ...] = Field(min_length=1)
    common_mode: CommonModeRule


RISK_RULE_PARAMETERS: dict[str, frozenset[str]] = {
    "constant": frozenset({"level"}),
    "version-count": frozenset({"medium_at", "high_at"}),
    "missing-measures": frozenset({"measures", "medium_at", "high_at"}),
    "supplier-product-quality": frozenset({"min_share"}),
    "supplier-concentration": frozenset({"medium_at", "high_at"}),
    "high-profile-key-assets": frozenset(),
    "exposed-function-findings": frozenset({"tags", "level"}),
    "critical-service-suppliers": frozenset({"basis"}),
    "battery-autonomy": frozenset({"hours", "medium_at", "high_at"}),
    "population-share": frozenset({"medium_at", "high_at"}),
    "exposed-population": frozenset({"basis", "medium_at", "high_at"}),
    "largest-supplier-population": frozenset({"medium_at", "high_at"}),
    "subscriber-share": frozenset({"medium_at", "high_at"}),
    "critical-services": frozenset({"medium_at", "high_at"}),
    "short-autonomy-population": frozenset({"hours", "medium_at", "high_at"}),
}
"""The named rules the register can use, each with the parameters it needs."""


class LevelRule(Frozen):
    """A named rule deriving a likelihood or an impact from the model, with parameters.

    ``medium_at``/``high_at`` are thresholds: a measured value at or above ``high_at``
    gives high, at or above ``medium_at`` medium, else low. ``national`` says how the
    national entry is formed: from the whole country's assets at once (``pooled``), or as
    the highest level of any operator (``worst-operator``).
    """

    rule: Identifier
    text: Text
    national: Literal["pooled", "worst-operator"] = "worst-operator"
    level: Level | None = None
    medium_at: float | None = Field(default=None, ge=0)
    high_at: float | None = Field(default=None, ge=0)
    measures: tuple[Identifier, ...] = ()
    min_share: float | None = Field(default=None, ge=0, le=1)
    tags: tuple[Identifier, ...] = ()
    hours: float | None = Field(default=None, ge=0)
    basis: Literal["profile", "product_quality"] | None = None

    @model_validator(mode="after")
    def _parameters(self) -> LevelRule:
        needed = RISK_RULE_PARAMETERS.get(self.rule)
        if needed is None:
            raise ValueError(
                f"unknown rule {self.rule!r}; known rules: {', '.join(RISK_RULE_PARAMETERS)}"
            )
        given = {name for name in _RULE_PARAMETER_NAMES if getattr(self, name) not in (None, ())}
        missing = sorted(needed - given)
        extra = sorted(given - needed)
        if missing:
            raise ValueError(f"rule {self.rule!r} needs {', '.join(missing)}")
        if extra:
            raise ValueError(f"rule {self.rule!r} does not use {', '.join(extra)}")
        low, high = self.medium_at, self.high_at
        if low is not None and high is not None and high < low:
            raise ValueError("high_at is below medium_at")
        return self


_RULE_PARAMETER_NAMES: tuple[str, ...] = (
    "level",
    "medium_at",
    "high_at",
    "measures",
    "min_share",
    "tags",
    "hours",
    "basis",
)


class RiskRules(Frozen):
    """The rules giving one risk's likelihood and impact."""

    likelihood: LevelRule
    impact: LevelRule


class ScaleLevel(Frozen):
    """What a level means on the likelihood and on the impact scale."""

    level: Level
    likelihood: Text
    impact: Text


class RiskMatrix(Frozen):
    """Risk level for each likelihood (outer key) and impact (inner key)."""

    text: Text
    cells: dict[Level, dict[Level, Level]]

    @model_validator(mode="after")
    def _complete(self) -> RiskMatrix:
        for likelihood in Level:
            row = self.cells.get(likelihood)
            if row is None or any(impact not in row for impact in Level):
                raise ValueError(f"likelihood {likelihood.value} needs low, medium and high")
        return self

    def level(self, likelihood: Level, impact: Level) -> Level:
        return self.cells[likelihood][impact]


class ResidualStep(Frozen):
    """From this share of called-for measures in place, likelihood drops by ``lower_by``."""

    min_coverage: float = Field(gt=0, le=1)
    lower_by: int = Field(ge=1, le=2)


class ResidualRule(Frozen):
    """How the measures in place lower a risk's likelihood to give its residual level."""

    text: Text
    credit: dict[Identifier, float] = Field(
        description="Credit per measure status (not-applicable measures are left out)."
    )
    steps: tuple[ResidualStep, ...]


class AssessmentRules(Frozen):
    """Everything the assessment decides by rule, as data a catalogue override can change."""

    default_policy: Identifier | None = Field(
        default=None, description="Preset used when no policy is chosen (fiveguard demo, assess)."
    )
    profile: ProfileRule
    assurance: AssuranceSignalRules
    diversity: DiversityRules
    scale: tuple[ScaleLevel, ...] = Field(min_length=3, max_length=3)
    matrix: RiskMatrix
    risks: dict[Identifier, RiskRules]
    residual: ResidualRule
    measure_scope: dict[MeasureCategory, Literal["national", "operator"]]
    controls_target_level: int = Field(ge=1, le=3)
    sample_size: int = Field(
        ge=1, le=1000, description="Asset ids listed per violation; the rest are counted."
    )


# ---------------------------------------------------------------------------- simulation parameters
# Parameters of the simulation (fiveguard.simulate): the annual probability of each event
# source, how a supplier's profile sets the probability of a malicious update, power-loss
# durations, and the named effects through which measures in place lower probabilities or
# limit impact. Every figure carries its rationale in catalog/data/simulation.yaml.

MeasureStatusName = Literal[
    "not-started", "planned", "in-progress", "implemented", "not-applicable"
]
Probability = Annotated[float, Field(ge=0, le=1)]


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
    medium_from: float = Field(ge=1, le=3)
    high_from: float = Field(ge=1, le=3)
    annual_probability: LevelProbabilities
    sabotage_share: Probability


class ProductFaultParameters(Frozen):
    """A common-mode fault of one product version: probability from the supplier's
    ``factor`` (product quality), an unscored factor counting as ``unknown_level``."""

    rationale: Text
    factor: Identifier
    unknown_level: Level
    annual_probability: LevelProbabilities


class MisconfigurationParameters(Frozen):
    """An operator's misconfiguration taking down one of its assets in ``target_domains``,
    chosen uniformly."""

    rationale: Text
    annual_probability: Probability
    target_domains: tuple[Domain, ...] = Field(min_length=1)


class DurationDistribution(Frozen):
    """How long a power loss lasts: log-normal with the given median and shape."""

    distribution: Literal["lognormal"]
    median_hours: float = Field(gt=0)
    sigma: float = Field(ge=0)


class PowerLossParameters(Frozen):
    """A regional power loss; assets whose autonomy is shorter than it go down."""

    rationale: Text
    annual_probability: Probability
    duration: DurationDistribution
    unknown_battery_hours: float = Field(
        ge=0, description="Autonomy of an asset whose battery_hours the model leaves out."
    )


class AssetFailureParameters(Frozen):
    """Independent failure of one asset, by the domain of its kind."""

    rationale: Text
    annual_probability: dict[Domain, Probability]


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
    extra_hours: float | None = Field(default=None, ge=0)
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

    people: tuple[int, ...] = Field(min_length=1, description="For people and subscribers.")
    assets: tuple[int, ...] = Field(min_length=1, description="For asset and site counts.")


class CriticalServiceParameters(Frozen):
    """How much of a critical service the Monte Carlo counts as badly hit: the share of the
    assets carrying it that are down or compromised in a year."""

    rationale: Text
    share_threshold: float = Field(
        gt=0,
        le=1,
        description="Share of a service's carrying assets down or compromised whose annual "
        "probability is reported.",
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
    demo_trials: int = Field(ge=64, description="Trials the demo summary runs.")
    default_trials: int = Field(
        ge=1, description="Trials of `fiveguard simulate` when --trials is not given."
    )
    assess_trials: int = Field(
        ge=0,
        description="Trials of the Monte Carlo run in `fiveguard assess` when --trials is not "
        "given (0: no run).",
    )
    max_trials: int = Field(
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


# ---------------------------------------------------------------------------- assurance rules
# Rules for assurance evidence (fiveguard.evidence): which vulnerability scores count as
# high, how long an evaluation without an end date stays valid, when components are past
# end of support, and the limits that keep archive reading safe.

from fiveguard.domain.evidence import Severity, VexState  # noqa: E402  (this section's own import)


class CvssBand(Frozen):
    """Scores at or above ``min_score`` (and below the next band) have ``severity``."""

    severity: Severity
    min_score: float = Field(ge=0, le=10)


class EndOfSupportEntry(Frozen):
    """A release line of a component whose support ends on a date."""

    id: Identifier
    name: Text = Field(
        description="Component name, matched without case against the name, the purl name "
        "and the CPE product."
    )
    versions: Text = Field(description="Release line: versions equal to it or starting with it.")
    date: dt.date = Field(description="Last day of support.")
    source: Text


class ArchiveLimits(Frozen):
    """Limits on reading one side of an equivalence check; beyond any, the input is refused."""

    max_members: int = Field(gt=0, description="Files, links and directories in all.")
    max_total_bytes: int = Field(gt=0, description="Content bytes read in all.")
    max_member_bytes: int = Field(gt=0, description="Bytes of one file.")
    max_ratio: float = Field(gt=1, description="Content bytes over archive bytes.")
    ratio_after_bytes: int = Field(
        ge=0, description="The ratio is checked once this many content bytes were read."
    )
    max_path_length: int = Field(gt=0)
    max_manifest_bytes: int = Field(gt=0)


class EvidenceRules(Frozen):
    """How assurance evidence is read and judged; every threshold editable."""

    source: Text
    cvss_bands: tuple[CvssBand, ...] = Field(min_length=1)
    unscored_severity: Severity = Field(
        description="Severity of a vulnerability whose record gives no score or rating."
    )
    vulnerable_min_severity: Severity = Field(
        description="A component with an unsuppressed match at or above it is vulnerable."
    )
    finding_alert_severities: tuple[Severity, ...] = Field(
        description="Open findings of these severities put a product version on the list."
    )
    evaluation_valid_days: int = Field(
        gt=0, description="Validity of an evaluation that gives no valid_until, from its date."
    )
    equivalence_min_ratio: float = Field(
        ge=0, le=1, description="An equivalence check below this ratio has failed."
    )
    vex_suppressing_states: tuple[VexState, ...] = Field(
        description="VEX states that take a match off the list (it is still reported)."
    )
    end_of_support: dict[Identifier, EndOfSupportEntry] = Field(default_factory=dict)
    distro_releases: dict[Identifier, dict[Identifier, Identifier]] = Field(
        default_factory=dict,
        description="Release codenames per distribution (debian: {bullseye: '11'}), so a purl "
        "qualifier distro=bullseye matches OSV's Debian:11.",
    )
    archive_limits: ArchiveLimits
    max_sbom_bytes: int = Field(gt=0)
    max_osv_records: int = Field(gt=0)


class Catalogue(Frozen):
    """The whole reference catalogue."""

    asset_kinds: dict[Identifier, AssetKind]
    scas_general: Text
    risk_areas: dict[Identifier, RiskArea]
    risks: dict[Identifier, Risk]
    measures: dict[Identifier, Measure]
    risk_measures: RiskMeasureLinks
    supplier_criteria: SupplierCriteria
    policies: dict[Identifier, RestrictionPolicy]
    controls: ControlsMatrix
    critical_services: dict[Identifier, CriticalService]
    countries: Countries
    limits: Limits
    # assessment fields
    assessment: AssessmentRules
    # simulation fields
    simulation: SimulationParameters
    # assurance fields
    evidence_rules: EvidenceRules
