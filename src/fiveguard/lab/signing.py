"""Signing and verifying lab attestations, behind a small interface.

A :class:`Signer` turns payload bytes into a DSSE envelope (Ed25519 signatures over the
pre-authentication encoding); a :class:`Verifier` returns the organisation whose keys
signed an envelope, or refuses it with located problems. The exchange between member
states brings the keyring (organisations, keys with validity windows, revocation, signed
by root keys); until lab attestations are wired to it, :class:`KeyFileSigner` signs with a
PKCS#8 private key file and :class:`TrustListVerifier` trusts the public keys listed in a
file, each in the form ``fiveguard keys new`` writes (``organisation``, ``keyid``,
``public``). Key ids follow securesystemslib and TUF: the SHA-256 of the canonical JSON of
the key's description.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fiveguard.domain.errors import InputError, Location, Problem

PAYLOAD_TYPE = "application/vnd.in-toto+json"
"""The payload type of an in-toto Statement."""
MAX_ENVELOPE_BYTES = 16 * 1024 * 1024
"""An attestation of an evaluation with every test case is well under a megabyte."""
ED25519_SIGNATURE_BYTES = 64
MAX_SIGNATURES = 32
KEYID = re.compile(r"[0-9a-f]{64}")


def canonical(value: Any) -> bytes:
    """``value`` serialised by RFC 8785 (the JSON Canonicalization Scheme)."""
    return rfc8785.dumps(value)


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding, what every signature covers."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


def keyid_of(public_hex: str) -> str:
    """The key id of an Ed25519 public key given as 64 hexadecimal digits."""
    description = {"keytype": "ed25519", "keyval": {"public": public_hex}, "scheme": "ed25519"}
    return hashlib.sha256(canonical(description)).hexdigest()


@dataclass(frozen=True)
class Envelope:
    """A DSSE envelope: the payload, its type, and (key id, signature) pairs."""

    payload: bytes
    payload_type: str
    signatures: tuple[tuple[str, bytes], ...]

    def to_json(self) -> bytes:
        """The envelope in RFC 8785 form with standard padded base64, and a newline."""
        data = {
            "payload": base64.b64encode(self.payload).decode("ascii"),
            "payloadType": self.payload_type,
            "signatures": [
                {"keyid": k, "sig": base64.b64encode(s).decode("ascii")} for k, s in self.signatures
            ],
        }
        return canonical(data) + b"\n"


@dataclass(frozen=True)
class Signed:
    """Who signed an envelope: the organisation and the keys whose signatures verified."""

    organisation: str
    keyids: tuple[str, ...]


class Signer(Protocol):
    """Signs payloads for one organisation."""

    @property
    def organisation(self) -> str: ...

    def sign(self, payload: bytes, payload_type: str = PAYLOAD_TYPE) -> Envelope: ...


class Verifier(Protocol):
    """Says which organisation signed an envelope, or raises InputError saying why not."""

    def verify(self, envelope: Envelope, file: str) -> Signed: ...


# ---------------------------------------------------------------------------- envelopes


def _b64(text: Any) -> bytes | None:
    """Standard padded base64 in its only canonical spelling, else None."""
    if not isinstance(text, str):
        return None
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def read_envelope(raw: bytes, file: str) -> Envelope:
    """An envelope from its bytes: bounded, UTF-8 JSON, exactly DSSE's fields."""
    if len(raw) > MAX_ENVELOPE_BYTES:
        raise InputError.at(f"too large: {len(raw):,} bytes (limit {MAX_ENVELOPE_BYTES:,})", file)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse)
    except UnicodeDecodeError as exc:
        raise InputError.at(f"not UTF-8 text (byte {exc.start})", file) from None
    except json.JSONDecodeError as exc:
        raise InputError.at(
            f"JSON syntax error: {exc.msg}", file, line=exc.lineno, col=exc.colno
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputError.at(f"not a DSSE envelope: {exc}", file) from None
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(Location(file, path=path or None), message))

    if not isinstance(data, dict) or set(data) != {"payload", "payloadType", "signatures"}:
        raise InputError.at(
            "expected a DSSE envelope: an object with exactly payload, payloadType, signatures",
            file,
        )
    payload = _b64(data["payload"])
    if payload is None:
        bad("payload", "expected standard padded base64")
    kind = data["payloadType"]
    if not isinstance(kind, str) or not kind:
        bad("payloadType", "expected a non-empty string")
    signatures = _signatures(data["signatures"], bad)
    if problems or payload is None or not isinstance(kind, str):
        raise InputError(problems)
    return Envelope(payload, kind, signatures)


