"""The hand-worked example of docs/simulation.md on services and roaming as it happens,
read from the page: ``fiveguard whatif`` and the reference oracle give its figures."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from oracle import Oracle
from test_served_example import example
from test_simulate_cli import events_of, run, table_after

from fiveguard.catalog import default_catalogue
from fiveguard.modelio.load import load_model

SERVICES = ("voice", "data", "sms", "emergency")


def test_each_service_and_roaming_is_counted_as_the_page_works_it_out(tmp_path: Path) -> None:
    path = example(tmp_path, "services")
    rows = table_after("<!-- services-example-whatif -->")
    assert len(rows) == 7
    catalogue = default_catalogue()
    oracle = Oracle(load_model(path, catalogue), catalogue)
    for events, *figures in rows:
        people, *per_service, roaming, beyond = (int(x) for x in figures)
        args = shlex.split(events)
        code, out, err = run("whatif", str(path), *args, "--json")
        assert code == 0, err
        data = json.loads(out)
        assert data["people_without_service"] == people, events
        by_service = data["people_without_service_by_service"]["national"]
        assert [by_service[s] for s in SERVICES] == per_service, events
        got = data["roaming"]
        assert (got["people_roaming"], got["roamers_beyond_capacity"]) == (roaming, beyond)
        truth = oracle.impact(events_of(args))
        assert truth.national["people_without_service"] == people, events
        assert [truth.by_service[s]["national"] for s in SERVICES] == per_service, events
        assert truth.roaming["people_roaming"]["national"] == roaming, events
        assert truth.roaming["roamers_beyond_capacity"]["national"] == beyond, events


def test_every_service_rule_is_explained_in_the_output(tmp_path: Path) -> None:
    path = example(tmp_path, "services")
    code, out, err = run("whatif", str(path), "-e", "asset-down:a.ran-n")
    assert code == 0, err
    assert "People losing each service" in out
    assert "people unable to reach emergency services" in out
    assert "simulation.services.services.emergency" in out
    assert "any network will do, roaming agreement or not" in out
    assert "Roaming: 250 people served on partners' networks, 750 beyond" in out
    assert "simulation.roaming" in out


def test_the_example_model_is_valid(tmp_path: Path) -> None:
    code, out, err = run("validate", str(example(tmp_path, "services")))
    assert code == 0, out + err


def test_a_catalogue_naming_an_unknown_kind_for_a_service_is_refused(tmp_path: Path) -> None:
    override = tmp_path / "catalogue.yaml"
    override.write_text(
        "simulation:\n  services:\n    rationale: r\n    services:\n"
        "      voice: {title: voice, needs: [[core.nope]], wireline: true, source: s}\n"
    )
    path = example(tmp_path, "services")
    code, _, err = run("--catalog", str(override), "whatif", str(path), "-e", "asset-down:a.ims")
    assert code == 2 and "Traceback" not in err
    assert "simulation.services.services.voice: unknown asset kind 'core.nope'" in err


def test_a_null_spare_capacity_lets_every_roamer_onto_the_partner(tmp_path: Path) -> None:
    override = tmp_path / "catalogue.yaml"
    override.write_text("simulation:\n  roaming:\n    spare_capacity_share: null\n")
    path = example(tmp_path, "services")
    code, out, err = run(
        "--catalog", str(override), "whatif", str(path), "-e", "asset-down:a.ran-n", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["people_without_service"] == 0
    assert data["roaming"]["people_roaming"] == 1000
    assert "without a capacity limit" in data["roaming"]["rule"]


def with_operator_a(tmp_path: Path, extra: str) -> Path:
    """The example's model with ``extra`` added to Operator A's entry."""
    path = example(tmp_path, "services")
    text = path.read_text(encoding="utf-8")
    mine = "roaming: [op-b]}"
    assert mine in text
    path.write_text(text.replace(mine, f"roaming: [op-b], {extra}}}", 1), encoding="utf-8")
    return path


def test_an_operator_can_give_its_own_pools_for_a_service(tmp_path: Path) -> None:
    # A's voice needs IMS alone: its subscriber database down costs data and SMS, not calls
    path = with_operator_a(tmp_path, "service_needs: {voice: [[ims]]}")
    code, out, err = run("whatif", str(path), "-e", "asset-down:a.udm", "--json")
    assert code == 0, err
    data = json.loads(out)
    national = data["people_without_service_by_service"]["national"]
    assert (national["voice"], national["data"], national["sms"]) == (0, 2000, 2000)
    steps = {s["parameter"]: s for s in data["people_without_service_by_service"]["derivation"]}
    assert steps["model: operators.op-a.service_needs.voice"]["value"] == "ims"
    catalogue = default_catalogue()
    truth = Oracle(load_model(path, catalogue), catalogue).impact(
        events_of(["-e", "asset-down:a.udm"])
    )
    assert truth.by_service["voice"]["national"] == 0


def test_an_operators_pools_name_known_services_and_kinds(tmp_path: Path) -> None:
    path = with_operator_a(tmp_path, "service_needs: {video: [[ims]], voice: [[core.imz]]}")
    code, out, err = run("validate", str(path))
    assert code == 2 and "Traceback" not in out + err
    assert "unknown service 'video'; the catalogue's services are: voice, data, sms, emergency" in (
        out + err
    )
    assert "unknown asset kind 'core.imz'" in out + err
