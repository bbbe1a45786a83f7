"""Signed audit checkpoints: the Merkle root of the audit chain signed with the
organisation's Ed25519 key (the exchange's keys, as a DSSE signature over the
checkpoint's RFC 8785 statement), and checked against the keyring.

The organisation's name in the record is its id in the keyring. A signature holds when
its key belongs to the checkpoint's organisation, was valid when the checkpoint was made
(not before its window, not after it expired, retired or was revoked; never when revoked
as compromised) and verifies.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.exchange.dsse import pae
from fiveguard.exchange.keyring import VerifiedKeyring
from fiveguard.exchange.keys import public_key
from fiveguard.store import audit
from fiveguard.store.access import require
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import AuditCheckpoint

CHECKPOINT_PAYLOAD_TYPE = "application/vnd.fiveguard.audit-checkpoint+json"
"""The DSSE payload type a checkpoint signature is made under (so a signature over a
checkpoint can never be taken for one over an exchange envelope, and back)."""


@dataclass
class KeySigner:
    """An organisation's Ed25519 key, signing checkpoints (see :class:`audit.Signer`)."""

    key_id: str
    key: Ed25519PrivateKey

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(pae(CHECKPOINT_PAYLOAD_TYPE, message))


def signed_checkpoint(
    session: Session,
    principal: Principal,
    signer: KeySigner,
    keyring: VerifiedKeyring | None = None,
) -> AuditCheckpoint:
    """Store a checkpoint signed by the principal's organisation (its signing officer).
    With ``keyring``, the key is checked first to be the organisation's and valid now."""
    require(principal, Action.SIGN, "sign a checkpoint")
    if keyring is not None:
        owner = keyring.current.key_owner(signer.key_id)
        if owner is None or owner[0].id != principal.organisation:
            held = f"{owner[0].id}'s" if owner else "not in the keyring"
            raise InputError.at(
                f"key {signer.key_id[:8]}… is {held}, not a key of {principal.organisation}: "
                "sign with your organisation's key",
                COMMAND_LINE,
                path="--key",
            )
        why = owner[1].refusal_at(dt.datetime.now(dt.UTC))
        if why is not None:
            raise InputError.at(
                f"key {signer.key_id[:8]}… is {why.replace(', before issued_at', '')}",
                COMMAND_LINE,
                path="--key",
            )
    return audit.create_checkpoint(session, principal, signer)


def keyring_check(keyring: VerifiedKeyring) -> audit.SignatureCheck:
    """The check of checkpoint signatures against ``keyring`` (its version in force)."""
    ring = keyring.current

    def check(key_id: str, message: bytes, signature: bytes) -> str | None:
        statement = json.loads(message)
        owner = ring.key_owner(key_id)
        if owner is None:
            return f"its key {key_id[:8]}… is not in the keyring (version {ring.version})"
        org, key = owner
        if org.id != statement["organisation"]:
            return f"its key {key_id[:8]}… is {org.id}'s, not {statement['organisation']}'s"
        at = dt.datetime.fromisoformat(str(statement["at"]).replace("Z", "+00:00"))
        why = key.refusal_at(at)
        if why is not None:
            return f"its key {key_id[:8]}…: {why.replace('issued_at', 'the checkpoint')}"
        try:
            public_key(key.public).verify(signature, pae(CHECKPOINT_PAYLOAD_TYPE, message))
        except InvalidSignature:
            return (
                f"its signature does not verify with key {key_id[:8]}…: the checkpoint was "
                "changed after it was signed"
            )
        return None

    return check
