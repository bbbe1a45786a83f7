"""The assessment's result types: what ``fiveguard assess`` prints, writes as JSON and reports.

Every figure here is traceable: a profile names the rule step that decided it and the
evidence that moved its factors, a violation names its rule and assets, a register entry
names the rules that gave its likelihood and impact and the facts they read. The JSON
Schema of :class:`Assessment` is published (``fiveguard schema assessment``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fiveguard.assess.lab_results import LabsSection
from fiveguard.domain.base import Level
from fiveguard.simulate.results import ParameterUncertainty, PartialService, ThresholdCrossing


class Result(BaseModel):
    """Base of every result type: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


ProfileLevel = Literal["low", "medium", "high", "unknown"]
Direction = Literal["raise", "lower", "none"]
Weight = Literal["sites", "population", "assets"]


class Fact(Result):
    """One fact read from the model, in words, with the ids it is about."""

    text: str
    refs: tuple[str, ...] = ()


# ---------------------------------------------------------------------------- suppliers


class AssuranceSignal(Result):
    """One piece of assurance evidence, read as a push on product quality.

    Signals come from the model's evidence records (evaluations, certificates, findings,
    equivalence checks, assurance statements) and, later, from other sources such as
    vulnerable components found in SBOMs; ``source`` says where each came from.
    """

    id: str = Field(description="Unique: SOURCE:KIND.")
    kind: str = Field(description="Signal kind from the catalogue (assessment.assurance.signals).")
    source: str = Field(description="Evidence id, or another source such as an advisory id.")
    supplier: str
    products: tuple[str, ...] = Field(
        default=(), description="PRODUCT@VERSION it concerns; empty for the supplier as a whole."
    )
    deployed: tuple[str, ...] = Field(
        default=(), description="Product versions it concerns that some asset of the model runs."
    )
    direction: Direction
    reason: str
    date: dt.date | None = None


class FactorResult(Result):
    """One factor of a supplier's profile: the analyst's score and what evidence did to it."""

    factor: str
    title: str
    criterion: str
    scored: Level | None = Field(description="The score in the model; null when not scored.")
    effective: Level | None = Field(description="The score after assurance evidence.")
    lowest: Level = Field(description="Lowest level the factor can have (unknown → low).")
    highest: Level = Field(description="Highest level the factor can have (unknown → high).")
    rationale: str | None = None
    evidence: tuple[str, ...] = ()
    moved_by: tuple[str, ...] = Field(default=(), description="Ids of the signals that moved it.")
    note: str | None = None


class ProfileGap(Result):
    """Something missing from a supplier's profile: reported, never taken as low."""

    factor: str
    problem: Literal["not-scored", "no-evidence"]
    text: str


class Footprint(Result):
    """Where a supplier's products run in the model."""

    assets: int
    radio_sites: int
    population: int
    operators: tuple[str, ...]
    domains: tuple[str, ...]
    critical_assets: int


class SupplierAssessment(Result):
    """A supplier's overall profile, the rule step behind it and its factors."""

    id: str
    name: str
    headquarters: str
    ownership: str
    profile: ProfileLevel
    lowest: Level = Field(description="The profile with every unknown factor at low.")
    highest: Level = Field(description="The profile with every unknown factor at high.")
    rule: str
    step: str | None = Field(description="The rule step that decided; null when none held.")
    reason: str
    factors: tuple[FactorResult, ...]
    missing: tuple[ProfileGap, ...]
    signals: tuple[AssuranceSignal, ...]
    footprint: Footprint


# ---------------------------------------------------------------------------- restrictions


class Quantity(Result):
    """How much of the network: assets (rows), radio sites and the people they serve."""

    assets: int
    sites: int = Field(
        description="Radio sites of the assets, a site carrying several of them (a 4G and a "
        "5G radio) counted once."
    )
    population: int = Field(
        description="Everyone the assets serve themselves, a shared site's people whole, "
        "whichever operator they subscribe to: all of them depend on its radio. A site "
        "carrying several of the assets counts its people once."
    )
    operator_population: int = Field(
        description="The violation's operator's part of population: a shared site's people "
        "split between the operators sharing it by subscribers (rounded). For an exclusion, "
        "the host's share; for a cap per operator, that operator's share, which is what a "
        "cap by population counts. Equal to population for assets no other operator shares "
        "and for national caps."
    )


