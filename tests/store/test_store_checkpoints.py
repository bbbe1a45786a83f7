"""Signed audit checkpoints: the chain's Merkle root signed with the organisation's
Ed25519 key and checked against the keyring. Whoever can drop the triggers can rewrite
every row and every root, but cannot sign: the rewrite is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from store_exchange import Ring, make_ring
from test_record_cli import Cli, audit_rows
from test_store_audit import drop_triggers

from fiveguard.app.checkpoints import KeySigner, keyring_check, signed_checkpoint
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.exchange import keys
from fiveguard.exchange.keyring import keyring_json
from fiveguard.store import accounts, audit, chain
from fiveguard.store.common import ForbiddenError
from fiveguard.store.database import Database
from fiveguard.store.tables import AuditCheckpoint, AuditEntry

PASSWORD = "correct horse battery staple"
A = OrganisationKind.NATIONAL_AUTHORITY


@pytest.fixture(scope="module")
def ring() -> Ring:
    return make_ring({"XS-NCA": (A, "XS"), "XA-NCA": (A, "XA")})


def people(db: Database) -> None:
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", PASSWORD, instance_admin=True)
        admin = accounts.act_as(s, "admin")
        accounts.add_organisation(s, admin, "XS-NCA", A, country="XS")
        for name, role in (("sam", Role.SIGNING_OFFICER), ("ann", Role.ANALYST)):
            accounts.add_user(s, admin, name, PASSWORD)
            accounts.add_member(s, admin, name, "XS-NCA", role)


def signer(ring: Ring, org: str) -> KeySigner:
    return KeySigner(*ring.keys[org])


def test_a_signed_checkpoint_verifies_against_the_keyring(db: Database, ring: Ring) -> None:
    people(db)
    with db.transaction() as s:
        point = signed_checkpoint(
            s, accounts.act_as(s, "sam"), signer(ring, "XS-NCA"), ring.verified
        )
        assert (point.organisation, point.key_id) == ("XS-NCA", ring.keys["XS-NCA"][0])
    with db.transaction() as s:
        found = audit.verify(s, keyring_check(ring.verified))
        assert found.holds and found.checkpoints == 1 and found.unchecked == 0
        assert audit.verify(s).unchecked == 1


def test_only_a_signing_officer_signs_and_only_with_the_organisation_s_key(
    db: Database, ring: Ring
) -> None:
    people(db)
    with db.transaction() as s:
        with pytest.raises(ForbiddenError):
            signed_checkpoint(s, accounts.act_as(s, "ann"), signer(ring, "XS-NCA"))
        with pytest.raises(ForbiddenError):
            signed_checkpoint(s, accounts.act_as(s, "admin"), signer(ring, "XS-NCA"))
        sam = accounts.act_as(s, "sam")
        with pytest.raises(InputError, match=r"--key: key .* is XA-NCA's, not a key of XS-NCA"):
            signed_checkpoint(s, sam, signer(ring, "XA-NCA"), ring.verified)
        stray = keys.new_key()
        stray_signer = KeySigner(keys.describe("XS-NCA", stray).keyid, stray)
        with pytest.raises(InputError, match="is not in the keyring"):
            signed_checkpoint(s, sam, stray_signer, ring.verified)
        assert audit.count(s) == 6  # the accounts' rows only


@pytest.mark.parametrize(
    ("key", "message"),
    [("XA-NCA", "is XA-NCA's, not XS-NCA's"), ("stray", "is not in the keyring")],
)
def test_a_checkpoint_signed_with_another_key_does_not_verify(
    db: Database, ring: Ring, key: str, message: str
) -> None:
    people(db)
    if key == "stray":
        stray = keys.new_key()
        used = KeySigner(keys.describe("XS-NCA", stray).keyid, stray)
    else:
        used = signer(ring, key)
    with db.transaction() as s:
        signed_checkpoint(s, accounts.act_as(s, "sam"), used)  # no keyring: not checked first
    with db.transaction() as s:
        found = audit.verify(s, keyring_check(ring.verified))
    assert found.problem is not None
    assert found.problem.startswith("checkpoint 1 (rows 1–6), signed by XS-NCA: its key")
    assert message in found.problem


def rewrite_chain(db: Database, seq: int) -> None:
    """What someone able to drop the triggers can do: change a row, then recompute every
    later hash and every checkpoint's Merkle root, so that the chain holds again."""
    drop_triggers(db)
    with db.transaction() as s:
        rows = list(s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())
        previous = chain.GENESIS
        for row in rows:
            if row.seq == seq:
                row.actor = "mallory"
            row.prev_hash = previous
            row.row_hash = chain.link_hash(audit.as_link(row))
            previous = row.row_hash
        hashes = [row.row_hash for row in rows]
        for point in s.execute(select(AuditCheckpoint)).scalars():
            point.merkle_root = chain.merkle_root(hashes[: point.upto_seq])


