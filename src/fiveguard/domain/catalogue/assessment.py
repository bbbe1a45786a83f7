"""Assessment rule types: the rules fiveguard.assess applies, as catalogue data.

How a supplier's overall profile follows from its factors, how assurance evidence moves
product quality, supplier diversity, the risk register's named rules, the risk matrix and
how measures lower residual risk.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from fiveguard.domain.base import Frozen, Identifier, Level, Text
from fiveguard.domain.catalogue.policies import RuleTargets
from fiveguard.domain.catalogue.reference import MeasureCategory
from fiveguard.domain.network import PROFILE_FACTORS


class ProfileCondition(Frozen):
    """Holds when at least ``at_least`` of ``factors`` are at ``level`` or above."""

    factors: tuple[Identifier, ...] = Field(min_length=1)
    at_least: StrictInt = Field(ge=1)
    level: Level

    @model_validator(mode="after")
    def _reachable(self) -> ProfileCondition:
        unknown = [f for f in self.factors if f not in PROFILE_FACTORS]
        if unknown:
            raise ValueError(
                f"unknown factor(s) {', '.join(unknown)}; a profile has: "
                + ", ".join(PROFILE_FACTORS)
            )
        if self.at_least > len(self.factors):
            raise ValueError(f"at_least is {self.at_least} but only {len(self.factors)} factors")
        return self


class ProfileStep(Frozen):
    """One step of a profile rule: when its condition holds, the profile is ``profile``."""

    id: Identifier
    text: Text
    when: ProfileCondition
    profile: Level


class ProfileRule(Frozen):
    """How a supplier's overall profile follows from its six factors.

    Steps are tried in order and the first whose condition holds decides; when none
    holds the profile is ``otherwise``. A factor not scored is unknown: the rule is
    evaluated with it at its lowest and at its highest possible level, and when the two
    results differ the profile is reported as unknown, between those bounds.
    """

    id: Identifier
    text: Text
    source: Text
    steps: tuple[ProfileStep, ...] = Field(min_length=1)
    otherwise: Level = Level.LOW


class SignalDirection(StrEnum):
    """Which way an assurance signal moves the product-quality factor."""

    RAISE = "raise"
    LOWER = "lower"
    NONE = "none"


ASSURANCE_SIGNAL_KINDS: tuple[str, ...] = (
    "evaluation-passed",
    "evaluation-passed-with-findings",
    "evaluation-failed",
    "evaluation-expired",
    "certificate-valid",
    "certificate-expired",
    "certificate-not-yet-valid",
    "process-certificate-valid",
    "process-certificate-expired",
    "evaluation-not-yet-valid",
    "finding-open-critical",
    "finding-open-high",
    "finding-open-medium",
    "finding-open-low",
    "finding-open-advisory",
    "equivalence-confirmed",
    "equivalence-failed",
    "assurance-full",
    "assurance-reasonable",
    "assurance-limited",
    "assurance-none",
    "vulnerable-component-critical",
    "vulnerable-component-high",
    "vulnerable-component-medium",
    "vulnerable-component-low",
    "vulnerable-component-advisory",
    "component-end-of-support",
)
"""Signal kinds the assessment derives from evidence records; the catalogue must give
each a direction. Findings and vulnerable components give a signal only at the severities
``evidence_rules`` alerts on (``finding_alert_severities``, ``vulnerable_min_severity``).
Other sources may add kinds of their own."""


class SignalKind(Frozen):
    """A kind of assurance signal and the direction it moves product quality."""

    id: Identifier
    direction: SignalDirection
    text: Text


class AssuranceSignalRules(Frozen):
    """How assurance evidence moves a supplier's product-quality factor."""

    text: Text
    signals: dict[Identifier, SignalKind]
    raise_steps: StrictInt = Field(default=1, ge=0, le=2)
    lower_steps: StrictInt = Field(default=1, ge=0, le=2)
    lower_needs_every_version: StrictBool = Field(
        default=True,
        description="Lower only when lowering evidence covers every deployed product version.",
    )

    @model_validator(mode="after")
    def _kinds_present(self) -> AssuranceSignalRules:
        missing = [k for k in ASSURANCE_SIGNAL_KINDS if k not in self.signals]
        if missing:
            raise ValueError(f"missing signal kind(s): {', '.join(missing)}")
        return self


