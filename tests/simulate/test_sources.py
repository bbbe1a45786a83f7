"""Event-source probabilities follow the catalogue and the measures in place, and say how."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import model_of

from fiveguard.catalog import load_catalogue
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import (
    Asset,
    FactorScore,
    MeasureRecord,
    MeasureStatus,
    Operator,
    Product,
    Supplier,
    SupplierProfile,
)
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
    low = fault_probability(supplier(product_quality="low"), catalogue)[0]
    unscored = fault_probability(supplier(), catalogue)[0]
    assert unscored / low == pytest.approx(rates.high / rates.low)
    # as the levels stand, without the record's scale and reach
    fault = catalogue.simulation.product_fault.model_copy(
        update={"record_rate": None, "reach_share": None}
    )
    editorial = catalogue.model_copy(
        update={"simulation": catalogue.simulation.model_copy(update={"product_fault": fault})}
    )
    assert fault_probability(supplier(product_quality="low"), editorial)[0] == rates.low
    assert fault_probability(supplier(), editorial)[0] == rates.high


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


# ---------------------------------------------------------------------------- every measure


@pytest.fixture(scope="module")
def measured() -> NetworkModel:
    """Two operators with every measure effect of the catalogue in some status.

    op-a: TM07 implemented, TM05 implemented, TM11 in progress (own records), SM04
    implemented (national record). op-b: SM04 planned (its own record overrides the
    national one), TM05 in progress (national record), nothing else.
    """
    statuses = [
        (None, "SM04", "implemented"),
        (None, "TM05", "in-progress"),
        ("op-a", "TM07", "implemented"),
        ("op-a", "TM05", "implemented"),
        ("op-a", "TM11", "in-progress"),
        ("op-b", "SM04", "planned"),
    ]
    product = Product(id="p-ran", supplier="alpha", name="RAN", kind="ran.gnb", versions=("1",))
    return model_of(
        [
            Asset(id="a.upf", operator="op-a", kind="core.upf"),
            Asset(
                id="a.ran",
                operator="op-a",
                kind="ran.gnb",
                product="p-ran@1",
                region="N",
                sites=1,
                population=10,
                battery_hours=1.5,
                requires=("a.upf",),
            ),
            Asset(id="b.bh", operator="op-b", kind="transport.backhaul", region="N"),
            Asset(
                id="b.ran",
                operator="op-b",
                kind="ran.gnb",
                product="p-ran@1",
                region="N",
                sites=1,
                population=10,
                requires=("b.bh",),
            ),
        ],
        operators=[
            Operator(id="op-a", name="A", subscribers=10),
            Operator(id="op-b", name="B", subscribers=10),
        ],
        products=[product],
        measures=[
            MeasureRecord(measure=m, operator=o, status=MeasureStatus(s)) for o, m, s in statuses
        ],
    )


def test_the_catalogue_numbers_the_hand_computed_figures_assume(catalogue: Catalogue) -> None:
    sim = catalogue.simulation
    effects = sim.measure_effects
    assert effects["tm07-update-integrity"].multiplier == 0.3
    assert effects["sm04-third-line-access"].multiplier == 0.7
    assert effects["tm05-operations"].multiplier == 0.6
    assert effects["tm11-autonomy"].extra_hours == 4.0
    assert effects["tm11-recovery"].multiplier == 0.8
    assert (sim.status_weights["implemented"], sim.status_weights["in-progress"]) == (1.0, 0.5)
    assert sim.status_weights["planned"] == 0.0
    assert sim.misconfiguration.annual_probability == 0.1
    assert sim.asset_failure.annual_probability[Domain.RAN] == 0.002
    assert sim.asset_failure.annual_probability[Domain.CORE] == 0.001
    assert sim.asset_failure.annual_probability[Domain.TRANSPORT] == 0.002
    assert sim.power_loss.unknown_battery_hours is None
    priors = {k: (p.hours, set(p.domains)) for k, p in sim.power_loss.battery_priors.items()}
    assert priors == {
        "radio": (2.0, {Domain.RAN}),
        "access-and-transport": (4.0, {Domain.TRANSPORT, Domain.WIRELINE}),
        "core-and-data-centre": (
            24.0,
            {Domain.CORE, Domain.MANAGEMENT, Domain.ORCHESTRATION,
             Domain.LAWFUL_INTERCEPTION, Domain.SERVICES},
        ),
    }  # fmt: skip


def test_every_measure_effect_gives_the_hand_computed_probabilities(
    measured: NetworkModel, catalogue: Catalogue
) -> None:
    ready = prepare(measured, catalogue)
    sources = ready.sources
    # reach: op-a TM07 0.3 × SM04 (national, implemented) 0.7; op-b SM04 planned: 1
    assert sources.update_reach.tolist() == pytest.approx([0.21, 1.0])
    # misconfiguration 0.1 × TM05: op-a implemented 0.6; op-b in progress 1 - 0.5 × 0.4
    assert sources.misconfiguration_probability.tolist() == pytest.approx([0.06, 0.08])
    # failures by domain × TM11 (op-a in progress: 1 - 0.5 × 0.2 = 0.9)
    failure = dict(
        zip(measured.table.ids.tolist(), sources.failure_probability.tolist(), strict=True)
    )
    assert failure == pytest.approx(
        {"a.upf": 0.0009, "a.ran": 0.0018, "b.bh": 0.002, "b.ran": 0.002}
    )
    # autonomy: op-a's 1.5 h + 0.5 × 4 h; op-b's unknown batteries take the priors of
    # their domains: 2 h for the radio, 4 h for the backhaul
    autonomy = dict(
        zip(measured.table.ids.tolist(), ready.compiled.asset_battery.tolist(), strict=True)
    )
    assert autonomy["a.ran"] == pytest.approx(3.5)
    assert (autonomy["b.ran"], autonomy["b.bh"]) == (2.0, 4.0)


def test_the_derivations_name_each_measure_at_each_operator(
    measured: NetworkModel, catalogue: Catalogue
) -> None:
    sources = prepare(measured, catalogue).sources
    misconfiguration = {s.parameter: s.value for s in sources.misconfiguration_steps[0]}
    assert misconfiguration["measure TM05 at op-a"] == "× 0.6"
    assert {s.parameter: s.value for s in sources.misconfiguration_steps[1]} == {
        "simulation.misconfiguration.annual_probability": "0.1",
        "measure TM05 at op-b": "× 0.8",
    }
    reach = {s.parameter: (s.value, s.note) for s in sources.update_steps[0]}
    assert reach["reach at op-a"][0] == "0.21"
    assert "TM07 implemented" in reach["reach at op-a"][1]
    assert "SM04 implemented" in reach["reach at op-a"][1]
    assert reach["reach at op-b"] == ("1", "no measure lowers it")


def test_the_power_derivation_names_the_unknown_battery_hours_and_tm11(
    measured: NetworkModel, catalogue: Catalogue
) -> None:
    steps = {s.parameter: s for s in prepare(measured, catalogue).sources.power_steps[0]}
    assert set(steps) >= {
        "simulation.power_loss.annual_probability",
        "simulation.power_loss.duration",
        "simulation.power_loss.battery_priors.radio",
        "simulation.power_loss.battery_priors.access-and-transport",
        "autonomy at op-a",
        "autonomy at op-b",
    }
    assert "simulation.power_loss.battery_priors.core-and-data-centre" not in steps
    radio = steps["simulation.power_loss.battery_priors.radio"]
    assert radio.value == "2 h" and "1 of the 3 assets in N" in radio.note
    transport = steps["simulation.power_loss.battery_priors.access-and-transport"]
    assert transport.value == "4 h" and "1 of the 3 assets in N" in transport.note
    assert steps["autonomy at op-a"].value == "+2 h"
    assert "TM11 in-progress at op-a" in steps["autonomy at op-a"].note
    assert steps["autonomy at op-b"].value == "+0 h"
