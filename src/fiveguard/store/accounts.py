"""Accounts: organisations, users, memberships, API tokens, and the principal a person
or a token acts as. Managed by the instance administrator (and, for its own members and
tokens, an organisation's admin); every change is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import OrganisationKind, Role
from fiveguard.store import audit
from fiveguard.store.access import require_account_admin, visible_organisations
from fiveguard.store.common import ForbiddenError, NotFoundError, digest_of, now
from fiveguard.store.passwords import check_new_password, hash_password
from fiveguard.store.principal import TOKEN_SCOPES, Action, Principal
from fiveguard.store.tables import ApiToken, Membership, Organisation, UserAccount

NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")
TOKEN_DAYS_MAX = 366
"""A token lives at most a year: long-lived secrets leak."""


def _name(value: str, where: str, what: str) -> str:
    if not NAME_PATTERN.fullmatch(value):
        raise InputError.at(
            f"expected {what}: 1–64 letters, digits, '.', '_', '@' or '-' (starting with a "
            f"letter or digit), got {value!r}",
            COMMAND_LINE,
            path=where,
        )
    return value


@dataclass(frozen=True)
class OrganisationView:
    id: int
    name: str
    title: str
    kind: OrganisationKind
    country: str | None
    supervisor: str | None


def organisation_by_name(session: Session, name: str, where: str = "--org") -> Organisation:
    found = session.execute(
        select(Organisation).where(Organisation.name == name)
    ).scalar_one_or_none()
    if found is None:
        raise InputError.at(f"unknown organisation {name!r}", COMMAND_LINE, path=where)
    return found


def add_organisation(
    session: Session,
    principal: Principal,
    name: str,
    kind: OrganisationKind,
    *,
    country: str | None = None,
    title: str | None = None,
    supervisor: str | None = None,
) -> OrganisationView:
    """Add an organisation (instance administrator only)."""
    require_account_admin(principal)
    _name(name, "NAME", "an organisation name")
    if country is not None and not COUNTRY_PATTERN.fullmatch(country):
        raise InputError.at(
            f"expected an ISO 3166-1 alpha-2 country code such as BE, got {country!r}",
            COMMAND_LINE,
            path="--country",
        )
    if country is None and kind in (OrganisationKind.NATIONAL_AUTHORITY, OrganisationKind.OPERATOR):
        raise InputError.at(f"a {kind} needs --country", COMMAND_LINE, path="--country")
    supervisor_id = _supervisor_id(session, kind, country, supervisor)
    if session.execute(select(exists().where(Organisation.name == name))).scalar():
        raise InputError.at(f"organisation {name!r} exists already", COMMAND_LINE, path="NAME")
    org = Organisation(
        name=name,
        title=title or name,
        kind=kind.value,
        country=country,
        supervisor_id=supervisor_id,
        created_at=now(),
    )
    session.add(org)
    session.flush()
    view = _org_view(session, org)
    audit.append(
        session,
        principal,
        "organisation.add",
        kind="organisation",
        object_id=name,
        digest=digest_of(view.__dict__ | {"kind": kind.value}),
    )
    return view


def _supervisor_id(
    session: Session, kind: OrganisationKind, country: str | None, supervisor: str | None
) -> int | None:
    """An operator's supervising authority: a national authority of its country."""
    if supervisor is None:
        return None
    if kind != OrganisationKind.OPERATOR:
        raise InputError.at(
            "only an operator has a supervising authority", COMMAND_LINE, path="--supervisor"
        )
    boss = organisation_by_name(session, supervisor, "--supervisor")
    if boss.kind != OrganisationKind.NATIONAL_AUTHORITY or boss.country != country:
        raise InputError.at(
            f"expected a national authority of {country}, got {supervisor!r} "
            f"({boss.kind}, {boss.country})",
            COMMAND_LINE,
            path="--supervisor",
        )
    return boss.id


def _org_view(session: Session, org: Organisation) -> OrganisationView:
    supervisor = session.get(Organisation, org.supervisor_id) if org.supervisor_id else None
    return OrganisationView(
        org.id,
        org.name,
        org.title,
        OrganisationKind(org.kind),
        org.country,
        supervisor.name if supervisor else None,
    )


def list_organisations(session: Session, principal: Principal) -> list[OrganisationView]:
    rows = session.execute(
        select(Organisation).where(visible_organisations(principal)).order_by(Organisation.name)
    ).scalars()
    return [_org_view(session, org) for org in rows]


@dataclass(frozen=True)
class UserView:
    name: str
    instance_admin: bool
    memberships: tuple[tuple[str, Role], ...]


def _user_by_name(session: Session, name: str, where: str = "--user") -> UserAccount:
    user = session.execute(select(UserAccount).where(UserAccount.name == name)).scalar_one_or_none()
    if user is None or not user.active:
        raise InputError.at(f"unknown user {name!r}", COMMAND_LINE, path=where)
    return user


