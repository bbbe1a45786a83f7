"""JSON Schemas of the exchange's formats, published in docs/schema/ like the model's."""

from __future__ import annotations

from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _published(schema: dict[str, Any], name: str, title: str, description: str) -> dict[str, Any]:
    body = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://fiveguard.invalid/schema/{name}.schema.json",
        "title": title,
        "description": description,
        **body,
    }


def national_summary_schema() -> dict[str, Any]:
    """The predicate of a national summary envelope (in-toto predicateType
    https://fiveguard.invalid/exchange/national-summary/v1)."""
    from fiveguard.exchange.summary import NationalSummary

    return _published(
        NationalSummary.model_json_schema(mode="validation"),
        "national-summary",
        "fiveguard national summary (predicate, format version 1)",
        "What a member state sends: supplier profiles, the R1-R9 register, measure status, "
        "supplier shares and HHI, policy results as counts and simulation summaries, with "
        "TLP labels and recipients; never the inventory. See docs/exchange.md.",
    )


def coordination_schema() -> dict[str, Any]:
    """The coordinated EU view (coordination.json)."""
    from fiveguard.exchange.coordination import Coordination

    return _published(
        Coordination.model_json_schema(mode="serialization"),
        "coordination",
        "fiveguard coordinated EU view",
        "The coordinated view built from verified national summaries: supplier profiles "
        "across states, the state x risk and state x measure matrices, EU-wide supplier "
        "shares, cross-border common-mode exposure; every cell keeps its source's label. "
        "See docs/exchange.md.",
    )
