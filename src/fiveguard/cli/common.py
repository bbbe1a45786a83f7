"""Loading what commands need: the catalogue and a model, with the user's overrides."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from importlib import resources
from pathlib import Path

import typer

from fiveguard.cli.app import settings
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.model import NetworkModel


def catalogue(ctx: typer.Context) -> Catalogue:
    """The packaged catalogue, merged with ``--catalog`` when given."""
    from fiveguard.catalog import load_catalogue

    return load_catalogue(settings(ctx).catalog)


def model(
    ctx: typer.Context, path: Path, registry: Path | None = None
) -> tuple[NetworkModel, Catalogue]:
    """Load and check a model file against the catalogue (``registry``: a product registry
    directory read instead of the one the model names)."""
    from fiveguard.modelio.load import load_model

    cat = catalogue(ctx)
    return load_model(path, cat, registry), cat


def trials(given: int | None, default: int, cat: Catalogue) -> int:
    """``--trials`` as given, else ``default`` (a catalogue value); refused above the
    catalogue's ``simulation.max_trials``, since every trial's impacts stay in memory."""
    chosen = default if given is None else given
    limit = cat.simulation.max_trials
    if chosen > limit:
        raise InputError.at(
            f"expected at most {limit:,} trials (the catalogue's simulation.max_trials: every "
            f"trial's impacts are kept in memory), got {chosen:,}",
            COMMAND_LINE,
            path="--trials",
        )
    return chosen


def check_out_dir(out: Path) -> None:
    """Fail before the work if ``--out`` cannot take files; creates nothing (the
    directory is made only when the files are written)."""
    if out.exists() and not out.is_dir():
        raise InputError.at(
            f"{str(out)!r} exists and is not a directory", COMMAND_LINE, path="--out"
        )
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError.at(
            f"{str(existing)!r} is a file; expected a directory", COMMAND_LINE, path="--out"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError.at(
            f"cannot write to directory {str(existing)!r}: permission denied",
            COMMAND_LINE,
            path="--out",
        )


def demo_model_path() -> AbstractContextManager[Path]:
    """The embedded demo model, as a real path for the duration of the block."""
    return resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml")
