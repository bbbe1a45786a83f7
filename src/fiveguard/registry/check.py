"""Checks across a registry: every reference resolves, identifiers are one company's, and
each finding's history follows the lifecycle. Pure; problems name the entry and the field."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from fiveguard.domain.evidence import EvaluationResult
from fiveguard.domain.lab import (
    LabEvaluation,
    LabFinding,
    PracticeReview,
    TestCaseResult,
    versions_of,
)
from fiveguard.domain.registry import Registry
from fiveguard.evidence.cvss import cvss3_base_score
from fiveguard.lab.audit import chain
from fiveguard.lab.lifecycle import history_problems

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class EntryProblem:
    """A problem with one entry: its section, its id, the field, and what is wrong."""

    section: str
    id: str
    path: PathKey
    message: str


Bad = Callable[[PathKey, str], EntryProblem]
"""Makes a problem of the record being checked: (field, message)."""


def registry_problems(registry: Registry) -> list[EntryProblem]:
    """Every cross-reference and lifecycle problem of the registry."""
    return [*_identifiers(registry), *_products(registry), *_records(registry)]


def _identifiers(registry: Registry) -> Iterator[EntryProblem]:
    for key in ("lei", "registry_id"):
        seen: dict[str, str] = {}
        for supplier in registry.suppliers.values():
            value = getattr(supplier, key)
            if value is None:
                continue
            if value in seen:
                yield EntryProblem(
                    "suppliers",
                    supplier.id,
                    (key,),
                    f"{key} {value} is also supplier {seen[value]!r}'s: one company, one entry",
                )
            seen.setdefault(value, supplier.id)


def _products(registry: Registry) -> Iterator[EntryProblem]:
    for product in registry.products.values():
        if product.supplier not in registry.suppliers:
            yield EntryProblem(
                "products",
                product.id,
                ("supplier",),
                f"{product.supplier!r} is not a supplier of the registry",
            )
        seen: set[str] = set()
        for i, version in enumerate(product.versions):
            if version.version in seen:
                yield EntryProblem(
                    "products", product.id, ("versions", i), f"version {version.version} twice"
                )
            seen.add(version.version)


def _records(registry: Registry) -> Iterator[EntryProblem]:
    reviews = registry.reviews()
    for record in registry.records.values():
        bad: Bad = partial(EntryProblem, "records", record.id)
        if record.lab not in registry.labs:
            yield bad(("lab",), f"{record.lab!r} is not a lab of the registry")
        if isinstance(record, PracticeReview):
            yield from _review(record, registry, reviews, bad)
            continue
        field, versions = versions_of(record)
        yield from _versions(record.product, versions, field, registry, bad)
        if isinstance(record, LabEvaluation):
            yield from _evaluation(record, bad)
        elif isinstance(record, LabFinding):
            yield from _finding(record, registry, reviews, bad)


def _versions(
    product: str, versions: tuple[str, ...], field: str, registry: Registry, bad: Bad
) -> Iterator[EntryProblem]:
    entry = registry.products.get(product)
    if entry is None:
        yield bad(("product",), f"{product!r} is not a product of the registry")
        return
    for i, version in enumerate(versions):
        if entry.version(version) is None:
            where: PathKey = (field, i) if field != "version" else (field,)
            yield bad(
                where,
                f"{product} has no version {version!r} in the registry; versions: "
                + ", ".join(v.version for v in entry.versions),
            )


def _evaluation(record: LabEvaluation, bad: Bad) -> Iterator[EntryProblem]:
    seen: set[tuple[str, str]] = set()
    for i, case in enumerate(record.test_cases):
        if record.scas and case.spec not in record.scas:
            yield bad(
                ("test_cases", i, "spec"),
                f"{case.spec} is not in the evaluation's scope (scas: {', '.join(record.scas)})",
            )
        if (case.spec, case.id) in seen:
            yield bad(("test_cases", i, "id"), f"test case {case.spec} {case.id} listed twice")
        seen.add((case.spec, case.id))
    failed = [c for c in record.test_cases if c.result is TestCaseResult.FAIL]
    if failed and record.result is EvaluationResult.PASS:
        yield bad(
            ("result",),
            f"result pass, but {len(failed)} test case(s) failed ("
            + ", ".join(c.id for c in failed[:3])
            + "): expected pass-with-findings or fail",
        )


def _finding(
    record: LabFinding, registry: Registry, reviews: dict[str, PracticeReview], bad: Bad
) -> Iterator[EntryProblem]:
    for index, message in history_problems(record):
        yield bad(("history", index), message)
    if record.cvss is not None and cvss3_base_score(record.cvss) is None:
        yield bad(
            ("cvss",),
            f"expected a complete CVSS v3.x vector such as "
            f"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, got {record.cvss!r}",
        )
    if record.evaluation is not None and not isinstance(
        registry.records.get(record.evaluation), LabEvaluation
    ):
        yield bad(("evaluation",), f"{record.evaluation!r} is not an evaluation of the registry")
    if record.review is not None:
        review = reviews.get(record.review)
        if review is None:
            yield bad(("review",), f"{record.review!r} is not a practice review of the registry")
        else:
            product = registry.products.get(record.product)
            if product is not None and product.supplier != review.supplier:
                yield bad(
                    ("review",),
                    f"review {review.id} is of supplier {review.supplier}, but {record.product} "
                    f"is {product.supplier}'s",
                )
    for i, event in enumerate(record.history):
        if event.fixed_in is not None and not registry.version_known(
            record.product, event.fixed_in
        ):
            yield bad(
                ("history", i, "fixed_in"),
                f"{record.product} has no version {event.fixed_in!r} in the registry",
            )


def _review(
    record: PracticeReview, registry: Registry, reviews: dict[str, PracticeReview], bad: Bad
) -> Iterator[EntryProblem]:
    if record.supplier not in registry.suppliers:
        yield bad(("supplier",), f"{record.supplier!r} is not a supplier of the registry")
    if record.previous is None:
        return
    before = reviews.get(record.previous)
    if before is None:
        yield bad(("previous",), f"{record.previous!r} is not a practice review of the registry")
    elif before.supplier != record.supplier:
        yield bad(("previous",), f"{before.id} reviews {before.supplier}, not {record.supplier}")
    elif before.date >= record.date:
        yield bad(("previous",), f"{before.id} is dated {before.date}, not before this review")
    elif record.id in {r.id for r in chain(before, reviews)}:
        yield bad(("previous",), "the reviews' previous links make a loop")
