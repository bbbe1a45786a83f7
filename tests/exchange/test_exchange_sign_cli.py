"""``fiveguard exchange sign``: signatures over exactly the payload of an envelope made
elsewhere (the web outbox's unsigned envelope), those already there kept; a damaged
envelope is refused with a located message and exit code 2, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.exchange import keys
from fiveguard.exchange.dsse import read_envelope, signature_valid, unsigned

PASS = "test passphrase, not a secret"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIVEGUARD_KEY_PASSPHRASE", PASS)


def key_file(directory: Path, name: str) -> tuple[Path, Ed25519PrivateKey]:
    key = keys.new_key()
    path = directory / f"{name}.key"
    path.write_bytes(keys.private_pem(key, PASS.encode()))
    return path, key


def sign(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["exchange", "sign", *args])
    return result.exit_code, ANSI.sub("", result.output)


def test_two_signatures_over_the_same_payload_one_call_after_another(tmp_path: Path) -> None:
    prepared = tmp_path / "unsigned.dsse.json"
    prepared.write_bytes(unsigned(b'{"a":1}').to_json())
    first_key, first = key_file(tmp_path, "one")
    second_key, second = key_file(tmp_path, "two")
    once = tmp_path / "once.dsse.json"
    code, out = sign(str(prepared), "--key", str(first_key), "--out", str(once))
    assert code == 0 and "1 signature(s)" in out, out
    twice = tmp_path / "twice.dsse.json"
    code, out = sign(str(once), "--key", str(second_key), "--out", str(twice))
    assert code == 0 and "2 signature(s)" in out, out
    envelope = read_envelope(twice.read_bytes(), "twice", 1 << 20)
    assert envelope.payload == b'{"a":1}'
    publics = [first.public_key(), second.public_key()]
    for signature, public in zip(envelope.signatures, publics, strict=True):
        assert signature_valid(public, signature, envelope.signed_bytes())


def test_a_damaged_envelope_is_refused_located_and_nothing_written(tmp_path: Path) -> None:
    damaged = tmp_path / "unsigned.dsse.json"
    damaged.write_bytes(b'{"payload": "eyJ9", "payloadType": "x", "signatures": []}')
    key, _ = key_file(tmp_path, "one")
    out = tmp_path / "signed.dsse.json"
    code, text = sign(str(damaged), "--key", str(key), "--out", str(out))
    assert code == 2 and "unsigned.dsse.json" in text and "Traceback" not in text
    assert not out.exists()
