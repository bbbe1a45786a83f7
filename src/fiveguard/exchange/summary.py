"""The national summary: what a member state sends, as the predicate of an in-toto
Statement. Its JSON Schema is published (``fiveguard schema national-summary``).

A summary carries figures and judgements, never the inventory: no site, no asset id, no
coordinate, no asset name. Suppliers are named by their national id, their name and,
where the model has them, their LEI or registry id (how the coordinated view joins
them across states). Each section may carry a stricter TLP label than the bundle.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from fiveguard.assess.results import DistributionSummary, ExceedancePoint, ProfileLevel
from fiveguard.domain.base import CountryCode, Identifier, Level
from fiveguard.domain.network import Lei, RegistryId
from fiveguard.domain.parties import Tlp

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE: Literal["https://fiveguard.invalid/exchange/national-summary/v1"] = (
    "https://fiveguard.invalid/exchange/national-summary/v1"
)
SUBJECT_NAME = "fiveguard-model-snapshot"
FORMAT_VERSION: Literal[1] = 1

BundleId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$", min_length=8, max_length=128),
    Field(description="Unique id of a bundle, chosen by its origin (fiveguard: a UUID)."),
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Section(StrEnum):
    """The sections of a summary; each may carry its own, stricter label."""

    SUPPLIERS = "suppliers"
    REGISTER = "register"
    REGISTER_OPERATORS = "register_operators"
    MEASURES = "measures"
    DIVERSITY = "diversity"
    POLICY = "policy"
    SIMULATION = "simulation"


# ---------------------------------------------------------------------------- sections


class FactorLine(_Part):
    """One factor of a supplier's profile as the state scored it."""

    factor: str
    criterion: str
    scored: Level | None = Field(description="The state's score; null when not scored.")
    effective: Level | None = Field(description="After assurance evidence; null when unknown.")
    rationale: str | None
    evidence_count: int = Field(ge=0, description="Evidence records behind the score.")


class SupplierLine(_Part):
    """A supplier's profile in one state."""

    ref: Identifier = Field(description="The supplier's id in the state's model.")
    name: str
    lei: Lei | None = None
    registry_id: RegistryId | None = None
    headquarters: CountryCode
    ownership: str
    profile: ProfileLevel
    lowest: Level
    highest: Level
    step: str | None = Field(description="The profile rule's step that decided it.")
    factors: tuple[FactorLine, ...]
    radio_sites: int = Field(ge=0, description="Radio sites running its products (a count).")
    people: int = Field(ge=0, description="People served by radio assets running its products.")
    operators: int = Field(ge=0, description="Operators using its products (a count).")
    domains: tuple[str, ...]


class RegisterLine(_Part):
    """One risk (R1–R9) in one scope: national, or an operator (only on request)."""

    risk: str
    title: str
    scope: str = Field(description="'national', or an operator's id.")
    scope_name: str
    likelihood: Level
    impact: Level
    level: Level
    residual: Level
    coverage: float | None = Field(description="Share of the called-for measures in place.")


class MeasureLine(_Part):
    """One toolbox measure's national status."""

    measure: str
    category: str
    title: str
    status: str = Field(
        description="A measure status (not-started, planned, in-progress, implemented, "
        "not-applicable) or 'unrecorded' when the model records nothing for it."
    )
    source: str = Field(description="national, operators (the weakest operator), or none.")
    since: dt.date | None = Field(description="Date of the national record, when it has one.")
    evidence_count: int = Field(ge=0)


class ShareLine(_Part):
    supplier: Identifier = Field(description="The supplier's ref (see suppliers).")
    share: float = Field(ge=0, le=1)
    quantity: float = Field(ge=0)


class DomainShares(_Part):
    """Supplier shares and HHI of one network domain, nationally, by one weight."""

    group: str
    title: str
    weight: Literal["sites", "population", "assets"]
    total: float = Field(ge=0, description="Attributed quantity: what names a product.")
    unattributed_share: float = Field(ge=0, le=1)
    hhi: float | None = Field(description="0–10,000; null when nothing names a product.")
    band: str
    shares: tuple[ShareLine, ...]


class RuleCount(_Part):
    """One restriction-policy rule, as counts."""

    rule: str
    type: Literal["exclude", "cap"]
    status: Literal["met", "violated", "in-transition", "unresolved"]
    violations: int = Field(ge=0)
    assets: int = Field(ge=0, description="Assets in the rule's findings.")
    radio_sites: int = Field(ge=0)
    people: int = Field(ge=0, description="People served by radio sites depending on them.")


class PolicyResult(_Part):
    policy: str | None = Field(description="The policy checked; null when none was.")
    title: str | None
    rules: tuple[RuleCount, ...]