class Violation(Result):
    """Assets breaking one rule of the policy, for one supplier (or suppliers) and operator."""

    rule: str
    rule_text: str
    type: Literal["exclude", "cap"]
    status: Literal["violation", "in-transition", "unresolved"] = Field(
        description=(
            "violation: past the deadline or none; in-transition: before the deadline; "
            "unresolved: a supplier's profile is unknown and could be in the rule's scope."
        )
    )
    suppliers: tuple[str, ...]
    operator: str | None = Field(description="Null for a national cap.")
    assets: tuple[str, ...] = Field(description="Asset ids (a sample when there are many).")
    asset_count: int
    kinds: tuple[str, ...]
    quantity: Quantity
    people_depending: int = Field(
        description="People served by radio assets that depend on the violating assets "
        "(themselves included), directly or transitively through requires (any member of "
        "an any: group counts) and managed_by: whose service the violating assets touch, "
        "whichever operator they subscribe to (quantity.population: the people the "
        "violating assets serve themselves)."
    )
    measure: Literal["sites", "population"] | None = None
    share: float | None = Field(default=None, description="For caps: share held (0–1).")
    max_share: float | None = None
    total: int | None = Field(default=None, description="For caps: the whole the share is of.")
    excess: int | None = Field(default=None, description="For caps: sites or people above the cap.")
    deadline: dt.date | None = None
    explanation: str


class RuleOutcome(Result):
    """One rule of the policy, checked: whether it is met and why."""

    rule: str
    type: Literal["exclude", "cap"]
    text: str
    status: Literal["met", "violated", "in-transition", "unresolved"]
    violations: int
    notes: tuple[str, ...] = ()


class PolicyInfo(Result):
    id: str
    title: str
    status: Literal["adopted", "proposal"] = Field(
        default="adopted", description="'proposal': not adopted, in force nowhere."
    )
    source: str
    modelled_on: str | None = None
    origin: str = Field(description="'preset' or the policy file it was read from.")
    not_modelled: tuple[str, ...] = ()


class PolicyAssessment(Result):
    """The restriction policy checked against the model on its assessment date."""

    policy: PolicyInfo | None = Field(description="Null when no policy was checked.")
    as_of: dt.date
    rules: tuple[RuleOutcome, ...]
    violations: tuple[Violation, ...]


# ---------------------------------------------------------------------------- diversity


class SupplierShare(Result):
    supplier: str
    quantity: float
    share: float


class ShareTable(Result):
    """Supplier shares of one group (or one asset kind of it) in one scope, by one weight.

    An operator's table is its view: its own assets and the radio assets other operators
    share with it (a shared site a whole site, its people split by subscribers).
    """

    group: str
    title: str
    kind: str | None = Field(description="Asset kind when the group is split by kind.")
    scope: str = Field(description="Operator id, or 'national'.")
    weight: Weight
    total: float = Field(
        description="Attributed quantity: assets naming a product. By sites and by people, "
        "a site carrying radios of several suppliers is split equally between them (a "
        "supplier once however many of its radios it carries), so each site counts once."
    )
    unattributed: float = Field(description="Quantity of assets that name no product.")
    unattributed_share: float = Field(
        description="Unattributed quantity over the whole group (attributed + unattributed)."
    )
    shared_in: float = Field(
        default=0.0, description="Quantity on assets other operators host and share with it."
    )
    shares: tuple[SupplierShare, ...] = Field(description="Shares of the attributed quantity.")
    suppliers: int
    hhi: float | None = Field(
        description="Herfindahl–Hirschman index of the attributed shares, 0–10,000; null "
        "when no asset of the group names a product."
    )
    band: Literal["unconcentrated", "moderate", "high", "no-attributed-supplier"]


