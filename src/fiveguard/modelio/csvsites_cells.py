"""The columns of a site CSV file, and how one cell of each is parsed.

:data:`SPECS` says, per column, what kind of values it holds, how a cell is parsed and
what an empty or missing cell means. A cell that cannot be read raises
:class:`BadCellError`, whose message the reader turns into a located problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fiveguard.domain.base import ID_MAX_LENGTH, ID_RE, PRODUCT_REF_PATTERN
from fiveguard.domain.network import AnyOf
from fiveguard.modelio.hints import number_hint

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
    "site",
    "capacity",
    "installed",
    "purchased",
    "latitude",
    "longitude",
)

_TRUE = frozenset({"true", "yes", "1", "y"})
_FALSE = frozenset({"false", "no", "0", "n", ""})


class BadCellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def _identifier(text: str) -> str:
    if not ID_RE.fullmatch(text) or len(text) > ID_MAX_LENGTH:
        raise BadCellError(
            f"expected an identifier (letters, digits, '.', '_', ':', '-'), got {text!r}"
        )
    return text


def _optional_identifier(text: str) -> str | None:
    return _identifier(text) if text else None


def _product(text: str) -> str | None:
    if not text:
        return None
    if not PRODUCT_RE.fullmatch(text):
        raise BadCellError(f"expected PRODUCT@VERSION, got {text!r}")
    return text


def _text(text: str) -> str | None:
    return text or None


def _id_list(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(_identifier(part.strip()) for part in text.split(LIST_SEPARATOR))


def parse_requires(text: str) -> tuple[str | AnyOf, ...]:
    """A ``requires`` cell: ids separated by ``;``, ``a|b`` an ``any:`` group."""
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
    raise BadCellError(f"expected true or false, got {text!r}")


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadCellError(f"expected a date YYYY-MM-DD, got {text!r}") from None


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its kind of values, the parser of a cell, and the default text."""

    name: str
    kind: str  # "id" | "categorical" | "int" | "float" | "bool"
    parse: Callable[[str], Any] | None = None
    default: str = ""


SPECS: dict[str, ColumnSpec] = {
    "id": ColumnSpec("id", "id"),
    "operator": ColumnSpec("operator", "categorical", _identifier),
    "kind": ColumnSpec("kind", "categorical", _identifier),
    "product": ColumnSpec("product", "categorical", _product),
    "name": ColumnSpec("name", "categorical", _text),
    "region": ColumnSpec("region", "categorical", _optional_identifier),
    "sites": ColumnSpec("sites", "int", default="1"),
    "population": ColumnSpec("population", "int", default="0"),
    "critical_services": ColumnSpec("critical_services", "categorical", _id_list),
    "sensitive": ColumnSpec("sensitive", "bool", _bool, default="false"),
    "battery_hours": ColumnSpec("battery_hours", "float"),
    "requires": ColumnSpec("requires", "categorical", parse_requires),
    "managed_by": ColumnSpec("managed_by", "categorical", _optional_identifier),
    "shared_with": ColumnSpec("shared_with", "categorical", _id_list),
    "site": ColumnSpec("site", "categorical", _optional_identifier),
    "capacity": ColumnSpec("capacity", "float"),
    "installed": ColumnSpec("installed", "categorical", _date),
    "purchased": ColumnSpec("purchased", "categorical", _date),
    "latitude": ColumnSpec("latitude", "float"),
    "longitude": ColumnSpec("longitude", "float"),
}
COORDINATE_RANGES = {"latitude": 90.0, "longitude": 180.0}
"""Decimal degrees (WGS 84, as GPS and maps give them): at most this far from zero."""


def parse_number(spec: ColumnSpec, value: str) -> float:
    """One numeric cell, or the column's default when empty; NaN for no float."""
    text = value.strip() or spec.default
    if spec.kind == "float":
        if not text:
            return float("nan")
        try:
            number = float(text)
        except ValueError:
            hint = number_hint(value, whole=False)
            raise BadCellError(f"expected a number, got {value!r}{hint}") from None
        if not np.isfinite(number):
            raise BadCellError(f"expected a finite number, got {value!r}")
        return number
    try:
        number = int(text)
    except ValueError:
        hint = number_hint(value, whole=True)
        raise BadCellError(f"expected a whole number, got {value!r}{hint}") from None
    if abs(number) > np.iinfo(np.int64).max:
        raise BadCellError(f"number is absurdly large: {value!r}")
    return number
