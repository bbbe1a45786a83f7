"""What the assurance evidence says about each product version and supplier, and which
critical or sensitive assets run a version that needs attention.

A product version needs attention when, at the model's date (``scope.as_of``), it has any
of: an open finding of a severity the catalogue lists (``finding_alert_severities``); no
valid evaluation or certificate; a vulnerable component (an unsuppressed match at or
above ``vulnerable_min_severity`` in its latest vulnerability scan); a component past end
of support; a failed binary-equivalence check (latest check below
``equivalence_min_ratio``). Critical assets are those whose kind the catalogue rates
critical or sensitive; sensitive ones sit at sensitive sites. Pure: no file, no clock.

:func:`signal_specs` turns vulnerable and end-of-support components into assurance
signals for the assessment (``fiveguard.assess``), one per scan record and kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from fiveguard.domain.base import split_product_ref
from fiveguard.domain.catalogue import Catalogue, Criticality, EvidenceRules
from fiveguard.domain.evidence import (
    AssuranceStatement,
    Certificate,
    Equivalence,
    Evaluation,
    EvaluationResult,
    Finding,
    FindingStatus,
    Severity,
    VulnerabilityScan,
)
from fiveguard.domain.model import NetworkModel
from fiveguard.evidence.matching import SEVERITY_RANK

REASONS = {
    "open-findings": "open critical or high findings",
    "no-valid-evaluation": "no valid evaluation or certificate",
    "vulnerable-components": "vulnerable components",
    "end-of-support": "components past end of support",
    "failed-equivalence": "failed binary equivalence",
}


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
    "open_findings",
    "vulnerable_components",
    "end_of_support",
    "statements",
)


def _latest(records: Iterable[object]) -> object | None:
    ordered = sorted(records, key=lambda r: getattr(r, "date", None) or dt.date.min)
    return ordered[-1] if ordered else None


def _evaluation_valid(record: Evaluation, as_of: dt.date, rules: EvidenceRules) -> bool:
    if record.result is EvaluationResult.FAIL:
        return False
    if record.date is not None and record.date > as_of:
        return False
    if record.valid_until is not None:
        return record.valid_until >= as_of
    if record.date is not None:
        return record.date + dt.timedelta(days=rules.evaluation_valid_days) >= as_of
    return True


def version_assurance(
    product: str, supplier: str, assets: int, model: NetworkModel, rules: EvidenceRules
) -> VersionAssurance:
    """The evidence on ``product`` (``PRODUCT@VERSION``) at the model's date."""
    as_of = model.document.scope.as_of
    fields: dict[str, list[str]] = {key: [] for key in _LISTS}
    scans: list[VulnerabilityScan] = []
    checks: list[Equivalence] = []
    alert = set(rules.finding_alert_severities)
    for record in model.document.evidence:
        if isinstance(record, Evaluation) and product in record.products:
            if record.result is EvaluationResult.FAIL:
                fields["failed_evaluations"].append(record.id)
            elif _evaluation_valid(record, as_of, rules):
                fields["valid_evaluations"].append(record.id)
            else:
                fields["expired_evaluations"].append(record.id)
        elif isinstance(record, Certificate) and product in record.products:
            valid = record.valid_from <= as_of <= record.valid_to
            fields["valid_certificates" if valid else "expired_certificates"].append(record.id)
        elif isinstance(record, Finding) and product in record.affected:
            if record.status is FindingStatus.OPEN and record.severity in alert:
                fields["open_findings"].append(record.id)
        elif isinstance(record, AssuranceStatement) and product in record.products:
            fields["statements"].append(f"{record.level} ({record.id})")
        elif isinstance(record, VulnerabilityScan) and record.product == product:
            scans.append(record)
        elif isinstance(record, Equivalence) and record.product == product:
            checks.append(record)
    scan = _latest(scans)
    if isinstance(scan, VulnerabilityScan):
        threshold = SEVERITY_RANK[rules.vulnerable_min_severity]
        fields["vulnerable_components"] = [
            f"{m.name} {m.version or ''}: {m.vulnerability} ({m.severity.value})"
            for m in scan.matches
            if not m.suppressed and SEVERITY_RANK[m.severity] >= threshold
        ]
        fields["end_of_support"] = [
            f"{e.name} {e.version or ''} (since {e.date})"
            for e in scan.end_of_support
            if e.date < as_of
        ]
    check = _latest(checks)
    ratio = check.ratio if isinstance(check, Equivalence) else None
    reasons = []
    if fields["open_findings"]:
        reasons.append("open-findings")
    if not fields["valid_evaluations"] and not fields["valid_certificates"]:
        reasons.append("no-valid-evaluation")
    if fields["vulnerable_components"]:
        reasons.append("vulnerable-components")
    if fields["end_of_support"]:
        reasons.append("end-of-support")
    if ratio is not None and ratio < rules.equivalence_min_ratio:
        reasons.append("failed-equivalence")
    return VersionAssurance(
        product=product,
        supplier=supplier,
        deployed_assets=assets,
        scan=scan.id if isinstance(scan, VulnerabilityScan) else None,
        equivalence=check.id if isinstance(check, Equivalence) else None,
        equivalence_ratio=ratio,
        reasons=tuple(reasons),
        **{k: tuple(v) for k, v in fields.items()},
    )


