"""Reading the files evidence comes from, with every failure a located problem.

Importers read bytes with a size limit, decode UTF-8 and parse JSON here, so that a
missing file, a binary blob, a syntax error or absurd nesting become
``FILE:LINE:COL: message`` rather than a traceback. Problems found later in parsed JSON
are located by :class:`JsonLocator`, which finds a path's place in the text only when a
problem needs it, walking the containers on the way to it and nothing else: locating one
bad field of a large SBOM costs a scan of the text before it, not a second parse of the
whole document.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from pathlib import Path
from typing import Any

from fiveguard.domain.errors import InputError, Location, Problem, dotted
from fiveguard.modelio.files import open_regular
from fiveguard.modelio.yamlsource import PathKey, YamlSource, display_name

MAX_JSON_DEPTH = 200
"""Deeper nesting is refused before parsing: no SBOM or OSV record comes near it, and
Python's JSON parser would otherwise exhaust the stack."""

MAX_INTEGER_DIGITS = 100
"""Longer integers are refused where they stand. No count, size or version comes near
(2**64 has 20 digits), converting thousands of digits costs time that grows with their
square, and Python itself refuses past 4,300 (less if so configured)."""


# Tokens of JSON text, to find places in it without parsing it (strings skipped whole).
_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SCALAR = re.compile(r"[^ \t\n\r,\]}]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_FRACTION = re.compile(r"[.eE]")


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
    """Offset where bracket nesting first exceeds the limit, ignoring strings.

    The depth is first followed over the brackets alone (strings and everything else
    dropped at C speed); only a text that is too deep is scanned again for the place.
    """
    if _deepest(_NOT_BRACKET.sub("", _STRING.sub("", text))) <= MAX_JSON_DEPTH:
        return None
    depth = 0
    for token in _BRACKET_OR_STRING.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return token.start()
        elif mark in ("]", "}"):
            depth -= 1
    return None  # pragma: no cover - the brackets alone said it was too deep


def _deepest(brackets: str) -> int:
    depth = deepest = 0
    for mark in brackets:
        if mark in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


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
        data = json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            f"JSON syntax error: {exc.msg}", file, line=exc.lineno, col=exc.colno
        ) from None
    except _LongIntegerError as exc:
        line, col = _position(text, _long_integer_offset(text))
        raise InputError.at(
            f"an integer of {exc.digits:,} digits: at most {MAX_INTEGER_DIGITS} are read",
            file,
            line=line,
            col=col,
        ) from None
    except RecursionError:  # pragma: no cover - the depth scan above prevents it
        raise InputError.at("JSON nested too deeply", file) from None
    if _SURROGATE_ESCAPE.search(text):  # the only way a lone surrogate gets in
        _refuse_lone_surrogates(data, JsonLocator(text, file))
    return data


