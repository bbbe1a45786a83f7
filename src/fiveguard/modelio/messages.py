"""Pydantic validation errors turned into located, human messages.

Pydantic's ``loc`` includes the names of union branches (``id``/``any`` for a
requirement, the evidence ``type``); :func:`clean_location` walks the model types
along the path to drop them and to find, for an unknown field, which fields were
expected.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from fiveguard.domain.base import ID_PATTERN, PRODUCT_REF_PATTERN, VERSION_PATTERN
from fiveguard.domain.errors import Problem
from fiveguard.modelio.hints import number_hint, share_hint
from fiveguard.modelio.yamlsource import PathKey, Unreadable, YamlSource

_SHOWN_CHARS = 80
"""A value quoted in a message is cut to this many characters."""

_PATTERN_WORDS = {
    ID_PATTERN: "an identifier (letters, digits, '.', '_', ':', '-'; no spaces)",
    PRODUCT_REF_PATTERN: "a product version PRODUCT@VERSION, e.g. ve-core@5.2",
    VERSION_PATTERN: "a version such as 24.2 or 5.1.3-lts",
    r"^[A-Z]{2}$": "a two-letter country code in capitals, e.g. BE or XR",
    r"^[0-9a-f]{64}$": "a SHA-256 digest as 64 lowercase hex digits",
}


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _strip_annotated(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> tuple[Any, ...]:
    tp = _strip_annotated(tp)
    if get_origin(tp) in (Union, types.UnionType):
        return tuple(_strip_annotated(a) for a in get_args(tp))
    return (tp,)


def _models_in(tp: Any) -> Iterator[type[BaseModel]]:
    for member in _union_members(tp):
        if isinstance(member, type) and issubclass(member, BaseModel):
            yield member


def clean_location(root: Any, loc: tuple[str | int, ...]) -> tuple[PathKey, Any]:
    """Drop union-branch names from ``loc``; return the clean path and the type there."""
    tp: Any = root
    out: list[str | int] = []
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        tp = _strip_annotated(tp)
        origin = get_origin(tp)
        if isinstance(part, int) and origin in (tuple, list):
            args = get_args(tp)
            tp = args[0] if args else Any
            out.append(part)
            continue
        if origin is dict:
            tp = get_args(tp)[1]
            out.append(part)
            continue
        models = list(_models_in(tp))
        members = _union_members(tp)
        if len(members) > 1:
            # a branch name: a model class name, a tag ('id', 'any'), or a literal type value
            chosen = _branch(members, part)
            if chosen is not None:
                tp = chosen
                continue
        if len(models) == 1 and isinstance(part, str) and part in models[0].model_fields:
            tp = models[0].model_fields[part].annotation
            out.append(part)
            continue
        out.append(part)
        tp = Any
    return tuple(out), tp


def _branch(members: tuple[Any, ...], part: str | int) -> Any | None:
    if not isinstance(part, str):
        return None
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            if member.__name__ == part:
                return member
            type_field = member.model_fields.get("type")
            if type_field is not None and part in get_args(type_field.annotation):
                return member
    if part in ("id", "any", "str", "int"):
        for member in members:
            name = getattr(member, "__name__", "")
            if (part == "any" and name == "AnyOf") or (part != "any" and member is str):
                return member
    return None


def _fields_at(root: Any, path: PathKey) -> list[str]:
    _, tp = clean_location(root, path)
    return sorted({name for model in _models_in(tp) for name in model.model_fields})


_YAML_WORDS = {
    **dict.fromkeys(("yes", "on", "y", "true"), "true"),
    **dict.fromkeys(("no", "off", "n", "false"), "false"),
}
"""Text meant as a boolean: YAML 1.1 spellings, which YAML 1.2 (and fiveguard) reads as
text, and a quoted ``"true"``."""


def _pattern_of(tp: Any) -> str | None:
    """The regular expression a text type must match, if it has one."""
    for meta in getattr(tp, "__metadata__", ()):
        pattern = getattr(meta, "pattern", None)
        if isinstance(pattern, str):
            return pattern
    return None


def _text_expected(value: Any, tp: Any, written: str | None) -> str:
    """A text field given something else; a number gets the advice to quote it."""
    words = _PATTERN_WORDS.get(_pattern_of(tp) or "", "text")
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = written or str(value)
        return (
            f'expected {words}, got the number {shown}: write it in quotes, "{shown}" '
            "(unquoted, YAML reads it as a number)"
        )
    return f"expected {words}, got {_show(value)}"


def _whole_number_expected(value: Any, written: str | None = None) -> str:
    """A whole-number field given something else; text that is a number says so, and so
    does a number written with thousands separators (YAML reads ``4.700`` as 4.7)."""
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
        why = (
            " (a number with leading zeros is read as text)"
            if value.strip().lstrip("+-").startswith("0") and number != 0
            else ""
        )
        return f"expected a whole number, got the text {value!r}{why}; write {number}"
    if isinstance(value, bool):
        return f"expected a whole number, got {str(value).lower()}"
    text = written if written is not None else value if isinstance(value, str) else None
    hint = number_hint(text, whole=True) if text is not None else ""
    shown = repr(written) if hint and written is not None else _show(value)
    return f"expected a whole number, got {shown}{hint}"


def _boolean_expected(value: Any) -> str:
    """A true/false field given something else; yes/no and the like get the fix."""
    if isinstance(value, str) and value.strip().lower() in _YAML_WORDS:
        return (
            f"expected true or false, got the text {value!r}; "
            f"write {_YAML_WORDS[value.strip().lower()]}"
        )
    return f"expected true or false, got {_show(value)}"


def describe(error: ErrorDetails, root: Any, path: PathKey, *, written: str | None = None) -> str:
    """A sentence saying what is wrong and what was expected.

    ``written`` is the value as written in the file, when it can differ from how the
    parsed value prints (``11.0`` vs ``11.00``).
    """
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"missing required field {path[-1]!r}" if path else "missing required field"
    if kind == "extra_forbidden":
        # pydantic's own location still names the union member it tried (the evidence
        # type), so the fields listed are that member's, not every member's
        expected = _fields_at(root, tuple(error["loc"])[:-1])
        hint = f"; expected one of: {', '.join(expected)}" if expected else ""
        return f"unknown field {path[-1]!r}{hint}"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
        return f"expected {words}, got {_show(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _whole_number_expected(value, written)
    if kind in ("float_type", "float_parsing", "finite_number"):
        if isinstance(value, str) and _is_number(value):
            return f"expected a number, got the text {value!r}; write {value.strip()}"
        hint = number_hint(value, whole=False) if isinstance(value, str) else ""
        return f"expected a finite number, got {_show(value)}{hint}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        hint = share_hint(value, bound) if kind == "less_than_equal" else ""
        return f"expected a number {sign} {bound}, got {_show(value)}{hint}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date YYYY-MM-DD, got {_show(value)}"
    if kind in ("string_type", "str_type"):
        return _text_expected(value, clean_location(root, path)[1], written)
    if kind in {"bool_type", "bool_parsing"}:
        return _boolean_expected(value)
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {_show(value)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields, got {_show(value)}"
    if kind in ("enum", "literal_error"):
        return f"expected {ctx.get('expected', 'one of the allowed values')}, got {_show(value)}"
    if kind == "union_tag_invalid":
        return (
            f"unknown {ctx.get('discriminator', 'type')} {ctx.get('tag')!r}; "
            f"expected one of: {ctx.get('expected_tags')}"
        )
    if kind == "union_tag_not_found":
        return f"missing field {ctx.get('discriminator', 'type')!r} saying which kind this is"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s)"
    if kind == "string_too_short":
        return "expected non-empty text"
    if kind in ("too_long", "string_too_long"):
        return f"too long: at most {ctx.get('max_length')} allowed"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return (
        f"{message} (got {_show(value)})"
        if value is not None and kind != "value_error"
        else message
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def reported_already(error: ErrorDetails) -> bool:
    """Whether the error is about a value the YAML reader could not read: its problem
    is reported by the reader, and nothing more is to be said about it (except that
    its key is not a field at all)."""
    return isinstance(error.get("input"), Unreadable) and error["type"] != "extra_forbidden"


def problems_from(
    exc: ValidationError, root: Any, source: YamlSource, prefix: PathKey = ()
) -> list[Problem]:
    """Every error of a validation as a located problem.

    Left out: errors about values the YAML reader could not read (it reported them),
    and a list found too short only because its items failed (they are reported).
    """
    located = [(clean_location(root, tuple(e["loc"]))[0], e) for e in exc.errors(include_url=False)]
    holding_bad_items = {path[:-1] for path, _ in located if path and isinstance(path[-1], int)}
    out: list[Problem] = []
    seen: set[tuple[PathKey, str]] = set()
    for path, error in located:
        if reported_already(error) or (error["type"] == "too_short" and path in holding_bad_items):
            continue
        full = (*prefix, *path)
        message = describe(error, root, path, written=source.floats.get(full))
        if (full, message) in seen:
            continue
        seen.add((full, message))
        out.append(source.problem(full, message))
    return out
