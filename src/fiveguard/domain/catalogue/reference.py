"""Types of the reference data: asset kinds, the EU toolbox, supplier criteria and controls.

The asset kinds and their network domains, the EU toolbox (risk areas, risks, measures and
fiveguard's default risk-to-measure links), the EU's milestones on 5G security, the
supplier criteria, the ENISA 5G security controls matrix, critical services, countries
and plausibility limits.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field, StrictFloat, StrictInt

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
    WIRELINE = "wireline"


ACCESS_DOMAINS = frozenset({Domain.RAN, Domain.WIRELINE})
"""Domains whose assets serve people directly: radio and wireline access."""
MANAGEMENT_DOMAINS = frozenset({Domain.MANAGEMENT, Domain.ORCHESTRATION})


Generation = Literal["2g", "3g", "4g", "5g", "fixed", "any"]
"""The network generation an asset kind belongs to; ``fixed`` is wireline access, ``any``
serves every generation."""


class Criticality(StrEnum):
    CRITICAL = "critical"
    SENSITIVE = "sensitive"
    STANDARD = "standard"


class AssetKind(Frozen):
    """A kind of network asset, e.g. ``core.amf``."""

    id: Identifier
    title: Text
    domain: Domain
    generation: Generation = "any"
    criticality: Criticality
    scas: tuple[Text, ...] = Field(
        default=(),
        description="Class-specific 3GPP SCAS specifications (TS 33.117 applies to all).",
    )
    tags: tuple[Identifier, ...] = ()
    source: Text | None = None
    capacity: StrictFloat = Field(
        default=1.0,
        gt=0,
        le=1,
        description="Share of an any: pool's load one member of this kind carries, unless "
        "the asset says otherwise (1: one member carries everything).",
    )

    @property
    def is_radio(self) -> bool:
        return self.domain is Domain.RAN

    @property
    def is_access(self) -> bool:
        """Whether assets of this kind serve people directly (radio or wireline access)."""
        return self.domain in ACCESS_DOMAINS

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


class Milestone(Frozen):
    """A dated step of the EU's coordinated approach to 5G security, with its source."""

    id: Identifier
    date: dt.date
    title: Text
    status: Literal["adopted", "published", "proposal", "in-preparation"]
    summary: Text
    source: Text


class RiskMeasureLinks(Frozen):
    """Which measures each risk calls for. fiveguard's editorial default, editable."""

    label: Text = Field(
        description="A few words saying whose links these are, shown wherever the "
        "assessment says a risk calls for a measure ('editorial default')."
    )
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


class ControlMeasure(Frozen):
    id: Identifier
    level: StrictInt = Field(ge=1, le=3)
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
    """Plausibility limits; a value beyond a ``max_`` limit is reported as absurd, a
    ``warn_`` threshold only gives a warning."""

    max_region_population: StrictInt = Field(gt=0)
    max_subscribers: StrictInt = Field(gt=0)
    max_sites_per_asset: StrictInt = Field(gt=0)
    max_population_per_site: StrictInt = Field(gt=0)
    max_battery_hours: StrictFloat = Field(gt=0)
    warn_subscribers_vs_served: StrictFloat = Field(
        gt=1,
        description="An operator whose subscribers and the people its radio serves differ by "
        "more than this factor, either way, gets a warning.",
    )


class Countries(Frozen):
    source: Text
    eu_members: tuple[CountryCode, ...]
    names: dict[CountryCode, Text]
    aliases: dict[CountryCode, CountryCode] = Field(
        default_factory=dict,
        description="Codes in common use that are not ISO 3166-1 codes (UK, EL), each with "
        "the code meant; a model using one is told which code to write.",
    )
