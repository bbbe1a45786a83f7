"""A national roaming agreement whose ``requires`` names one of the guest's own radio
assets: the engine and the reference oracle counted the guest's part differently when that
radio is down only because the guest's core behind it is. Found by the single-event
property test (``test_single_event_figures.py``) on a random pooled model with national
roaming, shrunk by hand to what the difference needs.

Operator op0 is a national roaming guest on op2 in R0; its agreement requires op0's own
radio asset ``site-0-0`` (a gNB-DU, which requires op0's AMF ``a1``). With ``a1`` down,
both sides count ``site-0-0`` down (assets_down 2, sites_down 1). docs/simulation.md
("National roaming") says the guest's part on the host's radio needs the entries the
agreement lists, an entry failing when all its members are down: so op0's part of op2's
radio ``site-1-0`` (47 people) is without service, and does not roam, since the host's
radio still broadcasts. The oracle counts that. The engine counted no one: it took the
agreement's entries to the radio asset's own row, which stays up while the radio broadcasts, rather
than to its customers' row, which is down with the core behind it (the row every other
dependent of an unshared, split radio needs). With ``site-0-0`` made a core function
(``core.udm``) the two agreed, so the difference was confined to agreements naming a
radio asset, an unusual model (an agreement normally names the guest's subscriber
database and gateways). The engine now needs the customers' row there too."""

from __future__ import annotations

from helpers import assert_scenarios_match_oracle, engine_impact
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import ModelDocument
from fiveguard.domain.sites import SiteTable
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.whatif import scenario_impacts

DOCUMENT = (
    '{"fiveguard": 1, "scope": {"country": "XR", "name": "random", "as_of": "2026-01-01"}, '
    '"regions": [{"id": "R0", "name": "Region 0", "population": 100000000}, '
    '{"id": "R1", "name": "Region 1", "population": 100000000}], '
    '"suppliers": [{"id": "s0", "name": "Supplier 0", "headquarters": "SE", '
    '"ownership": "listed"}], '
    '"operators": ['
    '{"id": "op0", "name": "op0", "subscribers": 6000, '
    '"lines": {"personal": 1000, "iot": 5000}, "roaming": ["op2"], '
    '"national_roaming": [{"host": "op2", "regions": ["R0"], '
    '"requires": [{"any": ["site-0-0"]}]}]}, '
    '{"id": "op2", "name": "op2", "subscribers": 1000, "lines": {"personal": 1000}, '
    '"roaming": ["op0"]}], '
    '"assets": ['
    '{"id": "a1", "operator": "op0", "kind": "core.amf"}, '
    '{"id": "site-0-0", "operator": "op0", "kind": "ran.du", "region": "R0", "sites": 1, '
    '"requires": ["a1"]}, '
    '{"id": "site-1-0", "operator": "op2", "kind": "ran.du", "region": "R0", "sites": 1, '
    '"population": 95}]}'
)


def guest_model() -> NetworkModel:
    return NetworkModel(ModelDocument.model_validate_json(DOCUMENT), SiteTable.from_assets([]))


def test_the_oracle_counts_the_guest_part_lost_when_its_required_radio_is_down(
    catalogue: Catalogue,
) -> None:
    """As docs/simulation.md reads: 47 of op0 without every service."""
    impact = Oracle(guest_model(), catalogue).impact([Event(EventType.ASSET_DOWN, "a1")])
    assert impact.national["assets_down"] == 2 and impact.national["sites_down"] == 1
    assert impact.by_operator["op0"]["people_without_service"] == 47
    assert impact.by_operator["op2"]["people_without_service"] == 0
    for service in ("voice", "data", "sms", "emergency"):
        assert impact.by_service[service]["op:op0"] == 47, service


def test_the_engine_counts_the_guest_part_lost_when_its_required_radio_is_down(
    catalogue: Catalogue,
) -> None:
    model = guest_model()
    events = [Event(EventType.ASSET_DOWN, "a1")]
    expected = Oracle(model, catalogue).impact(events)
    compiled = compile_network(model, catalogue)
    got = engine_impact(compiled, scenario_impacts(model, compiled, [events]), 0)
    assert got.national == expected.national
    assert got.by_operator == expected.by_operator
    assert got.by_service == expected.by_service
    assert got.by_operator["op0"]["people_without_service"] == 47
    assert_scenarios_match_oracle(model, catalogue, [events])  # classes grouped and not
