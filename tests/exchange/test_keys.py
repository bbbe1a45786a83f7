"""Key pairs: encrypted PKCS#8 PEM, passphrases, and located failures."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

from fiveguard.domain.errors import InputError
from fiveguard.exchange import keys

PASS = b"correct horse battery"


def test_private_key_round_trips_encrypted() -> None:
    key = keys.new_key()
    pem = keys.private_pem(key, PASS)
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = keys.load_private_key(pem, PASS, "k.pem")
    assert keys.public_hex(loaded.public_key()) == keys.public_hex(key.public_key())


def test_wrong_passphrase_is_a_located_problem() -> None:
    pem = keys.private_pem(keys.new_key(), PASS)
    with pytest.raises(InputError, match=r"^k.pem: cannot decrypt the private key: wrong"):
        keys.load_private_key(pem, b"wrong passphrase!", "k.pem")


def test_unencrypted_key_is_refused() -> None:
    pem = keys.new_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(InputError, match="expected an encrypted PKCS#8 key"):
        keys.load_private_key(pem, PASS, "k.pem")


def test_other_algorithms_are_refused() -> None:
    pem = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASS),
    )
    with pytest.raises(InputError, match="expected an Ed25519 key, found EC"):
        keys.load_private_key(pem, PASS, "k.pem")


def test_not_pem_is_refused() -> None:
    with pytest.raises(InputError, match="not a PEM private key"):
        keys.load_private_key(b"hello", PASS, "k.pem")


def test_short_passphrase_is_refused() -> None:
    with pytest.raises(InputError, match="passphrase too short: 5 characters"):
        keys.check_passphrase("short", "FIVEGUARD_KEY_PASSPHRASE")


def test_public_key_file_checks_its_keyid() -> None:
    described = keys.describe("XA-NCA", keys.new_key())
    with pytest.raises(ValueError, match="is not the key id of this public key"):
        keys.PublicKeyFile(organisation="XA-NCA", keyid="0" * 64, public=described.public)