class ServiceLoss(Result):
    """People losing one service (voice, data, SMS, emergency calls) in a fault's what-if,
    as the simulation counts them (simulation.services)."""

    service: str = Field(description="The service's id in simulation.services, e.g. voice.")
    title: str = Field(
        description="In words; for emergency calls 'people unable to reach emergency services'."
    )
    emergency: bool = Field(
        description="Reached through any network in the region when the home radio stops "
        "broadcasting (the rule's any_network): emergency calls."
    )
    people: int = Field(description="Nationally, people losing the service.")
    by_operator: dict[str, int] = Field(description="Per operator, its customers losing it.")
    rule: str = Field(description="How the simulation counts it, in words.")


class ThresholdCheck(Result):
    """Whether a fault's outage would cross one reporting threshold of the catalogue
    (simulation.incident_time.reporting_thresholds)."""

    threshold: str = Field(description="Its id in simulation.incident_time.")
    authority: str
    per: Literal["national", "operator"] = Field(
        description="'national': the country's people against its user base; 'operator': "
        "each operator's customers against its own."
    )
    crossed: bool | None = Field(
        description="Whether the outage crosses it; null when its duration is unknown (the "
        "catalogue gives the event no restoration time)."
    )
    crossings: tuple[ThresholdCrossing, ...] = Field(
        default=(), description="Nationally or per operator, each crossing with its condition."
    )


class FaultFigure(Result):
    """One figure of a fault's what-if, as printed, with what it is."""

    label: str = Field(
        description="What the figure counts, e.g. 'unable to reach emergency services'."
    )
    value: str = Field(description="As printed: a count, hours, or yes/no/unknown.")
    meaning: str = Field(description="How the simulation arrives at it, in words.")


class FaultImpact(Result):
    """What the simulation engine computes for one fault happening (a deterministic what-if)."""

    event: str = Field(description="The event, e.g. supplier-fault:vendor-x.")
    people_without_service: int = Field(
        description="Nationally: people of radio assets down, except those a roaming "
        "partner's radio in the same region still serves (see docs/simulation.md)."
    )
    people_on_down_radio: int = Field(
        description="Nationally: people cut off before roaming (their radio down or, on a "
        "shared radio site, their own operator's core); the difference to "
        "people_without_service is those assumed to roam onto a partner's radio still up "
        "in their region (no capacity limit)."
    )
    by_operator: dict[str, int] = Field(
        description="People without service per operator, among its customers: on a shared "
        "radio site, its part of the site's people (split by subscribers, as in the "
        "assessment's operator figures)."
    )
    by_operator_on_down_radio: dict[str, int] = Field(
        default_factory=dict,
        description="Per operator: its customers cut off, before roaming.",
    )
    sites_down: int
    hours: float | None = Field(
        default=None,
        description="How long the outage lasts: the catalogue's median restoration time for "
        "the event (simulation.incident_time.restoration); None when it gives none.",
    )
    user_hours: float | None = Field(
        default=None, description="Nationally: people without service times the hours."
    )
    reportable: tuple[str, ...] = Field(
        default=(),
        description="The reporting thresholds of the catalogue the outage crosses, each as "
        "THRESHOLD (national) or THRESHOLD (OPERATOR), e.g. 'eu-enisa (national)'.",
    )
    services: tuple[ServiceLoss, ...] = Field(
        default=(),
        description="People losing each service (empty when the catalogue counts no "
        "services apart).",
    )
    partial_service: PartialService | None = Field(
        default=None,
        description="People losing service in part (pools short of capacity, signalling "
        "storms); null when nobody does.",
    )
    reporting: tuple[ThresholdCheck, ...] = Field(
        default=(), description="Each reporting threshold of the catalogue: crossed or not."
    )
    figures: tuple[FaultFigure, ...] = Field(
        default=(),
        description="Every figure above as printed, each with what it is (the terminal and "
        "the report show these lines).",
    )
    text: str


class Dependency(Result):
    """A group of an operator (or of the country) served by one supplier only."""

    group: str
    title: str
    scope: str
    supplier: str
    quantity: float
    weight: Weight
    network: Literal["served", "own"] = Field(
        default="served",
        description="served: the operator's view (RAN sharing included); own: its own "
        "assets only, when the assets others share with it bring more suppliers.",
    )
    text: str
    fault: FaultImpact | None = Field(
        default=None, description="What-if of a fault of every product of the supplier."
    )


