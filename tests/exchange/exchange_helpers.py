"""Building keyrings and keys for the exchange tests, in memory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.app.exchange import export_summary
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.exchange import keyring_edit, keys
from fiveguard.exchange.build import Addressing
from fiveguard.exchange.dsse import PAYLOAD_TYPE_INTOTO, Envelope, sign_envelope
from fiveguard.exchange.keyring import KeyringFile, Organisation

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T_END = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


@dataclass
class Signer:
    organisation: str
    key: Ed25519PrivateKey
    public: keys.PublicKeyFile

    @property
    def keyid(self) -> str:
        return self.public.keyid


def signer(organisation: str) -> Signer:
    key = keys.new_key()
    return Signer(organisation, key, keys.describe(organisation, key))


@dataclass
class Ring:
    """A keyring and every private key in it, by organisation (root under 'root')."""

    keyring: KeyringFile
    signers: dict[str, list[Signer]] = field(default_factory=dict)

    def first(self, org: str) -> Signer:
        return self.signers[org][0]


ORGS = {
    "XA-NCA": (OrganisationKind.NATIONAL_AUTHORITY, "XA"),
    "XB-NCA": (OrganisationKind.NATIONAL_AUTHORITY, "XB"),
    "XC-NCA": (OrganisationKind.NATIONAL_AUTHORITY, "XC"),
    "XR-NCA": (OrganisationKind.NATIONAL_AUTHORITY, "XR"),
    "XS-NCA": (OrganisationKind.NATIONAL_AUTHORITY, "XS"),
    "EU-COORD": (OrganisationKind.EU_COORDINATOR, None),
    "XA-LAB": (OrganisationKind.EVALUATION_LAB, "XA"),
    "XS-OP": (OrganisationKind.OPERATOR, "XS"),
    "XS-LAB": (OrganisationKind.EVALUATION_LAB, "XS"),
}


def make_ring(
    orgs: dict[str, int] | None = None, root_count: int = 1, root_threshold: int = 1
) -> Ring:
    """A signed keyring (version 1): ``orgs`` maps an organisation to its key count (its
    threshold is 1 unless the count is 2 or more, then 2)."""
    orgs = orgs if orgs is not None else {"XA-NCA": 1, "XB-NCA": 1, "EU-COORD": 1}
    roots = [signer("root") for _ in range(root_count)]
    ring = keyring_edit.new_keyring([r.public for r in roots], root_threshold, T0, T_END)
    signers: dict[str, list[Signer]] = {"root": roots}
    for org_id, count in orgs.items():
        kind, country = ORGS[org_id]
        org = Organisation(
            id=org_id,
            name=f"{org_id} (test)",
            kind=kind,
            country=country,
            threshold=2 if count >= 2 else 1,
        )
        ring, _ = keyring_edit.add_organisation(ring, org, T0)
        signers[org_id] = [signer(org_id) for _ in range(count)]
        for s in signers[org_id]:
            ring, _ = keyring_edit.add_key(ring, org_id, s.public, T0, T_END, T0)
    for r in roots[:root_threshold]:
        ring, _ = keyring_edit.sign_keyring(ring, r.key, r.keyid)
    return Ring(ring, signers)


def sign_latest(ring: Ring, roots: list[Signer]) -> KeyringFile:
    keyring = ring.keyring
    for r in roots:
        keyring, _ = keyring_edit.sign_keyring(keyring, r.key, r.keyid)
    return keyring


# ---------------------------------------------------------------------------- envelopes

SMALL_MODEL = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
ISSUED = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


def addressing(origin: str, **changes: object) -> Addressing:
    base: dict[str, object] = {
        "bundle_id": f"bundle-{origin}-1",
        "origin": origin,
        "sequence": 1,
        "issued_at": ISSUED,
        "recipients": ("EU-COORD",),
        "tlp": Tlp.AMBER,
    }
    base.update(changes)
    return Addressing(**base)  # type: ignore[arg-type]


def export_envelope(
    model: NetworkModel,
    catalogue: Catalogue,
    signers: list[Signer],
    to: Addressing,
    model_path: Path = SMALL_MODEL,
) -> bytes:
    """The envelope bytes of ``model``'s summary, signed by ``signers``."""
    envelope, _, _ = export_summary(
        model, catalogue, model_path, to, [(s.keyid, s.key) for s in signers]
    )
    return envelope.to_json()


def sign_payload(
    payload: bytes, signers: list[Signer], payload_type: str = PAYLOAD_TYPE_INTOTO
) -> bytes:
    """Any payload in a signed envelope (to test what is checked after the signatures)."""
    envelope = Envelope(payload, payload_type)
    for s in signers:
        envelope = sign_envelope(envelope, s.key, s.keyid)
    return envelope.to_json()
