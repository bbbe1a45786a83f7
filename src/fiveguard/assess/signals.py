"""Assurance signals: evidence records read as pushes on a supplier's product quality.

Each evaluation, certificate, open finding of an alert severity, binary-equivalence check
(the latest of each version) and assurance statement in a model becomes a
:class:`~fiveguard.assess.results.AssuranceSignal` naming its source, the supplier and
product versions it concerns, which of them the model deploys, and the direction the
catalogue gives its kind. The profile engine (:mod:`fiveguard.assess.profiles`) applies
them. Whether a record is valid, alerts or is a version's latest is judged by the
functions of :mod:`fiveguard.evidence.assurance`, with the catalogue's
``evidence_rules``, exactly as ``fiveguard evidence assurance`` judges it.

Other sources add signals made with :class:`SignalFactory` and pass them to
:func:`fiveguard.assess.assessment.assess` as ``extra_signals``: for instance vulnerable
components found by matching SBOMs against advisories (kinds
``vulnerable-component-critical`` and ``vulnerable-component-high`` in the catalogue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from fiveguard.assess.results import AssuranceSignal
from fiveguard.domain.base import split_product_ref
from fiveguard.domain.catalogue import Catalogue, EvidenceRules
from fiveguard.domain.evidence import (
    AssuranceStatement,
    Certificate,
    Equivalence,
    Evaluation,
    EvaluationResult,
    Finding,
)
from fiveguard.domain.model import NetworkModel
from fiveguard.evidence.assurance import (
    certificate_state,
    equivalence_failed,
    evaluation_end,
    evaluation_state,
    finding_alerts,
    latest_per_product,
    signal_specs,
)


def deployed_versions(model: NetworkModel) -> frozenset[str]:
    """Product versions (``PRODUCT@VERSION``) that at least one asset of the model runs."""
    table = model.table
    used = np.unique(table.product_version[table.product_version >= 0])
    return frozenset(table.product_versions[i] for i in used.tolist())


class SignalFactory:
    """Makes signals for one model: knows which product versions it deploys and which
    products each supplier makes. Build one, then call :meth:`signal` per signal."""

    def __init__(self, model: NetworkModel, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.deployed = deployed_versions(model)
        self.products_of: dict[str, frozenset[str]] = {}
        for product in model.document.products:
            known = self.products_of.get(product.supplier, frozenset())
            self.products_of[product.supplier] = known | {product.id}

    def signal(
        self,
        *,
        kind: str,
        source: str,
        supplier: str,
        products: Sequence[str],
        reason: str,
        date: dt.date | None = None,
        suffix: str | None = None,
    ) -> AssuranceSignal:
        """A signal of a catalogue ``kind``, its direction taken from the catalogue.

        ``products`` are the product versions it concerns; empty means the supplier as a
        whole (then it concerns every version of the supplier the model deploys). Raises
        KeyError for a kind the catalogue does not define.
        """
        spec = self.catalogue.assessment.assurance.signals[kind]
        if products:
            touched = tuple(p for p in products if p in self.deployed)
        else:
            own = self.products_of.get(supplier, frozenset())
            touched = tuple(sorted(p for p in self.deployed if split_product_ref(p)[0] in own))
        return AssuranceSignal(
            id=f"{source}:{kind}" + (f":{suffix}" if suffix else ""),
            kind=kind,
            source=source,
            supplier=supplier,
            products=tuple(products),
            deployed=touched,
            direction=spec.direction.value,
            reason=reason,
            date=date,
        )


def evidence_signals(model: NetworkModel, catalogue: Catalogue) -> tuple[AssuranceSignal, ...]:
    """Every assurance signal the model's evidence records give, in record order."""
    document = model.document
    product_supplier = {p.id: p.supplier for p in document.products}
    suppliers = {s.id for s in document.suppliers}
    factory = SignalFactory(model, catalogue)
    reader = _Reader(document.scope.as_of, catalogue.evidence_rules, document.evidence)
    signals: list[AssuranceSignal] = []
    for record in document.evidence:
        for kind, refs, reason in reader.read(record):
            grouped = _by_supplier(refs, record.subject, product_supplier, suppliers)
            for supplier, products in grouped.items():
                signals.append(
                    factory.signal(
                        kind=kind,
                        source=record.id,
                        supplier=supplier,
                        products=products,
                        reason=reason,
                        date=record.date,
                        suffix=supplier if len(grouped) > 1 else None,
                    )
                )
    signals.extend(component_signals(model, catalogue, factory))
    return tuple(signals)


