"""Assurance evidence rule types: how fiveguard.evidence reads and judges evidence.

Which vulnerability scores count as high, how long an evaluation without an end date
stays valid, when components are past end of support, and the limits that keep archive
reading safe.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import Field, StrictFloat, StrictInt, model_validator

from fiveguard.domain.base import Frozen, Identifier, Level, Text
from fiveguard.domain.evidence import Severity, VexState

AttentionReason = Literal[
    "open-findings",
    "failed-evaluation",
    "failed-equivalence",
    "vulnerable-components",
    "end-of-support",
    "no-valid-evaluation",
]
ATTENTION_REASONS: tuple[str, ...] = get_args(AttentionReason)
"""Why a product version needs attention (``fiveguard.evidence.assurance.REASONS``)."""


class CvssBand(Frozen):
    """Scores at or above ``min_score`` (and below the next band) have ``severity``."""

    severity: Severity
    min_score: StrictFloat = Field(ge=0, le=10)


class EndOfSupportEntry(Frozen):
    """A release line of a component whose support ends on a date."""

    id: Identifier
    name: Text = Field(
        description="Component name, matched without case against the name, the purl name "
        "and the CPE product."
    )
    versions: Text = Field(description="Release line: versions equal to it or starting with it.")
    date: dt.date = Field(description="Last day of support.")
    source: Text


class ArchiveLimits(Frozen):
    """Limits on reading one side of an equivalence check; beyond any, the input is refused."""

    max_members: StrictInt = Field(gt=0, description="Files, links and directories in all.")
    max_total_bytes: StrictInt = Field(gt=0, description="Content bytes read in all.")
    max_member_bytes: StrictInt = Field(gt=0, description="Bytes of one file.")
    max_ratio: StrictFloat = Field(gt=1, description="Content bytes over archive bytes.")
    ratio_after_bytes: StrictInt = Field(
        ge=0, description="The ratio is checked once this many content bytes were read."
    )
    max_path_length: StrictInt = Field(gt=0)
    max_manifest_bytes: StrictInt = Field(gt=0)


class EvidenceRules(Frozen):
    """How assurance evidence is read and judged; every threshold editable."""

    source: Text
    cvss_bands: tuple[CvssBand, ...] = Field(min_length=1)
    unscored_severity: Severity = Field(
        description="Severity of a vulnerability whose record gives no score or rating."
    )
    vulnerable_min_severity: Severity = Field(
        description="A component with an unsuppressed match at or above it is vulnerable."
    )
    finding_alert_severities: tuple[Severity, ...] = Field(
        description="Open findings of these severities put a product version on the list."
    )
    evaluation_valid_days: StrictInt = Field(
        gt=0, description="Validity of an evaluation that gives no valid_until, from its date."
    )
    equivalence_min_ratio: StrictFloat = Field(
        ge=0, le=1, description="An equivalence check below this ratio has failed."
    )
    vex_suppressing_states: tuple[VexState, ...] = Field(
        description="VEX states that take a match off the list (it is still reported)."
    )
    end_of_support: dict[Identifier, EndOfSupportEntry] = Field(default_factory=dict)
    distro_releases: dict[Identifier, dict[Identifier, Identifier]] = Field(
        default_factory=dict,
        description="Release codenames per distribution (debian: {bullseye: '11'}), so a purl "
        "qualifier distro=bullseye matches OSV's Debian:11.",
    )
    osv_ecosystems: tuple[Text, ...] = Field(
        min_length=1,
        description="Ecosystem names an OSV record's affected package may give (before any "
        "':RELEASE' suffix), as the OSV schema defines them; case-sensitive.",
    )
    archive_limits: ArchiveLimits
    max_sbom_bytes: StrictInt = Field(gt=0)
    max_osv_records: StrictInt = Field(gt=0)
    attention_severity: dict[AttentionReason, Level] = Field(
        description="How serious each reason a product version needs attention is: the "
        "assessment lists versions by their most serious reason, then by assets at risk."
    )

    @model_validator(mode="after")
    def _every_attention_reason(self) -> EvidenceRules:
        missing = [r for r in ATTENTION_REASONS if r not in self.attention_severity]
        if missing:
            raise ValueError(f"attention_severity lacks {', '.join(missing)}")
        return self
