"""CVSS base scores from vector strings (versions 2.0 and 3.x), as OSV records give them.

OSV's ``severity`` entries hold vectors, not scores; the score follows from the
specification's base equations (CVSS v3.1 section 7.1 with its ``Roundup``; CVSS v2
section 3.2.1). CVSS v4 scores come from lookup tables over macro-vectors and are not
computed here: a v4-only record falls back to its database's rating or the catalogue's
``unscored_severity``.
"""

from __future__ import annotations

import math

MAX_SCORE = 10.0
"""CVSS base scores run from 0 to 10."""

_V3 = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "C": {"H": 0.56, "L": 0.22, "N": 0.0},
    "I": {"H": 0.56, "L": 0.22, "N": 0.0},
    "A": {"H": 0.56, "L": 0.22, "N": 0.0},
}
_V3_PR = {"U": {"N": 0.85, "L": 0.62, "H": 0.27}, "C": {"N": 0.85, "L": 0.68, "H": 0.5}}

_V2 = {
    "AV": {"L": 0.395, "A": 0.646, "N": 1.0},
    "AC": {"H": 0.35, "M": 0.61, "L": 0.71},
    "Au": {"M": 0.45, "S": 0.56, "N": 0.704},
    "C": {"N": 0.0, "P": 0.275, "C": 0.660},
    "I": {"N": 0.0, "P": 0.275, "C": 0.660},
    "A": {"N": 0.0, "P": 0.275, "C": 0.660},
}


def _metrics(vector: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in vector.strip().split("/"):
        key, sep, value = part.partition(":")
        if sep:
            out[key] = value
    return out


def _roundup(value: float) -> float:
    """CVSS v3.1 Roundup: the smallest one-decimal number at or above ``value``."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000
    return (math.floor(scaled / 10_000) + 1) / 10.0


def cvss3_base_score(vector: str) -> float | None:
    """Base score of a ``CVSS:3.x/…`` vector, or None when it is not a complete one."""
    metrics = _metrics(vector)
    if not metrics.get("CVSS", "").startswith("3"):
        return None
    try:
        scope = metrics["S"]
        av, ac, ui = (_V3[k][metrics[k]] for k in ("AV", "AC", "UI"))
        pr = _V3_PR[scope][metrics["PR"]]
        c, i, a = (_V3[k][metrics[k]] for k in ("C", "I", "A"))
    except KeyError:
        return None
    iss = 1 - (1 - c) * (1 - i) * (1 - a)
    impact = 6.42 * iss if scope == "U" else 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    exploitability = 8.22 * av * ac * pr * ui
    if impact <= 0:
        return 0.0
    if scope == "U":
        return _roundup(min(impact + exploitability, 10))
    return _roundup(min(1.08 * (impact + exploitability), 10))


def cvss2_base_score(vector: str) -> float | None:
    """Base score of a CVSS v2 vector (``AV:N/AC:L/Au:N/C:P/I:N/A:N``), or None."""
    metrics = _metrics(vector.removeprefix("(").removesuffix(")"))
    try:
        av, ac, au, c, i, a = (_V2[k][metrics[k]] for k in ("AV", "AC", "Au", "C", "I", "A"))
    except KeyError:
        return None
    impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
    exploitability = 20 * av * ac * au
    factor = 0.0 if impact == 0 else 1.176
    return round(((0.6 * impact) + (0.4 * exploitability) - 1.5) * factor + 1e-9, 1)


def base_score(kind: str, score: str) -> float | None:
    """A numeric base score from an OSV ``severity`` entry, when one can be had."""
    try:
        number = float(score)
    except ValueError:
        number = None
    if number is not None and 0 <= number <= MAX_SCORE:
        return number
    if kind == "CVSS_V3":
        return cvss3_base_score(score)
    if kind == "CVSS_V2":
        return cvss2_base_score(score)
    return None