class Concentration(Result):
    """One supplier above the nation-wide concentration threshold in a group."""

    group: str
    title: str
    kind: str | None
    weight: Weight
    supplier: str
    share: float
    threshold: float
    operators: tuple[str, ...]
    text: str
    fault: FaultImpact | None = Field(
        default=None, description="What-if of a fault of every product of the supplier."
    )


class CommonModeGroup(Result):
    """A redundancy group (requires ``any:``) whose members all run one product version."""

    rule: str = Field(description="The catalogue rule (assessment.diversity.common_mode.id).")
    operators: tuple[str, ...] = Field(description="Operators of the members.")
    members: tuple[str, ...]
    product: str = Field(description="The one PRODUCT@VERSION every member runs.")
    supplier: str
    holders: int = Field(description="Assets requiring the group.")
    holder_sample: tuple[str, ...]
    people: int = Field(
        description="People served by radio assets depending on the group, directly or "
        "through other assets (requires, managed_by)."
    )
    sites: int = Field(description="Radio sites depending on the group.")
    text: str
    fault: FaultImpact | None = Field(
        default=None, description="What-if of a fault of that product version."
    )


class Diversity(Result):
    hhi_scale: str
    hhi_bands: dict[str, float]
    sharing_rule: str = Field(description="How operators' figures count RAN sharing.")
    tables: tuple[ShareTable, ...]
    single_supplier: tuple[Dependency, ...]
    national_concentration: tuple[Concentration, ...]
    common_mode: tuple[CommonModeGroup, ...] = Field(
        description="Redundancy groups whose members all run one product version."
    )


# ---------------------------------------------------------------------------- register


class MeasureLine(Result):
    """A measure a risk calls for, with its status in the entry's scope."""

    measure: str
    title: str
    status: str = Field(description="A measure status, or 'unrecorded'.")
    source: Literal["operator", "national", "operators", "none"]
    credit: float | None = Field(description="Credit towards coverage; null when not counted.")
    counted: bool = Field(description="False when not applicable or read by the likelihood rule.")
    evidence: tuple[str, ...] = ()


class Judgement(Result):
    """A likelihood or an impact: computed by a named rule, possibly overridden."""

    rule: str
    rule_text: str
    computed: Level
    override: Level | None = None
    effective: Level
    facts: tuple[Fact, ...]


class RegisterEntry(Result):
    """One risk in one scope (an operator, or national)."""

    risk: str
    title: str
    area: str
    scope: str
    scope_name: str
    likelihood: Judgement
    impact: Judgement
    computed_level: Level = Field(description="The matrix at the computed likelihood and impact.")
    level: Level = Field(description="The matrix at the effective (overridden) values.")
    override_rationale: str | None = None
    measures: tuple[MeasureLine, ...]
    coverage: float | None
    residual_likelihood: Level
    residual: Level
    residual_reason: str


class ScaleEntry(Result):
    level: Level
    likelihood: str
    impact: str


class MeasureLinks(Result):
    """Whose links say which measures a risk calls for (the catalogue's risk_measures)."""

    label: str = Field(description="In a few words: 'editorial default' as packaged.")
    provenance: str = Field(description="Where the links come from, in full.")


class Register(Result):
    scale: tuple[ScaleEntry, ...]
    matrix: dict[str, dict[str, str]] = Field(description="likelihood → impact → level.")
    matrix_text: str
    residual_text: str
    measure_links: MeasureLinks = Field(
        description="Whose links give each entry's measures (fiveguard's editorial default "
        "unless a catalogue override replaced them)."
    )
    entries: tuple[RegisterEntry, ...]


# ---------------------------------------------------------------------------- gaps


class GapRow(Result):
    """One measure's status in every scope (national first, then each operator)."""

    measure: str
    title: str
    category: str
    expected: Literal["national", "operator"]
    statuses: tuple[str, ...]
    sources: tuple[str, ...]


class MissingMeasure(Result):
    """A measure not in place where it is expected, and the risks that call for it."""

    measure: str
    title: str
    scope: str
    status: str
    risks: tuple[str, ...] = Field(
        description="The risks calling for it, by the links of Gaps.measure_links."
    )
    highest_risk: Level
    highest_residual: Level


