"""A small exchange world for the outbox tests: an authority (``nra-x``, of the small
example's country) with a real recorded assessment of the small example, the EU
coordinator (``eu``) and a second authority (``nra-y``), members of every role (two
signing officers at the authority), and a keyring naming them by their record names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fiveguard.app.record import assess_snapshot
from fiveguard.catalog import default_catalogue
from fiveguard.domain.parties import OrganisationKind, Role, Tlp
from fiveguard.exchange import keyring_edit, keys
from fiveguard.exchange.keyring import KeyringFile, Organisation, keyring_json
from fiveguard.store import accounts, keyrings, snapshots
from fiveguard.store.database import Database

SMALL = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
PASSWORD = "correct horse battery staple 42"
PASSPHRASE = "a passphrase long enough"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T_END = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)
ORGS = {
    "nra-x": (OrganisationKind.NATIONAL_AUTHORITY, "XS"),
    "nra-y": (OrganisationKind.NATIONAL_AUTHORITY, "YB"),
    "eu": (OrganisationKind.EU_COORDINATOR, None),
}
SECOND_OFFICER = "nra-x.signing-officer-2"


def member(org: str, role: Role) -> str:
    return f"{org}.{role.value}"


@dataclass
class ExchangeWorld:
    db: Database
    ring: KeyringFile
    keys: dict[str, tuple[str, Ed25519PrivateKey]]
    run_id: int

    @property
    def keyring(self) -> bytes:
        return keyring_json(self.ring)

    def key_file(self, org: str) -> bytes:
        return keys.private_pem(self.keys[org][1], PASSPHRASE.encode())


def make_ring(
    orgs: dict[str, tuple[OrganisationKind, str | None]],
) -> tuple[KeyringFile, dict[str, tuple[str, Ed25519PrivateKey]], Ed25519PrivateKey, str]:
    """A signed keyring (version 1), one key per organisation (threshold 1); the root key."""
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
    return ring, held, root, root_public.keyid


def build_exchange_world(db: Database, *, keep_keyrings: bool = True) -> ExchangeWorld:
    ring, held, _root, _rootid = make_ring(ORGS)
    catalogue = default_catalogue()
    with db.transaction() as session:
        accounts.add_user(session, None, "root", PASSWORD, instance_admin=True)
        root = accounts.act_as(session, "root")
        for name, (kind, country) in ORGS.items():
            accounts.add_organisation(session, root, name, kind, country=country)
            for role in Role:
                accounts.add_user(session, root, member(name, role), PASSWORD)
                accounts.add_member(session, root, member(name, role), name, role)
        accounts.add_user(session, root, SECOND_OFFICER, PASSWORD)
        accounts.add_member(session, root, SECOND_OFFICER, "nra-x", Role.SIGNING_OFFICER)
        analyst = accounts.act_as(session, member("nra-x", Role.ANALYST))
        snapshots.import_snapshot(
            session, analyst, SMALL, catalogue, name="national", tlp=Tlp.AMBER
        )
        run = assess_snapshot(session, analyst, "national", catalogue, trials=0).run
        if keep_keyrings:
            for name in ORGS:
                admin = accounts.act_as(session, member(name, Role.ORG_ADMIN))
                keyrings.keep_keyring(session, admin, keyring_json(ring), "keyring.json")
    return ExchangeWorld(db, ring, held, run.id)
