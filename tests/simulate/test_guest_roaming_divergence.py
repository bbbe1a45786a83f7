"""Cases the engine and the reference oracle count differently, both about the fallback
roaming of national-roaming guests: the people of a single asset down differ, so the
incident figures of ``test_incident_time.py`` (each incident is one event alone, checked
against the oracle) differed too whenever a sampled event hit such a model, which is how
that property test failed now and then (about one random model in several hundred).
Each model was shrunk (assets removed one by one while the difference stayed) to what
the difference needs.

Both came from one slip of the oracle: on an unshared radio asset it told the radio from
the core by the *part's* operator, so for a national roaming guest the host's core counted
as "not its own operator's core" and a dead host core took the radio off the air for the
guest alone. docs/simulation.md ("Roaming follows the radio") tells the radio asset's own
operator's core apart, as on a shared site: a dead core behind a live radio keeps every
phone on it attached (the host's, its MVNOs' and the guests'), so none of them roams. The
engine counted it so; the oracle now does too.

The first was found by checking every pushed change of random pooled models alone.

Operator op0 has no radio of its own: its customers ride on op1's radios by national
roaming (in every region), and it has ordinary roaming agreements with op1 and op2. When
op1's only core (``a1``) is down, op1's radio ``site-2-2`` is down with op0's part of it
(72 people). The radio still broadcasts (only its operator's core is down), so those 72
stay attached to it without service and do not roam onto op2's radios in R1. Capacities play no part (the case
differs with every capacity left unset too)."""

from __future__ import annotations

from helpers import assert_scenarios_match_oracle
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import ModelDocument
from fiveguard.domain.sites import SiteTable
from fiveguard.simulate.events import Event, EventType

DOCUMENT = (
    '{"fiveguard": 1, "scope": {"country": "XR", "name": "random", "as_of": "2026-01-01"}, '
    '"regions": [{"id": "R0", "name": "Region 0", "population": 100000000}, '
    '{"id": "R1", "name": "Region 1", "population": 100000000}, '
    '{"id": "R2", "name": "Region 2", "population": 100000000}], '
    '"suppliers": [{"id": "s0", "name": "Supplier 0", "headquarters": "SE", '
    '"ownership": "listed", "profile": {"government_link": {"score": "low", "rationale": "r"}, '
    '"legislation": {"score": "low", "rationale": "r"}, '
    '"ownership": {"score": "low", "rationale": "r"}}}], '
    '"operators": ['
    '{"id": "op0", "name": "op0", "subscribers": 0, "roaming": ["op1", "op2"], '
    '"national_roaming": [{"host": "op1", "regions": ["R2", "R0", "R1"]}]}, '
    '{"id": "op1", "name": "op1", "subscribers": 3, "lines": {"iot": 3}, '
    '"roaming": ["op0", "op2"]}, '
    '{"id": "op2", "name": "op2", "subscribers": 900, "lines": {"iot": 900}, '
    '"roaming": ["op0", "op1"], "national_roaming": [{"host": "op1", "regions": ["R0", "R1"], '
    '"requires": ["site-0-1-b", "site-0-1", "site-0-3-b"]}]}, '
    '{"id": "mvno0", "name": "mvno0", "subscribers": 0, "hosted_by": "op1"}], '
    '"assets": ['
    '{"id": "a0", "operator": "op2", "kind": "mgmt.ems", "region": "R1", "battery_hours": 8.0}, '
    '{"id": "a1", "operator": "op1", "kind": "core.smsf", "battery_hours": 2.5}, '
    '{"id": "site-0-1", "operator": "op2", "kind": "ran.gnb", "region": "R1", "sites": 2, '
    '"population": 313, "requires": [{"any": ["a0", "a1"]}], "site": "mast-0-1"}, '
    '{"id": "site-0-1-b", "operator": "op2", "kind": "ran.du", "region": "R1", "sites": 2, '
    '"population": 313, "requires": [{"any": ["a1", "a0"]}, "a0"], "site": "mast-0-1"}, '
    '{"id": "site-0-3-b", "operator": "op2", "kind": "ran.du", "region": "R1", "sites": 1, '
    '"population": 70, "requires": ["a0", {"any": ["a1"]}], "site": "mast-0-3"}, '
    '{"id": "site-2-2", "operator": "op1", "kind": "ran.gnb", "region": "R1", "sites": 2, '
    '"population": 286, "battery_hours": 1.0, "requires": [{"any": ["a1"]}]}]}'
)


def guest_model() -> NetworkModel:
    return NetworkModel(ModelDocument.model_validate_json(DOCUMENT), SiteTable.from_assets([]))


def test_a_national_roaming_guest_on_a_downed_radio_is_counted_alike(
    catalogue: Catalogue,
) -> None:
    assert_scenarios_match_oracle(guest_model(), catalogue, [[Event(EventType.ASSET_DOWN, "a1")]])


