"""The result of checking a model, for scripts: ``fiveguard validate --json``.

Every problem is one record with its place and severity, so a script (an editor, a CI
job) needs no parsing of ``FILE:LINE:COL: path: message`` lines. The schema is published
as ``fiveguard schema validation``.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fiveguard.domain.errors import Problem, ProblemSeverity

SummaryT = TypeVar("SummaryT")


class ProblemRecord(BaseModel):
    """One problem of the input, where it is and how grave."""

    model_config = ConfigDict(frozen=True)

    file: str | None = Field(
        description="The file as the command line named it (relative to the working "
        "directory when under it); 'command line' for an option or argument; null when "
        "not known."
    )
    line: int | None = Field(description="1-based line, null when not known.")
    column: int | None = Field(description="1-based column, null when not known.")
    path: str | None = Field(
        description="The field in the file, e.g. assets[3].requires[0] (a column name for "
        "site files, an option for the command line); null for the file as a whole."
    )
    message: str = Field(description="What is wrong and what was expected.")
    severity: ProblemSeverity = Field(
        description="error: the input cannot be used; warning: a value that is probably "
        "wrong, which leaves the input usable."
    )

    @classmethod
    def of(cls, problem: Problem) -> ProblemRecord:
        where = problem.location
        return cls(
            file=where.file,
            line=where.line,
            column=where.col,
            path=where.path,
            message=problem.message,
            severity=problem.severity,
        )


class AssumptionRecord(BaseModel):
    """A value the simulation assumes because the model leaves it out (or a measure adds),
    and the assets it acts on."""

    model_config = ConfigDict(frozen=True)

    parameter: str = Field(description="Catalogue path of the parameter, or the measure.")
    value: str = Field(description="The value assumed or added, with its unit.")
    note: str = Field(description="What it does, and to which assets.")


class ValidationReport(BaseModel, Generic[SummaryT]):
    """What ``fiveguard validate --json`` prints, valid model or not."""

    model_config = ConfigDict(frozen=True)

    valid: bool = Field(
        description="True when the model can be used (exit code 0): no errors, and no "
        "warnings either with --strict."
    )
    problems: tuple[ProblemRecord, ...] = Field(
        description="Every error and warning, in file order (by file, line, column)."
    )
    summary: SummaryT | None = Field(
        description="What the model contains, in numbers, when it is valid; null otherwise."
    )
    assumptions: tuple[AssumptionRecord, ...] = Field(
        default=(),
        description="What the simulation assumes where the model is silent (e.g. no battery "
        "value: 0 h of autonomy) and the hours measures add; empty when not valid.",
    )


def problem_records(problems: tuple[Problem, ...] | list[Problem]) -> tuple[ProblemRecord, ...]:
    return tuple(ProblemRecord.of(p) for p in problems)
