"""How the registry's lab records reach a national model: as ordinary evidence records
about the model's own product versions, so the assessment reads them as it reads the
evidence written in the model.

A model product is the registry product its ``registry.products`` entry names, else the
registry product of the same id. A record about a canonical product's versions becomes one
evidence record about the model's declared versions among them; a record that concerns
none of them stays in the registry. Only records that came from a verified attestation
count (``integrity`` says, per attested record, whether its stored envelope still holds
it); a record entered in the registry by hand is listed as not counted, with why.

The translation, record by record:

- an evaluation (not a source-code review) → ``evaluation``, scheme and version in
  ``scheme``, the lab in ``lab``;
- a finding → ``finding`` in its state on the model's date: risk accepted → ``accepted``;
  otherwise ``open``, for a fix lives in a later version and the affected versions keep
  the flaw (the title says which version fixes it). Under embargo on the model's date, its
  title is withheld. A finding made after the model's date is not counted;
- an equivalence check → ``equivalence``;
- a practice review giving a level of assurance → ``assurance-statement`` on the
  supplier's versions the model declares.

Every record keeps its id, names its lab as ``issuer`` and says where it came from in
``note``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fiveguard.domain.evidence import (
    AssuranceStatement,
    Equivalence,
    Evaluation,
    Evidence,
    Finding,
    FindingStatus,
)
from fiveguard.domain.lab import (
    FindingState,
    LabEquivalence,
    LabEvaluation,
    LabFinding,
    LabRecord,
    PracticeReview,
    SchemeKind,
)
from fiveguard.domain.network import Product, RegistryLink, Supplier
from fiveguard.domain.registry import Registry, RegistryView
from fiveguard.lab.lifecycle import fixed_in, state_on

PathKey = tuple[str | int, ...]


@dataclass
class Projection:
    """The evidence records a registry gives a model, and what it says about the rest."""

    view: RegistryView
    evidence: list[Evidence] = field(default_factory=list)
    problems: list[tuple[PathKey, str]] = field(default_factory=list)
    """Problems with the model's ``registry`` entry: (path inside it, message)."""


def map_products(
    registry: Registry,
    link: RegistryLink,
    products: Sequence[Product],
    suppliers: Sequence[Supplier],
) -> tuple[dict[str, str], list[tuple[PathKey, str]]]:
    """Model product id → canonical product id, and the problems of the mapping."""
    problems: list[tuple[PathKey, str]] = []
    declared = {p.id: p for p in products}
    by_id = {s.id: s for s in suppliers}
    for model_id, canonical in link.products.items():
        if model_id not in declared:
            problems.append((("products", model_id), f"{model_id!r} is not a product of the model"))
        elif canonical not in registry.products:
            problems.append(
                (("products", model_id), f"{canonical!r} is not a product of the registry")
            )
    mapping: dict[str, str] = {}
    for product in products:
        canonical = link.products.get(product.id, product.id)
        entry = registry.products.get(canonical)
        if entry is None:
            continue
        mapping[product.id] = canonical
        supplier = by_id.get(product.supplier)
        known = registry.supplier_of(supplier.lei, supplier.registry_id) if supplier else None
        if known is not None and known != entry.supplier:
            problems.append(
                (
                    ("products", product.id),
                    f"model product {product.id} is {product.supplier}'s (registry supplier "
                    f"{known} by its identifiers), but registry product {canonical} is "
                    f"{entry.supplier}'s",
                )
            )
    return mapping, problems


def project(
    registry: Registry,
    link: RegistryLink,
    label: str,
    products: Sequence[Product],
    suppliers: Sequence[Supplier],
    as_of: dt.date,
    integrity: Mapping[str, str | None],
) -> Projection:
    """The model's evidence from the registry (see the module's docstring).

    ``integrity``: attested record id → None when its stored envelope holds it, else why
    not. A record without an attestation is not counted.
    """
    mapping, problems = map_products(registry, link, products, suppliers)
    versions = {p.id: p.versions for p in products if p.id in mapping}
    owner = {p.id: p.supplier for p in products}
    refs = _Refs(mapping, versions)
    evidence: list[Evidence] = []
    counted: list[str] = []
    not_counted: dict[str, str] = {}
    for ident, record in sorted(registry.records.items()):
        why = _not_attested(record, integrity)
        made = None if why else _record(record, registry, refs, owner, as_of)
        if why is None and isinstance(made, str):
            why = made
        if why is not None:
            not_counted[ident] = why
            continue
        counted.append(ident)  # a review engagement or practice review may give no record
        if made is not None and not isinstance(made, str):
            evidence.append(made)
    view = RegistryView(
        label=label,
        registry=registry,
        products=mapping,
        counted=tuple(counted),
        not_counted=not_counted,
    )
    return Projection(view, evidence, problems)


def _not_attested(record: LabRecord, integrity: Mapping[str, str | None]) -> str | None:
    if record.attestation is None:
        return "entered in the registry, not attested: only verified attestations count"
    return integrity.get(record.id, "its attestation was not checked")


