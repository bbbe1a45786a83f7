"""The backtest: replays of real outages scored against what was reported.

Each replay (``examples/replays/*/``) models a network as it was known before an outage
and forces the outage's reported initiating cause; the figures its ``replay.yaml`` marks
``backtest: true`` (one per operator hit) are scored as |log10(fiveguard / reported)|:
0 is a hit, log10(1.5) ≈ 0.18 a factor of 1.5, log10(3) ≈ 0.48 a factor of 3, and
infinity where fiveguard gives nothing. Issue 14 sets the targets: the median score
within a factor of 1.5 and no figure beyond a factor of 3.

This module reads the replays' files, re-runs their what-if figures on a catalogue,
summarises the scores and renders the table of docs/calibration.md. It reads only the
paths it is given.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from fiveguard.domain.catalogue import Catalogue

MEDIAN_TARGET_FACTOR = 1.5
"""Issue 14, item 5a: the median figure lands within this factor of the report."""

MISS_FACTOR = 3.0
"""Issue 14, item 5a: no figure lands beyond this factor of the report (a miss)."""

SHOWN_IN_MILLIONS = 100_000
"""Figures from this size up are shown in millions (as the replays' README shows them)."""

MEASURES = ("people_without_service", "share_without_service")
"""The measures a backtest figure may score: people, or a share of an operator's customers."""


@dataclass(frozen=True)
class BacktestFigure:
    """One scored figure of a replay, as its files record it."""

    replay: str
    title: str
    measure: str
    operators: tuple[str, ...]
    events: tuple[str, ...]
    reported: float
    reported_as: str
    reported_in: tuple[str, ...]
    model_sources: tuple[str, ...]
    fiveguard: float
    catalog: Path | None = None
    """The replay's own catalogue override (its ``catalog`` key), if it has one."""

    @property
    def score(self) -> float:
        """|log10(fiveguard / reported)|, infinite where fiveguard gives nothing."""
        return score(self.fiveguard, self.reported)


@dataclass(frozen=True)
class BacktestSummary:
    """The scores of a backtest against issue 14's targets."""

    count: int
    median: float
    beyond: int
    """Figures beyond a factor of MISS_FACTOR (fiveguard giving nothing included)."""
    nothing: int
    """Figures where fiveguard gives nothing (score infinite)."""

    @property
    def median_factor(self) -> float:
        return math.inf if math.isinf(self.median) else 10**self.median

    @property
    def median_met(self) -> bool:
        return self.median <= math.log10(MEDIAN_TARGET_FACTOR)

    @property
    def misses_met(self) -> bool:
        return self.beyond == 0


def score(fiveguard: float, reported: float) -> float:
    """|log10(fiveguard / reported)| (``reported`` > 0); infinite when fiveguard is 0."""
    if reported <= 0:
        raise ValueError(f"a reported figure is positive, not {reported}")
    if fiveguard <= 0:
        return math.inf
    return abs(math.log10(fiveguard / reported))


def summarise(scores: Sequence[float]) -> BacktestSummary:
    """The median score (mean of the middle two for an even count) and the misses."""
    if not scores:
        raise ValueError("a backtest needs at least one figure")
    ordered = sorted(scores)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        median = ordered[middle]
    else:
        low, high = ordered[middle - 1], ordered[middle]
        median = math.inf if math.isinf(high) else (low + high) / 2
    limit = math.log10(MISS_FACTOR)
    return BacktestSummary(
        count=len(ordered),
        median=median,
        beyond=sum(s > limit for s in ordered),
        nothing=sum(math.isinf(s) for s in ordered),
    )


def urls(text: str) -> tuple[str, ...]:
    """The addresses cited in a text, in order, without repeats."""
    found = re.findall(r"https?://[^\s;,)]+", text)
    return tuple(dict.fromkeys(u.rstrip(".") for u in found))


def model_sources(model_path: Path) -> tuple[str, ...]:
    """The addresses a replay model's header (its leading comments) cites."""
    header = []
    for line in model_path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    return urls("\n".join(header))


def load_figures(replays: Path) -> list[BacktestFigure]:
    """Every figure marked ``backtest: true`` in the replays under ``replays``."""
    figures = []
    for replay_file in sorted(replays.glob("*/replay.yaml")):
        replay: dict[str, Any] = yaml.safe_load(replay_file.read_text(encoding="utf-8"))
        sources = model_sources(replay_file.parent / replay["model"])
        override = replay.get("catalog")
        catalog = (replay_file.parent / override).resolve() if override else None
        for figure in replay["figures"]:
            if not figure.get("backtest"):
                continue
            operator = figure.get("operator")
            operators = () if operator is None else tuple(as_list(operator))
            figures.append(
                BacktestFigure(
                    replay=replay_file.parent.name,
                    title=replay["title"],
                    measure=figure["measure"],
                    operators=operators,
                    events=tuple(figure["events"]),
                    reported=float(figure["reported"]),
                    reported_as=" ".join(str(figure["reported_as"]).split()),
                    reported_in=urls(figure["source"]),
                    model_sources=sources,
                    fiveguard=float(figure["fiveguard"]),
                    catalog=catalog,
                )
            )
    return figures


def as_list(value: str | list[str]) -> list[str]:
    """One operator id or a list of them, as a list."""
    return list(value) if isinstance(value, list) else [value]


def catalogue_for(figure: BacktestFigure, override: Path | None = None) -> Catalogue:
    """The catalogue a figure is re-run on: the packaged one, with ``override`` (a
    catalogue being scored) and then the replay's own override merged over it."""
    files = tuple(p for p in (override, figure.catalog) if p is not None)
    return _catalogue(files)


@functools.cache
def _catalogue(files: tuple[Path, ...]) -> Catalogue:
    from fiveguard.catalog import default_catalogue, load_catalogue
    from fiveguard.catalog.loader import merge

    if not files:
        return default_catalogue()
    if len(files) == 1:
        return load_catalogue(files[0])
    merged: dict[str, Any] = {}
    for path in files:
        merged = merge(merged, yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    with tempfile.TemporaryDirectory() as folder:
        combined = Path(folder) / "catalogue.yaml"
        combined.write_text(yaml.safe_dump(merged), encoding="utf-8")
        return load_catalogue(combined)


def rerun(figure: BacktestFigure, replays: Path, override: Path | None = None) -> float:
    """The figure the what-if gives today for a backtest figure, on the packaged
    catalogue with ``override`` and the replay's own override merged over it."""
    from fiveguard.app.simulation import parse_events, what_if
    from fiveguard.modelio.load import load_model

    if figure.measure not in MEASURES:
        raise ValueError(f"{figure.replay}: a backtest scores {MEASURES}, not {figure.measure}")
    catalogue = catalogue_for(figure, override)
    replay = yaml.safe_load((replays / figure.replay / "replay.yaml").read_text(encoding="utf-8"))
    model = load_model(replays / figure.replay / replay["model"], catalogue)
    result = what_if(model, catalogue, parse_events(figure.events, mode=None, hours=None).events)
    if not figure.operators:
        people = float(result.people_without_service)
    else:
        people = float(
            sum(
                result.by_operator[o].people_without_service
                for o in figure.operators
                if o in result.by_operator
            )
        )
    if figure.measure == "people_without_service":
        return people
    subscribers = sum(model.operators[o].subscribers for o in figure.operators)
    return round(people / subscribers, 3)


def _link(url: str) -> str:
    return f"[{urlsplit(url).hostname}]({url})"


def _amount(value: float, measure: str) -> str:
    if measure == "share_without_service":
        return f"{value:.0%}"
    return f"{value / 1e6:.2f} M" if value >= SHOWN_IN_MILLIONS else f"{value:,.0f}"


def _score(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value:.2f}"


def render_table(figures: Sequence[BacktestFigure]) -> str:
    """The backtest's table and summary line, as docs/calibration.md shows them."""
    lines = [
        "| replay | operators | reported | fiveguard | fiveguard / reported | score "
        "| model built from | reported in |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        compared = "0 (no effect)" if f.fiveguard == 0 else f"{f.fiveguard / f.reported:.2f}"
        built = ", ".join(_link(u) for u in f.model_sources) or "illustrative size (no base)"
        lines.append(
            f"| `{f.replay}` | {' + '.join(f.operators) or 'all'} | "
            f"{_amount(f.reported, f.measure)} | {_amount(f.fiveguard, f.measure)} | "
            f"{compared} | {_score(f.score)} | {built} | "
            f"{', '.join(_link(u) for u in f.reported_in)} |"
        )
    summary = summarise([f.score for f in figures])
    factor = "" if math.isinf(summary.median) else f" (a factor of {summary.median_factor:.2f})"
    lines += [
        "",
        f"{summary.count} figures: median score {_score(summary.median)}{factor}, target "
        f"{math.log10(MEDIAN_TARGET_FACTOR):.2f} (a factor of {MEDIAN_TARGET_FACTOR:g}): "
        f"{'met' if summary.median_met else 'missed'}; {summary.beyond} beyond a factor of "
        f"{MISS_FACTOR:g} ({summary.nothing} where fiveguard gives nothing), target 0: "
        f"{'met' if summary.misses_met else 'missed'}.",
    ]
    return "\n".join(lines)
