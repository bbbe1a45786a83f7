"""Pages: the audit log with its chain verified, users and tokens for organisation
admins, evidence, the exchange inbox and outbox, and the EU coordinator's view."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.store import accounts, audit, envelopes, evidence_records
from fiveguard.store.common import ForbiddenError
from fiveguard.store.principal import Action
from fiveguard.web.context import CallerDep, Ident, Offset, PublicId
from fiveguard.web.errors import problems_of
from fiveguard.web.pages_common import render
from fiveguard.web.usecases import (
    VERIFY_CHECKS,
    UploadedFile,
    coordinated_view,
    file_received_upload,
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


@router.get("/exchange", response_class=HTMLResponse)
def exchange(request: Request, call: CallerDep) -> Response:
    return _exchange_page(request, call)


def _exchange_page(
    request: Request,
    call: CallerDep,
    *,
    filed: object = None,
    problems: list[dict[str, object]] | None = None,
) -> Response:
    with call.acting() as (session, principal):
        inbox = envelopes.list_envelopes(session, principal, "inbox")
        outbox = envelopes.list_envelopes(session, principal, "outbox")
    return render(
        request,
        "exchange.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        inbox=inbox,
        outbox=outbox,
        filed=filed,
        problems=problems or [],
        checks=VERIFY_CHECKS,
    )


@router.post("/exchange/{direction}", response_class=HTMLResponse)
def file_envelope(
    request: Request,
    direction: Literal["inbox", "outbox"],
    call: CallerDep,
    envelope: Annotated[UploadFile, File()],
    keyring: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Verify an envelope, showing every check, and file it in the inbox (received) or
    the outbox (signed by your organisation)."""
    given = UploadedFile(envelope.filename or "envelope", envelope.file.read())
    ring = UploadedFile(keyring.filename or "keyring", keyring.file.read())
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            filed = file_received_upload(session, principal, given, ring, direction=direction)
    except InputError as exc:
        if type(exc) is not InputError:
            raise
        return _exchange_page(request, call, problems=problems_of(exc))
    return _exchange_page(request, call, filed=filed)


@router.get("/exchange/{envelope_id}", response_class=HTMLResponse)
def envelope(request: Request, envelope_id: Ident, call: CallerDep) -> Response:
    with call.acting() as (session, principal):
        view = next(
            (v for v in envelopes.list_envelopes(session, principal) if v.id == envelope_id), None
        )
        _raw, statement = envelopes.read_envelope(session, principal, envelope_id)
    return render(
        request,
        "envelope.html.j2",
        principal,
        call.csrf_token,
        envelope=view,
        statement=statement,
        fields=asdict(view) if view else {},
    )


@router.get("/eu", response_class=HTMLResponse)
def eu_view(request: Request, call: CallerDep) -> Response:
    """The EU coordinator's view: the national summaries addressed to it, by origin."""
    with call.acting() as (session, principal):
        inbox = envelopes.list_envelopes(session, principal, "inbox")
    origins: dict[str, list[envelopes.EnvelopeView]] = {}
    for view in inbox:
        origins.setdefault(view.origin, []).append(view)
    return render(request, "eu.html.j2", principal, call.csrf_token, origins=origins)


@router.post("/eu/view", response_class=HTMLResponse)
def eu_coordinated(
    request: Request,
    call: CallerDep,
    keyring: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """The coordinated report of the summaries in the inbox, verified against the keyring
    given (the report's own page, as ``fiveguard coordinate`` writes it)."""
    from fiveguard.report.coordination import render_coordination
    from fiveguard.web.middleware import REPORT_CSP

    ring = UploadedFile(keyring.filename or "keyring", keyring.file.read())
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = coordinated_view(session, principal, ring)
    except InputError as exc:
        if type(exc) is not InputError:
            raise
        with call.acting(csrf=csrf_token) as (session, principal):
            inbox = envelopes.list_envelopes(session, principal, "inbox")
        origins: dict[str, list[envelopes.EnvelopeView]] = {}
        for item in inbox:
            origins.setdefault(item.origin, []).append(item)
        return render(
            request,
            "eu.html.j2",
            principal,
            call.csrf_token,
            status_code=422,
            origins=origins,
            problems=problems_of(exc),
        )
    html = render_coordination(view)
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})
