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
    assert "any other network" in out
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