@dataclass(frozen=True)
class _Refs:
    """Canonical product versions as the model's PRODUCT@VERSION references."""

    mapping: Mapping[str, str]
    versions: Mapping[str, tuple[str, ...]]

    def of(self, canonical: str, wanted: Sequence[str]) -> tuple[str, ...]:
        return tuple(
            f"{model_id}@{v}"
            for model_id, target in self.mapping.items()
            if target == canonical
            for v in wanted
            if v in self.versions[model_id]
        )

    def all_of_supplier(self, registry: Registry, supplier: str) -> Iterator[tuple[str, str]]:
        """(model product id, reference) for every declared version of the supplier."""
        for model_id, canonical in self.mapping.items():
            entry = registry.products[canonical]
            if entry.supplier == supplier:
                for v in self.versions[model_id]:
                    yield model_id, f"{model_id}@{v}"


NOT_HERE = "concerns no product version this model declares"


def _record(
    record: LabRecord,
    registry: Registry,
    refs: _Refs,
    owner: Mapping[str, str],
    as_of: dt.date,
) -> Evidence | str | None:
    """The evidence record, or why there is none (a text), or None when the kind gives
    none (a source-code review engagement is known by its findings)."""
    lab = registry.labs[record.lab].name if record.lab in registry.labs else record.lab
    note = _origin(record)
    if isinstance(record, PracticeReview):
        return _statement(record, registry, refs, owner, lab, note)
    if isinstance(record, LabEvaluation):
        if record.scheme.kind is SchemeKind.SOURCE_CODE_REVIEW or record.result is None:
            return None
        products = refs.of(record.product, record.versions)
        if not products:
            return NOT_HERE
        scheme = record.scheme
        return Evaluation(
            **_header(record, lab, note),
            type="evaluation",
            scheme=f"{scheme.name} {scheme.version}" if scheme.version else scheme.name,
            products=products,
            lab=lab,
            scas=record.scas,
            result=record.result,
            valid_until=record.valid_until,
        )
    if isinstance(record, LabFinding):
        return _finding(record, registry, refs, owner, lab, note, as_of)
    products = refs.of(record.product, (record.version,))
    if not products:
        return NOT_HERE
    return _equivalence(record, products[0], lab, note)


def _header(record: LabRecord, lab: str, note: str, title: str | None = None) -> dict[str, Any]:
    """The fields every evidence record made from a lab record shares: its id, title,
    date, report, the lab as issuer, and where it came from."""
    return {
        "id": record.id,
        "title": title or record.title,
        "date": record.date,
        "issuer": lab,
        "link": record.link,
        "sha256": record.sha256,
        "note": note,
    }


def _origin(record: LabRecord) -> str:
    attested = record.attestation
    assert attested is not None  # only attested records are projected
    return (
        f"from the product registry: {record.type} {record.id} of lab {record.lab}, attested "
        f"by {attested.signer} (envelope {attested.envelope}, verified {attested.verified_on})"
    )


def _finding(
    record: LabFinding,
    registry: Registry,
    refs: _Refs,
    owner: Mapping[str, str],
    lab: str,
    note: str,
    as_of: dt.date,
) -> Finding | str:
    state = state_on(record, as_of)
    if state is None:
        return f"found on {record.date}, after the model's date {as_of}"
    affected = refs.of(record.product, record.affected)
    if not affected:
        return NOT_HERE
    title = record.title
    if record.embargo_until is not None and record.embargo_until > as_of:
        title = f"{record.severity.value} finding under embargo until {record.embargo_until}"
    fix = fixed_in(record, as_of)
    if fix is not None and state is not FindingState.RISK_ACCEPTED:
        title += f" (fixed in {fix}; {state.value})"
    source: Literal["source-review", "engineering-audit", "evaluation"] = "source-review"
    if record.review is not None:
        source = "engineering-audit"
    elif isinstance(evaluation := registry.records.get(record.evaluation or ""), LabEvaluation):
        kind = evaluation.scheme.kind
        source = "source-review" if kind is SchemeKind.SOURCE_CODE_REVIEW else "evaluation"
    model_product = affected[0].partition("@")[0]
    return Finding(
        **_header(record, lab, f"{note}; lifecycle state on {as_of}: {state.value}", title),
        type="finding",
        subject=owner[model_product],
        severity=record.severity,
        status=FindingStatus.ACCEPTED
        if state is FindingState.RISK_ACCEPTED
        else FindingStatus.OPEN,
        affected=affected,
        source=source,
    )


def _equivalence(record: LabEquivalence, product: str, lab: str, note: str) -> Equivalence:
    return Equivalence(
        **_header(record, lab, f"{note}; checked against {record.method.value}"),
        type="equivalence",
        subject=product,
        product=product,
        identical=record.identical,
        differing=record.differing,
        missing=record.missing,
        extra=record.extra,
        reviewed=record.reference,
        deployed=record.deployed,
        differing_paths=record.differing_paths,
        missing_paths=record.missing_paths,
        extra_paths=record.extra_paths,
    )


def _statement(
    record: PracticeReview,
    registry: Registry,
    refs: _Refs,
    owner: Mapping[str, str],
    lab: str,
    note: str,
) -> AssuranceStatement | str | None:
    if record.assurance is None:
        return None
    pairs = list(refs.all_of_supplier(registry, record.supplier))
    if not pairs:
        return NOT_HERE
    return AssuranceStatement(
        **_header(record, lab, note),
        type="assurance-statement",
        subject=owner[pairs[0][0]],
        level=record.assurance,
        products=tuple(ref for _, ref in pairs),
    )
