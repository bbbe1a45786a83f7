"""JSON Schemas published for fiveguard's file formats, generated from the domain types."""

from __future__ import annotations

import json
from typing import Any

from fiveguard.domain.network import ModelDocument

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def model_schema() -> dict[str, Any]:
    """JSON Schema of a national model file (the YAML document)."""
    schema = ModelDocument.model_json_schema(mode="validation")
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://fiveguard.invalid/schema/model.schema.json",
        "title": "fiveguard national model",
        "description": (
            "A national 5G network model for fiveguard (format version 1). Radio sites may "
            "also be listed in CSV files named under 'sites'; see docs/model-format.md."
        ),
        **body,
    }


def assessment_schema() -> dict[str, Any]:
    """JSON Schema of the assessment document (``fiveguard assess --json``, assessment.json)."""
    from fiveguard.assess.results import Assessment  # deferred: the engines are not IO

    schema = Assessment.model_json_schema(mode="serialization")
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://fiveguard.invalid/schema/assessment.schema.json",
        "title": "fiveguard assessment",
        "description": (
            "The national 5G risk assessment of one model: supplier profiles, restriction-"
            "policy violations, supplier diversity, the R1-R9 risk register and the toolbox "
            "gap; see docs/assessment.md."
        ),
        **body,
    }


def comparison_schema() -> dict[str, Any]:
    """JSON Schema of the comparison of two assessments (``fiveguard compare --json``)."""
    from fiveguard.compare.results import Comparison  # deferred, as for the assessment

    schema = Comparison.model_json_schema(mode="serialization")
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://fiveguard.invalid/schema/comparison.schema.json",
        "title": "fiveguard comparison",
        "description": (
            "What changed between two assessments of one country: policy findings resolved "
            "and new, the phase-out of high-risk suppliers against each deadline, measures, "
            "risk levels and supplier shares; see docs/report.md."
        ),
        **body,
    }


def validation_schema() -> dict[str, Any]:
    """JSON Schema of what ``fiveguard validate --json`` prints."""
    from fiveguard.assess.summary import ModelSummary  # deferred, as for the assessment
    from fiveguard.modelio.report import ValidationReport

    schema = ValidationReport[ModelSummary].model_json_schema(mode="serialization")
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://fiveguard.invalid/schema/validation.schema.json",
        "title": "fiveguard validation result",
        "description": (
            "What 'fiveguard validate --json' prints: whether the model is valid, every "
            "problem (error or warning) with its file, line, column and field, and the "
            "model's summary when valid; see docs/model-format.md."
        ),
        **body,
    }


def _national_summary_schema() -> dict[str, Any]:
    from fiveguard.exchange.schema import national_summary_schema  # deferred: not model IO

    return national_summary_schema()


def _coordination_schema() -> dict[str, Any]:
    from fiveguard.exchange.schema import coordination_schema

    return coordination_schema()


def lab_attestation_schema() -> dict[str, Any]:
    """JSON Schema of the payload of a lab attestation: an in-toto Statement v1 whose
    predicate is what a lab attests about versions of a product (``fiveguard lab attest``)."""
    from fiveguard.lab.attestation import PREDICATE_TYPE, LabStatement

    schema = LabStatement.model_json_schema(mode="validation", by_alias=True)
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://fiveguard.invalid/schema/lab-attestation.schema.json",
        "title": "fiveguard lab attestation",
        "description": (
            f"The payload of a lab attestation's DSSE envelope: an in-toto Statement v1 about "
            f"the artefact digests of product versions, predicate type {PREDICATE_TYPE}, "
            "serialised by RFC 8785; see docs/labs.md."
        ),
        **body,
    }


def registry_record_schema() -> dict[str, Any]:
    """JSON Schema of a lab record file of a product registry (``records/<id>.yaml``)."""
    from pydantic import TypeAdapter

    from fiveguard.domain.lab import LabRecord

    schema = TypeAdapter(LabRecord).json_schema(mode="validation")
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://fiveguard.invalid/schema/lab-record.schema.json",
        "title": "fiveguard lab record",
        "description": (
            "A lab record of a product registry: an evaluation, a finding with its history, "
            "an engineering-practice review or an equivalence check; see docs/labs.md."
        ),
        **body,
    }


SCHEMAS = {
    "model": model_schema,
    "assessment": assessment_schema,
    "validation": validation_schema,
    "national-summary": _national_summary_schema,
    "coordination": _coordination_schema,
    "lab-attestation": lab_attestation_schema,
    "lab-record": registry_record_schema,
    "comparison": comparison_schema,
}


def schema_json(name: str) -> str:
    """A published schema as stable, pretty-printed JSON text."""
    return json.dumps(SCHEMAS[name](), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
