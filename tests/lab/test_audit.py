"""The engineering-practice audit: findings by area, compared with last year's review."""

from __future__ import annotations

from fiveguard.lab.audit import audit
from lab_world import event, finding, review


def test_audit_groups_by_area_and_compares_with_the_previous_review() -> None:
    last = review("rev-2025", "2025-07-01", "2025", areas=("build-integrity",))
    this = review("rev-2026", "2026-07-01", "2026", previous="rev-2025")
    findings = [
        # raised in 2025, fixed and closed by 2026: resolved since
        finding(
            "f-build",
            event("2025-03-01", "open"),
            event("2025-09-01", "fixed", fixed_in="9.1"),
            event("2025-10-01", "retested", retest_passed=True),
            event("2025-10-02", "closed"),
            area="build-integrity",
            review="rev-2025",
        ),
        # raised in 2025, still open in 2026: carried over
        finding(
            "f-config", area="configuration-management", review="rev-2025", severity="critical"
        ),
        # raised in 2026
        finding(
            "f-new",
            event("2026-02-01", "open"),
            area="build-integrity",
            review="rev-2026",
            severity="medium",
        ),
        # raised after the review's date: not in view
        finding("f-late", event("2026-08-01", "open"), area="build-integrity", review="rev-2026"),
    ]
    reviews = {r.id: r for r in (last, this)}
    result = audit(this, reviews, findings)
    areas = {a.area: a for a in result.areas}
    build = areas["build-integrity"]
    assert (build.now.raised, build.now.unresolved, build.now.resolved) == (1, 1, 1)
    assert build.before is not None and build.before.unresolved == 1
    assert build.resolved_since == ("f-build",)
    config = areas["configuration-management"]
    assert config.carried_over == ("f-config",)
    assert config.now.unresolved_by_severity == {"critical": 1}
    assert result.totals.unresolved == 2 and result.totals_before is not None
    assert result.totals_before.unresolved == 2
    assert "as many unresolved as at the 2025 review (2)" in result.text
    assert result.previous == "rev-2025"


def test_first_review_has_nothing_to_compare() -> None:
    only = review("rev-2025", "2025-07-01", "2025", assurance="limited")
    result = audit(only, {only.id: only}, [finding("f-1", review="rev-2025", area="secure-coding")])
    assert result.previous is None and result.totals_before is None
    assert [a.before for a in result.areas] == [None]
    assert "limited assurance" in result.text
