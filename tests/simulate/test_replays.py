"""Replays of real outages: every recorded figure is what fiveguard gives today.

Each `examples/replays/*/replay.yaml` lists figures: the events forced, the figure
reported (with its source) and the figure fiveguard gave when the replay was recorded.
These tests run every command, check that it still gives the recorded figure, and check
that the table in `examples/replays/README.md` is the one the data make. They do not
check that fiveguard lands near the report: how far it lands is what the table records,
misses included, for the backtest to score.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

REPLAYS = Path(__file__).parents[2] / "examples" / "replays"
FOLDERS = sorted(p.parent for p in REPLAYS.glob("*/replay.yaml"))
MEASURES = {"people_without_service", "share_without_service", "hours", "reportable"}
FORCES = {"initiating", "consequence"}
TABLE_START = "<!-- replay-table -->"
TABLE_END = "<!-- /replay-table -->"


def load(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "replay.yaml").read_text(encoding="utf-8"))
    return data


def catalogue_option(folder: Path, root: Path | None = None) -> list[str]:
    """``--catalog FILE`` when the replay runs with a catalogue override (``catalog``, a
    path relative to its folder), as a path from ``root`` (default: absolute)."""
    override = load(folder).get("catalog")
    if override is None:
        return []
    path = (folder / override).resolve()
    return ["--catalog", str(path.relative_to(root) if root else path)]


def command(folder: Path, figure: dict[str, Any]) -> list[str]:
    """The what-if arguments that produce a figure (after `fiveguard` and its options)."""
    args = ["whatif", str(folder / load(folder)["model"])]
    for event in figure["events"]:
        args += ["-e", event]
    return [*args, "--json"]


def shown_command(folder: Path, figure: dict[str, Any]) -> str:
    """The command as a reader runs it from the repository's root."""
    root = REPLAYS.parents[1]
    relative = folder.relative_to(root)
    args = command(folder, figure)
    args[1] = str(relative / load(folder)["model"])
    return "fiveguard " + " ".join([*catalogue_option(folder, root.resolve()), *args])


@cache
def whatif(folder: Path, events: tuple[str, ...]) -> dict[str, Any]:
    args = [*catalogue_option(folder), "whatif", str(folder / load(folder)["model"])]
    for event in events:
        args += ["-e", event]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    impact: dict[str, Any] = json.loads(result.stdout)
    return impact


def figure_value(folder: Path, figure: dict[str, Any]) -> float:
    """The figure fiveguard gives for a replay figure's measure."""
    impact = whatif(folder, tuple(figure["events"]))
    if figure["measure"] == "hours":
        hours: float = impact["time"]["hours"]
        return hours
    if figure["measure"] == "reportable":
        crossed = [
            r
            for r in impact["time"]["reporting"]
            if r["threshold"] == figure["threshold"]
            and (figure.get("operator") is None or r["who"] == figure["operator"])
        ]
        return 1.0 if crossed else 0.0
    operators = operators_of(figure)
    people = (
        sum(impact["by_operator"].get(o, {}).get("people_without_service", 0) for o in operators)
        if operators
        else impact["people_without_service"]
    )
    if figure["measure"] == "people_without_service":
        return float(people)
    model = yaml.safe_load((folder / load(folder)["model"]).read_text(encoding="utf-8"))
    subscribers = sum(o["subscribers"] for o in model["operators"] if o["id"] in operators)
    return round(people / subscribers, 3)


def operators_of(figure: dict[str, Any]) -> list[str]:
    """The operators whose customers a figure counts (one, several added, or none: all)."""
    operator = figure.get("operator")
    if operator is None:
        return []
    return list(operator) if isinstance(operator, list) else [operator]


def ratio(fiveguard: float, reported: float) -> str:
    """fiveguard / reported, as the table shows it."""
    if fiveguard == 0:
        return "0 (no effect)"
    return f"{fiveguard / reported:.2f}"


def number(value: float, measure: str) -> str:
    if measure == "reportable":
        return "crossed" if value else "not crossed"
    if measure == "share_without_service":
        return f"{value:.0%}"
    if measure == "hours":
        return f"{value:g} h"
    return f"{value / 1e6:.2f} M" if value >= 1e5 else f"{value:,.0f}"


def links(source: str) -> str:
    """A figure's sources as short links: the addresses it cites, by host."""
    urls = re.findall(r"https?://[^\s;,)]+", source)
    return ", ".join(f"[{urlsplit(u).hostname}]({u})" for u in urls)


