"""Checks of the measure, control and override records and of the evidence records."""

from __future__ import annotations

from collections.abc import Container, Sequence

from fiveguard.domain.evidence import (
    AssuranceStatement,
    Certificate,
    Equivalence,
    Evaluation,
    Finding,
    Sbom,
    VulnerabilityScan,
)
from fiveguard.domain.network import ControlRecord, MeasureRecord, RiskOverride
from fiveguard.modelio.validate_assets import AssetChecks


class RecordChecks(AssetChecks):
    """Measure, control and override records; evidence records and what they name."""

    def check_records(self) -> None:
        records: list[
            tuple[
                str,
                str,
                Sequence[MeasureRecord | ControlRecord | RiskOverride],
                Container[str],
                str,
            ]
        ] = [
            ("measures", "measure", self.doc.measures, self.cat.measures, "toolbox measure"),
            (
                "controls",
                "requirement",
                self.doc.controls,
                self.cat.controls.requirements(),
                "ENISA requirement",
            ),
            ("overrides", "risk", self.doc.overrides, self.cat.risks, "risk"),
        ]
        for section, key, items, known, what in records:
            for i, record in enumerate(items):
                value = getattr(record, key)
                if value not in known:
                    self.at_item(section, i, (key,), f"unknown {what} {value!r}")
                if record.operator is not None and record.operator not in self.operators:
                    self.at_item(
                        section, i, ("operator",), f"{record.operator!r} is not a declared operator"
                    )
                for j, ref in enumerate(getattr(record, "evidence", ())):
                    if ref not in self.evidence:
                        self.at_item(
                            section,
                            i,
                            ("evidence", j),
                            f"{ref!r} is not a declared evidence record",
                        )
        for i, override in enumerate(self.doc.overrides):
            if override.likelihood is None and override.impact is None:
                self.at_item(
                    "overrides", i, (), "an override needs a likelihood, an impact or both"
                )
        seen: dict[tuple[str, str | None], int] = {}
        for i, measure in enumerate(self.doc.measures):
            pair = (measure.measure, measure.operator)
            if pair in seen:
                self.at_item(
                    "measures",
                    i,
                    (),
                    f"{measure.measure} for {measure.operator or 'national'} "
                    f"is already recorded at "
                    f"measures[{self.sources.file_index('measures', seen[pair])}]",
                )
            seen[pair] = i

    # -- evidence records
    def check_evidence(self) -> None:
        for i, record in enumerate(self.doc.evidence):
            if record.subject is not None and not self.is_subject(record.subject):
                self.at_evidence(
                    i,
                    ("subject",),
                    f"{record.subject!r} is not a declared supplier, operator, asset, product or "
                    "PRODUCT@VERSION",
                )
            refs: Sequence[str] = ()
            field = ""
            if isinstance(record, Evaluation | Certificate | AssuranceStatement):
                refs, field = record.products, "products"
            elif isinstance(record, Finding):
                refs, field = record.affected, "affected"
                if not refs and record.subject not in self.suppliers:
                    self.at_evidence(
                        i,
                        ("affected",),
                        "a finding without affected versions must name a supplier as its "
                        f"subject (it then concerns every version of that supplier); "
                        f"{record.subject!r} is not a declared supplier",
                    )
            elif isinstance(record, Equivalence | Sbom | VulnerabilityScan):
                refs, field = (record.product,), "product"
            for j, ref in enumerate(refs):
                for _, message in self.product_problems(ref, None):
                    self.at_evidence(i, (field, j) if field != "product" else (field,), message)

    def at_evidence(self, index: int, rest: tuple[str | int, ...], message: str) -> None:
        """A problem with evidence record ``index``: in the model file or its stored file."""
        stored = self.sources.stored_evidence.get(index)
        if stored is not None:
            self.problems.append(stored.problem(rest, message))
        else:
            self.at_item("evidence", index, rest, message)

    def is_subject(self, subject: str) -> bool:
        if "@" in subject:
            return not list(self.product_problems(subject, None))
        return (
            subject in self.suppliers
            or subject in self.operators
            or subject in self.product_ids
            or subject in self.assets
            or subject in self.regions
        )
