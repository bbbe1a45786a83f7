"""What the assurance evidence says about each product version and supplier, and which
critical or sensitive assets run a version that needs attention.

A product version needs attention when, at the model's date (``scope.as_of``), it has any
of: an open finding of a severity the catalogue lists (``finding_alert_severities``); a
failed evaluation; otherwise, no valid evaluation or certificate; a vulnerable component
(an unsuppressed match at or above ``vulnerable_min_severity`` in its latest
vulnerability scan); a component past end of support; a failed binary-equivalence check
(latest check below ``equivalence_min_ratio``). Each reason has a severity in the
catalogue (``attention_severity``); a version lists its reasons most serious first.
Critical assets are those whose kind the catalogue rates critical or sensitive;
sensitive ones sit at sensitive sites. Pure: no file, no clock.

The judgements — is an evaluation or a certificate valid on a date, which finding alerts,
which check or scan is a version's latest, which components are vulnerable — are the
functions in the first section below. ``fiveguard.assess.signals`` uses the same ones, so
``fiveguard assess`` and ``fiveguard evidence assurance`` read the evidence alike.

:func:`signal_specs` turns vulnerable and end-of-support components into assurance
signals for the assessment (``fiveguard.assess``), one per scan record and kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from fiveguard.domain.base import Level, split_product_ref
from fiveguard.domain.catalogue import Catalogue, Criticality, EvidenceRules
from fiveguard.domain.evidence import (
    AssuranceStatement,
    Certificate,
    EndOfSupport,
    Equivalence,
    Evaluation,
    EvaluationResult,
    Finding,
    FindingStatus,
    Severity,
    VulnerabilityMatch,
    VulnerabilityScan,
)
from fiveguard.domain.model import NetworkModel
from fiveguard.evidence.matching import SEVERITY_RANK, stale_scan

# ---------------------------------------------------------------------------- judgements
# Shared with fiveguard.assess.signals: one reading of the evidence for both.

EvidenceState = Literal["valid", "expired", "failed", "not-yet-valid"]
Dated = TypeVar("Dated", Equivalence, VulnerabilityScan)


def evaluation_end(record: Evaluation, rules: EvidenceRules) -> dt.date | None:
    """The last day an evaluation counts: ``valid_until``, else its date plus
    ``evaluation_valid_days``; ``None`` when it gives neither (valid without end)."""
    if record.valid_until is not None:
        return record.valid_until
    if record.date is not None:
        return record.date + dt.timedelta(days=rules.evaluation_valid_days)
    return None


def evaluation_state(record: Evaluation, as_of: dt.date, rules: EvidenceRules) -> EvidenceState:
    """``failed`` (whatever its dates), ``not-yet-valid`` (dated after ``as_of``),
    ``expired`` (past :func:`evaluation_end`) or ``valid``."""
    if record.result is EvaluationResult.FAIL:
        return "failed"
    if record.date is not None and record.date > as_of:
        return "not-yet-valid"
    end = evaluation_end(record, rules)
    if end is not None and end < as_of:
        return "expired"
    return "valid"


def certificate_state(record: Certificate, as_of: dt.date) -> EvidenceState:
    """``not-yet-valid`` before ``valid_from``, ``expired`` after ``valid_to``, else valid."""
    if record.valid_from > as_of:
        return "not-yet-valid"
    if record.valid_to < as_of:
        return "expired"
    return "valid"


def finding_alerts(record: Finding, rules: EvidenceRules) -> bool:
    """An open finding of a severity the catalogue alerts on (``finding_alert_severities``)."""
    return record.status is FindingStatus.OPEN and record.severity in rules.finding_alert_severities


def finding_concerns(record: Finding, product: str, supplier: str) -> bool:
    """Whether a finding concerns ``product`` (of ``supplier``): it lists the version in
    ``affected``, or lists none and names the supplier as its subject (then it concerns
    every version of that supplier)."""
    if record.affected:
        return product in record.affected
    return record.subject == supplier


def latest_per_product(records: Iterable[Dated]) -> dict[str, Dated]:
    """Each product version's latest record: the latest date; an undated record counts as
    the earliest; on the same date the later record in the model wins."""
    latest: dict[str, Dated] = {}
    for record in records:
        held = latest.get(record.product)
        if held is None or (record.date or dt.date.min) >= (held.date or dt.date.min):
            latest[record.product] = record
    return latest


def equivalence_failed(record: Equivalence, rules: EvidenceRules) -> bool:
    """The check's ratio is below ``equivalence_min_ratio``."""
    return record.ratio < rules.equivalence_min_ratio


