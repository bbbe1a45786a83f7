"""Synthetic models: deterministic, valid by construction, round-trip, and the command."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.catalog import default_catalogue
from fiveguard.cli.app import app
from fiveguard.domain.base import Level
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import PROFILE_FACTORS
from fiveguard.modelio.dump import write_model
from fiveguard.modelio.generate import default_regions, generate_model
from fiveguard.modelio.load import load_model

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FULL_CORE = (
    "core.amf",
    "core.smf",
    "core.upf",
    "core.ausf",
    "core.udm",
    "core.udr",
    "core.pcf",
    "core.nrf",
    "core.nssf",
    "core.nef",
    "core.sepp",
    "ims",
    "li",
    "mgmt.oss",
    "mgmt.ems",
    "mano.nfvo",
    "mano.vnfm",
    "mano.vim",
    "transport.ipcore",
)


def write(model: NetworkModel, directory: Path) -> Path:
    return write_model(model, directory / "model.yaml")


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def load(path: Path) -> NetworkModel:
    return load_model(path, default_catalogue())


# ---------------------------------------------------------------------------- determinism


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    write(generate_model(3000, 3, 5, seed=7), tmp_path / "a")
    write(generate_model(3000, 3, 5, seed=7), tmp_path / "b")
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert set(first) == {"model.yaml", "sites.csv"}
    assert first == second


def test_different_seed_writes_different_files(tmp_path: Path) -> None:
    write(generate_model(3000, seed=1), tmp_path / "a")
    write(generate_model(3000, seed=2), tmp_path / "b")
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert first["model.yaml"] != second["model.yaml"]
    assert first["sites.csv"] != second["sites.csv"]


# ---------------------------------------------------------------------------- validity


@pytest.mark.parametrize(
    ("sites", "operators", "suppliers", "regions"),
    [
        (1, 1, 2, None),
        (7, 3, 2, None),
        (500, 2, 3, 1),
        (2_000, 3, 5, None),
        (5_000, 4, 8, 12),
        (30_000, 3, 5, None),
    ],
)
def test_generated_models_load_without_problems(
    tmp_path: Path, sites: int, operators: int, suppliers: int, regions: int | None
) -> None:
    model = generate_model(sites, operators, suppliers, seed=3, regions=regions)
    loaded = load(write(model, tmp_path))  # raises InputError listing any problem
    assert len(loaded.sites) == sites
    assert len(loaded.document.operators) == operators
    assert len(loaded.document.suppliers) == suppliers
    assert len(loaded.document.regions) == (regions or default_regions(sites))


def test_every_operator_has_a_full_core_and_a_backhaul_where_it_has_sites() -> None:
    model = generate_model(10_000, operators=4, seed=5)
    sites_operator = np.asarray(model.sites.operator.categories)[model.sites.operator.codes]
    for operator in model.document.operators:
        assets = [a for a in model.document.assets if a.operator == operator.id]
        kinds = Counter(a.kind for a in assets)
        assert all(kinds[k] for k in FULL_CORE), operator.id
        assert kinds["core.amf"] == 2
        mine = sites_operator == operator.id
        site_regions = set(
            np.asarray(model.sites.region.categories)[model.sites.region.codes[mine]]
        )
        backhaul_regions = {a.region for a in assets if a.kind == "transport.backhaul"}
        assert site_regions == backhaul_regions


def test_suppliers_include_a_low_and_a_high_profile() -> None:
    model = generate_model(100, suppliers=2)
    levels = [
        Counter(getattr(s.profile, f).score for f in PROFILE_FACTORS)
        for s in model.document.suppliers
    ]
    assert any(count[Level.HIGH] == 0 and count[Level.LOW] >= 4 for count in levels)
    assert any(count[Level.HIGH] >= 5 for count in levels)


def test_populations_are_plausible() -> None:
    operators = 3
    model = generate_model(30_000, operators=operators, seed=11)
    people = sum(r.population for r in model.document.regions)
    # a site serves its operator's users in its region: residents per site, less coverage
    per_site = model.sites.population.sum() / len(model.sites)
    assert 100 * 0.9 <= per_site <= 800
    assert 100 <= people / len(model.sites) <= 800
    assert 0.8 * people <= model.sites.population.sum() <= people
    shared = [p for p in model.sites.shared_with.categories if p]
    assert shared == [("op-3",)]  # the two smaller operators share a radio network
    assert any(o.roaming for o in model.document.operators)


@pytest.mark.parametrize("arguments", [(0,), (10, 0), (10, 3, 1), (10, 3, 5, 0, 0)])
def test_bad_arguments_raise_value_error(arguments: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="expected"):
        generate_model(*arguments)


# ---------------------------------------------------------------------------- round trip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sites=st.integers(1, 400),
    operators=st.integers(1, 4),
    suppliers=st.integers(2, 7),
    seed=st.integers(0, 2**32 - 1),
    regions=st.none() | st.integers(1, 8),
)
def test_generated_models_validate_and_round_trip(
    sites: int, operators: int, suppliers: int, seed: int, regions: int | None
) -> None:
    model = generate_model(sites, operators, suppliers, seed=seed, regions=regions)
    with tempfile.TemporaryDirectory() as tmp:
        first = write(model, Path(tmp) / "first")
        loaded = load(first)
        assert loaded == model
        write(loaded, Path(tmp) / "second")
        assert files(Path(tmp) / "first") == files(Path(tmp) / "second")


# ---------------------------------------------------------------------------- the command

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["generate", *args])
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def test_command_writes_model_and_sites(tmp_path: Path) -> None:
    out = tmp_path / "national"
    code, stdout, stderr = run(
        "--sites", "800", "--operators", "2", "--seed", "4", "--out", str(out)
    )
    assert code == 0, stderr
    assert "model.yaml" in stdout and "800 radio sites" in stdout
    assert load(out / "model.yaml") == generate_model(800, operators=2, seed=4)


def test_command_help_has_an_example() -> None:
    code, stdout, _ = run("--help")
    assert code == 0
    assert "Example: fiveguard generate --sites" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sites", "0"], "--sites: expected at least 1 site, got 0"),
        (["--sites", "10", "--operators", "0"], "--operators: expected at least 1 operator"),
        (["--sites", "10", "--suppliers", "1"], "--suppliers: expected at least 2 suppliers"),
        (["--sites", "10", "--regions", "0"], "--regions: expected at least 1 region"),
        (["--sites", "10", "--seed", "-1"], "--seed: expected a seed ≥ 0, got -1"),
        (["--sites", "2000000000"], "--sites: expected at most 10,000,000 sites"),
    ],
)
def test_command_rejects_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run(*args, "--out", str(out))
    assert code == 2
    assert message in stderr
    assert "Traceback" not in stdout + stderr
    assert not out.exists()


def test_command_rejects_an_unwritable_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    for out in (blocker, blocker / "below"):
        code, stdout, stderr = run("--sites", "10", "--out", str(out))
        assert code == 2
        assert "--out:" in stderr
        assert "Traceback" not in stdout + stderr
    assert blocker.read_text() == "not a directory\n"


def test_command_creates_nested_output_directories_only_when_writing(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    code, _, stderr = run("--sites", "20", "--out", str(out))
    assert code == 0, stderr
    assert (out / "model.yaml").exists() and (out / "sites.csv").exists()


def test_command_does_not_overwrite_a_model_without_force(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text("my model\n")
    (tmp_path / "sites.csv").write_text("my sites\n")
    code, stdout, stderr = run("--sites", "20", "--out", str(tmp_path))
    assert code == 2
    assert stderr.startswith(
        f"command line: --out: '{tmp_path / 'model.yaml'}' and '{tmp_path / 'sites.csv'}' "
        "exist already; give --force to overwrite, or another --out directory"
    )
    assert "Traceback" not in stdout + stderr
    assert (tmp_path / "model.yaml").read_text() == "my model\n"
    assert (tmp_path / "sites.csv").read_text() == "my sites\n"
    (tmp_path / "model.yaml").unlink()  # either file alone is refused too
    code, _, stderr = run("--sites", "20", "--out", str(tmp_path))
    assert code == 2 and "sites.csv' exists already" in stderr
    code, _, stderr = run("--sites", "20", "--out", str(tmp_path), "--force")
    assert code == 0, stderr
    assert load(tmp_path / "model.yaml") == generate_model(20)


def test_command_reports_every_bad_argument(tmp_path: Path) -> None:
    code, _, stderr = run("--sites", "0", "--seed", "-1", "--out", str(tmp_path / "out"))
    assert code == 2
    assert "--sites: expected at least 1 site" in stderr
    assert "--seed: expected a seed ≥ 0" in stderr


def test_command_names_residents_and_people_served_as_validate_does(tmp_path: Path) -> None:
    code, stdout, stderr = run("--sites", "300", "--out", str(tmp_path))
    assert code == 0, stderr
    model = load(tmp_path / "model.yaml")
    residents = sum(r.population for r in model.document.regions)
    served = int(model.sites.population.sum())
    assert served < residents
    assert f"with {residents:,} residents, {served:,} people served by radio" in " ".join(
        stdout.split()
    )
    validated = runner.invoke(app, ["validate", str(tmp_path / "model.yaml")])
    assert validated.exit_code == 0
    assert f"{served:,} people served by radio (of {residents:,} residents)" in " ".join(
        ANSI.sub("", validated.stdout).split()
    )
