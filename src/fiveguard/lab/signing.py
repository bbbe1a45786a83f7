"""Signing and verifying lab attestations under the exchange's keyring.

A lab takes part in the exchange as an organisation of kind ``evaluation-lab``: its keys,
their validity windows, revocations and its signing threshold are in the same signed
keyring as the national authorities', and its attestations are the same DSSE envelopes
(:mod:`fiveguard.exchange.dsse`). :func:`lab_signer` checks, before anything is signed,
that the organisation is a lab of the keyring and its keys may sign now;
:func:`verify_signatures` applies the exchange's signature rules
(:func:`fiveguard.exchange.verify.check_signatures`: keys of the keyring in force, valid at
the attestation's ``issued_at`` and not revoked before it, one organisation, its threshold
met) and then requires that organisation to be an evaluation lab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem
from fiveguard.domain.parties import OrganisationKind
from fiveguard.exchange.dsse import PAYLOAD_TYPE_INTOTO, Envelope, sign_envelope, unsigned
from fiveguard.exchange.dsse import read_envelope as read_dsse
from fiveguard.exchange.keyring import KeyringBody, Organisation
from fiveguard.exchange.verify import check_signatures

PAYLOAD_TYPE = PAYLOAD_TYPE_INTOTO
"""The payload type of an in-toto Statement."""
MAX_ENVELOPE_BYTES = 16 * 1024 * 1024
"""An attestation of an evaluation with every test case is well under a megabyte."""
LAB_KIND = OrganisationKind.EVALUATION_LAB


@dataclass(frozen=True)
class Signed:
    """Who signed an envelope: the organisation and the keys whose signatures counted."""

    organisation: str
    keyids: tuple[str, ...]


@dataclass(frozen=True)
class LabSigner:
    """Signs for one lab with enough of its keys to meet its threshold."""

    organisation: str
    keys: tuple[tuple[str, Ed25519PrivateKey], ...]

    def sign(self, payload: bytes, payload_type: str = PAYLOAD_TYPE) -> Envelope:
        envelope = unsigned(payload, payload_type)
        for keyid, key in self.keys:
            envelope = sign_envelope(envelope, key, keyid)
        return envelope


def read_envelope(raw: bytes, file: str) -> Envelope:
    """An attestation envelope: bounded, strict canonical JSON, exactly DSSE's fields."""
    return read_dsse(raw, file, MAX_ENVELOPE_BYTES)


def kind_refusal(org: Organisation) -> str | None:
    """Why ``org`` may not sign a lab attestation; None for an evaluation lab."""
    if org.kind is LAB_KIND:
        return None
    article = "an" if org.kind.value[:1] in "aeiou" else "a"
    return (
        f"{org.id} is {article} {org.kind.value} in the keyring; a lab attestation is signed "
        f"by an {LAB_KIND.value}"
    )


def lab_signer(
    ring: KeyringBody,
    organisation: str,
    keys: Sequence[tuple[str, Ed25519PrivateKey]],
    when: dt.datetime,
) -> LabSigner:
    """A signer for ``organisation`` once the keyring says it may sign at ``when``: a lab of
    the keyring, every key one of its keys valid then, its threshold met by distinct keys.
    Refusals are located at the command line's options (``--as``, ``--key``)."""
    problems: list[Problem] = []

    def bad(option: str, message: str) -> None:
        problems.append(Problem(Location(COMMAND_LINE, path=option), message))

    org = ring.organisation(organisation)
    if org is None:
        bad(
            "--as", f"{organisation} is not an organisation of the keyring (version {ring.version})"
        )
        raise InputError(problems)
    why = kind_refusal(org)
    if why:
        bad("--as", why)
    mine = {k.keyid: k for k in org.keys}
    usable: dict[str, Ed25519PrivateKey] = {}
    for keyid, key in keys:
        entry = mine.get(keyid)
        if entry is None:
            bad("--key", f"key {keyid[:8]}… is not a key of {organisation} in the keyring")
            continue
        refusal = entry.refusal_at(when)
        if refusal is not None:
            bad(
                "--key",
                f"key {keyid[:8]}… of {organisation}: {refusal.replace('issued_at', 'now')}",
            )
            continue
        usable[keyid] = key
    if not problems and len(usable) < org.threshold:
        bad(
            "--key",
            f"{organisation} requires {org.threshold} signatures by distinct keys; give --key "
            f"{org.threshold} times",
        )
    if problems:
        raise InputError(problems)
    return LabSigner(organisation, tuple(usable.items()))


def verify_signatures(
    envelope: Envelope, ring: KeyringBody, issued_at: dt.datetime | None, file: str
) -> tuple[Signed | None, list[Problem]]:
    """Who signed ``envelope`` under the keyring at ``issued_at``, and every problem found
    (a signer that is not an evaluation lab among them)."""
    org_id, keyids, problems = check_signatures(envelope, ring, issued_at, file)
    if org_id is None:
        return None, problems
    org = ring.organisation(org_id)
    assert org is not None
    why = kind_refusal(org)
    if why:
        problems.append(Problem(Location(file, path="signatures"), why))
        return None, problems
    return Signed(org_id, keyids), problems