def test_a_guest_stays_attached_to_a_host_radio_whose_core_is_down(catalogue: Catalogue) -> None:
    """The figures themselves: op0's 72 on op1's broadcasting radio lose service and none
    of them roams (nor anyone else: every radio down with a1 still broadcasts)."""
    impact = Oracle(guest_model(), catalogue).impact([Event(EventType.ASSET_DOWN, "a1")])
    assert impact.by_operator["op0"]["people_without_service"] == 72
    assert impact.roaming["people_roaming"]["national"] == 0
    assert impact.roaming["roamers_beyond_capacity"]["national"] == 0


SPLIT_DOCUMENT = (
    '{"fiveguard": 1, "scope": {"country": "XR", "name": "random", "as_of": '
    '"2026-01-01"}, "regions": [{"id": "R0", "name": "Region 0", "population": '
    '100000000}, {"id": "R1", "name": "Region 1", "population": 100000000}], "suppliers":'
    ' [{"id": "s0", "name": "Supplier 0", "headquarters": "SE", "ownership": "listed", '
    '"profile": {"government_link": {"score": "low", "rationale": "r"}, "ownership": '
    '{"score": "low", "rationale": "r"}, "product_quality": {"score": "low", "rationale":'
    ' "r"}}}], "operators": [{"id": "op0", "name": "op0", "subscribers": 1000, "lines": '
    '{"personal": 1000}, "roaming": ["op1", "op2"]}, {"id": "op1", "name": "op1", '
    '"subscribers": 1000, "roaming": ["op0", "op2"], "national_roaming": [{"host": "op0",'
    ' "regions": ["R1", "R0"], "requires": ["a4", {"any": ["a4"]}]}]}, {"id": "op2", '
    '"name": "op2", "subscribers": 1000, "roaming": ["op0", "op1"], "national_roaming": '
    '[{"host": "op0", "regions": ["R1", "R0"], "requires": [{"any": ["a5", "a1", "a0"]}, '
    '"a2", {"any": ["a5", "a1"]}]}]}, {"id": "mvno0", "name": "mvno0", "subscribers": '
    '500, "hosted_by": "op2"}], "assets": [{"id": "a0", "operator": "op2", "kind": '
    '"core.udm"}, {"id": "a1", "operator": "op2", "kind": "wireline.olt", "region": "R1",'
    ' "sites": 3, "population": 286, "requires": [{"any": ["a0"]}, "a0"]}, {"id": "a2", '
    '"operator": "op2", "kind": "core.upf", "region": "R1", "requires": ["a1", {"any": '
    '["a0", "a1"]}]}, {"id": "a3", "operator": "op0", "kind": "core.upf", "requires": '
    '[{"any": ["a0", "a2", "a1"]}]}, {"id": "a4", "operator": "op1", "kind": "mgmt.ems", '
    '"requires": ["a3", {"any": ["a3"]}, "a1"]}, {"id": "a5", "operator": "op2", "kind": '
    '"ran.gnb", "region": "R0", "population": 459, "requires": ["a4"]}, {"id": "a6", '
    '"operator": "op0", "kind": "core.udm", "region": "R0", "requires": ["a4"]}, {"id": '
    '"site-0-0-b", "operator": "op0", "kind": "ran.gnb", "region": "R1", "sites": 2, '
    '"population": 128, "requires": ["a5", {"any": ["a1", "a5", "a0"]}, {"any": ["a6", '
    '"a2", "a1"]}], "shared_with": ["op1"], "site": "mast-0-0"}, {"id": "site-1-1", '
    '"operator": "op0", "kind": "ran.du", "region": "R1", "sites": 2, "population": 142, '
    '"requires": [{"any": ["a5", "a0", "a3"]}, "a2", {"any": ["a0"]}]}]}'
)
"""Shrunk from a model on which ``test_incidents_with_pools_short_of_capacity_and_storm_
triggers_equal_the_oracles`` failed (op0's user-hours in one trial: 16,902.0 in the engine
against 16,728.0 in the oracle): op1 and op2 ride on op0's radios by national roaming, and
op2's agreement needs its UPF ``a2``. With ``a2`` down, the engine and the oracle agree on
the people without service nationally but split them differently among the operators
(engine op0 38, op1 38, op2 70, mvno0 36; oracle 32, 32, 76, 38). The cause was the
first case's: ``a2`` is op2's core, so the oracle took op0's radio ``site-1-1`` off the air
for everyone but op2's guest part, which alone stayed attached; the radio is op0's, and
``a2`` is not op0's core, so the radio stops broadcasting for every part on it."""


def test_roamers_served_are_split_alike_among_guests_and_hosts(catalogue: Catalogue) -> None:
    model = NetworkModel(
        ModelDocument.model_validate_json(SPLIT_DOCUMENT), SiteTable.from_assets([])
    )
    assert_scenarios_match_oracle(model, catalogue, [[Event(EventType.ASSET_DOWN, "a2")]])