def render_table() -> str:
    """The README's table, made from every replay's data."""
    lines = [
        "| replay | figure | forces | backtest | reported | fiveguard | fiveguard / reported "
        "| score: abs(log10) | reported in |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for folder in FOLDERS:
        replay = load(folder)
        for figure in replay["figures"]:
            measure = figure["measure"]
            what = {
                "people_without_service": "people without service",
                "share_without_service": "share of customers",
                "hours": "duration",
                "reportable": f"reporting threshold {figure.get('threshold')}",
            }[measure]
            if figure.get("operator"):
                what += f" ({' + '.join(operators_of(figure))})"
            fg = float(figure["fiveguard"])
            score = "∞" if fg == 0 else f"{abs(math.log10(fg / figure['reported'])):.2f}"
            compared = ratio(fg, figure["reported"])
            if measure == "reportable":
                compared, score = ("as reported", "") if fg == figure["reported"] else ("miss", "")
            lines.append(
                f"| `{folder.name}` | {what} | {figure['forces']} | "
                f"{'yes' if figure.get('backtest') else ''} | "
                f"{number(figure['reported'], measure)} | {number(fg, measure)} | "
                f"{compared} | {score} | {links(figure['source'])} |"
            )
    scores = sorted(
        math.inf if f["fiveguard"] == 0 else abs(math.log10(f["fiveguard"] / f["reported"]))
        for folder in FOLDERS
        for f in load(folder)["figures"]
        if f.get("backtest")
    )
    middle = len(scores) // 2
    median = scores[middle] if len(scores) % 2 else (scores[middle - 1] + scores[middle]) / 2
    beyond = sum(score > math.log10(3) for score in scores)
    lines += [
        "",
        f"Backtest ({len(scores)} figures): median score {median:.2f} "
        f"(a factor of {10**median:.2f}); {beyond} beyond a factor of 3.",
    ]
    return "\n".join(lines)


def test_at_least_eight_replays_each_scored_on_its_initiating_cause() -> None:
    assert len(FOLDERS) >= 8
    assert {"2018-12-sgsn-mme-certificate", "2023-11-optus-ip-core"} <= {p.name for p in FOLDERS}
    for folder in FOLDERS:
        scored = [f for f in load(folder)["figures"] if f.get("backtest")]
        assert scored, f"{folder.name}: no figure marked for the backtest"
        assert all(f["forces"] == "initiating" for f in scored), folder.name


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_a_replay_says_what_it_stands_on(folder: Path) -> None:
    replay = load(folder)
    assert {"title", "date", "countries", "model", "cause", "approximated", "figures"} <= set(
        replay
    )
    assert (folder / replay["model"]).is_file()
    for figure in replay["figures"]:
        assert figure["measure"] in MEASURES
        assert figure["forces"] in FORCES
        assert figure["events"], "a figure forces at least one event"
        assert figure["reported"] > 0
        assert "http" in figure["source"], "a reported figure cites where it was reported"
        assert figure["reported_as"]
        if figure["measure"] == "reportable":
            assert figure["threshold"] and figure["reported"] == 1
            assert not figure.get("backtest")
        if figure["measure"] == "share_without_service":
            assert figure.get("operator"), "a share is of one operator's subscribers"
            assert 0 < figure["reported"] <= 1


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_recorded_figures_are_what_fiveguard_gives(folder: Path) -> None:
    for figure in load(folder)["figures"]:
        assert figure["command"] == shown_command(folder, figure)
        got = figure_value(folder, figure)
        assert got == pytest.approx(figure["fiveguard"], abs=5e-4), (
            f"{folder.name}: {shown_command(folder, figure)} gives {got}, "
            f"the replay records {figure['fiveguard']}: record the new figure (and say why "
            "it moved) rather than change the model towards the report"
        )
        impact = whatif(folder, tuple(figure["events"]))
        for service in figure.get("critical_services", []):
            assert service in impact["critical_services"]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_no_population_is_a_reported_figure(folder: Path) -> None:
    """Populations come from customer bases, never from the numbers reported affected."""
    replay = load(folder)
    reported = {
        f["reported"] for f in replay["figures"] if f["measure"] == "people_without_service"
    }
    model = yaml.safe_load((folder / replay["model"]).read_text(encoding="utf-8"))
    held = {a.get("population") for a in model["assets"]} | {
        o.get("subscribers") for o in model["operators"]
    }
    declared = replay.get("base_equal_to_report", [])
    assert all(d["why"].strip() for d in declared), "a base equal to a report says why"
    assert not held & reported - {d["value"] for d in declared}


def test_the_readme_table_is_made_from_the_replays() -> None:
    readme = (REPLAYS / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(TABLE_START), readme.index(TABLE_END)
    assert readme[start + len(TABLE_START) : end].strip() == render_table(), (
        "examples/replays/README.md's table differs from the replays' data; "
        "`python tests/simulate/test_replays.py` prints the table"
    )


def test_the_2018_fault_reaches_two_operators_in_two_countries() -> None:
    folder = REPLAYS / "2018-12-sgsn-mme-certificate"
    model = yaml.safe_load((folder / "model.yaml").read_text(encoding="utf-8"))
    countries = {o.get("country", model["scope"]["country"]) for o in model["operators"]}
    assert countries == {"GB", "JP"}
    impact = whatif(folder, tuple(load(folder)["figures"][0]["events"]))
    assert all(
        impact["by_operator"][o]["people_without_service"] > 0 for o in ("o2-uk", "softbank")
    )


def backtest_rows() -> list[dict[str, Any]]:
    """The figures a backtest scores, one row each, as `--json` prints them."""
    rows = []
    for folder in FOLDERS:
        for figure in load(folder)["figures"]:
            if figure.get("backtest"):
                fg, reported = figure["fiveguard"], figure["reported"]
                rows.append(
                    {
                        "replay": folder.name,
                        "measure": figure["measure"],
                        "operators": operators_of(figure),
                        "reported": reported,
                        "source": " ".join(figure["source"].split()),
                        "fiveguard": fg,
                        "command": figure["command"],
                        "score": None if fg == 0 else abs(math.log10(fg / reported)),
                    }
                )
    return rows


def test_the_backtest_rows_are_the_marked_figures() -> None:
    rows = backtest_rows()
    assert len(rows) == sum(
        1 for folder in FOLDERS for f in load(folder)["figures"] if f.get("backtest")
    )
    assert all(r["score"] is None or r["score"] >= 0 for r in rows)
    json.dumps(rows)


if __name__ == "__main__":
    import sys

    # The README's table; with --json, the backtest's figures (score null: fiveguard gave 0).
    print(json.dumps(backtest_rows(), indent=2) if "--json" in sys.argv else render_table())