class HhiBands(Frozen):
    """Bands of the Herfindahl–Hirschman index (0–10,000) and where they come from, in the
    2010 guidelines' wording: unconcentrated below ``moderate_from``, moderately
    concentrated from it up to ``high_above`` inclusive, highly concentrated above."""

    moderate_from: StrictFloat = Field(ge=0, le=10_000)
    high_above: StrictFloat = Field(ge=0, le=10_000)
    source: Text

    @model_validator(mode="after")
    def _ordered(self) -> HhiBands:
        if self.high_above < self.moderate_from:
            raise ValueError("high_above is below moderate_from")
        return self


ShareWeight = Literal["sites", "population", "assets"]


class DiversityGroup(Frozen):
    """A part of the network whose supplier shares are measured."""

    id: Identifier
    title: Text
    targets: RuleTargets
    weights: tuple[ShareWeight, ...] = Field(min_length=1)
    by_kind: StrictBool = Field(default=False, description="Also measure each asset kind apart.")
    single_supplier_check: StrictBool = True


class CommonModeRule(Frozen):
    """Redundancy groups (requires ``any:``) whose members all run one product version."""

    id: Identifier
    text: Text
    min_members: StrictInt = Field(default=2, ge=2, description="Smaller groups are not checked.")
    likelihood: Level = Field(
        default=Level.MEDIUM,
        description="R4 (supplier-concentration) likelihood is at least this in a scope "
        "with such a group.",
    )


class DiversityRules(Frozen):
    """Supplier diversity: the groups measured, HHI bands, nation-wide concentration,
    redundancy groups on one version."""

    text: Text
    hhi: HhiBands
    national_concentration: StrictFloat = Field(
        gt=0, le=1, description="One supplier's national share above this is reported."
    )
    groups: tuple[DiversityGroup, ...] = Field(min_length=1)
    common_mode: CommonModeRule


RISK_RULE_PARAMETERS: dict[str, frozenset[str]] = {
    "constant": frozenset({"level"}),
    "version-count": frozenset({"medium_at", "high_at"}),
    "missing-measures": frozenset({"measures", "medium_at", "high_at"}),
    "supplier-product-quality": frozenset({"min_share"}),
    "supplier-concentration": frozenset({"medium_at", "high_at"}),
    "high-profile-key-assets": frozenset(),
    "exposed-function-findings": frozenset({"tags", "level"}),
    "critical-service-suppliers": frozenset({"basis"}),
    "battery-autonomy": frozenset({"hours", "medium_at", "high_at"}),
    "population-share": frozenset({"medium_at", "high_at"}),
    "exposed-population": frozenset({"basis", "medium_at", "high_at"}),
    "largest-supplier-population": frozenset({"medium_at", "high_at"}),
    "subscriber-share": frozenset({"medium_at", "high_at"}),
    "critical-services": frozenset({"medium_at", "high_at"}),
    "short-autonomy-population": frozenset({"hours", "medium_at", "high_at"}),
}
"""The named rules the register can use, each with the parameters it needs."""


class LevelRule(Frozen):
    """A named rule deriving a likelihood or an impact from the model, with parameters.

    ``medium_at``/``high_at`` are thresholds: a measured value at or above ``high_at``
    gives high, at or above ``medium_at`` medium, else low. ``national`` says how the
    national entry is formed: from the whole country's assets at once (``pooled``), or as
    the highest level of any operator (``worst-operator``).
    """

    rule: Identifier
    text: Text
    national: Literal["pooled", "worst-operator"] = "worst-operator"
    level: Level | None = None
    medium_at: StrictFloat | None = Field(default=None, ge=0)
    high_at: StrictFloat | None = Field(default=None, ge=0)
    measures: tuple[Identifier, ...] = ()
    min_share: StrictFloat | None = Field(default=None, ge=0, le=1)
    tags: tuple[Identifier, ...] = ()
    hours: StrictFloat | None = Field(default=None, ge=0)
    basis: Literal["profile", "product_quality"] | None = None

    @model_validator(mode="after")
    def _parameters(self) -> LevelRule:
        needed = RISK_RULE_PARAMETERS.get(self.rule)
        if needed is None:
            raise ValueError(
                f"unknown rule {self.rule!r}; known rules: {', '.join(RISK_RULE_PARAMETERS)}"
            )
        given = {name for name in _RULE_PARAMETER_NAMES if getattr(self, name) not in (None, ())}
        missing = sorted(needed - given)
        extra = sorted(given - needed)
        if missing:
            raise ValueError(f"rule {self.rule!r} needs {', '.join(missing)}")
        if extra:
            raise ValueError(f"rule {self.rule!r} does not use {', '.join(extra)}")
        low, high = self.medium_at, self.high_at
        if low is not None and high is not None and high < low:
            raise ValueError("high_at is below medium_at")
        return self


