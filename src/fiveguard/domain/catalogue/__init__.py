"""Types of the reference catalogue fiveguard assesses against.

The catalogue is data (``fiveguard/catalog/data/*.yaml``), loaded into these types and
overridable by a user's file. It holds the asset kinds, the EU toolbox (risk areas,
risks, measures and fiveguard's default risk-to-measure links), the EU timeline, the
supplier criteria, restriction-policy presets and the register of national measures
they are modelled on, the ENISA 5G security controls matrix, critical services,
countries and plausibility limits (``reference``, ``policies``, ``national``), the rules
the assessment applies (``assessment``), the simulation's parameters (``simulation``),
the rules for assurance evidence (``assurance``) and the record of real incidents the
simulation's rates are derived from (``incidents``). This module holds the whole
:class:`Catalogue` and re-exports every part's types.
"""

from __future__ import annotations

from pydantic import model_validator

from fiveguard.domain.base import Frozen, Identifier, Text
from fiveguard.domain.catalogue.assessment import (
    ASSURANCE_SIGNAL_KINDS,
    RISK_RULE_PARAMETERS,
    AssessmentRules,
    AssuranceSignalRules,
    CommonModeRule,
    DiversityGroup,
    DiversityRules,
    HeadlineKind,
    HhiBands,
    LevelRule,
    ProfileCondition,
    ProfileRule,
    ProfileStep,
    ResidualRule,
    ResidualStep,
    RiskMatrix,
    RiskRules,
    ScaleLevel,
    ShareWeight,
    SignalDirection,
    SignalKind,
)
from fiveguard.domain.catalogue.assurance import (
    ATTENTION_REASONS,
    ArchiveLimits,
    AttentionReason,
    CvssBand,
    EndOfSupportEntry,
    EvidenceRules,
)
from fiveguard.domain.catalogue.incidents import (
    CAUSE_CLASSES,
    BetaPrior,
    CauseClass,
    EnisaYear,
    Exposure,
    GammaPrior,
    Incident,
    IncidentRecord,
    IncidentSelection,
    RateRule,
    ReportedCount,
    ShareRule,
)
from fiveguard.domain.catalogue.national import (
    Instrument,
    MeasureDeadline,
    NationalMeasure,
    SourceLink,
)
from fiveguard.domain.catalogue.policies import (
    CapRule,
    ExcludeRule,
    PendingDeadline,
    PolicyRule,
    RestrictionPolicy,
    RuleTargets,
)
from fiveguard.domain.catalogue.reference import (
    ACCESS_DOMAINS,
    MANAGEMENT_DOMAINS,
    AssetKind,
    ControlDomain,
    ControlMeasure,
    ControlObjective,
    ControlRequirement,
    ControlsMatrix,
    Countries,
    CriterionFactor,
    Criticality,
    CriticalService,
    Domain,
    Generation,
    Limits,
    Measure,
    MeasureCategory,
    Milestone,
    Risk,
    RiskArea,
    RiskMeasureLinks,
    SupplierCriteria,
    SupplierCriterion,
)
from fiveguard.domain.catalogue.simulation import (
    AssetFailureParameters,
    CriticalServiceParameters,
    DurationDistribution,
    EffectTarget,
    EvidenceRuleParameters,
    ExceedanceThresholds,
    LevelProbabilities,
    MeasureEffect,
    MeasureStatusName,
    MisconfigurationParameters,
    PowerLossParameters,
    Probability,
    ProductFaultParameters,
    RoamingParameters,
    ServiceParameters,
    ServiceRule,
    SimulationParameters,
    SupplierUpdateParameters,
)

__all__ = [
    "ACCESS_DOMAINS",
    "ASSURANCE_SIGNAL_KINDS",
    "ATTENTION_REASONS",
    "CAUSE_CLASSES",
    "MANAGEMENT_DOMAINS",
    "RISK_RULE_PARAMETERS",
    "ArchiveLimits",
    "AssessmentRules",
    "AssetFailureParameters",
    "AssetKind",
    "AssuranceSignalRules",
    "AttentionReason",
    "BetaPrior",
    "CapRule",
    "Catalogue",
    "CauseClass",
    "CommonModeRule",
    "ControlDomain",
    "ControlMeasure",
    "ControlObjective",
    "ControlRequirement",
    "ControlsMatrix",
    "Countries",
    "CriterionFactor",
    "CriticalService",
    "CriticalServiceParameters",
    "Criticality",
    "CvssBand",
    "DiversityGroup",
    "DiversityRules",
    "Domain",
    "DurationDistribution",
    "EffectTarget",
    "EndOfSupportEntry",
    "EnisaYear",
    "EvidenceRuleParameters",
    "EvidenceRules",
    "ExceedanceThresholds",
    "ExcludeRule",
    "Exposure",
    "GammaPrior",
    "Generation",
    "GroupEventParameters",
    "HeadlineKind",
    "HhiBands",
    "Incident",
    "IncidentRecord",
    "IncidentSelection",
    "Instrument",
    "LevelProbabilities",
    "LevelRule",
    "Limits",
    "Measure",
    "MeasureCategory",
    "MeasureDeadline",
    "MeasureEffect",
    "MeasureStatusName",
    "Milestone",
    "MisconfigurationParameters",
    "NationalMeasure",
    "PendingDeadline",
    "PolicyRule",
    "PowerLossParameters",
    "Probability",
    "ProductFaultParameters",
    "ProfileCondition",
    "ProfileRule",
    "ProfileStep",
    "RateRule",
    "ReportedCount",
    "ResidualRule",
    "ResidualStep",
    "RestrictionPolicy",
    "Risk",
    "RiskArea",
    "RiskMatrix",
    "RiskMeasureLinks",
    "RiskRules",
    "RoamingParameters",
    "RuleTargets",
    "ScaleLevel",
    "ServiceParameters",
    "ServiceRule",
    "ShareRule",
    "ShareWeight",
    "SignalDirection",
    "SignalKind",
    "SimulationParameters",
    "SourceLink",
    "SupplierCriteria",
    "SupplierCriterion",
    "SupplierUpdateParameters",
]


class Catalogue(Frozen):
    """The whole reference catalogue."""

    asset_kinds: dict[Identifier, AssetKind]
    scas_general: Text
    scas_virtualised: Text | None = None
    """The SCAS that applies, besides the class's own, to any product deployed virtualised."""
    risk_areas: dict[Identifier, RiskArea]
    risks: dict[Identifier, Risk]
    measures: dict[Identifier, Measure]
    risk_measures: RiskMeasureLinks
    eu_timeline: dict[Identifier, Milestone]
    supplier_criteria: SupplierCriteria
    policies: dict[Identifier, RestrictionPolicy]
    national_measures: dict[Identifier, NationalMeasure]
    controls: ControlsMatrix
    critical_services: dict[Identifier, CriticalService]
    countries: Countries
    limits: Limits
    assessment: AssessmentRules
    simulation: SimulationParameters
    incidents: IncidentRecord
    evidence_rules: EvidenceRules

    @model_validator(mode="after")
    def _service_kinds_are_known(self) -> Catalogue:
        rules = self.simulation.services
        for name, rule in (rules.services if rules else {}).items():
            for pool in rule.needs:
                for kind in pool:
                    if kind not in self.asset_kinds:
                        raise ValueError(
                            f"simulation.services.services.{name}: unknown asset kind {kind!r}"
                        )
        return self
