"""Exchange envelopes as the record keeps them: the bytes verbatim, the parsed
statement, and the TLP labels (the whole and per section), in an inbox or an outbox.

Building, signing and verifying envelopes is the exchange's work; this module only
keeps what it hands over, under the same access policy as everything else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard.domain.parties import Tlp
from fiveguard.store import audit
from fiveguard.store.access import get_visible, name_author, require, visible
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import Envelope, EnvelopeLabel, Organisation

Direction = Literal["inbox", "outbox"]


@dataclass(frozen=True)
class EnvelopeView:
    id: int
    organisation: str
    direction: Direction
    digest: str
    origin: str
    sequence: int | None
    tlp: Tlp
    labels: dict[str, Tlp]
    created_by: str
    created_at: str


def store_envelope(
    session: Session,
    principal: Principal,
    raw: bytes,
    payload: Mapping[str, Any],
    *,
    direction: Direction,
    tlp: Tlp,
    origin: str,
    sequence: int | None = None,
    labels: Mapping[str, Tlp] | None = None,
) -> EnvelopeView:
    """Keep an envelope received (inbox: an analyst's import) or sent (outbox: a signing
    officer's) by the principal's organisation."""
    action = Action.SIGN if direction == "outbox" else Action.IMPORT
    org_id = require(principal, action, f"keep an envelope in the {direction}")
    digest = store_bytes(session, raw)
    row = Envelope(
        organisation_id=org_id,
        direction=direction,
        digest=digest,
        origin=origin,
        sequence=sequence,
        payload=json.dumps(dict(payload)),
        tlp=tlp.value,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    session.add_all(
        EnvelopeLabel(envelope_id=row.id, section=section, tlp=label.value)
        for section, label in (labels or {}).items()
    )
    name_author(session, principal, "envelope", row.id, tlp)
    session.flush()
    audit.append(
        session,
        principal,
        f"envelope.{direction}",
        kind="envelope",
        object_id=row.id,
        digest=digest,
        detail={"origin": origin, "sequence": sequence, "tlp": tlp.value},
    )
    return _view(session, row)


def _view(session: Session, row: Envelope) -> EnvelopeView:
    org = session.get(Organisation, row.organisation_id)
    labels = session.execute(
        select(EnvelopeLabel.section, EnvelopeLabel.tlp).where(EnvelopeLabel.envelope_id == row.id)
    ).all()
    direction: Direction = "outbox" if row.direction == "outbox" else "inbox"
    return EnvelopeView(
        row.id,
        org.name if org else "?",
        direction,
        row.digest,
        row.origin,
        row.sequence,
        Tlp(row.tlp),
        {s: Tlp(t) for s, t in labels},
        row.created_by,
        row.created_at,
    )


def list_envelopes(
    session: Session, principal: Principal, direction: Direction | None = None
) -> list[EnvelopeView]:
    query = select(Envelope).where(visible(principal, Envelope))
    if direction is not None:
        query = query.where(Envelope.direction == direction)
    return [_view(session, r) for r in session.execute(query.order_by(Envelope.id)).scalars()]


def count_envelopes(session: Session, principal: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(Envelope).where(visible(principal, Envelope))
    ).scalar_one()


def read_envelope(session: Session, principal: Principal, ident: int) -> tuple[bytes, Any]:
    """The envelope's bytes and parsed statement (audited when AMBER or stricter)."""
    row = get_visible(session, principal, Envelope, ident)
    audit.audit_read(session, principal, row.tlp, "envelope.read", "envelope", row.id, row.digest)
    return blob_bytes(session, row.digest), json.loads(row.payload)