def vulnerable_matches(scan: VulnerabilityScan, rules: EvidenceRules) -> list[VulnerabilityMatch]:
    """Unsuppressed matches at or above ``vulnerable_min_severity``."""
    threshold = SEVERITY_RANK[rules.vulnerable_min_severity]
    return [m for m in scan.matches if not m.suppressed and SEVERITY_RANK[m.severity] >= threshold]


def past_end_of_support(scan: VulnerabilityScan, as_of: dt.date) -> list[EndOfSupport]:
    """Components whose support ended before ``as_of``."""
    return [e for e in scan.end_of_support if e.date < as_of]


REASONS = {
    "open-findings": "open critical or high findings",
    "failed-evaluation": "failed evaluation",
    "failed-equivalence": "failed binary equivalence",
    "vulnerable-components": "vulnerable components",
    "end-of-support": "components past end of support",
    "no-valid-evaluation": "no valid evaluation or certificate",
}
"""Why a version needs attention, in words; the keys are the catalogue's
``evidence_rules.attention_severity`` keys. A failed evaluation is its own reason, never
read as a mere absence of evaluation."""


def attention_severity(reasons: Iterable[str], rules: EvidenceRules) -> Level:
    """The most serious of ``reasons`` by ``attention_severity`` (low when none)."""
    severity: dict[str, Level] = {key: level for key, level in rules.attention_severity.items()}
    levels = [severity[r] for r in reasons]
    return max(levels, key=lambda level: level.rank, default=Level.LOW)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class VersionAssurance(_Result):
    """The evidence on one product version, and the reasons it needs attention."""

    product: str = Field(description="PRODUCT@VERSION.")
    supplier: str
    deployed_assets: int
    valid_evaluations: tuple[str, ...] = ()
    expired_evaluations: tuple[str, ...] = ()
    failed_evaluations: tuple[str, ...] = ()
    valid_certificates: tuple[str, ...] = ()
    expired_certificates: tuple[str, ...] = ()
    not_yet_valid: tuple[str, ...] = Field(
        default=(), description="Evaluations and certificates whose validity starts later."
    )
    open_findings: tuple[str, ...] = Field(default=(), description="Ids, alert severities only.")
    vulnerable_components: tuple[str, ...] = Field(
        default=(), description="NAME VERSION: VULNERABILITY (severity)."
    )
    end_of_support: tuple[str, ...] = Field(default=(), description="NAME VERSION (since DATE).")
    scan: str | None = Field(default=None, description="Latest vulnerability-scan record.")
    equivalence: str | None = Field(default=None, description="Latest equivalence record.")
    equivalence_ratio: float | None = None
    statements: tuple[str, ...] = Field(default=(), description="LEVEL (record id).")
    reasons: tuple[str, ...] = Field(default=(), description="Keys of REASONS.")


class SupplierAssurance(_Result):
    """A supplier's versions, and its process certificates and statements."""

    supplier: str
    versions: int
    versions_needing_attention: tuple[str, ...]
    process_certificates: tuple[str, ...] = ()
    statements: tuple[str, ...] = ()


class AssetAtRisk(_Result):
    """A critical or sensitive asset running a version that needs attention."""

    asset: str
    operator: str
    kind: str
    criticality: str
    sensitive_site: bool
    product: str
    reasons: tuple[str, ...]


class AssuranceReport(_Result):
    """The whole picture at one date."""

    as_of: dt.date
    versions: tuple[VersionAssurance, ...]
    suppliers: tuple[SupplierAssurance, ...]
    assets_at_risk: tuple[AssetAtRisk, ...]


_LISTS = (
    "valid_evaluations",
    "expired_evaluations",
    "failed_evaluations",
    "valid_certificates",
    "expired_certificates",
    "not_yet_valid",
    "open_findings",
    "vulnerable_components",
    "end_of_support",
    "statements",
)