def add_user(
    session: Session,
    principal: Principal | None,
    name: str,
    password: str,
    *,
    instance_admin: bool = False,
) -> UserView:
    """Add a user (instance administrator only). With no principal, only the first
    instance administrator of an empty record may be added (setting up)."""
    _name(name, "NAME", "a user name")
    if principal is None:
        if (
            not instance_admin
            or session.execute(
                select(exists().where(UserAccount.instance_admin.is_(True)))
            ).scalar()
        ):
            raise ForbiddenError(
                "only the first instance administrator is added without --user; "
                "act as an instance administrator"
            )
        principal = Principal(name, None, None, None, None, instance_admin=True)
    require_account_admin(principal)
    if session.execute(select(exists().where(UserAccount.name == name))).scalar():
        raise InputError.at(f"user {name!r} exists already", COMMAND_LINE, path="NAME")
    check_new_password(password, name)
    user = UserAccount(
        name=name,
        password_hash=hash_password(password),
        instance_admin=instance_admin,
        active=True,
        created_at=now(),
    )
    session.add(user)
    session.flush()
    audit.append(
        session,
        principal,
        "user.add",
        kind="user",
        object_id=name,
        digest=digest_of({"name": name, "instance_admin": instance_admin}),
    )
    return UserView(name, instance_admin, ())


def add_member(
    session: Session, principal: Principal, user: str, organisation: str, role: Role
) -> UserView:
    """Make ``user`` a member of ``organisation`` with ``role`` (or change the role)."""
    org = organisation_by_name(session, organisation)
    require_account_admin(principal, org.id)
    account = _user_by_name(session, user, "NAME")
    if account.instance_admin:
        raise InputError.at(
            f"{user!r} is an instance administrator, who sees no data and so belongs to no "
            "organisation; add a separate user",
            COMMAND_LINE,
            path="NAME",
        )
    member = session.execute(
        select(Membership).where(
            Membership.user_id == account.id, Membership.organisation_id == org.id
        )
    ).scalar_one_or_none()
    if member is None:
        session.add(
            Membership(
                user_id=account.id, organisation_id=org.id, role=role.value, created_at=now()
            )
        )
    else:
        member.role = role.value
    session.flush()
    audit.append(
        session,
        principal,
        "membership.set",
        kind="membership",
        object_id=f"{user}@{organisation}",
        digest=digest_of({"user": user, "organisation": organisation, "role": role.value}),
    )
    return _user_view(session, account)


def _user_view(session: Session, user: UserAccount) -> UserView:
    rows = session.execute(
        select(Organisation.name, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.name)
    ).all()
    return UserView(user.name, user.instance_admin, tuple((o, Role(r)) for o, r in rows))


def list_users(session: Session, principal: Principal) -> list[UserView]:
    """Every user for the instance administrator; the members of one's own organisation
    for a member (a person; tokens list no people)."""
    query = select(UserAccount).where(UserAccount.active.is_(True)).order_by(UserAccount.name)
    if not principal.instance_admin:
        if principal.organisation_id is None or principal.token or not principal.may(Action.READ):
            raise ForbiddenError(f"{principal.actor} may not list users")
        query = query.where(
            exists().where(
                Membership.user_id == UserAccount.id,
                Membership.organisation_id == principal.organisation_id,
            )
        )
    views = [_user_view(session, u) for u in session.execute(query).scalars()]
    if principal.instance_admin:
        return views
    own = principal.organisation
    return [UserView(v.name, False, tuple(m for m in v.memberships if m[0] == own)) for v in views]


def act_as(session: Session, user: str, organisation: str | None = None) -> Principal:
    """The principal of ``user`` acting in ``organisation`` (which may be left out when
    the user belongs to one only). The command line is a trusted local tool: it checks
    the membership, not a password."""
    account = _user_by_name(session, user)
    if account.instance_admin:
        if organisation is not None:
            raise InputError.at(
                f"{user!r} is the instance administrator and acts in no organisation",
                COMMAND_LINE,
                path="--org",
            )
        return Principal(user, account.id, None, None, None, instance_admin=True)
    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == account.id)
        .order_by(Organisation.name)
    ).all()
    if organisation is not None:
        rows = [r for r in rows if r[0].name == organisation]
        if not rows:
            raise InputError.at(
                f"{user!r} is not a member of {organisation!r}", COMMAND_LINE, path="--org"
            )
    if len(rows) != 1:
        names = ", ".join(r[0].name for r in rows)
        raise InputError.at(
            f"{user!r} is a member of {names or 'no organisation'}: choose one with --org"
            if rows
            else f"{user!r} is a member of no organisation",
            COMMAND_LINE,
            path="--org",
        )
    org, role = rows[0]
    return Principal(user, account.id, org.id, org.name, OrganisationKind(org.kind), Role(role))


