"""Loading what was written gives an equal model, and writing is stable."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.dump import write_model

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


def test_small_example_round_trips(tmp_path: Path, load) -> None:
    original: NetworkModel = load(EXAMPLE)
    written = write_model(original, tmp_path / "copy.yaml")
    again = load(written)
    assert again == original
    assert again.document == original.document
    assert again.sites.equals(original.sites)


def test_writing_twice_gives_identical_files(tmp_path: Path, load) -> None:
    model = load(EXAMPLE)
    first = write_model(model, tmp_path / "a" / "model.yaml")
    second = write_model(load(first), tmp_path / "b" / "model.yaml")
    assert first.read_text() == second.read_text()
    assert (first.parent / "sites.csv").read_text() == (second.parent / "sites.csv").read_text()


def test_round_trip_keeps_site_values(tmp_path: Path, load) -> None:
    model = load(EXAMPLE)
    again = load(write_model(model, tmp_path / "m.yaml"))
    for row in range(len(model.sites)):
        assert again.sites.asset(row) == model.sites.asset(row)


def test_gzip_site_files_are_read(tmp_path: Path, load) -> None:
    model = load(EXAMPLE)
    doc = model.document.model_copy(update={"sites": ("sites.csv.gz",)})
    compressed = NetworkModel(doc, model.sites)
    path = write_model(compressed, tmp_path / "model.yaml")
    assert (tmp_path / "sites.csv.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert load(path) == compressed


def test_changed_value_breaks_equality(tmp_path: Path, load) -> None:
    shutil.copytree(EXAMPLE.parent, tmp_path / "ex")
    csv = tmp_path / "ex" / "sites.csv"
    lines = csv.read_text().splitlines()
    fields = lines[1].split(",")
    fields[5] = str(int(fields[5]) + 1)  # population of the first site
    lines[1] = ",".join(fields)
    csv.write_text("\n".join(lines) + "\n")
    changed = load(tmp_path / "ex" / "model.yaml")
    original = load(EXAMPLE)
    assert changed != original
    assert not np.array_equal(changed.sites.population, original.sites.population)


def test_purchase_and_installation_dates_of_site_rows_round_trip(tmp_path: Path, load) -> None:
    shutil.copytree(EXAMPLE.parent, tmp_path / "ex")
    csv = tmp_path / "ex" / "sites.csv"
    lines = csv.read_text().splitlines()
    lines[0] += ",installed,purchased"
    lines[1] += ",2021-03-01,2020-06-01"  # bought before a purchase ban, installed after
    lines[2] += ",2021-03-01,"  # purchase date unknown
    lines[3:] = [line + ",," for line in lines[3:]]
    csv.write_text("\n".join(lines) + "\n")
    model = load(tmp_path / "ex" / "model.yaml")
    first = model.sites.asset(0)
    assert (str(first.installed), str(first.purchased)) == ("2021-03-01", "2020-06-01")
    assert model.sites.asset(1).purchased is None
    written = write_model(model, tmp_path / "copy" / "model.yaml")
    assert "installed,purchased" in (written.parent / "sites.csv").read_text().splitlines()[0]
    assert load(written) == model
