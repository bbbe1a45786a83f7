"""Evidence records: the documents, evaluations, certificates and findings a model cites.

Every record has an id, a type, a title and usually a date, an issuer and a subject (a
supplier id, an operator id, an asset id or a ``PRODUCT@VERSION``). Assurance records
(evaluations, certificates, findings, assurance statements, equivalence results, SBOMs and
vulnerability scans of them) carry the fields the assessment reads; the ``type`` field
selects which. SBOMs and vulnerability scans of them are records of this module too.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from fiveguard.domain.base import Frozen, Identifier, ProductRef, Text

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lowercase hex.")]

PathText = Annotated[str, Field(min_length=1, max_length=4096)]
"""A path inside a file tree, archive or manifest, with '/' separators."""


class _EvidenceBase(Frozen):
    id: Identifier
    title: Text
    date: dt.date | None = None
    issuer: Text | None = None
    subject: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="What it is about: a supplier, operator or asset id, or PRODUCT@VERSION.",
    )
    link: Annotated[str, Field(min_length=1, max_length=2000)] | None = Field(
        default=None, description="Where the document lives (URL or path)."
    )
    sha256: Sha256 | None = None
    note: Text | None = None


class Document(_EvidenceBase):
    """A document cited as evidence: a law, an audit report, a contract, a declaration."""

    type: Literal["document", "audit", "law", "report", "contract", "declaration"]


class EvaluationResult(StrEnum):
    PASS = "pass"
    PASS_WITH_FINDINGS = "pass-with-findings"
    FAIL = "fail"


class Evaluation(_EvidenceBase):
    """A security evaluation of product versions (e.g. GSMA NESAS against 3GPP SCAS)."""

    type: Literal["evaluation"]
    scheme: Text = Field(description="E.g. GSMA NESAS, national scheme.")
    products: tuple[ProductRef, ...] = Field(min_length=1)
    lab: Text | None = None
    scas: tuple[Text, ...] = Field(default=(), description="SCAS specifications covered.")
    result: EvaluationResult
    valid_until: dt.date | None = None


class Certificate(_EvidenceBase):
    """A certificate for product versions or a supplier's processes."""

    type: Literal["certificate"]
    scheme: Text
    identifier: Text
    products: tuple[ProductRef, ...] = ()
    valid_from: dt.date
    valid_to: dt.date

    @model_validator(mode="after")
    def _period_in_order(self) -> Certificate:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    ADVISORY = "advisory"


class FindingStatus(StrEnum):
    OPEN = "open"
    FIXED = "fixed"
    ACCEPTED = "accepted"
    FALSE_POSITIVE = "false-positive"


class Finding(_EvidenceBase):
    """A finding from source-code review, penetration testing or an engineering audit."""

    type: Literal["finding"]
    severity: Severity
    status: FindingStatus
    affected: tuple[ProductRef, ...] = Field(
        default=(),
        description="Product versions it affects; empty for a finding on a supplier as a "
        "whole (subject: the supplier id), which concerns every version of it.",
    )
    source: Literal["source-review", "pentest", "engineering-audit", "evaluation", "other"]

    @model_validator(mode="after")
    def _tied_to_something(self) -> Finding:
        if not self.affected and self.subject is None:
            raise ValueError(
                "a finding names the versions it affects (affected) or, for a finding on a "
                "supplier as a whole, the supplier (subject)"
            )
        return self


class AssuranceStatement(_EvidenceBase):
    """An overall assurance statement, e.g. an oversight board's "limited assurance"."""

    type: Literal["assurance-statement"]
    level: Literal["full", "reasonable", "limited", "none"]
    products: tuple[ProductRef, ...] = ()


class Equivalence(_EvidenceBase):
    """The result of a binary-equivalence check of deployed against reviewed builds."""

    type: Literal["equivalence"]
    product: ProductRef
    identical: StrictInt = Field(ge=0)
    differing: StrictInt = Field(ge=0)
    missing: StrictInt = Field(ge=0)
    extra: StrictInt = Field(ge=0)
    reviewed: Text | None = Field(
        default=None, description="What was reviewed: a directory, archive or manifest."
    )
    deployed: Text | None = Field(default=None, description="What is deployed, in the same forms.")
    differing_paths: tuple[PathText, ...] = Field(
        default=(), description="Paths whose content differs (the first ones, when many)."
    )
    missing_paths: tuple[PathText, ...] = Field(
        default=(), description="Reviewed paths absent from the deployed side."
    )
    extra_paths: tuple[PathText, ...] = Field(
        default=(), description="Deployed paths absent from the reviewed side."
    )

    @property
    def ratio(self) -> float:
        total = self.identical + self.differing + self.missing + self.extra
        return self.identical / total if total else 1.0

    @property
    def equivalent(self) -> bool:
        return self.differing == self.missing == self.extra == 0


# ---------------------------------------------------------------------------- SBOMs


class ComponentHash(Frozen):
    """A digest of a component as its SBOM gives it, e.g. SHA-256."""

    alg: Annotated[str, Field(min_length=1, max_length=32)] = Field(
        description="Algorithm as the SBOM names it, upper case: SHA-256, SHA-1, MD5 …"
    )
    value: Annotated[str, Field(pattern=r"^[0-9a-f]{8,256}$")] = Field(
        description="Digest in lowercase hex."
    )


ShortText = Annotated[str, Field(min_length=1, max_length=2000)]


