"""Ed25519 key pairs of organisations: generation, encrypted PKCS#8 private keys, key ids.

A key id is the SHA-256 of the canonical JSON of the public key's description
(``{"keytype": "ed25519", "keyval": {"public": HEX}, "scheme": "ed25519"}``), the rule
securesystemslib and TUF use, so the ids agree with theirs.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, model_validator

from fiveguard.domain.base import Identifier
from fiveguard.domain.errors import InputError
from fiveguard.exchange.jsonio import canonical

PUBLIC_HEX = r"^[0-9a-f]{64}$"
KEYID = r"^[0-9a-f]{64}$"
MIN_PASSPHRASE = 12
"""Shorter passphrases are refused: a stolen key file should not fall to a dictionary."""


def keyid_of(public_hex: str) -> str:
    """The key id of an Ed25519 public key given as 64 hexadecimal digits."""
    description = {"keytype": "ed25519", "keyval": {"public": public_hex}, "scheme": "ed25519"}
    return hashlib.sha256(canonical(description)).hexdigest()


def public_hex(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key as hexadecimal."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def public_key(public: str) -> Ed25519PublicKey:
    """An Ed25519 public key from its hexadecimal form (assumed checked by the caller)."""
    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))


class PublicKeyFile(BaseModel):
    """What ``fiveguard keys new`` writes beside the private key, to hand to a keyring
    administrator: whose key it is, and the key."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    organisation: Identifier
    keyid: str = Field(pattern=KEYID)
    keytype: Literal["ed25519"] = "ed25519"
    scheme: Literal["ed25519"] = "ed25519"
    public: str = Field(pattern=PUBLIC_HEX)

    @model_validator(mode="after")
    def _keyid_matches(self) -> PublicKeyFile:
        if keyid_of(self.public) != self.keyid:
            raise ValueError(
                f"keyid {self.keyid[:8]}… is not the key id of this public key "
                f"({keyid_of(self.public)[:8]}…)"
            )
        return self


def new_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 private key (from the operating system's random source)."""
    return Ed25519PrivateKey.generate()


def describe(organisation: str, key: Ed25519PrivateKey) -> PublicKeyFile:
    """The public half of ``key``, as a keyring administrator receives it."""
    public = public_hex(key.public_key())
    return PublicKeyFile(organisation=organisation, keyid=keyid_of(public), public=public)


def check_passphrase(passphrase: str, where: str) -> bytes:
    """The passphrase as bytes; a short one is a located problem."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError.at(
            f"passphrase too short: {len(passphrase)} characters; expected at least "
            f"{MIN_PASSPHRASE}",
            where,
        )
    return passphrase.encode("utf-8")


def private_pem(key: Ed25519PrivateKey, passphrase: bytes) -> bytes:
    """``key`` as PKCS#8 PEM, encrypted with ``passphrase`` (the best scheme available)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z ]+)-----")


def load_private_key(pem: bytes, passphrase: bytes, file: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from encrypted PKCS#8 PEM; every failure a located problem."""
    found = _PEM_BEGIN.search(pem)
    if found is None:
        raise InputError.at("not a PEM private key (no '-----BEGIN …-----' line)", file)
    if found.group(1) != b"ENCRYPTED PRIVATE KEY":
        raise InputError.at(
            f"expected an encrypted PKCS#8 key ('BEGIN ENCRYPTED PRIVATE KEY'), found "
            f"'BEGIN {found.group(1).decode()}'; fiveguard keeps private keys encrypted",
            file,
        )
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except ValueError:
        raise InputError.at(
            "cannot decrypt the private key: wrong passphrase (FIVEGUARD_KEY_PASSPHRASE) or a "
            "damaged file",
            file,
        ) from None
    except (TypeError, UnsupportedAlgorithm) as exc:
        raise InputError.at(f"cannot read the private key: {exc}", file) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError.at(
            f"expected an Ed25519 key, found {type(key).__name__.removeprefix('_')}", file
        )
    return key
