"""Reading the files evidence comes from, with every failure a located problem.

Importers read bytes with a size limit, decode UTF-8 and parse JSON here, so that a
missing file, a binary blob, a syntax error or absurd nesting become
``FILE:LINE:COL: message`` rather than a traceback. Problems found later in parsed JSON
are located by :class:`JsonLocator`, which re-reads the text with positions only when a
problem needs them (JSON is YAML, and the model's YAML reader records positions).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fiveguard.domain.errors import InputError, Location, Problem, dotted
from fiveguard.modelio.files import open_regular
from fiveguard.modelio.yamlsource import (
    PathKey,
    YamlSource,
    display_name,
    parse_yaml,
)

MAX_JSON_DEPTH = 200
"""Deeper nesting is refused before parsing: no SBOM or OSV record comes near it, and
Python's JSON parser would otherwise exhaust the stack."""


def read_limited(path: Path, limit: int, file: str | None = None) -> bytes:
    """The bytes of a file, refusing it when larger than ``limit``."""
    name = file or display_name(path)
    with open_regular(path, name) as handle:  # a pipe or a device is refused
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise InputError.at(
                    f"file too large: {size:,} bytes (limit {limit:,}; catalogue evidence_rules)",
                    name,
                )
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise InputError.at(f"cannot read: {exc.strerror or exc}", name) from None
    if len(raw) > limit:  # grew while being read
        raise InputError.at(f"file too large (limit {limit:,} bytes)", name)
    return raw


def _too_deep(text: str) -> int | None:
    """Offset where bracket nesting first exceeds the limit, ignoring strings."""
    depth = 0
    in_string = False
    escaped = False
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return offset
        elif char in "]}":
            depth -= 1
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def parse_json(text: str, file: str) -> Any:
    """Parse JSON text; syntax errors and absurd nesting are located problems."""
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH:  # cheap test before the scan
        offset = _too_deep(text)
        if offset is not None:
            line, col = _position(text, offset)
            raise InputError.at(
                f"nested deeper than {MAX_JSON_DEPTH} levels", file, line=line, col=col
            )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            f"JSON syntax error: {exc.msg}", file, line=exc.lineno, col=exc.colno
        ) from None
    except RecursionError:  # pragma: no cover - the depth scan above prevents it
        raise InputError.at("JSON nested too deeply", file) from None


class JsonLocator:
    """Locates paths of a parsed JSON document in its text, parsing positions lazily."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self._source: YamlSource | None = None

    @property
    def source(self) -> YamlSource:
        """The text as a positioned YAML source (JSON is YAML); file-level when it is not."""
        if self._source is None:
            try:
                self._source = parse_yaml(self.text, self.file)
            except InputError:  # valid JSON that PyYAML reads differently: path only
                self._source = YamlSource(self.file, None)
        return self._source

    def locate(self, path: PathKey) -> Location:
        """FILE:LINE:COL of ``path`` when known, else FILE and the path."""
        location = self.source.locate(path)
        if location.line is None:
            return Location(self.file, None, None, dotted(path) or None)
        return location

    def problem(self, path: PathKey, message: str) -> Problem:
        """A problem at ``path``."""
        return Problem(self.locate(path), message)
