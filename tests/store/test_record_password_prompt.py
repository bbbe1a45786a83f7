"""``fiveguard user add`` without FIVEGUARD_PASSWORD: at a terminal the password is asked
twice, hidden; with no terminal (a script, a pipe) it is one located message, exit code 2,
and no user is added — never a prompt that cannot be answered."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
from fiveguard.store.tables import UserAccount

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TYPED = "a password typed at the prompt"


def _run(url: str, *args: str, typed: str | None = None) -> tuple[int, str]:
    env = {"FIVEGUARD_DATABASE_URL": url, "FIVEGUARD_PASSWORD": None, "FIVEGUARD_USER": None}
    result = CliRunner().invoke(app, list(args), env=env, input=typed)
    return result.exit_code, ANSI.sub("", result.stdout + result.stderr)


def _users(url: str) -> list[str]:
    db = connect(database_url(url))
    try:
        with db.transaction() as s:
            return sorted(s.execute(select(UserAccount.name)).scalars())
    finally:
        db.close()


@pytest.fixture
def record(db_url: str) -> str:
    assert _run(db_url, "db", "upgrade")[0] == 0
    code, out = _run(db_url, "user", "add", "root", "--instance-admin", typed=f"{TYPED}\n{TYPED}\n")
    assert code == 2, out  # no terminal: refused, nothing added
    return db_url


def test_without_a_terminal_the_password_is_one_message_and_no_user(record: str) -> None:
    code, out = _run(record, "user", "add", "root", "--instance-admin")
    assert code == 2 and "Traceback" not in out and "Aborted" not in out
    assert (
        "command line: FIVEGUARD_PASSWORD: no password for root: set FIVEGUARD_PASSWORD or "
        "run in a terminal (the user was not added)"
    ) in out
    assert _users(record) == []


def test_at_a_terminal_the_password_is_asked_twice(
    record: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fiveguard.cli.record.sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))  # fmt: skip
    code, out = _run(record, "user", "add", "root", "--instance-admin", typed=f"{TYPED}\n{TYPED}\n")
    assert code == 0, out
    assert "password for root:" in out and "Repeat for confirmation:" in out
    assert TYPED not in out
    assert _users(record) == ["root"]
