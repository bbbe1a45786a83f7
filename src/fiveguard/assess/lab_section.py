"""The assessment's labs section: what the evaluation labs found about the product versions
the model deploys, as their verified attestations in the product registry say, and what
changed since the previous engineering-practice review.

Only records that reached the model's evidence count (:mod:`fiveguard.registry.project`:
attested, still held by their envelope, about a version the model declares); the others
are listed with why. The findings and evaluations also move product quality and the
versions needing attention, as any evidence does; this section names the labs and the
lifecycle behind them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fiveguard.assess.lab_results import (
    LabEvaluationLine,
    LabFindingLine,
    LabLine,
    LabsSection,
)
from fiveguard.domain.evidence import Evaluation, Finding
from fiveguard.domain.lab import LabEvaluation, LabFinding, PracticeReview, SchemeKind
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.registry import RegistryView
from fiveguard.evidence.cvss import cvss3_base_score
from fiveguard.lab.audit import Audit, audit
from fiveguard.lab.lifecycle import fixed_in, state_on

RULE = (
    "Lab records come from the product registry the model names: only those imported from "
    "a signed attestation that verified, still held by their stored envelope and about a "
    "product version the model declares count. A finding is shown in its state on the "
    "assessment date; its affected versions keep the flaw until they are replaced by the "
    "version that fixes it. Findings under embargo on that date show their severity only."
)


def labs_section(model: NetworkModel) -> LabsSection | None:
    """The section, when the model reads a registry."""
    view = model.registry
    if view is None:
        return None
    as_of = model.document.scope.as_of
    reg = view.registry
    counted = [reg.records[i] for i in view.counted]
    refs: dict[str, tuple[str, ...]] = {}
    for record in model.document.evidence:
        if isinstance(record, Evaluation):
            refs[record.id] = record.products
        elif isinstance(record, Finding):
            refs[record.id] = record.affected
    evaluations = tuple(
        _evaluation(r, refs.get(r.id) or _model_refs(view, r.product, r.versions))
        for r in counted
        if isinstance(r, LabEvaluation)
    )
    findings = tuple(
        sorted(
            (_finding(r, refs.get(r.id, ()), as_of) for r in counted if isinstance(r, LabFinding)),
            key=lambda f: (_SEVERITY.index(f.severity), f.state == "closed", f.id),
        )
    )
    return LabsSection(
        registry=view.label,
        rule=RULE,
        mapped_products=len(view.products),
        labs=tuple(_labs(view, counted)),
        evaluations=evaluations,
        findings=findings,
        audits=_audits(view, counted),
        not_counted=dict(view.not_counted),
    )


_SEVERITY = ["critical", "high", "medium", "low", "advisory"]


def _model_refs(view: RegistryView, product: str, versions: Sequence[str]) -> tuple[str, ...]:
    """The model's references to versions of a canonical product (mapped products only)."""
    return tuple(f"{m}@{v}" for m, c in view.products.items() if c == product for v in versions)


def _labs(view: RegistryView, counted: Sequence[object]) -> list[LabLine]:
    out = []
    for lab in view.registry.labs.values():
        own = [r for r in counted if getattr(r, "lab", None) == lab.id]
        if own:
            out.append(
                LabLine(
                    id=lab.id,
                    name=lab.name,
                    kind=lab.kind.value,
                    evaluations=sum(1 for r in own if isinstance(r, LabEvaluation)),
                    findings=sum(1 for r in own if isinstance(r, LabFinding)),
                )
            )
    return out


def _evaluation(record: LabEvaluation, products: tuple[str, ...]) -> LabEvaluationLine:
    counts: dict[str, int] = {}
    for case in record.test_cases:
        counts[case.result.value] = counts.get(case.result.value, 0) + 1
    scheme = record.scheme
    name = f"{scheme.name} {scheme.version}" if scheme.version else scheme.name
    if scheme.kind is SchemeKind.SOURCE_CODE_REVIEW and scheme.site:
        name += f" at {scheme.site}"
    return LabEvaluationLine(
        id=record.id,
        lab=record.lab,
        title=record.title,
        scheme=name,
        products=products,
        result=record.result.value if record.result else None,
        date=record.date,
        valid_until=record.valid_until,
        test_cases=counts,
        failed=tuple(f"{c.spec} {c.id}" for c in record.test_cases if c.result.value == "fail"),
        not_tested=tuple(
            f"{c.spec} {c.id}" for c in record.test_cases if c.result.value == "not-tested"
        ),
    )


def _finding(record: LabFinding, affected: tuple[str, ...], as_of: dt.date) -> LabFindingLine:
    state = state_on(record, as_of)
    embargoed = (
        record.embargo_until if record.embargo_until and record.embargo_until > as_of else None
    )
    last = max(e.date for e in record.history if e.date <= as_of)
    return LabFindingLine(
        id=record.id,
        lab=record.lab,
        title=f"under embargo until {embargoed}" if embargoed else record.title,
        severity=record.severity.value,
        cvss_score=None if embargoed or not record.cvss else cvss3_base_score(record.cvss),
        cwe=None if embargoed else record.cwe,
        state=state.value if state else "not yet found",
        affected=affected,
        fixed_in=fixed_in(record, as_of),
        embargoed_until=embargoed,
        last_change=last,
    )


def _audits(view: RegistryView, counted: Sequence[object]) -> tuple[Audit, ...]:
    reviews = {r.id: r for r in counted if isinstance(r, PracticeReview)}
    superseded = {r.previous for r in reviews.values() if r.previous}
    findings = [r for r in counted if isinstance(r, LabFinding)]
    return tuple(
        audit(r, reviews, findings)
        for r in sorted(reviews.values(), key=lambda r: (r.supplier, r.date))
        if r.id not in superseded
    )
