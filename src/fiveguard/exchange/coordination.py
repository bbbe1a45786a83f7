"""The coordinated EU view's result types: what ``fiveguard coordinate`` writes as
coordination.json (schema: ``fiveguard schema coordination``) and shows in report.html.

Every cell carries the TLP label of the section it came from; the view carries the most
restrictive label of what it shows, and lists what it withheld and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from fiveguard.domain.base import Level
from fiveguard.domain.parties import Tlp
from fiveguard.simulate.results import CurvePoint


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InputBundle(_View):
    """One verified envelope the view was built from (or left aside)."""

    country: str
    origin: str
    bundle_id: str
    sequence: int
    issued_at: AwareDatetime
    as_of: dt.date
    tlp: Tlp
    section_tlp: dict[str, Tlp]
    signers: tuple[str, ...]
    payload_sha256: str
    used: bool
    note: str | None = None


class Withheld(_View):
    country: str
    section: str
    tlp: Tlp
    reason: str


# ---------------------------------------------------------------------------- suppliers


class FactorScore(_View):
    country: str
    score: Level | None = Field(description="After assurance evidence; null when unknown.")
    rationale: str | None
    tlp: Tlp


class FactorAcross(_View):
    """One factor of one supplier across the states that profile it."""

    factor: str
    criterion: str
    scores: tuple[FactorScore, ...]
    scored_by: int = Field(description="States with a score (unknown ones are not counted).")
    median: float | None = Field(description="Median on low=1, medium=2, high=3.")
    lowest: Level | None
    highest: Level | None
    steps_apart: int | None = Field(description="Highest minus lowest, in steps of the scale.")
    disagreement: bool = Field(description="States two or more steps apart (low against high).")


class StateProfile(_View):
    country: str
    ref: str = Field(description="The supplier's id in that state's model.")
    name: str
    profile: str
    tlp: Tlp


class SupplierAcross(_View):
    """One supplier, joined across states on a canonical id."""

    key: str = Field(description="lei:LEI, registry:ID, a mapping file's key, or name:NAME.")
    name: str
    lei: str | None
    registry_id: str | None
    joined_by: Literal["lei", "registry_id", "mapping", "name"]
    states: tuple[StateProfile, ...]
    profiled_high_by: int
    factors: tuple[FactorAcross, ...]


class NameMismatch(_View):
    """Suppliers joined on one key whose names differ between states, or suppliers known
    only by their name: the analyst checks them, and a mapping file can join them."""

    key: str
    names: tuple[str, ...] = Field(description="COUNTRY: name (ref), for each state.")
    problem: str


# ---------------------------------------------------------------------------- matrices


class RiskCell(_View):
    risk: str
    level: Level | None = Field(description="Null when the state's register is withheld.")
    residual: Level | None
    tlp: Tlp | None


class RiskRow(_View):
    country: str
    cells: tuple[RiskCell, ...]


class MeasureCell(_View):
    measure: str
    status: str = Field(
        description="The state's status; 'not reported' when its summary records nothing for "
        "the measure (distinct from not-started), 'withheld' when its label hides it."
    )
    since: dt.date | None
    evidence_count: int | None
    tlp: Tlp | None


class MeasureRow(_View):
    country: str
    cells: tuple[MeasureCell, ...]


class MeasureCount(_View):
    """States per status for one measure, in the progress reports' style."""

    measure: str
    title: str
    category: str
    counts: dict[str, int]


class MeasureInfo(_View):
    measure: str
    title: str
    category: str


class RiskInfo(_View):
    risk: str
    title: str


# ---------------------------------------------------------------------------- shares


class EuShare(_View):
    key: str
    name: str
    quantity: float
    share: float


class EuDomainShares(_View):
    """EU-wide supplier shares and HHI of one domain, by one weight, over the states."""

    group: str
    title: str
    weight: Literal["sites", "population", "assets"]
    states: tuple[str, ...]
    total: float
    hhi: float | None
    shares: tuple[EuShare, ...]
    tlp: Tlp


class StateImpact(_View):
    country: str
    people_without_service: int
    people_unable_to_reach_emergency: int | None = Field(
        description="As the state's summary gives it for the fault; null when it gives none "
        "(not reported: the summary predates the figure, or an earlier version of the "
        "export gave it only for the faults the assessment cites), never read as 0."
    )
    sites_down: int
    tlp: Tlp


