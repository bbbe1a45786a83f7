"""Strict JSON for exchanged files: bounded size and depth, no duplicate keys, no NaN,
and the canonical form (RFC 8785) fiveguard writes.

Every failure is a located :class:`~fiveguard.domain.errors.InputError`: the file, the
line and column where the text is wrong, or the path of the value that is.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from fiveguard.domain.errors import InputError, Location, Problem, dotted

MAX_DEPTH = 64
"""No exchanged document nests deeper; deeper text is refused."""


class _Pairs(list[tuple[str, Any]]):
    """An object as its key–value pairs in file order, so duplicates can be found later."""


def canonical(value: Any) -> bytes:
    """``value`` serialised by RFC 8785 (JSON Canonicalization Scheme)."""
    return rfc8785.dumps(value)


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 text of ``raw``; a byte-order mark or invalid UTF-8 is a located problem."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InputError.at("starts with a byte-order mark; expected plain UTF-8 JSON", file)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position_of_byte(raw, exc.start)
        raise InputError.at(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}",
            file,
            line=line,
            col=col,
        ) from None


def _position_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    col = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_strict(raw: bytes, file: str, limit: int) -> Any:
    """Parse ``raw`` as one JSON document: at most ``limit`` bytes, UTF-8, no deeper than
    :data:`MAX_DEPTH`, no key twice in an object, no NaN or Infinity."""
    if len(raw) > limit:
        raise InputError.at(f"too large: {len(raw):,} bytes (limit {limit:,})", file)
    text = decode_text(raw, file)
    try:
        parsed = json.loads(text, object_pairs_hook=_Pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            f"JSON syntax error: {exc.msg}", file, line=exc.lineno, col=exc.colno
        ) from None
    except ValueError as exc:  # NaN, Infinity
        raise InputError.at(f"JSON syntax error: {exc}", file) from None
    except RecursionError:  # the C parser guards its stack; the text is absurdly deep
        raise InputError.at(f"nested deeper than {MAX_DEPTH} levels", file) from None
    problems: list[Problem] = []
    try:
        value = _objects(parsed, (), file, problems)
    except _TooDeepError as deep:
        raise InputError.at(
            f"nested deeper than {MAX_DEPTH} levels", file, path=dotted(deep.path)
        ) from None
    if problems:
        raise InputError(problems)
    return value


class _TooDeepError(Exception):
    def __init__(self, path: tuple[str | int, ...]) -> None:
        self.path = path


def _objects(value: Any, path: tuple[str | int, ...], file: str, problems: list[Problem]) -> Any:
    if len(path) >= MAX_DEPTH and isinstance(value, list | _Pairs):
        raise _TooDeepError(path)
    if isinstance(value, _Pairs):
        out: dict[str, Any] = {}
        for key, item in value:
            if key in out:
                problems.append(
                    Problem(
                        Location(file, path=dotted(path) or None),
                        f"key {key!r} appears twice in one object; expected each key once",
                    )
                )
                continue
            out[key] = _objects(item, (*path, key), file, problems)
        return out
    if isinstance(value, list):
        return [_objects(item, (*path, i), file, problems) for i, item in enumerate(value)]
    return value


def require_canonical(raw: bytes, value: Any, file: str) -> None:
    """Refuse ``raw`` unless it is exactly the RFC 8785 form of ``value`` (a final newline
    allowed): then no byte of the file lies outside what the checks read."""
    body = raw[:-1] if raw.endswith(b"\n") else raw
    expected = canonical(value)
    if body == expected:
        return
    offset = next(
        (i for i, (a, b) in enumerate(zip(body, expected, strict=False)) if a != b),
        min(len(body), len(expected)),
    )
    line, col = _position_of_byte(raw, offset)
    raise InputError.at(
        "not in the canonical form fiveguard writes (RFC 8785 JSON, no whitespace between "
        f"tokens): it differs at byte {offset}; the file was altered or written by another "
        "tool",
        file,
        line=line,
        col=col,
    )


def validation_problems(exc: Any, file: str, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """A pydantic ``ValidationError`` as located problems: one per error, at its path."""
    problems = []
    for error in exc.errors(include_url=False):
        path = dotted((*prefix, *(p for p in error["loc"] if isinstance(p, str | int))))
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field"
        elif error["type"] == "missing":
            message = "missing; this field is required"
        problems.append(Problem(Location(file, path=path or None), message))
    return problems
