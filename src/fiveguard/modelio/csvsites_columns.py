"""Building :class:`~fiveguard.domain.sites.SiteTable` columns from a site file's cells.

Categorical columns parse each distinct string once; numeric ones are converted by
NumPy in bulk. Checks that need a whole column (the header, ids, ranges) live here too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from fiveguard.domain.base import ID_MAX_LENGTH, ID_RE
from fiveguard.domain.errors import Problem
from fiveguard.domain.network import CAPACITY_BOUNDS
from fiveguard.domain.sites import Categorical, SiteTable
from fiveguard.modelio.csvsites_cells import (
    COORDINATE_RANGES,
    SPECS,
    BadCellError,
    ColumnSpec,
    parse_number,
)
from fiveguard.modelio.csvsites_locate import SiteFileLocator

MAX_REPEATS = 20
"""At most this many problems of one kind per column are listed."""
_MANY_FRESH = 64
"""Above this many new values in a chunk, first rows are found in one reversed pass."""
_INT32_MAX = np.iinfo(np.int32).max


class CategoricalBuilder:
    """Collects a column's distinct raw strings; parses each distinct string once."""

    def __init__(self, spec: ColumnSpec) -> None:
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
            except (BadCellError, ValueError) as exc:
                problems.append(Problem(locator.locate(row, self.spec.name), str(exc)))
                value = None
            # distinct raw strings can mean the same value ("a; b" and "a;b"): merge them
            mapping.append(
                -1 if value is None or value == () else values.setdefault(value, len(values))
            )
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)
        return Categorical(np.asarray([*mapping, -1], dtype=np.int32)[codes], tuple(values))


def numeric_column(
    spec: ColumnSpec,
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
            # a cell that cannot be read is reported once: no range check sees it (NaN)
            array = np.full(len(values), np.nan if spec.kind == "float" else 0, dtype=dtype)
            for offset, value in enumerate(values):
                try:
                    array[offset] = parse_number(spec, value)
                except BadCellError as exc:
                    problems.append(Problem(locator.locate(start + offset, spec.name), str(exc)))
        parts.append(array)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def assemble_table(
    file: str,
    ids: list[str],
    lines: np.ndarray,
    builders: dict[str, CategoricalBuilder],
    numeric_chunks: dict[str, list[Sequence[str]]],
    starts: list[int],
    problems: list[Problem],
    locator: SiteFileLocator,
) -> tuple[SiteTable, list[Problem], SiteFileLocator]:
    """The site table from a file's collected columns; problems found are appended."""
    n = len(ids)
    _check_ids(ids, problems, locator)

    def categorical(name: str) -> Categorical[Any]:
        if name in builders:
            return builders[name].finish(problems, locator)
        spec = SPECS[name]
        return Categorical.constant(spec.parse(spec.default) if spec.parse else None, n)

    def numeric(name: str) -> np.ndarray:
        spec = SPECS[name]
        if name in numeric_chunks:
            return numeric_column(spec, numeric_chunks[name], starts, problems, locator)
        dtype = np.int64 if spec.kind == "int" else np.float64
        return np.full(n, parse_number(spec, spec.default), dtype=dtype)

    sites = numeric("sites")
    population = numeric("population")
    battery = numeric("battery_hours")
    _check_ranges(sites, population, battery, problems, locator)
    capacity = numeric("capacity")
    _check_capacity(capacity, problems, locator)
    coordinates = {name: numeric(name) for name in COORDINATE_RANGES}
    _check_coordinates(coordinates, problems, locator)
    sensitive = categorical("sensitive")
    table = SiteTable(
        id=np.array(ids, dtype=object),
        operator=categorical("operator"),
        kind=categorical("kind"),
        product=categorical("product"),
        name=categorical("name"),
        region=categorical("region"),
        sites=np.clip(sites, 0, _INT32_MAX).astype(np.int32),
        population=population.astype(np.int64),
        critical_services=categorical("critical_services"),
        sensitive=sensitive.remap([1 if v else 0 for v in sensitive.categories]) == 1,
        battery_hours=battery.astype(np.float64),
        requires=categorical("requires"),
        capacity=capacity,
        managed_by=categorical("managed_by"),
        shared_with=categorical("shared_with"),
        site=categorical("site"),
        installed=categorical("installed"),
        purchased=categorical("purchased"),
        latitude=coordinates["latitude"],
        longitude=coordinates["longitude"],
        files=(file,),
        file_of_row=np.zeros(n, dtype=np.int16),
        line_of_row=np.asarray(lines, dtype=np.int32),
    )
    return table, problems, locator


def _check_ranges(
    sites: np.ndarray,
    population: np.ndarray,
    battery: np.ndarray,
    problems: list[Problem],
    locator: SiteFileLocator,
) -> None:
    """No negative numbers, and no row counting more sites than an int32 holds."""
    for column, values in (
        ("sites", sites),
        ("population", population),
        ("battery_hours", battery),
    ):
        for row in np.flatnonzero(values < 0)[:MAX_REPEATS].tolist():
            problems.append(
                Problem(locator.locate(row, column), f"expected a number ≥ 0, got {values[row]}")
            )
    for row in np.flatnonzero(sites > _INT32_MAX)[:MAX_REPEATS].tolist():
        problems.append(
            Problem(locator.locate(row, "sites"), f"absurd number of sites: {sites[row]}")
        )


def _check_capacity(
    capacity: np.ndarray, problems: list[Problem], locator: SiteFileLocator
) -> None:
    """Capacities within the bounds the YAML ``capacity`` field accepts (empty: the
    kind's)."""
    low, high = CAPACITY_BOUNDS
    given = ~np.isnan(capacity)
    bad = np.flatnonzero(given & ((capacity <= low) | (capacity > high)))
    for row in bad[:MAX_REPEATS].tolist():
        problems.append(
            Problem(
                locator.locate(row, "capacity"),
                f"expected a number above {low:g} and at most {high:g} (the share of a pool's "
                f"or a site's load the radio carries), got {capacity[row]:g}",
            )
        )


def _check_coordinates(
    coordinates: dict[str, np.ndarray], problems: list[Problem], locator: SiteFileLocator
) -> None:
    """Latitude and longitude in decimal degrees, within their ranges."""
    for column, values in coordinates.items():
        bound = COORDINATE_RANGES[column]
        for row in np.flatnonzero(np.abs(values) > bound)[:MAX_REPEATS].tolist():
            problems.append(
                Problem(
                    locator.locate(row, column),
                    f"expected decimal degrees from {-bound:g} to {bound:g}, got {values[row]:g}",
                )
            )


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
