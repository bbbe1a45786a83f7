"""Pages of the exchange: the inbox and outbox with the organisation's kept keyring;
the outbox workflow (prepare → sign → send, or download); deliveries verified and
imported; an envelope's statement; the EU coordinator's view."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fiveguard.app import outbox
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.store import assessments, envelopes, keyrings
from fiveguard.store.outbox import list_deliveries, list_outgoing
from fiveguard.store.principal import Action
from fiveguard.web.context import CallerDep, Ident
from fiveguard.web.errors import problems_of
from fiveguard.web.pages_common import render
from fiveguard.web.usecases import (
    VERIFY_CHECKS,
    UploadedFile,
    coordinated_view,
    file_received_upload,
)

router = APIRouter(include_in_schema=False)
MAX_KEY_BYTES = 64 * 1024
Csrf = Annotated[str, Form(max_length=64)]
OptionalFile = Annotated[UploadFile | None, File()]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _uploaded(file: UploadFile | None, default: str) -> UploadedFile | None:
    """A form's file, or None when the form left it empty (browsers send an empty part)."""
    if file is None:
        return None
    content = file.file.read()
    if not content and not file.filename:
        return None
    return UploadedFile(file.filename or default, content)


def _refusal(exc: InputError) -> list[dict[str, object]]:
    """The located problems of bad input; a refusal (403, 404) goes to the error page."""
    if type(exc) is not InputError:
        raise exc
    return problems_of(exc)


@router.get("/exchange", response_class=HTMLResponse)
def exchange(request: Request, call: CallerDep) -> Response:
    return _exchange_page(request, call)


def _exchange_page(
    request: Request,
    call: CallerDep,
    *,
    filed: object = None,
    note: str | None = None,
    problems: list[dict[str, object]] | None = None,
) -> Response:
    with call.acting() as (session, principal):
        inbox = envelopes.list_envelopes(session, principal, "inbox")
        sent = envelopes.list_envelopes(session, principal, "outbox")
        kept = keyrings.find_kept(session, principal)
        delivered = list_deliveries(session, principal)
        outgoing = [
            outbox.describe(session, principal, row.id) for row in list_outgoing(session, principal)
        ]
        runs = []
        if (
            principal.may(Action.RUN)
            and principal.organisation_kind == OrganisationKind.NATIONAL_AUTHORITY
        ):
            runs = [
                r
                for r in assessments.list_assessments(session, principal)
                if r.organisation == principal.organisation
            ]
    recipients = [o for o in (kept.organisations if kept else []) if o != principal.organisation]
    return render(
        request,
        "exchange.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        inbox=inbox,
        outbox=sent,
        keyring=kept,
        deliveries=delivered,
        outgoing=outgoing[::-1],
        runs=runs[::-1],
        recipients=recipients,
        labels=[t for t in Tlp if t != Tlp.RED],
        filed=filed,
        note=note,
        problems=problems or [],
        checks=VERIFY_CHECKS,
    )


@router.post("/exchange/keyring", response_class=HTMLResponse)
def keep_keyring(
    request: Request, call: CallerDep, keyring: Annotated[UploadFile, File()], csrf_token: Csrf = ""
) -> Response:
    """Keep the organisation's keyring (its admin): verified and pinned."""
    raw = keyring.file.read()
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = keyrings.keep_keyring(
                session, principal, raw, keyring.filename or "keyring.json"
            )
    except InputError as exc:
        return _exchange_page(request, call, problems=_refusal(exc))
    note = (
        "This keyring is the one kept already: nothing changed."
        if view.unchanged
        else f"Keyring version {view.version} verified and kept."
    )
    return _exchange_page(request, call, note=note)


@router.post("/exchange/{direction}", response_class=HTMLResponse)
def file_envelope(
    request: Request,
    direction: Literal["inbox", "outbox"],
    call: CallerDep,
    envelope: Annotated[UploadFile, File()],
    keyring: OptionalFile = None,
    csrf_token: Csrf = "",
) -> Response:
    """Verify an envelope, showing every check, and file it in the inbox (received) or
    the outbox (signed by your organisation); the keyring given, else the one kept."""
    given = UploadedFile(envelope.filename or "envelope", envelope.file.read())
    ring = _uploaded(keyring, "keyring")
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            filed = file_received_upload(session, principal, given, ring, direction=direction)
    except InputError as exc:
        return _exchange_page(request, call, problems=_refusal(exc))
    return _exchange_page(request, call, filed=filed)


@router.post("/exchange/deliveries/{delivery_id}/import", response_class=HTMLResponse)
def import_delivery(
    request: Request, delivery_id: Ident, call: CallerDep, csrf_token: Csrf = ""
) -> Response:
    """Verify a delivered envelope against the kept keyring and file it in the inbox."""
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            filed = outbox.import_delivery(session, principal, delivery_id, at=_now())
    except InputError as exc:
        return _exchange_page(request, call, problems=_refusal(exc))
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


