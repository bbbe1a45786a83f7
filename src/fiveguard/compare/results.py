"""What changed between two assessments of one country: the comparison document.

``fiveguard compare OLD NEW --json`` prints it and ``fiveguard schema comparison`` gives
its JSON schema (docs/schema/comparison.schema.json).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AssessmentRef(_Result):
    """Which assessment a side of the comparison is."""

    name: str
    country: str
    as_of: dt.date
    policy: str | None
    fiveguard_version: str
    marking: str
    model_sha256: str | None = Field(
        description="SHA-256 of the model file, when the assessment recorded its inputs."
    )


class ViolationChange(_Result):
    """A policy finding (rule, operator, suppliers) on either side, and what became of it."""

    rule: str
    operator: str | None = Field(description="Null for a national rule.")
    suppliers: tuple[str, ...]
    change: Literal["resolved", "new", "worse", "better", "unchanged"]
    old_status: str | None = Field(description="Null when the old assessment did not find it.")
    new_status: str | None = Field(description="Null when the new assessment no longer finds it.")
    old_people: int
    new_people: int
    old_assets: int
    new_assets: int
    text: str


PhaseStatus = Literal[
    "done", "on-track", "behind", "overdue", "no-progress", "growing", "no-deadline"
]


class PhaseOut(_Result):
    """Progress in removing what a rule forbids (high-risk equipment), against its deadline.

    ``remaining`` is what is left to remove: for an exclusion the assets breaking it, for
    a cap the radio sites or people above it. ``projected`` extends the pace between the
    two assessment dates in a straight line to zero."""

    rule: str
    operator: str | None
    suppliers: tuple[str, ...]
    unit: str = Field(description="assets, radio sites or people.")
    deadline: dt.date | None
    old_remaining: int
    new_remaining: int
    removed_per_year: float | None = Field(
        description="Removed per 365 days between the two dates; null when the dates agree."
    )
    projected: dt.date | None = Field(
        description="When the pace reaches zero; null when nothing was removed or it is done."
    )
    status: Literal[
        "done", "on-track", "behind", "overdue", "no-progress", "growing", "no-deadline"
    ]
    text: str


class SupplierFootprint(_Result):
    """A high-risk supplier's footprint on both dates."""

    supplier: str
    name: str
    old_profile: str | None
    new_profile: str | None
    old_assets: int
    new_assets: int
    old_radio_sites: int
    new_radio_sites: int


class MeasureChange(_Result):
    """A toolbox measure whose status changed in one scope."""

    measure: str
    title: str
    scope: str
    old: str
    new: str
    direction: Literal["forward", "back", "changed"]


class RiskChange(_Result):
    """A register entry whose level or residual level moved."""

    risk: str
    title: str
    scope: str
    old_level: str
    new_level: str
    old_residual: str
    new_residual: str
    direction: Literal["up", "down", "mixed"]


class ShareMove(_Result):
    """A supplier's share of a domain in one scope, moved by at least half a point."""

    group: str
    title: str
    weight: str
    scope: str
    supplier: str
    old_share: float
    new_share: float


class Comparison(_Result):
    """Two assessments of one country side by side: what was resolved, what is new, how
    the phase-out of high-risk suppliers keeps pace with each deadline, and what moved."""

    old: AssessmentRef
    new: AssessmentRef
    days: int = Field(description="Days from the old assessment date to the new one.")
    marking: str = Field(description="The marking of the comparison: both sides' markings.")
    headlines: tuple[str, ...] = Field(description="The changes in a few sentences.")
    violations: tuple[ViolationChange, ...]
    phase_out: tuple[PhaseOut, ...]
    high_risk_suppliers: tuple[SupplierFootprint, ...]
    measures: tuple[MeasureChange, ...]
    risks: tuple[RiskChange, ...]
    shares: tuple[ShareMove, ...]
    notes: tuple[str, ...] = Field(default=(), description="What the comparison could not say.")
