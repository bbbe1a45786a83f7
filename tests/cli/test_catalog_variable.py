"""A catalogue file named by FIVEGUARD_CATALOG that cannot be used names the variable:
a user may not know it is set, and the file's own message would not tell them."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()
VARIABLE_LINE = (
    "environment: FIVEGUARD_CATALOG: names the catalogue file {!r}, which cannot be used "
    "(below); correct it, or unset FIVEGUARD_CATALOG to use the packaged catalogue"
)


def errors(*args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, ANSI.sub("", result.stderr).splitlines()


def test_a_missing_file_named_by_the_variable_names_the_variable(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.yaml")
    code, lines = errors("catalog", "kinds", env={"FIVEGUARD_CATALOG": missing})
    assert code == 2
    assert lines == [
        VARIABLE_LINE.format(missing),
        f"{missing}: file not found",
        "error: 2 problems found.",
    ]


def test_a_directory_named_by_the_variable_is_a_located_problem(tmp_path: Path) -> None:
    code, lines = errors("catalog", "kinds", env={"FIVEGUARD_CATALOG": str(tmp_path)})
    assert code == 2
    assert lines[:2] == [
        VARIABLE_LINE.format(str(tmp_path)),
        f"{tmp_path}: is a directory, expected a file",
    ]


def test_a_bad_file_given_with_the_option_is_reported_alone(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.yaml")
    code, lines = errors("--catalog", missing, "catalog", "kinds")
    assert code == 2
    assert lines == [f"{missing}: file not found", "error: 1 problem found."]


def test_a_directory_given_with_the_option_is_a_located_problem(tmp_path: Path) -> None:
    code, lines = errors("--catalog", str(tmp_path), "catalog", "kinds")
    assert code == 2
    assert lines == [f"{tmp_path}: is a directory, expected a file", "error: 1 problem found."]
