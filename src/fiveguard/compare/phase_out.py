"""The phase-out of high-risk suppliers: how fast what a rule forbids is removed, and
whether that pace meets the rule's deadline.

For each policy finding (rule, operator, suppliers) on either side, ``remaining`` is what
is left to remove: the assets breaking an exclusion, or the radio sites (or people) above
a cap. The pace is the change between the two assessment dates, taken as a straight line;
at that pace the remainder reaches zero on the projected date, which is compared with the
deadline. Two points make a line and nothing more: the projection says where the trend
leads, not what operators plan.
"""

from __future__ import annotations

import datetime as dt

from fiveguard.assess.results import Assessment, Violation
from fiveguard.compare.results import PhaseOut

YEAR_DAYS = 365
MAX_PROJECTION_YEARS = 100
"""A pace that needs longer than this to finish is reported as behind with no date."""


def _key(v: Violation) -> tuple[str, str | None, tuple[str, ...]]:
    return (v.rule, v.operator, tuple(sorted(v.suppliers)))


def remaining(v: Violation) -> tuple[int, str]:
    """What is left to remove for a finding, and its unit."""
    if v.type == "cap" and v.excess is not None:
        return v.excess, "radio sites" if v.measure == "sites" else "people"
    return v.asset_count, "assets"


def phase_out(old: Assessment, new: Assessment) -> tuple[PhaseOut, ...]:
    """Progress per policy finding found on either date, findings with a deadline first."""
    before = {_key(v): v for v in old.violations.violations}
    after = {_key(v): v for v in new.violations.violations}
    start, end = old.metadata.model.as_of, new.metadata.model.as_of
    days = (end - start).days
    out = []
    for key in dict.fromkeys([*before, *after]):
        o, n = before.get(key), after.get(key)
        source = n or o
        assert source is not None
        was, unit = remaining(o) if o else (0, remaining(source)[1])
        now = remaining(n)[0] if n else 0
        deadline = (n.deadline if n else None) or (o.deadline if o else None)
        rate = (was - now) / days * YEAR_DAYS if days > 0 else None
        projected = _projected(end, now, was - now, days)
        status = _status(was, now, deadline, end, projected, days)
        out.append(
            PhaseOut(
                rule=key[0],
                operator=key[1],
                suppliers=key[2],
                unit=unit,
                deadline=deadline,
                old_remaining=was,
                new_remaining=now,
                removed_per_year=rate,
                projected=projected,
                status=status,
                text=_text(key, unit, was, now, deadline, projected, status, start, end),
            )
        )
    return tuple(sorted(out, key=lambda p: (p.deadline is None, p.deadline or end, p.rule)))


def _projected(end: dt.date, now: int, removed: int, days: int) -> dt.date | None:
    if now == 0 or removed <= 0 or days <= 0:
        return None
    needed = -(-now * days // removed)  # whole days, rounded up: done by that day
    if needed > MAX_PROJECTION_YEARS * YEAR_DAYS:
        return None
    return end + dt.timedelta(days=needed)


def _status(
    was: int,
    now: int,
    deadline: dt.date | None,
    end: dt.date,
    projected: dt.date | None,
    days: int,
) -> str:
    if now == 0:
        return "done"
    if deadline is not None and deadline < end:
        return "overdue"
    if now > was:
        return "growing"
    if now == was or days <= 0:
        return "no-progress"
    if deadline is None:
        return "no-deadline"
    return "on-track" if projected is not None and projected <= deadline else "behind"


def _text(
    key: tuple[str, str | None, tuple[str, ...]],
    unit: str,
    was: int,
    now: int,
    deadline: dt.date | None,
    projected: dt.date | None,
    status: str,
    start: dt.date,
    end: dt.date,
) -> str:
    rule, operator, suppliers = key
    head = (
        f"{rule}, {', '.join(suppliers)} in {operator or 'the country'}: {unit} to remove "
        f"{was:,} on {start}, {now:,} on {end}"
    )
    due = f"deadline {deadline}" if deadline else "no deadline"
    tail = {
        "done": "done",
        "overdue": f"{due} passed with {now:,} left",
        "growing": f"growing; {due}",
        "no-progress": f"no progress; {due}",
        "no-deadline": f"at this pace done by {projected}" if projected else "no deadline",
        "on-track": f"at this pace done by {projected}, before the {due}",
        "behind": (
            f"at this pace done by {projected}, after the {due}"
            if projected
            else f"at this pace not done within {MAX_PROJECTION_YEARS} years; {due}"
        ),
    }[status]
    return f"{head}: {tail}."
