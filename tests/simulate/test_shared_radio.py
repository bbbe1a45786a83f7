"""RAN sharing: a radio asset's people are its operator's, whoever else it is
``shared_with`` (docs/simulation.md, Impacts); sharing changes neither whose people lose
service or are exposed, nor which operator's radios a roaming partner's users can use."""

from __future__ import annotations

import pytest
from helpers import engine_impact, model_of
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset, Operator, Product
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType, Mode
from fiveguard.simulate.whatif import scenario_impacts


@pytest.fixture(scope="module")
def shared() -> NetworkModel:
    """op-a hosts a radio in N shared with op-b (1,000 people, op-a's); op-b has no radio
    of its own in N; op-c (200 people in N) roams onto op-b."""
    radio = {"kind": "ran.gnb", "region": "N", "sites": 1}
    return model_of(
        [
            Asset(
                id="a.shared",
                operator="op-a",
                product="host-ran@1",
                population=1000,
                shared_with=("op-b",),
                **radio,  # type: ignore[arg-type]
            ),
            Asset(id="b.ran-s", operator="op-b", population=300, **{**radio, "region": "S"}),  # type: ignore[arg-type]
            Asset(id="c.ran", operator="op-c", population=200, **radio),  # type: ignore[arg-type]
        ],
        regions=("N", "S"),
        operators=[
            Operator(id="op-a", name="A", subscribers=1000),
            Operator(id="op-b", name="B", subscribers=300),
            Operator(id="op-c", name="C", subscribers=200, roaming=("op-b",)),
        ],
        products=[
            Product(id="host-ran", supplier="beta", name="R", kind="ran.gnb", versions=("1",))
        ],
    )


def test_a_shared_radio_s_people_are_its_operator_s(
    shared: NetworkModel, catalogue: Catalogue
) -> None:
    compiled = compile_network(shared, catalogue)
    cases = [
        [Event(EventType.ASSET_DOWN, "a.shared")],
        [Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.ESPIONAGE)],
        # op-b serves its users in N through op-a's shared radio, but that radio is not
        # op-b's: op-c's users, roaming onto op-b, find no op-b radio in N
        [Event(EventType.ASSET_DOWN, "c.ran")],
    ]
    impacts = scenario_impacts(shared, compiled, cases)
    lost = {o: impacts.by_operator[0, k, 0] for k, o in enumerate(compiled.operators)}
    assert lost == {"op-a": 1000, "op-b": 0, "op-c": 0}
    exposed = {o: impacts.by_operator[1, k, 1] for k, o in enumerate(compiled.operators)}
    assert exposed == {"op-a": 1000, "op-b": 0, "op-c": 0}
    assert impacts.national[2, 0] == 200
    oracle = Oracle(shared, catalogue)
    for trial, events in enumerate(cases):
        assert engine_impact(compiled, impacts, trial) == oracle.impact(events)
