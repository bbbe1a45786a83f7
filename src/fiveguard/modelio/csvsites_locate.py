"""Finding the line and column of a cell in a site file, for problem messages."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, TextIO, cast

import numpy as np

from fiveguard.domain.errors import Location, Problem
from fiveguard.modelio.files import open_regular


@dataclass
class SiteFileLocator:
    """Finds the line and column of a cell, reading the file again only on error."""

    path: Path
    file: str
    header: tuple[str, ...]
    lines: Sequence[int] | np.ndarray = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    """What the reader did that the user should know, though nothing is wrong (columns
    it ignored)."""

    @cached_property
    def _raw_lines(self) -> list[str]:
        with open_text(self.path, self.file) as text:
            return text.read().splitlines()

    def line_of(self, row: int) -> int:
        return int(self.lines[row]) if row < len(self.lines) else row + 2

    def locate(self, row: int | None, column: str | None) -> Location:
        if row is None:
            return Location(self.file, 1, self._column_offset(0, column), column)
        line = self.line_of(row)
        return Location(self.file, line, self._column_offset(line - 1, column), column)

    def header_column(self, index: int) -> int | None:
        """The character column where the header's ``index``-th name starts."""
        starts = self._header_starts
        return starts[index] if index < len(starts) else None

    @cached_property
    def _header_starts(self) -> list[int]:
        """Where each name of the header starts, found in one pass over the line."""
        if "_raw_lines" in self.__dict__:
            raw = self._raw_lines[0] if self._raw_lines else ""
        else:  # the first line alone: the rest of a large file is not needed
            with open_text(self.path, self.file) as text:
                raw = text.readline().rstrip("\r\n")
        starts, quoted = [1], False
        for offset, char in enumerate(raw):
            if char == '"':
                quoted = not quoted
            elif char == "," and not quoted:
                starts.append(offset + 2)
        return starts

    @cached_property
    def _column_index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, name in enumerate(self.header):
            index.setdefault(name, position)
        return index

    def _column_offset(self, line_index: int, column: str | None) -> int | None:
        if column is None:
            return 1
        position = self._column_index.get(column)
        if position is None:
            return None
        if line_index == 0:
            return self.header_column(position)
        return self._offset_of_field(line_index, position)

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


@contextmanager
def open_binary(path: Path, file: str) -> Iterator[BinaryIO]:
    """A site file's bytes, decompressed if its name ends in ``.gz``; only a regular
    file is opened (a pipe or a device is refused)."""
    with open_regular(path, file, kind="site file") as raw:
        if path.suffix != ".gz":
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unpacked:
            yield cast(BinaryIO, unpacked)


@contextmanager
def open_text(path: Path, file: str) -> Iterator[TextIO]:
    """A site file opened as UTF-8 text (see :func:`open_binary`)."""
    with (
        open_binary(path, file) as raw,
        io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
    ):
        yield text
