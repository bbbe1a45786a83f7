"""The product registry: suppliers, products, versions and labs named the same way by every
member state, operator and evaluation lab, independent of any national model.

A registry entry has a canonical id. A national model keeps its own short ids and maps
them (:class:`RegistryLink`): a model's product names the registry product it is, and a
model's supplier is recognised by its LEI or registry id. Evidence a lab records about a
product version lives with the registry (:mod:`fiveguard.domain.lab`) and reaches every
model that deploys that version.

These are plain frozen types, one per table the shared record will hold: a supplier, a
product, a product version with its artefact digests, a lab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import Field

from fiveguard.domain.base import CountryCode, Frozen, Identifier, Text, Version
from fiveguard.domain.evidence import Sha256
from fiveguard.domain.lab import (
    LabEquivalence,
    LabEvaluation,
    LabFinding,
    LabRecord,
    PracticeReview,
)
from fiveguard.domain.network import Lei, RegistryId


class RegistrySupplier(Frozen):
    """A supplier as the registry names it, with the identifiers that make it one company."""

    id: Identifier = Field(description="Canonical supplier id, e.g. valtaro.")
    name: Text
    lei: Lei | None = None
    registry_id: RegistryId | None = None
    headquarters: CountryCode | None = None
    note: Text | None = None


class ArtefactDigest(Frozen):
    """A digest of a build artefact of a version: an image, a package, a firmware file."""

    name: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="The artefact's file name, e.g. amf-24.4.0.tar."
    )
    sha256: Sha256


class RegistryVersion(Frozen):
    """A released version of a product, with the digests of its artefacts where known."""

    version: Version
    released: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = Field(
        default=None, description="Release date, YYYY-MM-DD."
    )
    artefacts: tuple[ArtefactDigest, ...] = Field(
        default=(),
        description="Digests of the build artefacts; a signed attestation is bound to them.",
    )


class RegistryProduct(Frozen):
    """A product line of a registry supplier, and its versions."""

    id: Identifier = Field(description="Canonical product id, e.g. valtaro.core-amf.")
    supplier: Identifier = Field(description="Canonical supplier id.")
    name: Text
    kind: Identifier | None = Field(
        default=None, description="Asset kind from the catalogue, e.g. core.amf."
    )
    versions: tuple[RegistryVersion, ...] = Field(min_length=1)

    def version(self, name: str) -> RegistryVersion | None:
        """The entry of version ``name``, if the registry lists it."""
        return next((v for v in self.versions if v.version == name), None)


class LabKind(StrEnum):
    """What kind of evaluation centre a lab is."""

    TEST_LAB = "test-lab"
    """An accredited test laboratory (e.g. ISO/IEC 17025 under GSMA NESAS)."""
    EVALUATION_CENTRE = "evaluation-centre"
    """A government-run evaluation centre reviewing one vendor's products and practices."""
    TRANSPARENCY_CENTRE = "transparency-centre"
    """A vendor's centre where customers and regulators review its source code."""
    NATIONAL_AUTHORITY = "national-authority"
    """A national authority making its own technical assessment."""


class Lab(Frozen):
    """An organisation that evaluates products and issues evaluations and findings."""

    id: Identifier
    name: Text
    kind: LabKind
    country: CountryCode | None = None
    accreditation: Text | None = Field(
        default=None, description="E.g. ISO/IEC 17025 accreditation and the body that gave it."
    )
    note: Text | None = None


# ---------------------------------------------------------------------------- in memory

SECTIONS = ("suppliers", "products", "labs", "records")
"""The registry's sections, each a directory of one file per entry."""

R = TypeVar("R", LabEvaluation, LabFinding, PracticeReview, LabEquivalence)


@dataclass
class Registry:
    """Every entry and lab record of a registry, by id."""

    suppliers: dict[str, RegistrySupplier] = field(default_factory=dict)
    products: dict[str, RegistryProduct] = field(default_factory=dict)
    labs: dict[str, Lab] = field(default_factory=dict)
    records: dict[str, LabRecord] = field(default_factory=dict)

    def of_type(self, kind: type[R]) -> list[R]:
        """The records of one type, in id order."""
        return [r for _, r in sorted(self.records.items()) if isinstance(r, kind)]

    def reviews(self) -> dict[str, PracticeReview]:
        """Practice reviews by id."""
        return {r.id: r for r in self.of_type(PracticeReview)}

    def supplier_of(self, lei: str | None, registry_id: str | None) -> str | None:
        """The canonical id of the supplier with this LEI or registry id, if any."""
        for supplier in self.suppliers.values():
            if lei is not None and supplier.lei == lei:
                return supplier.id
            if registry_id is not None and supplier.registry_id == registry_id:
                return supplier.id
        return None

    def version_known(self, product: str, version: str) -> bool:
        """Whether the registry lists ``version`` of ``product``."""
        entry = self.products.get(product)
        return entry is not None and entry.version(version) is not None


@dataclass(frozen=True)
class RegistryView:
    """What a loaded national model knows of its registry: the registry, how the model's
    products map to it, and which lab records reached the model's evidence or why not."""

    label: str = ""
    """The registry directory, as named in messages."""
    registry: Registry = field(default_factory=Registry)
    products: dict[str, str] = field(default_factory=dict)
    """Model product id → canonical product id, for every model product in the registry."""
    counted: tuple[str, ...] = ()
    """Ids of the lab records added to the model's evidence."""
    not_counted: dict[str, str] = field(default_factory=dict)
    """Lab record id → why it did not reach the model's evidence."""
