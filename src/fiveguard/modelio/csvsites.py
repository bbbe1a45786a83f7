"""Reading and writing site CSV files: one radio asset per row, column by column.

A site file has a header row naming its columns. ``id``, ``operator`` and ``kind`` are
required; the others (see :data:`COLUMNS`) are optional and take the defaults of an
asset, except ``sites``, which defaults to 1 (a row is one site). Lists are written
with ``;`` between items; in ``requires``, ``a|b`` is an ``any:`` group.

Rows are parsed in chunks and stored as :class:`~fiveguard.domain.sites.SiteTable`
columns, so a million-row file loads in seconds and little memory. Files ending in
``.gz`` are read and written gzip-compressed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from fiveguard.domain.base import (
    ID_MAX_LENGTH,
    ID_RE,
    PRODUCT_REF_PATTERN,
)
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.network import AnyOf
from fiveguard.domain.sites import Categorical, SiteTable

CHUNK_ROWS = 65_536
BLOCK_CHARS = 1 << 23
"""Characters read at a time on the quote-free fast path."""
MAX_FIELD = 10_000
PRODUCT_RE = re.compile(PRODUCT_REF_PATTERN[1:-1])
LIST_SEPARATOR = ";"
GROUP_SEPARATOR = "|"

REQUIRED = ("id", "operator", "kind")
COLUMNS = (
    "id",
    "operator",
    "kind",
    "product",
    "name",
    "region",
    "sites",
    "population",
    "critical_services",
    "sensitive",
    "battery_hours",
    "requires",
    "managed_by",
    "shared_with",
    "installed",
)

_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n", ""})
_MANY_FRESH = 64
"""Above this many new values in a chunk, first rows are found in one reversed pass."""


# ---------------------------------------------------------------------------- parsing values


class _BadCellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def _identifier(text: str) -> str:
    if not ID_RE.fullmatch(text) or len(text) > ID_MAX_LENGTH:
        raise _BadCellError(
            f"expected an identifier (letters, digits, '.', '_', ':', '-'), got {text!r}"
        )
    return text


def _optional_identifier(text: str) -> str | None:
    return _identifier(text) if text else None


def _product(text: str) -> str | None:
    if not text:
        return None
    if not PRODUCT_RE.fullmatch(text):
        raise _BadCellError(f"expected PRODUCT@VERSION, got {text!r}")
    return text


def _text(text: str) -> str | None:
    return text or None


def _id_list(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(_identifier(part.strip()) for part in text.split(LIST_SEPARATOR))


def _requires(text: str) -> tuple[str | AnyOf, ...]:
    if not text:
        return ()
    out: list[str | AnyOf] = []
    for part in text.split(LIST_SEPARATOR):
        members = [m.strip() for m in part.split(GROUP_SEPARATOR)]
        for m in members:
            _identifier(m)
        out.append(AnyOf(any=tuple(members)) if len(members) > 1 else members[0])
    return tuple(out)


def _bool(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise _BadCellError(f"expected true or false, got {text!r}")


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _BadCellError(f"expected a date YYYY-MM-DD, got {text!r}") from None


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # "id" | "categorical" | "int" | "float" | "bool"
    parse: Callable[[str], Any] | None = None
    default: str = ""


_SPECS: dict[str, _Column] = {
    "id": _Column("id", "id"),
    "operator": _Column("operator", "categorical", _identifier),
    "kind": _Column("kind", "categorical", _identifier),
    "product": _Column("product", "categorical", _product),
    "name": _Column("name", "categorical", _text),
    "region": _Column("region", "categorical", _optional_identifier),
    "sites": _Column("sites", "int", default="1"),
    "population": _Column("population", "int", default="0"),
    "critical_services": _Column("critical_services", "categorical", _id_list),
    "sensitive": _Column("sensitive", "bool", _bool, default="false"),
    "battery_hours": _Column("battery_hours", "float"),
    "requires": _Column("requires", "categorical", _requires),
    "managed_by": _Column("managed_by", "categorical", _optional_identifier),
    "shared_with": _Column("shared_with", "categorical", _id_list),
    "installed": _Column("installed", "categorical", _date),
}


# ---------------------------------------------------------------------------- locating


@dataclass
class SiteFileLocator:
    """Finds the line and column of a cell, reading the file again only on error."""

    path: Path
    file: str
    header: tuple[str, ...]
    lines: Sequence[int] | np.ndarray = field(default_factory=list)

    @cached_property
    def _raw_lines(self) -> list[str]:
        return _open_text(self.path).read().splitlines()

    def line_of(self, row: int) -> int:
        return int(self.lines[row]) if row < len(self.lines) else row + 2

    def locate(self, row: int | None, column: str | None) -> Location:
        if row is None:
            return Location(self.file, 1, self._column_offset(0, column), column)
        line = self.line_of(row)
        return Location(self.file, line, self._column_offset(line - 1, column), column)

    def header_column(self, index: int) -> int | None:
        """The character column where the header's ``index``-th name starts."""
        return self._offset_of_field(0, index)

    def _column_offset(self, line_index: int, column: str | None) -> int | None:
        if column is None or column not in self.header:
            return 1 if column is None else None
        return self._offset_of_field(line_index, self.header.index(column))

    def _offset_of_field(self, line_index: int, target: int) -> int | None:
        try:
            raw = self._raw_lines[line_index]
        except IndexError:
            return None
        offset, index, quoted = 0, 0, False
        for offset, char in enumerate(raw):
            if index == target:
                return offset + 1
            if char == '"':
                quoted = not quoted
            elif char == "," and not quoted:
                index += 1
        return offset + 2 if index == target else None


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


