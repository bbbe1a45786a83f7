"""Whole-operator outage rates by cause, against a plain count and the record."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fiveguard.calibration.operator_outages import (
    CAUSE_SOURCES,
    RECORD_RULES,
    only,
    operator_outage_checks,
    whole_operator_outages,
)
from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare


@given(
    people=hnp.arrays(
        np.int64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6), elements=st.integers(0, 100)
    ),
    data=st.data(),
    share=st.floats(0.05, 1.0),
)
def test_outages_are_the_operator_years_reaching_the_share(
    people: np.ndarray, data: st.DataObject, share: float
) -> None:
    served = data.draw(hnp.arrays(np.int64, people.shape[1], elements=st.integers(0, 100)))
    expected = 0
    for t in range(people.shape[0]):
        for k in range(people.shape[1]):
            if served[k] > 0 and people[t, k] >= share * served[k]:
                expected += 1
    assert whole_operator_outages(people, served, share) == expected


@pytest.mark.parametrize("source", list(CAUSE_SOURCES.values()))
def test_only_leaves_one_source_switched_on(catalogue: Catalogue, source: str) -> None:
    model = generate_model(200, operators=2, seed=3)
    sources = prepare(model, only(catalogue, source)).sources
    on = {
        "supplier_update": sources.update_probability,
        "product_fault": sources.fault_probability,
        "misconfiguration": sources.misconfiguration_probability,
        "power_loss": sources.power_probability,
        "asset_failure": sources.failure_probability,
        "change_push": (
            sources.change_push.probability if sources.change_push is not None else np.zeros(1)
        ),
        "limit_reached": (
            sources.limit_reached.probability if sources.limit_reached is not None else np.zeros(1)
        ),
    }
    for name, probability in on.items():
        if name == source:
            assert probability.max() > 0
        else:
            assert not probability.any(), name


def test_every_cause_is_checked_against_a_record_rule(catalogue: Catalogue) -> None:
    model = generate_model(300, operators=2, seed=5)
    checks = operator_outage_checks(model, catalogue, trials=256, seed=2)
    assert [c.cause for c in checks] == list(CAUSE_SOURCES)
    for check in checks:
        assert check.record is not None
        assert check.record.rule.id == RECORD_RULES[check.cause]
        assert check.operator_years == 256 * 2
        assert 0 <= check.outages <= check.operator_years
        assert check.ratio is not None and check.within is not None
    again = operator_outage_checks(model, catalogue, trials=256, seed=2)
    assert [c.outages for c in again] == [c.outages for c in checks]


def test_where_the_record_counted_nothing_only_its_upper_bound_is_checked(
    catalogue: Catalogue,
) -> None:
    from fiveguard.calibration.operator_outages import OperatorOutageCheck
    from fiveguard.catalog.rates import derive_rate

    record = catalogue.incidents
    nothing = derive_rate(record, record.rates["power-outage"])
    assert nothing.count == 0
    never = OperatorOutageCheck("power", "power_loss", 10_000, 0, nothing)
    often = OperatorOutageCheck("power", "power_loss", 10_000, 1_000, nothing)
    assert never.within is True and often.within is False
    counted = derive_rate(record, record.rates["change-error-outage"])
    assert counted.count > 0
    assert (
        OperatorOutageCheck("change-error", "misconfiguration", 10_000, 0, counted).within is False
    )


def test_product_faults_of_the_packaged_catalogue_land_within_the_record_on_the_demo(
    catalogue: Catalogue,
) -> None:
    from importlib import resources

    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        model = load_model(path, catalogue)
    [check] = operator_outage_checks(model, catalogue, 4096, 1, causes=["product-fault"])
    assert check.within, (check.simulated, check.record)