def test_a_rewritten_chain_is_caught_by_the_signature(db: Database, ring: Ring) -> None:
    people(db)
    with db.transaction() as s:
        signed_checkpoint(s, accounts.act_as(s, "sam"), signer(ring, "XS-NCA"))
    rewrite_chain(db, 3)
    with db.transaction() as s:
        assert audit.verify(s).holds  # the chain and the roots agree again
        found = audit.verify(s, keyring_check(ring.verified))
    assert found.problem is not None and "its signature does not verify" in found.problem


def test_a_checkpoint_given_to_another_organisation_is_caught(db: Database, ring: Ring) -> None:
    people(db)
    with db.transaction() as s:
        signed_checkpoint(s, accounts.act_as(s, "sam"), signer(ring, "XS-NCA"))
    drop_triggers(db)
    with db.engine.begin() as c:
        c.execute(text("UPDATE audit_checkpoint SET organisation = 'XA-NCA'"))
    with db.transaction() as s:
        found = audit.verify(s, keyring_check(ring.verified))
    assert found.problem is not None and "is XS-NCA's, not XA-NCA's" in found.problem


def test_the_commands_sign_and_verify_checkpoints(
    db_url: str, tmp_path: Path, ring: Ring, monkeypatch: pytest.MonkeyPatch
) -> None:
    passphrase = "a passphrase long enough for the test"
    monkeypatch.setenv("FIVEGUARD_KEY_PASSPHRASE", passphrase)
    keyid, key = ring.keys["XS-NCA"]
    key_file = tmp_path / "XS-NCA.key"
    key_file.write_bytes(keys.private_pem(key, passphrase.encode()))
    other_file = tmp_path / "XA-NCA.key"
    other_file.write_bytes(keys.private_pem(ring.keys["XA-NCA"][1], passphrase.encode()))
    keyring = tmp_path / "keyring.json"
    keyring.write_bytes(keyring_json(ring.file))
    cli = Cli(db_url)
    for args in (
        ("db", "upgrade"),
        ("user", "add", "admin", "--instance-admin"),
        (
            "org",
            "add",
            "XS-NCA",
            "--kind",
            "national-authority",
            "--country",
            "XS",
            "--user",
            "admin",
        ),
        ("user", "add", "sam", "--org", "XS-NCA", "--role", "signing-officer", "--user", "admin"),
    ):
        code, _, err = cli(*args)
        assert code == 0, err
    before = audit_rows(cli)
    code, out, err = cli(
        "audit", "checkpoint", "--key", str(other_file), "--keyring", str(keyring), "--user", "sam"
    )
    assert code == 2 and "--key:" in err and "not a key of XS-NCA" in err
    assert audit_rows(cli) == before
    code, out, err = cli(
        "audit", "checkpoint", "--key", str(key_file), "--keyring", str(keyring), "--user", "sam"
    )
    assert code == 0, err
    assert f"signed by XS-NCA with key {keyid}" in out
    code, out, _ = cli("audit", "verify")
    assert code == 0 and "1 signed checkpoint(s) not checked: give --keyring" in out
    code, out, err = cli("audit", "verify", "--keyring", str(keyring))
    assert code == 0 and "not checked" not in out, err
    from fiveguard.store.database import connect
    from fiveguard.store.location import database_url

    db = connect(database_url(db_url))
    try:
        rewrite_chain(db, 2)
    finally:
        db.close()
    code, out, err = cli("audit", "verify", "--keyring", str(keyring))
    assert code == 1 and "checkpoint 1" in err and "its signature does not verify" in err
