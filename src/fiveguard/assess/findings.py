"""The summary's headlines: the results worth reading first, each pointing to its section."""

from __future__ import annotations

from collections import Counter

from fiveguard.assess.assurance_section import assurance_headline
from fiveguard.assess.results import (
    AssuranceSection,
    Diversity,
    Finding,
    Gaps,
    PolicyAssessment,
    Register,
    SupplierAssessment,
)
from fiveguard.domain.base import Level

MAX_MISSING_SHOWN = 5


def headline_findings(
    suppliers: tuple[SupplierAssessment, ...],
    assurance: AssuranceSection,
    policy: PolicyAssessment,
    diversity: Diversity,
    register: Register,
    gaps: Gaps,
) -> tuple[Finding, ...]:
    """Findings in reading order: profiles, assurance, violations, diversity, register,
    gaps."""
    findings: list[Finding] = []
    for s in suppliers:
        if s.profile in ("high", "unknown"):
            findings.append(
                Finding(
                    section="suppliers",
                    severity=Level.HIGH if s.profile == "high" else Level.MEDIUM,
                    text=f"{s.name} ({s.id}) has a {s.profile} profile — {s.reason}",
                    refs=(s.id,),
                )
            )
        quality = next((f for f in s.factors if f.factor == "product_quality"), None)
        if quality is not None and quality.moved_by:
            sources = sorted({sig.source for sig in s.signals if sig.id in quality.moved_by})
            findings.append(
                Finding(
                    section="suppliers",
                    severity=Level.MEDIUM,
                    text=f"{s.id}: product quality {quality.note}: "
                    + "; ".join(sig.reason for sig in s.signals if sig.id in quality.moved_by),
                    refs=(s.id, *sources),
                )
            )
    for line in assurance_headline(assurance):
        findings.append(Finding(section="assurance", severity=Level.MEDIUM, text=line))
    for v in policy.violations:
        findings.append(
            Finding(
                section="violations",
                severity={"violation": Level.HIGH, "in-transition": Level.MEDIUM}.get(
                    v.status, Level.LOW
                ),
                text=f"{v.status}: rule {v.rule} — {v.explanation}",
                refs=(*v.suppliers, *((v.operator,) if v.operator else ()), *v.assets[:3]),
            )
        )
    for d in diversity.single_supplier:
        findings.append(
            Finding(
                section="diversity",
                severity=Level.MEDIUM,
                text=d.text + (f"; what if: {d.fault.text}" if d.fault else ""),
                refs=(d.supplier, d.scope),
            )
        )
    for c in diversity.national_concentration:
        findings.append(
            Finding(
                section="diversity",
                severity=Level.MEDIUM,
                text=c.text + (f"; what if: {c.fault.text}" if c.fault else ""),
                refs=(c.supplier,),
            )
        )
    for g in diversity.common_mode:
        findings.append(
            Finding(
                section="diversity",
                severity=Level.MEDIUM,
                text=f"{g.rule}: {g.text}" + (f"; what if: {g.fault.text}" if g.fault else ""),
                refs=(g.product, *g.members[:4]),
            )
        )
    high_residual: dict[str, list[str]] = {}
    titles = {}
    for e in register.entries:
        titles[e.risk] = e.title
        if e.residual is Level.HIGH:
            high_residual.setdefault(e.risk, []).append(e.scope_name)
    for risk, scopes in high_residual.items():
        findings.append(
            Finding(
                section="register",
                severity=Level.HIGH,
                text=f"{risk} {titles[risk]}: residual risk high for {', '.join(scopes)}",
                refs=(risk,),
            )
        )
    for m in gaps.missing[:MAX_MISSING_SHOWN]:
        findings.append(
            Finding(
                section="gaps",
                severity=m.highest_risk,
                text=f"{m.measure} ({m.title}) is {m.status} for {m.scope}; called for by "
                f"{', '.join(m.risks)} (highest risk {m.highest_risk.value})",
                refs=(m.measure, m.scope),
            )
        )
    return tuple(findings)


def count_levels(levels: list[str]) -> dict[str, int]:
    """Occurrences of each level, in scale order, zero counts included."""
    counts = Counter(levels)
    order = ["low", "medium", "high", "unknown"]
    return {k: counts.get(k, 0) for k in order if k in counts or k != "unknown"}
