"""The JSON API's request and response bodies (published in its OpenAPI document).

An answer that is one of the record's views is derived from that view (its dataclass)
by :func:`derived`, so the published shape follows the store instead of repeating it."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from fiveguard.store import accounts, assessments, envelopes, evidence_records, slices, snapshots
from fiveguard.store.chain import Link
from fiveguard.web.jobs import JobView

Item = TypeVar("Item")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def derived(view: type, *, exclude: frozenset[str] = frozenset()) -> type[Out]:
    """A response model with the fields of the store's view ``view`` (a dataclass), its
    types and defaults, less ``exclude``."""
    hints = typing.get_type_hints(view)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(view):
        if field.name in exclude:
            continue
        if field.default is not dataclasses.MISSING:
            default: Any = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = Field(default_factory=field.default_factory)
        else:
            default = ...
        fields[field.name] = (hints[field.name], default)
    return create_model(f"{view.__name__}Fields", __base__=Out, **fields)


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


class OrganisationOut(derived(accounts.OrganisationView), Out):  # type: ignore[misc]
    """An organisation you are shown."""


class SnapshotOut(derived(snapshots.SnapshotView), Out):  # type: ignore[misc]
    """A model snapshot: one version of a model, with its files and their digests."""


class RunOut(derived(assessments.RunView, exclude=frozenset({"inputs"})), Out):  # type: ignore[misc]
    """A recorded assessment run (what ``store reproduce`` needs is in its result)."""


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


class JobOut(derived(JobView), Out):  # type: ignore[misc]
    """A background assessment and its progress."""


class EvidenceOut(derived(evidence_records.EvidenceView), Out):  # type: ignore[misc]
    """An evidence record kept in the record."""


class EnvelopeOut(derived(envelopes.EnvelopeView), Out):  # type: ignore[misc]
    """An exchange envelope in an inbox or an outbox."""


class AuditRowOut(derived(Link), Out):  # type: ignore[misc]
    """One row of the audit log, as chained."""


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


class TokenOut(derived(accounts.TokenView), Out):  # type: ignore[misc]
    """An API token (its secret only in the answer that made it)."""


class MembershipOut(Out):
    organisation: str
    role: str


class UserOut(Out):
    name: str
    instance_admin: bool
    memberships: list[MembershipOut]


class SliceOut(derived(slices.SliceView), Out):  # type: ignore[misc]
    """An operator's part of a national model."""


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
