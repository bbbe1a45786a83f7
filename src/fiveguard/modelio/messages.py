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
from fiveguard.modelio.yamlsource import PathKey, YamlSource

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


def describe(error: ErrorDetails, root: Any, path: PathKey) -> str:
    """A sentence saying what is wrong and what was expected."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"missing required field {path[-1]!r}" if path else "missing required field"
    if kind == "extra_forbidden":
        expected = _fields_at(root, path[:-1])
        hint = f"; expected one of: {', '.join(expected)}" if expected else ""
        return f"unknown field {path[-1]!r}{hint}"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(str(ctx.get("pattern")), f"text matching {ctx.get('pattern')}")
        return f"expected {words}, got {_show(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_show(value)}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"expected a finite number, got {_show(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return f"expected a number {sign} {bound}, got {_show(value)}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date YYYY-MM-DD, got {_show(value)}"
    if kind in ("string_type", "str_type"):
        return f"expected text, got {_show(value)}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {_show(value)}"
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


def problems_from(
    exc: ValidationError, root: Any, source: YamlSource, prefix: PathKey = ()
) -> list[Problem]:
    """Every error of a validation as a located problem."""
    out: list[Problem] = []
    seen: set[tuple[PathKey, str]] = set()
    for error in exc.errors(include_url=False):
        path, _ = clean_location(root, tuple(error["loc"]))
        message = describe(error, root, path)
        full = (*prefix, *path)
        if (full, message) in seen:
            continue
        seen.add((full, message))
        out.append(source.problem(full, message))
    return out
