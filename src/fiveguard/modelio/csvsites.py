"""Site CSV files: one access asset (radio or wireline) per row, read and written column by column.

A site file has a header row naming its columns. ``id``, ``operator`` and ``kind`` are
required; the others (see :data:`COLUMNS`) are optional and take the defaults of an
asset, except ``sites``, which defaults to 1 (a row is one site). Lists are written
with ``;`` between items; in ``requires``, ``a|b`` is an ``any:`` group.

Rows are parsed in chunks and stored as :class:`~fiveguard.domain.sites.SiteTable`
columns, so a million-row file loads in seconds and little memory. Files ending in
``.gz`` are read and written gzip-compressed.

This module splits a file into chunks of rows; :mod:`.csvsites_cells` parses cells,
:mod:`.csvsites_columns` builds and checks the columns, :mod:`.csvsites_locate` places
problems at their line and column, and :mod:`.csvsites_write` writes files.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.sites import SiteTable
from fiveguard.modelio.csvsites_cells import COLUMNS, REQUIRED, SPECS
from fiveguard.modelio.csvsites_cells import parse_requires as _requires  # noqa: F401 (benchmarks)
from fiveguard.modelio.csvsites_columns import CategoricalBuilder, assemble_table
from fiveguard.modelio.csvsites_header import SHOWN_NAMES, check_header
from fiveguard.modelio.csvsites_locate import SiteFileLocator, open_binary, open_text
from fiveguard.modelio.csvsites_write import write_sites
from fiveguard.modelio.encoding import NOT_UTF8, first_bad_utf8

__all__ = [
    "BLOCK_CHARS",
    "CHUNK_ROWS",
    "COLUMNS",
    "MAX_FIELD",
    "REQUIRED",
    "SiteFileLocator",
    "read_sites",
    "write_sites",
]

CHUNK_ROWS = 65_536
BLOCK_CHARS = 1 << 23
"""Characters read at a time on the quote-free fast path."""
MAX_FIELD = 10_000


class _RecordError(Exception):
    """A CSV syntax error, with the line where the broken record began."""

    def __init__(self, line: int, error: csv.Error) -> None:
        super().__init__(str(error))
        self.line = line


def _rows_with_lines(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted field may span lines)."""
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # an unbalanced quote is only noticed at the end of the file: point at the
            # record where it opened, not where the parser gave up
            raise _RecordError(line, exc) from None
        yield line, row
        line = reader.line_num + 1


def read_sites(path: Path, file: str) -> tuple[SiteTable, list[Problem], SiteFileLocator]:
    """Read a site CSV file: the table, every problem found, and a locator for later ones.

    The table is only meaningful when no problems were returned.
    """
    problems: list[Problem] = []
    try:
        simple = not _has_quotes(path, file)
        with open_text(path, file) as handle:
            return _read(path, file, handle, problems, simple)
    except UnicodeDecodeError:
        raise _not_utf8(path, file) from None
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError.at(f"cannot read site file: {exc}", file) from None


def _not_utf8(path: Path, file: str) -> InputError:
    """The problem of a site file that is not UTF-8, at its first bad byte."""
    with open_binary(path, file) as raw:
        found = first_bad_utf8(raw)
    if found is None:  # pragma: no cover - the text reader found one
        return InputError.at(NOT_UTF8, file)
    line, col, message = found
    return InputError.at(message, file, line=line, col=col)


def _has_quotes(path: Path, file: str) -> bool:
    """Whether a quote appears anywhere: without one, every record is one line."""
    with open_binary(path, file) as raw:
        while block := raw.read(1 << 22):
            if b'"' in block:
                return True
    return False


def _read(
    path: Path, file: str, handle: Iterable[str], problems: list[Problem], simple: bool
) -> tuple[SiteTable, list[Problem], SiteFileLocator]:
    """Read the open file: rows in blocks, sorted into columns, assembled into a table."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(handle, strict=True)
    header, locator = _read_header(reader, path, file, problems)
    width = len(header)
    read = [name if name in SPECS else None for name in header]  # None: ignored
    builders = {
        name: CategoricalBuilder(SPECS[name])
        for name in read
        if name is not None and SPECS[name].kind in ("categorical", "bool")
    }
    numeric_chunks: dict[str, list[Sequence[str]]] = {
        name: [] for name in read if name is not None and SPECS[name].kind in ("int", "float")
    }
    misfits = _Misfits(header)
    ids: list[str] = []
    line_parts: list[np.ndarray] = []
    starts: list[int] = []

    def take(columns: Sequence[Sequence[str]], lines: np.ndarray) -> None:
        start = len(ids)
        starts.append(start)
        line_parts.append(lines)
        for name, values in zip(read, columns, strict=True):
            if name is None:
                continue
            if name == "id":
                ids.extend(values)
            elif name in builders:
                builders[name].add(values, start)
            else:
                numeric_chunks[name].append(values)

    blocks = (
        _simple_blocks(handle, width, file, problems)
        if simple
        else _quoted_blocks(reader, file, problems)
    )
    for rows, ready, lines in blocks:
        if ready is not None:
            take(ready, lines)
            continue
        good, good_lines = _well_formed(rows, lines, width, misfits)
        if good:
            take(list(zip(*good, strict=True)), good_lines)
    problems.extend(misfits.problems(file))
    all_lines = np.concatenate(line_parts) if line_parts else np.zeros(0, np.int32)
    locator.lines = all_lines
    return assemble_table(file, ids, all_lines, builders, numeric_chunks, starts, problems, locator)


def _read_header(
    reader: Any, path: Path, file: str, problems: list[Problem]
) -> tuple[list[str], SiteFileLocator]:
    """The header row and a locator for the file; raises InputError if the header is bad."""
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError.at(
            "empty site file: expected a header row naming the columns", file, line=1
        ) from None
    except csv.Error as exc:
        raise InputError.at(f"CSV syntax error: {exc}", file, line=1) from None
    locator = SiteFileLocator(path, file, tuple(header))
    check_header(header, locator, problems)
    if problems:
        raise InputError(problems)
    return header, locator


Block = tuple[list[list[str]], list[Sequence[str]] | None, np.ndarray]
"""Rows (when they still need checking) or ready columns, and each row's line."""


