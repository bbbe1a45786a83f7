"""The summary's headlines: the results worth reading first, each pointing to its section."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

from fiveguard.assess.assurance_section import assurance_headline
from fiveguard.assess.context import article
from fiveguard.assess.results import (
    AssuranceSection,
    Diversity,
    FaultImpact,
    Finding,
    Gaps,
    PolicyAssessment,
    Register,
    SupplierAssessment,
)
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import HeadlineKind

MAX_MISSING_SHOWN = 5


def headline_findings(
    suppliers: tuple[SupplierAssessment, ...],
    assurance: AssuranceSection,
    policy: PolicyAssessment,
    diversity: Diversity,
    register: Register,
    gaps: Gaps,
    severity: Mapping[HeadlineKind, Level],
) -> tuple[Finding, ...]:
    """Findings in reading order: profiles, assurance, violations, diversity, register,
    gaps. ``severity``: the catalogue's ``assessment.headline_severity`` by kind."""
    return (
        *_supplier_findings(suppliers, severity),
        *(
            Finding(section="assurance", severity=severity["assurance-attention"], text=line)
            for line in assurance_headline(assurance)
        ),
        *_violation_findings(policy, severity),
        *_diversity_findings(diversity, severity),
        *_register_findings(register, severity),
        *_gap_findings(gaps),
    )


def _supplier_findings(
    suppliers: tuple[SupplierAssessment, ...], severity: Mapping[HeadlineKind, Level]
) -> Iterator[Finding]:
    """A high or unknown profile, and product quality moved by assurance evidence."""
    for s in suppliers:
        if s.profile in ("high", "unknown"):
            yield Finding(
                section="suppliers",
                severity=severity[
                    "supplier-high-profile" if s.profile == "high" else "supplier-unknown-profile"
                ],
                text=f"{s.name} ({s.id}) has {article(s.profile)} profile — {s.reason}",
                refs=(s.id,),
            )
        quality = next((f for f in s.factors if f.factor == "product_quality"), None)
        if quality is not None and quality.moved_by:
            sources = sorted({sig.source for sig in s.signals if sig.id in quality.moved_by})
            yield Finding(
                section="suppliers",
                severity=severity["product-quality-moved"],
                text=f"{s.id}: product quality {quality.note}: "
                + "; ".join(sig.reason for sig in s.signals if sig.id in quality.moved_by),
                refs=(s.id, *sources),
            )


def _violation_findings(
    policy: PolicyAssessment, severity: Mapping[HeadlineKind, Level]
) -> Iterator[Finding]:
    for v in policy.violations:
        yield Finding(
            section="violations",
            severity=severity[v.status],
            text=f"{v.status}: rule {v.rule} — {v.explanation}",
            refs=(*v.suppliers, *((v.operator,) if v.operator else ()), *v.assets[:3]),
        )


def _what_if(fault: FaultImpact | None) -> str:
    return f"; what if: {fault.text}" if fault else ""


def _diversity_findings(
    diversity: Diversity, severity: Mapping[HeadlineKind, Level]
) -> Iterator[Finding]:
    """Single-supplier dependencies, national concentration and common-mode groups, each
    with the what-if of the supplier's (or version's) fault behind it."""
    for d in diversity.single_supplier:
        yield Finding(
            section="diversity",
            severity=severity["single-supplier"],
            text=d.text + _what_if(d.fault),
            refs=(d.supplier, d.scope),
        )
    for c in diversity.national_concentration:
        yield Finding(
            section="diversity",
            severity=severity["national-concentration"],
            text=c.text + _what_if(c.fault),
            refs=(c.supplier,),
        )
    for g in diversity.common_mode:
        yield Finding(
            section="diversity",
            severity=severity["common-mode-version"],
            text=f"{g.rule}: {g.text}" + _what_if(g.fault),
            refs=(g.product, *g.members[:4]),
        )


def _register_findings(
    register: Register, severity: Mapping[HeadlineKind, Level]
) -> Iterator[Finding]:
    """One finding per risk whose residual level is high somewhere, naming where."""
    high_residual: dict[str, list[str]] = {}
    titles = {}
    for e in register.entries:
        titles[e.risk] = e.title
        if e.residual is Level.HIGH:
            high_residual.setdefault(e.risk, []).append(e.scope_name)
    for risk, scopes in high_residual.items():
        yield Finding(
            section="register",
            severity=severity["high-residual-risk"],
            text=f"{risk} {titles[risk]}: residual risk high for {', '.join(scopes)}",
            refs=(risk,),
        )


def _gap_findings(gaps: Gaps) -> Iterator[Finding]:
    label = gaps.measure_links.label
    for m in gaps.missing[:MAX_MISSING_SHOWN]:
        yield Finding(
            section="gaps",
            severity=m.highest_risk,
            text=f"{m.measure} ({m.title}) is {m.status} for {m.scope}; called for by "
            f"{', '.join(m.risks)} (risk → measure links: {label}; highest risk "
            f"{m.highest_risk.value})",
            refs=(m.measure, m.scope),
        )


def count_levels(levels: list[str]) -> dict[str, int]:
    """Occurrences of each level, in scale order, zero counts included."""
    counts = Counter(levels)
    order = ["low", "medium", "high", "unknown"]
    return {k: counts.get(k, 0) for k in order if k in counts or k != "unknown"}
