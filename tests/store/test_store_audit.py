"""The audit chain: any single change to any row is detected (property tests on the
chain itself), and on both databases `audit verify` names the first broken row after
rows are changed, deleted, inserted or reordered with the triggers dropped."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

import fiveguard.cli  # noqa: F401
from fiveguard.cli.app import app
from fiveguard.store import accounts, audit, chain
from fiveguard.store.database import Database
from fiveguard.store.principal import Principal

FIELDS = [f.name for f in dataclasses.fields(chain.Link)]


def make_chain(n: int) -> list[chain.Link]:
    links: list[chain.Link] = []
    previous = chain.GENESIS
    for seq in range(1, n + 1):
        link = chain.Link(
            seq,
            f"2026-01-01T00:00:{seq:02d}.000000Z",
            f"user{seq % 3}",
            "org" if seq % 2 else None,
            "snapshot.import",
            "snapshot",
            str(seq),
            f"{seq:064x}",
            '{"n":1}',
            previous,
            "",
        )
        link = dataclasses.replace(link, row_hash=chain.link_hash(link))
        links.append(link)
        previous = link.row_hash
    return links


def test_an_untouched_chain_holds() -> None:
    assert chain.first_break(make_chain(20)) is None


@given(
    n=st.integers(1, 12),
    data=st.data(),
)
def test_any_single_change_to_any_field_of_any_row_is_detected(n: int, data: st.DataObject) -> None:
    links = make_chain(n)
    index = data.draw(st.integers(0, n - 1))
    name = data.draw(st.sampled_from(FIELDS))
    old = getattr(links[index], name)
    new: object
    if isinstance(old, int):
        new = data.draw(st.integers(-5, 100))
        new = new + 1 if new == old else new
    else:
        new = data.draw(st.one_of(st.none(), st.text(max_size=8)))
        new = f"{new}x" if new == old else new
    links[index] = dataclasses.replace(links[index], **{name: new})
    found = chain.first_break(links)
    assert found is not None
    assert found.position <= index + 1


@given(n=st.integers(2, 12), data=st.data())
def test_any_deletion_insertion_or_swap_is_detected(n: int, data: st.DataObject) -> None:
    links = make_chain(n)
    what = data.draw(st.sampled_from(["delete", "insert", "swap"]))
    i = data.draw(st.integers(0, n - 2))
    if what == "delete":
        del links[i]
    elif what == "insert":
        links.insert(i, links[i + 1])
    else:
        links[i], links[i + 1] = links[i + 1], links[i]
    assert chain.first_break(links) is not None


def test_the_merkle_root_follows_rfc_6962() -> None:
    import hashlib

    a, b, c = ("aa" * 32, "bb" * 32, "cc" * 32)
    leaf = [hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in (a, b, c)]
    ab = hashlib.sha256(b"\x01" + leaf[0] + leaf[1]).digest()
    assert chain.merkle_root([a, b, c]) == hashlib.sha256(b"\x01" + ab + leaf[2]).hexdigest()
    assert chain.merkle_root([a]) == leaf[0].hex()


def drop_triggers(db: Database) -> None:
    with db.engine.begin() as connection:
        for table in ("audit_log", "audit_checkpoint"):
            if db.backend == "postgresql":
                connection.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
            else:
                connection.execute(text(f"DROP TRIGGER {table}_no_update"))
                connection.execute(text(f"DROP TRIGGER {table}_no_delete"))


@pytest.fixture
def logged(db: Database) -> Iterator[Database]:
    """A record with ten links, and its triggers dropped (to tamper)."""
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
        admin = accounts.act_as(s, "admin")
        for i in range(9):
            audit.append(s, admin, "test.write", kind="thing", object_id=i, digest=f"{i:064x}")
    drop_triggers(db)
    yield db


def verify(db: Database) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["audit", "verify", "--database", db.url.render_as_string(False)]
    )
    return result.exit_code, result.stdout + result.stderr


TAMPERING = {
    "modified": ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4", "row 4", "was changed"),
    "deleted": ("DELETE FROM audit_log WHERE seq = 4", "row 5", "a row was deleted"),
    "inserted": (
        "INSERT INTO audit_log (seq, at, actor, organisation, action, object_kind, object_id, "
        "object_digest, detail, prev_hash, row_hash) SELECT 11, at, actor, organisation, "
        "action, object_kind, object_id, object_digest, detail, 'x', 'y' FROM audit_log WHERE seq = 3",
        "row 11",
        "previous hash",
    ),
    "reordered": (
        "UPDATE audit_log SET seq = CASE seq WHEN 4 THEN 6 WHEN 6 THEN 4 ELSE seq END "
        "WHERE seq IN (4, 6)",
        "row 4",
        "",
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_audit_verify_names_the_first_broken_row(logged: Database, how: str) -> None:
    code, out = verify(logged)
    assert code == 0 and "holds: 10 rows" in out
    statement, row, reason = TAMPERING[how]
    if how == "reordered":  # in three steps: the sequence number is a primary key
        statement = "UPDATE audit_log SET seq = -seq WHERE seq IN (4, 6)"
        with logged.engine.begin() as c:
            c.execute(text(statement))
            c.execute(text("UPDATE audit_log SET seq = 6 WHERE seq = -4"))
            c.execute(text("UPDATE audit_log SET seq = 4 WHERE seq = -6"))
    else:
        with logged.engine.begin() as c:
            c.execute(text(statement))
    code, out = verify(logged)
    assert code == 1, out
    assert f"audit log broken: audit log {row} " in out and reason in out


def test_a_checkpoint_catches_rows_deleted_at_the_end(logged: Database) -> None:
    with logged.transaction() as s:
        audit.create_checkpoint(s, accounts.act_as(s, "admin"))
    assert verify(logged)[0] == 0
    with logged.engine.begin() as c:
        c.execute(text("DELETE FROM audit_log WHERE seq >= 10"))
    code, out = verify(logged)
    assert code == 1 and "checkpoint 1 (rows 1–10): the chain has only 9 rows" in out


class FakeSigner:
    key_id = "test-key"

    def sign(self, message: bytes) -> bytes:
        return b"sig:" + message


def test_a_signed_checkpoint_is_checked_with_the_signature_hook(db: Database) -> None:
    with db.transaction() as s:
        accounts.add_user(s, None, "admin", "correct horse battery staple", instance_admin=True)
        accounts.add_organisation(
            s, accounts.act_as(s, "admin"), "lab", accounts.OrganisationKind.EVALUATION_LAB
        )
        accounts.add_user(s, accounts.act_as(s, "admin"), "sig", "correct horse battery staple")
        accounts.add_member(
            s, accounts.act_as(s, "admin"), "sig", "lab", accounts.Role.SIGNING_OFFICER
        )
        officer: Principal = accounts.act_as(s, "sig")
        audit.create_checkpoint(s, officer, FakeSigner())
    with db.transaction() as s:
        good = audit.verify(s, lambda key, message, sig: None if sig == b"sig:" + message else "no")
        bad = audit.verify(s, lambda key, message, sig: f"key {key} is wrong")
        unchecked = audit.verify(s)
    assert good.holds and good.unchecked == 0
    assert unchecked.holds and unchecked.unchecked == 1
    assert bad.problem is not None and "signed by lab: key test-key is wrong" in bad.problem
