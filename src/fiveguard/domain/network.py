"""The national network model: scope, regions, suppliers, products, operators and assets.

These types describe the YAML model document. Radio sites listed in CSV files are held
column-wise in :class:`fiveguard.domain.sites.SiteTable`; each CSV row means exactly what
an :class:`Asset` with the same fields means.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    Tag,
)

from fiveguard.domain.base import (
    CountryCode,
    Frozen,
    Identifier,
    Level,
    ProductRef,
    Text,
    Version,
)
from fiveguard.domain.evidence import Evidence
from fiveguard.domain.parties import Tlp

# ---------------------------------------------------------------------------- scope


class Scope(Frozen):
    """What the model describes: one country's networks as of a date, and how the
    assessment of it is marked (every page of its report carries the marking)."""

    country: CountryCode
    name: Text
    as_of: dt.date = Field(description="The date the model describes the networks at.")
    classification: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="A national classification or handling label, written as given "
        "(e.g. RESTRICTED); printed on every page of the report.",
    )
    tlp: Tlp | None = Field(
        default=None,
        description="The Traffic Light Protocol 2.0 label of the assessment "
        "(CLEAR, GREEN, AMBER, AMBER+STRICT, RED); printed on every page of the report.",
    )
    author: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="Who wrote the assessment."
    )
    organisation: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="The organisation the assessment is by."
    )


class Region(Frozen):
    """A region of the country, with its resident population."""

    id: Identifier
    name: Text
    population: StrictInt = Field(ge=0, description="Resident population.")
    outline: tuple[tuple[StrictFloat, StrictFloat], ...] | None = Field(
        default=None,
        min_length=3,
        max_length=10_000,
        description="The region's shape for the report's map: a polygon of [x, y] points "
        "(e.g. longitude, latitude; y grows northwards), at least three. Optional.",
    )


# ---------------------------------------------------------------------------- suppliers


class Ownership(StrEnum):
    """How a supplier is owned; one of the EU criteria looks at it."""

    LISTED = "listed"
    PRIVATE = "private"
    STATE_OWNED = "state-owned"
    STATE_LINKED = "state-linked"


class FactorScore(Frozen):
    """One factor of a supplier's risk profile: an ordinal score and the argument for it."""

    score: Level
    rationale: Text
    evidence: tuple[Identifier, ...] = Field(
        default=(), description="Ids of evidence records supporting the score."
    )


class SupplierProfile(Frozen):
    """A supplier's scores on the EU criteria (coordinated risk assessment, SM03).

    A factor left out is *unknown*; the assessment reports it and never treats it as low.
    """

    government_link: FactorScore | None = None
    legislation: FactorScore | None = None
    ownership: FactorScore | None = None
    pressure: FactorScore | None = None
    supply_assurance: FactorScore | None = None
    product_quality: FactorScore | None = None


PROFILE_FACTORS: tuple[str, ...] = tuple(SupplierProfile.model_fields)


def lei_check_digits_ok(lei: str) -> bool:
    """ISO 17442: the last two digits make the whole code, letters read as 10–35, equal to
    1 modulo 97 (the ISO 7064 MOD 97-10 check IBANs use too)."""
    return int("".join(str(int(ch, 36)) for ch in lei)) % 97 == 1


def _lei(value: str) -> str:
    if not lei_check_digits_ok(value):
        raise ValueError(
            f"{value!r} fails the LEI check digits (ISO 17442, MOD 97-10): a digit is "
            "mistyped or the code is not an LEI"
        )
    return value


Lei = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z0-9]{18}[0-9]{2}$"),
    AfterValidator(_lei),
    Field(description="Legal Entity Identifier (ISO 17442): 18 letters or digits, 2 check digits."),
]

RegistryId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}:[A-Za-z0-9][A-Za-z0-9 ./-]*$", max_length=64),
    Field(
        description="A company registry number prefixed with the registry's country code, "
        "e.g. 'FI:1234567-8'."
    ),
]


class Supplier(Frozen):
    """An equipment or software supplier.

    ``lei`` and ``registry_id`` name the company the same way in every member state, so the
    coordinated EU view joins one supplier's profiles across states (``fiveguard
    coordinate``); the model's ``id`` is national and may differ from state to state.
    """

    id: Identifier
    name: Text
    headquarters: CountryCode
    ownership: Ownership
    lei: Lei | None = None
    registry_id: RegistryId | None = None
    profile: SupplierProfile = SupplierProfile()
    note: Text | None = None


class Product(Frozen):
    """A product line of a supplier, of one asset kind, in the versions deployed."""

    id: Identifier
    supplier: Identifier
    name: Text
    kind: Identifier = Field(description="Asset kind from the catalogue, e.g. core.amf.")
    versions: tuple[Version, ...] = Field(min_length=1)
    platform: Text | None = Field(
        default=None,
        description="The software platform the product is built from. Products of one "
        "supplier on the same platform ship one release per version: their equal versions "
        "fault as one event. Default: the product's name.",
    )


