"""Every write to the record appends to the audit log in its own transaction, and a
refused write changes nothing and appends nothing: a run through the record's write use
cases, each in a transaction of its own, compares every other table before and after."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from fiveguard.catalog import default_catalogue
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.store import (
    accounts,
    assessments,
    audit,
    evidence_records,
    sharing,
    slices,
    snapshots,
)
from fiveguard.store.database import Database

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"
PASSWORD = "correct horse battery staple"
AUDIT_TABLES = {"audit_log", "alembic_version"}


def _state(db: Database) -> str:
    """A digest of every row of every table but the audit log's."""
    digest = hashlib.sha256()
    with db.engine.connect() as c:
        for table in sorted(set(inspect(c).get_table_names()) - AUDIT_TABLES):
            rows = c.execute(text(f"SELECT * FROM {table}")).all()
            digest.update(table.encode())
            for row in sorted(repr(tuple(r)) for r in rows):
                digest.update(row.encode())
    return digest.hexdigest()


def _audit_rows(db: Database) -> int:
    with db.transaction() as s:
        return audit.count(s)


def _step(db: Database, call: Callable[[Session], Any]) -> tuple[bool, int, Any]:
    """Run ``call`` in a transaction: (did the data change, audit rows added, its value)."""
    before, rows = _state(db), _audit_rows(db)
    value: Any = None
    try:
        with db.transaction() as s:
            value = call(s)
    except InputError as exc:
        value = exc
    return _state(db) != before, _audit_rows(db) - rows, value


def test_each_write_appends_to_the_audit_log_and_a_refused_one_appends_nothing(
    db: Database,
) -> None:
    catalogue = default_catalogue()
    ids: dict[str, Any] = {}

    def principal(s: Session, user: str, org: str | None = None):  # type: ignore[no-untyped-def]
        return accounts.act_as(s, user, org)

    writes: list[tuple[str, Callable[[Session], Any]]] = [
        ("first admin", lambda s: accounts.add_user(s, None, "root", PASSWORD, instance_admin=True)),
        ("authority", lambda s: accounts.add_organisation(
            s, principal(s, "root"), "nra", OrganisationKind.NATIONAL_AUTHORITY, country="XS")),
        ("operator a", lambda s: accounts.add_organisation(
            s, principal(s, "root"), "op-a-org", OrganisationKind.OPERATOR, country="XS",
            supervisor="nra")),
        ("operator b", lambda s: accounts.add_organisation(
            s, principal(s, "root"), "op-b-org", OrganisationKind.OPERATOR, country="XS",
            supervisor="nra")),
        ("user", lambda s: accounts.add_user(s, principal(s, "root"), "alice", PASSWORD)),
        ("member", lambda s: accounts.add_member(s, principal(s, "root"), "alice", "nra",
                                                 Role.SIGNING_OFFICER)),
        ("admin user", lambda s: accounts.add_user(s, principal(s, "root"), "olga", PASSWORD)),
        ("admin member", lambda s: accounts.add_member(s, principal(s, "root"), "olga", "nra",
                                                       Role.ORG_ADMIN)),
        ("token", lambda s: ids.setdefault("token", accounts.create_token(
            s, principal(s, "olga", "nra"), "ci", ["read"], 7).public_id)),
        ("token revoked", lambda s: accounts.revoke_token(
            s, principal(s, "olga", "nra"), ids["token"])),
        ("snapshot", lambda s: ids.setdefault("snapshot", snapshots.import_snapshot(
            s, principal(s, "alice", "nra"), EXAMPLE, catalogue, name="national").id)),
        ("run", lambda s: assessments.record_assessment(
            s, principal(s, "alice", "nra"), ids["snapshot"], {"result": 1},
            catalogue_digest="0" * 64, policy=None, seed=1, trials=0)),
        ("evidence", lambda s: ids.setdefault("evidence", evidence_records.record_evidence(
            s, principal(s, "alice", "nra"), {"id": "doc-1", "type": "document"}).id)),
        ("share", lambda s: sharing.share(
            s, principal(s, "alice", "nra"), "evidence", ids["evidence"], "op-a-org")),
        ("split", lambda s: slices.split_by_operator(
            s, principal(s, "alice", "nra"), ids["snapshot"],
            {"op-a": "op-a-org", "op-b": "op-b-org"})),
        ("checkpoint", lambda s: audit.create_checkpoint(s, principal(s, "root"))),
    ]  # fmt: skip
    for name, call in writes:
        changed, added, value = _step(db, call)
        assert not isinstance(value, InputError), f"{name}: {value}"
        assert changed, f"{name} wrote nothing"
        assert added >= 1, f"{name} changed the record without an audit row"

    refused: list[tuple[str, Callable[[Session], Any]]] = [
        ("duplicate user", lambda s: accounts.add_user(s, principal(s, "root"), "alice", PASSWORD)),
        ("unknown supervisor", lambda s: accounts.add_organisation(
            s, principal(s, "root"), "op-c", OrganisationKind.OPERATOR, supervisor="nope")),
        ("weak password", lambda s: accounts.add_user(s, principal(s, "root"), "bob", "abc")),
        ("admin imports data", lambda s: snapshots.import_snapshot(
            s, principal(s, "root"), EXAMPLE, catalogue, name="x")),
        ("bad model", lambda s: snapshots.import_snapshot(
            s, principal(s, "alice", "nra"), EXAMPLE.parent / "absent.yaml", catalogue)),
        ("bad scope", lambda s: accounts.create_token(
            s, principal(s, "olga", "nra"), "x", ["everything"], 7)),
    ]  # fmt: skip
    for name, call in refused:
        changed, added, value = _step(db, call)
        assert isinstance(value, InputError), f"{name} was not refused: {value}"
        assert (changed, added) == (False, 0), f"{name}: refused, but the record changed"
