"""Shared fixtures: a small valid model written to a temporary directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model
from model_texts import BASE_CSV, BASE_YAML

# Property and fuzz tests draw the same examples on every run ("repeatable", the default),
# so a run on a fresh clone gives the result the last one gave; HYPOTHESIS_PROFILE=explore
# draws fresh random examples to search further (a failure then prints the example to
# keep as a regression test). No deadline: how long an example takes depends on the
# machine's load, and timings never decide a test.
settings.register_profile("repeatable", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("explore", derandomize=False, print_blob=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


WriteModel = Callable[..., Path]


@pytest.fixture
def write_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WriteModel:
    """Write a model (YAML text, optional CSV text) and return the YAML path.

    Works in ``tmp_path`` so that messages name files as a user would see them.
    """
    monkeypatch.chdir(tmp_path)

    def write(yaml_text: str = BASE_YAML, csv_text: str | None = BASE_CSV) -> Path:
        path = tmp_path / "model.yaml"
        path.write_text(yaml_text, encoding="utf-8")
        if csv_text is not None:
            (tmp_path / "sites.csv").write_text(csv_text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def model_problems(catalogue: Catalogue) -> Callable[[Path], list[str]]:
    """The problems load_model reports for a path, as strings (empty when valid)."""

    def run(path: Path) -> list[str]:
        try:
            load_model(path, catalogue)
        except InputError as exc:
            return [str(p) for p in exc.problems]
        return []

    return run


@pytest.fixture
def load(catalogue: Catalogue) -> Callable[[Path], NetworkModel]:
    return lambda path: load_model(path, catalogue)
