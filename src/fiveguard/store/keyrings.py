"""The keyring an organisation trusts, kept in the record: uploaded once by the
organisation's admin, verified, and pinned as ``exchange verify --state`` pins it — the
first one kept fixes the anchor (version 1's digest), and a later upload must have the
same anchor and a version in force no older than the one kept (a rolled-back keyring,
one still listing a key since revoked, is refused). Verifying and importing envelopes,
preparing and signing outgoing ones, and the EU view use it without asking again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.exchange.keyring import VerifiedKeyring, read_keyring, verify_keyring
from fiveguard.store import audit
from fiveguard.store.access import require
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import ForbiddenError, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import KeyringRecord, Organisation

KEYRING_FILE = "keyring.json"
"""The name problems of a kept keyring are located in."""


@dataclass(frozen=True)
class KeyringView:
    id: int
    organisation: str
    version: int
    """The version in force when it was kept."""
    anchor: str
    digest: str
    organisations: list[str]
    """The organisations the version in force names (keyring ids)."""
    created_by: str
    created_at: str
    unchanged: bool = False
    """True when the upload was the keyring already kept (nothing written)."""


def _latest(session: Session, organisation_id: int) -> KeyringRecord | None:
    return session.execute(
        select(KeyringRecord)
        .where(KeyringRecord.organisation_id == organisation_id)
        .order_by(KeyringRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _view(
    session: Session, row: KeyringRecord, ring: VerifiedKeyring, unchanged: bool = False
) -> KeyringView:
    org = session.get(Organisation, row.organisation_id)
    return KeyringView(
        row.id,
        org.name if org else "?",
        row.version,
        row.anchor,
        row.digest,
        sorted(o.id for o in ring.current.organisations),
        row.created_by,
        row.created_at,
        unchanged,
    )


def pin_refusals(ring: VerifiedKeyring, kept: KeyringRecord, file: str) -> list[Problem]:
    """Why ``ring`` may not replace the keyring ``kept`` (empty when it may)."""
    problems = []
    if ring.anchor != kept.anchor:
        problems.append(
            f"the keyring is not the one kept in the record: its anchor {ring.anchor[:16]}… "
            f"differs from {kept.anchor[:16]}… (a wrong keyring, or a substituted one)"
        )
    if ring.current.version < kept.version:
        problems.append(
            f"the keyring's version in force ({ring.current.version}) is older than version "
            f"{kept.version} kept in the record: a rolled-back keyring is refused"
        )
    return [Problem(Location(file, path="keyring"), message) for message in problems]


def keep_keyring(session: Session, principal: Principal, raw: bytes, file: str) -> KeyringView:
    """Verify an uploaded keyring and keep it as the organisation's (its admin's act);
    the same bytes again change nothing."""
    if principal.token is not None:
        raise ForbiddenError("the organisation's keyring is kept by its admin, in person")
    org_id = require(principal, Action.MANAGE, "keep the organisation's keyring")
    ring = verify_keyring(read_keyring(raw, file), file)
    kept = _latest(session, org_id)
    digest = store_bytes(session, raw)
    if kept is not None:
        if kept.digest == digest:
            return _view(session, kept, ring, unchanged=True)
        problems = pin_refusals(ring, kept, file)
        if problems:
            raise InputError(problems)
    row = KeyringRecord(
        organisation_id=org_id,
        version=ring.current.version,
        anchor=ring.anchor,
        digest=digest,
        created_by=principal.actor,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        principal,
        "keyring.keep",
        kind="keyring",
        object_id=row.id,
        digest=digest,
        detail={"version": ring.current.version, "anchor": ring.anchor},
    )
    return _view(session, row, ring)


def kept_keyring(session: Session, principal: Principal) -> tuple[KeyringView, VerifiedKeyring]:
    """The organisation's kept keyring, verified again, or a located problem saying that
    none is kept yet."""
    org_id = require(principal, Action.READ, "use the organisation's keyring")
    row = _latest(session, org_id)
    if row is None:
        raise InputError.at(
            f"{principal.organisation} keeps no keyring in the record yet: its organisation "
            "admin uploads one on the exchange page (or give one with this request)",
            "keyring",
            path="keyring",
        )
    ring = verify_keyring(read_keyring(blob_bytes(session, row.digest), KEYRING_FILE), KEYRING_FILE)
    return _view(session, row, ring), ring


def find_kept(session: Session, principal: Principal) -> KeyringView | None:
    """The organisation's kept keyring, or None."""
    if principal.organisation_id is None or not principal.may(Action.READ):
        return None
    row = _latest(session, principal.organisation_id)
    if row is None:
        return None
    return kept_keyring(session, principal)[0]


def keyring_bytes(session: Session, principal: Principal) -> bytes:
    """The kept keyring's file, as uploaded."""
    view, _ring = kept_keyring(session, principal)
    return blob_bytes(session, view.digest)