# ---------------------------------------------------------------------------- reading


class _CategoricalBuilder:
    """Collects a column's distinct raw strings; parses each distinct string once."""

    def __init__(self, spec: _Column) -> None:
        self.spec = spec
        self.index: dict[str, int] = {}
        self.first_row: list[int] = []
        self.parts: list[np.ndarray] = []

    def add(self, values: Sequence[str], first_row: int) -> None:
        index = self.index
        fresh = [v for v in dict.fromkeys(values) if v not in index]
        if len(fresh) > _MANY_FRESH:
            # many distinct values: find first rows in one pass (reversed, so the first
            # occurrence is the one that stays)
            first = dict(zip(reversed(values), range(len(values) - 1, -1, -1), strict=True))
            positions = [first[v] for v in fresh]
        else:
            positions = [values.index(v) for v in fresh]
        for value, position in zip(fresh, positions, strict=True):
            index[value] = len(index)
            self.first_row.append(first_row + position)
        self.parts.append(np.fromiter(map(index.__getitem__, values), np.int32, len(values)))

    def finish(self, problems: list[Problem], locator: SiteFileLocator) -> Categorical[Any]:
        parse = self.spec.parse
        assert parse is not None
        values: dict[Any, int] = {}
        mapping: list[int] = []
        for raw, row in zip(self.index, self.first_row, strict=True):
            try:
                value = parse(raw.strip())
            except (_BadCellError, ValueError) as exc:
                problems.append(Problem(locator.locate(row, self.spec.name), str(exc)))
                value = None
            # distinct raw strings can mean the same value ("a; b" and "a;b"): merge them
            mapping.append(
                -1 if value is None or value == () else values.setdefault(value, len(values))
            )
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)
        return Categorical(np.asarray([*mapping, -1], dtype=np.int32)[codes], tuple(values))


def _numbers(
    spec: _Column,
    chunks: Sequence[Sequence[str]],
    starts: Sequence[int],
    problems: list[Problem],
    locator: SiteFileLocator,
) -> np.ndarray:
    """A numeric column, converted by NumPy; cell by cell only where that fails."""
    dtype = np.int64 if spec.kind == "int" else np.float64
    fill = spec.default or "nan"
    parts = []
    for values, start in zip(chunks, starts, strict=True):
        filled = [v or fill for v in values] if "" in values else values
        try:
            array = np.array(filled, dtype=dtype)
            if spec.kind == "float" and not np.isfinite(array[np.asarray(filled) != "nan"]).all():
                raise ValueError("not finite")
        except (ValueError, OverflowError):
            array = np.zeros(len(values), dtype=dtype)
            for offset, value in enumerate(values):
                try:
                    array[offset] = _number(spec, value)
                except _BadCellError as exc:
                    problems.append(Problem(locator.locate(start + offset, spec.name), str(exc)))
        parts.append(array)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def _number(spec: _Column, value: str) -> float:
    text = value.strip() or spec.default
    if spec.kind == "float":
        if not text:
            return float("nan")
        try:
            number = float(text)
        except ValueError:
            raise _BadCellError(f"expected a number, got {value!r}") from None
        if not np.isfinite(number):
            raise _BadCellError(f"expected a finite number, got {value!r}")
        return number
    try:
        number = int(text)
    except ValueError:
        raise _BadCellError(f"expected a whole number, got {value!r}") from None
    if abs(number) > np.iinfo(np.int64).max:
        raise _BadCellError(f"number is absurdly large: {value!r}")
    return number


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
        simple = not _has_quotes(path)
        with _open_text(path) as handle:
            return _read(path, file, handle, problems, simple)
    except FileNotFoundError:
        raise InputError.at("site file not found", file) from None
    except IsADirectoryError:
        raise InputError.at("is a directory, expected a CSV file", file) from None
    except UnicodeDecodeError:
        raise InputError.at("not valid UTF-8 text (expected a UTF-8 CSV file)", file) from None
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError.at(f"cannot read site file: {exc}", file) from None


