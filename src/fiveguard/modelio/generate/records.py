"""Synthetic measure records and evidence records for a generated model."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from fiveguard.domain.evidence import Evidence
from fiveguard.domain.network import MeasureRecord, MeasureStatus
from fiveguard.modelio.generate.plan import AS_OF, Plan
from fiveguard.modelio.generate.suppliers import HIGH, LOW

_EVIDENCE: TypeAdapter[Any] = TypeAdapter(Evidence)

_STATUS = (
    MeasureStatus.IMPLEMENTED,
    MeasureStatus.IN_PROGRESS,
    MeasureStatus.PLANNED,
    MeasureStatus.NOT_STARTED,
)


def measure_records(rng: np.random.Generator, plan: Plan) -> tuple[MeasureRecord, ...]:
    """Strategic measures and supporting actions nationally, technical ones per operator."""
    wanted: list[tuple[str, str | None]] = [(f"SM0{i}", None) for i in range(1, 9)]
    wanted += [(f"SA{i:02d}", None) for i in range(1, 11)]
    wanted += [(f"TM{i:02d}", op) for op in plan.operator_ids for i in range(1, 12)]
    records = []
    for measure, operator in wanted:
        status = _STATUS[int(rng.choice(4, p=[0.45, 0.25, 0.2, 0.1]))]
        done = status is MeasureStatus.IMPLEMENTED
        date = AS_OF - dt.timedelta(days=int(rng.integers(30, 1500))) if done else None
        evidence: tuple[str, ...] = ()
        if measure == "TM07" and operator is not None:
            evidence = (f"ev-audit-{operator}",)
        elif measure in ("SM01", "SM03"):
            evidence = ("ev-law-national",)
        records.append(
            MeasureRecord(
                measure=measure, operator=operator, status=status, date=date, evidence=evidence
            )
        )
    return tuple(records)


def evidence_records(plan: Plan) -> tuple[Any, ...]:
    """A national law, an audit per operator, and assurance records for two suppliers."""
    low, high = plan.suppliers[LOW].id, plan.suppliers[HIGH].id
    low_gnb = [f"{plan.product_id(LOW, 'ran.gnb')}@{v}" for v in plan.versions[(LOW, "ran.gnb")]]
    high_gnb = [
        f"{plan.product_id(HIGH, 'ran.gnb')}@{v}" for v in plan.versions.get((HIGH, "ran.gnb"), ())
    ] or low_gnb
    records: list[dict[str, Any]] = [
        {"id": "ev-law-national", "type": "law", "title": "Synthetic national security law",
         "date": dt.date(2021, 1, 1)},
        {"id": "ev-law-third-state", "type": "law", "subject": high,
         "title": "Synthetic third-state law obliging cooperation with intelligence services"},
        *({"id": f"ev-audit-{op}", "type": "audit", "subject": op,
           "title": f"Synthetic audit of {op}", "date": AS_OF - dt.timedelta(days=90)}
          for op in plan.operator_ids),
        {"id": f"ev-eval-{low}", "type": "evaluation", "scheme": "GSMA NESAS",
         "title": f"Synthetic NESAS evaluation of {low}", "products": low_gnb, "result": "pass",
         "date": AS_OF - dt.timedelta(days=200)},
        {"id": f"ev-cert-{low}", "type": "certificate", "scheme": "Synthetic certification",
         "identifier": "SYN-0001", "title": f"Synthetic certificate of {low_gnb[0]}",
         "products": low_gnb[:1], "valid_from": dt.date(2023, 1, 1),
         "valid_to": AS_OF - dt.timedelta(days=30)},  # expired before as_of, on purpose
        {"id": f"ev-finding-{high}", "type": "finding", "severity": "high", "status": "open",
         "title": "Synthetic source-review finding", "affected": high_gnb,
         "source": "source-review"},
        {"id": f"ev-assure-{high}", "type": "assurance-statement", "level": "limited",
         "title": f"Synthetic assurance statement on {high}", "subject": high},
        {"id": f"ev-equiv-{high}", "type": "equivalence", "product": high_gnb[-1],
         "title": "Synthetic binary-equivalence check", "identical": 900, "differing": 40,
         "missing": 3, "extra": 7},
    ]  # fmt: skip
    return tuple(_EVIDENCE.validate_python(record) for record in records)
