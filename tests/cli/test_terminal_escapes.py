"""Text from users' files never reaches the terminal as control characters: escape
sequences in file names, keys, names in tables and JSON are shown as \\uXXXX escapes."""

from __future__ import annotations

import io
import json

import pytest
from rich.markup import escape
from rich.table import Table
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app, console
from fiveguard.cli.terminal import TerminalConsole, escape_controls
from model_texts import BASE_YAML

runner = CliRunner()
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
"""ESC (starts every escape sequence), BEL (ends a window-title one), CSI in one byte,
and the right-to-left override."""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def assert_no_raw_controls(text: str) -> None:
    found = [char for char in RAW if char in text]
    assert not found, f"raw control characters reached the terminal: {found!r}"


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Table cells on one line each, so a test can read them."""
    monkeypatch.setattr(console, "_width", 300)


def test_escape_controls_keeps_text_and_escapes_controls() -> None:
    assert escape_controls("Liège \x1b]0;x\x07 \u202eab") == "Liège \\u001b]0;x\\u0007 \\u202eab"
    assert escape_controls("a\tb\nc") == "a\tb\nc"
    assert escape_controls("a\tb\nc", one_line=True) == "a\\tb\\nc"


def test_a_file_name_and_a_key_with_escape_sequences_are_shown_escaped(write_model) -> None:
    text = BASE_YAML.replace("sites: sites.csv", 'sites: "s\\e]0;owned\\a.csv"\n"\\e[2Jwiped": 1')
    code, out, err = run("validate", str(write_model(text)))
    assert code == 2
    assert_no_raw_controls(out + err)
    assert "s\\u001b]0;owned\\u0007.csv: site file not found" in err
    assert "model.yaml:19:15: \\u001b[2Jwiped: unknown section" in err


def test_a_file_name_with_a_newline_stays_on_its_line(write_model) -> None:
    text = BASE_YAML.replace("sites: sites.csv", 'sites: "a\\nmodel.yaml:1:1: fine.csv"')
    code, _, err = run("validate", str(write_model(text)))
    assert code == 2
    assert "a\\nmodel.yaml:1:1: fine.csv: site file not found" in err.splitlines()


def test_names_in_tables_are_shown_escaped(write_model, wide: None) -> None:
    text = BASE_YAML.replace("name: Supplier A", 'name: "Supplier \\e[31mA\\u202e"')
    code, out, err = run("assess", str(write_model(text)), "--trials", "0")
    assert code == 0, err
    assert_no_raw_controls(out + err)
    assert "Supplier \\u001b[31mA\\u202e" in out


def test_json_output_escapes_controls_and_keeps_their_meaning(write_model) -> None:
    text = BASE_YAML.replace("name: Supplier A", 'name: "Supplier \\x9bA\\u202e"')
    code, out, err = run("assess", str(write_model(text)), "--trials", "0", "--json")
    assert code == 0, err
    assert_no_raw_controls(out)
    names = [s["name"] for s in json.loads(out)["suppliers"]]
    assert names == ["Supplier \x9bA\u202e"]


def test_the_console_escapes_text_but_keeps_its_own_styles() -> None:
    """What the commands print (rules, tables, what-if titles) goes through one console
    class; Rich's own colours and cursor moves are not escaped."""
    out = io.StringIO()
    terminal = TerminalConsole(
        file=out, force_terminal=True, color_system="standard", width=60, highlight=False
    )
    terminal.rule("[bold]What if[/bold] " + escape("region-power:\x1b[2J\u202e"))
    table = Table("supplier")
    table.add_row("[red]x[/red] \x9b")
    terminal.print(table)
    text = out.getvalue()
    assert "region-power:\\u001b[2J\\u202e" in text and "\\u009b" in text
    assert "\x1b[1m" in text and "\x1b[31m" in text  # bold and red, as Rich writes them
    assert "\x1b[2J" not in text and "\u202e" not in text and "\x9b" not in text
