"""CVSS base scores from vector strings (versions 2.0 and 3.x), as OSV records give them,
and the check that an OSV severity entry's score is a vector of its CVSS version.

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
    """The base score of an OSV ``severity`` entry's vector, when it can be computed."""
    if kind == "CVSS_V3":
        return cvss3_base_score(score)
    if kind == "CVSS_V2":
        return cvss2_base_score(score)
    return None


# ---------------------------------------------------------------------------- vectors

_LEVELS_HLN = ("H", "L", "N")
_V2_METRICS: dict[str, tuple[str, ...]] = {
    "AV": ("L", "A", "N"),
    "AC": ("H", "M", "L"),
    "Au": ("M", "S", "N"),
    **dict.fromkeys(("C", "I", "A"), ("N", "P", "C")),
    "E": ("U", "POC", "F", "H", "ND"),
    "RL": ("OF", "TF", "W", "U", "ND"),
    "RC": ("UC", "UR", "C", "ND"),
    "CDP": ("N", "L", "LM", "MH", "H", "ND"),
    "TD": ("N", "L", "M", "H", "ND"),
    **dict.fromkeys(("CR", "IR", "AR"), ("L", "M", "H", "ND")),
}
"""CVSS v2.0 metrics and their values (the guide's section 2.4): base, temporal,
environmental."""
_V3_METRICS: dict[str, tuple[str, ...]] = {
    "AV": ("N", "A", "L", "P"),
    "AC": ("L", "H"),
    "PR": ("N", "L", "H"),
    "UI": ("N", "R"),
    "S": ("U", "C"),
    **dict.fromkeys(("C", "I", "A"), _LEVELS_HLN),
    "E": ("X", "U", "P", "F", "H"),
    "RL": ("X", "O", "T", "W", "U"),
    "RC": ("X", "U", "R", "C"),
    **dict.fromkeys(("CR", "IR", "AR"), ("X", "L", "M", "H")),
    "MAV": ("X", "N", "A", "L", "P"),
    "MAC": ("X", "L", "H"),
    "MPR": ("X", "N", "L", "H"),
    "MUI": ("X", "N", "R"),
    "MS": ("X", "U", "C"),
    **dict.fromkeys(("MC", "MI", "MA"), ("X", *_LEVELS_HLN)),
}
"""CVSS v3.0 and v3.1 metrics and their values (the specification's section 6)."""
_V4_METRICS: dict[str, tuple[str, ...]] = {
    "AV": ("N", "A", "L", "P"),
    "AC": ("L", "H"),
    "AT": ("N", "P"),
    "PR": ("N", "L", "H"),
    "UI": ("N", "P", "A"),
    **dict.fromkeys(("VC", "VI", "VA", "SC", "SI", "SA"), _LEVELS_HLN),
    "E": ("X", "A", "P", "U"),
    **dict.fromkeys(("CR", "IR", "AR"), ("X", "H", "M", "L")),
    "MAV": ("X", "N", "A", "L", "P"),
    "MAC": ("X", "L", "H"),
    "MAT": ("X", "N", "P"),
    "MPR": ("X", "N", "L", "H"),
    "MUI": ("X", "N", "P", "A"),
    **dict.fromkeys(("MVC", "MVI", "MVA", "MSC"), ("X", *_LEVELS_HLN)),
    **dict.fromkeys(("MSI", "MSA"), ("X", "S", *_LEVELS_HLN)),
    "S": ("X", "N", "P"),
    "AU": ("X", "N", "Y"),
    "R": ("X", "A", "U", "I"),
    "V": ("X", "D", "C"),
    "RE": ("X", "L", "M", "H"),
    "U": ("X", "Clear", "Green", "Amber", "Red"),
}
"""CVSS v4.0 metrics and their values, in the order a vector lists them (the
specification's section 7): base, threat, environmental, supplemental."""

_VECTORS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]], int, bool]] = {
    "CVSS_V2": ((), _V2_METRICS, 6, False),
    "CVSS_V3": (("CVSS:3.0", "CVSS:3.1"), _V3_METRICS, 8, False),
    "CVSS_V4": (("CVSS:4.0",), _V4_METRICS, 11, True),
}
"""Per OSV severity type: the version prefixes a vector may start with, its metrics (the
first ``n`` are the base metrics, every one required), and whether their order is fixed."""

_V2_EXAMPLE = "AV:N/AC:L/Au:N/C:P/I:N/A:N"
UBUNTU_PRIORITIES = ("negligible", "low", "medium", "high", "critical")
"""The scores of OSV's ``Ubuntu`` severity type, lower-case as the OSV schema has them."""
SEVERITY_TYPES = (*_VECTORS, "Ubuntu")


def severity_problem(kind: str, score: str) -> str | None:
    """Why ``score`` is not a score of the OSV severity type ``kind``; None when it is.

    A CVSS type's score is a vector (``CVSS:3.1/AV:N/…``; a v2 one has no prefix), never a
    bare number: each base metric once, known metrics only, each with one of its values
    (and, in v4, in the specification's order). An Ubuntu score is a priority.
    """
    if kind == "Ubuntu":
        if score in UBUNTU_PRIORITIES:
            return None
        return f"an Ubuntu priority is one of {', '.join(UBUNTU_PRIORITIES)}, got {score!r:.60}"
    if kind not in _VECTORS:
        return f"unknown severity type {kind!r:.60}; expected one of: {', '.join(SEVERITY_TYPES)}"
    prefixes, metrics, base, ordered = _VECTORS[kind]
    parts = score.split("/")
    if prefixes:
        if parts[0] not in prefixes:
            starts = " or ".join(f"{p}/" for p in prefixes)
            return f"a {kind} score is a CVSS vector starting {starts}, got {score!r:.80}"
        parts = parts[1:]
    elif ":" not in score:
        return f"a {kind} score is a CVSS vector such as {_V2_EXAMPLE}, got {score!r:.80}"
    why = _metrics_problem(parts, metrics, base, ordered)
    return None if why is None else f"not a {kind} vector: {why}, in {score!r:.120}"


def _metrics_problem(
    parts: list[str], metrics: dict[str, tuple[str, ...]], base: int, ordered: bool
) -> str | None:
    order = list(metrics)
    seen: list[str] = []
    for part in parts:
        name, colon, value = part.partition(":")
        if not colon or name not in metrics:
            return f"{part!r:.40} is no metric NAME:VALUE of this version"
        if value not in metrics[name]:
            return f"{name} is one of {', '.join(metrics[name])}, not {value!r:.20}"
        if name in seen:
            return f"{name} given twice"
        if ordered and seen and order.index(name) < order.index(seen[-1]):
            return f"{name} comes before {seen[-1]}"
        seen.append(name)
    missing = [name for name in order[:base] if name not in seen]
    if missing:
        return f"base metric{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing"
    return None