class ControlDomainLine(Result):
    domain: str
    name: str
    requirements: int
    recorded: int
    meeting_target: int
    mean_level: float | None


class ControlShortfall(Result):
    requirement: str
    level: int
    target: int
    text: str


class ControlsCompliance(Result):
    """ENISA controls compliance in one scope, where the model records it."""

    scope: str
    target_level: int
    recorded: int
    meeting_target: int
    domains: tuple[ControlDomainLine, ...]
    below_target: tuple[ControlShortfall, ...]


class Gaps(Result):
    scopes: tuple[str, ...]
    rows: tuple[GapRow, ...]
    measure_links: MeasureLinks = Field(
        description="Whose links say which risks call for each missing measure."
    )
    missing: tuple[MissingMeasure, ...]
    controls: tuple[ControlsCompliance, ...]
    controls_note: str


# ---------------------------------------------------------------------------- assurance


class VersionAttention(Result):
    """A deployed product version that needs attention, and why."""

    product: str = Field(description="PRODUCT@VERSION.")
    supplier: str
    reasons: tuple[str, ...] = Field(
        description="Reason keys (see AssuranceSection.reasons), most serious first."
    )
    severity: Level = Field(
        description="Its most serious reason's severity (AssuranceSection.reason_severity)."
    )
    details: tuple[str, ...] = Field(description="The evidence behind the reasons, in words.")
    deployed_assets: int
    assets_at_risk: int = Field(description="Critical or sensitive assets running it.")


class AssetAtRiskLine(Result):
    """A declared critical or sensitive asset running a version that needs attention."""

    asset: str
    operator: str
    kind: str
    criticality: str
    sensitive_site: bool
    product: str
    reasons: tuple[str, ...]


class SiteRowsAtRisk(Result):
    """Site rows (from site files) at sensitive sites, or of a critical or sensitive kind,
    running a version that needs attention: counted per version and operator."""

    product: str
    operator: str
    reasons: tuple[str, ...]
    assets: int
    sites: int
    population: int
    sample: tuple[str, ...]


class AssuranceSection(Result):
    """What the assurance evidence says needs attention (``fiveguard evidence assurance``):
    product versions, and the critical or sensitive assets running them."""

    as_of: dt.date
    rule: str = Field(description="When a version needs attention, in words.")
    reasons: dict[str, str] = Field(description="Reason key → what it means.")
    reason_severity: dict[str, Level] = Field(
        description="Reason key → how serious it is (catalogue evidence_rules.attention_severity)."
    )
    versions: tuple[VersionAttention, ...] = Field(
        description="Deployed versions needing attention: the most serious reason first, "
        "then most assets at risk, then most assets deployed."
    )
    assets_at_risk: int = Field(description="Critical or sensitive assets on such versions.")
    assets_by_reason: dict[str, int] = Field(
        description="Critical or sensitive assets per reason (an asset counts once per reason)."
    )
    declared: tuple[AssetAtRiskLine, ...] = Field(
        description="Every declared asset (model file) at risk."
    )
    site_rows: tuple[SiteRowsAtRisk, ...] = Field(description="Site rows at risk, counted.")


# ---------------------------------------------------------------------------- simulation


class ImpactFigures(Result):
    people_without_service: int
    subscribers_exposed: int
    assets_down: int
    assets_compromised: int
    sites_down: int


class DistributionSummary(Result):
    impact: str
    mean: float
    p50: int
    p95: int
    p99: int
    max: int


class ExceedancePoint(Result):
    people: int = Field(description="At least this many people without service …")
    probability: float = Field(description="… in a year, with this probability.")


class OperatorDistribution(Result):
    """People without service per simulated year, counted for one operator: its customers
    (on a shared radio site, its part of the site's people, split by subscribers)."""

    operator: str
    mean: float
    p50: int
    p95: int
    p99: int
    max: int


