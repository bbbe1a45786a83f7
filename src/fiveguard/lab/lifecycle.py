"""The lifecycle of a lab finding: which changes of state are allowed, and what each needs.

::

    open ──→ vendor-responded ──→ fixed (in version V) ──→ retested ──→ closed
      │              │  ↑              ↑                     │ (failed)
      │              │  └──────────────┼─────────────────────┘
      └──────────────┴──→ risk-accepted (who, why) ──→ open (reopened)

A finding is closed only after a retest that passed; a fix names the version that holds it,
which is not one of the affected versions; accepting the risk names who accepted it and
why. Every change is dated, never before the previous one. The history is the record: the
state on any date is the state after the last change made by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fiveguard.domain.lab import FindingEvent, FindingState, LabFinding

OPEN = FindingState.OPEN
RESPONDED = FindingState.VENDOR_RESPONDED
FIXED = FindingState.FIXED
RETESTED = FindingState.RETESTED
CLOSED = FindingState.CLOSED
ACCEPTED = FindingState.RISK_ACCEPTED

NEXT: dict[FindingState, tuple[FindingState, ...]] = {
    OPEN: (RESPONDED, FIXED, ACCEPTED),
    RESPONDED: (FIXED, ACCEPTED, OPEN),
    FIXED: (RETESTED,),
    RETESTED: (CLOSED, FIXED, RESPONDED, ACCEPTED),
    CLOSED: (),
    ACCEPTED: (OPEN,),
}
"""The states each state may change to (a failed retest leads back to a new fix, a vendor
response or an accepted risk; a passed one to closing)."""


def transition_problem(
    previous: FindingEvent | None, event: FindingEvent, affected: Sequence[str]
) -> str | None:
    """Why ``event`` cannot follow ``previous`` (None for the first change), or None."""
    detail = _detail_problem(event, affected)
    if detail is not None:
        return detail
    if previous is None:
        return None if event.state is OPEN else f"a finding starts open, not {event.state.value}"
    if event.date < previous.date:
        return f"dated {event.date}, before the previous change ({previous.date})"
    allowed = NEXT[previous.state]
    if event.state not in allowed:
        if previous.state is CLOSED:
            return "the finding is closed: nothing follows"
        return (
            f"{previous.state.value} cannot become {event.state.value}; it may become "
            + ", ".join(s.value for s in allowed)
        )
    if event.state is CLOSED and previous.retest_passed is not True:
        return "a finding is closed only after a retest that passed"
    if previous.state is RETESTED and previous.retest_passed is True and event.state is not CLOSED:
        return "the retest passed: the finding can only be closed now"
    return None


def _detail_problem(event: FindingEvent, affected: Sequence[str]) -> str | None:
    """What the state itself requires (or refuses) of an event."""
    state = event.state
    if (event.fixed_in is not None) != (state is FIXED):
        return "fixed_in names the version with the fix, and only a 'fixed' change has one"
    if state is FIXED and event.fixed_in in affected:
        return f"fixed in {event.fixed_in}, which is listed as affected"
    if (event.retest_passed is not None) != (state is RETESTED):
        return "retest_passed says whether a retest held, and only a 'retested' change has it"
    if state is ACCEPTED and (event.accepted_by is None or event.reason is None):
        return "accepting a risk names who accepted it (accepted_by) and why (reason)"
    if state is not ACCEPTED and (event.accepted_by is not None or event.reason is not None):
        return "accepted_by and reason belong to a 'risk-accepted' change"
    return None


def history_problems(finding: LabFinding) -> list[tuple[int, str]]:
    """Every change of the finding's history that breaks the lifecycle: (index, why)."""
    out = []
    previous: FindingEvent | None = None
    for index, event in enumerate(finding.history):
        problem = transition_problem(previous, event, finding.affected)
        if problem is not None:
            out.append((index, problem))
        previous = event
    if finding.history[0].date != finding.date:
        out.append((0, f"the first change is the finding's date, {finding.date}"))
    return out


def state_on(finding: LabFinding, day: dt.date) -> FindingState | None:
    """The finding's state on ``day``: after its last change made by then (None before
    it was found)."""
    state = None
    for event in finding.history:
        if event.date > day:
            break
        state = event.state
    return state


def fixed_in(finding: LabFinding, day: dt.date | None = None) -> str | None:
    """The version with the latest fix recorded (by ``day``, when given)."""
    version = None
    for event in finding.history:
        if day is not None and event.date > day:
            break
        if event.fixed_in is not None:
            version = event.fixed_in
    return version


def with_change(finding: LabFinding, event: FindingEvent) -> LabFinding:
    """The finding with ``event`` appended; ValueError saying why when it is not allowed."""
    problem = transition_problem(finding.history[-1], event, finding.affected)
    if problem is not None:
        raise ValueError(problem)
    return finding.model_copy(update={"history": (*finding.history, event)})
