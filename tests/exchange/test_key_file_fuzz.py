"""Fuzzing the readers of key files: an organisation's encrypted private key (PKCS#8 PEM)
and the public key file handed to a keyring administrator. Whatever the bytes, the reader
gives the key or located problems, never a traceback; a changed public key file never
passes for another key."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_exchange_fuzz import mutated

from fiveguard.cli.keyring import read_public
from fiveguard.domain.errors import InputError
from fiveguard.exchange import keys

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PASS = b"correct horse battery"
KEY = keys.new_key()
PEM = keys.private_pem(KEY, PASS)
PUBLIC = keys.describe("XS-NCA", KEY)
PUBLIC_JSON = json.dumps(PUBLIC.model_dump(mode="json"), indent=2).encode()


def _located(exc: InputError, name: str) -> None:
    assert exc.problems
    for problem in exc.problems:
        assert problem.location.file == name, problem
        assert problem.message, problem


@FUZZ
@given(mutated(PEM))
def test_mutated_private_key_files(raw: bytes) -> None:
    try:
        key = keys.load_private_key(raw, PASS, "XS-NCA.key")
    except InputError as exc:
        _located(exc, "XS-NCA.key")
        return
    if keys.public_hex(key.public_key()) == PUBLIC.public:
        return  # PEM tolerates some edits (whitespace, text outside the armour)
    # Encrypted PKCS#8 has no integrity check: a damaged cipher block can decrypt to another
    # valid key. It must never pass for the organisation's key: its signatures fail under
    # the public key the keyring holds (so export and verification refuse them).
    signature = key.sign(b"statement")
    with pytest.raises(InvalidSignature):
        KEY.public_key().verify(signature, b"statement")


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_a_private_key(raw: bytes) -> None:
    try:
        keys.load_private_key(raw, PASS, "XS-NCA.key")
    except InputError as exc:
        _located(exc, "XS-NCA.key")
        return
    raise AssertionError("random bytes were read as a private key")


@FUZZ
@given(mutated(PUBLIC_JSON))
def test_mutated_public_key_files(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "XS-NCA.pub.json"
        path.write_bytes(raw)
        try:
            read = read_public(path)
        except InputError as exc:
            _located(exc, str(path))
            return
    # whatever was read holds together: its key id is its public key's
    assert read.keyid == keys.keyid_of(read.public)
    if read.public != PUBLIC.public:
        assert read.keyid != PUBLIC.keyid
