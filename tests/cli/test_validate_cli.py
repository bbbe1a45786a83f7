"""``fiveguard validate``: warnings, ``--strict`` and the machine-readable problem list."""

from __future__ import annotations

import re

from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from model_texts import BASE_YAML

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

FEW_SUBSCRIBERS = BASE_YAML.replace("subscribers: 1500", "subscribers: 150")
WARNING = (
    "model.yaml:13:47: operators[0].subscribers: warning: 150 subscribers, but the radio "
    "assets of op-a serve 1,500 people"
)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def test_a_warning_is_printed_and_the_model_stays_valid(write_model) -> None:
    code, out, err = run("validate", str(write_model(FEW_SUBSCRIBERS)))
    assert code == 0, err
    assert out.startswith("valid model.yaml")
    assert err.startswith(WARNING)


def test_strict_fails_on_a_warning(write_model) -> None:
    code, out, err = run("validate", "--strict", str(write_model(FEW_SUBSCRIBERS)))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(WARNING)
    assert lines[1:] == ["error: 1 warning found."]


def test_strict_passes_a_model_without_warnings(write_model) -> None:
    code, out, err = run("validate", "--strict", str(write_model()))
    assert (code, err) == (0, "")
    assert out.startswith("valid model.yaml")


def test_warnings_are_counted_apart_from_errors(write_model) -> None:
    text = FEW_SUBSCRIBERS.replace("population: 1000}", "population: -1}")
    code, _, err = run("validate", str(write_model(text)))
    assert code == 2
    assert err.splitlines()[-1] == "error: 1 problem and 1 warning found."


def test_other_commands_print_the_warnings_too(write_model) -> None:
    code, _, err = run("simulate", str(write_model(FEW_SUBSCRIBERS)), "--trials", "64")
    assert code == 0, err
    assert err.startswith(WARNING)
