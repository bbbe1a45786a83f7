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
        "sites.csv:1:64: site_ref: note: 1 column fiveguard does not read is ignored: 'site_ref';"
    )


def test_a_semicolon_separated_file_is_one_problem_saying_so(write_model) -> None:
    path = write_model(csv_text=BASE_CSV.replace(",", ";"))
    code, _, err = run("validate", str(path))
    assert code == 2
    assert err.splitlines() == [
        "model.yaml:18:8: sites[0]: cannot use site file 'sites.csv'",
        "sites.csv:1:1: the columns are separated by semicolons, not commas: fiveguard reads "
        "comma-separated files. Save the sheet as 'CSV (comma delimited)', or set the list "
        "separator to ',' in the regional settings of the spreadsheet program before "
        "exporting",
        "error: 2 problems found.",
    ]


def test_a_latin1_site_file_is_located_with_the_encoding_to_use(write_model) -> None:
    header, *rows = BASE_CSV.splitlines()
    text = "\n".join([f"{header},name", *(f"{r},Liège {i}" for i, r in enumerate(rows))]) + "\n"
    path = write_model(csv_text=None)
    (path.parent / "sites.csv").write_bytes(text.encode("latin-1"))
    code, _, err = run("validate", str(path))
    assert code == 2
    assert (
        "sites.csv:2:48: not valid UTF-8 text (expected a UTF-8 encoded file): byte 0xE8 is " in err
    )
    assert "'è' in Windows-1252 (Latin-1)" in err
    assert "iconv -f WINDOWS-1252 -t UTF-8" in err


def test_a_latin1_model_file_gets_the_same_hint(write_model) -> None:
    path = write_model()
    text = path.read_text(encoding="utf-8").replace("name: Test model", "name: Modèle")
    path.write_bytes(text.encode("latin-1"))
    code, _, err = run("validate", str(path))
    assert code == 2
    assert "model.yaml:2:31: not valid UTF-8 text (expected a UTF-8 encoded file): byte 0xE8" in err
    assert "Windows-1252" in err