def _has_quotes(path: Path) -> bool:
    """Whether a quote appears anywhere: without one, every record is one line."""
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:
        while block := raw.read(1 << 22):
            if b'"' in block:
                return True
    return False


def _read(
    path: Path, file: str, handle: Iterable[str], problems: list[Problem], simple: bool
) -> tuple[SiteTable, list[Problem], SiteFileLocator]:
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(handle, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError.at(
            "empty site file: expected a header row naming the columns", file, line=1
        ) from None
    except csv.Error as exc:
        raise InputError.at(f"CSV syntax error: {exc}", file, line=1) from None
    locator = SiteFileLocator(path, file, tuple(header))
    _check_header(header, locator, problems)
    if problems:
        raise InputError(problems)

    width = len(header)
    builders = {
        name: _CategoricalBuilder(_SPECS[name])
        for name in header
        if _SPECS[name].kind in ("categorical", "bool")
    }
    numeric_chunks: dict[str, list[Sequence[str]]] = {
        name: [] for name in header if _SPECS[name].kind in ("int", "float")
    }
    ids: list[str] = []
    line_parts: list[np.ndarray] = []
    starts: list[int] = []

    def take(columns: Sequence[Sequence[str]], lines: np.ndarray) -> None:
        start = len(ids)
        starts.append(start)
        line_parts.append(lines)
        for name, values in zip(header, columns, strict=True):
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
        good, good_lines = _well_formed(rows, lines, width, file, problems)
        if good:
            take(list(zip(*good, strict=True)), good_lines)
    all_lines = np.concatenate(line_parts) if line_parts else np.zeros(0, np.int32)
    locator.lines = all_lines
    return _assemble(file, ids, all_lines, builders, numeric_chunks, starts, problems, locator)


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
    rows: list[list[str]], lines: np.ndarray, width: int, file: str, problems: list[Problem]
) -> tuple[list[list[str]], np.ndarray]:
    """Rows with the header's number of fields; blank lines dropped, others reported."""
    widths = set(map(len, rows))
    if widths == {width}:
        return rows, lines
    keep = np.fromiter((len(r) == width for r in rows), dtype=bool, count=len(rows))
    for index in np.flatnonzero(~keep).tolist():
        if rows[index]:  # a blank line is no problem
            problems.append(
                Problem(
                    Location(file, int(lines[index]), 1, None),
                    f"row has {len(rows[index])} fields, the header names {width}",
                )
            )
    return [r for r, k in zip(rows, keep.tolist(), strict=True) if k], lines[keep]


def _check_header(header: Sequence[str], locator: SiteFileLocator, problems: list[Problem]) -> None:
    file = locator.file
    for index, name in enumerate(header):
        at = Location(file, 1, locator.header_column(index), name or f"column {index + 1}")
        if name not in _SPECS:
            problems.append(
                Problem(at, f"unknown column {name!r}; expected some of: {', '.join(COLUMNS)}")
            )
        elif header.index(name) != index:
            problems.append(Problem(at, f"column {name!r} appears twice"))
    for name in REQUIRED:
        if name not in header:
            problems.append(
                Problem(Location(file, 1, 1, name), f"missing required column {name!r}")
            )


def _assemble(
    file: str,
    ids: list[str],
    lines: np.ndarray,
    builders: dict[str, _CategoricalBuilder],
    numeric_chunks: dict[str, list[Sequence[str]]],
    starts: list[int],
    problems: list[Problem],
    locator: SiteFileLocator,
) -> tuple[SiteTable, list[Problem], SiteFileLocator]:
    n = len(ids)
    _check_ids(ids, problems, locator)

    def categorical(name: str) -> Categorical[Any]:
        if name in builders:
            return builders[name].finish(problems, locator)
        spec = _SPECS[name]
        return Categorical.constant(spec.parse(spec.default) if spec.parse else None, n)

    def numeric(name: str) -> np.ndarray:
        spec = _SPECS[name]
        if name in numeric_chunks:
            return _numbers(spec, numeric_chunks[name], starts, problems, locator)
        dtype = np.int64 if spec.kind == "int" else np.float64
        return np.full(n, _number(spec, spec.default), dtype=dtype)

    sites = numeric("sites")
    population = numeric("population")
    battery = numeric("battery_hours")
    for column, values in (
        ("sites", sites),
        ("population", population),
        ("battery_hours", battery),
    ):
        for row in np.flatnonzero(values < 0)[:MAX_REPEATS].tolist():
            problems.append(
                Problem(locator.locate(row, column), f"expected a number ≥ 0, got {values[row]}")
            )
    int32_max = np.iinfo(np.int32).max
    for row in np.flatnonzero(sites > int32_max)[:MAX_REPEATS].tolist():
        problems.append(
            Problem(locator.locate(row, "sites"), f"absurd number of sites: {sites[row]}")
        )
    sensitive = categorical("sensitive")
    table = SiteTable(
        id=np.array(ids, dtype=object),
        operator=categorical("operator"),
        kind=categorical("kind"),
        product=categorical("product"),
        name=categorical("name"),
        region=categorical("region"),
        sites=np.clip(sites, 0, int32_max).astype(np.int32),
        population=population.astype(np.int64),
        critical_services=categorical("critical_services"),
        sensitive=sensitive.remap([1 if v else 0 for v in sensitive.categories]) == 1,
        battery_hours=battery.astype(np.float64),
        requires=categorical("requires"),
        managed_by=categorical("managed_by"),
        shared_with=categorical("shared_with"),
        installed=categorical("installed"),
        files=(file,),
        file_of_row=np.zeros(n, dtype=np.int16),
        line_of_row=np.asarray(lines, dtype=np.int32),
    )
    return table, problems, locator