_RULE_PARAMETER_NAMES: tuple[str, ...] = (
    "level",
    "medium_at",
    "high_at",
    "measures",
    "min_share",
    "tags",
    "hours",
    "basis",
)


class RiskRules(Frozen):
    """The rules giving one risk's likelihood and impact."""

    likelihood: LevelRule
    impact: LevelRule


class ScaleLevel(Frozen):
    """What a level means on the likelihood and on the impact scale."""

    level: Level
    likelihood: Text
    impact: Text


class RiskMatrix(Frozen):
    """Risk level for each likelihood (outer key) and impact (inner key)."""

    text: Text
    cells: dict[Level, dict[Level, Level]]

    @model_validator(mode="after")
    def _complete(self) -> RiskMatrix:
        for likelihood in Level:
            row = self.cells.get(likelihood)
            if row is None or any(impact not in row for impact in Level):
                raise ValueError(f"likelihood {likelihood.value} needs low, medium and high")
        return self

    def level(self, likelihood: Level, impact: Level) -> Level:
        return self.cells[likelihood][impact]


class ResidualStep(Frozen):
    """From this share of called-for measures in place, likelihood drops by ``lower_by``."""

    min_coverage: StrictFloat = Field(gt=0, le=1)
    lower_by: StrictInt = Field(ge=1, le=2)


class ResidualRule(Frozen):
    """How the measures in place lower a risk's likelihood to give its residual level."""

    text: Text
    credit: dict[Identifier, StrictFloat] = Field(
        description="Credit per measure status (not-applicable measures are left out)."
    )
    steps: tuple[ResidualStep, ...]


HeadlineKind = Literal[
    "supplier-high-profile",
    "supplier-unknown-profile",
    "product-quality-moved",
    "assurance-attention",
    "violation",
    "in-transition",
    "unresolved",
    "single-supplier",
    "national-concentration",
    "common-mode-version",
    "high-residual-risk",
]
HEADLINE_KINDS: tuple[str, ...] = get_args(HeadlineKind)
"""The kinds of headline finding the summary lists."""


class AssessmentRules(Frozen):
    """Everything the assessment decides by rule, as data a catalogue override can change."""

    default_policy: Identifier | None = Field(
        default=None, description="Preset used when no policy is chosen (fiveguard demo, assess)."
    )
    profile: ProfileRule
    assurance: AssuranceSignalRules
    diversity: DiversityRules
    scale: tuple[ScaleLevel, ...] = Field(min_length=3, max_length=3)
    matrix: RiskMatrix
    risks: dict[Identifier, RiskRules]
    residual: ResidualRule
    measure_scope: dict[MeasureCategory, Literal["national", "operator"]]
    controls_target_level: StrictInt = Field(ge=1, le=3)
    sample_size: StrictInt = Field(
        ge=1, le=1000, description="Asset ids listed per violation; the rest are counted."
    )
    headline_severity: dict[HeadlineKind, Level] = Field(
        description="Severity of each kind of headline finding in the summary."
    )

    @model_validator(mode="after")
    def _every_headline_kind(self) -> AssessmentRules:
        missing = [k for k in HEADLINE_KINDS if k not in self.headline_severity]
        if missing:
            raise ValueError(f"headline_severity lacks {', '.join(missing)}")
        return self
