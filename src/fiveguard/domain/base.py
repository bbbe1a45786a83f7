"""Shared building blocks of the domain types: the frozen base model and constrained scalars."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
"""Identifiers: letters, digits, '.', '_', ':' and '-'; never '@', ';', '|', or spaces,
which the model format uses as separators (``product@version``, CSV ``requires``)."""

ID_RE = re.compile(ID_PATTERN[1:-1])
"""Use with ``fullmatch``."""

ID_MAX_LENGTH = 128
"""The longest identifier the model format accepts."""

Identifier = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX_LENGTH),
    Field(description="An identifier: letters, digits and . _ : - (no spaces, '@', ';' or '|')."),
]

CountryCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}$"),
    Field(description="ISO 3166-1 alpha-2 country code (user-assigned codes such as XR allowed)."),
]

VERSION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+~-]*$"
Version = Annotated[
    str,
    StringConstraints(pattern=VERSION_PATTERN, min_length=1, max_length=64),
    Field(description="A product version as the supplier names it, e.g. 24.2 or 5.1.3-lts."),
]

PRODUCT_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*@[A-Za-z0-9][A-Za-z0-9._+~-]*$"
ProductRef = Annotated[
    str,
    StringConstraints(pattern=PRODUCT_REF_PATTERN, max_length=200),
    Field(description="A product version reference PRODUCT@VERSION, e.g. ve-core@5.2."),
]

Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class Frozen(BaseModel):
    """Base of every domain type: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Level(StrEnum):
    """The ordinal scale used for supplier factor scores, likelihood and impact."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


def split_product_ref(ref: str) -> tuple[str, str]:
    """Split ``PRODUCT@VERSION`` into its two parts."""
    product, _, version = ref.partition("@")
    return product, version
