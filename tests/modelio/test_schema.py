"""The published JSON Schema is the one the code generates, and it describes real models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from fiveguard.modelio.schema import SCHEMAS, schema_json

ROOT = Path(__file__).parents[2]


def test_published_model_schema_matches_the_code() -> None:
    published = (ROOT / "docs" / "schema" / "model.schema.json").read_text(encoding="utf-8")
    assert published == schema_json("model"), (
        "docs/schema/model.schema.json is stale: run "
        "`fiveguard schema model > docs/schema/model.schema.json`"
    )


def test_every_published_schema_is_a_valid_json_schema() -> None:
    for name in SCHEMAS:
        schema = json.loads(schema_json(name))
        jsonschema.Draft202012Validator.check_schema(schema)


def test_example_model_validates_against_the_schema() -> None:
    document = yaml.safe_load((ROOT / "examples" / "small" / "model.yaml").read_text())
    # dates are strings in JSON; the schema speaks JSON
    document = json.loads(json.dumps(document, default=str))
    jsonschema.validate(document, json.loads(schema_json("model")))


def test_schema_rejects_an_unknown_section() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_json("model")))
    errors = list(validator.iter_errors({"fiveguard": 1, "scope": {}, "networks": []}))
    assert any("networks" in e.message for e in errors)


def test_model_format_doc_names_every_field() -> None:
    """docs/model-format.md documents each field the schema has, written as `field`."""
    doc = (ROOT / "docs" / "model-format.md").read_text(encoding="utf-8")
    schema = json.loads(schema_json("model"))
    missing = sorted(
        f"{owner}.{name}"
        for owner, definition in [("model", schema), *schema["$defs"].items()]
        for name in definition.get("properties", {})
        if f"`{name}`" not in doc
    )
    assert missing == [], f"fields not documented in docs/model-format.md: {missing}"
