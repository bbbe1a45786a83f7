"""Loading what commands need: the catalogue and a model, with the user's overrides."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from importlib import resources
from pathlib import Path

import typer

from fiveguard.cli.app import CATALOG_VARIABLE, print_problems, settings
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem
from fiveguard.domain.model import NetworkModel

ENVIRONMENT = "environment"
"""The "file" of problems with an environment variable."""


def catalogue(ctx: typer.Context) -> Catalogue:
    """The packaged catalogue, merged with ``--catalog`` when given. A file named by the
    environment variable is named as such when it cannot be used: the user may not know
    that the variable is set."""
    from fiveguard.catalog import load_catalogue

    chosen = settings(ctx)
    try:
        return load_catalogue(chosen.catalog)
    except InputError as exc:
        if not chosen.catalog_from_env:
            raise
        origin = Problem(
            Location(ENVIRONMENT, path=CATALOG_VARIABLE),
            f"names the catalogue file {str(chosen.catalog)!r}, which cannot be used (below); "
            f"correct it, or unset {CATALOG_VARIABLE} to use the packaged catalogue",
        )
        raise InputError([origin, *exc.problems]) from None


def model(
    ctx: typer.Context,
    path: Path,
    registry: Path | None = None,
    *,
    show_warnings: bool = True,
) -> tuple[NetworkModel, Catalogue]:
    """Load and check a model file against the catalogue (``registry``: a product registry
    directory read instead of the one the model names); its warnings are printed on stderr
    unless the caller reports them itself."""
    from fiveguard.modelio.load import load_model

    cat = catalogue(ctx)
    loaded = load_model(path, cat, registry)
    if show_warnings:
        print_problems(loaded.notes + loaded.warnings)
    return loaded, cat


def trials(given: int | None, default: int, cat: Catalogue) -> int:
    """``--trials`` as given, else ``default``, within the catalogue's limit."""
    from fiveguard.app.choices import chosen_trials

    return chosen_trials(given, default, cat)


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
