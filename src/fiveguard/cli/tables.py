"""Tables in the terminal, or as Markdown or CSV to paste into documents and spreadsheets.

Commands build Rich tables as usual and hand them to :func:`show`; ``--format`` decides
how they come out. ``text``: Rich's boxes. ``markdown``: a pipe table per table, its
title as a heading and its caption below. ``csv``: the tables one after another, each a
header row then its rows, a blank line between them, and nothing else (RFC 4180 quoting).
Cells are plain text in every format: the colours and markup of the terminal are dropped.
"""

from __future__ import annotations

import csv
import io
import re
from contextvars import ContextVar
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from fiveguard.cli.app import console


class TableFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    CSV = "csv"


FormatOpt = Annotated[
    TableFormat,
    typer.Option(
        "--format",
        case_sensitive=False,
        help="How tables print: text (boxes), markdown (pipe tables for documents) or csv "
        "(tables only, for spreadsheets).",
    ),
]

_format: ContextVar[TableFormat] = ContextVar("table_format", default=TableFormat.TEXT)


def use_format(chosen: TableFormat) -> None:
    """Print the tables of this command in ``chosen``."""
    _format.set(chosen)


def current() -> TableFormat:
    return _format.get()


def plain(cell: object) -> str:
    """A cell as plain text: Rich markup and styles dropped, lines joined."""
    text = cell.plain if isinstance(cell, Text) else Text.from_markup(str(cell)).plain
    return " ".join(text.split("\n"))


def rows_of(table: Table) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a Rich table, as plain text."""
    header = [plain(c.header) for c in table.columns]
    cells = [[plain(cell) for cell in column.cells] for column in table.columns]
    return header, [list(row) for row in zip(*cells, strict=True)] if cells else []


def show(table: Table) -> None:
    """Print a table in the chosen format."""
    fmt = current()
    if fmt is TableFormat.TEXT:
        console.print(table)
        return
    header, rows = rows_of(table)
    if fmt is TableFormat.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[_number(c) for c in row] for row in rows])
        console.out(buffer.getvalue(), highlight=False, end="\n")
        return
    lines = []
    if table.title:
        lines.append(f"### {plain(table.title)}\n")
    lines.append("| " + " | ".join(_md(h) for h in header) + " |")
    lines.append("|" + "|".join(_align(c.justify) for c in table.columns) + "|")
    lines.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
    if table.caption:
        lines.append(f"\n{plain(table.caption)}")
    console.out("\n".join(lines) + "\n", highlight=False)


def say(text: str, *, markup: bool = False) -> None:
    """A line around the tables: printed as text or Markdown, left out of CSV."""
    fmt = current()
    if fmt is TableFormat.CSV:
        return
    console.print(text, markup=markup)
    if fmt is TableFormat.MARKDOWN:
        console.out("")


def heading(text: str) -> None:
    """A heading: a rule in text, a Markdown heading, nothing in CSV."""
    fmt = current()
    if fmt is TableFormat.TEXT:
        console.rule(text)
    elif fmt is TableFormat.MARKDOWN:
        console.out(f"## {plain(text)}\n", highlight=False)


_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _number(cell: str) -> str:
    """A number written with thousands separators (12,345) as a spreadsheet reads it."""
    return cell.replace(",", "") if _GROUPED.fullmatch(cell) else cell


def _md(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("|", "\\|")


def _align(justify: str) -> str:
    return "---:" if justify == "right" else "---"