class FigureAcross(_View):
    """One figure of a fault across the states deploying it: its median and range over
    the states whose summary gives it. A state that gives none is listed as not reported,
    never counted as 0."""

    figure: str = Field(
        description="people_without_service, sites_down, people_unable_to_reach_emergency, "
        "people_partial_service, hours, user_hours, or service:ID (people losing that "
        "service)."
    )
    title: str = Field(description="The figure in words.")
    values: dict[str, int | float] = Field(
        description="Per state reporting it (country → value); the states not reporting it "
        "are not here."
    )
    reported_by: int = Field(ge=0, description="States whose summary gives the figure.")
    not_reported: tuple[str, ...] = Field(
        description="States deploying it whose summary gives no such figure for the fault "
        "(unknown, not 0)."
    )
    median: int | float | None = Field(description="Over the states reporting it; null when none.")
    lowest: int | float | None
    highest: int | float | None

    def text(self) -> str:
        """``people without service: median 200, range 100–300, 3 of 3 states``; the
        states not reporting it named."""
        states = self.reported_by + len(self.not_reported)
        if self.median is None or self.lowest is None or self.highest is None:
            return f"{self.title}: not reported by any of the {states} states"
        return (
            f"{self.title}: median {_number(self.median)}, range {_number(self.lowest)}–"
            f"{_number(self.highest)}, {self.reported_by} of {states} states"
            + (f" (not reported: {', '.join(self.not_reported)})" if self.not_reported else "")
        )


def _number(value: int | float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"


class CommonMode(_View):
    """One supplier's or product version's fault, summed over the states deploying it."""

    kind: Literal["supplier", "version"]
    key: str
    supplier: str
    product: str | None
    version: str | None
    people_without_service: int
    people_unable_to_reach_emergency: int | None = Field(
        description="Summed over the states that report it; null when none does. The states "
        "in emergency_not_reported are not in the sum: their figure is unknown, not 0."
    )
    emergency_not_reported: tuple[str, ...] = Field(
        description="States deploying it whose summary gives no figure of people unable to "
        "reach emergency services for this fault."
    )
    sites_down: int
    states_deploying: int
    states_hit: int = Field(description="States where the fault leaves people without service.")
    by_state: tuple[StateImpact, ...]
    across: tuple[FigureAcross, ...] = Field(
        default=(),
        description="Each figure of the fault per state: median and range over the states "
        "that report it, and which do not; empty for a fault deployed in one state (its "
        "by_state row and the state's summary give its figures).",
    )
    tlp: Tlp


class FederatedState(_View):
    """One state's part of the federated Monte Carlo."""

    country: str
    mean_people_without_service: float = Field(description="Per simulated year.")
    years_hit: float = Field(
        description="Share of the years in which a cross-border event took down or "
        "compromised an asset of the state."
    )
    tlp: Tlp


class FederatedImpact(_View):
    """One impact summed over the states, per simulated year."""

    impact: str
    mean: float
    p50: int
    p95: int
    p99: int
    max: int


class StatesHitPoint(_View):
    states: int
    probability: float = Field(
        description="Share of the years in which exactly this many states were hit."
    )
    if_independent: float = Field(
        description="The same, were the states' years independent, each hit in its own "
        "share of the years: against it shows what the correlation of cross-border events "
        "does (more years with no state hit, and more with all of them)."
    )


class FederatedView(_View):
    """The federated Monte Carlo: the cross-border sources' impacts of every state, summed
    trial by trial, so a supplier event hitting several states in one year counts once
    with all its consequences."""

    trials: int
    seed: int
    scheme: str
    states: tuple[FederatedState, ...]
    not_included: tuple[Withheld, ...] = Field(
        description="States whose vectors are not in the sum, and why: their impacts are "
        "unknown, not zero."
    )
    impacts: tuple[FederatedImpact, ...]
    states_hit: tuple[StatesHitPoint, ...]
    mean_states_hit: float
    two_or_more: float = Field(description="Share of the years hitting two or more states.")
    two_or_more_if_independent: float = Field(
        description="The same, were the states' years independent (see StatesHitPoint)."
    )
    exceedance_curve: tuple[CurvePoint, ...]
    tlp: Tlp


class HighProfile(_View):
    key: str
    name: str
    states: tuple[str, ...]


# ---------------------------------------------------------------------------- the whole


class Coordination(_View):
    """The coordinated view of the national summaries given."""

    format: Literal[1] = 1
    generated_at: AwareDatetime
    coordinator: str
    audience: tuple[str, ...] = Field(description="Who may be shown this view.")
    tlp: Tlp = Field(description="The most restrictive label of what the view shows.")
    inputs: tuple[InputBundle, ...]
    withheld: tuple[Withheld, ...]
    countries: tuple[str, ...]
    suppliers: tuple[SupplierAcross, ...]
    name_checks: tuple[NameMismatch, ...]
    high_threshold: int = Field(description="k: suppliers profiled high by at least k states.")
    high_by_k: tuple[HighProfile, ...]
    risks: tuple[RiskInfo, ...]
    risk_matrix: tuple[RiskRow, ...]
    measures: tuple[MeasureInfo, ...]
    measure_matrix: tuple[MeasureRow, ...]
    measure_counts: tuple[MeasureCount, ...]
    shares: tuple[EuDomainShares, ...]
    common_mode: tuple[CommonMode, ...]
    federated: FederatedView | None = Field(
        default=None, description="Null when no state's summary carries a federated section."
    )
    method: tuple[str, ...] = Field(description="How each part was computed, in words.")
