"""Compare two assessments of one country: a pure function of the two documents.

Findings are matched by what they are about, never by position: a policy finding by its
rule, operator and suppliers; a measure by its id and scope; a register entry by risk and
scope; a share by group, weight, scope and supplier.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fiveguard.assess.results import Assessment, Violation
from fiveguard.compare.phase_out import phase_out
from fiveguard.compare.results import (
    AssessmentRef,
    Comparison,
    MeasureChange,
    RiskChange,
    ShareMove,
    SupplierFootprint,
    ViolationChange,
)
from fiveguard.domain.parties import Tlp, most_restrictive

LEVELS = {"low": 0, "medium": 1, "high": 2}
MEASURE_PROGRESS = {"not-started": 0, "planned": 1, "in-progress": 2, "implemented": 3}
"""Measure statuses in the order of progress; 'not-applicable' and 'unrecorded' stand apart."""
SHARE_MOVE = 0.005
"""Share moves below half a percentage point are left out: they round away at 1 %."""
STATUS_WEIGHT = {"violation": 2, "in-transition": 1, "unresolved": 1}

ViolationKey = tuple[str, str | None, tuple[str, ...]]


class ComparisonError(ValueError):
    """The two assessments cannot be compared (another country, or in the wrong order)."""


def compare_assessments(old: Assessment, new: Assessment) -> Comparison:
    """What changed from ``old`` to ``new``; raises :class:`ComparisonError` when they are
    of different countries or ``new`` is dated before ``old``."""
    o, n = old.metadata.model, new.metadata.model
    if o.country != n.country:
        raise ComparisonError(
            f"the assessments are of different countries ({o.country} and {n.country}); "
            "compare two assessments of one country"
        )
    if n.as_of < o.as_of:
        raise ComparisonError(
            f"NEW is dated {n.as_of}, before OLD ({o.as_of}); give the older assessment first"
        )
    violations = _violations(old, new)
    progress = phase_out(old, new)
    measures = _measures(old, new)
    risks = _risks(old, new)
    comparison = Comparison(
        old=_ref(old),
        new=_ref(new),
        days=(n.as_of - o.as_of).days,
        marking=_marking(old, new),
        headlines=(),
        violations=violations,
        phase_out=progress,
        high_risk_suppliers=_footprints(old, new),
        measures=measures,
        risks=risks,
        shares=_shares(old, new),
        notes=_notes(old, new),
    )
    return comparison.model_copy(update={"headlines": _headlines(comparison)})


def _ref(a: Assessment) -> AssessmentRef:
    m = a.metadata
    model = next((f.sha256 for f in m.inputs if f.role == "model"), None)
    return AssessmentRef(
        name=m.model.name,
        country=m.model.country,
        as_of=m.model.as_of,
        policy=m.policy,
        fiveguard_version=m.fiveguard_version,
        marking=m.marking.text,
        model_sha256=model,
    )


def _marking(old: Assessment, new: Assessment) -> str:
    """The more restrictive TLP label of the two, and every classification either has."""
    labels = [Tlp(x.metadata.marking.tlp) for x in (old, new) if x.metadata.marking.tlp]
    parts = [most_restrictive(labels).marking] if labels else []
    parts += list(
        dict.fromkeys(
            c
            for c in (old.metadata.marking.classification, new.metadata.marking.classification)
            if c
        )
    )
    return " · ".join(parts) or "NOT MARKED"


def _notes(old: Assessment, new: Assessment) -> tuple[str, ...]:
    notes = []
    if old.metadata.policy != new.metadata.policy:
        notes.append(
            f"The policies differ (OLD {old.metadata.policy or 'none'}, NEW "
            f"{new.metadata.policy or 'none'}): policy findings are compared as found."
        )
    if old.metadata.catalogue_digest != new.metadata.catalogue_digest:
        notes.append(
            "The catalogues differ (see each side's digest): a change may come from the "
            "catalogue's rules rather than the networks."
        )
    return tuple(notes)


# ---------------------------------------------------------------------------- violations


def violation_key(v: Violation) -> ViolationKey:
    """What a policy finding is about: rule, operator, suppliers."""
    return (v.rule, v.operator, tuple(sorted(v.suppliers)))


def _violations(old: Assessment, new: Assessment) -> tuple[ViolationChange, ...]:
    before = {violation_key(v): v for v in old.violations.violations}
    after = {violation_key(v): v for v in new.violations.violations}
    out = []
    for key in dict.fromkeys([*after, *before]):
        o, n = before.get(key), after.get(key)
        rule, operator, suppliers = key
        where = operator or "the country"
        who = ", ".join(suppliers)
        if n is None and o is not None:
            change, text = "resolved", f"{rule}: {who} in {where} no longer breaks it"
        elif o is None and n is not None:
            change, text = "new", f"{rule}: {who} in {where} now {_status_words(n)}"
        elif o is not None and n is not None:
            change = _direction(o, n)
            text = (
                f"{rule}: {who} in {where} {_status_words(n)} "
                f"({o.asset_count:,} → {n.asset_count:,} assets, "
                f"{o.people_depending:,} → {n.people_depending:,} people depending)"
            )
        else:  # pragma: no cover - a key comes from one side at least
            continue
        out.append(
            ViolationChange(
                rule=rule,
                operator=operator,
                suppliers=suppliers,
                change=change,
                old_status=o.status if o else None,
                new_status=n.status if n else None,
                old_people=o.people_depending if o else 0,
                new_people=n.people_depending if n else 0,
                old_assets=o.asset_count if o else 0,
                new_assets=n.asset_count if n else 0,
                text=text,
            )
        )
    order = {"new": 0, "worse": 1, "unchanged": 2, "better": 3, "resolved": 4}
    return tuple(sorted(out, key=lambda c: order[c.change]))


def _status_words(v: Violation) -> str:
    return {
        "violation": "violates it",
        "in-transition": f"is in transition (deadline {v.deadline})",
    }.get(v.status, "is unresolved")


def _direction(o: Violation, n: Violation) -> str:
    was = (STATUS_WEIGHT[o.status], o.asset_count, o.people_depending)
    now = (STATUS_WEIGHT[n.status], n.asset_count, n.people_depending)
    if now == was:
        return "unchanged"
    return "worse" if now > was else "better"


# ---------------------------------------------------------------------------- the rest


def _footprints(old: Assessment, new: Assessment) -> tuple[SupplierFootprint, ...]:
    before = {s.id: s for s in old.suppliers}
    after = {s.id: s for s in new.suppliers}
    out = []
    for ident in dict.fromkeys([*after, *before]):
        o, n = before.get(ident), after.get(ident)
        if "high" not in (o.profile if o else None, n.profile if n else None):
            continue
        named = n or o
        assert named is not None
        out.append(
            SupplierFootprint(
                supplier=ident,
                name=named.name,
                old_profile=o.profile if o else None,
                new_profile=n.profile if n else None,
                old_assets=o.footprint.assets if o else 0,
                new_assets=n.footprint.assets if n else 0,
                old_radio_sites=o.footprint.radio_sites if o else 0,
                new_radio_sites=n.footprint.radio_sites if n else 0,
            )
        )
    return tuple(out)


def _measures(old: Assessment, new: Assessment) -> tuple[MeasureChange, ...]:
    def statuses(a: Assessment) -> dict[tuple[str, str], tuple[str, str]]:
        return {
            (row.measure, scope): (status, row.title)
            for row in a.gaps.rows
            for scope, status in zip(a.gaps.scopes, row.statuses, strict=True)
        }

    before, after = statuses(old), statuses(new)
    out = []
    for key, (status, title) in after.items():
        was = before.get(key, ("unrecorded", title))[0]
        if was == status:
            continue
        if was in MEASURE_PROGRESS and status in MEASURE_PROGRESS:
            direction = "forward" if MEASURE_PROGRESS[status] > MEASURE_PROGRESS[was] else "back"
        else:
            direction = "changed"
        out.append(
            MeasureChange(
                measure=key[0], title=title, scope=key[1], old=was, new=status, direction=direction
            )
        )
    return tuple(out)


def _risks(old: Assessment, new: Assessment) -> tuple[RiskChange, ...]:
    before = {(e.risk, e.scope): e for e in old.risk_register.entries}
    out = []
    for e in new.risk_register.entries:
        o = before.get((e.risk, e.scope))
        if o is None or (o.level, o.residual) == (e.level, e.residual):
            continue
        moves = {
            _sign(LEVELS[e.level.value] - LEVELS[o.level.value]),
            _sign(LEVELS[e.residual.value] - LEVELS[o.residual.value]),
        } - {0}
        direction = "mixed" if len(moves) > 1 else ("up" if moves == {1} else "down")
        out.append(
            RiskChange(
                risk=e.risk,
                title=e.title,
                scope=e.scope_name,
                old_level=o.level.value,
                new_level=e.level.value,
                old_residual=o.residual.value,
                new_residual=e.residual.value,
                direction=direction,
            )
        )
    return tuple(out)


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def _shares(old: Assessment, new: Assessment) -> tuple[ShareMove, ...]:
    def shares(a: Assessment) -> dict[tuple[str, str, str, str], tuple[float, str]]:
        return {
            (t.group, t.weight, t.scope, s.supplier): (s.share, t.title)
            for t in a.diversity.tables
            if t.kind is None
            for s in t.shares
        }

    before, after = shares(old), shares(new)
    out = []
    for key in dict.fromkeys([*after, *before]):
        o, title_o = before.get(key, (0.0, ""))
        n, title_n = after.get(key, (0.0, ""))
        if abs(n - o) < SHARE_MOVE:
            continue
        group, weight, scope, supplier = key
        out.append(
            ShareMove(
                group=group,
                title=title_n or title_o,
                weight=weight,
                scope=scope,
                supplier=supplier,
                old_share=o,
                new_share=n,
            )
        )
    return tuple(sorted(out, key=lambda m: -abs(m.new_share - m.old_share)))


def _headlines(c: Comparison) -> tuple[str, ...]:
    count = _counter(c.violations)
    lines = [
        f"From {c.old.as_of} to {c.new.as_of} ({c.days:,} days), policy findings: "
        f"{count('resolved')} resolved, {count('new')} new, {count('worse')} worse, "
        f"{count('better')} better, {count('unchanged')} unchanged."
    ]
    for p in c.phase_out:
        lines.append(p.text)
    up = sum(1 for r in c.risks if r.direction == "up")
    down = sum(1 for r in c.risks if r.direction == "down")
    forward = sum(1 for m in c.measures if m.direction == "forward")
    back = sum(1 for m in c.measures if m.direction == "back")
    lines.append(
        f"Risk register entries: {up} up, {down} down; measure statuses: {forward} forward, "
        f"{back} back, {len(c.measures) - forward - back} otherwise changed."
    )
    return tuple(lines)


def _counter(changes: Iterable[ViolationChange]) -> Callable[[str], int]:
    listed = list(changes)
    return lambda kind: sum(1 for c in listed if c.change == kind)