class CriticalServiceSummary(Result):
    """How much of one critical service the simulated years take out (the assets carrying
    it list it in ``critical_services``); shares are of those assets, per year."""

    service: str
    carrying_assets: int
    annual_probability_any: float = Field(
        description="Annual probability that at least one carrying asset is down or compromised."
    )
    mean: float = Field(description="Mean share of carrying assets down or compromised per year.")
    p50: float
    p95: float
    p99: float
    max: float
    threshold: float = Field(
        description="The catalogue's simulation.critical_services.share_threshold."
    )
    annual_probability_threshold: float = Field(
        description="Annual probability that at least `threshold` of the carrying assets are "
        "down or compromised."
    )


class WorstEvent(Result):
    supplier: str
    event: str
    impact: ImpactFigures


class SourceContribution(Result):
    source: str
    sources: int
    annual_probability: float
    worst_people_without_service: int
    expected_people_without_service: float


class RoundedSpread(Result):
    """A figure over the simulated years to two significant digits (no false precision):
    mean, percentiles (values that occurred) and maximum."""

    mean: float
    p50: float
    p95: float
    p99: float
    max: float


class ServiceSummary(Result):
    """People losing one service per simulated year (simulation.services), rounded."""

    service: str = Field(description="The service's id in simulation.services, e.g. voice.")
    title: str = Field(
        description="In words; for emergency calls 'people unable to reach emergency services'."
    )
    emergency: bool = Field(
        description="Reached through any network in the region (the rule's any_network): "
        "emergency calls."
    )
    per_year: RoundedSpread = Field(description="People losing it in a simulated year.")
    exceedance: tuple[ExceedancePoint, ...] = Field(
        description="Annual probability (two significant digits) of at least N people losing "
        "it, at the catalogue's thresholds (simulation.exceedance.people)."
    )
    meaning: str = Field(description="What the figure counts, in words.")


class ReportingSummary(Result):
    """How many incidents a year cross one reporting threshold, rounded."""

    threshold: str = Field(description="Its id in simulation.incident_time.")
    authority: str
    per: str = Field(
        description="'national': one report per incident; 'operator': one per incident and "
        "operator whose customers cross it."
    )
    reports: RoundedSpread = Field(description="Reports per year.")
    probability: float = Field(description="The share of years with at least one report.")


class TimeSummary(Result):
    """Durations, user-hours and reports over the simulated years, rounded; incident by
    incident as docs/simulation.md ("Time in the Monte Carlo") counts them."""

    user_hours: RoundedSpread = Field(
        description="Per year, the incidents' people without service times their hours."
    )
    user_hours_by_operator: dict[str, RoundedSpread] = Field(
        description="The same for each operator's customers."
    )
    incidents: RoundedSpread = Field(
        description="Incidents a year leaving someone without service."
    )
    worst_outage_hours: RoundedSpread = Field(
        description="The duration of the year's incident leaving most people without service."
    )
    longest_outage_hours: RoundedSpread = Field(description="The year's longest incident.")
    reporting: tuple[ReportingSummary, ...] = Field(
        description="Per reporting threshold of the catalogue, the reports a year."
    )
    note: str = Field(description="How the figures are counted, in words.")


class PartialServiceSummary(Result):
    """People losing service in part over the simulated years, rounded."""

    mean_people: float = Field(
        description="People without service in part (pools short of capacity, storms), mean "
        "per year."
    )
    years: float = Field(description="Share of the years with anyone without service in part.")
    storm_probability: dict[str, float] = Field(
        description="Per operator, the annual probability of a signalling storm."
    )


