"""The power-loss section of a catalogue override: bad priors and a per-person rate without
an area size are located errors; an override's unknown_battery_hours replaces the priors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.catalog import load_catalogue
from fiveguard.domain.errors import InputError


def problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "override.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_catalogue(path)
    return " ".join(str(p) for p in caught.value.problems)


def test_priors_that_leave_a_domain_out_or_name_it_twice_are_refused(tmp_path: Path) -> None:
    """An override merges into the packaged priors: moving wireline from access and
    transport to radio names it twice; dropping it leaves it out."""
    text = problems(
        tmp_path,
        "simulation:\n  power_loss:\n    battery_priors:\n"
        "      access-and-transport: {domains: [transport]}\n",
    )
    assert "battery_priors must name every domain once; missing: wireline" in text
    assert "power_loss" in text
    text = problems(
        tmp_path,
        "simulation:\n  power_loss:\n    battery_priors:\n"
        "      radio: {domains: [ran, wireline]}\n",
    )
    assert "named twice: wireline" in text


def test_a_per_person_rate_without_an_area_size_is_refused(tmp_path: Path) -> None:
    text = problems(tmp_path, "simulation:\n  power_loss:\n    area_population: null\n")
    assert "needs area_population" in text


def test_an_unknown_power_rate_is_refused(tmp_path: Path) -> None:
    text = problems(tmp_path, "simulation:\n  power_loss:\n    record_rate: no-such-rate\n")
    assert "unknown rate 'no-such-rate'" in text and "record_rate" in text


def test_a_flat_unknown_battery_in_an_override_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "override.yaml"
    path.write_text("simulation:\n  power_loss:\n    unknown_battery_hours: 1.5\n")
    power = load_catalogue(path).simulation.power_loss
    assert power.unknown_battery_hours == 1.5
    assert power.record_rate == "natural-phenomena-incident"  # the rest as packaged
