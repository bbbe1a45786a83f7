"""The header row of a site file: which columns are read, which are ignored, and why not.

A site file often comes from a spreadsheet holding more than fiveguard needs (an
authority's own site reference, an address): a column fiveguard does not know is
ignored, and one note lists them all. A name that looks like a slip for a known column
(``Population``, ``populaton``) is an error instead, since ignoring it would silently
give every row the column's default. A header written with another separator (``;`` as
spreadsheet programs write in much of Europe, or tabs) is one problem saying so.

Every check is linear in the number of columns: a header may name thousands.
"""

from __future__ import annotations

from collections.abc import Sequence

from fiveguard.domain.errors import Location, Problem, ProblemSeverity
from fiveguard.modelio.csvsites_cells import COLUMNS, REQUIRED, SPECS
from fiveguard.modelio.csvsites_locate import SiteFileLocator

SHOWN_NAMES = 8
"""A note or problem lists at most this many column names."""
_SHORTEST_TYPO = 5
"""Shorter names are compared with the known columns only as written (``ID``): among
short words one letter makes another word (a ``site`` column is not ``sites``)."""
_LONGEST_SLIP = 40
"""Names longer than this are not compared with the known columns."""
OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}
SHORT_NAMES = {"lat": "latitude", "lon": "longitude", "lng": "longitude", "long": "longitude"}
"""Abbreviations of optional columns: ignored like any unknown column, with the hint to
rename them (reading them silently as the column would be a guess)."""


def check_header(header: Sequence[str], locator: SiteFileLocator, problems: list[Problem]) -> None:
    """Problems of the header: slips for known names, names given twice, required columns
    missing, another separator. Columns fiveguard does not know go in ``locator.notes``."""
    if _wrong_separator(header, locator, problems):
        return
    present = set(header)
    first: dict[str, int] = {}
    repeats: dict[str, list[int]] = {}
    ignored: list[int] = []
    slips: set[str] = set()
    for index, name in enumerate(header):
        if name in SPECS:
            if name in first:
                repeats.setdefault(name, []).append(index)
            else:
                first[name] = index
            continue
        slip = near_column(name, present)
        if slip is None:
            ignored.append(index)
            continue
        slips.add(slip)
        message = f"unknown column {name!r}; did you mean {slip!r}?"
        if slip == _normalised(name):
            message += " (column names are lower case, with '_' between words)"
        problems.append(Problem(_at(locator, index, name), message))
    for name, indexes in repeats.items():
        times = "twice" if len(indexes) == 1 else f"{len(indexes) + 1:,} times"
        problems.append(
            Problem(
                _at(locator, indexes[0], name),
                f"column {name!r} appears {times} (first as column {first[name] + 1:,}); "
                "name each column once",
            )
        )
    for name in REQUIRED:
        if name not in first and name not in slips:
            problems.append(
                Problem(Location(locator.file, 1, 1, name), f"missing required column {name!r}")
            )
    if ignored:
        locator.notes.append(_ignored_note(header, ignored, locator))


def near_column(name: str, present: set[str]) -> str | None:
    """The known column ``name`` looks like a slip for, unless the header has it already.

    A slip is the name in another case or with spaces or hyphens for underscores
    (``Battery Hours``), or, for names of :data:`_SHORTEST_TYPO` letters or more, one
    letter left out, added, changed or two swapped (``populaton``, ``sensitve``).
    """
    if not name or len(name) > _LONGEST_SLIP:
        return None
    low = _normalised(name)
    candidate = low if low in SPECS else None
    if candidate is None and len(low) >= _SHORTEST_TYPO:
        candidate = next(
            (_ONE_LETTER_OFF[v] for v in _without_one_letter(low) if v in _ONE_LETTER_OFF), None
        )
    return candidate if candidate is not None and candidate not in present else None


def _normalised(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _without_one_letter(word: str) -> list[str]:
    """The word, and the word with each one of its letters left out."""
    return [word, *(word[:i] + word[i + 1 :] for i in range(len(word)))]


_ONE_LETTER_OFF = {
    variant: column for column in reversed(COLUMNS) for variant in _without_one_letter(column)
}
"""Each known column and its forms with one letter left out: a name shares one of its
own such forms with a column exactly when the two differ by one letter left out, added,
changed, or two neighbours swapped (the "deletion neighbourhood" of spelling checkers),
found by a few dictionary look-ups instead of comparing with every column."""


def _at(locator: SiteFileLocator, index: int, name: str) -> Location:
    return Location(locator.file, 1, locator.header_column(index), name or f"column {index + 1}")


def _ignored_note(header: Sequence[str], ignored: list[int], locator: SiteFileLocator) -> Problem:
    names = [_ignored_name(header[i], i) for i in ignored]
    shown = ", ".join(names[:SHOWN_NAMES])
    if len(names) > SHOWN_NAMES:
        shown += f" and {len(names) - SHOWN_NAMES:,} more"
    count = "1 column" if len(names) == 1 else f"{len(names):,} columns"
    return Problem(
        _at(locator, ignored[0], header[ignored[0]]),
        f"{count} fiveguard does not read {'is' if len(names) == 1 else 'are'} ignored: "
        f"{shown}; the columns read are {', '.join(COLUMNS)}",
        ProblemSeverity.NOTE,
    )


def _ignored_name(name: str, index: int) -> str:
    if not name:
        return f"column {index + 1} (no name)"
    full = SHORT_NAMES.get(name.lower())
    return f"{name!r} (to read it, name it {full!r})" if full else repr(name)


def _wrong_separator(
    header: Sequence[str], locator: SiteFileLocator, problems: list[Problem]
) -> bool:
    """Whether the header is one field that another separator splits into known columns."""
    if len(header) != 1:
        return False
    for separator, words in OTHER_SEPARATORS.items():
        names = [part.strip() for part in header[0].split(separator)]
        if len([name for name in names if name in SPECS]) > 1:
            problems.append(
                Problem(
                    Location(locator.file, 1, 1, None),
                    f"the columns are separated by {words}, not commas: fiveguard reads "
                    "comma-separated files. Save the sheet as 'CSV (comma delimited)', or "
                    "set the list separator to ',' in the regional settings of the "
                    "spreadsheet program before exporting",
                )
            )
            return True
    return False