def version_assurance(
    product: str, supplier: str, assets: int, model: NetworkModel, rules: EvidenceRules
) -> VersionAssurance:
    """The evidence on ``product`` (``PRODUCT@VERSION``) at the model's date."""
    as_of = model.document.scope.as_of
    fields: dict[str, list[str]] = {key: [] for key in _LISTS}
    scans: list[VulnerabilityScan] = []
    checks: list[Equivalence] = []
    for record in model.document.evidence:
        if isinstance(record, Evaluation) and product in record.products:
            state = evaluation_state(record, as_of, rules)
            key = {
                "failed": "failed_evaluations",
                "valid": "valid_evaluations",
                "expired": "expired_evaluations",
                "not-yet-valid": "not_yet_valid",
            }[state]
            fields[key].append(record.id)
        elif isinstance(record, Certificate) and product in record.products:
            state = certificate_state(record, as_of)
            key = {
                "valid": "valid_certificates",
                "expired": "expired_certificates",
                "not-yet-valid": "not_yet_valid",
            }[state]
            fields[key].append(record.id)
        elif isinstance(record, Finding) and finding_concerns(record, product, supplier):
            if finding_alerts(record, rules):
                fields["open_findings"].append(record.id)
        elif isinstance(record, AssuranceStatement) and product in record.products:
            fields["statements"].append(f"{record.level} ({record.id})")
        elif isinstance(record, VulnerabilityScan) and record.product == product:
            scans.append(record)
        elif isinstance(record, Equivalence) and record.product == product:
            checks.append(record)
    scan = latest_per_product(scans).get(product)
    if scan is not None:
        fields["vulnerable_components"] = [
            f"{m.name} {m.version or ''}: {m.vulnerability} ({m.severity.value})"
            for m in vulnerable_matches(scan, rules)
        ]
        fields["end_of_support"] = [
            f"{e.name} {e.version or ''} (since {e.date})" for e in past_end_of_support(scan, as_of)
        ]
    check = latest_per_product(checks).get(product)
    reasons = []
    if fields["open_findings"]:
        reasons.append("open-findings")
    if fields["failed_evaluations"]:
        # a failure is evidence against the version, whatever else is valid: never read
        # as a mere absence of evaluation
        reasons.append("failed-evaluation")
    elif not fields["valid_evaluations"] and not fields["valid_certificates"]:
        reasons.append("no-valid-evaluation")
    if check is not None and equivalence_failed(check, rules):
        reasons.append("failed-equivalence")
    if fields["vulnerable_components"]:
        reasons.append("vulnerable-components")
    if fields["end_of_support"]:
        reasons.append("end-of-support")
    reasons.sort(key=lambda r: -attention_severity((r,), rules).rank)
    return VersionAssurance(
        product=product,
        supplier=supplier,
        deployed_assets=assets,
        scan=scan.id if scan is not None else None,
        equivalence=check.id if check is not None else None,
        equivalence_ratio=check.ratio if check is not None else None,
        reasons=tuple(reasons),
        **{k: tuple(v) for k, v in fields.items()},
    )


def assess_assurance_versions(
    model: NetworkModel, catalogue: Catalogue
) -> tuple[VersionAssurance, ...]:
    """The evidence on every product version the model declares, with its asset count."""
    rules = catalogue.evidence_rules
    table = model.table
    counts = np.bincount(
        table.product_version[table.product_version >= 0],
        minlength=len(table.product_versions),
    )
    deployed = dict(zip(table.product_versions, counts.tolist(), strict=True))
    return tuple(
        version_assurance(f"{p.id}@{v}", p.supplier, deployed.get(f"{p.id}@{v}", 0), model, rules)
        for p in model.document.products
        for v in p.versions
    )


def deployed_versions(versions: Iterable[VersionAssurance]) -> tuple[VersionAssurance, ...]:
    """The versions some asset runs: the ones ``fiveguard assess`` lists and lets move
    product quality. A version the model declares but no asset runs is only recorded."""
    return tuple(v for v in versions if v.deployed_assets)


def assess_assurance(model: NetworkModel, catalogue: Catalogue) -> AssuranceReport:
    """Per product version and supplier, and the critical or sensitive assets at risk."""
    document = model.document
    versions = assess_assurance_versions(model, catalogue)
    suppliers = tuple(_supplier(s.id, versions, model) for s in document.suppliers)
    return AssuranceReport(
        as_of=document.scope.as_of,
        versions=versions,
        suppliers=suppliers,
        assets_at_risk=tuple(_assets_at_risk(model, catalogue, versions)),
    )


def _supplier(
    supplier: str, versions: tuple[VersionAssurance, ...], model: NetworkModel
) -> SupplierAssurance:
    as_of = model.document.scope.as_of
    own = [v for v in versions if v.supplier == supplier]
    certificates = []
    statements = []
    for record in model.document.evidence:
        if record.subject != supplier:
            continue
        if isinstance(record, Certificate) and not record.products:
            state = certificate_state(record, as_of)
            certificates.append(f"{record.scheme} {record.identifier}: {state} ({record.id})")
        elif isinstance(record, AssuranceStatement):
            statements.append(f"{record.level} ({record.id})")
    return SupplierAssurance(
        supplier=supplier,
        versions=len(own),
        versions_needing_attention=tuple(v.product for v in own if v.reasons),
        process_certificates=tuple(certificates),
        statements=tuple(statements),
    )


