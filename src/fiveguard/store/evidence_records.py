"""Evidence records held in the record: an evaluation, certificate, finding, SBOM or
scan, as a lab or an organisation issued it (the same shape as in a model's evidence)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import Tlp
from fiveguard.store import audit
from fiveguard.store.access import get_visible, name_author, require, visible
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import canonical, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import EvidenceEntry, Organisation


@dataclass(frozen=True)
class EvidenceView:
    id: int
    organisation: str
    record_id: str
    kind: str
    product: str | None
    digest: str
    tlp: Tlp
    created_by: str
    created_at: str


def record_evidence(
    session: Session,
    principal: Principal,
    record: BaseModel | Mapping[str, Any],
    tlp: Tlp = Tlp.AMBER,
) -> EvidenceView:
    """Keep an evidence record issued by the principal's organisation."""
    org_id = require(principal, Action.IMPORT, "record evidence")
    data = (
        record.model_dump(mode="json", exclude_defaults=True)
        if isinstance(record, BaseModel)
        else dict(record)
    )
    ident, kind = data.get("id"), data.get("type")
    if not isinstance(ident, str) or not isinstance(kind, str):
        raise InputError.at("expected an evidence record with 'id' and 'type'", COMMAND_LINE)
    products = data.get("products") or ([data["product"]] if "product" in data else [])
    digest = store_bytes(session, canonical(data))
    row = EvidenceEntry(
        organisation_id=org_id,
        record_id=ident,
        kind=kind,
        product=",".join(str(p) for p in products) or None,
        digest=digest,
        tlp=tlp.value,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    name_author(session, principal, "evidence", row.id, tlp)
    audit.append(
        session,
        principal,
        "evidence.record",
        kind="evidence",
        object_id=row.id,
        digest=digest,
        detail={"record": ident, "type": kind, "tlp": tlp.value},
    )
    return _view(session, row)


def _view(session: Session, row: EvidenceEntry) -> EvidenceView:
    org = session.get(Organisation, row.organisation_id)
    return EvidenceView(
        row.id,
        org.name if org else "?",
        row.record_id,
        row.kind,
        row.product,
        row.digest,
        Tlp(row.tlp),
        row.created_by,
        row.created_at,
    )


def list_evidence(session: Session, principal: Principal) -> list[EvidenceView]:
    rows = session.execute(
        select(EvidenceEntry).where(visible(principal, EvidenceEntry)).order_by(EvidenceEntry.id)
    ).scalars()
    return [_view(session, row) for row in rows]


def count_evidence(session: Session, principal: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(EvidenceEntry).where(visible(principal, EvidenceEntry))
    ).scalar_one()


def read_evidence(session: Session, principal: Principal, ident: int) -> Any:
    """The record's content (audited when AMBER or stricter)."""
    row = get_visible(session, principal, EvidenceEntry, ident)
    audit.audit_read(session, principal, row.tlp, "evidence.read", "evidence", row.id, row.digest)
    return json.loads(blob_bytes(session, row.digest))
