"""Tables as text, Markdown or CSV, and output to a pipe that is never wrapped."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.cli.tables import plain

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "small" / "model.yaml"


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def tables_of(text: str) -> list[list[list[str]]]:
    """CSV text of several tables, separated by blank lines."""
    blocks = [b for b in text.strip("\n").split("\n\n") if b.strip()]
    return [list(csv.reader(io.StringIO(block))) for block in blocks]


def test_csv_is_only_tables_each_with_a_header_and_plain_numbers() -> None:
    tables = tables_of(run("assess", str(EXAMPLE), "--trials", "0", "--format", "csv"))
    headers = [t[0] for t in tables]
    assert headers[0] == ["supplier", "profile", "decided by", "product quality", "gaps"]
    assert ["status", "rule", "supplier in", "assets", "people", "share"] in headers
    for table in tables:
        assert all(len(row) == len(table[0]) for row in table)
    violations = next(t for t in tables if t[0][0] == "status")
    people = [row[4] for row in violations[1:]]
    assert people and all(p.isdigit() for p in people)  # 103091, not "103,091"
    assert not any("[" in cell and "[/" in cell for t in tables for row in t for cell in row)


def test_brief_as_csv_lists_every_finding_ranked() -> None:
    (table,) = tables_of(run("assess", str(EXAMPLE), "--trials", "0", "--brief", "--format", "csv"))
    assert table[0] == ["rank", "severity", "people", "section", "finding", "to decide"]
    assert [row[0] for row in table[1:]] == [str(n) for n in range(1, len(table))]


def test_markdown_gives_pipe_tables_with_headings() -> None:
    out = run("assess", str(EXAMPLE), "--trials", "0", "--format", "markdown")
    assert out.startswith("## ")
    assert "### Supplier profiles\n\n| supplier | profile |" in out
    assert "|---|---|" in out and "---:|" in out  # numbers right-aligned


def test_markup_and_pipes_in_cells_come_out_plain() -> None:
    assert plain("[red]high[/]") == "high"
    assert plain("two\nlines") == "two lines"


def test_piped_output_is_not_wrapped_at_80_columns() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(ROOT / "src")
    done = subprocess.run(
        [sys.executable, "-m", "fiveguard", "assess", str(EXAMPLE), "--trials", "0", "--brief"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    finding = next(line for line in lines if line.lstrip().startswith("1. "))
    assert finding.rstrip().endswith("depend."), finding  # the whole sentence on its line
    assert max(len(line) for line in lines) > 80
    assert all(len(line) <= 200 for line in lines if set(line) <= {"─", " "})  # rules stay short


def test_a_format_never_carries_over_to_the_next_command_in_the_same_process(
    tmp_path: Path,
) -> None:
    run("assess", str(EXAMPLE), "--trials", "0", "--format", "csv")
    after = run("demo", "--out", str(tmp_path / "demo"))  # the demo takes no --format
    assert "supplier,profile,decided by" not in after
    assert "Supplier profiles" in after


def test_the_simulation_tables_come_in_the_chosen_format_too() -> None:
    csv_out = run("assess", str(EXAMPLE), "--trials", "200", "--format", "csv")
    headers = [t[0] for t in tables_of(csv_out)]
    assert ["impact", "mean", "P50", "P95", "P99", "max"] in headers
    assert ["operator", "mean", "P50", "P95", "P99", "max"] in headers
    markdown = run("assess", str(EXAMPLE), "--trials", "200", "--format", "markdown")
    assert "## Monte Carlo 200 simulated years" in markdown
    assert "| impact | mean |" in markdown
