"""The audit log: every write, and every read or export of AMBER-or-stricter content,
appended as a link of a hash chain; checkpoints (Merkle roots) with a place for the
organisation's signature; verification naming the first broken row. Never pruned.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fiveguard.domain.parties import Tlp
from fiveguard.store import chain
from fiveguard.store.common import ForbiddenError, canonical, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import AuditCheckpoint, AuditEntry

AUDITED_READS = frozenset({Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED})
"""Reads and exports of content with these labels are written to the log."""
_CHAIN_LOCK = 0x5F6761  # PostgreSQL advisory lock taken while a link is appended


def append(
    session: Session,
    principal: Principal,
    action: str,
    *,
    kind: str | None = None,
    object_id: object = None,
    digest: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one link in the caller's transaction (so it commits with the change it
    records, or not at all)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.row_hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    link = chain.Link(
        seq=(last.seq + 1) if last else 1,
        at=now(),
        actor=principal.actor,
        organisation=principal.organisation,
        action=action,
        object_kind=kind,
        object_id=None if object_id is None else str(object_id),
        object_digest=digest,
        detail=canonical(detail or {}).decode(),
        prev_hash=last.row_hash if last else chain.GENESIS,
        row_hash="",
    )
    entry = AuditEntry(**{**link.__dict__, "row_hash": chain.link_hash(link)})
    session.add(entry)
    session.flush()
    return entry


def audit_read(
    session: Session,
    principal: Principal,
    tlp: str,
    action: str,
    kind: str,
    object_id: int,
    digest: str | None,
) -> None:
    """Record a read or export if the content is AMBER or stricter."""
    if Tlp(tlp) in AUDITED_READS:
        append(
            session,
            principal,
            action,
            kind=kind,
            object_id=object_id,
            digest=digest,
            detail={"tlp": tlp},
        )


def _links(session: Session) -> Iterator[chain.Link]:
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for row in rows.yield_per(10_000):
        yield as_link(row)


def as_link(row: AuditEntry) -> chain.Link:
    return chain.Link(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        organisation=row.organisation,
        action=row.action,
        object_kind=row.object_kind,
        object_id=row.object_id,
        object_digest=row.object_digest,
        detail=row.detail,
        prev_hash=row.prev_hash,
        row_hash=row.row_hash,
    )


class Signer(Protocol):
    """An organisation's signing key (Ed25519 keys arrive with the exchange)."""

    key_id: str

    def sign(self, message: bytes) -> bytes: ...


class SignatureCheck(Protocol):
    """Checks a checkpoint's signature against the keyring: why it does not hold (the
    key unknown, another organisation's, not valid then, or the signature wrong), or None
    when it does."""

    def __call__(self, key_id: str, message: bytes, signature: bytes) -> str | None: ...


def checkpoint_message(upto_seq: int, root: str, organisation: str | None, at: str) -> bytes:
    """What a checkpoint's signature covers (RFC 8785 JSON)."""
    return canonical(
        {"upto_seq": upto_seq, "merkle_root": root, "organisation": organisation, "at": at}
    )


def create_checkpoint(
    session: Session, principal: Principal, signer: Signer | None = None
) -> AuditCheckpoint:
    """Store the Merkle root of the whole chain so far, signed when ``signer`` is given.

    The instance administrator may store unsigned checkpoints; a signed one is an
    organisation's statement, made by its signing officer.
    """
    if not principal.instance_admin and not principal.may(Action.SIGN):
        raise ForbiddenError(
            "a checkpoint is stored by a signing officer or the instance administrator"
        )
    if signer is not None and principal.organisation is None:
        raise ForbiddenError("a signed checkpoint is an organisation's: act in one to sign")
    hashes = list(session.execute(select(AuditEntry.row_hash).order_by(AuditEntry.seq)).scalars())
    root = chain.merkle_root(hashes)
    at = now()
    organisation = principal.organisation if signer is not None else None
    signature = None
    if signer is not None:
        message = checkpoint_message(len(hashes), root, organisation, at)
        signature = base64.b64encode(signer.sign(message)).decode()
    point = AuditCheckpoint(
        upto_seq=len(hashes),
        merkle_root=root,
        created_at=at,
        created_by=principal.actor,
        organisation=organisation,
        key_id=signer.key_id if signer is not None else None,
        signature=signature,
    )
    session.add(point)
    session.flush()
    append(
        session,
        principal,
        "audit.checkpoint",
        kind="checkpoint",
        object_id=point.id,
        digest=root,
        detail={"upto_seq": len(hashes), "signed": signer is not None},
    )
    return point


@dataclass(frozen=True)
class Verification:
    """What ``audit verify`` found: rows checked, the head, and the first problem."""

    rows: int
    head: str
    checkpoints: int
    problem: str | None
    unchecked: int = 0
    """Signed checkpoints whose signatures were not checked (no keyring given)."""

    @property
    def holds(self) -> bool:
        return self.problem is None


def verify(session: Session, check_signature: SignatureCheck | None = None) -> Verification:
    """Walk the whole chain, then every checkpoint against it; stop at the first problem."""
    hashes: list[str] = []

    def collected() -> Iterator[chain.Link]:
        for link in _links(session):
            hashes.append(link.row_hash)
            yield link

    broken = chain.first_break(collected())
    points = list(session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).scalars())
    head = hashes[-1] if hashes else chain.GENESIS
    if broken is not None:
        return Verification(len(hashes), head, len(points), str(broken))
    for point in points:
        problem = _checkpoint_problem(point, hashes, check_signature)
        if problem:
            return Verification(len(hashes), head, len(points), problem)
    signed = sum(1 for point in points if point.signature is not None)
    unchecked = signed if check_signature is None else 0
    return Verification(len(hashes), head, len(points), None, unchecked)


def _checkpoint_problem(
    point: AuditCheckpoint, hashes: list[str], check_signature: SignatureCheck | None
) -> str | None:
    where = f"checkpoint {point.id} (rows 1–{point.upto_seq})"
    if point.upto_seq > len(hashes):
        return (
            f"{where}: the chain has only {len(hashes)} rows: rows after {len(hashes)} were deleted"
        )
    if chain.merkle_root(hashes[: point.upto_seq]) != point.merkle_root:
        return f"{where}: its Merkle root does not match the chain: rows were rewritten"
    if point.signature is not None and check_signature is not None:
        message = checkpoint_message(
            point.upto_seq, point.merkle_root, point.organisation, point.created_at
        )
        why = check_signature(point.key_id or "", message, base64.b64decode(point.signature))
        if why is not None:
            return f"{where}, signed by {point.organisation}: {why}"
    return None


def entries(
    session: Session, principal: Principal, *, limit: int = 100, after: int = 0
) -> list[AuditEntry]:
    """The log as this principal may see it: the instance administrator every row, an
    organisation's admin the rows of its organisation; in sequence order."""
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq)
    if not principal.instance_admin:
        if not principal.may(Action.MANAGE) or principal.token is not None:
            raise ForbiddenError(
                "the audit log is shown to organisation admins and the instance administrator"
            )
        query = query.where(AuditEntry.organisation == principal.organisation)
    return list(session.execute(query.limit(limit)).scalars())


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


def detail_of(entry: AuditEntry) -> dict[str, Any]:
    value = json.loads(entry.detail)
    return value if isinstance(value, dict) else {}
