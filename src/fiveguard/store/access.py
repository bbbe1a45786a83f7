"""The one access policy of the record. Every read, list, count, aggregate and export
asks :func:`visible` for its filter; every write asks :func:`require`.

Who sees an organisation's objects (snapshots, assessment runs, evidence, envelopes):

- the organisation that holds it;
- an organisation it was addressed or granted to (a :class:`Share`; an envelope in an
  inbox is held by its recipient);
- a national authority, the objects of the operators it supervises;
- nobody else: the EU coordinator sees only what was addressed to it and what it derived
  from that, never a model snapshot; an evaluation lab what it issued or was granted;
  the instance administrator manages accounts and sees no data at all.

TLP labels filter on top: CLEAR, GREEN and AMBER objects follow the rules above;
AMBER+STRICT stays within the holding organisation and those it was addressed to (not
the supervising authority); RED only to named people (:class:`NamedRecipient`) of those
organisations. A token names no person, so it never sees RED.

An object the principal may not see is reported exactly as a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import (
    AssessmentRun,
    Envelope,
    EvidenceEntry,
    LabAttestationRow,
    LabRecordRow,
    ModelSlice,
    ModelSnapshot,
    NamedRecipient,
    Organisation,
    Outgoing,
    RegistryLabRow,
    Share,
)

Owned = (
    ModelSnapshot
    | AssessmentRun
    | EvidenceEntry
    | Envelope
    | ModelSlice
    | LabRecordRow
    | LabAttestationRow
    | Outgoing
)
T = TypeVar(
    "T",
    ModelSnapshot,
    AssessmentRun,
    EvidenceEntry,
    Envelope,
    ModelSlice,
    LabRecordRow,
    LabAttestationRow,
    Outgoing,
)

KINDS: dict[type[Owned], str] = {
    ModelSnapshot: "snapshot",
    AssessmentRun: "assessment",
    EvidenceEntry: "evidence",
    Envelope: "envelope",
    ModelSlice: "slice",
    LabRecordRow: "lab-record",
    LabAttestationRow: "attestation",
    Outgoing: "outgoing",
}
NAMES: dict[str, type[Owned]] = {name: table for table, name in KINDS.items()}

NEVER_TO_COORDINATOR = frozenset({"snapshot", "assessment", "slice", "outgoing"})
"""A national model (or an operator's part of one), or an assessment run that carries its
inventory, never reaches the EU coordinator: it receives summaries, as envelopes. (An
object prepared to be sent is its holder's until it is signed and delivered.)"""

_OPEN = (Tlp.CLEAR.value, Tlp.GREEN.value, Tlp.AMBER.value)


def visible(principal: Principal, table: type[T]) -> ColumnElement[bool]:
    """The filter of the rows of ``table`` this principal may see (false for none)."""
    org = principal.organisation_id
    if org is None or not principal.may(Action.READ):
        return false()
    kind = KINDS[table]
    if (
        kind in NEVER_TO_COORDINATOR
        and principal.organisation_kind == OrganisationKind.EU_COORDINATOR
    ):
        return false()
    addressed = or_(
        table.organisation_id == org,
        exists().where(
            Share.object_kind == kind, Share.object_id == table.id, Share.organisation_id == org
        ),
    )
    supervised: ColumnElement[bool] = false()
    if principal.organisation_kind == OrganisationKind.NATIONAL_AUTHORITY:
        supervised = table.organisation_id.in_(
            select(Organisation.id).where(Organisation.supervisor_id == org)
        )
    named: ColumnElement[bool] = false()
    if principal.user_id is not None and principal.token is None:
        named = exists().where(
            NamedRecipient.object_kind == kind,
            NamedRecipient.object_id == table.id,
            NamedRecipient.user_id == principal.user_id,
        )
    return or_(
        and_(table.tlp.in_(_OPEN), or_(addressed, supervised)),
        and_(table.tlp == Tlp.AMBER_STRICT.value, addressed),
        and_(table.tlp == Tlp.RED.value, addressed, named),
    )


REGISTRY_READERS = frozenset(
    {
        OrganisationKind.NATIONAL_AUTHORITY,
        OrganisationKind.OPERATOR,
        OrganisationKind.EVALUATION_LAB,
    }
)
"""Who reads the registry's entries (suppliers, products, versions, labs): reference data
shared by authorities, operators and labs. The EU coordinator receives what is addressed
to it; the instance administrator sees no data."""


def sees_registry(principal: Principal) -> bool:
    """Whether the principal may read the registry's entries."""
    return principal.may(Action.READ) and principal.organisation_kind in REGISTRY_READERS


LabTable = TypeVar("LabTable", LabRecordRow, LabAttestationRow)


def visible_lab(principal: Principal, table: type[LabTable], today: dt.date) -> ColumnElement[bool]:
    """The filter of the lab records (or attestations) this principal may see on ``today``.

    On top of :func:`visible` (held, addressed, or an operator's under its authority):

    - the issuing lab sees what it issued (a TLP:RED record only by its named people);
    - every authority and operator sees CLEAR and GREEN records: they are about products,
      not about anyone's network;
    - a finding under embargo (an attestation carrying one) is hidden until the embargo's
      date from everyone but the issuing lab.
    """
    if principal.organisation_id is None or not principal.may(Action.READ):
        return false()
    issuer: ColumnElement[bool] = false()
    if principal.organisation_kind == OrganisationKind.EVALUATION_LAB:
        issuer = table.lab_id.in_(
            select(RegistryLabRow.id).where(RegistryLabRow.entry_id == principal.organisation)
        )
    public: ColumnElement[bool] = false()
    if principal.organisation_kind in (
        OrganisationKind.NATIONAL_AUTHORITY,
        OrganisationKind.OPERATOR,
    ):
        public = table.tlp.in_((Tlp.CLEAR.value, Tlp.GREEN.value))
    named: ColumnElement[bool] = false()
    if principal.user_id is not None and principal.token is None:
        named = exists().where(
            NamedRecipient.object_kind == KINDS[table],
            NamedRecipient.object_id == table.id,
            NamedRecipient.user_id == principal.user_id,
        )
    seen = or_(
        visible(principal, table),
        and_(issuer, or_(table.tlp != Tlp.RED.value, named)),
        public,
    )
    return and_(
        seen,
        or_(issuer, table.embargo_until.is_(None), table.embargo_until <= today.isoformat()),
    )


def get_visible(session: Session, principal: Principal, table: type[T], ident: int) -> T:
    """The object, or :class:`NotFoundError` whether it is missing or not the principal's to see."""
    found = session.execute(
        select(table).where(table.id == ident, visible(principal, table))
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(KINDS[table], ident)
    return found


def require(principal: Principal, action: Action, what: str) -> int:
    """Refuse unless the principal acts in an organisation whose role (or token) allows
    ``action``; return that organisation's id."""
    if principal.instance_admin:
        raise ForbiddenError(
            f"the instance administrator manages accounts and cannot {what}: act as a member "
            "of an organisation"
        )
    if principal.organisation_id is None or not principal.may(action):
        held = f"token {principal.token}" if principal.token else f"role {principal.role}"
        raise ForbiddenError(
            f"{principal.actor}'s {held} in {principal.organisation} does not allow to {what}"
        )
    return principal.organisation_id


def require_account_admin(principal: Principal, organisation_id: int | None = None) -> None:
    """Accounts are managed by the instance administrator, or, for members of one
    organisation, by that organisation's admin (a person, not a token)."""
    if principal.instance_admin:
        return
    if (
        organisation_id is not None
        and principal.token is None
        and principal.organisation_id == organisation_id
        and principal.may(Action.MANAGE)
    ):
        return
    raise ForbiddenError(f"{principal.actor} may not manage these accounts")


def visible_organisations(principal: Principal) -> ColumnElement[bool]:
    """Organisations a principal is shown: all for the instance administrator; for a
    member, its own, the operators it supervises and its supervisor."""
    if principal.instance_admin:
        return Organisation.id.is_not(None)
    org = principal.organisation_id
    if org is None or not principal.may(Action.READ):
        return false()
    supervisor = select(Organisation.supervisor_id).where(Organisation.id == org)
    return or_(
        Organisation.id == org,
        Organisation.supervisor_id == org,
        Organisation.id.in_(supervisor),
    )


def may_receive(kind: str, recipient: OrganisationKind) -> bool:
    """Whether an object of ``kind`` may be addressed to an organisation of this kind."""
    return not (recipient == OrganisationKind.EU_COORDINATOR and kind in NEVER_TO_COORDINATOR)


def name_author(session: Session, principal: Principal, kind: str, ident: int, tlp: Tlp) -> None:
    """A TLP:RED object's author is its first named recipient (a token names no one)."""
    if tlp == Tlp.RED and principal.user_id is not None and principal.token is None:
        session.add(NamedRecipient(object_kind=kind, object_id=ident, user_id=principal.user_id))
