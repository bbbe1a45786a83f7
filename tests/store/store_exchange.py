"""Keyrings and signed envelopes for the record's tests, in memory: organisations whose
keyring ids are their names in the record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.app.exchange import export_summary
from fiveguard.catalog import default_catalogue
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.exchange import keyring_edit, keys
from fiveguard.exchange.build import Addressing
from fiveguard.exchange.keyring import KeyringFile, Organisation, VerifiedKeyring, verify_keyring
from fiveguard.modelio.load import load_model

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T_END = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
ISSUED = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 8, 1, tzinfo=dt.UTC)


@dataclass
class Ring:
    file: KeyringFile
    keys: dict[str, tuple[str, Ed25519PrivateKey]]

    @property
    def verified(self) -> VerifiedKeyring:
        return verify_keyring(self.file, "keyring.json")


def make_ring(orgs: dict[str, tuple[OrganisationKind, str | None]]) -> Ring:
    """A signed keyring (version 1) with one key per organisation (threshold 1)."""
    root = keys.new_key()
    root_public = keys.describe("root", root)
    ring = keyring_edit.new_keyring([root_public], 1, T0, T_END)
    held: dict[str, tuple[str, Ed25519PrivateKey]] = {}
    for org_id, (kind, country) in orgs.items():
        org = Organisation(id=org_id, name=org_id, kind=kind, country=country, threshold=1)
        ring, _ = keyring_edit.add_organisation(ring, org, T0)
        key = keys.new_key()
        public = keys.describe(org_id, key)
        ring, _ = keyring_edit.add_key(ring, org_id, public, T0, T_END, T0)
        held[org_id] = (public.keyid, key)
    ring, _ = keyring_edit.sign_keyring(ring, root, root_public.keyid)
    return Ring(ring, held)


def envelope(
    ring: Ring,
    origin: str,
    recipients: tuple[str, ...],
    *,
    tlp: Tlp = Tlp.AMBER,
    sequence: int = 1,
    supersedes: str | None = None,
) -> bytes:
    """The small example's national summary from ``origin``, signed with its key."""
    catalogue = default_catalogue()
    to = Addressing(
        bundle_id=f"bundle-{origin}-{sequence}",
        origin=origin,
        sequence=sequence,
        issued_at=ISSUED,
        recipients=recipients,
        tlp=tlp,
        supersedes=supersedes,
    )
    signed, _, _ = export_summary(
        load_model(EXAMPLE, catalogue), catalogue, EXAMPLE, to, [ring.keys[origin]]
    )
    return signed.to_json()