class SimulationSummary(Result):
    """The Monte Carlo run and the single-supplier what-ifs the report's simulation section
    shows (``fiveguard assess --trials N``, ``fiveguard demo``); see docs/simulation.md."""

    trials: int
    seed: int
    parameters: str
    distributions: tuple[DistributionSummary, ...] = Field(
        description="Each impact per simulated year, nationally."
    )
    people_thresholds: tuple[ExceedancePoint, ...] = Field(
        description="Annual probability of at least N people without service, at the "
        "catalogue's thresholds (simulation.exceedance.people)."
    )
    people_by_operator: tuple[OperatorDistribution, ...] = Field(
        description="People without service per simulated year, by operator: its customers "
        "(on a shared radio site, its part of the site's people, split by subscribers)."
    )
    critical_services: tuple[CriticalServiceSummary, ...] = Field(
        description="Per critical service carried by the model's assets: how often any "
        "carrying asset is hit, and the share of them hit per year."
    )
    exceedance: tuple[ExceedancePoint, ...] = Field(description="The exceedance curve.")
    worst_supplier_events: tuple[WorstEvent, ...]
    top_sources: tuple[SourceContribution, ...] = Field(
        description="Event sources contributing most expected people without service per year."
    )
    parameter_uncertainty: ParameterUncertainty | None = Field(
        default=None,
        description="Intervals from drawing the rates per batch of trials "
        "(`--parameter-draws`); none when the parameters were held fixed.",
    )
    services: tuple[ServiceSummary, ...] = Field(
        default=(),
        description="People losing each service per year (voice, data, SMS, emergency "
        "calls), to two significant digits; empty when the catalogue counts none apart.",
    )
    time: TimeSummary | None = Field(
        default=None,
        description="User-hours, outage durations and reports per reporting threshold per "
        "year, to two significant digits; none when the catalogue gives no incident time, "
        "or with `--parameter-draws`.",
    )
    partial_service: PartialServiceSummary | None = Field(
        default=None, description="People losing service in part; none when no year had any."
    )


# ---------------------------------------------------------------------------- the whole


class Finding(Result):
    """A headline of the summary, pointing to the section that explains it."""

    section: Literal["suppliers", "assurance", "violations", "diversity", "register", "gaps"]
    severity: Level
    text: str
    refs: tuple[str, ...] = ()


class Summary(Result):
    operators: int
    suppliers: int
    assets: int
    radio_sites: int
    population: int
    profiles: dict[str, int] = Field(description="Suppliers per profile level.")
    violations: int
    in_transition: int
    unresolved: int
    register_levels: dict[str, int] = Field(description="Register entries per risk level.")
    residual_levels: dict[str, int] = Field(description="Register entries per residual level.")
    missing_measures: int
    findings: tuple[Finding, ...]


class ModelInfo(Result):
    source: str | None
    country: str
    name: str
    as_of: dt.date
    assets: int
    site_rows: int


class Marking(Result):
    """How the assessment is marked: from the model's scope, printed on every page."""

    classification: str | None = None
    tlp: str | None = Field(default=None, description="TLP 2.0 label, e.g. AMBER+STRICT.")
    author: str | None = None
    organisation: str | None = None
    text: str = Field(
        default="NOT MARKED",
        description="The marking as printed: TLP label and classification, or NOT MARKED.",
    )


InputRole = Literal["model", "site file", "evidence", "registry", "catalogue", "policy"]


class InputFile(Result):
    """One file the assessment read, tied to the report by its digest."""

    role: InputRole
    path: str = Field(description="As given, or relative to the model's directory.")
    sha256: str
    size: int = Field(description="Bytes.")


class Metadata(Result):
    fiveguard_version: str
    marking: Marking = Field(default_factory=Marking, description="From the model's scope.")
    inputs: tuple[InputFile, ...] = Field(
        default=(),
        description="Every input file with its SHA-256 (empty when the model was not "
        "read from files).",
    )
    model: ModelInfo
    catalogue: str = Field(description="'packaged', or the override file merged over it.")
    catalogue_digest: str = Field(description="SHA-256 of the catalogue in force (canonical JSON).")
    policy: str | None
    profile_rule: str


class Assessment(Result):
    """The national risk assessment of one model, on its assessment date.

    The register is the attribute ``risk_register`` (``register`` would hide a method every
    pydantic model has); in JSON its key is ``register``.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", serialize_by_alias=True, validate_by_name=True
    )

    metadata: Metadata
    summary: Summary
    suppliers: tuple[SupplierAssessment, ...]
    assurance: AssuranceSection
    violations: PolicyAssessment
    diversity: Diversity
    risk_register: Register = Field(alias="register")
    gaps: Gaps
    simulation: SimulationSummary | None = Field(
        default=None,
        description="Present when a Monte Carlo run was asked for (assess --trials, demo).",
    )
    labs: LabsSection | None = Field(
        default=None,
        description="What evaluation labs found, from the product registry the model reads.",
    )
