"""Replays of real outages land within tolerance of the numbers reported affected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

REPLAYS = Path(__file__).parents[2] / "examples" / "replays"
FOLDERS = sorted(p.parent for p in REPLAYS.glob("*/replay.yaml"))


def test_both_replays_are_there() -> None:
    names = {p.name for p in FOLDERS}
    assert {"2018-12-sgsn-mme-certificate", "2023-11-optus-ip-core"} <= names


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_whatif_lands_within_tolerance_of_the_reported_figures(folder: Path) -> None:
    replay: dict[str, Any] = yaml.safe_load((folder / "replay.yaml").read_text(encoding="utf-8"))
    args = ["whatif", str(folder / replay["model"]), "--json"]
    for event in replay["events"]:
        args += ["--event", event]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    impact = json.loads(result.stdout)
    reported = replay["reported"]
    tolerance = replay["tolerance"]
    assert tolerance <= 0.10

    def close(got: int, expected: int) -> bool:
        return abs(got - expected) <= tolerance * expected

    assert close(impact["people_without_service"], reported["people_without_service"])
    for operator, expected in reported.get("by_operator", {}).items():
        assert close(impact["by_operator"][operator]["people_without_service"], expected)
    for service in reported.get("critical_services", []):
        assert service in impact["critical_services"]


def test_the_2018_fault_reaches_two_operators_in_two_countries() -> None:
    folder = REPLAYS / "2018-12-sgsn-mme-certificate"
    model = yaml.safe_load((folder / "model.yaml").read_text(encoding="utf-8"))
    countries = {o.get("country", model["scope"]["country"]) for o in model["operators"]}
    assert countries == {"GB", "JP"}
