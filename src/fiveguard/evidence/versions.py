"""Ordering versions the way each ecosystem orders them.

OSV ranges are timelines of versions, so matching needs ``a < b`` in the package's own
ordering:

- **PyPI**: PEP 440 (``packaging.version``): ``1.0rc1 < 1.0 < 1.0.post1``.
- **SemVer** (range type ``SEMVER``, and npm, crates.io, Go, Hex, Pub, SwiftURL):
  SemVer 2.0 precedence; a leading ``v`` is dropped, missing minor or patch are 0,
  build metadata is ignored.
- **Debian, Ubuntu**: dpkg's algorithm (epoch, upstream, revision; ``~`` before anything,
  letters before other symbols).
- **Everything else, and any version its ecosystem cannot parse**: the fallback below.

The fallback splits a version into runs of digits and of letters. Numbers compare as
numbers; a run of letters directly after a digit (OpenSSL's ``1.0.1f``) or after a
separator that is not a pre-release word (``-lts``, ``-r1``) sorts *after* the version
without it; a pre-release word (``dev``, ``alpha``/``a``, ``beta``/``b``, ``pre``,
``preview``, ``rc``) after a separator, one of the longer ones anywhere, or anything after
``~``, sorts *before* it. So ``1.0.1 < 1.0.1a < 1.0.1f < 1.0.2`` and ``3.0.0-alpha1 <
3.0.0 < 3.0.0-lts``. RPM, Maven, RubyGems and Alpine orderings are approximated by it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Compare = Callable[[str, str], int]
"""``compare(a, b)`` is negative, zero or positive as ``a`` is before, equal to, after ``b``."""

_SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$"
)
_PRE_RANK = {"dev": 0, "snapshot": 0, "alpha": 1, "a": 1, "beta": 2, "b": 2, "pre": 3}
_PRE_RANK |= {"preview": 3, "rc": 4, "c": 4}
_ATTACHED_PRE = frozenset({"dev", "alpha", "beta", "pre", "preview", "rc", "snapshot"})
_TOKEN = re.compile(r"\d+|[A-Za-z]+|~|[^\dA-Za-z~]+")

SEMVER_ECOSYSTEMS = frozenset({"npm", "crates.io", "go", "hex", "pub", "swifturl"})
DPKG_ECOSYSTEMS = frozenset({"debian", "ubuntu"})


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


# ---------------------------------------------------------------------------- fallback

_PRE, _END, _POST, _NUM = 0, 1, 2, 3


def _tokens(version: str) -> list[tuple[int, int | str]]:
    out: list[tuple[int, int | str]] = []
    previous = ""
    tilde = False
    for token in _TOKEN.findall(version.strip().lower()):
        if token == "~":
            tilde = True
        elif token.isdigit():
            out.append((_PRE if tilde else _NUM, int(token)))
        elif token.isalpha():
            after_digit = previous.isdigit()
            pre = token in _ATTACHED_PRE or (not after_digit and token in _PRE_RANK)
            if tilde or pre:
                out.append((_PRE, _PRE_RANK.get(token, -1)))
            else:
                out.append((_POST, token))
        # separators only end the previous run
        previous = token
    return out


def compare_fallback(a: str, b: str) -> int:
    """The documented fallback ordering (see the module docstring)."""
    ta, tb = _tokens(a), _tokens(b)
    for index in range(max(len(ta), len(tb))):
        ka, va = ta[index] if index < len(ta) else (_END, 0)
        kb, vb = tb[index] if index < len(tb) else (_END, 0)
        if ka != kb:
            return _sign(ka - kb)
        if va != vb:
            if isinstance(va, int) and isinstance(vb, int):
                return _sign(va - vb)
            return -1 if str(va) < str(vb) else 1
    return 0


# ---------------------------------------------------------------------------- PEP 440


def compare_pep440(a: str, b: str) -> int:
    """PEP 440 ordering; the fallback when either side is not a PEP 440 version."""
    from packaging.version import InvalidVersion, Version

    try:
        va, vb = Version(a), Version(b)
    except InvalidVersion:
        return compare_fallback(a, b)
    return (va > vb) - (va < vb)


# ---------------------------------------------------------------------------- SemVer


def _pre_identifiers(text: str) -> list[tuple[int, int | str]]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in text.split(".")]


def compare_semver(a: str, b: str) -> int:
    """SemVer 2.0 precedence; the fallback when either side is not SemVer."""
    ma, mb = _SEMVER.match(a.strip()), _SEMVER.match(b.strip())
    if ma is None or mb is None:
        return compare_fallback(a, b)
    core_a = tuple(int(x or 0) for x in ma.groups()[:3])
    core_b = tuple(int(x or 0) for x in mb.groups()[:3])
    if core_a != core_b:
        return -1 if core_a < core_b else 1
    pa, pb = ma.group(4), mb.group(4)
    if pa == pb:
        return 0
    if pa is None:
        return 1
    if pb is None:
        return -1
    ia, ib = _pre_identifiers(pa), _pre_identifiers(pb)
    for x, y in zip(ia, ib, strict=False):
        if x != y:
            return -1 if x < y else 1
    return _sign(len(ia) - len(ib))


# ---------------------------------------------------------------------------- dpkg


def _dpkg_order(char: str) -> int:
    if char == "":
        return 0
    if char.isdigit():
        return 0
    if char.isalpha():
        return ord(char)
    if char == "~":
        return -1
    return ord(char) + 256


def _verrevcmp(a: str, b: str) -> int:
    i = j = 0
    while i < len(a) or j < len(b):
        first_diff = 0
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _dpkg_order(a[i] if i < len(a) else "")
            bc = _dpkg_order(b[j] if j < len(b) else "")
            if ac != bc:
                return _sign(ac - bc)
            i += 1
            j += 1
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        while i < len(a) and a[i].isdigit() and j < len(b) and b[j].isdigit():
            if not first_diff:
                first_diff = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if i < len(a) and a[i].isdigit():
            return 1
        if j < len(b) and b[j].isdigit():
            return -1
        if first_diff:
            return _sign(first_diff)
    return 0


def _dpkg_parts(version: str) -> tuple[int, str, str] | None:
    version = version.strip()
    epoch = 0
    if ":" in version:
        head, _, version = version.partition(":")
        if not head.isdigit():
            return None
        epoch = int(head)
    upstream, dash, revision = version.rpartition("-")
    if not dash:
        upstream, revision = version, ""
    if not upstream or not upstream[0].isdigit():
        return None
    return epoch, upstream, revision


def compare_dpkg(a: str, b: str) -> int:
    """Debian's version ordering; the fallback when either side is not a dpkg version."""
    pa, pb = _dpkg_parts(a), _dpkg_parts(b)
    if pa is None or pb is None:
        return compare_fallback(a, b)
    if pa[0] != pb[0]:
        return _sign(pa[0] - pb[0])
    return _verrevcmp(pa[1], pb[1]) or _verrevcmp(pa[2], pb[2])


# ---------------------------------------------------------------------------- choice


def comparator(ecosystem: str | None, range_type: str = "ECOSYSTEM") -> Compare:
    """The ordering of a range: SemVer for ``SEMVER`` ranges, else the ecosystem's own."""
    if range_type == "SEMVER":
        return compare_semver
    base = (ecosystem or "").partition(":")[0].strip().lower()
    if base == "pypi":
        return compare_pep440
    if base in SEMVER_ECOSYSTEMS:
        return compare_semver
    if base in DPKG_ECOSYSTEMS:
        return compare_dpkg
    return compare_fallback
