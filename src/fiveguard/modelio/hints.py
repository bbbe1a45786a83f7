"""Common slips in what users write, and what they probably meant.

Each function returns the end of a message, ``"; did you mean …?"`` with a reason, or
the empty string when nothing fits: a located problem says what is wrong, and these say
how to fix it when the slip is a common one (an identifier in another case, a share
written as a percentage, a number with thousands separators or a decimal comma).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping

_MAX_FUZZY = 1_000
"""Above this many known ids, only another case is looked for (no spelling comparison)."""
_CUTOFF = 0.8
"""How alike (difflib ratio) a value must be to a known id to be offered in its place."""

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?P<sep>[.,' \u00a0\u202f])\d{3}(?:(?P=sep)\d{3})*")
"""A whole number with thousands separators: ``4.700.000``, ``4,700``, ``4 700 000``."""
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
PERCENT = 100


def did_you_mean(value: str, known: Collection[str]) -> str:
    """The known id ``value`` was probably meant to be: the same in another case, else
    (among a few known ids) one spelt alike."""
    lower = value.lower()
    for candidate in known:
        if candidate.lower() == lower:
            return f"; did you mean {candidate!r}? (identifiers are case-sensitive)"
    if 0 < len(known) <= _MAX_FUZZY:
        near = difflib.get_close_matches(value, list(known), n=1, cutoff=_CUTOFF)
        if near:
            return f"; did you mean {near[0]!r}?"
    return ""


def country_hint(code: str, aliases: Mapping[str, str], names: Mapping[str, str]) -> str:
    """The ISO 3166-1 code for a code in common use that is not one (UK, EL)."""
    meant = aliases.get(code)
    if meant is None:
        return ""
    return f"; did you mean {meant!r}, the ISO 3166-1 code of {names.get(meant, meant)}?"


def number_hint(text: str, *, whole: bool) -> str:
    """The number meant by text written with thousands separators or a decimal comma."""
    written = text.strip()
    digits = re.sub(r"[^0-9+-]", "", written)
    thousands = _THOUSANDS.fullmatch(written)
    if not whole and _DECIMAL_COMMA.fullmatch(written):
        point = written.replace(",", ".")
        if thousands:  # "4,700": a thousands comma or a decimal one
            return (
                f"; did you mean {digits} or {point}? (write numbers without thousands "
                "separators, with a decimal point)"
            )
        return f"; did you mean {point}? (write a decimal point, not a comma)"
    if thousands:
        return f"; did you mean {digits}? (write numbers without thousands separators)"
    return ""


def share_hint(value: object, bound: object) -> str:
    """For a fraction of 1 written as a percentage (35 for 0.35)."""
    if bound != 1 or isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    if 1 < value <= PERCENT:
        fraction = f"{value / PERCENT:g}"
        return f"; did you mean {fraction}? (a share is a fraction of 1: {value:g} % is {fraction})"
    return ""
