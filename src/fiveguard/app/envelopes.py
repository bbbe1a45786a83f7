"""Exchange envelopes in the record: a received envelope is verified (failing closed,
as ``exchange verify`` does, with the record's inbox as the memory of what was accepted)
and filed in the organisation's inbox; a sent one, verified as signed by the
organisation itself, in its outbox. Each is kept verbatim with its parsed statement and
its labels, under the record's one access policy."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.exchange.keyring import VerifiedKeyring
from fiveguard.exchange.state import BundleRecord, ExchangeState
from fiveguard.exchange.verify import Verified, verify_envelope
from fiveguard.store.access import require
from fiveguard.store.envelopes import Direction, EnvelopeView, store_envelope
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import Envelope


@dataclass(frozen=True)
class FiledEnvelope:
    """An envelope kept in the record, and what its verification found."""

    view: EnvelopeView
    verified: Verified


def file_received(
    session: Session,
    principal: Principal,
    raw: bytes,
    file: str,
    keyring: VerifiedKeyring,
    *,
    now: dt.datetime,
) -> FiledEnvelope:
    """Verify an envelope received by the principal's organisation and keep it in its
    inbox. The organisation's name in the record is its id in the keyring: it must be a
    recipient (unless the label is open), and the sequence must be greater than the last
    one its inbox accepted from the same origin (no replay, no older bundle)."""
    require(principal, Action.IMPORT, "file a received envelope")
    state = accepted_state(session, principal, "inbox")
    verified = verify_envelope(
        raw, file, keyring, now=now, as_org=principal.organisation, state=state
    )
    return FiledEnvelope(_store(session, principal, raw, verified, "inbox"), verified)


def file_sent(
    session: Session,
    principal: Principal,
    raw: bytes,
    file: str,
    keyring: VerifiedKeyring,
    *,
    now: dt.datetime,
) -> FiledEnvelope:
    """Verify an envelope the principal's organisation signed and keep it in its outbox
    (a signing officer's act); its sequence must be greater than the last one sent."""
    require(principal, Action.SIGN, "file a sent envelope")
    state = accepted_state(session, principal, "outbox")
    verified = verify_envelope(raw, file, keyring, now=now, state=state)
    if verified.organisation != principal.organisation:
        raise InputError(
            [
                Problem(
                    Location(file, path="signatures"),
                    f"signed by {verified.organisation}, not by {principal.organisation}: an "
                    "outbox keeps the envelopes its organisation sent",
                )
            ]
        )
    return FiledEnvelope(_store(session, principal, raw, verified, "outbox"), verified)


def _store(
    session: Session, principal: Principal, raw: bytes, verified: Verified, direction: Direction
) -> EnvelopeView:
    summary = verified.summary
    return store_envelope(
        session,
        principal,
        raw,
        json.loads(verified.envelope.payload),
        direction=direction,
        tlp=summary.tlp,
        origin=summary.origin,
        sequence=summary.sequence,
        labels={section.value: label for section, label in summary.section_tlp.items()},
    )


def accepted_state(session: Session, principal: Principal, direction: Direction) -> ExchangeState:
    """What the organisation's inbox (or outbox) holds, as the exchange's state: each
    origin's bundle of the highest sequence."""
    rows = session.execute(
        select(Envelope.origin, Envelope.sequence, Envelope.payload, Envelope.created_at)
        .where(
            Envelope.organisation_id == principal.organisation_id,
            Envelope.direction == direction,
            Envelope.sequence.is_not(None),
        )
        .order_by(Envelope.sequence)
    ).all()
    accepted: dict[str, BundleRecord] = {}
    for origin, sequence, payload, created_at in rows:
        statement = json.loads(payload)
        predicate = statement.get("predicate", {}) if isinstance(statement, dict) else {}
        accepted[origin] = BundleRecord(
            sequence=sequence,
            bundle_id=str(predicate.get("bundle_id", "?")),
            payload_sha256=hashlib.sha256(payload.encode()).hexdigest(),
            at=dt.datetime.fromisoformat(created_at.replace("Z", "+00:00")),
        )
    return ExchangeState(accepted=accepted)