MAX_REPEATS = 20
"""At most this many problems of one kind per column are listed."""

_BAD_ID = re.compile(rf"^(?![A-Za-z0-9][A-Za-z0-9._:-]{{0,{ID_MAX_LENGTH - 1}}}$).*$", re.MULTILINE)


def _check_ids(ids: list[str], problems: list[Problem], locator: SiteFileLocator) -> None:
    """Every id well formed; one regex pass over all ids joined finds any bad one fast."""
    joined = "\n".join(ids)
    if _BAD_ID.search(joined) is None and joined.count("\n") == max(len(ids) - 1, 0):
        return
    bad = 0
    for row, value in enumerate(ids):
        if not ID_RE.fullmatch(value) or len(value) > ID_MAX_LENGTH or "\n" in value:
            problems.append(
                Problem(
                    locator.locate(row, "id"),
                    f"expected an identifier (letters, digits, '.', '_', ':', '-'), got {value!r}",
                )
            )
            bad += 1
            if bad >= MAX_REPEATS:
                return


# ---------------------------------------------------------------------------- writing


def _format_requires(reqs: tuple[str | AnyOf, ...] | None) -> str:
    if not reqs:
        return ""
    return LIST_SEPARATOR.join(
        GROUP_SEPARATOR.join(r.any) if isinstance(r, AnyOf) else r for r in reqs
    )


def _format_list(items: tuple[str, ...] | None) -> str:
    return LIST_SEPARATOR.join(items) if items else ""


def _format_category(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_sites(table: SiteTable, path: Path, compress: bool | None = None) -> None:
    """Write a site table as CSV, gzip-compressed if ``compress`` (default: the name
    ends in ``.gz``). Optional columns holding only defaults are left out."""
    n = len(table)

    def strings(categorical: Categorical[Any], fmt: Callable[[Any], str]) -> list[str]:
        formatted = [fmt(v) for v in categorical.categories] + [""]
        lookup = np.asarray(formatted, dtype=object)
        return lookup[categorical.codes].tolist()  # type: ignore[no-any-return]

    battery = [
        "" if np.isnan(b) else (str(int(b)) if float(b).is_integer() else repr(float(b)))
        for b in table.battery_hours.tolist()
    ]
    sensitive_text = np.where(table.sensitive, "true", "false").tolist()
    columns: dict[str, list[Any]] = {
        "id": table.id.tolist(),
        "operator": strings(table.operator, _format_category),
        "kind": strings(table.kind, _format_category),
        "product": strings(table.product, _format_category),
        "name": strings(table.name, _format_category),
        "region": strings(table.region, _format_category),
        "sites": table.sites.tolist(),
        "population": table.population.tolist(),
        "critical_services": strings(table.critical_services, _format_list),
        "sensitive": sensitive_text,
        "battery_hours": battery,
        "requires": strings(table.requires, _format_requires),
        "managed_by": strings(table.managed_by, _format_category),
        "shared_with": strings(table.shared_with, _format_list),
        "installed": strings(table.installed, _format_category),
    }
    # Leave out optional columns that hold nothing but their default.
    defaults = {"sites": 1, "population": 0, "sensitive": "false"}
    header = [
        name
        for name in COLUMNS
        if name in REQUIRED or (n and any(v != defaults.get(name, "") for v in columns[name]))
    ]
    if compress is None:
        compress = path.suffix == ".gz"
    opener: Any = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*(columns[name] for name in header), strict=True))