@router.post("/outbox", response_class=HTMLResponse)
def prepare(
    request: Request,
    call: CallerDep,
    run_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
    recipients: Annotated[list[str] | None, Form(max_length=32)] = None,
    tlp: Annotated[Tlp, Form()] = Tlp.AMBER,
    csrf_token: Csrf = "",
) -> Response:
    """Prepare a national summary of one of the organisation's runs (an analyst)."""
    state = request.app.state.fiveguard
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = outbox.prepare_summary(
                session, principal, run_id, recipients or [], tlp, state.catalogue, at=_now()
            )
    except InputError as exc:
        return _exchange_page(request, call, problems=_refusal(exc))
    return RedirectResponse(f"/outbox/{view.id}", status_code=303)


def _outgoing_page(
    request: Request,
    call: CallerDep,
    ident: int,
    *,
    note: str | None = None,
    problems: list[dict[str, object]] | None = None,
) -> Response:
    with call.acting() as (session, principal):
        view = outbox.describe(session, principal, ident)
        kept = keyrings.find_kept(session, principal)
    return render(
        request,
        "outgoing.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        item=view,
        keyring=kept,
        note=note,
        problems=problems or [],
    )


@router.get("/outbox/{outgoing_id}", response_class=HTMLResponse)
def outgoing(request: Request, outgoing_id: Ident, call: CallerDep) -> Response:
    return _outgoing_page(request, call, outgoing_id)


@router.post("/outbox/{outgoing_id}/sign", response_class=HTMLResponse)
def sign(
    request: Request,
    outgoing_id: Ident,
    call: CallerDep,
    key: OptionalFile = None,
    passphrase: Annotated[str, Form(max_length=1024)] = "",
    envelope: OptionalFile = None,
    csrf_token: Csrf = "",
) -> Response:
    """Sign with a key file used for this one signature, or take an envelope signed
    offline over the payload offered; the key is never kept."""
    key_file = _uploaded(key, "key")
    signed_file = _uploaded(envelope, "envelope")
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            if (key_file is None) == (signed_file is None):
                raise InputError.at(
                    "give either a key file (with its passphrase) or an envelope signed offline",
                    "form",
                    path="key",
                )
            if key_file is not None:
                if len(key_file.content) > MAX_KEY_BYTES:
                    raise InputError.at("this is not a key file: it is too large", "key")
                view = outbox.sign_with_key(
                    session, principal, outgoing_id, key_file.content, passphrase, at=_now()
                )
            else:
                assert signed_file is not None
                view = outbox.sign_with_envelope(
                    session,
                    principal,
                    outgoing_id,
                    signed_file.content,
                    signed_file.name,
                    at=_now(),
                )
    except InputError as exc:
        return _outgoing_page(request, call, outgoing_id, problems=_refusal(exc))
    note = (
        "Signed, verified against the kept keyring and filed in the outbox."
        if view.status == outbox.SIGNED
        else f"{view.signatures} signature(s) gathered; more are needed."
    )
    return _outgoing_page(request, call, outgoing_id, note=note)


@router.post("/outbox/{outgoing_id}/send", response_class=HTMLResponse)
def send(request: Request, outgoing_id: Ident, call: CallerDep, csrf_token: Csrf = "") -> Response:
    """Deliver a signed summary into its recipients' inboxes on this instance."""
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = outbox.send(session, principal, outgoing_id, at=_now())
    except InputError as exc:
        return _outgoing_page(request, call, outgoing_id, problems=_refusal(exc))
    names = ", ".join(d.organisation for d in view.deliveries)
    return _outgoing_page(request, call, outgoing_id, note=f"Delivered to {names}.")


@router.get("/eu", response_class=HTMLResponse)
def eu_view(request: Request, call: CallerDep) -> Response:
    """The EU coordinator's view: the national summaries addressed to it, by origin."""
    return _eu_page(request, call)


def _eu_page(
    request: Request, call: CallerDep, problems: list[dict[str, object]] | None = None
) -> Response:
    with call.acting() as (session, principal):
        inbox = envelopes.list_envelopes(session, principal, "inbox")
        kept = keyrings.find_kept(session, principal)
    origins: dict[str, list[envelopes.EnvelopeView]] = {}
    for view in inbox:
        origins.setdefault(view.origin, []).append(view)
    return render(
        request,
        "eu.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        origins=origins,
        keyring=kept,
        problems=problems or [],
    )


@router.post("/eu/view", response_class=HTMLResponse)
def eu_coordinated(
    request: Request, call: CallerDep, keyring: OptionalFile = None, csrf_token: Csrf = ""
) -> Response:
    """The coordinated report of the summaries in the inbox, verified against the keyring
    given, else the one kept (the report's own page, as ``fiveguard coordinate`` writes it)."""
    from fiveguard.report.coordination import render_coordination
    from fiveguard.web.middleware import REPORT_CSP

    ring = _uploaded(keyring, "keyring")
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = coordinated_view(session, principal, ring)
    except InputError as exc:
        return _eu_page(request, call, _refusal(exc))
    html = render_coordination(view)
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})
