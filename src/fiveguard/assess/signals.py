"""Assurance signals: evidence records read as pushes on a supplier's product quality.

Each evaluation, certificate, open critical or high finding, binary-equivalence check and
assurance statement in a model becomes a :class:`~fiveguard.assess.results.AssuranceSignal`
naming its source, the supplier and product versions it concerns, which of them the model
deploys, and the direction the catalogue gives its kind. The profile engine
(:mod:`fiveguard.assess.profiles`) applies them.

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
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.evidence import (
    AssuranceStatement,
    Certificate,
    Equivalence,
    Evaluation,
    EvaluationResult,
    Finding,
    FindingStatus,
    Severity,
)
from fiveguard.domain.model import NetworkModel


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
    as_of = document.scope.as_of
    signals: list[AssuranceSignal] = []
    for record in document.evidence:
        for kind, refs, reason in _read(record, as_of):
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
    vulnerability scan (records ``fiveguard evidence vulns`` writes). Kinds the catalogue's
    ``assessment.assurance.signals`` does not define are left out."""
    from fiveguard.evidence.assurance import signal_specs

    known = catalogue.assessment.assurance.signals
    for spec in signal_specs(model, catalogue):
        if spec.kind in known:
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
    it names no product (a process certificate, a statement on the supplier)."""
    grouped: dict[str, list[str]] = {}
    for ref in refs:
        owner = product_supplier.get(split_product_ref(ref)[0])
        if owner is not None:
            grouped.setdefault(owner, []).append(ref)
    if not refs and subject in suppliers:
        return {subject: ()}
    return {k: tuple(v) for k, v in grouped.items()}


def _read(record: object, as_of: dt.date) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """(kind, product versions, reason) for each signal one evidence record gives."""
    if isinstance(record, Evaluation):
        yield _evaluation(record, as_of)
    elif isinstance(record, Certificate):
        yield _certificate(record, as_of)
    elif isinstance(record, Finding):
        if record.status is FindingStatus.OPEN and record.severity in (
            Severity.CRITICAL,
            Severity.HIGH,
        ):
            yield (
                f"finding-open-{record.severity.value}",
                record.affected,
                f"open {record.severity.value} finding ({record.source}): {record.title}",
            )
    elif isinstance(record, Equivalence):
        if record.equivalent:
            yield (
                "equivalence-confirmed",
                (record.product,),
                f"{record.identical} deployed binaries identical to the reviewed build",
            )
        else:
            yield (
                "equivalence-failed",
                (record.product,),
                f"deployed binaries: {record.identical} identical, {record.differing} differing, "
                f"{record.missing} missing, {record.extra} extra "
                f"({record.ratio:.1%} identical)",
            )
    elif isinstance(record, AssuranceStatement):
        yield (
            f"assurance-{record.level}",
            record.products,
            f"{record.level} assurance: {record.title}",
        )


def _evaluation(record: Evaluation, as_of: dt.date) -> tuple[str, tuple[str, ...], str]:
    what = f"{record.scheme} evaluation"
    if record.result is EvaluationResult.FAIL:
        return "evaluation-failed", record.products, f"{what} failed: {record.title}"
    if record.valid_until is not None and record.valid_until < as_of:
        return (
            "evaluation-expired",
            record.products,
            f"{what} valid until {record.valid_until}, before the assessment date {as_of}",
        )
    if record.result is EvaluationResult.PASS_WITH_FINDINGS:
        return "evaluation-passed-with-findings", record.products, f"{what} passed with findings"
    return "evaluation-passed", record.products, f"{what} passed"


def _certificate(record: Certificate, as_of: dt.date) -> tuple[str, tuple[str, ...], str]:
    what = f"{record.scheme} certificate {record.identifier}"
    process = "process-" if not record.products else ""
    if record.valid_to < as_of:
        return (
            f"{process}certificate-expired",
            record.products,
            f"{what} expired on {record.valid_to}, before the assessment date {as_of}",
        )
    if record.valid_from > as_of:
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
