"""The assessment's assurance section: deployed product versions that need attention and
the critical or sensitive assets running them (issue 5: evidence feeds the assessment).

The judgement is :mod:`fiveguard.evidence.assurance`'s (``fiveguard evidence assurance``);
this module only shapes it for the assessment: declared assets listed one by one, site
rows counted per version and operator with a sample, so the section stays small on a
model of a million sites.
"""

from __future__ import annotations

import numpy as np

from fiveguard.assess.context import Prepared, plural
from fiveguard.assess.results import (
    AssetAtRiskLine,
    AssuranceSection,
    SiteRowsAtRisk,
    VersionAttention,
)
from fiveguard.evidence.assurance import (
    REASONS,
    VersionAssurance,
    assess_assurance_versions,
    attention_severity,
    criticality_of,
    deployed_versions,
    rows_at_risk,
)

SAMPLE = 5
RULE = (
    "A deployed product version needs attention when, on the assessment date, it has open "
    "findings of an alert severity (evidence_rules.finding_alert_severities), a failed "
    "evaluation, or else no valid evaluation or certificate (an evaluation without "
    "valid_until counts for evidence_rules.evaluation_valid_days from its date), "
    "vulnerable components in its latest scan (at or above "
    "evidence_rules.vulnerable_min_severity), components past end of support, or a failed "
    "latest binary-equivalence check (below evidence_rules.equivalence_min_ratio). Assets "
    "at risk are those of a critical or sensitive kind, or at a sensitive site, running "
    "such a version. Versions are listed by their most serious reason "
    "(evidence_rules.attention_severity), then by assets at risk."
)


def assurance_section(prep: Prepared) -> AssuranceSection:
    """Versions needing attention (deployed ones), and the assets at risk, counted."""
    model, catalogue = prep.model, prep.catalogue
    table = prep.table
    versions = deployed_versions(assess_assurance_versions(model, catalogue))
    mask, reasons = rows_at_risk(model, catalogue, versions)
    rows = np.flatnonzero(mask)
    at_risk_per_version = np.bincount(
        table.product_version[rows], minlength=len(table.product_versions)
    )
    index = {pv: i for i, pv in enumerate(table.product_versions)}
    rules = catalogue.evidence_rules
    attention = sorted(
        (
            VersionAttention(
                product=v.product,
                supplier=v.supplier,
                reasons=v.reasons,
                severity=attention_severity(v.reasons, rules),
                details=_details(v),
                deployed_assets=v.deployed_assets,
                assets_at_risk=int(at_risk_per_version[index[v.product]]),
            )
            for v in versions
            if v.reasons
        ),
        # a failed evaluation or an open high finding never sits below "not evaluated"
        key=lambda v: (-v.severity.rank, -v.assets_at_risk, -v.deployed_assets, v.product),
    )
    by_reason = {key: 0 for key in REASONS}
    for v in attention:
        for reason in v.reasons:
            by_reason[reason] += v.assets_at_risk
    declared = rows[rows < table.n_declared]
    site_rows = rows[rows >= table.n_declared]
    return AssuranceSection(
        as_of=prep.as_of,
        rule=RULE,
        reasons=dict(REASONS),
        reason_severity={key: attention_severity((key,), rules) for key in REASONS},
        versions=tuple(attention),
        assets_at_risk=int(rows.size),
        assets_by_reason={k: n for k, n in by_reason.items() if n},
        declared=tuple(_declared_line(prep, int(r), reasons) for r in declared.tolist()),
        site_rows=_site_groups(prep, site_rows, reasons),
    )


