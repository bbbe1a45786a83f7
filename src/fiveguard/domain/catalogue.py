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


# ---------------------------------------------------------------------------- simulation parameters


# ---------------------------------------------------------------------------- assurance rules


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
    # simulation fields
    # assurance fields
