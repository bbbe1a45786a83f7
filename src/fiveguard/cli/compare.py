"""``fiveguard compare OLD NEW``: what changed between two assessments of one country."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import app, console
from fiveguard.cli.tables import FormatOpt, TableFormat, heading, say, show, use_format
from fiveguard.cli.terminal import escape_controls
from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from fiveguard.assess.results import Assessment
    from fiveguard.compare.results import Comparison

COMPARISON_JSON = "comparison.json"
COMPARISON_HTML = "comparison.html"

OldArg = Annotated[
    Path, typer.Argument(help="The earlier assessment (assessment.json).", show_default=False)
]
NewArg = Annotated[
    Path, typer.Argument(help="The later assessment (assessment.json).", show_default=False)
]


@app.command("compare")
def compare_command(
    old: OldArg,
    new: NewArg,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=f"Write {COMPARISON_JSON} and {COMPARISON_HTML} into this directory.",
            show_default=False,
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    table_format: FormatOpt = TableFormat.TEXT,
) -> None:
    """Compare two assessments of one country: policy findings resolved and new, the
    phase-out of high-risk suppliers against each deadline, measures, risks and shares.

    Exit code 2 when a file is not an assessment, the countries differ, or NEW is older.

    Example: `fiveguard compare 2025/assessment.json 2026/assessment.json --out changes/`
    """
    use_format(table_format)
    if out is not None:
        common.check_out_dir(out)
    comparison = compare_files(old, new)
    if out is not None:
        from fiveguard.cli.assess import write_files
        from fiveguard.report.comparison import render_comparison

        write_files(
            out,
            {
                COMPARISON_JSON: comparison.model_dump_json(indent=2) + "\n",
                COMPARISON_HTML: render_comparison(comparison),
            },
        )
    if json_out:
        typer.echo(escape_controls(comparison.model_dump_json(indent=2)))
        return
    print_comparison(comparison)
    if out is not None and table_format is TableFormat.TEXT:
        console.print(
            f"\ncomparison: [bold]{escape(str((out / COMPARISON_HTML).resolve()))}[/bold]",
            soft_wrap=True,
        )


def compare_files(old: Path, new: Path) -> Comparison:
    """Read both assessments and compare them; every problem located."""
    from fiveguard.compare.read import read_assessment

    return compare_with(read_assessment(old), new_assessment=read_assessment(new))


def compare_with(old: Assessment, new_assessment: Assessment) -> Comparison:
    """Compare, turning an impossible comparison into a command-line problem."""
    from fiveguard.compare import ComparisonError, compare_assessments

    try:
        return compare_assessments(old, new_assessment)
    except ComparisonError as exc:
        raise InputError.at(str(exc), COMMAND_LINE) from None


def print_comparison(c: Comparison) -> None:
    """The comparison in the terminal: headlines, then the phase-out table."""
    heading(
        f"[bold]{escape(c.new.name)}[/bold] — {escape(c.marking)}: {c.old.as_of} → {c.new.as_of}"
    )
    for line in c.headlines:
        say(f"  • {line}")
    for note in c.notes:
        say(f"  note: {note}")
    if c.phase_out:
        table = Table(title="Phase-out against each deadline", title_justify="left")
        for column in ("rule", "operator", "to remove", "then", "now", "deadline", "status"):
            table.add_column(column, justify="right" if column in ("then", "now") else "left")
        for p in c.phase_out:
            table.add_row(
                escape(p.rule),
                escape(p.operator or "national"),
                p.unit,
                f"{p.old_remaining:,}",
                f"{p.new_remaining:,}",
                str(p.deadline or "—"),
                p.status,
            )
        show(table)