def _details(v: VersionAssurance) -> tuple[str, ...]:
    details = []
    if v.open_findings:
        details.append("open findings: " + ", ".join(v.open_findings))
    valid = [*v.valid_evaluations, *v.valid_certificates]
    lapsed = [*v.expired_evaluations, *v.expired_certificates]
    later = f"; not yet valid: {', '.join(v.not_yet_valid)}" if v.not_yet_valid else ""
    if "failed-evaluation" in v.reasons:
        besides = (
            f"valid besides: {', '.join(valid)}"
            if valid
            else "no valid evaluation or certificate"
            + (f"; expired: {', '.join(lapsed)}" if lapsed else "")
        )
        details.append(f"failed evaluation: {', '.join(v.failed_evaluations)} ({besides}){later}")
    if "no-valid-evaluation" in v.reasons:
        details.append(
            "no valid evaluation or certificate"
            + (f" (expired: {', '.join(lapsed)})" if lapsed else " (none recorded)")
            + later
        )
    if v.vulnerable_components:
        details.append(f"vulnerable components ({v.scan}): " + "; ".join(v.vulnerable_components))
    if v.end_of_support:
        details.append("past end of support: " + "; ".join(v.end_of_support))
    if "failed-equivalence" in v.reasons and v.equivalence_ratio is not None:
        details.append(f"binary equivalence {v.equivalence_ratio:.1%} ({v.equivalence})")
    return tuple(details)


def _declared_line(
    prep: Prepared, row: int, reasons: dict[str, tuple[str, ...]]
) -> AssetAtRiskLine:
    table = prep.table
    product = table.product_versions[table.product_version[row]]
    kind = table.kinds[table.kind[row]]
    return AssetAtRiskLine(
        asset=str(table.ids[row]),
        operator=prep.operator_ids[int(table.operator[row])],
        kind=kind,
        criticality=criticality_of(prep.catalogue, kind).value,
        sensitive_site=bool(table.sensitive[row]),
        product=product,
        reasons=reasons[product],
    )


def _site_groups(
    prep: Prepared, rows: np.ndarray, reasons: dict[str, tuple[str, ...]]
) -> tuple[SiteRowsAtRisk, ...]:
    """Site rows at risk per (version, operator): counts, sites, people, a sample."""
    if rows.size == 0:
        return ()
    table = prep.table
    n_ops = max(prep.n_operators, 1)
    keys = table.product_version[rows].astype(np.int64) * n_ops + table.operator[rows]
    order = np.argsort(keys, kind="stable")
    rows, keys = rows[order], keys[order]
    present, starts = np.unique(keys, return_index=True)
    bounds = [*starts.tolist(), rows.size]
    out = []
    for g, key in enumerate(present.tolist()):
        group = rows[bounds[g] : bounds[g + 1]]
        product = table.product_versions[key // n_ops]
        out.append(
            SiteRowsAtRisk(
                product=product,
                operator=prep.operator_ids[key % n_ops],
                reasons=reasons[product],
                assets=int(group.size),
                sites=int(table.sites[group].sum()),
                population=int(table.population[group].sum()),
                sample=prep.ids(group[:SAMPLE]),
            )
        )
    return tuple(sorted(out, key=lambda s: (-s.assets, s.product, s.operator)))


def assurance_headline(section: AssuranceSection) -> list[str]:
    """Sentences for the summary: each version with assets at risk for a reason other
    than a missing evaluation, then one line for the versions with no valid evaluation."""
    lines = []
    only_unevaluated = []
    for v in section.versions:
        if not v.assets_at_risk:
            continue
        if set(v.reasons) == {"no-valid-evaluation"}:
            only_unevaluated.append(v)
            continue
        lines.append(
            f"{v.product} ({v.supplier}) needs attention — "
            + "; ".join(REASONS[r] for r in v.reasons)
            + f": {plural(v.assets_at_risk, 'critical or sensitive asset')} "
            + ("runs it" if v.assets_at_risk == 1 else "run it")
        )
    if only_unevaluated:
        assets = sum(v.assets_at_risk for v in only_unevaluated)
        one = len(only_unevaluated) == 1
        lines.append(
            f"{plural(len(only_unevaluated), 'more deployed version')} "
            f"{'has' if one else 'have'} no valid evaluation or certificate; "
            f"{plural(assets, 'critical or sensitive asset')} {'runs' if assets == 1 else 'run'} "
            f"{'it' if one else 'them'}"
        )
    return lines
