"""Every true/false and number a user writes is taken as written: no field of a type read
from a user's file (model, evidence, catalogue override, policy) turns the text "yes", "on"
or "12" into a boolean or a number."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.types import Strict

from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.evidence import Evidence
from fiveguard.domain.network import ModelDocument

SCALARS = (bool, int, float)


def _strict(metadata: list[Any] | tuple[Any, ...]) -> bool:
    return any(isinstance(m, Strict) and m.strict for m in metadata)


def _lax_in(tp: Any, where: str, seen: set[type]) -> Iterator[str]:
    """Places under ``tp`` where a bool, int or float is validated in lax mode."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        inner, *metadata = get_args(tp)
        if inner in SCALARS and _strict(metadata):
            return
        yield from _lax_in(inner, where, seen)
    elif tp in SCALARS:
        yield where
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        yield from _lax_fields(tp, seen)
    elif origin in (Union, types.UnionType, tuple, list, dict, frozenset, set, typing.Literal):
        if origin is typing.Literal:
            return
        for arg in get_args(tp):
            if arg is not Ellipsis:
                yield from _lax_in(arg, where, seen)


def _lax_fields(model: type[BaseModel], seen: set[type]) -> Iterator[str]:
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        where = f"{model.__name__}.{name}"
        yield from _lax_field(info, where, seen)


def _lax_field(info: FieldInfo, where: str, seen: set[type]) -> Iterator[str]:
    # pydantic moves a field's outer Annotated metadata (Strict among it) to the field
    if info.annotation in SCALARS and _strict(info.metadata):
        return
    yield from _lax_in(info.annotation, where, seen)


def test_no_field_a_user_writes_converts_text_to_booleans_or_numbers() -> None:
    seen: set[type] = set()
    lax = [
        place
        for name, root in [
            ("ModelDocument", ModelDocument),
            ("Catalogue", Catalogue),
            ("RestrictionPolicy", RestrictionPolicy),
            ("Evidence", Evidence),
        ]
        for place in _lax_in(root, name, seen)
    ]
    assert lax == [], f"use StrictBool, StrictInt or StrictFloat for: {', '.join(lax)}"


def test_the_check_finds_a_lax_field() -> None:
    class Lax(BaseModel):
        flag: bool = False
        counts: tuple[int, ...] = ()

    assert list(_lax_in(Lax, "Lax", set())) == ["Lax.flag", "Lax.counts"]
