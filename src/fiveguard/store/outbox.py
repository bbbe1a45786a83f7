"""Objects prepared to leave an organisation (the outbox workflow's rows) and their
deliveries into inboxes on this instance, as the record keeps them. What may happen to
them, and when, is decided by :mod:`fiveguard.app.outbox`; this module reads and writes
rows under the record's one access policy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fiveguard.domain.parties import Tlp
from fiveguard.store.access import get_visible, visible
from fiveguard.store.common import NotFoundError
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import Delivery, Organisation, Outgoing


@dataclass(frozen=True)
class DeliveryView:
    id: int
    outgoing_id: int
    organisation: str
    """The recipient organisation whose inbox it was delivered into."""
    origin: str
    digest: str
    tlp: Tlp
    status: str
    """``pending`` until the recipient verifies and imports it, then ``imported``."""
    envelope_id: int | None
    created_at: str
    imported_by: str | None
    imported_at: str | None


@dataclass(frozen=True)
class OutgoingView:
    id: int
    organisation: str
    status: str
    kind: str
    run_id: int | None
    recipients: list[str]
    sequence: int
    bundle_id: str
    tlp: Tlp
    payload_digest: str
    signatures: int
    """Signatures gathered so far."""
    envelope_id: int | None
    created_by: str
    created_at: str
    signed_by: str | None
    signed_at: str | None
    sent_by: str | None
    sent_at: str | None
    deliveries: list[DeliveryView]


def _org_name(session: Session, organisation_id: int) -> str:
    org = session.get(Organisation, organisation_id)
    return org.name if org else "?"


def delivery_view(session: Session, row: Delivery) -> DeliveryView:
    return DeliveryView(
        row.id,
        row.outgoing_id,
        _org_name(session, row.organisation_id),
        row.origin,
        row.digest,
        Tlp(row.tlp),
        "imported" if row.envelope_id is not None else "pending",
        row.envelope_id,
        row.created_at,
        row.imported_by,
        row.imported_at,
    )


def outgoing_view(session: Session, row: Outgoing, signatures: int = 0) -> OutgoingView:
    deliveries = session.execute(
        select(Delivery).where(Delivery.outgoing_id == row.id).order_by(Delivery.id)
    ).scalars()
    return OutgoingView(
        row.id,
        _org_name(session, row.organisation_id),
        row.status,
        row.kind,
        row.run_id,
        list(json.loads(row.recipients)),
        row.sequence,
        row.bundle_id,
        Tlp(row.tlp),
        row.payload_digest,
        signatures,
        row.envelope_id,
        row.created_by,
        row.created_at,
        row.signed_by,
        row.signed_at,
        row.sent_by,
        row.sent_at,
        [delivery_view(session, d) for d in deliveries],
    )


def list_outgoing(session: Session, principal: Principal) -> list[Outgoing]:
    """The prepared, signed and sent objects the principal may see (its organisation's,
    and for an authority those of the operators it supervises)."""
    query = select(Outgoing).where(visible(principal, Outgoing)).order_by(Outgoing.id)
    return list(session.execute(query).scalars())


def get_outgoing(session: Session, principal: Principal, ident: int) -> Outgoing:
    return get_visible(session, principal, Outgoing, ident)


def _receives(principal: Principal) -> bool:
    return (
        principal.organisation_id is not None
        and not principal.instance_admin
        and principal.may(Action.READ)
    )


def list_deliveries(session: Session, principal: Principal) -> list[DeliveryView]:
    """Envelopes delivered into the principal's organisation's inbox (a token never sees
    TLP:RED; none is delivered on the instance anyway)."""
    if not _receives(principal):
        return []
    query = select(Delivery).where(Delivery.organisation_id == principal.organisation_id)
    if principal.token is not None:
        query = query.where(Delivery.tlp != Tlp.RED.value)
    return [
        delivery_view(session, d) for d in session.execute(query.order_by(Delivery.id)).scalars()
    ]


def get_delivery(session: Session, principal: Principal, ident: int) -> Delivery:
    """A delivery into the principal's organisation's inbox, or not found (as for anyone
    else's)."""
    row = session.get(Delivery, ident) if _receives(principal) else None
    if (
        row is None
        or row.organisation_id != principal.organisation_id
        or (principal.token is not None and row.tlp == Tlp.RED.value)
    ):
        raise NotFoundError("delivery", ident)
    return row
