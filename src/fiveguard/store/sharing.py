"""Addressing an object to another organisation (and, for TLP:RED, to named people
there): the only way an object reaches beyond the rules of :mod:`fiveguard.store.access`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.store import audit
from fiveguard.store.access import NAMES, Owned, may_receive, require
from fiveguard.store.accounts import organisation_by_name
from fiveguard.store.common import NotFoundError, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import Membership, NamedRecipient, Share, UserAccount


def share(
    session: Session,
    principal: Principal,
    kind: str,
    object_id: int,
    to: str,
    people: Sequence[str] = (),
) -> None:
    """Address the object ``kind`` ``object_id``, held by the principal's organisation, to
    the organisation ``to``; a TLP:RED object only to ``people``, members of ``to``.

    Only the holder shares (re-sharing is a new object, made by whoever re-shares).
    """
    org_id = require(principal, Action.SHARE, "share")
    table = NAMES.get(kind)
    if table is None:
        raise InputError.at(f"unknown kind {kind!r}", COMMAND_LINE, path="KIND")
    row = cast(
        Owned | None,
        session.execute(select(table).where(table.id == object_id)).scalar_one_or_none(),
    )
    if row is None or row.organisation_id != org_id:
        raise NotFoundError(kind, object_id)
    target = organisation_by_name(session, to, "--to")
    if not may_receive(kind, OrganisationKind(target.kind)):
        raise InputError.at(
            f"a {kind} is never addressed to the EU coordinator: send it a summary envelope",
            COMMAND_LINE,
            path="--to",
        )
    if row.tlp == Tlp.RED.value and not people:
        raise InputError.at(
            "a TLP:RED object goes to named people only: name them", COMMAND_LINE, path="--person"
        )
    users = [_member(session, person, target.id, to) for person in people]
    _address(session, principal, kind, object_id, target.id)
    for user in users:
        if session.get(NamedRecipient, (kind, object_id, user.id)) is None:
            session.add(NamedRecipient(object_kind=kind, object_id=object_id, user_id=user.id))
    session.flush()
    audit.append(
        session,
        principal,
        "share",
        kind=kind,
        object_id=object_id,
        detail={"to": to, "people": sorted(people)},
    )


def _member(session: Session, person: str, organisation_id: int, to: str) -> UserAccount:
    user = session.execute(select(UserAccount).where(UserAccount.name == person)).scalar()
    if (
        user is None
        or not session.execute(
            select(
                exists().where(
                    Membership.user_id == user.id, Membership.organisation_id == organisation_id
                )
            )
        ).scalar()
    ):
        raise InputError.at(f"{person!r} is not a member of {to!r}", COMMAND_LINE, path="--person")
    return user


def _address(
    session: Session, principal: Principal, kind: str, object_id: int, organisation_id: int
) -> None:
    """Add the share unless it is there already."""
    if not session.execute(
        select(
            exists().where(
                Share.object_kind == kind,
                Share.object_id == object_id,
                Share.organisation_id == organisation_id,
            )
        )
    ).scalar():
        session.add(
            Share(
                object_kind=kind,
                object_id=object_id,
                organisation_id=organisation_id,
                created_by=principal.actor,
                created_at=now(),
            )
        )
