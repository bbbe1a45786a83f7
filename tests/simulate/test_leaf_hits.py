"""Events aimed at one asset of a class of several (leaf hits), where the engine works
apart from the class: a roaming partner whose radios in a region are all hit one by one
offers no cover there, and an asset hit twice in one year is counted once."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from helpers import busy_catalogue, engine_impact, model_of, roaming_as
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset, Operator
from fiveguard.simulate.compile import CompiledNetwork, compile_network
from fiveguard.simulate.events import Event, EventType, SampledEvents, events_of_trials
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.metrics import TrialImpacts, measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.sources import event_sources
from fiveguard.simulate.whatif import scenario_impacts


def down(*assets: str) -> list[Event]:
    return [Event(EventType.ASSET_DOWN, a) for a in assets]


def ints(values: list[int]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def class_of(model: NetworkModel, compiled: CompiledNetwork, asset: str) -> int:
    return int(compiled.asset_class[model.table.position[asset]])


def assert_oracle(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    impacts: TrialImpacts,
    per_trial: list[list[Event]],
) -> None:
    oracle = Oracle(model, catalogue)
    for trial, events in enumerate(per_trial):
        assert engine_impact(compiled, impacts, trial) == oracle.impact(events), trial


# ---------------------------------------------------------------------------- roaming


@pytest.fixture(scope="module")
def catalogue(catalogue: Catalogue) -> Catalogue:
    """The packaged catalogue, customers roaming within no capacity limit.

    Cover is what these tests check: roaming without a limit on the partners' capacity.
    """
    return roaming_as(catalogue, share=None)


@pytest.fixture(scope="module")
def roaming() -> NetworkModel:
    """Operator A's 1,000 people in N roam onto B, whose only radios there are two CSV
    sites of 250 people each: one asset class of two assets."""
    b_site = {"operator": "op-b", "kind": "ran.gnb", "region": "N", "sites": 1, "population": 250}
    return model_of(
        [Asset(id="a.ran", operator="op-a", kind="ran.gnb", region="N", sites=1, population=1000)],
        sites=[Asset(id="b.site-1", **b_site), Asset(id="b.site-2", **b_site)],  # type: ignore[arg-type]
        operators=[
            Operator(id="op-a", name="A", subscribers=1000, roaming=("op-b",)),
            Operator(id="op-b", name="B", subscribers=500),
        ],
    )


def test_a_partner_whose_radios_are_all_hit_one_by_one_offers_no_cover(
    roaming: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(roaming, catalogue)
    one_class = class_of(roaming, compiled, "b.site-1")
    assert one_class == class_of(roaming, compiled, "b.site-2")  # what the test is about
    assert compiled.class_size[one_class] == 2
    cases = [
        down("a.ran", "b.site-1", "b.site-2"),  # nowhere to roam: 1,000 + 250 + 250
        down("a.ran", "b.site-1"),  # b.site-2 is up: A's users roam onto it
        down("b.site-1", "b.site-2"),
    ]
    impacts = scenario_impacts(roaming, compiled, cases)
    assert impacts.national[:, 0].tolist() == [1500, 250, 500]
    assert impacts.by_operator[0, :, 0].tolist() == [1000, 500]
    assert_oracle(roaming, catalogue, compiled, impacts, cases)


def test_the_same_holds_for_failures_sampled_in_the_monte_carlo(
    roaming: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(roaming, catalogue)
    a, b1, b2 = (roaming.table.position[i] for i in ("a.ran", "b.site-1", "b.site-2"))
    # trial 0: three independent failures; trial 1: a misconfiguration-like forced down
    # of a.ran and failures of both B sites; trial 2: one B site only
    sampled = replace(
        SampledEvents.empty(3, len(compiled.operators)),
        failure_trial=ints([0, 0, 0, 1, 1, 2]),
        failure_asset=ints([a, b1, b2, b1, b2, b1]),
        down_trial=ints([1, 2]),
        down_asset=ints([a, a]),
    )
    impacts = measure(compiled, propagate(compiled, sampled))
    assert impacts.national[:, 0].tolist() == [1500, 1500, 250]
    per_trial = events_of_trials(sampled, compiled, roaming.table.ids.tolist())
    assert_oracle(roaming, catalogue, compiled, impacts, per_trial)


# ---------------------------------------------------------------------------- counted once


@pytest.fixture(scope="module")
def twins() -> NetworkModel:
    """Two identical backhaul assets that nothing depends on (one class), the only core or
    transport assets of their operator, so its misconfigurations always hit one of them."""
    backhaul = {"operator": "op-a", "kind": "transport.backhaul", "region": "N"}
    return model_of(
        [
            Asset(id="a.bh-1", **backhaul),  # type: ignore[arg-type]
            Asset(id="a.bh-2", **backhaul),  # type: ignore[arg-type]
            Asset(id="a.ran", operator="op-a", kind="ran.gnb", region="N", sites=1, population=9),
        ],
        operators=[Operator(id="op-a", name="A", subscribers=9)],
    )


def test_an_asset_failing_and_forced_down_in_the_same_year_counts_once(
    twins: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(twins, catalogue)
    assert compiled.class_size[class_of(twins, compiled, "a.bh-1")] == 2
    bh1, bh2 = twins.table.position["a.bh-1"], twins.table.position["a.bh-2"]
    sampled = replace(
        SampledEvents.empty(4, 1),
        failure_trial=ints([0, 1, 3]),
        failure_asset=ints([bh1, bh1, bh2]),
        down_trial=ints([0, 1, 2, 2, 3, 3]),
        down_asset=ints([bh1, bh2, bh1, bh1, bh2, bh2]),
    )
    impacts = measure(compiled, propagate(compiled, sampled))
    assert impacts.national[:, 2].tolist() == [1, 2, 1, 1]  # assets down
    per_trial = events_of_trials(sampled, compiled, twins.table.ids.tolist())
    assert_oracle(twins, catalogue, compiled, impacts, per_trial)


def test_monte_carlo_years_with_a_failure_and_a_misconfiguration_on_one_asset_agree(
    twins: NetworkModel, catalogue: Catalogue
) -> None:
    busy = busy_catalogue(catalogue)
    effects = operator_effects(twins, busy)
    compiled = compile_network(twins, busy, effects=effects)
    sources = event_sources(twins, busy, compiled, effects)
    sampled = sample_trials(sources, 1, 0, 512)
    both = np.intersect1d(
        sampled.failure_asset * 512 + sampled.failure_trial,
        sampled.down_asset * 512 + sampled.down_trial,
    )
    assert both.size >= 5  # the seed gives such years: the test is about them
    impacts = measure(compiled, propagate(compiled, sampled))
    per_trial = events_of_trials(sampled, compiled, twins.table.ids.tolist())
    assert_oracle(twins, busy, compiled, impacts, per_trial)
