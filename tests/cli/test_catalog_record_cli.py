"""``fiveguard catalog incidents`` and ``fiveguard catalog simulation``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.catalog import default_catalogue
from fiveguard.cli.app import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


@pytest.mark.parametrize("command", ["incidents", "simulation"])
def test_each_command_prints_a_table_and_has_an_example(command: str) -> None:
    code, out, err = run("catalog", command)
    assert code == 0, err
    assert out.strip()
    code, out, _ = run("catalog", command, "--help")
    assert code == 0
    assert f"Example: fiveguard catalog {command}" in out


def test_incidents_table_shows_each_outage_and_says_what_was_not_reported() -> None:
    code, out, _ = run("catalog", "incidents")
    assert code == 0
    for incident in default_catalogue().incidents.records:
        assert incident.id in out  # in the list of sources
        assert incident.date.isoformat() in out
    assert "not reported" in out
    assert "(judgement)" in out  # an exposure that rests on judgement says so
    assert "Gamma(" in out and "posterior" in out


def test_incidents_json_is_the_section_and_loads_back_as_an_override(tmp_path: Path) -> None:
    code, out, _ = run("catalog", "incidents", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"incidents"}
    assert len(data["incidents"]["records"]) == len(default_catalogue().incidents.records)
    override = tmp_path / "override.json"
    data["incidents"]["interval"] = 0.8
    override.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run("--catalog", str(override), "catalog", "simulation", "--json")
    assert code == 0, err
    assert json.loads(out)["parameters"]


def test_simulation_json_gives_every_parameter_its_derivation_and_source() -> None:
    code, out, _ = run("catalog", "simulation", "--json")
    assert code == 0
    rows = {row["parameter"]: row for row in json.loads(out)["parameters"]}
    for row in rows.values():
        assert row["value"] and row["derivation"] and row["source"]
    fault = rows["simulation.product_fault.annual_probability.medium"]
    # the packaged value is derived from the record, with its interval
    assert re.match(r"^0\.0023 per deployment \([0-9.e-]+–[0-9.e-]+\)$", fault["value"])
    assert fault["interval"] and fault["derivation"].startswith("Derived from the record")
    assert "product-fault-per-deployment" in fault["derivation"]
    assert "posterior Gamma(" in fault["derivation"]
    assert re.match(r"^[0-9.e-]+ \([0-9.e-]+–[0-9.e-]+\) per ", fault["record"])
    reach = rows["simulation.product_fault.reach"]
    assert "Beta(" in reach["derivation"]
    assert reach["value"].startswith("0.3 per operator running the version")
    sabotage = rows["simulation.supplier_update.sabotage_share"]
    assert sabotage["record"] == ""
    assert "editorial" in sabotage["derivation"]
    assert any(p.startswith("simulation.asset_failure.") for p in rows)
    assert any(p.startswith("simulation.measure_effects.") for p in rows)


def test_a_changed_interval_in_an_override_changes_the_intervals_shown(tmp_path: Path) -> None:
    override = tmp_path / "override.yaml"
    override.write_text("incidents:\n  interval: 0.5\n", encoding="utf-8")

    def record(*extra: str) -> str:
        out = run(*extra, "catalog", "simulation", "--json")[1]
        rows = {row["parameter"]: row for row in json.loads(out)["parameters"]}
        return str(rows["simulation.change_push.annual_probability"]["record"])

    assert record() != record("--catalog", str(override))