@dataclass(frozen=True)
class TokenView:
    public_id: str
    name: str
    organisation: str
    scopes: tuple[str, ...]
    expires_at: str
    revoked: bool
    secret: str | None = None
    """Only when created: the secret is shown once and never stored."""


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session, principal: Principal, name: str, scopes: list[str], days: int
) -> TokenView:
    """A token for the principal's organisation (its admin's decision), shown once."""
    if principal.token is not None or principal.organisation_id is None:
        raise ForbiddenError("tokens are created by an organisation's admin, in person")
    require_account_admin(principal, principal.organisation_id)
    unknown = [s for s in scopes if s not in {a.value for a in TOKEN_SCOPES}]
    if unknown or not scopes:
        allowed = ", ".join(sorted(a.value for a in TOKEN_SCOPES))
        raise InputError.at(
            f"expected scopes among {allowed}, got {', '.join(unknown) or 'none'}",
            COMMAND_LINE,
            path="--scope",
        )
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise InputError.at(
            f"expected 1 to {TOKEN_DAYS_MAX} days, got {days}", COMMAND_LINE, path="--days"
        )
    public_id = "fgt_" + secrets.token_hex(6)
    secret = f"{public_id}.{secrets.token_urlsafe(32)}"
    created = now()
    expires = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    ordered = tuple(sorted(set(scopes)))
    token = ApiToken(
        public_id=public_id,
        secret_hash=_secret_hash(secret),
        name=name,
        organisation_id=principal.organisation_id,
        created_by=principal.user_id,
        scopes=",".join(ordered),
        created_at=created,
        expires_at=expires,
        revoked_at=None,
    )
    session.add(token)
    session.flush()
    audit.append(
        session,
        principal,
        "token.create",
        kind="token",
        object_id=public_id,
        digest=digest_of({"id": public_id, "scopes": list(ordered), "expires_at": expires}),
    )
    return TokenView(
        public_id, name, str(principal.organisation), ordered, expires, False, secret=secret
    )


def revoke_token(session: Session, principal: Principal, public_id: str) -> TokenView:
    token = session.execute(
        select(ApiToken).where(ApiToken.public_id == public_id)
    ).scalar_one_or_none()
    if token is None or not (
        principal.instance_admin or token.organisation_id == principal.organisation_id
    ):
        raise NotFoundError("token", public_id, "TOKEN")
    if principal.token is not None:
        raise ForbiddenError("a token cannot revoke tokens")
    require_account_admin(principal, token.organisation_id)
    if token.revoked_at is None:
        token.revoked_at = now()
        session.flush()
        audit.append(session, principal, "token.revoke", kind="token", object_id=public_id)
    return _token_view(session, token)


def _token_view(session: Session, token: ApiToken) -> TokenView:
    org = session.get(Organisation, token.organisation_id)
    return TokenView(
        token.public_id,
        token.name,
        org.name if org else "?",
        tuple(token.scopes.split(",")),
        token.expires_at,
        token.revoked_at is not None,
    )


def list_tokens(session: Session, principal: Principal) -> list[TokenView]:
    """The tokens of the principal's organisation (its admin), or all (instance admin)."""
    query = select(ApiToken).order_by(ApiToken.created_at)
    if not principal.instance_admin:
        if principal.token is not None or principal.organisation_id is None:
            raise ForbiddenError("tokens are listed by an organisation's admin, in person")
        require_account_admin(principal, principal.organisation_id)
        query = query.where(ApiToken.organisation_id == principal.organisation_id)
    return [_token_view(session, t) for t in session.execute(query).scalars()]


def principal_from_token(session: Session, secret: str) -> Principal:
    """The principal a token acts as; refused when unknown, revoked or expired (one
    message for all three, so a guesser learns nothing)."""
    token = session.execute(
        select(ApiToken).where(ApiToken.secret_hash == _secret_hash(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or token.expires_at <= now():
        raise ForbiddenError("the token is not valid", "token")
    org = session.get(Organisation, token.organisation_id)
    assert org is not None  # a foreign key
    return Principal(
        actor=f"token:{token.public_id}",
        user_id=None,
        organisation_id=org.id,
        organisation=org.name,
        organisation_kind=OrganisationKind(org.kind),
        token=token.public_id,
        scopes=frozenset(Action(s) for s in token.scopes.split(",")),
    )


def is_instance_admin(session: Session, user: str) -> bool:
    return bool(
        session.execute(
            select(exists().where(UserAccount.name == user, UserAccount.instance_admin.is_(True)))
        ).scalar()
    )
