"""Every kind of bad input to ``fiveguard exchange verify`` and ``reshare``, as a user
meets it on the command line: one or more located messages, exit code 2, no traceback,
and nothing written — no state file created or changed, no envelope made."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from exchange_helpers import (
    T0,
    T_END,
    Ring,
    Signer,
    addressing,
    export_envelope,
    make_ring,
    sign_payload,
)
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401  (registers the commands)
from fiveguard.cli.app import app
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.exchange import keyring_edit, keys
from fiveguard.exchange.jsonio import canonical
from fiveguard.exchange.keyring import KeyringFile, KeyStatus, Organisation, keyring_json

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PASS = "test passphrase, not a secret"
ENVELOPE = "xs.dsse.json"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"FIVEGUARD_KEY_PASSPHRASE": PASS})
    return result.exit_code, ANSI.sub("", result.stdout + result.stderr)


def _signed(ring: Ring, keyring: KeyringFile) -> KeyringFile:
    for root in ring.signers["root"]:
        keyring, _ = keyring_edit.sign_keyring(keyring, root.key, root.keyid)
    return keyring


def _revoked(ring: Ring) -> KeyringFile:
    victim = ring.first("XS-NCA")
    changed, _ = keyring_edit.change_status(
        ring.keyring,
        victim.keyid,
        KeyStatus.REVOKED,
        dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        "laptop stolen",
    )
    return _signed(ring, changed)


def _expired(ring: Ring) -> KeyringFile:
    """The same organisations and keys, XS-NCA's keys valid only until May 2026."""
    root = ring.first("root")
    keyring = keyring_edit.new_keyring([root.public], 1, T0, T_END)
    org = Organisation(
        id="XS-NCA", name="XS", kind=OrganisationKind.NATIONAL_AUTHORITY, country="XS", threshold=2
    )
    keyring, _ = keyring_edit.add_organisation(keyring, org, T0)
    for s in ring.signers["XS-NCA"]:
        until = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
        keyring, _ = keyring_edit.add_key(keyring, "XS-NCA", s.public, T0, until, T0)
    eu = Organisation(id="EU-COORD", name="EU", kind=OrganisationKind.EU_COORDINATOR, threshold=1)
    keyring, _ = keyring_edit.add_organisation(keyring, eu, T0)
    keyring, _ = keyring_edit.add_key(keyring, "EU-COORD", ring.first("EU-COORD").public, T0, T_END, T0)  # fmt: skip
    return _signed(ring, keyring)


def _flip(raw: bytes) -> bytes:
    out = bytearray(raw)
    middle = raw.index(b'"payload"') + 400
    out[middle] = ord("A") if out[middle] != ord("A") else ord("B")
    return bytes(out)


