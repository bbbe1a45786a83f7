"""``fiveguard keys new`` and ``fiveguard keyring …`` as an authority runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PASS = "test passphrase, not a secret"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, ANSI.sub("", result.stdout), ANSI.sub("", result.stderr)


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGUARD_KEY_PASSPHRASE", PASS)


def new_key(org: str, out: Path) -> tuple[Path, Path]:
    code, _, err = run("keys", "new", org, "--out", str(out))
    assert code == 0, err
    private = sorted(out.glob(f"{org}-*.key"))[-1]
    return private, private.with_name(private.name.removesuffix(".key") + ".pub.json")


def test_keys_new_writes_an_encrypted_private_key_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    private, public = new_key("XA-NCA", tmp_path)
    assert private.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert private.stat().st_mode & 0o777 == 0o600
    assert '"organisation": "XA-NCA"' in public.read_text()


def test_keys_new_without_a_passphrase_exits_2_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIVEGUARD_KEY_PASSPHRASE")
    code, _, err = run("keys", "new", "XA-NCA", "--out", str(tmp_path / "k"))
    assert code == 2
    assert "no passphrase for the private key: set FIVEGUARD_KEY_PASSPHRASE" in err
    assert not (tmp_path / "k").exists()


def test_a_keyring_is_created_signed_changed_and_verified(tmp_path: Path) -> None:
    ring = tmp_path / "ring.json"
    root_private, root_public = new_key("EU-root", tmp_path)
    _, xa_public = new_key("XA-NCA", tmp_path)
    steps = [
        ("keyring", "init", str(ring), "--root", str(root_public)),
        ("keyring", "add-org", str(ring), "XA-NCA", "--name", "Xandria NCA", "--kind",
         "national-authority", "--country", "XA"),
        ("keyring", "add-key", str(ring), str(xa_public), "--org", "XA-NCA"),
    ]  # fmt: skip
    for step in steps:
        code, _, err = run(*step)
        assert code == 0, err
    code, _, err = run("keyring", "verify", str(ring))
    assert code == 2
    assert "version 1 is a draft, not in force: version 1 has 0 of the 1 signatures" in err
    code, out, err = run("keyring", "sign", str(ring), "--key", str(root_private))
    assert code == 0, err
    code, out, err = run("keyring", "verify", str(ring))
    assert code == 0, err
    assert "version 1 in force" in out and "XA-NCA (national-authority, XA)" in out
    keyid = xa_public.name.split("-")[2].split(".")[0]
    code, out, err = run(
        "keyring", "revoke", str(ring), keyid, "--reason", "laptop stolen", "--at", "2026-05-02"
    )
    assert code == 0, err
    assert "started draft version 2" in out
    code, out, _ = run("keyring", "verify", str(ring))
    assert code == 0 and "note: version 2 is a draft, not in force" in out


def test_bad_kind_is_a_located_problem(tmp_path: Path) -> None:
    ring = tmp_path / "ring.json"
    _, root_public = new_key("EU-root", tmp_path)
    run("keyring", "init", str(ring), "--root", str(root_public))
    before = ring.read_bytes()
    code, _, err = run("keyring", "add-org", str(ring), "XA", "--name", "X", "--kind", "ministry")
    assert code == 2
    assert "command line: kind: Input should be 'national-authority', 'operator'" in err
    assert ring.read_bytes() == before
