"""The record's commands as a user runs them, on SQLite and PostgreSQL: every bad input
is one located message and exit code 2, and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
PASSWORD = "correct horse battery staple"


class Cli:
    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, password: str = PASSWORD) -> tuple[int, str, str]:
        result = self.runner.invoke(
            app,
            list(args),
            env={
                "FIVEGUARD_DATABASE_URL": self.url,
                "FIVEGUARD_PASSWORD": password,
                "FIVEGUARD_USER": None,
            },
        )
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


@pytest.fixture
def cli(db_url: str) -> Cli:
    run = Cli(db_url)
    assert run("db", "upgrade")[0] == 0
    return run


@pytest.fixture
def setup(cli: Cli) -> Cli:
    """An administrator, an authority, an operator it supervises and an analyst there."""
    for args in (
        ("user", "add", "admin", "--instance-admin"),
        ("org", "add", "nra", "--kind", "national-authority", "--country", "XS", "--user", "admin"),
        (
            "org",
            "add",
            "op-a",
            "--kind",
            "operator",
            "--country",
            "XS",
            "--supervisor",
            "nra",
            "--user",
            "admin",
        ),
        ("user", "add", "alice", "--org", "op-a", "--role", "analyst", "--user", "admin"),
    ):
        code, _, err = cli(*args)
        assert code == 0, err
    return cli


def audit_rows(cli: Cli) -> int:
    code, out, _ = cli("audit", "verify")
    assert code == 0
    return int(re.search(r"holds: (\d+) rows", out).group(1))  # type: ignore[union-attr]


def test_db_status_names_the_revision(cli: Cli) -> None:
    from fiveguard.store.migrate import head_revision

    code, out, _ = cli("db", "status")
    assert code == 0 and f"revision {head_revision()}" in out and "current" in out


def test_import_list_and_verify(setup: Cli) -> None:
    code, out, err = setup("store", "import", str(EXAMPLE), "--org", "op-a", "--user", "alice")
    assert code == 0, err
    assert "imported model v1 for op-a (TLP:AMBER): 2 files, 29 assets" in out
    code, out, _ = setup("store", "import", str(EXAMPLE), "--org", "op-a", "--user", "alice")
    assert code == 0 and "unchanged: model v1" in out
    code, out, _ = setup("store", "list", "--user", "alice", "--json")
    assert code == 0 and '"version": 1' in out and '"organisation": "op-a"' in out
    assert audit_rows(setup) == 6


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (
            ("store", "import", str(EXAMPLE), "--org", "nowhere", "--user", "alice"),
            PASSWORD,
            "--org: 'alice' is not a member of 'nowhere'",
        ),
        (
            ("user", "add", "alice", "--user", "admin"),
            PASSWORD,
            "NAME: user 'alice' exists already",
        ),
        (("user", "add", "bob", "--user", "admin"), "", "the password is empty"),
        (("user", "add", "bob", "--user", "admin"), "bobbobbobbobbob1", "repeats itself"),
        (("user", "add", "bob", "--user", "admin"), "short pass", "expected at least 15"),
        (
            ("user", "add", "bob", "--org", "nowhere", "--user", "admin"),
            PASSWORD,
            "--org: unknown organisation 'nowhere'",
        ),
        (
            (
                "org",
                "add",
                "op-b",
                "--kind",
                "operator",
                "--country",
                "XS",
                "--supervisor",
                "zz",
                "--user",
                "admin",
            ),
            PASSWORD,
            "--supervisor: unknown organisation 'zz'",
        ),
        (("store", "import", str(EXAMPLE), "--user", "nobody"), PASSWORD, "unknown user 'nobody'"),
        (
            ("store", "import", str(EXAMPLE), "--user", "admin"),
            PASSWORD,
            "the instance administrator manages accounts and cannot import a model",
        ),
        (("store", "list"), PASSWORD, "say who is acting"),
    ],
)
def test_bad_input_is_one_located_message_exit_2_and_writes_nothing(
    setup: Cli, args: tuple[str, ...], password: str, message: str
) -> None:
    before = audit_rows(setup)
    code, out, err = setup(*args, password=password)
    assert code == 2, out + err
    assert message in err
    assert "Traceback" not in out + err
    assert audit_rows(setup) == before


def test_a_bad_model_is_refused_with_located_problems_and_nothing_is_kept(
    setup: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "model.yaml"
    bad.write_text(EXAMPLE.read_text().replace("fiveguard: 1", "fiveguard: 7"))
    (tmp_path / "sites.csv").write_text((EXAMPLE.parent / "sites.csv").read_text())
    code, _, err = setup("store", "import", str(bad), "--org", "op-a", "--user", "alice")
    assert code == 2
    assert "model.yaml:3:12: fiveguard:" in err and "unsupported format version 7" in err
    assert setup("store", "list", "--user", "alice", "--json")[1].strip() == "[]"


def test_a_viewer_may_list_but_not_import(setup: Cli) -> None:
    assert (
        setup("user", "add", "vera", "--org", "op-a", "--role", "viewer", "--user", "admin")[0] == 0
    )
    code, _, err = setup("store", "import", str(EXAMPLE), "--user", "vera")
    assert code == 2 and "vera's role viewer in op-a does not allow to import a model" in err
    assert setup("store", "list", "--user", "vera")[0] == 0


def test_tokens_are_created_once_and_revoked(setup: Cli) -> None:
    assert (
        setup("user", "add", "olga", "--org", "op-a", "--role", "org-admin", "--user", "admin")[0]
        == 0
    )
    code, out, err = setup("token", "create", "ci", "--scope", "read", "--user", "olga")
    assert code == 0, err
    public_id = re.search(r"token (fgt_[0-9a-f]+)", out).group(1)  # type: ignore[union-attr]
    assert re.search(rf"^{public_id}\.\S+$", out, re.MULTILINE)
    code, _, err = setup("token", "create", "ci", "--scope", "manage", "--user", "olga")
    assert code == 2 and "--scope" in err
    assert setup("token", "revoke", public_id, "--user", "olga")[0] == 0
    code, _, err = setup("token", "revoke", public_id, "--user", "alice")
    assert code == 2


def test_a_database_that_cannot_be_reached_is_one_message(tmp_path: Path) -> None:
    run = Cli("postgresql://postgres@127.0.0.1:1/none")
    code, out, err = run("db", "status")
    assert code == 2 and "cannot reach the database" in err and "Traceback" not in out + err


def test_file_commands_work_with_no_database_at_all(tmp_path: Path) -> None:
    run = Cli(f"sqlite:///{tmp_path}/absent/fiveguard.db")
    code, _, err = run("validate", str(EXAMPLE))
    assert code == 0, err
    assert not (tmp_path / "absent").exists()


def test_passwords_are_kept_as_argon2id_hashes() -> None:
    from fiveguard.store.passwords import hash_password, password_matches

    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert password_matches(PASSWORD, stored) and not password_matches(PASSWORD + "x", stored)
