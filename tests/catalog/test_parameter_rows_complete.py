"""`fiveguard catalog simulation` shows every parameter that sets how often, how hard or how
long events strike: each number of those sections of the catalogue has a row."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from fiveguard.catalog.parameters import parameter_rows
from fiveguard.domain.catalogue import Catalogue

SECTIONS = (
    "supplier_update", "product_fault", "misconfiguration", "power_loss", "asset_failure",
    "measure_effects", "change_push", "limit_reached", "incident_time", "roaming", "storms",
)  # fmt: skip
NOT_RATES = {"record_rate", "reach_share"}
"""Names of record rules, not numbers: the rows they set are checked through the values."""


def numbers(value: object, path: str) -> Iterator[str]:
    """Paths of the numbers under ``value`` (lists of thresholds' conditions end at the
    list: its row states every condition)."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        yield path
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in NOT_RATES:
                yield from numbers(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from numbers(item, f"{path}.{getattr(key, 'value', key)}")
    elif isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        ids = [getattr(item, "id", None) for item in value]
        if all(ids):
            for key, item in zip(ids, value, strict=True):
                if any(True for _ in numbers(item, "")):
                    yield f"{path}.{key}"


def test_every_number_of_the_rate_sections_has_a_row(catalogue: Catalogue) -> None:
    shown = [row.parameter for row in parameter_rows(catalogue)]
    expected = [
        leaf
        for section in SECTIONS
        for leaf in numbers(getattr(catalogue.simulation, section), f"simulation.{section}")
    ]
    assert len(expected) > 40
    missing = [
        leaf
        for leaf in expected
        if not any(leaf == row or leaf.startswith(row + ".") for row in shown)
    ]
    assert missing == []


def test_storm_and_time_rows_name_their_sources(catalogue: Catalogue) -> None:
    rows = {row.parameter: row for row in parameter_rows(catalogue)}
    storm = rows["simulation.storms.customer_share"]
    assert storm.value.startswith("0.3 ") and "in-sample" in storm.derivation
    assert "KDDI" in storm.sources
    fault = rows["simulation.incident_time.restoration.product-fault"]
    assert fault.value == "log-normal, median 10 h, sigma 0.8"
    assert fault.derivation.startswith("set from reported restoration times")
    update = rows["simulation.incident_time.restoration.supplier-update"]
    assert update.derivation.startswith("editorial")
    threshold = rows["simulation.incident_time.reporting_thresholds.jp-mic"]
    assert threshold.value == "per operator: ≥ 30,000 users and ≥ 1 h"
