"""Evidence records: the documents, evaluations, certificates and findings a model cites.

Every record has an id, a type, a title and usually a date, an issuer and a subject (a
supplier id, an operator id, an asset id or a ``PRODUCT@VERSION``). Assurance records
(evaluations, certificates, findings, assurance statements, equivalence results) carry
the fields the assessment reads; the ``type`` field selects which.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from fiveguard.domain.base import Frozen, Identifier, ProductRef, Text

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lowercase hex.")]


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
    affected: tuple[ProductRef, ...] = Field(min_length=1)
    source: Literal["source-review", "pentest", "engineering-audit", "evaluation", "other"]


class AssuranceStatement(_EvidenceBase):
    """An overall assurance statement, e.g. an oversight board's "limited assurance"."""

    type: Literal["assurance-statement"]
    level: Literal["full", "reasonable", "limited", "none"]
    products: tuple[ProductRef, ...] = ()


class Equivalence(_EvidenceBase):
    """The result of a binary-equivalence check of deployed against reviewed builds."""

    type: Literal["equivalence"]
    product: ProductRef
    identical: int = Field(ge=0)
    differing: int = Field(ge=0)
    missing: int = Field(ge=0)
    extra: int = Field(ge=0)

    @property
    def ratio(self) -> float:
        total = self.identical + self.differing + self.missing + self.extra
        return self.identical / total if total else 1.0

    @property
    def equivalent(self) -> bool:
        return self.differing == self.missing == self.extra == 0


Evidence = Annotated[
    Document | Evaluation | Certificate | Finding | AssuranceStatement | Equivalence,
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
)