class ServiceLine(_Part):
    """People losing one service in a fault's what-if, nationally."""

    service: str = Field(description="The service's id in the catalogue (simulation.services).")
    title: str = Field(description="In words, as the catalogue titles it.")
    emergency: bool = Field(
        description="True for the service reached through any network in the region "
        "(emergency calls): its people are those unable to reach emergency services."
    )
    people: int = Field(ge=0)


class ThresholdLine(_Part):
    """Whether a fault's outage crosses one reporting threshold of the catalogue, as counts
    (no operator is named)."""

    threshold: str = Field(description="Its id in simulation.incident_time.")
    authority: str
    per: Literal["national", "operator"]
    crossed: bool | None = Field(
        description="Null when the outage's duration is unknown (no restoration time)."
    )
    nationally: bool = Field(description="Crossed by the country's people against its users.")
    operators: int = Field(ge=0, description="Operators whose customers cross it.")


class WhatIfFigures(_Part):
    """The figures of a fault's what-if, as the assessment gives them for the faults it
    cites (the same propagation and rules)."""

    services: tuple[ServiceLine, ...] = Field(
        description="People losing each service; empty when the catalogue counts none apart."
    )
    people_unable_to_reach_emergency: int | None = Field(
        ge=0,
        description="People unable to reach emergency services (the emergency service's "
        "people); null when the catalogue counts no emergency service, never read as 0.",
    )
    people_partial_service: int = Field(
        ge=0, description="People losing service in part (pools short of capacity, storms)."
    )
    hours: float | None = Field(
        ge=0,
        description="The outage's duration; null when the catalogue gives the event no "
        "restoration time (unknown, not 0).",
    )
    user_hours: float | None = Field(ge=0, description="People without service times hours.")
    reporting: tuple[ThresholdLine, ...]


class FaultLine(_Part):
    """The national what-if of one supplier's or one product version's fault."""

    event: str = Field(description="supplier-fault:REF or product-fault:PRODUCT@VERSION.")
    supplier: Identifier = Field(description="The supplier's ref.")
    product: str | None = Field(default=None, description="The product's name, for a version.")
    kind: str | None = None
    version: str | None = None
    people_without_service: int = Field(ge=0)
    sites_down: int = Field(ge=0)
    assets_down: int = Field(ge=0)
    critical_services: tuple[str, ...] = Field(description="Critical services hit (ids).")
    figures: WhatIfFigures | None = Field(
        default=None,
        description="People losing each service, unable to reach emergency services, losing "
        "service in part, duration, user-hours and reporting thresholds: the fault's "
        "what-if, as the assessment cites it for a fault it cites; null only in a summary "
        "made before these figures: not reported, never zero.",
    )


class MonteCarloLine(_Part):
    """Headline figures of the national Monte Carlo run of supplier-level events."""

    trials: int = Field(ge=1)
    seed: int = Field(ge=0)
    distributions: tuple[DistributionSummary, ...]
    people_thresholds: tuple[ExceedancePoint, ...]


class SimulationResult(_Part):
    supplier_faults: tuple[FaultLine, ...]
    version_faults: tuple[FaultLine, ...]
    monte_carlo: MonteCarloLine | None = Field(
        description="Null when no Monte Carlo ran (the note says so)."
    )
    note: str


MAX_FEDERATED_TRIALS = 1_000_000
"""The most simulated years a federated section may carry (8 MB per vector unpacked)."""


class FederatedVectors(_Part):
    """Per-trial impacts of the cross-border sources, one value per simulated year: each
    the little-endian int64 array, zlib-compressed, base64-encoded."""

    people_without_service: str = Field(max_length=16 * 1024 * 1024)
    subscribers_exposed: str = Field(max_length=16 * 1024 * 1024)
    assets_down: str = Field(max_length=16 * 1024 * 1024)
    assets_compromised: str = Field(max_length=16 * 1024 * 1024)


class FederatedSection(_Part):
    """The federated Monte Carlo: what the cross-border sources (every supplier's malicious
    update and every product version's fault, drawn from streams keyed by their canonical
    ids and the shared seed) did to this state in each simulated year, the national
    sources left out. The coordinator sums the vectors of the states trial by trial; it
    travels under the simulation section's label."""

    version: Literal[1] = 1
    scheme: str = Field(
        max_length=64, description="How the random streams are keyed (e.g. philox4x64-sha256/1)."
    )
    seed: int = Field(ge=0, description="The shared seed; every state must use the same.")
    trials: int = Field(ge=1, le=MAX_FEDERATED_TRIALS)
    encoding: Literal["zlib+base64:int64-le"] = "zlib+base64:int64-le"
    suppliers: tuple[str, ...] = Field(
        description="Canonical keys of the suppliers whose updates were drawn (lei:…, "
        "registry:…; ref:COUNTRY:ID for a supplier without one, whose events are national)."
    )
    versions: int = Field(ge=0, description="Product versions whose faults were drawn.")
    vectors: FederatedVectors


