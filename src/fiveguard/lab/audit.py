"""An engineering-practice audit: a review's findings grouped by area and compared with the
previous review's, the way an oversight board's annual report reads: how many findings,
of what priority, resolved or not, and what changed since last year.

A review sees the findings it reported and those of the reviews before it (``previous``,
followed back), each in its state on the review's date, so a finding raised last year and
still open this year is counted open in both. Severity is the priority: critical first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from fiveguard.domain.evidence import Severity
from fiveguard.domain.lab import FindingState, LabFinding, PracticeReview
from fiveguard.lab.lifecycle import state_on

PRIORITY = tuple(Severity)
"""Severities from the highest priority to the lowest."""
UNRESOLVED = frozenset(
    {FindingState.OPEN, FindingState.VENDOR_RESPONDED, FindingState.FIXED, FindingState.RETESTED}
)
"""States in which a finding still counts against the supplier: a fix not yet retested,
or retested but not yet closed, is not resolved."""
NO_AREA = "unassigned"


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class AreaCounts(_Result):
    """Findings of one area on one review's date."""

    raised: int = Field(description="Reported by this review.")
    unresolved: int = Field(description="Open, answered, fixed or retested: not closed.")
    resolved: int = Field(description="Closed after a retest that passed.")
    accepted: int = Field(description="Risk accepted.")
    unresolved_by_severity: dict[str, int] = Field(
        description="Unresolved findings per severity, highest first (zeros left out)."
    )


class AreaAudit(_Result):
    """One area: this review's counts, the previous review's, and what changed."""

    area: str
    now: AreaCounts
    before: AreaCounts | None = Field(description="Null without a previous review.")
    resolved_since: tuple[str, ...] = Field(
        default=(), description="Unresolved at the previous review, resolved now."
    )
    carried_over: tuple[str, ...] = Field(
        default=(), description="Unresolved at the previous review and still unresolved."
    )
    text: str


class Audit(_Result):
    """A review's findings by area, compared with the previous review."""

    review: str
    lab: str
    supplier: str
    period: str
    date: str
    previous: str | None
    previous_period: str | None
    assurance: str | None
    areas: tuple[AreaAudit, ...]
    totals: AreaCounts
    totals_before: AreaCounts | None
    text: str


def chain(review: PracticeReview, reviews: Mapping[str, PracticeReview]) -> list[PracticeReview]:
    """The review and those before it, newest first (a loop or a missing one ends it)."""
    out = [review]
    seen = {review.id}
    while out[-1].previous is not None and out[-1].previous in reviews:
        earlier = reviews[out[-1].previous]
        if earlier.id in seen:
            break
        seen.add(earlier.id)
        out.append(earlier)
    return out


def audit(
    review: PracticeReview,
    reviews: Mapping[str, PracticeReview],
    findings: Iterable[LabFinding],
) -> Audit:
    """The audit of ``review`` (``reviews``: every review by id, to follow ``previous``)."""
    history = chain(review, reviews)
    ids = {r.id for r in history}
    in_view = [f for f in findings if f.review in ids and f.date <= review.date]
    before = history[1] if len(history) > 1 else None
    earlier = [f for f in in_view if before is not None and f.review in {r.id for r in history[1:]}]
    areas = sorted(
        {f.area or NO_AREA for f in in_view} | set(review.areas),
        key=lambda a: (a == NO_AREA, a),
    )
    lines = [_area(area, review, before, in_view, earlier) for area in areas]
    totals = _counts(in_view, review)
    totals_before = _counts(earlier, before) if before is not None else None
    return Audit(
        review=review.id,
        lab=review.lab,
        supplier=review.supplier,
        period=review.period,
        date=review.date.isoformat(),
        previous=before.id if before else None,
        previous_period=before.period if before else None,
        assurance=review.assurance,
        areas=tuple(lines),
        totals=totals,
        totals_before=totals_before,
        text=_summary(review, before, totals, totals_before),
    )


def _area(
    area: str,
    review: PracticeReview,
    before: PracticeReview | None,
    in_view: Sequence[LabFinding],
    earlier: Sequence[LabFinding],
) -> AreaAudit:
    mine = [f for f in in_view if (f.area or NO_AREA) == area]
    now = _counts(mine, review)
    if before is None:
        return AreaAudit(area=area, now=now, before=None, text=_counts_text(now))
    old = [f for f in earlier if (f.area or NO_AREA) == area]
    then = _counts(old, before)
    was_open = [f for f in old if state_on(f, before.date) in UNRESOLVED]
    resolved = tuple(f.id for f in was_open if state_on(f, review.date) is FindingState.CLOSED)
    carried = tuple(f.id for f in was_open if state_on(f, review.date) in UNRESOLVED)
    text = (
        f"{_counts_text(now)} (previous review {before.period}: {then.unresolved} unresolved); "
        f"{len(resolved)} resolved since, {len(carried)} carried over"
    )
    return AreaAudit(
        area=area,
        now=now,
        before=then,
        resolved_since=resolved,
        carried_over=carried,
        text=text,
    )


def _counts(findings: Sequence[LabFinding], review: PracticeReview) -> AreaCounts:
    states = [(f, state_on(f, review.date)) for f in findings]
    unresolved = [f for f, s in states if s in UNRESOLVED]
    return AreaCounts(
        raised=sum(1 for f in findings if f.review == review.id),
        unresolved=len(unresolved),
        resolved=sum(1 for _, s in states if s is FindingState.CLOSED),
        accepted=sum(1 for _, s in states if s is FindingState.RISK_ACCEPTED),
        unresolved_by_severity={
            level.value: n
            for level in PRIORITY
            if (n := sum(1 for f in unresolved if f.severity is level))
        },
    )


def _counts_text(c: AreaCounts) -> str:
    severities = ", ".join(f"{n} {level}" for level, n in c.unresolved_by_severity.items())
    return (
        f"{c.raised} raised, {c.unresolved} unresolved"
        + (f" ({severities})" if severities else "")
        + f", {c.resolved} resolved, {c.accepted} risk accepted"
    )


def _summary(
    review: PracticeReview,
    before: PracticeReview | None,
    now: AreaCounts,
    then: AreaCounts | None,
) -> str:
    text = f"{review.title} ({review.period}): {_counts_text(now)}"
    if before is not None and then is not None:
        change = now.unresolved - then.unresolved
        if change:
            trend = f"{abs(change)} {'more' if change > 0 else 'fewer'} unresolved than"
        else:
            trend = "as many unresolved as"
        text += f"; {trend} at the {before.period} review ({then.unresolved})"
    if review.assurance is not None:
        text += f"; {review.assurance} assurance"
    return text
