"""Errors a user can cause: located problems in their input, reported all at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

COMMAND_LINE = "command line"
"""The "file" of problems with what was typed on the command line (options, events)."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: file, 1-based line and column, and the dotted field path."""

    file: str | None = None
    line: int | None = None
    col: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        text = ":".join(parts)
        return f"{text}: {self.path}" if self.path else text


class ProblemSeverity(StrEnum):
    """An error makes the input unusable; a warning points at a value that is probably
    wrong but leaves the input usable; a note says what the reading left aside without
    harm (a site column fiveguard does not read)."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, and what was expected instead."""

    location: Location
    message: str
    severity: ProblemSeverity = ProblemSeverity.ERROR

    def __str__(self) -> str:
        if self.severity is ProblemSeverity.ERROR:
            return f"{self.location}: {self.message}"
        return f"{self.location}: {self.severity.value}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is ProblemSeverity.ERROR


class InputError(Exception):
    """The user's input cannot be used; carries every problem found, each located."""

    def __init__(self, problems: Sequence[Problem] | Problem) -> None:
        self.problems: tuple[Problem, ...] = (
            (problems,) if isinstance(problems, Problem) else tuple(problems)
        )
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, message: str, file: str | None = None, **where: object) -> InputError:
        """One problem at a location given by keyword (line, col, path)."""
        line = where.get("line")
        col = where.get("col")
        path = where.get("path")
        return cls(
            Problem(
                Location(
                    file=file,
                    line=line if isinstance(line, int) else None,
                    col=col if isinstance(col, int) else None,
                    path=path if isinstance(path, str) else None,
                ),
                message,
            )
        )


def dotted(path: Iterable[str | int]) -> str:
    """``('assets', 3, 'requires', 0)`` → ``assets[3].requires[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