def _refuse(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _signatures(raw: Any, bad: Any) -> tuple[tuple[str, bytes], ...]:
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_SIGNATURES:
        bad("signatures", f"expected 1 to {MAX_SIGNATURES} signatures {{keyid, sig}}")
        return ()
    out = []
    for i, item in enumerate(raw):
        where = f"signatures[{i}]"
        if not isinstance(item, dict) or set(item) != {"keyid", "sig"}:
            bad(where, "expected exactly {keyid, sig}")
            continue
        keyid, sig = item["keyid"], _b64(item["sig"])
        if not isinstance(keyid, str) or not KEYID.fullmatch(keyid):
            bad(f"{where}.keyid", "expected a key id: 64 lower-case hexadecimal digits")
        elif sig is None or len(sig) != ED25519_SIGNATURE_BYTES:
            bad(f"{where}.sig", "expected an Ed25519 signature: 64 bytes in padded base64")
        else:
            out.append((keyid, sig))
    return tuple(out)


# ---------------------------------------------------------------------------- key files


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def load_private_key(pem: bytes, passphrase: bytes | None, file: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PKCS#8 PEM file (encrypted when ``passphrase``)."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except TypeError:
        why = "it is encrypted: give its passphrase" if passphrase is None else "not encrypted"
        raise InputError.at(f"cannot read the private key: {why}", file) from None
    except (ValueError, UnsupportedAlgorithm):
        raise InputError.at(
            "cannot read the private key: not a PKCS#8 PEM key, or a wrong passphrase", file
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError.at("expected an Ed25519 private key", file)
    return key


class KeyFileSigner:
    """Signs with one Ed25519 private key for ``organisation``."""

    def __init__(self, organisation: str, key: Ed25519PrivateKey) -> None:
        self._organisation = organisation
        self._key = key
        self.keyid = keyid_of(public_hex(key.public_key()))

    @property
    def organisation(self) -> str:
        return self._organisation

    def sign(self, payload: bytes, payload_type: str = PAYLOAD_TYPE) -> Envelope:
        signature = self._key.sign(pae(payload_type, payload))
        return Envelope(payload, payload_type, ((self.keyid, signature),))


@dataclass(frozen=True)
class TrustedKey:
    """A public key trusted to sign for an organisation."""

    organisation: str
    public: str


class TrustListVerifier:
    """Accepts envelopes signed by one organisation's listed keys (key id → key)."""

    def __init__(self, keys: Mapping[str, TrustedKey]) -> None:
        self.keys = dict(keys)

    def verify(self, envelope: Envelope, file: str) -> Signed:
        problems = []
        valid: dict[str, list[str]] = {}
        signed = pae(envelope.payload_type, envelope.payload)
        for i, (keyid, sig) in enumerate(envelope.signatures):
            where = Location(file, path=f"signatures[{i}]")
            trusted = self.keys.get(keyid)
            if trusted is None:
                problems.append(Problem(where, f"key {keyid[:8]}… is not a trusted key"))
                continue
            public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(trusted.public))
            try:
                public.verify(sig, signed)
            except InvalidSignature:
                problems.append(
                    Problem(
                        where,
                        f"signature by key {keyid[:8]}… ({trusted.organisation}) does not "
                        "verify: the envelope was changed after it was signed",
                    )
                )
                continue
            valid.setdefault(trusted.organisation, []).append(keyid)
        if len(valid) > 1:
            problems.append(
                Problem(
                    Location(file, path="signatures"),
                    f"signed by {len(valid)} organisations; an attestation has one issuer",
                )
            )
        if problems or not valid:
            raise InputError(problems or [Problem(Location(file), "no valid signature")])
        organisation, keyids = next(iter(valid.items()))
        return Signed(organisation, tuple(keyids))