def _refuse_lone_surrogates(data: Any, locator: JsonLocator) -> None:
    """A ``\\udfff`` escape without its other half decodes to no character: it cannot be
    written as UTF-8, compared or shown, so every text (or key) holding one is refused,
    named with the surrogate escaped so that the message itself can be shown."""
    problems = []
    pending: list[tuple[PathKey, Any]] = [((), data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if _LONE_SURROGATE.search(key):
                    problems.append(_lone(locator, (*path, key), key, "a key"))
                pending.append(((*path, key), item))
        elif isinstance(value, list):
            pending.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str) and _LONE_SURROGATE.search(value):
            problems.append(_lone(locator, path, value, "text"))
    if problems:
        raise InputError(
            sorted(problems, key=lambda p: (p.location.line or 0, p.location.col or 0))
        )


def _lone(locator: JsonLocator, path: PathKey, text: str, what: str) -> Problem:
    where = locator.locate(path)
    shown = tuple(_escaped(p) if isinstance(p, str) else p for p in path)
    code = ord(_LONE_SURROGATE.findall(text)[0])
    return Problem(
        Location(where.file, where.line, where.col, dotted(shown) or None),
        f"{what} holding \\u{code:04x}, half of a UTF-16 surrogate pair without its other "
        "half: a JSON escape \\ud800-\\udbff must be followed by one \\udc00-\\udfff",
    )


def _escaped(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class _LongIntegerError(Exception):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _integer(literal: str) -> int:
    """A JSON integer, refused before conversion when longer than the limit."""
    digits = len(literal) - literal.startswith("-")
    if digits > MAX_INTEGER_DIGITS:
        raise _LongIntegerError(digits)
    return int(literal)


_LONG_INTEGER = rf"(?<![0-9.eE+-])-?[0-9]{{{MAX_INTEGER_DIGITS + 1},}}(?![0-9.eE])"
"""An integer literal (not a fraction's or an exponent's digits) longer than the limit."""


def _long_integer_offset(text: str) -> int:
    """Where the first integer longer than the limit starts (strings skipped whole)."""
    for token in re.finditer(f"{_STRING.pattern}|{_LONG_INTEGER}", text, re.DOTALL):
        if not token.group().startswith('"'):
            return token.start()
    return 0  # pragma: no cover - called only once the parser met one


class JsonLocator(YamlSource):
    """Parsed JSON text as a source of locations: ``FILE:LINE:COL`` of a path's value (or
    of its nearest ancestor present in the text), found when asked.

    A :class:`YamlSource` to the code that reports problems, so one function turns a
    validation error into located problems for YAML and JSON alike. Lines are counted
    by newlines and columns in characters, as :func:`parse_json` counts them.
    """

    def __init__(self, text: str, file: str) -> None:
        super().__init__(file, None)
        self.text = text
        self._positions = _Positions(text)
        self.floats = _NumbersAsWritten(self)

    def locate(self, path: PathKey) -> Location:
        """FILE:LINE:COL of ``path``'s value, or of its nearest ancestor in the text."""
        offset, _ = self._positions.find(path)
        if offset is None:
            return Location(self.file, None, None, dotted(path) or None)
        line, col = _position(self.text, offset)
        return Location(self.file, line, col, dotted(path) or None)

    def written(self, path: PathKey) -> str | None:
        """The text of the number at ``path`` as written (``10.10``), when one is there."""
        offset, found = self._positions.find(path)
        if offset is None or found < len(path):
            return None
        match = _NUMBER.match(self.text, offset)
        return match.group() if match else None


class _NumbersAsWritten(dict[PathKey, str]):
    """:attr:`YamlSource.floats` of a JSON text: numbers with a decimal point or an
    exponent as written, looked up in the text when a message quotes one."""

    def __init__(self, source: JsonLocator) -> None:
        super().__init__()
        self._source = source

    def get(self, key: PathKey, default: Any = None) -> Any:
        written = self._source.written(key)
        return written if written is not None and _FRACTION.search(written) else default


def _skip_space(text: str, at: int) -> int:
    match = _SPACE.match(text, at)
    return match.end() if match else at


def _end_of_value(text: str, at: int) -> int:
    """Offset just past the value starting at ``at``, found without building it."""
    first = text[at : at + 1]
    if first == '"':
        string = _STRING.match(text, at)
        return string.end() if string else len(text)
    if first not in ("[", "{"):
        scalar = _SCALAR.match(text, at)
        return scalar.end() if scalar else at
    depth = 0
    for token in _BRACKET_OR_STRING.finditer(text, at):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
        elif mark in ("]", "}"):
            depth -= 1
            if depth == 0:
                return token.end()
    return len(text)


class _Positions:
    """Where the values of a JSON text start. Each container on the way to a path is
    scanned once, its members' values skipped over without being built, and the offsets
    of its members kept for the next path through it (an array's in a compact array)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._members: dict[PathKey, dict[str, int] | array[int]] = {}

    def find(self, path: PathKey) -> tuple[int | None, int]:
        """Offset of the deepest value on ``path`` present in the text, and how many parts
        of ``path`` lead to it; ``(None, 0)`` for a text holding no value."""
        at = _skip_space(self.text, 0)
        if at >= len(self.text):
            return None, 0
        for depth, part in enumerate(path):
            prefix = path[:depth]
            members = self._members.get(prefix)
            if members is None:
                members = self._members[prefix] = self._scan(at)
            child = _member(members, part)
            if child is None:
                return at, depth
            at = child
        return at, len(path)

    def _scan(self, at: int) -> dict[str, int] | array[int]:
        """Offsets of the members of the object or array at ``at`` (of a key given twice,
        the later one, which is the one :func:`json.loads` keeps); none for a scalar."""
        text = self.text
        if text[at] == "[":
            items = array("q")
            pos = _skip_space(text, at + 1)
            while pos < len(text) and text[pos] != "]":
                items.append(pos)
                pos = _next_member(text, _end_of_value(text, pos))
            return items
        keys: dict[str, int] = {}
        if text[at] != "{":
            return keys
        pos = _skip_space(text, at + 1)
        while pos < len(text) and text[pos] != "}":
            name = _STRING.match(text, pos)
            if name is None:  # only parsed text is located: cannot happen
                break
            pos = _skip_space(text, _skip_space(text, name.end()) + 1)  # past the ':'
            keys[json.loads(name.group())] = pos
            pos = _next_member(text, _end_of_value(text, pos))
        return keys


def _member(members: dict[str, int] | array[int], part: str | int) -> int | None:
    if isinstance(members, dict):
        return members.get(part) if isinstance(part, str) else None
    return members[part] if isinstance(part, int) and 0 <= part < len(members) else None


def _next_member(text: str, end: int) -> int:
    """Where the next member starts after a value ending at ``end`` (or the closing bracket)."""
    pos = _skip_space(text, end)
    if text[pos : pos + 1] == ",":
        pos = _skip_space(text, pos + 1)
    return pos
