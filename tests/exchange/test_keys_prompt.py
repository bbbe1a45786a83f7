"""``fiveguard keys new`` in a terminal without FIVEGUARD_KEY_PASSPHRASE: the passphrase
is asked for twice, hidden; a mismatch is asked again, a short one refused with nothing
written, and the key written is encrypted with the passphrase typed."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.domain.errors import InputError
from fiveguard.exchange import keys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TYPED = "a passphrase typed at the prompt"


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIVEGUARD_KEY_PASSPHRASE", raising=False)
    tty = SimpleNamespace(isatty=lambda: True)
    monkeypatch.setattr("fiveguard.cli.keys.sys", SimpleNamespace(stdin=tty))


def _keys_new(out: Path, typed: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["keys", "new", "XA-NCA", "--out", str(out)], input=typed)
    return result.exit_code, ANSI.sub("", result.stdout + result.stderr)


def test_the_passphrase_is_asked_twice_and_encrypts_the_key(tmp_path: Path) -> None:
    code, out = _keys_new(tmp_path, f"{TYPED}\nnot the same one at all\n{TYPED}\n{TYPED}\n")
    assert code == 0, out
    assert out.count("Key passphrase") >= 2 and TYPED not in out
    (private,) = tmp_path.glob("XA-NCA-*.key")
    key = keys.load_private_key(private.read_bytes(), TYPED.encode(), str(private))
    with pytest.raises(InputError, match="wrong passphrase"):
        keys.load_private_key(private.read_bytes(), b"not the same one at all", str(private))
    assert (tmp_path / f"{private.stem}.pub.json").exists()
    assert keys.public_hex(key.public_key()) in (tmp_path / f"{private.stem}.pub.json").read_text()


def test_a_short_passphrase_at_the_prompt_writes_nothing(tmp_path: Path) -> None:
    code, out = _keys_new(tmp_path / "k", "short\nshort\n")
    assert code == 2, out
    assert "prompt: passphrase too short: 5 characters; expected at least 12" in out
    assert "Traceback" not in out and not (tmp_path / "k").exists()
