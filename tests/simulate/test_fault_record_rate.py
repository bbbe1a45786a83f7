"""simulation.product_fault.record_rate: the incident record sets the scale of product
faults, the supplier's quality the spread."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fiveguard.catalog import load_catalogue
from fiveguard.catalog.rates import annual_probability, derive_rate
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.network import FactorScore, Supplier, SupplierProfile
from fiveguard.simulate.sources import fault_probability

EXAMPLE = Path(__file__).parents[2] / "examples" / "catalogues" / "record-product-faults.yaml"


def supplier(quality: str) -> Supplier:
    profile = SupplierProfile(product_quality=FactorScore(score=Level(quality), rationale="r"))
    return Supplier(id="s", name="S", headquarters="SE", ownership="listed", profile=profile)


def test_the_medium_level_is_the_record_rate_and_the_others_keep_their_ratio(
    catalogue: Catalogue,
) -> None:
    calibrated = load_catalogue(EXAMPLE)
    rule = calibrated.incidents.rates["product-fault-per-deployment"]
    target = annual_probability(derive_rate(calibrated.incidents, rule).mean)
    levels = catalogue.simulation.product_fault.annual_probability
    medium, steps = fault_probability(supplier("medium"), calibrated)
    assert math.isclose(medium, target, rel_tol=1e-12)
    for name in ("low", "high"):
        p, _ = fault_probability(supplier(name), calibrated)
        assert math.isclose(p / medium, getattr(levels, name) / levels.medium, rel_tol=1e-12)
    assert steps[-1].parameter == (
        "simulation.product_fault.record_rate = product-fault-per-deployment"
    )
    assert "incidents.rates.product-fault-per-deployment" in steps[-1].note
    # without record_rate the packaged levels stand, and no step mentions the record
    packaged, packaged_steps = fault_probability(supplier("medium"), catalogue)
    assert packaged == levels.medium
    assert all("record_rate" not in s.parameter for s in packaged_steps)


def test_an_unknown_record_rate_is_located(tmp_path: Path) -> None:
    path = tmp_path / "override.yaml"
    path.write_text(
        "simulation:\n  product_fault:\n    record_rate: product-faults-everywhere\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    [problem] = [str(p) for p in caught.value.problems]
    assert "override.yaml:3:" in problem
    assert "unknown rate 'product-faults-everywhere'" in problem


def test_a_record_rate_needs_a_medium_level_to_scale(tmp_path: Path) -> None:
    path = tmp_path / "override.yaml"
    path.write_text(
        "simulation:\n  product_fault:\n    record_rate: product-fault-per-deployment\n"
        "    annual_probability: {low: 0.0, medium: 0.0, high: 0.0}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    assert any("medium annual_probability above 0" in str(p) for p in caught.value.problems)
