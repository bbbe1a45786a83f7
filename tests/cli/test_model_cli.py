"""``fiveguard validate``, ``schema`` and the help of every command, as a user runs them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def every_command_path() -> list[list[str]]:
    """Every command as the words that invoke it, found from the app itself."""
    import typer.main

    group = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        sub = getattr(command, "commands", None)
        if sub is None:
            paths.append(prefix)
            return
        for name, child in sub.items():
            walk(child, [*prefix, name])

    walk(group, [])
    return paths


def test_validate_accepts_a_valid_model() -> None:
    code, out, err = run("validate", str(EXAMPLE))
    assert code == 0, err
    assert "valid" in out and "158 radio sites" in out.replace("\n", " ")


def test_validate_json_reports_the_summary() -> None:
    code, out, _ = run("validate", str(EXAMPLE), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["valid"] is True
    assert data["summary"]["radio_sites"] == 158


def test_validate_reports_located_problems_and_exits_2(write_model) -> None:
    from model_texts import BASE_YAML

    path = write_model(BASE_YAML.replace("population: 1000}", "population: -1}"))
    code, out, err = run("validate", str(path))
    assert code == 2
    assert "model.yaml:4:37: regions[0].population: expected a number ≥ 0, got -1" in err
    assert "Traceback" not in err + out


def test_validate_lists_an_impossible_date_with_every_other_problem(write_model) -> None:
    from model_texts import BASE_YAML

    text = (
        BASE_YAML.replace("as_of: 2026-06-30", "as_of: 2026-10-32")
        .replace("product: oss@3}", "product: oss@3, sensitive: yes}")
        .replace("subscribers: 1500", "subscribers: 01500")
    )
    code, out, err = run("validate", str(write_model(text)))
    assert code == 2
    assert err.splitlines() == [
        "model.yaml:2:47: scope.as_of: not a valid date: '2026-10-32' (day is out of range for "
        "month)",
        "model.yaml:13:47: operators[0].subscribers: expected a whole number, got the text "
        "'01500' (a number with leading zeros is read as text); write 1500",
        "model.yaml:15:76: assets[0].sensitive: expected true or false, got the text 'yes'; "
        "write true",
        "error: 3 problems found.",
    ]
    assert "Traceback" not in err + out


def test_validate_says_people_served_by_radio_of_how_many_residents() -> None:
    code, out, err = run("validate", str(EXAMPLE))
    assert code == 0, err
    assert "614,862 people served by radio (of 1,000,000 residents)" in " ".join(out.split())


def test_a_missing_model_file_exits_2_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("validate", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "nope.yaml: file not found" in err
    assert "Traceback" not in err + out


def test_the_console_script_exits_2_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("fiveguard: 1\nscope: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "fiveguard", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "bad.yaml:3:1: YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_prints_the_model_schema() -> None:
    code, out, _ = run("schema", "model")
    assert code == 0
    assert json.loads(out)["title"] == "fiveguard national model"


def test_unknown_schema_is_a_usage_error() -> None:
    code, _, err = run("schema", "nonsense")
    assert code == 2
    assert "unknown schema 'nonsense'" in err


@pytest.mark.parametrize("words", every_command_path(), ids=" ".join)
def test_every_command_has_help_with_an_example(words: list[str]) -> None:
    code, out, _ = run(*words, "--help")
    assert code == 0
    assert "Example:" in out, f"fiveguard {' '.join(words)} --help has no example"
