"""Who is asking: sign-in (Argon2id, rate limited), server-side sessions, CSRF tokens,
and the principal a session or an API token acts as.

A session's cookie carries 256 random bits; the record keeps only their SHA-256, so a
copy of the database opens no session. Sign-in always makes a new session (the old
cookie, if any, is ended), so a session id planted before sign-in is worthless.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import InputError
from fiveguard.store.accounts import act_as, principal_from_token
from fiveguard.store.common import ForbiddenError, now
from fiveguard.store.database import Database
from fiveguard.store.passwords import MAX_LENGTH, hash_password, password_matches
from fiveguard.store.principal import Principal
from fiveguard.store.tables import LoginAttempt, Organisation, UserAccount, WebSession
from fiveguard.web.settings import WebSettings

SESSION_COOKIE = "__Host-fiveguard-session"
"""The ``__Host-`` prefix makes browsers refuse the cookie unless it is Secure, has
Path=/ and no Domain: no sibling host can set or read it."""
PLAIN_SESSION_COOKIE = "fiveguard-session"
"""The name used when cookies are not Secure (tests over plain HTTP only)."""
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"

_DUMMY_HASH = hash_password("a password nobody has, to time unknown users alike")


class SignInRefusedError(Exception):
    """Wrong user name or password (one message for both), or too many attempts."""

    def __init__(self, message: str, *, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewSession:
    secret: str
    csrf_token: str
    principal: Principal


def sign_in(
    db: Database,
    settings: WebSettings,
    user_name: str,
    password: str,
    organisation: str | None,
    client: str,
) -> NewSession:
    """Check the password (off any transaction: Argon2 takes tens of milliseconds, and a
    SQLite transaction holds the write lock) and open a session.

    Called from a worker thread (FastAPI runs plain ``def`` routes in its thread pool),
    never on the event loop.
    """
    user_key = user_name[:64]
    client_key = client[:64]
    window = _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=settings.login_window_minutes))
    with db.transaction() as session:
        if _failures(session, LoginAttempt.user_name == user_key, window) >= (
            settings.login_failures_per_user
        ) or _failures(session, LoginAttempt.client == client_key, window) >= (
            settings.login_failures_per_client
        ):
            raise SignInRefusedError(
                f"too many failed sign-ins; try again in {settings.login_window_minutes} minutes",
                throttled=True,
            )
        account = session.execute(
            select(UserAccount).where(UserAccount.name == user_key, UserAccount.active.is_(True))
        ).scalar_one_or_none()
        stored = account.password_hash if account is not None else _DUMMY_HASH
    matches = bool(password) and len(password) <= MAX_LENGTH and password_matches(password, stored)
    ok = matches and account is not None
    with db.transaction() as session:
        session.add(LoginAttempt(user_name=user_key, client=client_key, at=now(), succeeded=ok))
    if not ok:
        raise SignInRefusedError("wrong user name or password")
    with db.transaction() as session:
        try:
            principal = act_as(session, user_key, organisation or None)
        except InputError as exc:
            raise SignInRefusedError(exc.problems[0].message) from None
        secret = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=settings.session_hours)
        session.add(
            WebSession(
                id=_digest(secret),
                user_id=principal.user_id,
                organisation_id=principal.organisation_id,
                csrf_token=csrf,
                created_at=now(),
                expires_at=_stamp(expires),
            )
        )
    return NewSession(secret, csrf, principal)


def _failures(session: Session, who: object, since: str) -> int:
    return session.execute(
        select(func.count())
        .select_from(LoginAttempt)
        .where(who, LoginAttempt.at > since, LoginAttempt.succeeded.is_(False))  # type: ignore[arg-type]
    ).scalar_one()


def sign_out(session: Session, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == _digest(secret)))


@dataclass(frozen=True)
class Caller:
    """A request's principal, and the CSRF token its session expects (None for a token,
    which a browser never sends by itself)."""

    principal: Principal
    csrf_token: str | None


class NotSignedInError(Exception):
    """No session or token, or one that has expired or was revoked."""


def from_session(session: Session, secret: str) -> Caller:
    row = session.get(WebSession, _digest(secret))
    if row is None or row.expires_at <= now():
        raise NotSignedInError("the session has ended: sign in again")
    account = session.get(UserAccount, row.user_id)
    org = session.get(Organisation, row.organisation_id) if row.organisation_id else None
    if account is None or not account.active:
        raise NotSignedInError("the account is no longer active")
    try:
        principal = act_as(session, account.name, org.name if org else None)
    except InputError:
        raise NotSignedInError(
            "the membership this session used has ended: sign in again"
        ) from None
    return Caller(principal, row.csrf_token)


def from_token(session: Session, secret: str) -> Caller:
    try:
        return Caller(principal_from_token(session, secret), None)
    except ForbiddenError:
        raise NotSignedInError("the token is not valid") from None


def csrf_matches(expected: str | None, given: str | None) -> bool:
    """A constant-time comparison of the session's CSRF token with the one sent."""
    return expected is None or (
        given is not None and hmac.compare_digest(expected.encode(), given.encode())
    )