# ---------------------------------------------------------------------------- operators


class AnyOf(Frozen):
    """A requirement satisfied while at least one of its members is up."""

    any: tuple[Identifier, ...] = Field(min_length=1)


def _requirement_tag(value: object) -> str:
    return "any" if isinstance(value, dict | AnyOf) else "id"


Requirement = Annotated[
    Annotated[Identifier, Tag("id")] | Annotated[AnyOf, Tag("any")],
    Discriminator(_requirement_tag),
]
"""An entry of ``requires``: an asset id, or ``{any: [ids]}``."""


class SubscriberLines(Frozen):
    """An operator's lines by type. Machine lines (IoT/M2M) are not people: a shared
    site's people are split by the others, and compared with the people radio serves."""

    personal: StrictInt = Field(default=0, ge=0, description="Lines of private customers.")
    business: StrictInt = Field(default=0, ge=0, description="Lines of business customers.")
    iot: StrictInt = Field(default=0, ge=0, description="IoT / machine-to-machine lines.")

    @property
    def total(self) -> int:
        return self.personal + self.business + self.iot


class NationalRoaming(Frozen):
    """Permanent national roaming: an operator's customers served, in some regions, by
    another operator's radio network (the host's), with the host's core serving them as
    visitors and the operator's own functions named in ``requires`` (its subscriber
    database, the gateways of home-routed traffic)."""

    host: Identifier = Field(description="The operator whose radio network serves them.")
    regions: tuple[Identifier, ...] = Field(
        min_length=1, description="The regions where they are served by the host's radio."
    )
    requires: tuple[Requirement, ...] = Field(
        default=(),
        description="What of the guest's own network they still need there, as in an "
        "asset's requires: its subscriber database (HSS/UDM, HLR), and for home-routed "
        "traffic its gateways or UPF.",
    )


class Operator(Frozen):
    """A network operator, or an MVNO (``hosted_by``) whose customers use another's network."""

    id: Identifier
    name: Text
    subscribers: StrictInt = Field(ge=0)
    lines: SubscriberLines | None = Field(
        default=None,
        description="The subscribers by type of line; when given, they add up to subscribers.",
    )
    roaming: tuple[Identifier, ...] = Field(
        default=(),
        description="Operators whose radio network this operator's users can fall back to.",
    )
    hosted_by: Identifier | None = Field(
        default=None,
        description="For an MVNO (no radio or core of its own): the operator whose network "
        "its customers use. They are counted as the MVNO's, on the host's radio and core, "
        "and roam where the host's customers roam.",
    )
    country: CountryCode | None = Field(
        default=None, description="Country of the operator when it differs from the scope's."
    )
    service_needs: dict[Identifier, tuple[tuple[Identifier, ...], ...]] = Field(
        default_factory=dict,
        description="Per service of the catalogue's simulation.services, the pools of asset "
        "kinds this operator's service needs, replacing the catalogue's: the service is lost "
        "when every asset the operator runs of one pool's kinds is down.",
    )
    national_roaming: tuple[NationalRoaming, ...] = Field(
        default=(),
        description="Permanent national roaming: regions where this operator's customers "
        "are served by another operator's radio network (distinct from roaming, the "
        "fallback when its own network is down).",
    )

    @property
    def people_subscribers(self) -> int:
        """Subscribers who are people: personal and business lines when ``lines`` is
        given, else every subscriber. Shared sites split their people by these."""
        if self.lines is None:
            return self.subscribers
        return self.lines.personal + self.lines.business


# ---------------------------------------------------------------------------- assets


CAPACITY_BOUNDS = (0.0, 1.0)
"""An asset's ``capacity`` lies above the first and at most the second (YAML field and
site-file column alike)."""


