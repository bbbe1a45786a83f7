"""DSSE, the in-toto signing envelope: payload, payload type and signatures.

Signatures are over the pre-authentication encoding (PAE)::

    "DSSEv1" SP len(type) SP type SP len(payload) SP payload

so the payload type is signed with the payload and neither can be swapped alone. The
envelope's JSON is ``{"payload": base64, "payloadType": text, "signatures": [{"keyid":
hex, "sig": base64}]}``; fiveguard writes it in RFC 8785 form with standard padded
base64, and reads only that form (the tests check it byte for byte against
securesystemslib, the reference implementation).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.exchange.jsonio import canonical, parse_strict, require_canonical

PAYLOAD_TYPE_INTOTO = "application/vnd.in-toto+json"
"""The payload type of an in-toto Statement."""

KEYID_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_SIGNATURES = 32
"""More signatures than any organisation's threshold needs is refused as malformed."""
ED25519_SIGNATURE_BYTES = 64


def pae(payload_type: str, payload: bytes) -> bytes:
    """The pre-authentication encoding DSSE signs."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


@dataclass(frozen=True)
class Signature:
    """One signature: the key id it claims and the raw signature bytes."""

    keyid: str
    sig: bytes


@dataclass(frozen=True)
class Envelope:
    """A DSSE envelope."""

    payload: bytes
    payload_type: str
    signatures: tuple[Signature, ...] = ()

    def signed_bytes(self) -> bytes:
        """What each signature covers: :func:`pae` of the payload type and payload."""
        return pae(self.payload_type, self.payload)

    def to_data(self) -> dict[str, Any]:
        """The envelope as JSON data (standard padded base64)."""
        return {
            "payload": b64encode(self.payload),
            "payloadType": self.payload_type,
            "signatures": [{"keyid": s.keyid, "sig": b64encode(s.sig)} for s in self.signatures],
        }

    def to_json(self) -> bytes:
        """The envelope in RFC 8785 form, with a final newline: the bytes fiveguard writes."""
        return canonical(self.to_data()) + b"\n"

    def with_signature(self, signature: Signature) -> Envelope:
        """The envelope with one more signature (replacing one by the same key)."""
        kept = tuple(s for s in self.signatures if s.keyid != signature.keyid)
        return Envelope(self.payload, self.payload_type, (*kept, signature))


def sign_envelope(envelope: Envelope, key: Ed25519PrivateKey, keyid: str) -> Envelope:
    """``envelope`` with an Ed25519 signature by ``key`` over its PAE added."""
    return envelope.with_signature(Signature(keyid, key.sign(envelope.signed_bytes())))


def signature_valid(public: Ed25519PublicKey, signature: Signature, signed: bytes) -> bool:
    """Whether ``signature`` is ``public``'s Ed25519 signature of ``signed``."""
    try:
        public.verify(signature.sig, signed)
    except InvalidSignature:
        return False
    return True


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(text: str) -> bytes | None:
    """Standard padded base64 in its only canonical spelling, else None (so two different
    texts never decode to the same bytes)."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return data if b64encode(data) == text else None


def read_envelope(raw: bytes, file: str, limit: int) -> Envelope:
    """Parse an envelope file: strict JSON in canonical form, exactly DSSE's fields."""
    data = parse_strict(raw, file, limit)
    envelope = envelope_from_data(data, file)
    require_canonical(raw, data, file)
    return envelope


def envelope_from_data(data: Any, file: str) -> Envelope:
    """An envelope from parsed JSON; every deviation from DSSE's shape is a located problem."""
    problems: list[Problem] = []

    def bad(path: str, message: str) -> None:
        problems.append(Problem(Location(file, path=path or None), message))

    if not isinstance(data, dict):
        raise InputError.at(
            "expected a DSSE envelope: an object with payload, payloadType and signatures", file
        )
    expected = {"payload", "payloadType", "signatures"}
    for key in sorted(set(data) - expected):
        bad(key, "unknown field of a DSSE envelope; expected payload, payloadType, signatures")
    for key in sorted(expected - set(data)):
        bad(key, "missing; a DSSE envelope has payload, payloadType and signatures")
    payload = b""
    if isinstance(data.get("payload"), str):
        decoded = b64decode_strict(data["payload"])
        if decoded is None:
            bad("payload", "expected standard padded base64")
        payload = decoded or b""
    elif "payload" in data:
        bad("payload", "expected a base64 string")
    kind = data.get("payloadType")
    if "payloadType" in data and not (isinstance(kind, str) and kind):
        bad("payloadType", "expected a non-empty string")
    signatures = _signatures(data.get("signatures"), "signatures" in data, bad)
    if problems:
        raise InputError(problems)
    return Envelope(payload, str(kind), signatures)


def _signatures(raw: Any, present: bool, bad: Any) -> tuple[Signature, ...]:
    if not present:
        return ()
    if not isinstance(raw, list):
        bad("signatures", "expected a list of {keyid, sig}")
        return ()
    if len(raw) > MAX_SIGNATURES:
        bad("signatures", f"{len(raw)} signatures; expected at most {MAX_SIGNATURES}")
        return ()
    out: list[Signature] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        where = f"signatures[{i}]"
        if not isinstance(item, dict) or set(item) != {"keyid", "sig"}:
            bad(where, "expected exactly {keyid, sig}")
            continue
        keyid, sig = item["keyid"], item["sig"]
        if not (isinstance(keyid, str) and KEYID_RE.match(keyid)):
            bad(f"{where}.keyid", "expected a key id: 64 lower-case hexadecimal digits")
            continue
        if keyid in seen:
            bad(f"{where}.keyid", f"key {keyid[:8]}… signs twice; expected one signature per key")
            continue
        seen.add(keyid)
        decoded = b64decode_strict(sig) if isinstance(sig, str) else None
        if decoded is None or len(decoded) != ED25519_SIGNATURE_BYTES:
            bad(f"{where}.sig", "expected an Ed25519 signature: 64 bytes in padded base64")
            continue
        out.append(Signature(keyid, decoded))
    return tuple(out)


def unsigned(payload: bytes, payload_type: str = PAYLOAD_TYPE_INTOTO) -> Envelope:
    """An envelope with no signature yet."""
    return Envelope(payload, payload_type, ())


def signed_by(envelope: Envelope) -> Sequence[str]:
    """The key ids the envelope's signatures claim."""
    return [s.keyid for s in envelope.signatures]