def _simple_blocks(
    handle: Iterable[str], width: int, file: str, problems: list[Problem]
) -> Iterator[Block]:
    """Blocks of a file without quotes, split into columns without a step per row.

    With no quotes a record is one line and a field is the text between commas, so a
    block's fields are its text split on both separators; column ``j`` is every
    ``width``-th field. Blocks whose field count does not fit (a short or long row, a
    blank line) are parsed row by row instead, to report each bad row at its line.
    """
    stream = iter(lambda: handle.read(BLOCK_CHARS), "")  # type: ignore[attr-defined]
    carry = ""
    line = 2
    for piece in stream:
        text = carry + piece
        cut = text.rfind("\n") + 1
        carry, whole_lines = text[cut:], text[:cut]
        yield from _split_block(whole_lines, width, line, file, problems)
        line += whole_lines.count("\n")
    if carry:
        yield from _split_block(carry + "\n", width, line, file, problems)


def _split_block(
    text: str, width: int, first_line: int, file: str, problems: list[Problem]
) -> Iterator[Block]:
    if not text:
        return
    text = text.replace("\r\n", "\n")
    n = text.count("\n")
    lines = np.arange(first_line, first_line + n, dtype=np.int32)
    fields = text.replace("\n", ",").split(",")
    fields.pop()  # the empty string after the last newline
    if len(fields) == n * width and "\n\n" not in text:
        yield [], [fields[j::width] for j in range(width)], lines
        return
    rows: list[list[str]] = []
    for offset, raw in enumerate(text.split("\n")[:-1]):
        try:
            rows.append(next(csv.reader([raw], strict=True), []))
        except csv.Error as exc:
            problems.append(
                Problem(Location(file, first_line + offset, None, None), f"CSV syntax error: {exc}")
            )
            rows.append([])
    yield rows, None, lines


def _quoted_blocks(reader: Any, file: str, problems: list[Problem]) -> Iterator[Block]:
    """Blocks of rows of a file with quotes, tracking the line each record starts on."""
    records = _rows_with_lines(reader)
    while True:
        try:
            chunk = list(itertools.islice(records, CHUNK_ROWS))
        except _RecordError as exc:
            problems.append(
                Problem(
                    Location(file, exc.line, 1, None),
                    f"CSV syntax error in the record starting here: {exc} (is a quote left open?)",
                )
            )
            raise InputError(problems) from None
        if not chunk:
            return
        rows = [row for _, row in chunk]
        yield rows, None, np.asarray([line for line, _ in chunk], dtype=np.int32)


def _well_formed(
    rows: list[list[str]], lines: np.ndarray, width: int, misfits: _Misfits
) -> tuple[list[list[str]], np.ndarray]:
    """Rows with the header's number of fields; blank lines dropped, others noted."""
    widths = set(map(len, rows))
    if widths == {width}:
        return rows, lines
    keep = np.fromiter((len(r) == width for r in rows), dtype=bool, count=len(rows))
    for index in np.flatnonzero(~keep).tolist():
        if rows[index]:  # a blank line is no problem
            misfits.add(len(rows[index]), int(lines[index]))
    return [r for r, k in zip(rows, keep.tolist(), strict=True) if k], lines[keep]


class _Misfits:
    """Rows with another number of fields than the header names, grouped by that number:
    one problem per group, at its first row, with the count and the first lines."""

    SHOWN_LINES = 5

    def __init__(self, header: Sequence[str]) -> None:
        self.header = tuple(header)
        self.lines: dict[int, list[int]] = {}
        self.counts: dict[int, int] = {}

    def add(self, fields: int, line: int) -> None:
        self.counts[fields] = self.counts.get(fields, 0) + 1
        shown = self.lines.setdefault(fields, [])
        if len(shown) < self.SHOWN_LINES:
            shown.append(line)

    def problems(self, file: str) -> list[Problem]:
        out = []
        width = len(self.header)
        for fields, lines in self.lines.items():
            count = self.counts[fields]
            message = f"row has {fields} fields, the header names {width}"
            if fields < width:
                lacking = self.header[fields:]
                message += (
                    f": the last column ({lacking[0]}) has no value"
                    if len(lacking) == 1
                    else f": the last {len(lacking):,} columns ({_names(lacking)}) have no value"
                ) + "; an empty value still needs its comma"
            else:
                extra = fields - width
                message += (
                    f": {extra} {'field' if extra == 1 else 'fields'} too many; a value holding "
                    'a comma needs double quotes, "like, this"'
                )
            if count > 1:
                more = ", …" if count > len(lines) else ""
                message += f" ({count:,} rows, on lines {', '.join(map(str, lines))}{more})"
            out.append(Problem(Location(file, lines[0], 1, None), message))
        return out


def _names(names: Sequence[str]) -> str:
    """Column names for a message, the first few of a long list."""
    shown = ", ".join(names[:SHOWN_NAMES])
    return shown + (f", … ({len(names) - SHOWN_NAMES:,} more)" if len(names) > SHOWN_NAMES else "")
