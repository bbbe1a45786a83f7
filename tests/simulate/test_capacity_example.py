"""The hand-worked example of docs/simulation.md on pools with capacity and signalling
storms, read from the page; bad capacities and storms naming nothing known exit 2; the
storm rule's triggers, switched on by a catalogue override, start storms in what-if and
in the Monte Carlo."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
from oracle import Oracle
from test_capacity import storm_catalogue
from test_served_example import example
from test_simulate_cli import events_of, run, table_after

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.metrics import measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.sources import event_sources
from fiveguard.simulate.whatif import scenario_impacts

ROOT = Path(__file__).resolve().parents[2]
TRIGGERS = ROOT / "examples" / "replays" / "storm-triggers.yaml"


def test_the_capacity_example_is_valid(tmp_path: Path) -> None:
    code, out, err = run("validate", str(example(tmp_path, "capacity")))
    assert code == 0, out + err
    assert "warning" not in (out + err).lower()


def test_survivors_carry_up_to_their_capacity_and_fractions_multiply(tmp_path: Path) -> None:
    path = example(tmp_path, "capacity")
    rows = table_after("<!-- capacity-example-whatif -->")
    assert len(rows) == 7
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, people, in_part, assets, sites, share in rows:
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        got = [data[k] for k in ("people_without_service", "assets_down", "sites_down")]
        assert got == [int(people), int(assets), int(sites)], events
        partial = data["partial_service"]
        if partial is None:
            assert int(in_part) == 0, events
            a = data["by_operator"]["op-a"]["people_without_service"]
            assert round(a / 3000, 4) == float(share), events
        else:
            assert partial["people"] == int(in_part), events
            assert partial["share_by_operator"]["op-a"] == float(share), events
            assert sum(partial["by_region"].values()) == partial["people"], events
        national = oracle.impact(events_of(args)).national
        assert [national[k] for k in ("people_without_service", "assets_down", "sites_down")] == (
            got
        ), events


def test_a_storm_says_when_load_is_shed(tmp_path: Path) -> None:
    path = example(tmp_path, "capacity")
    code, out, err = run("whatif", str(path), "-e", "storm:op-a", "--json")
    assert code == 0, err
    partial = json.loads(out)["partial_service"]
    assert partial["storms"] == ["op-a"]
    assert partial["storm_recovery_hours"] == 20.0
    code, out, _ = run("whatif", str(path), "-e", "storm:op-a")
    assert "storm at op-a" in out


def test_a_storms_recovery_adds_to_the_outages_duration(tmp_path: Path) -> None:
    path = example(tmp_path, "capacity")
    alone = json.loads(run("whatif", str(path), "-e", "storm:op-a", "--json")[1])["time"]
    assert alone["hours"] == 20.0  # a storm alone lasts its recovery
    assert [s["parameter"] for s in alone["basis"]] == ["simulation.storms.recovery_hours"]
    with_storm = json.loads(
        run("whatif", str(path), "-e", "storm:op-a", "-e", "asset-down:a.amf-1", "--json")[1]
    )["time"]
    without = json.loads(run("whatif", str(path), "-e", "asset-down:a.amf-1", "--json")[1])["time"]
    assert with_storm["hours"] == without["hours"] + 20.0
    assert with_storm["basis"][-1]["value"] == "+20 h"


def test_a_pool_that_cannot_carry_its_load_is_refused_where_it_is_written(
    tmp_path: Path,
) -> None:
    path = example(tmp_path, "capacity")
    text = path.read_text(encoding="utf-8").replace(
        "{id: a.upf-2, operator: op-a, kind: core.upf, capacity: 0.75}",
        "{id: a.upf-2, operator: op-a, kind: core.upf, capacity: 0.2}",
    )
    path.write_text(text, encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert code == 2
    assert "requires[1].any" in out + err
    assert "carry 0.95 of its load together (a.upf-1 0.75, a.upf-2 0.2)" in out + err
    assert "Traceback" not in out + err


def test_a_capacity_outside_0_to_1_is_refused(tmp_path: Path) -> None:
    path = example(tmp_path, "capacity")
    text = path.read_text(encoding="utf-8").replace("capacity: 0.75}", "capacity: 1.5}", 1)
    path.write_text(text, encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert code == 2 and "capacity" in out + err and "Traceback" not in out + err


def test_a_storm_at_an_unknown_operator_exits_2(tmp_path: Path) -> None:
    code, _, err = run("whatif", str(example(tmp_path, "capacity")), "-e", "storm:op-x")
    assert code == 2
    assert "unknown operator 'op-x'; known operators: op-a, op-b" in err
    assert "Traceback" not in err


def test_triggers_switched_on_start_storms_from_a_loss_or_a_router(tmp_path: Path) -> None:
    path = example(tmp_path, "capacity")
    args = ["-e", "asset-down:a.amf-1", "-e", "asset-down:a.amf-2", "-e", "asset-down:b.amf"]
    code, out, err = run("--catalog", str(TRIGGERS), "whatif", str(path), *args, "--json")
    assert code == 0, err
    data = json.loads(out)
    # half of A's customers lost in part starts a storm at A: 0.5 x 0.7 kept; all of B's
    # lost starts one at B, which has nobody left to lose
    assert data["partial_service"]["storms"] == ["op-a", "op-b"]
    assert data["by_operator"]["op-a"]["people_without_service"] == 1950
    assert data["by_operator"]["op-b"]["people_without_service"] == 1000
    code, out, _ = run("whatif", str(path), *args, "--json")  # packaged: no trigger
    assert json.loads(out)["by_operator"]["op-a"]["people_without_service"] == 1500


def _router_model(catalogue: Catalogue, tmp_path: Path) -> NetworkModel:
    text = example(tmp_path, "capacity").read_text(encoding="utf-8")
    text += (
        "  - {id: b.pe-1, operator: op-b, kind: transport.ipcore}\n"
        "  - {id: b.pe-2, operator: op-b, kind: transport.ipcore}\n"
    )
    text = text.replace("requires: [b.amf]}", "requires: [b.amf, {any: [b.pe-1, b.pe-2]}]}")
    path = tmp_path / "routers.yaml"
    path.write_text(text, encoding="utf-8")
    return load_model(path, catalogue)


def test_a_router_down_starts_a_storm_only_where_triggers_are_on(tmp_path: Path) -> None:
    catalogue = default_catalogue()
    rules = storm_catalogue(catalogue)  # customer_share 0.25 there
    model = _router_model(catalogue, tmp_path)
    cases = [[Event(EventType.ASSET_DOWN, "b.pe-1")], []]
    for cat, expected in ((catalogue, 0), (rules, 250)):
        compiled = compile_network(model, cat)
        impacts = scenario_impacts(model, compiled, cases)
        assert impacts.national[:, 0].tolist() == [expected, 0]
        assert impacts.storms is not None
        assert impacts.storms[:, 1].tolist() == [expected > 0, False]
        oracle = Oracle(model, cat)
        assert oracle.impact(cases[0]).national["people_without_service"] == expected


def test_monte_carlo_years_count_partial_losses_and_storms(tmp_path: Path) -> None:
    catalogue = default_catalogue()
    model = _router_model(catalogue, tmp_path)
    sim = catalogue.simulation
    busy = catalogue.model_copy(
        update={
            "simulation": sim.model_copy(
                update={
                    "asset_failure": sim.asset_failure.model_copy(
                        update={
                            "annual_probability": dict.fromkeys(
                                sim.asset_failure.annual_probability, 0.3
                            )
                        }
                    )
                }
            )
        }
    )
    rules = storm_catalogue(busy)
    effects = operator_effects(model, rules)
    compiled = compile_network(model, rules, effects=effects)
    sampled = sample_trials(event_sources(model, rules, compiled, effects), 7, 0, 512)
    impacts = measure(compiled, propagate(compiled, sampled))
    partial = impacts.partial_by_operator
    assert partial is not None and impacts.storms is not None
    assert partial.sum() > 0  # some years with pools short of capacity
    assert impacts.storms[:, 1].any()  # and storms at B from its routers
    assert np.all(partial.sum(axis=1) <= impacts.national[:, 0])


def test_simulate_gives_the_years_with_partial_service_and_storms(tmp_path: Path) -> None:
    path = example(tmp_path, "capacity")
    override = tmp_path / "busy.yaml"
    override.write_text(
        "simulation:\n"
        "  asset_failure:\n"
        "    annual_probability: {core: 0.3}\n"
        "  storms:\n"
        "    trigger_share: 0.5\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "--catalog",
        str(override),
        "simulate",
        str(path),
        "--trials",
        "256",
        "--workers",
        "1",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    partial = data["partial_service"]
    assert partial["mean_people"] > 0 and 0 < partial["years"] < 1
    assert partial["storm_probability"]["op-a"] > 0  # two AMFs down: half of A lost
    code, out, _ = run("simulate", str(path), "--trials", "256", "--workers", "1", "--json")
    packaged = json.loads(out)["partial_service"]  # misconfigurations hit the pools
    assert packaged["mean_people"] > 0
    assert set(packaged["storm_probability"].values()) == {0.0}  # no trigger packaged