def component_signals(
    model: NetworkModel, catalogue: Catalogue, factory: SignalFactory
) -> Iterator[AssuranceSignal]:
    """Vulnerable and end-of-support components from each product version's latest
    vulnerability scan (records ``fiveguard evidence vulns`` writes), at the severities
    ``evidence_rules.vulnerable_min_severity`` alerts on."""
    for spec in signal_specs(model, catalogue):
        yield factory.signal(
            kind=spec.kind,
            source=spec.source,
            supplier=spec.supplier,
            products=spec.products,
            reason=spec.reason,
            date=spec.date,
        )


def _by_supplier(
    refs: Sequence[str],
    subject: str | None,
    product_supplier: Mapping[str, str],
    suppliers: set[str],
) -> dict[str, tuple[str, ...]]:
    """The record's product versions grouped by supplier; a supplier subject alone when
    it names no product (a process certificate, a statement or a finding on the supplier:
    then it concerns every deployed version of the supplier)."""
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        owner = product_supplier.get(split_product_ref(ref)[0])
        if owner is not None:
            grouped.setdefault(owner, []).append(ref)
    if not refs and subject in suppliers:
        return {subject: ()}
    return {k: tuple(v) for k, v in grouped.items()}


Read = tuple[str, tuple[str, ...], str]


class _Reader:
    """(kind, product versions, reason) for each signal one evidence record gives."""

    def __init__(self, as_of: dt.date, rules: EvidenceRules, evidence: Sequence[object]) -> None:
        self.as_of = as_of
        self.rules = rules
        checks = (r for r in evidence if isinstance(r, Equivalence))
        self.latest_checks = {r.id for r in latest_per_product(checks).values()}

    def read(self, record: object) -> Iterator[Read]:
        if isinstance(record, Evaluation):
            yield self._evaluation(record)
        elif isinstance(record, Certificate):
            yield self._certificate(record)
        elif isinstance(record, Finding):
            if finding_alerts(record, self.rules):
                yield (
                    f"finding-open-{record.severity.value}",
                    record.affected,
                    f"open {record.severity.value} finding ({record.source}): {record.title}"
                    + ("" if record.affected else " (on the supplier: every deployed version)"),
                )
        elif isinstance(record, Equivalence):
            # only a version's latest check counts: a later passing check supersedes a failure
            if record.id not in self.latest_checks:
                return
            if not equivalence_failed(record, self.rules):
                yield (
                    "equivalence-confirmed",
                    (record.product,),
                    f"{record.identical} deployed binaries identical to the reviewed build "
                    f"({record.ratio:.1%} identical, at least "
                    f"{self.rules.equivalence_min_ratio:.0%} needed)",
                )
            else:
                yield (
                    "equivalence-failed",
                    (record.product,),
                    f"deployed binaries: {record.identical} identical, {record.differing} "
                    f"differing, {record.missing} missing, {record.extra} extra "
                    f"({record.ratio:.1%} identical, below the "
                    f"{self.rules.equivalence_min_ratio:.0%} needed)",
                )
        elif isinstance(record, AssuranceStatement):
            yield (
                f"assurance-{record.level}",
                record.products,
                f"{record.level} assurance: {record.title}",
            )

    def _evaluation(self, record: Evaluation) -> Read:
        what = f"{record.scheme} evaluation"
        as_of = self.as_of
        state = evaluation_state(record, as_of, self.rules)
        if state == "failed":
            return "evaluation-failed", record.products, f"{what} failed: {record.title}"
        if state == "not-yet-valid":
            return (
                "evaluation-not-yet-valid",
                record.products,
                f"{what} dated {record.date}, after the assessment date {as_of}: not yet valid",
            )
        if state == "expired":
            if record.valid_until is not None:
                why = f"valid until {record.valid_until}, before the assessment date {as_of}"
            else:
                why = (
                    f"of {record.date}, counted valid for "
                    f"{self.rules.evaluation_valid_days:,} days (evidence_rules."
                    f"evaluation_valid_days) until {evaluation_end(record, self.rules)}, "
                    f"before the assessment date {as_of}"
                )
            return "evaluation-expired", record.products, f"{what} {why}"
        if record.result is EvaluationResult.PASS_WITH_FINDINGS:
            return (
                "evaluation-passed-with-findings",
                record.products,
                f"{what} passed with findings",
            )
        return "evaluation-passed", record.products, f"{what} passed"

    def _certificate(self, record: Certificate) -> Read:
        what = f"{record.scheme} certificate {record.identifier}"
        process = "process-" if not record.products else ""
        state = certificate_state(record, self.as_of)
        if state == "expired":
            return (
                f"{process}certificate-expired",
                record.products,
                f"{what} expired on {record.valid_to}, before the assessment date {self.as_of}",
            )
        if state == "not-yet-valid":
            return (
                "certificate-not-yet-valid",
                record.products,
                f"{what} valid only from {record.valid_from}",
            )
        return (
            f"{process}certificate-valid",
            record.products,
            f"{what} valid until {record.valid_to}",
        )