class Asset(Frozen):
    """A network function, management system, transport element or radio asset."""

    id: Identifier
    operator: Identifier
    kind: Identifier = Field(description="Asset kind from the catalogue, e.g. core.amf.")
    product: ProductRef | None = Field(
        default=None, description="PRODUCT@VERSION running on the asset."
    )
    name: Text | None = None
    region: Identifier | None = None
    sites: StrictInt = Field(
        default=0, ge=0, description="Number of physical sites (radio assets)."
    )
    population: StrictInt = Field(default=0, ge=0, description="People whose service it carries.")
    critical_services: tuple[Identifier, ...] = Field(
        default=(), description="Critical services it carries (catalogue ids)."
    )
    sensitive: StrictBool = Field(default=False, description="At a sensitive site (e.g. military).")
    battery_hours: StrictFloat | None = Field(
        default=None, ge=0, description="Autonomy on batteries/generators after power loss."
    )
    requires: tuple[Requirement, ...] = ()
    capacity: StrictFloat | None = Field(
        default=None,
        gt=CAPACITY_BOUNDS[0],
        le=CAPACITY_BOUNDS[1],
        description="Share of the load of an any: pool it is a member of that it carries, "
        "or, for a radio asset on a site with others, of the site's load (default: its "
        "kind's capacity in the catalogue, 1 for every packaged kind).",
    )
    managed_by: Identifier | None = None
    shared_with: tuple[Identifier, ...] = Field(
        default=(),
        description="Other operators whose users this radio asset also serves (RAN sharing).",
    )
    site: Identifier | None = Field(
        default=None,
        description="The physical site this radio asset stands on, when several radio assets "
        "(two generations, two vendors) stand on one: assets naming the same site share its "
        "people and its count of sites, and its people lose service only when every one of "
        "them is down.",
    )
    installed: dt.date | None = Field(default=None, description="When it was put in service.")
    purchased: dt.date | None = Field(
        default=None,
        description=(
            "When it was bought or ordered (rules on purchases use it); on or before installed."
        ),
    )


# ---------------------------------------------------------------------------- measures


class MeasureStatus(StrEnum):
    """Implementation status of a toolbox measure."""

    NOT_STARTED = "not-started"
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    IMPLEMENTED = "implemented"
    NOT_APPLICABLE = "not-applicable"


class MeasureRecord(Frozen):
    """The status of one toolbox measure for one operator, or nationally."""

    measure: Identifier = Field(description="Toolbox measure id, e.g. TM07.")
    operator: Identifier | None = Field(
        default=None, description="Operator id; leave out for a national measure."
    )
    status: MeasureStatus
    date: dt.date | None = None
    evidence: tuple[Identifier, ...] = ()
    note: Text | None = None


class ControlRecord(Frozen):
    """Compliance with one requirement of the ENISA 5G security controls matrix."""

    requirement: Identifier = Field(description="ENISA requirement id, e.g. SO4-001.")
    operator: Identifier | None = None
    level: StrictInt = Field(ge=0, le=3, description="Maturity level reached (0 = none, 1-3).")
    evidence: tuple[Identifier, ...] = ()
    note: Text | None = None


class RiskOverride(Frozen):
    """An analyst's judgement replacing a computed likelihood or impact, with its reason."""

    risk: Identifier = Field(description="Risk id, R1 to R9.")
    operator: Identifier | None = Field(default=None, description="Leave out for national.")
    likelihood: Level | None = None
    impact: Level | None = None
    rationale: Text


# ---------------------------------------------------------------------------- the document


class RegistryLink(Frozen):
    """How a national model points at a registry and maps its own ids to canonical ones."""

    dir: Annotated[str, Field(min_length=1)] = Field(
        description="The registry directory, relative to the model file."
    )
    products: dict[Identifier, Identifier] = Field(
        default_factory=dict,
        description="Model product id → canonical product id, where they differ; a model "
        "product not listed is the registry product of the same id, if there is one.",
    )


def _one_or_many(value: object) -> object:
    return (value,) if isinstance(value, str) else value


class ModelDocument(Frozen):
    """A national model file (YAML). Site CSV files are referenced from ``sites``."""

    fiveguard: Literal[1] = Field(description="Model format version.")
    scope: Scope
    regions: tuple[Region, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    products: tuple[Product, ...] = ()
    operators: tuple[Operator, ...] = ()
    assets: tuple[Asset, ...] = ()
    sites: Annotated[
        tuple[Annotated[str, Field(min_length=1)], ...],
        BeforeValidator(_one_or_many, json_schema_input_type=str | list[str]),
    ] = Field(
        default=(),
        description="CSV file(s) of radio assets, relative to the model file: a name or a list.",
    )
    measures: tuple[MeasureRecord, ...] = ()
    controls: tuple[ControlRecord, ...] = ()
    overrides: tuple[RiskOverride, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    evidence_dirs: Annotated[
        tuple[Annotated[str, Field(min_length=1)], ...],
        BeforeValidator(_one_or_many, json_schema_input_type=str | list[str]),
    ] = Field(
        default=(),
        description=(
            "Directories of evidence records written by `fiveguard evidence`, relative to the "
            "model file: a name or a list. Loading the model adds their records to `evidence`."
        ),
    )
    registry: RegistryLink | None = Field(
        default=None,
        description="The product registry whose lab records about the model's product "
        "versions join its evidence when it is loaded.",
    )


SECTIONS: tuple[str, ...] = (
    "regions",
    "suppliers",
    "products",
    "operators",
    "assets",
    "measures",
    "controls",
    "overrides",
    "evidence",
)
