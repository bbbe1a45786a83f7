"""The finding lifecycle: allowed changes, what each needs, and the state on a date."""

from __future__ import annotations

import pytest

from fiveguard.domain.lab import FindingState
from fiveguard.lab.lifecycle import fixed_in, history_problems, state_on, with_change
from lab_world import day, event, finding


def test_a_finding_goes_from_open_to_closed_through_a_retest() -> None:
    f = finding()
    for change in (
        event("2025-04-01", "vendor-responded", by="vendor", note="fix planned for 9.1"),
        event("2025-06-01", "fixed", fixed_in="9.1"),
        event("2025-07-01", "retested", retest_passed=True),
        event("2025-07-02", "closed"),
    ):
        f = with_change(f, change)
    assert f.state is FindingState.CLOSED
    assert history_problems(f) == []
    assert state_on(f, day("2025-06-15")) is FindingState.FIXED
    assert state_on(f, day("2025-02-01")) is None
    assert fixed_in(f) == "9.1"
    assert fixed_in(f, day("2025-05-01")) is None


def test_an_unretested_finding_cannot_be_closed() -> None:
    f = with_change(finding(), event("2025-06-01", "fixed", fixed_in="9.1"))
    with pytest.raises(ValueError, match="fixed cannot become closed"):
        with_change(f, event("2025-06-02", "closed"))


def test_a_failed_retest_does_not_close() -> None:
    f = with_change(finding(), event("2025-06-01", "fixed", fixed_in="9.1"))
    f = with_change(f, event("2025-07-01", "retested", retest_passed=False))
    with pytest.raises(ValueError, match="closed only after a retest that passed"):
        with_change(f, event("2025-07-02", "closed"))
    again = with_change(f, event("2025-08-01", "fixed", fixed_in="9.1"))
    assert again.state is FindingState.FIXED


def test_a_passed_retest_leads_only_to_closing() -> None:
    f = with_change(finding(), event("2025-06-01", "fixed", fixed_in="9.1"))
    f = with_change(f, event("2025-07-01", "retested", retest_passed=True))
    with pytest.raises(ValueError, match="can only be closed"):
        with_change(f, event("2025-07-02", "vendor-responded"))


def test_a_fix_names_a_version_that_is_not_affected() -> None:
    with pytest.raises(ValueError, match="listed as affected"):
        with_change(finding(), event("2025-06-01", "fixed", fixed_in="8.2"))
    with pytest.raises(ValueError, match="fixed_in"):
        with_change(finding(), event("2025-06-01", "fixed"))


def test_accepting_a_risk_names_who_and_why() -> None:
    with pytest.raises(ValueError, match="accepted_by"):
        with_change(finding(), event("2025-06-01", "risk-accepted", accepted_by="CISO"))
    f = with_change(
        finding(),
        event("2025-06-01", "risk-accepted", accepted_by="Operator CISO", reason="isolated"),
    )
    assert f.state is FindingState.RISK_ACCEPTED
    reopened = with_change(f, event("2026-01-01", "open", note="no longer isolated"))
    assert reopened.state is FindingState.OPEN


def test_changes_are_dated_in_order_and_closed_is_final() -> None:
    with pytest.raises(ValueError, match="before the previous change"):
        with_change(finding(), event("2025-01-01", "vendor-responded"))
    f = finding(
        "f-2",
        event("2025-03-01", "open"),
        event("2025-04-01", "fixed", fixed_in="9.1"),
        event("2025-05-01", "retested", retest_passed=True),
        event("2025-05-02", "closed"),
    )
    with pytest.raises(ValueError, match="closed: nothing follows"):
        with_change(f, event("2025-06-01", "open"))


def test_a_written_history_is_checked_change_by_change() -> None:
    f = finding(
        "f-3",
        event("2025-03-01", "fixed", fixed_in="9.1"),
        event("2025-04-01", "closed"),
    )
    problems = dict(history_problems(f))
    assert "starts open" in problems[0]
    assert "closed only after a retest" in problems[1] or "cannot become closed" in problems[1]
