"""Mistakes on the command line are reported like every other input error: one located
line, ``command line: OPTION: message``, exit code 2; never the command-line framework's
boxed text, whatever the command and option."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import pytest
import typer.main
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
FRAMEWORK_TEXT = ("╭", "│", "Usage:", "Try '", "Error", "Traceback")


def run(*args: str, **env: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env or None)
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def located(*args: str, **env: str) -> str:
    """The one problem a bad command line gives, checked to be in fiveguard's format."""
    code, out, err = run(*args, **env)
    assert code == 2, (args, out, err)
    assert not any(text in out + err for text in FRAMEWORK_TEXT), (args, err)
    lines = err.splitlines()
    assert lines[-1] == "error: 1 problem found.", (args, err)
    (problem,) = lines[:-1]
    assert problem.startswith("command line: "), (args, err)
    return problem


def test_simulate_trials_zero_is_located() -> None:
    assert located("simulate", str(EXAMPLE), "--trials", "0") == (
        "command line: --trials: expected a number ≥ 1, got '0'"
    )


@pytest.mark.parametrize("command", ["assess", "demo"])
def test_out_naming_an_existing_file_is_located(tmp_path: Path, command: str) -> None:
    existing = tmp_path / "report"
    existing.write_text("not a directory", encoding="utf-8")
    model = [str(EXAMPLE)] if command == "assess" else []
    assert located(command, *model, "--out", str(existing)) == (
        f"command line: --out: '{existing}' exists and is not a directory"
    )
    assert existing.read_text(encoding="utf-8") == "not a directory"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["simulate", "MODEL", "--trials", "many"],
            "--trials: expected a whole number, got 'many'",
        ),
        (["simulate", "MODEL", "--trials"], "--trials: expected a value after it"),
        (
            ["simulate", "MODEL", "--trails", "5"],
            "--trails: no such option (did you mean --trials?); see 'fiveguard simulate -h'",
        ),
        (["simulate"], "MODEL: missing argument; see 'fiveguard simulate -h'"),
        (
            ["evidence", "sbom"],
            "PRODUCT@VERSION: missing argument; see 'fiveguard evidence sbom -h'",
        ),
        (
            ["validate", "MODEL", "extra"],
            "got unexpected extra argument(s) (extra); see 'fiveguard validate -h'",
        ),
        (
            ["catalog", "kindz"],
            "no such command 'kindz' (did you mean 'kinds'?); expected one of: kinds, risks, measures, timeline, "
            "policies, national, controls, services, criteria, incidents, simulation; "
            "see 'fiveguard catalog -h'",
        ),
        (["assess", "MODEL", "--trials", "-1"], "--trials: expected a number ≥ 0, got '-1'"),
        (
            ["schema", "nonsense"],
            "unknown schema 'nonsense'; expected one of: model, assessment, validation",
        ),
        (["catalog", "controls", "--domain", "D99"], "--domain: unknown domain 'D99'"),
    ],
)
def test_each_kind_of_mistake_is_located(tmp_path: Path, args: list[str], message: str) -> None:
    names = {"MODEL": str(EXAMPLE), "DIR": str(tmp_path)}
    words = [names.get(a, a) for a in args]
    problem = located(*words)
    assert problem.startswith(f"command line: {message.replace('DIR', str(tmp_path))}")


def every_option() -> list[tuple[list[str], Any]]:
    """(words invoking a command, one of its options taking a value), for every command."""
    found: list[tuple[list[str], Any]] = []

    def walk(command: Any, words: list[str]) -> None:
        for param in command.params:
            option = getattr(param, "param_type_name", "") == "option"
            if option and not param.is_flag and "--help" not in param.opts:
                found.append((words, param))
        for name, child in getattr(command, "commands", {}).items():
            walk(child, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


OPTIONS = every_option()


def takes_no_text(param: Any) -> bool:
    """Whether an option's value must be a number, a date or one of a few words (so that a
    control character is refused as soon as the command line is read)."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:  # Typer before it read types itself: Click's own types
        return getattr(param.type, "name", "") in ("integer", "float", "datetime", "choice")
    annotation = descriptor.annotation
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    for tp in [annotation, *members]:
        if tp in (int, float, dt.datetime) or get_origin(tp) is Literal:
            return True
        if isinstance(tp, type) and issubclass(tp, Enum):
            return True
    return False


OPTION_IDS = [" ".join([*w, max(p.opts, key=len)]) for w, p in OPTIONS]


@pytest.mark.parametrize(("words", "param"), OPTIONS, ids=OPTION_IDS)
def test_no_option_gives_the_frameworks_boxed_error(words: list[str], param: Any) -> None:
    option = max(param.opts, key=len)
    assert located(*words, option) == f"command line: {option}: expected a value after it"
    assert located(*words, option, "x", "--no-such-option").startswith(
        "command line: --no-such-option: no such option"
    )
    if takes_no_text(param):
        assert located(*words, option, "\x01").startswith(f"command line: {option}: expected")


def test_options_taking_no_text_are_found() -> None:
    typed = {
        name for name, (_, param) in zip(OPTION_IDS, OPTIONS, strict=True) if takes_no_text(param)
    }
    assert {
        "simulate --trials",
        "assess --seed",
        "whatif --mode",
        "evidence vulns --as-of",
    } <= typed


def test_every_command_is_covered() -> None:
    commands = {" ".join(words) for words, _ in OPTIONS}
    assert {"", "assess", "simulate", "whatif", "generate", "evidence vulns"} <= commands


def test_the_console_script_locates_a_bad_option_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fiveguard", "simulate", str(EXAMPLE), "--trials", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "command line: --trials: expected a number ≥ 1, got '0'",
        "error: 1 problem found.",
    ]
    assert result.stdout == ""