class SbomComponent(Frozen):
    """One component of a software bill of materials, in one model for CycloneDX and SPDX."""

    ref: ShortText = Field(description="bom-ref (CycloneDX) or SPDXID (SPDX); unique in its SBOM.")
    name: ShortText
    version: ShortText | None = None
    kind: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="library, application, firmware, operating-system …"
    )
    purl: ShortText | None = Field(default=None, description="Package URL, e.g. pkg:pypi/x@1.0.")
    cpe: ShortText | None = Field(default=None, description="CPE 2.3 (or 2.2 URI) name.")
    supplier: ShortText | None = None
    hashes: tuple[ComponentHash, ...] = ()
    end_of_support: dt.date | None = Field(
        default=None, description="When the SBOM says support ends (SPDX validUntilDate …)."
    )
    components: tuple[SbomComponent, ...] = Field(
        default=(),
        description="Components nested inside this one (CycloneDX nesting, SPDX CONTAINS).",
    )


class SbomDependency(Frozen):
    """``ref`` depends on each of ``depends_on`` (component refs)."""

    ref: ShortText
    depends_on: tuple[ShortText, ...] = ()


class VexState(StrEnum):
    """CycloneDX impact-analysis states of a VEX statement."""

    NOT_AFFECTED = "not_affected"
    RESOLVED = "resolved"
    RESOLVED_WITH_PEDIGREE = "resolved_with_pedigree"
    FALSE_POSITIVE = "false_positive"
    EXPLOITABLE = "exploitable"
    IN_TRIAGE = "in_triage"


class VexStatement(Frozen):
    """A supplier's statement on whether a vulnerability affects components of the product."""

    vulnerability: ShortText = Field(description="Its id, e.g. CVE-2022-3602 or GHSA-….")
    aliases: tuple[ShortText, ...] = ()
    state: VexState
    justification: ShortText | None = None
    detail: Text | None = None
    refs: tuple[ShortText, ...] = Field(
        default=(), description="Component refs it concerns; none means the whole product."
    )


class Sbom(_EvidenceBase):
    """A software bill of materials of a product version, imported from CycloneDX or SPDX."""

    type: Literal["sbom"]
    product: ProductRef
    format: Literal["cyclonedx", "spdx"]
    spec_version: Annotated[str, Field(min_length=1, max_length=32)]
    encoding: Literal["json", "xml", "tag-value"]
    root: SbomComponent | None = Field(
        default=None, description="The component the SBOM describes, when it names one."
    )
    components: tuple[SbomComponent, ...] = ()
    dependencies: tuple[SbomDependency, ...] = ()
    vex: tuple[VexStatement, ...] = ()

    def all_components(self) -> list[SbomComponent]:
        """Every component, the root and nested ones included, depth first."""
        out: list[SbomComponent] = []
        top = (self.root, *self.components) if self.root is not None else self.components
        stack = list(reversed(top))
        while stack:
            component = stack.pop()
            out.append(component)
            stack.extend(reversed(component.components))
        return out


# ---------------------------------------------------------------------------- vulnerability scans


class VulnerabilityMatch(Frozen):
    """A known vulnerability matched to a component of a product version."""

    vulnerability: ShortText = Field(description="OSV id, e.g. GHSA-… or PYSEC-… or CVE-….")
    aliases: tuple[ShortText, ...] = ()
    summary: Text | None = None
    severity: Severity
    score: StrictFloat | None = Field(default=None, ge=0, le=10, description="CVSS base score.")
    severity_source: ShortText = Field(description="Where the severity came from.")
    component: ShortText = Field(description="The component's ref in the SBOM.")
    name: ShortText
    version: ShortText | None = None
    matched_by: Literal["purl", "cpe"]
    ecosystem: ShortText | None = None
    fixed: tuple[ShortText, ...] = Field(default=(), description="Versions that fix it.")
    vex: VexState | None = Field(default=None, description="The supplier's VEX state, if any.")
    vex_justification: ShortText | None = None
    suppressed: StrictBool = Field(
        default=False, description="A VEX statement says not affected or resolved."
    )


class EndOfSupport(Frozen):
    """A component whose support ends (or ended) on a date."""

    component: ShortText
    name: ShortText
    version: ShortText | None = None
    date: dt.date
    source: Literal["sbom", "catalogue"]
    note: Text | None = None


class VulnerabilityScan(_EvidenceBase):
    """The components of a product version matched offline against OSV records."""

    type: Literal["vulnerability-scan"]
    product: ProductRef
    sbom: Identifier | None = Field(default=None, description="Id of the SBOM record scanned.")
    database: Text = Field(description="The OSV directory as given, and what it held.")
    database_records: StrictInt = Field(ge=0)
    database_sha256: Sha256 | None = Field(
        default=None, description="Digest over the record files: identifies the snapshot."
    )
    components: StrictInt = Field(ge=0, description="Components scanned.")
    matches: tuple[VulnerabilityMatch, ...] = ()
    end_of_support: tuple[EndOfSupport, ...] = ()


Evidence = Annotated[
    Document
    | Evaluation
    | Certificate
    | Finding
    | AssuranceStatement
    | Equivalence
    | Sbom
    | VulnerabilityScan,
    Field(discriminator="type"),
]
"""Any evidence record; ``type`` selects the kind."""

EVIDENCE_TYPES: tuple[str, ...] = (
    "document",
    "audit",
    "law",
    "report",
    "contract",
    "declaration",
    "evaluation",
    "certificate",
    "finding",
    "assurance-statement",
    "equivalence",
    "sbom",
    "vulnerability-scan",
)
