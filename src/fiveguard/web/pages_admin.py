"""Pages: the audit log with its chain verified, users and tokens for organisation
admins, and evidence (the exchange's pages are :mod:`fiveguard.web.pages_exchange`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.store import accounts, audit, evidence_records
from fiveguard.store.common import ForbiddenError
from fiveguard.store.principal import Action
from fiveguard.web.context import CallerDep, Offset, PublicId
from fiveguard.web.errors import problems_of
from fiveguard.web.pages_common import render
from fiveguard.web.usecases import (
    UploadedFile,
    record_uploaded_evidence,
)

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, call: CallerDep, after: Offset = 0) -> Response:
    """The rows the caller may see (an organisation's own, or all for the instance
    administrator), and whether the whole chain holds."""
    with call.acting() as (session, principal):
        rows = [
            audit.as_link(r)
            for r in audit.entries(session, principal, limit=AUDIT_PAGE, after=max(after, 0))
        ]
        found = audit.verify(session)
    return render(
        request,
        "audit.html.j2",
        principal,
        call.csrf_token,
        rows=rows,
        verification=found,
        more=len(rows) == AUDIT_PAGE,
        after=rows[-1].seq if rows else after,
    )


def _admin_page(
    request: Request,
    call: CallerDep,
    created: accounts.TokenView | None = None,
    problems: list[dict[str, object]] | None = None,
) -> Response:
    with call.acting() as (session, principal):
        if not principal.instance_admin and (principal.token or not principal.may(Action.MANAGE)):
            raise ForbiddenError("users and tokens are managed by organisation admins")
        people = accounts.list_users(session, principal)
        tokens = accounts.list_tokens(session, principal)
    return render(
        request,
        "admin.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        people=people,
        tokens=tokens,
        created=created,
        problems=problems or [],
    )


@router.get("/admin", response_class=HTMLResponse)
def admin(request: Request, call: CallerDep) -> Response:
    return _admin_page(request, call)


@router.post("/admin/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    call: CallerDep,
    name: Annotated[str, Form(min_length=1, max_length=64)],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
    days: Annotated[int, Form(ge=1, le=366)] = 30,
) -> Response:
    """A token for the organisation; its secret is shown on this page once."""
    problems: list[dict[str, object]] = []
    created = None
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            created = accounts.create_token(session, principal, name, scopes or [], days)
    except InputError as exc:
        if type(exc) is not InputError:
            raise
        problems = problems_of(exc)
    return _admin_page(request, call, created, problems)


@router.post("/admin/tokens/{public_id}/revoke", response_class=HTMLResponse)
def revoke_token(
    request: Request,
    public_id: PublicId,
    call: CallerDep,
    csrf_token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    with call.acting(csrf=csrf_token) as (session, principal):
        accounts.revoke_token(session, principal, public_id)
    return _admin_page(request, call)


@router.get("/evidence", response_class=HTMLResponse)
def evidence(request: Request, call: CallerDep) -> Response:
    return _evidence_page(request, call)


def _evidence_page(
    request: Request, call: CallerDep, problems: list[dict[str, object]] | None = None
) -> Response:
    with call.acting() as (session, principal):
        views = evidence_records.list_evidence(session, principal)
    return render(
        request,
        "evidence.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        entries=views[::-1],
        problems=problems or [],
    )


@router.post("/evidence", response_class=HTMLResponse)
def upload_evidence(
    request: Request,
    call: CallerDep,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    tlp: Annotated[Tlp, Form()] = Tlp.AMBER,
) -> Response:
    """Keep an evidence record; its problems are listed in the page, each located."""
    given = UploadedFile(file.filename or "evidence.json", file.file.read())
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            record_uploaded_evidence(session, principal, given, tlp)
    except InputError as exc:
        if type(exc) is not InputError:
            raise
        return _evidence_page(request, call, problems_of(exc))
    return _evidence_page(request, call)
