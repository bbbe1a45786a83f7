"""``fiveguard validate``: warnings, ``--strict`` and the machine-readable problem list."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.modelio.schema import schema_json
from model_texts import BASE_CSV, BASE_YAML

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

FEW_SUBSCRIBERS = BASE_YAML.replace("subscribers: 1500", "subscribers: 150")
WARNING = (
    "model.yaml:13:47: operators[0].subscribers: warning: 150 subscribers, but the radio "
    "assets of op-a serve 1,500 people"
)


ROOT = Path(__file__).parents[2]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def run_json(*args: str) -> tuple[int, dict[str, Any], str]:
    """``validate --json``: its exit code, the JSON it printed (checked against the
    published schema) and stderr."""
    code, out, err = run("validate", "--json", *args)
    document = json.loads(out)
    jsonschema.validate(document, json.loads(schema_json("validation")))
    return code, document, err


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


# -- validate --json: a problem list for scripts


def test_json_lists_every_problem_of_an_invalid_model(write_model) -> None:
    text = FEW_SUBSCRIBERS.replace("population: 1000}", "population: -1}")
    csv = BASE_CSV.replace("a.s2,op-a,ran.gnb,gnb@2.0,", "a.s2,op-a,ran.gnb,gnb@9.9,")
    code, document, err = run_json(str(write_model(text, csv)))
    assert (code, err) == (2, "")
    assert document["valid"] is False and document["summary"] is None
    assert document["problems"] == [
        {
            "file": "model.yaml",
            "line": 4,
            "column": 37,
            "path": "regions[0].population",
            "message": "expected a number ≥ 0, got -1",
            "severity": "error",
        },
        {
            "file": "model.yaml",
            "line": 13,
            "column": 47,
            "path": "operators[0].subscribers",
            "message": document["problems"][1]["message"],
            "severity": "warning",
        },
        {
            "file": "sites.csv",
            "line": 3,
            "column": 19,
            "path": "product",
            "message": "version '9.9' of 'gnb' is not declared; declared versions: 2.0",
            "severity": "error",
        },
    ]
    assert document["problems"][1]["message"].startswith("150 subscribers, but the radio")


def test_json_of_an_unreadable_file_is_a_problem_too(tmp_path: Path) -> None:
    code, document, _ = run_json(str(tmp_path / "missing.yaml"))
    assert code == 2
    (problem,) = document["problems"]
    assert problem["message"] == "file not found" and problem["line"] is None


def test_json_of_a_valid_model_has_its_warnings_and_summary(write_model) -> None:
    code, document, err = run_json(str(write_model(FEW_SUBSCRIBERS)))
    assert (code, err) == (0, "")
    assert document["valid"] is True
    assert [p["severity"] for p in document["problems"]] == ["warning"]
    assert document["summary"]["operators"][0]["subscribers"] == 150


def test_json_with_strict_fails_on_a_warning(write_model) -> None:
    code, document, _ = run_json("--strict", str(write_model(FEW_SUBSCRIBERS)))
    assert code == 2
    assert document["valid"] is False and document["summary"] is None
    assert [p["path"] for p in document["problems"]] == ["operators[0].subscribers"]


def test_the_published_validation_schema_matches_the_code() -> None:
    published = (ROOT / "docs" / "schema" / "validation.schema.json").read_text(encoding="utf-8")
    assert published == schema_json("validation"), (
        "docs/schema/validation.schema.json is stale: run `make schema`"
    )