def rows_at_risk(
    model: NetworkModel, catalogue: Catalogue, versions: Iterable[VersionAssurance]
) -> tuple[npt.NDArray[np.bool_], dict[str, tuple[str, ...]]]:
    """Per row of the asset table: a critical or sensitive asset (by its kind's
    criticality, or at a sensitive site) running a version that needs attention; and the
    reasons of each such version. Vectorised over rows."""
    table = model.table
    reasons = {v.product: v.reasons for v in versions if v.reasons}
    flagged = np.asarray([pv in reasons for pv in table.product_versions] + [False], dtype=bool)
    important = np.asarray(
        [criticality_of(catalogue, k) is not Criticality.STANDARD for k in table.kinds] + [False],
        dtype=bool,
    )
    mask: npt.NDArray[np.bool_] = flagged[table.product_version] & (
        important[table.kind] | table.sensitive
    )
    return mask, reasons


def criticality_of(catalogue: Catalogue, kind: str) -> Criticality:
    known = catalogue.asset_kinds.get(kind)
    return known.criticality if known is not None else Criticality.STANDARD


def _assets_at_risk(
    model: NetworkModel, catalogue: Catalogue, versions: tuple[VersionAssurance, ...]
) -> Iterable[AssetAtRisk]:
    table = model.table
    mask, reasons = rows_at_risk(model, catalogue, versions)
    operators = model.document.operators
    for row in np.flatnonzero(mask).tolist():
        product = table.product_versions[table.product_version[row]]
        kind = table.kinds[table.kind[row]]
        yield AssetAtRisk(
            asset=str(table.ids[row]),
            operator=operators[table.operator[row]].id,
            kind=kind,
            criticality=criticality_of(catalogue, kind).value,
            sensitive_site=bool(table.sensitive[row]),
            product=product,
            reasons=reasons[product],
        )


# ---------------------------------------------------------------------------- signals


@dataclass(frozen=True)
class SignalSpec:
    """An assurance signal for the assessment, as keyword arguments of
    ``fiveguard.assess.signals.SignalFactory.signal``."""

    kind: str
    source: str
    supplier: str
    products: tuple[str, ...]
    reason: str
    date: dt.date | None


def signal_specs(model: NetworkModel, catalogue: Catalogue) -> list[SignalSpec]:
    """Vulnerable and end-of-support components of each product version's latest scan.

    Kinds: ``vulnerable-component-SEVERITY`` for the unsuppressed matches of each severity
    at or above ``vulnerable_min_severity`` (packaged: high, so critical and high), and
    ``component-end-of-support`` (components past their end of support at the model's
    date).
    """
    rules = catalogue.evidence_rules
    as_of = model.document.scope.as_of
    supplier_of = {p.id: p.supplier for p in model.document.products}
    scans = (r for r in model.document.evidence if isinstance(r, VulnerabilityScan))
    specs = []
    for product, scan in latest_per_product(scans).items():
        supplier = supplier_of.get(split_product_ref(product)[0])
        if supplier is None:
            continue
        # a stale scan is still the best reading there is, but every signal says so
        why = stale_scan(scan, model.document.evidence)
        stale = f" (from stale scan {scan.id}: {why})" if why else ""
        vulnerable = vulnerable_matches(scan, rules)
        for severity in sorted(Severity, key=lambda s: -SEVERITY_RANK[s]):
            hits = [m for m in vulnerable if m.severity is severity]
            if hits:
                names = ", ".join(sorted({f"{m.name} {m.version or ''}".strip() for m in hits}))
                ids = ", ".join(sorted({m.vulnerability for m in hits}))
                specs.append(
                    SignalSpec(
                        kind=f"vulnerable-component-{severity.value}",
                        source=scan.id,
                        supplier=supplier,
                        products=(product,),
                        reason=f"{len(hits)} {severity.value} known vulnerabilit"
                        f"{'y' if len(hits) == 1 else 'ies'} in {names}: {ids}{stale}",
                        date=scan.date,
                    )
                )
        past = past_end_of_support(scan, as_of)
        if past:
            specs.append(
                SignalSpec(
                    kind="component-end-of-support",
                    source=scan.id,
                    supplier=supplier,
                    products=(product,),
                    reason="components past end of support: "
                    + ", ".join(f"{e.name} {e.version or ''} (since {e.date})" for e in past)
                    + stale,
                    date=scan.date,
                )
            )
    return specs
