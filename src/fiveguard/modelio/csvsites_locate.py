"""Finding the line and column of a cell in a site file, for problem messages."""

from __future__ import annotations

import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from fiveguard.domain.errors import Location


@dataclass
class SiteFileLocator:
    """Finds the line and column of a cell, reading the file again only on error."""

    path: Path
    file: str
    header: tuple[str, ...]
    lines: Sequence[int] | np.ndarray = field(default_factory=list)

    @cached_property
    def _raw_lines(self) -> list[str]:
        return open_text(self.path).read().splitlines()

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


def open_text(path: Path) -> io.TextIOBase:
    """A site file opened as text, decompressed if its name ends in ``.gz``."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")
