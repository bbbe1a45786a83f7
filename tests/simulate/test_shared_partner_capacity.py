"""Networks roaming onto one partner share its spare capacity: the hand-worked example of
docs/simulation.md read from the page, the rule on random models against the reference
oracle, and the rule's arithmetic worked by hand."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
from helpers import engine_impact, rule_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle
from strategies import RADIO_KINDS, models
from test_served_example import example
from test_simulate_cli import events_of, run, table_after

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.services import roamers_served
from fiveguard.simulate.whatif import scenario_impacts

OPERATORS = ("op-a", "op-c")


def test_two_networks_share_the_partners_places_as_the_page_works_it_out(tmp_path: Path) -> None:
    path = example(tmp_path, "partner")
    rows = table_after("<!-- partner-example-whatif -->")
    assert len(rows) == 3
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, *figures in rows:
        people, a, c, roaming, beyond = (int(x) for x in figures)
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert data["people_without_service"] == people, events
        by_op = data["by_operator"]
        assert [by_op[o]["people_without_service"] for o in OPERATORS] == [a, c], events
        got = data["roaming"]
        assert (got["people_roaming"], got["roamers_beyond_capacity"]) == (roaming, beyond)
        truth = oracle.impact(events_of(args))
        assert truth.national["people_without_service"] == people, events
        assert [truth.by_operator[o]["people_without_service"] for o in OPERATORS] == [a, c]
        assert truth.roaming["people_roaming"]["national"] == roaming, events
        assert truth.roaming["roamers_beyond_capacity"]["national"] == beyond, events


def test_the_partner_example_is_valid_without_warnings(tmp_path: Path) -> None:
    code, out, err = run("validate", str(example(tmp_path, "partner")))
    assert code == 0, out + err
    assert "warning" not in (out + err).lower()


def test_a_partners_budget_is_split_by_roamers_and_grants_add_up_over_partners() -> None:
    # operators 0 and 1 roam onto 2; 1 onto 3 as well (the page's example, by index)
    partners = np.zeros((4, 4), dtype=bool)
    partners[0, 2] = partners[1, 2] = partners[1, 3] = True
    want = np.asarray([[600, 300, 0, 0], [600, 0, 0, 0], [0, 300, 0, 0]], dtype=np.int64)
    offered = np.tile(np.asarray([0, 0, 1000, 400], dtype=np.int64), (3, 1))
    served = roamers_served(want, offered, partners, 0.25)
    assert served.tolist() == [[166, 183, 0, 0], [250, 0, 0, 0], [0, 300, 0, 0]]
    assert roamers_served(want, offered, partners, None).tolist() == want.tolist()


@st.composite
def radio_losses_of_several_networks(draw: st.DrawFn, model: NetworkModel) -> list[Event]:
    """``asset-down`` on every radio asset of one or more operators in one region, and
    now and then on one of a partner's radio assets there as well: the roamers of all
    of them try their partners at once."""
    cells: dict[tuple[str, str | None], list[str]] = {}
    for i in range(model.asset_count):
        a = model.asset(i)
        if a.kind in RADIO_KINDS and a.region is not None:
            cells.setdefault((a.operator, a.region), []).append(a.id)
    if not cells:
        return []
    region = draw(st.sampled_from(sorted({r for _, r in cells if r is not None})))
    here = sorted(o for o, r in cells if r == region)
    chosen = draw(st.lists(st.sampled_from(here), min_size=1, max_size=len(here), unique=True))
    down = [a for o in chosen for a in cells[(o, region)]]
    others = [a for o in here if o not in chosen for a in cells[(o, region)]]
    if others and draw(st.booleans()):
        down.append(draw(st.sampled_from(others)))
    return [Event(EventType.ASSET_DOWN, a) for a in down]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_networks_whose_radios_fail_together_share_their_partners_as_the_oracle_does(
    data: st.DataObject, catalogue: Catalogue
) -> None:
    model = data.draw(models())
    cases = [data.draw(radio_losses_of_several_networks(model)) for _ in range(3)]
    # under each roaming rule: as packaged, without a limit, a partner's whole customers
    for rules in rule_variants(catalogue)[:3]:
        oracle = Oracle(model, rules)
        for grouped in (True, False):
            compiled = compile_network(model, rules, group_assets=grouped)
            impacts = scenario_impacts(model, compiled, cases)
            for trial, events in enumerate(cases):
                got = engine_impact(compiled, impacts, trial)
                assert got == oracle.impact(events), (grouped, [str(e) for e in events])
