"""What every route is given: the record, the settings, and a way to open one
transaction as the caller (session cookie or bearer token), with CSRF checked on every
state-changing request made with a cookie.

Dependencies are wired here, in one place; routes take :data:`CallerDep` or
:data:`AppDep` and decide nothing about authentication themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from fiveguard.domain.catalogue import Catalogue
from fiveguard.store.database import Database
from fiveguard.store.principal import Principal
from fiveguard.web import auth
from fiveguard.web.settings import WebSettings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class AppState:
    """The application's long-lived parts (on ``app.state.fiveguard``)."""

    db: Database
    settings: WebSettings
    catalogue: Catalogue

    @property
    def cookie_name(self) -> str:
        return auth.SESSION_COOKIE if self.settings.secure_cookies else auth.PLAIN_SESSION_COOKIE


class CsrfRefusedError(Exception):
    """A state-changing request made with a session cookie, without its CSRF token."""


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.fiveguard
    return state


AppDep = Annotated[AppState, Depends(app_state)]


@dataclass
class Call:
    """One request's credentials, resolved to a principal inside its transaction."""

    state: AppState
    method: str
    bearer: str | None
    cookie: str | None
    csrf_given: str | None
    csrf_token: str | None = None
    """The session's CSRF token, once :meth:`acting` has resolved the caller (for forms)."""

    @property
    def db(self) -> Database:
        return self.state.db

    @contextmanager
    def acting(self, *, csrf: str | None = None) -> Iterator[tuple[Session, Principal]]:
        """One transaction as the caller: :class:`auth.NotSignedInError` without valid
        credentials, :class:`CsrfRefusedError` when a cookie-borne change lacks its token
        (``csrf`` is a form's field, when the page sends it that way)."""
        with self.db.transaction() as session:
            caller = self._caller(session)
            self.csrf_token = caller.csrf_token
            given = csrf or self.csrf_given
            if self.method not in SAFE_METHODS and not auth.csrf_matches(caller.csrf_token, given):
                raise CsrfRefusedError(
                    "the form or request lacks a valid CSRF token: reload the page"
                )
            self.csrf_given = given  # a later transaction of the same request
            yield session, caller.principal

    def _caller(self, session: Session) -> auth.Caller:
        if self.bearer:
            return auth.from_token(session, self.bearer)
        if self.cookie:
            return auth.from_session(session, self.cookie)
        raise auth.NotSignedInError("sign in first, or send an API token as a bearer token")

    def signed_in(self) -> bool:
        return bool(self.bearer or self.cookie)


def call(request: Request, state: AppDep) -> Call:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    bearer = value.strip() if scheme.lower() == "bearer" and value.strip() else None
    return Call(
        state,
        request.method,
        bearer,
        request.cookies.get(state.cookie_name),
        request.headers.get(auth.CSRF_HEADER),
    )


CallerDep = Annotated[Call, Depends(call)]


MAX_ID = 2**31 - 1
"""The largest id a route takes (the record's integer columns are 32-bit on PostgreSQL);
a larger one is refused as bad input, never passed to the database."""
Ident = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryIdent = Annotated[int, Query(ge=1, le=MAX_ID)]
OptionalQueryIdent = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=1000)]
PublicId = Annotated[str, Path(min_length=1, max_length=64)]
