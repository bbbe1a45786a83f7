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


SCHEMAS = {"model": model_schema}


def schema_json(name: str) -> str:
    """A published schema as stable, pretty-printed JSON text."""
    return json.dumps(SCHEMAS[name](), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
