"""The toolbox gap: measure status per scope, the missing measures the highest risks call
for first, and compliance with the ENISA controls matrix where the model records it.

A measure is checked where the catalogue expects it (``measure_scope``: strategic measures
and supporting actions nationally, technical ones per operator) and, for a measure
expected nationally, also for each operator that records it itself: that record is what
the operator's register entries read, so the gap list and the register agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from fiveguard.assess.context import NATIONAL, Prepared, plural
from fiveguard.assess.measures import DONE, MeasureBook, measure_links
from fiveguard.assess.results import (
    ControlDomainLine,
    ControlsCompliance,
    ControlShortfall,
    GapRow,
    Gaps,
    MissingMeasure,
    Register,
)
from fiveguard.domain.base import Level
from fiveguard.domain.network import ControlRecord


def build_gaps(prep: Prepared, book: MeasureBook, register: Register) -> Gaps:
    """The status matrix (measure × scope), missing measures ranked, ENISA compliance."""
    catalogue = prep.catalogue
    expected_in = catalogue.assessment.measure_scope
    scopes = (NATIONAL, *prep.operator_ids)
    rows = []
    missing = []
    callers: dict[str, list[str]] = {}
    for risk, linked in catalogue.risk_measures.links.items():
        for link in linked:
            callers.setdefault(link, []).append(risk)
    levels = {(e.risk, e.scope): (e.level, e.residual) for e in register.entries}
    for measure_id, measure in catalogue.measures.items():
        statuses = [book.status(measure_id, scope) for scope in scopes]
        expected = expected_in.get(measure.category, "operator")
        rows.append(
            GapRow(
                measure=measure_id,
                title=measure.title,
                category=measure.category.value,
                expected=expected,
                statuses=tuple(s.status for s in statuses),
                sources=tuple(s.source for s in statuses),
            )
        )
        wanted = [NATIONAL] if expected == "national" else list(prep.operator_ids)
        if expected == "national":
            # an operator's own record of a national measure feeds its register entries,
            # so the gap list checks it there too
            wanted += [op for op in prep.operator_ids if (measure_id, op) in book.records]
        for scope in wanted:
            status = statuses[scopes.index(scope)].status
            if status in DONE:
                continue
            risks = tuple(callers.get(measure_id, ()))
            risk_levels = [levels[(r, scope)] for r in risks if (r, scope) in levels]
            missing.append(
                MissingMeasure(
                    measure=measure_id,
                    title=measure.title,
                    scope=scope,
                    status=status,
                    risks=risks,
                    highest_risk=max((lv for lv, _ in risk_levels), key=_rank, default=Level.LOW),
                    highest_residual=max(
                        (rs for _, rs in risk_levels), key=_rank, default=Level.LOW
                    ),
                )
            )
    missing.sort(
        key=lambda m: (
            -m.highest_risk.rank,
            -m.highest_residual.rank,
            -len(m.risks),
            m.measure,
            m.scope,
        )
    )
    controls = _controls(prep, prep.model.document.controls)
    note = (
        f"{sum(c.recorded for c in controls)} ENISA requirement records in "
        f"{plural(len(controls), 'scope')}; a requirement counts as met at maturity level "
        f"{catalogue.assessment.controls_target_level} or above"
        if controls
        else "The model records no ENISA controls compliance (section 'controls'); "
        "nothing to compare."
    )
    return Gaps(
        scopes=scopes,
        rows=tuple(rows),
        measure_links=measure_links(catalogue),
        missing=tuple(missing),
        controls=controls,
        controls_note=note,
    )


def _rank(level: Level) -> int:
    return level.rank


def _controls(prep: Prepared, records: Sequence[ControlRecord]) -> tuple[ControlsCompliance, ...]:
    matrix = prep.catalogue.controls
    target = prep.catalogue.assessment.controls_target_level
    requirements = matrix.requirements()
    by_scope: dict[str, dict[str, ControlRecord]] = {}
    for record in records:
        by_scope.setdefault(record.operator or NATIONAL, {})[record.requirement] = record
    out = []
    for scope in (NATIONAL, *prep.operator_ids):
        recorded = by_scope.get(scope)
        if not recorded:
            continue
        domains = []
        for domain in matrix.domains:
            ids = [r.id for o in domain.objectives for r in o.requirements]
            levels = [recorded[i].level for i in ids if i in recorded]
            domains.append(
                ControlDomainLine(
                    domain=domain.id,
                    name=domain.name,
                    requirements=len(ids),
                    recorded=len(levels),
                    meeting_target=sum(1 for lv in levels if lv >= target),
                    mean_level=sum(levels) / len(levels) if levels else None,
                )
            )
        below = tuple(
            ControlShortfall(
                requirement=r.requirement,
                level=r.level,
                target=target,
                text=requirements[r.requirement].text if r.requirement in requirements else "",
            )
            for r in sorted(recorded.values(), key=lambda r: (r.level, r.requirement))
            if r.level < target
        )
        out.append(
            ControlsCompliance(
                scope=scope,
                target_level=target,
                recorded=len(recorded),
                meeting_target=sum(1 for r in recorded.values() if r.level >= target),
                domains=tuple(domains),
                below_target=below,
            )
        )
    return tuple(out)
