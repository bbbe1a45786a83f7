"""Validating a model: every problem located, the model's summary and what the
simulation assumes where the model says nothing (power autonomy), as ``validate`` shows
them in the terminal or as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fiveguard.assess.summary import ModelSummary, summarise
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError, Problem
from fiveguard.modelio.load import load_model
from fiveguard.simulate.results import Step


@dataclass(frozen=True)
class Validation:
    """What validating a model found. ``problems`` are listed either way (the errors, or
    the notes and warnings of a usable model); ``refused_for`` are those that make it
    invalid (its errors, or its warnings under ``strict``)."""

    valid: bool
    problems: tuple[Problem, ...]
    refused_for: tuple[Problem, ...] = ()
    source: str | None = None
    summary: ModelSummary | None = None
    assumptions: tuple[Step, ...] = ()


def refused(exc: InputError) -> Validation:
    """The validation of a model (or catalogue) that could not be read at all."""
    return Validation(False, tuple(exc.problems), tuple(exc.problems))


def validate_model(path: Path, catalogue: Catalogue, *, strict: bool = False) -> Validation:
    """Check the model file and its site files against the catalogue. The model's
    problems are in the result, never raised; with ``strict`` warnings make it invalid."""
    from fiveguard.simulate.assumptions import power_assumptions

    try:
        loaded = load_model(path, catalogue)
    except InputError as exc:
        return refused(exc)
    noted = tuple(loaded.notes + loaded.warnings)
    if strict and loaded.warnings:
        return Validation(False, noted, tuple(loaded.warnings), loaded.source)
    return Validation(
        True,
        noted,
        (),
        loaded.source,
        summarise(loaded, catalogue),
        power_assumptions(loaded, catalogue),
    )