def assess_assurance(model: NetworkModel, catalogue: Catalogue) -> AssuranceReport:
    """Per product version and supplier, and the critical or sensitive assets at risk."""
    rules = catalogue.evidence_rules
    document = model.document
    table = model.table
    counts = np.bincount(
        table.product_version[table.product_version >= 0],
        minlength=len(table.product_versions),
    )
    deployed = dict(zip(table.product_versions, counts.tolist(), strict=True))
    versions = tuple(
        version_assurance(f"{p.id}@{v}", p.supplier, deployed.get(f"{p.id}@{v}", 0), model, rules)
        for p in document.products
        for v in p.versions
    )
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
            state = "valid" if record.valid_from <= as_of <= record.valid_to else "not valid"
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


def _assets_at_risk(
    model: NetworkModel, catalogue: Catalogue, versions: tuple[VersionAssurance, ...]
) -> Iterable[AssetAtRisk]:
    table = model.table
    reasons = {v.product: v.reasons for v in versions if v.reasons}
    if not reasons:
        return
    flagged = np.asarray([pv in reasons for pv in table.product_versions] + [False], dtype=bool)
    criticality = [
        catalogue.asset_kinds[k].criticality if k in catalogue.asset_kinds else Criticality.STANDARD
        for k in table.kinds
    ]
    important = np.asarray([c is not Criticality.STANDARD for c in criticality], dtype=bool)
    rows = np.flatnonzero(
        flagged[table.product_version] & (important[table.kind] | table.sensitive)
    )
    operators = model.document.operators
    for row in rows.tolist():
        product = table.product_versions[table.product_version[row]]
        kind = table.kinds[table.kind[row]]
        yield AssetAtRisk(
            asset=str(table.ids[row]),
            operator=operators[table.operator[row]].id,
            kind=kind,
            criticality=criticality[table.kind[row]].value,
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

    Kinds: ``vulnerable-component-critical`` and ``vulnerable-component-high`` (unsuppressed
    matches of that severity) and ``component-end-of-support`` (components past their
    end of support at the model's date).
    """
    as_of = model.document.scope.as_of
    supplier_of = {p.id: p.supplier for p in model.document.products}
    latest: dict[str, VulnerabilityScan] = {}
    for record in model.document.evidence:
        if isinstance(record, VulnerabilityScan):
            held = latest.get(record.product)
            if held is None or (record.date or dt.date.min) >= (held.date or dt.date.min):
                latest[record.product] = record
    specs = []
    for product, scan in latest.items():
        supplier = supplier_of.get(split_product_ref(product)[0])
        if supplier is None:
            continue
        for severity in (Severity.CRITICAL, Severity.HIGH):
            hits = [m for m in scan.matches if m.severity is severity and not m.suppressed]
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
                        f"{'y' if len(hits) == 1 else 'ies'} in {names}: {ids}",
                        date=scan.date,
                    )
                )
        past = [e for e in scan.end_of_support if e.date < as_of]
        if past:
            specs.append(
                SignalSpec(
                    kind="component-end-of-support",
                    source=scan.id,
                    supplier=supplier,
                    products=(product,),
                    reason="components past end of support: "
                    + ", ".join(f"{e.name} {e.version or ''} (since {e.date})" for e in past),
                    date=scan.date,
                )
            )
    return specs