def _unsigned(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["signatures"] = []
    return canonical(data)


def _duplicate_key(raw: bytes) -> bytes:
    return raw.replace(b'"payloadType":', b'"payloadType":"x","payloadType":', 1)


def _without_sequence(raw: bytes, signers: list[Signer]) -> bytes:
    statement = json.loads(base64.b64decode(json.loads(raw)["payload"]))
    del statement["predicate"]["sequence"]
    return sign_payload(canonical(statement), signers)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue, small_model: NetworkModel
) -> tuple[Path, bytes, Ring]:
    ring = make_ring({"XS-NCA": 2, "XA-NCA": 1, "EU-COORD": 1})
    folder = tmp_path_factory.mktemp("refusals")
    (folder / "ring.json").write_bytes(keyring_json(ring.keyring))
    (folder / "other-ring.json").write_bytes(keyring_json(make_ring({"XS-NCA": 2}).keyring))
    (folder / "revoked-ring.json").write_bytes(keyring_json(_revoked(ring)))
    (folder / "expired-ring.json").write_bytes(keyring_json(_expired(ring)))
    eu = ring.first("EU-COORD")
    (folder / "eu.key").write_bytes(keys.private_pem(eu.key, PASS.encode()))
    envelope = export_envelope(small_model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA"))
    red = export_envelope(
        small_model, catalogue, ring.signers["XS-NCA"], addressing("XS-NCA", tlp=Tlp.RED)
    )
    (folder / "red.dsse.json").write_bytes(red)
    return folder, envelope, ring


CASES: dict[str, tuple[Callable[[bytes, Ring], bytes], str, str, str]] = {
    # case: (envelope from the good one, keyring file, --as, expected message part)
    "tampered": (lambda e, r: _flip(e), "ring.json", "EU-COORD", "does not verify"),
    "truncated": (lambda e, r: e[: len(e) // 2], "ring.json", "EU-COORD", "JSON syntax error"),
    "unsigned": (lambda e, r: _unsigned(e), "ring.json", "EU-COORD", "unsigned"),
    "wrong keyring": (lambda e, r: e, "other-ring.json", "EU-COORD", "not a key of any"),
    "revoked key": (lambda e, r: e, "revoked-ring.json", "EU-COORD", "revoked on 2026-03-01"),
    "expired key": (lambda e, r: e, "expired-ring.json", "EU-COORD", "expired on 2026-05-01"),
    "not a recipient": (lambda e, r: e, "ring.json", "XA-NCA", "XA-NCA is not a recipient"),
    "duplicate keys": (lambda e, r: _duplicate_key(e), "ring.json", "EU-COORD", "appears twice"),
    "schema": (
        lambda e, r: _without_sequence(e, r.signers["XS-NCA"]),
        "ring.json",
        "EU-COORD",
        "payload.predicate.sequence: missing",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_bad_envelope_is_refused_located_and_writes_nothing(
    world: tuple[Path, bytes, Ring], tmp_path: Path, case: str
) -> None:
    folder, envelope, ring = world
    change, keyring, reader, expected = CASES[case]
    path = tmp_path / ENVELOPE
    path.write_bytes(change(envelope, ring))
    state = tmp_path / "state.json"
    code, out = _run(
        "exchange", "verify", str(path), "--keyring", str(folder / keyring),
        "--as", reader, "--state", str(state),
    )  # fmt: skip
    assert code == 2, out
    assert expected in out and "Traceback" not in out
    problems = [line for line in out.splitlines() if line and not line.startswith("error:")]
    assert problems and all(line.startswith(str(path)) for line in problems), out
    assert not state.exists() and sorted(tmp_path.iterdir()) == [path]


def test_the_untouched_envelope_is_accepted_and_recorded(
    world: tuple[Path, bytes, Ring], tmp_path: Path
) -> None:
    folder, envelope, _ = world
    path = tmp_path / ENVELOPE
    path.write_bytes(envelope)
    state = tmp_path / "state.json"
    args = ["exchange", "verify", str(path), "--keyring", str(folder / "ring.json")]
    code, out = _run(*args, "--as", "EU-COORD", "--state", str(state))
    assert code == 0, out
    before = state.read_bytes()
    code, out = _run(*args, "--as", "EU-COORD", "--state", str(state))
    assert code == 2 and "a replay or an older bundle" in out and "Traceback" not in out
    assert state.read_bytes() == before


def test_red_onward_is_refused_and_no_envelope_is_made(
    world: tuple[Path, bytes, Ring], tmp_path: Path
) -> None:
    folder, _, _ = world
    out_file = tmp_path / "onward.dsse.json"
    code, out = _run(
        "exchange", "reshare", str(folder / "red.dsse.json"), "--keyring",
        str(folder / "ring.json"), "--as", "EU-COORD", "--key", str(folder / "eu.key"),
        "--to", "XA-NCA", "--out", str(out_file),
    )  # fmt: skip
    assert code == 2, out
    assert "TLP:RED" in out and "Traceback" not in out
    assert not out_file.exists() and list(tmp_path.iterdir()) == []
