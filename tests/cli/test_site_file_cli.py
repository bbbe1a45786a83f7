"""Site files as a user meets them on the command line: notes about what was ignored,
and hints when a file was saved in a form fiveguard does not read."""

from __future__ import annotations

import re

from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from model_texts import BASE_CSV

ANSI = re.compile(r"\x1b\[[0-9;]*m")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


def test_ignored_columns_are_noted_and_the_model_stays_valid(write_model) -> None:
    header, *rows = BASE_CSV.splitlines()
    text = "\n".join([f"{header},site_ref", *(f"{r},X{i}" for i, r in enumerate(rows))]) + "\n"
    code, out, err = run("validate", str(write_model(csv_text=text)))
    assert code == 0, err
    assert "valid" in out
    assert err.startswith(
        "note: sites.csv:1:64: site_ref: 1 column fiveguard does not read is ignored: 'site_ref';"
    )
