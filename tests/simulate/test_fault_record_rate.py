"""simulation.product_fault.record_rate: the incident record sets the scale of product
faults, the supplier's quality the spread."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from fiveguard.catalog import load_catalogue
from fiveguard.catalog.rates import annual_probability, derive_rate, derive_share
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.network import FactorScore, Supplier, SupplierProfile
from fiveguard.simulate.sources import fault_probability, fault_reach


def supplier(quality: str) -> Supplier:
    profile = SupplierProfile(product_quality=FactorScore(score=Level(quality), rationale="r"))
    return Supplier(id="s", name="S", headquarters="SE", ownership="listed", profile=profile)


def test_the_medium_level_is_the_record_rate_and_the_others_keep_their_ratio(
    catalogue: Catalogue,
) -> None:
    calibrated = catalogue  # the packaged catalogue takes the scale from the record
    rule = calibrated.incidents.rates["product-fault-per-deployment"]
    target = annual_probability(derive_rate(calibrated.incidents, rule).mean)
    levels = catalogue.simulation.product_fault.annual_probability
    medium, steps = fault_probability(supplier("medium"), calibrated)
    assert math.isclose(medium * fault_reach(calibrated), target, rel_tol=1e-12)
    for name in ("low", "high"):
        p, _ = fault_probability(supplier(name), calibrated)
        assert math.isclose(p / medium, getattr(levels, name) / levels.medium, rel_tol=1e-12)
    [scaled] = [
        s for s in steps if s.parameter.endswith("record_rate = product-fault-per-deployment")
    ]
    assert "incidents.rates.product-fault-per-deployment" in scaled.note
    # without record_rate the levels stand, and no step mentions the record
    fault = catalogue.simulation.product_fault.model_copy(
        update={"record_rate": None, "reach_share": None}
    )
    editorial = catalogue.model_copy(
        update={"simulation": catalogue.simulation.model_copy(update={"product_fault": fault})}
    )
    plain, plain_steps = fault_probability(supplier("medium"), editorial)
    assert plain == levels.medium
    assert all("record_rate" not in s.parameter for s in plain_steps)


def test_the_packaged_catalogue_is_calibrated_on_the_record(catalogue: Catalogue) -> None:
    fault = catalogue.simulation.product_fault
    assert fault.record_rate == "product-fault-per-deployment"
    assert fault.reach_share == "product-fault-shared"
    record = catalogue.incidents
    deployment = annual_probability(derive_rate(record, record.rates[fault.record_rate]).mean)
    p, steps = fault_probability(supplier("medium"), catalogue)
    reach = derive_share(record, record.shares[fault.reach_share]).mean
    assert math.isclose(p, deployment / reach, rel_tol=1e-12)
    assert [s.parameter for s in steps[-2:]] == [
        "simulation.product_fault.record_rate = product-fault-per-deployment",
        "simulation.product_fault.reach_share = product-fault-shared",
    ]


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


def test_an_override_setting_the_record_aside_takes_the_levels_as_they_stand(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = tmp_path / "editorial.yaml"
    path.write_text(
        "simulation:\n  product_fault:\n    record_rate: null\n    reach_share: null\n",
        encoding="utf-8",
    )
    editorial = load_catalogue(path)
    levels = catalogue.simulation.product_fault.annual_probability
    p, steps = fault_probability(supplier("high"), editorial)
    assert p == levels.high
    assert not any("record_rate" in s.parameter or "reach_share" in s.parameter for s in steps)
