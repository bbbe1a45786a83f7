"""What evaluation labs record about product versions: evaluations with their SCAS test
cases, findings with their lifecycle, engineering-practice reviews and binary-equivalence
checks, and where a record came from (a verified attestation, or entered here).

Records name the registry's canonical product id and its versions, never a national
model's ids: one record reaches every model that deploys the version
(:mod:`fiveguard.registry.project`). The rules of a finding's lifecycle are in
:mod:`fiveguard.lab.lifecycle`; these types check only what a single value can show.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from fiveguard.domain.base import Frozen, Identifier, Text, Version
from fiveguard.domain.evidence import EvaluationResult, PathText, Severity, Sha256
from fiveguard.domain.parties import Tlp

ShortText = Annotated[str, Field(min_length=1, max_length=500)]
ScasSpec = Annotated[
    str,
    Field(pattern=r"^TS 33\.[0-9]{3}$", description="A 3GPP SCAS specification, e.g. TS 33.512."),
]
TestCaseId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        max_length=128,
        description="The test case as its SCAS specification names it, e.g. "
        "TC_NAS_NULL_INT_AMF or 4.2.2.1.1.",
    ),
]
Cwe = Annotated[str, Field(pattern=r"^CWE-[1-9][0-9]{0,5}$", description="E.g. CWE-798.")]


class SchemeKind(StrEnum):
    """The kinds of scheme a lab evaluates under."""

    NESAS = "nesas"
    """GSMA NESAS: an accredited lab tests a product version against 3GPP SCAS."""
    NATIONAL = "national"
    """A national scheme, e.g. BSI TR-03163 or a national 5G component certification."""
    COMMON_CRITERIA = "common-criteria"
    """Common Criteria against a protection profile."""
    SOURCE_CODE_REVIEW = "source-code-review"
    """A source-code review engagement, e.g. at a vendor's transparency centre."""


class Scheme(Frozen):
    """The scheme of an evaluation, with its version."""

    kind: SchemeKind
    name: ShortText = Field(description="E.g. GSMA NESAS, BSI TR-03163.")
    version: ShortText | None = Field(default=None, description="E.g. 2.6 for NESAS.")
    protection_profile: ShortText | None = Field(
        default=None, description="Common Criteria: the protection profile evaluated against."
    )
    site: ShortText | None = Field(
        default=None, description="Where a source-code review took place, e.g. Brussels."
    )

    @model_validator(mode="after")
    def _complete(self) -> Scheme:
        if self.kind is not SchemeKind.SOURCE_CODE_REVIEW and self.version is None:
            raise ValueError(f"a {self.kind.value} scheme names its version")
        if self.kind is SchemeKind.COMMON_CRITERIA and self.protection_profile is None:
            raise ValueError("a Common Criteria evaluation names its protection profile")
        return self


class TestCaseResult(StrEnum):
    """The outcome of one SCAS test case."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not-applicable"
    NOT_TESTED = "not-tested"


class TestCase(Frozen):
    """One SCAS test case of an evaluation and its outcome."""

    __test__ = False  # a domain type, not a pytest class

    spec: ScasSpec
    id: TestCaseId
    result: TestCaseResult
    note: Text | None = None


class AttestedBy(Frozen):
    """Where a record came from: a DSSE envelope that was verified when it was imported."""

    signer: Identifier = Field(description="The signing organisation (the lab's id).")
    keyids: tuple[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")], ...] = Field(min_length=1)
    envelope: Annotated[str, Field(min_length=1, max_length=300)] = Field(
        description="The stored envelope, relative to the registry directory."
    )
    payload_sha256: Sha256
    issued_at: dt.datetime = Field(description="When the lab issued the attestation.")
    verified_on: dt.date
    tlp: Tlp


class _LabRecord(Frozen):
    id: Identifier
    lab: Identifier = Field(description="The lab that issued it (a registry lab id).")
    title: Text
    date: dt.date
    link: Annotated[str, Field(min_length=1, max_length=2000)] | None = Field(
        default=None, description="Where the lab's report lives (URL or path)."
    )
    sha256: Sha256 | None = Field(default=None, description="Digest of that report.")
    note: Text | None = None
    attestation: AttestedBy | None = Field(
        default=None, description="Set by `fiveguard lab import`; absent when entered here."
    )


class LabEvaluation(_LabRecord):
    """An evaluation of product versions under a scheme, as the lab reports it."""

    type: Literal["lab-evaluation"]
    scheme: Scheme
    product: Identifier = Field(description="Canonical product id.")
    versions: tuple[Version, ...] = Field(min_length=1)
    scas: tuple[ScasSpec, ...] = Field(default=(), description="SCAS specifications in scope.")
    test_cases: tuple[TestCase, ...] = ()
    result: EvaluationResult | None = Field(
        default=None, description="Required except for a source-code review engagement."
    )
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> LabEvaluation:
        if self.scheme.kind is not SchemeKind.SOURCE_CODE_REVIEW and self.result is None:
            raise ValueError(f"a {self.scheme.kind.value} evaluation states its result")
        if self.valid_until is not None and self.valid_until < self.date:
            raise ValueError("valid_until is before the evaluation's date")
        return self


class FindingState(StrEnum):
    """Where a finding is in its lifecycle."""

    OPEN = "open"
    VENDOR_RESPONDED = "vendor-responded"
    FIXED = "fixed"
    RETESTED = "retested"
    CLOSED = "closed"
    RISK_ACCEPTED = "risk-accepted"


class FindingEvent(Frozen):
    """One change of a finding's state, dated, with who made it and why."""

    date: dt.date
    state: FindingState
    by: ShortText | None = Field(default=None, description="Who made the change.")
    note: Text | None = None
    fixed_in: Version | None = Field(default=None, description="fixed: the version with the fix.")
    retest_passed: StrictBool | None = Field(
        default=None, description="retested: whether the fix held when tested again."
    )
    accepted_by: ShortText | None = Field(
        default=None, description="risk-accepted: who accepted the risk."
    )
    reason: Text | None = Field(default=None, description="risk-accepted: why.")


