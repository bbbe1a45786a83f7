"""Result types of the assessment's labs section (:mod:`fiveguard.assess.lab_section`)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from fiveguard.lab.audit import Audit


class Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LabLine(Result):
    id: str
    name: str
    kind: str
    evaluations: int
    findings: int


class LabEvaluationLine(Result):
    """An evaluation, its scheme and its test cases."""

    id: str
    lab: str
    title: str
    scheme: str
    products: tuple[str, ...] = Field(description="The model's PRODUCT@VERSION references.")
    result: str | None
    date: dt.date
    valid_until: dt.date | None
    test_cases: dict[str, int] = Field(description="Test cases per result.")
    failed: tuple[str, ...] = Field(description="SPEC TEST-CASE of each failed test case.")
    not_tested: tuple[str, ...]


class LabFindingLine(Result):
    """A finding in its state on the assessment date."""

    id: str
    lab: str
    title: str
    severity: str
    cvss_score: float | None
    cwe: str | None
    state: str
    affected: tuple[str, ...] = Field(description="The model's versions it affects.")
    fixed_in: str | None
    embargoed_until: dt.date | None
    last_change: dt.date


class LabsSection(Result):
    """What the labs found, by the registry's verified attestations."""

    registry: str
    rule: str
    mapped_products: int = Field(description="Model products the registry knows.")
    labs: tuple[LabLine, ...]
    evaluations: tuple[LabEvaluationLine, ...]
    findings: tuple[LabFindingLine, ...]
    audits: tuple[Audit, ...] = Field(
        description="The latest engineering-practice review of each supplier, compared "
        "with the previous one."
    )
    not_counted: dict[str, str] = Field(description="Record id → why it does not count.")