class Reshare(_Part):
    """Where a re-shared summary came from: the original bundle, as its origin signed it."""

    origin: Identifier
    bundle_id: BundleId
    sequence: int = Field(ge=1)
    tlp: Tlp
    payload_sha256: Sha256 = Field(description="SHA-256 of the original envelope's payload.")


class AssessmentInfo(_Part):
    fiveguard_version: str
    catalogue_digest: str
    profile_rule: str
    policy: str | None


# ---------------------------------------------------------------------------- the whole


class NationalSummary(_Part):
    """The predicate of a national summary envelope (format version 1).

    The national register is the attribute ``risk_register`` (``register`` would hide a
    method every pydantic model has); in JSON its key is ``register``.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", serialize_by_alias=True, validate_by_name=True
    )

    format: Literal[1] = FORMAT_VERSION
    bundle_id: BundleId
    origin: Identifier = Field(description="The organisation that signed this bundle.")
    country: CountryCode = Field(description="The member state the summary describes.")
    sequence: int = Field(ge=1, description="Counts up per origin; never reused.")
    supersedes: BundleId | None = Field(description="The bundle this one replaces.")
    issued_at: AwareDatetime
    as_of: dt.date = Field(description="The date the model describes the networks at.")
    recipients: tuple[Identifier, ...] = Field(
        description="Organisations it is addressed to; signed, so no server can widen it."
    )
    tlp: Tlp
    section_tlp: dict[Section, Tlp] = Field(
        default_factory=dict, description="Stricter labels of single sections."
    )
    reshared_from: Reshare | None = None
    withheld: dict[Section, str] = Field(
        default_factory=dict, description="Sections left out, and why."
    )
    assessment: AssessmentInfo
    suppliers: tuple[SupplierLine, ...] | None = None
    risk_register: tuple[RegisterLine, ...] | None = Field(default=None, alias="register")
    register_operators: tuple[RegisterLine, ...] | None = None
    measures: tuple[MeasureLine, ...] | None = None
    diversity: tuple[DomainShares, ...] | None = None
    policy: PolicyResult | None = None
    simulation: SimulationResult | None = None
    federated: FederatedSection | None = Field(
        default=None,
        description="Per-trial impacts of the cross-border sources, when a Monte Carlo ran.",
    )

    @model_validator(mode="after")
    def _labels(self) -> NationalSummary:
        for section, label in self.section_tlp.items():
            if label.rank < self.tlp.rank:
                raise ValueError(
                    f"section {section.value} is labelled {label.marking}, less restrictive "
                    f"than the bundle's {self.tlp.marking}; a section may only be stricter"
                )
        if self.tlp is not Tlp.CLEAR and not self.recipients:
            raise ValueError(f"a {self.tlp.marking} bundle needs at least one recipient")
        if len(set(self.recipients)) != len(self.recipients):
            raise ValueError("a recipient is listed twice")
        if self.supersedes == self.bundle_id:
            raise ValueError("a bundle cannot supersede itself")
        return self

    def label_of(self, section: Section) -> Tlp:
        """The label that applies to ``section``: its own, else the bundle's."""
        return self.section_tlp.get(section, self.tlp)

    def content(self, section: Section) -> object:
        """A section's content; None when it is absent or withheld."""
        return getattr(self, SECTION_FIELDS[section])


SECTION_FIELDS = {s: ("risk_register" if s is Section.REGISTER else s.value) for s in Section}
"""The attribute of :class:`NationalSummary` holding each section."""
TRAVELS_WITH: dict[Section, tuple[str, ...]] = {Section.SIMULATION: ("federated",)}
"""Attributes without a label of their own, under the section whose label they take:
what withholds the section withholds them."""


class Subject(_Part):
    name: str
    digest: dict[Literal["sha256"], Sha256]


class Statement(_Part):
    """The in-toto Statement v1 a national summary envelope carries."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    type_: Literal["https://in-toto.io/Statement/v1"] = Field(
        default="https://in-toto.io/Statement/v1", alias="_type"
    )
    subject: tuple[Subject, ...] = Field(min_length=1, max_length=1)
    predicateType: Literal["https://fiveguard.invalid/exchange/national-summary/v1"] = (  # noqa: N815
        PREDICATE_TYPE
    )
    predicate: NationalSummary