class LabFinding(_LabRecord):
    """A finding of a review or evaluation, with every change of its state."""

    type: Literal["lab-finding"]
    product: Identifier = Field(description="Canonical product id.")
    affected: tuple[Version, ...] = Field(min_length=1, description="Versions it affects.")
    severity: Severity
    cwe: Cwe | None = None
    cvss: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None, description="A CVSS v3.x vector; its base score is computed from it."
    )
    component: PathText | None = Field(
        default=None, description="The component or file it concerns."
    )
    area: Identifier | None = Field(
        default=None,
        description="Engineering-practice area, e.g. build-integrity, for the annual review.",
    )
    evaluation: Identifier | None = Field(
        default=None, description="The evaluation or review engagement that found it."
    )
    review: Identifier | None = Field(
        default=None, description="The engineering-practice review that reported it."
    )
    embargo_until: dt.date | None = Field(
        default=None, description="Details withheld from what is shared until this date."
    )
    history: tuple[FindingEvent, ...] = Field(min_length=1)

    @property
    def state(self) -> FindingState:
        """The state after the last change."""
        return self.history[-1].state


class PracticeReview(_LabRecord):
    """An engineering-practice review of a supplier, e.g. an oversight board's annual one.

    Its findings name it (``review``); :func:`fiveguard.lab.audit.audit` groups them by
    area and compares them with the previous review's.
    """

    type: Literal["practice-review"]
    supplier: Identifier = Field(description="Canonical supplier id.")
    period: ShortText = Field(description="What it covers, e.g. 2026.")
    previous: Identifier | None = Field(default=None, description="The previous review.")
    areas: tuple[Identifier, ...] = Field(
        default=(), description="Areas examined, e.g. build-integrity, configuration-management."
    )
    assurance: Literal["full", "reasonable", "limited", "none"] | None = Field(
        default=None, description="The overall level of assurance the review gives, if any."
    )


class EquivalenceMethod(StrEnum):
    """What the deployed build was checked against."""

    TREE = "tree"
    """A reviewed file tree (directory, archive or SHA-256 manifest)."""
    PROVENANCE = "provenance"
    """The vendor's build provenance (an in-toto statement with SLSA provenance v1)."""
    SBOM = "sbom"
    """The file hashes of the vendor's SBOM."""


class LabEquivalence(_LabRecord):
    """A binary-equivalence check by a lab of one deployed version."""

    type: Literal["lab-equivalence"]
    product: Identifier
    version: Version
    method: EquivalenceMethod
    reference: ShortText = Field(description="What it was checked against.")
    deployed: ShortText = Field(description="What was checked.")
    identical: StrictInt = Field(ge=0)
    differing: StrictInt = Field(ge=0)
    missing: StrictInt = Field(ge=0)
    extra: StrictInt = Field(ge=0)
    differing_paths: tuple[PathText, ...] = ()
    missing_paths: tuple[PathText, ...] = ()
    extra_paths: tuple[PathText, ...] = ()


LabRecord = Annotated[
    LabEvaluation | LabFinding | PracticeReview | LabEquivalence, Field(discriminator="type")
]
"""Any lab record; ``type`` selects the kind."""


def versions_of(record: LabRecord) -> tuple[str, tuple[str, ...]]:
    """The field naming the product versions a record is about, and those versions (a
    practice review is about a supplier: no field, no version)."""
    if isinstance(record, LabEvaluation):
        return "versions", record.versions
    if isinstance(record, LabFinding):
        return "affected", record.affected
    if isinstance(record, LabEquivalence):
        return "version", (record.version,)
    return "", ()
