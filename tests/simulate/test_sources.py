"""Event-source probabilities follow the catalogue and the measures in place, and say how."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fiveguard.catalog import load_catalogue
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import FactorScore, Supplier, SupplierProfile
from fiveguard.modelio.load import load_model
from fiveguard.simulate import prepare
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.sources import fault_probability, update_probability

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


@pytest.fixture(scope="module")
def small(catalogue: Catalogue) -> NetworkModel:
    return load_model(EXAMPLE, catalogue)


def supplier(**levels: str) -> Supplier:
    profile = SupplierProfile(
        **{f: FactorScore(score=Level(v), rationale="r") for f, v in levels.items()}
    )
    return Supplier(id="s", name="S", headquarters="SE", ownership="listed", profile=profile)


def test_a_high_interference_profile_gives_the_high_update_probability(
    catalogue: Catalogue,
) -> None:
    p, steps = update_probability(
        supplier(government_link="high", legislation="high", ownership="medium", pressure="high"),
        catalogue,
    )
    assert p == catalogue.simulation.supplier_update.annual_probability.high
    assert "2.75 → high" in steps[1].value
    assert steps[-1].parameter == "simulation.supplier_update.annual_probability.high"


def test_unscored_factors_are_never_read_as_low(catalogue: Catalogue) -> None:
    p, steps = update_probability(supplier(), catalogue)
    assert p == catalogue.simulation.supplier_update.annual_probability.high
    assert "(unscored)" in steps[0].value
    low, _ = update_probability(
        supplier(government_link="low", legislation="low", ownership="low", pressure="low"),
        catalogue,
    )
    assert low == catalogue.simulation.supplier_update.annual_probability.low
    medium, _ = update_probability(
        supplier(
            government_link="medium", legislation="medium", ownership="low", pressure="medium"
        ),
        catalogue,
    )
    assert medium == catalogue.simulation.supplier_update.annual_probability.medium


def test_product_quality_sets_the_version_fault_probability(catalogue: Catalogue) -> None:
    rates = catalogue.simulation.product_fault.annual_probability
    assert fault_probability(supplier(product_quality="low"), catalogue)[0] == rates.low
    assert fault_probability(supplier(), catalogue)[0] == rates.high


def test_measures_in_place_lower_probabilities_per_operator(
    small: NetworkModel, catalogue: Catalogue
) -> None:
    effects = operator_effects(small, catalogue)
    # op-a has TM07 implemented, op-b in progress (half the effect); SM03 is not an effect
    tm07 = catalogue.simulation.measure_effects["tm07-update-integrity"].multiplier
    assert tm07 is not None
    assert effects.reach[0] == pytest.approx(tm07)
    assert effects.reach[1] == pytest.approx(1 - 0.5 * (1 - tm07))
    assert effects.extra_hours.tolist() == [0.0, 0.0]
    ready = prepare(small, catalogue)
    steps = ready.sources.update_steps[0]
    assert any(s.parameter == "reach at op-a" and "TM07 implemented" in s.note for s in steps)
    assert any("tm07-update-integrity" in s.note for s in steps)


def test_a_national_record_applies_to_every_operator_without_its_own(
    small: NetworkModel, catalogue: Catalogue, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text().replace(
        "  - {measure: SM03, status: implemented",
        "  - {measure: TM11, status: implemented}\n  - {measure: SM03, status: implemented",
    )
    (tmp_path / "model.yaml").write_text(text)
    (tmp_path / "sites.csv").write_text((EXAMPLE.parent / "sites.csv").read_text())
    model = load_model(tmp_path / "model.yaml", catalogue)
    effects = operator_effects(model, catalogue)
    assert effects.extra_hours.tolist() == [4.0, 4.0]
    ready = prepare(model, catalogue)
    battery = model.table.battery_hours
    known = ~np.isnan(battery)
    assert np.array_equal(ready.compiled.asset_battery[known], battery[known] + 4.0)


def test_a_catalogue_naming_an_unknown_measure_or_factor_is_an_input_error(
    small: NetworkModel, tmp_path: Path
) -> None:
    override = tmp_path / "override.yaml"
    override.write_text(
        "simulation:\n"
        "  supplier_update: {factors: [government_link, loyalty]}\n"
        "  measure_effects:\n"
        "    mine: {measure: TM99, applies_to: misconfiguration, multiplier: 0.5, rationale: r}\n"
    )
    with pytest.raises(InputError) as caught:
        load_catalogue(override)
    text = str(caught.value)
    assert "override.yaml:2:" in text
    assert "simulation.supplier_update.factors[1]: unknown factor 'loyalty'" in text
    assert "override.yaml:4:" in text
    assert "simulation.measure_effects.mine.measure: unknown measure 'TM99'" in text


def test_every_source_explains_its_probability(small: NetworkModel, catalogue: Catalogue) -> None:
    ready = prepare(small, catalogue)
    sources = ready.sources
    assert len(sources.update_steps) == len(ready.compiled.suppliers)
    assert len(sources.fault_steps) == len(ready.compiled.versions)
    for steps in (*sources.update_steps, *sources.fault_steps, *sources.misconfiguration_steps):
        assert steps and all(s.parameter and s.value for s in steps)
    assert sources.misconfiguration_probability[0] == pytest.approx(
        catalogue.simulation.misconfiguration.annual_probability
    )
