"""The JSON API's request and response bodies (published in its OpenAPI document)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fiveguard.domain.parties import Tlp

Item = TypeVar("Item")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProblemOut(Out):
    """One located problem: file, line, column, field path, message."""

    file: str | None = None
    line: int | None = None
    col: int | None = None
    path: str | None = None
    message: str
    severity: str = "error"


class ErrorOut(Out):
    """Every 4xx answer: what went wrong, and for bad input every located problem."""

    error: str
    problems: list[ProblemOut] = []


class SignIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    organisation: str | None = Field(
        default=None,
        max_length=64,
        description="The organisation to act in, when the user belongs to several.",
    )


class MeOut(Out):
    user: str
    instance_admin: bool
    organisation: str | None
    organisation_kind: str | None
    role: str | None
    token: str | None = None
    csrf_token: str | None = Field(
        default=None,
        description="Send it back in the X-CSRF-Token header on every change made with "
        "the session cookie.",
    )


class Listing(Out, Generic[Item]):
    items: list[Item]
    count: int


class OrganisationOut(Out):
    id: int
    name: str
    title: str
    kind: str
    country: str | None
    supervisor: str | None


class FileOut(Out):
    path: str
    role: str
    digest: str
    size: int


class SnapshotOut(Out):
    id: int
    organisation: str
    name: str
    version: int
    digest: str
    tlp: Tlp
    country: str
    title: str
    as_of: str
    assets: int
    site_rows: int
    created_by: str
    created_at: str
    files: list[FileOut]
    unchanged: bool = False


class RunOut(Out):
    id: int
    organisation: str
    snapshot_id: int
    snapshot_digest: str
    catalogue_digest: str
    policy: str | None
    seed: int | None
    trials: int
    fiveguard_version: str
    result_digest: str
    tlp: Tlp
    created_by: str
    created_at: str


class AssessmentRequest(BaseModel):
    snapshot_id: int = Field(ge=1, le=2**31 - 1)
    policy: str | None = Field(
        default=None, max_length=64, description="A preset id, 'none', or the default."
    )
    trials: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Monte Carlo years to add (default: the catalogue's, as fiveguard assess).",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class JobOut(Out):
    id: int
    kind: str
    status: str
    progress: int
    stage: str
    snapshot_id: int | None
    run_id: int | None
    error: str | None
    created_by: str
    created_at: str
    finished_at: str | None


class EvidenceOut(Out):
    id: int
    organisation: str
    record_id: str
    kind: str
    product: str | None
    digest: str
    tlp: Tlp
    created_by: str
    created_at: str


class EnvelopeOut(Out):
    id: int
    organisation: str
    direction: str
    digest: str
    origin: str
    sequence: int | None
    tlp: Tlp
    labels: dict[str, Tlp]
    created_by: str
    created_at: str


class AuditRowOut(Out):
    seq: int
    at: str
    actor: str
    organisation: str | None
    action: str
    object_kind: str | None
    object_id: str | None
    object_digest: str | None
    detail: str
    prev_hash: str
    row_hash: str


class AuditVerifyOut(Out):
    holds: bool
    head: str
    problem: str | None
    rows: int | None = Field(
        default=None, description="Rows in the whole chain (shown to the instance administrator)."
    )


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    scopes: list[str] = Field(min_length=1, max_length=4)
    days: int = Field(default=30, ge=1, le=366)


class TokenOut(Out):
    public_id: str
    name: str
    organisation: str
    scopes: list[str]
    expires_at: str
    revoked: bool
    secret: str | None = None


class MembershipOut(Out):
    organisation: str
    role: str


class UserOut(Out):
    name: str
    instance_admin: bool
    memberships: list[MembershipOut]


class SliceOut(Out):
    id: int
    organisation: str
    operator_id: str
    national_id: int
    version: int
    status: str
    tlp: Tlp
    created_by: str
    created_at: str
    changes: dict[str, Any] | None = None


class WhatIfRequest(BaseModel):
    events: list[str] = Field(
        min_length=1,
        max_length=50,
        description="Events as TYPE:TARGET (supplier-fault:vendor-x, "
        "supplier-update:vendor-x, product-fault:core-x@5.2, region-power:R1 …).",
    )
    mode: str | None = Field(
        default=None, max_length=16, description="A supplier update: espionage or sabotage."
    )
    hours: float | None = Field(
        default=None, gt=0, le=8760, description="A region power loss: its duration in hours."
    )


def listing(items: list[Any]) -> dict[str, Any]:
    return {"items": items, "count": len(items)}
