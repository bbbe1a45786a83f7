"""Assumptions said where they act: a power loss's what-if, ``fiveguard validate`` and the
Monte Carlo name the battery taken for assets the model gives none (the catalogue's prior
for the domain of each kind, with how many assets took it) and the hours TM11 adds, with
the assets each applies to."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()

# op-a has TM11 (+4 h to each of its assets), op-b none; both UPFs stand in R1 without a
# battery value, so they take the core prior, 24 h; b.ran gives none either and takes the
# radio prior, 2 h: a loss of 3 h takes b.ran down (50 people); a.ran (2 h + 4 h) and the
# UPFs ride it out.
MODEL = """\
fiveguard: 1
scope: {country: XR, name: Power, as_of: 2026-06-30}
regions:
  - {id: R1, name: One, population: 1000}
  - {id: R2, name: Two, population: 1000}
operators:
  - {id: op-a, name: A, subscribers: 100}
  - {id: op-b, name: B, subscribers: 50}
assets:
  - {id: a.upf, operator: op-a, kind: core.upf, region: R1}
  - {id: b.upf, operator: op-b, kind: core.upf, region: R1}
  - {id: a.ran, operator: op-a, kind: ran.gnb, region: R1, sites: 1, population: 100, battery_hours: 2, requires: [a.upf]}
  - {id: b.ran, operator: op-b, kind: ran.gnb, region: R1, sites: 1, population: 50, requires: [b.upf]}
  - {id: b.ran-2, operator: op-b, kind: ran.gnb, region: R2, sites: 1, population: 50, battery_hours: 2}
measures:
  - {measure: TM11, operator: op-a, status: implemented}
"""
CORE_PRIOR = "simulation.power_loss.battery_priors.core-and-data-centre"
RADIO_PRIOR = "simulation.power_loss.battery_priors.radio"
UNKNOWN = f"{CORE_PRIOR} = 24 h: the battery taken for 2 assets"
CORES = "2 other assets: a.upf (core.upf), b.upf (core.upf)"
RADIO = f"{RADIO_PRIOR} = 2 h: the battery taken for 1 asset"
TM11 = "autonomy at op-a = +4 h: TM11 implemented at op-a (weight 1): 4 h of autonomy"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_power_loss_what_if_names_the_batteries_it_assumed(write_model) -> None:
    path = str(write_model(MODEL, None))
    code, out = run("whatif", path, "-e", "region-power:R1", "--hours", "3", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["people_without_service"] == 50  # b.ran at 2 h; a.ran at 2 + 4 h
    assumed = {a["parameter"]: a for a in data["assumptions"]}
    assert set(assumed) == {RADIO_PRIOR, CORE_PRIOR, "autonomy at op-a"}
    unknown = assumed[CORE_PRIOR]
    assert unknown["value"] == "24 h" and "2 assets in R1 whose battery_hours" in unknown["note"]
    assert CORES in unknown["note"] and "editorial" in unknown["note"]
    radio = assumed[RADIO_PRIOR]
    assert radio["value"] == "2 h" and "1 asset in R1 whose battery_hours" in radio["note"]
    assert "(1 radio asset)" in radio["note"]
    assert assumed["autonomy at op-a"]["value"] == "+4 h"
    assert (
        "each of op-a's 2 assets in R1, battery known or not"
        in (assumed["autonomy at op-a"]["note"])
    )
    code, out = run("whatif", path, "-e", "region-power:R1", "--hours", "3")
    assert code == 0
    text = flat(out)
    assert "Assumed (not in the model):" in text
    assert f"{UNKNOWN} in R1 whose battery_hours the model leaves out ({CORES})" in text
    assert f"{RADIO} in R1 whose battery_hours the model leaves out (1 radio asset)" in text
    assert TM11 in text


def test_a_what_if_without_a_power_loss_assumes_nothing_about_batteries(write_model) -> None:
    path = str(write_model(MODEL, None))
    code, out = run("whatif", path, "-e", "asset-down:b.upf", "--json")
    assert code == 0 and json.loads(out)["assumptions"] == []
    code, out = run("whatif", path, "-e", "asset-down:b.upf")
    assert code == 0 and "Assumed" not in out


def test_validate_says_what_the_simulation_assumes_of_batteries(write_model) -> None:
    path = str(write_model(MODEL, None))
    code, out = run("validate", path)
    assert code == 0, out
    text = flat(out)
    assert "Assumed by the simulation (not in the model):" in text
    assert f"{UNKNOWN} with a region whose battery_hours the model leaves out ({CORES})" in text
    assert TM11 in text and "each of op-a's 2 assets with a region" in text
    code, out = run("validate", path, "--json")
    assert [a["parameter"] for a in json.loads(out)["assumptions"]] == [
        RADIO_PRIOR,
        CORE_PRIOR,
        "autonomy at op-a",
    ]


def test_a_flat_value_in_an_override_takes_every_unknown_battery(write_model, tmp_path) -> None:
    """``unknown_battery_hours`` set by an override replaces the priors: 0 h, the worst
    case, takes b.upf down with a loss of 1 h, and b.ran with it."""
    path = str(write_model(MODEL, None))
    override = tmp_path / "flat.yaml"
    override.write_text("simulation:\n  power_loss:\n    unknown_battery_hours: 0.0\n")
    code, out = run(
        "--catalog", str(override), "whatif", path, "-e", "region-power:R1", "--hours", "1",
        "--json",
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["people_without_service"] == 50
    (flat_step,) = [
        a for a in data["assumptions"]
        if a["parameter"] == "simulation.power_loss.unknown_battery_hours"
    ]  # fmt: skip
    assert flat_step["value"] == "0 h" and "3 assets in R1" in flat_step["note"]


def test_the_monte_carlo_states_the_priors_it_took(write_model) -> None:
    path = str(write_model(MODEL, None))
    code, out = run("simulate", path, "--trials", "64", "--seed", "1", "--json")
    assert code == 0, out
    assumed = {a["parameter"]: a for a in json.loads(out)["assumptions"]}
    assert "2 assets with a region" in assumed[CORE_PRIOR]["note"]
    assert "1 asset with a region" in assumed[RADIO_PRIOR]["note"]
    code, out = run("simulate", path, "--trials", "64", "--seed", "1")
    assert code == 0
    assert f"{RADIO} with a region whose battery_hours" in flat(out)
