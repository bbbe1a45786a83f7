"""The JSON API of the exchange's record-kept parts: the organisation's keyring, the
outbox workflow (prepare → sign → send or download) and deliveries into the inbox.

The answers are the store's own views (dataclasses), published as they are in the
OpenAPI document; the use cases are :mod:`fiveguard.app.outbox` and
:mod:`fiveguard.store.keyrings`, which ask the record's one access policy.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel, Field

from fiveguard.app import outbox
from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.store import keyrings
from fiveguard.store.common import NotFoundError
from fiveguard.store.envelopes import EnvelopeView
from fiveguard.store.keyrings import KeyringView
from fiveguard.store.outbox import DeliveryView, OutgoingView, list_deliveries, list_outgoing
from fiveguard.web.api import ERRORS
from fiveguard.web.context import AppDep, CallerDep, Ident
from fiveguard.web.schemas import Listing, listing

router = APIRouter(prefix="/api/v1", responses=ERRORS, tags=["exchange"])
MAX_KEY_BYTES = 64 * 1024
DSSE = "application/json"


class PrepareRequest(BaseModel):
    run_id: int = Field(ge=1, le=2**31 - 1, description="One of your organisation's runs.")
    recipients: list[str] = Field(
        min_length=1, max_length=32, description="Keyring ids of the recipients (EU-COORD …)."
    )
    tlp: Tlp = Tlp.AMBER


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _download(data: bytes, name: str) -> Response:
    return Response(
        data, media_type=DSSE, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


@router.get("/keyring")
def get_keyring(call: CallerDep) -> KeyringView:
    """The keyring your organisation keeps in the record (404 when none is kept)."""
    with call.acting() as (session, principal):
        view = keyrings.find_kept(session, principal)
    if view is None:
        raise NotFoundError("keyring", "kept by your organisation", "keyring")
    return view


@router.post("/keyring", status_code=status.HTTP_201_CREATED)
def keep_keyring(
    call: CallerDep,
    keyring: Annotated[UploadFile, File(description="The keyring file (keyring.json).")],
) -> KeyringView:
    """Verify a keyring and keep it as your organisation's (its admin): the first one
    kept pins its anchor; another keyring, or an older version in force, is refused."""
    raw = keyring.file.read()
    with call.acting() as (session, principal):
        return keyrings.keep_keyring(session, principal, raw, keyring.filename or "keyring.json")


@router.get("/outbox")
def outbox_list(call: CallerDep) -> Listing[OutgoingView]:
    """Summaries prepared, signed and sent by your organisation."""
    with call.acting() as (session, principal):
        views = [
            outbox.describe(session, principal, r.id) for r in list_outgoing(session, principal)
        ]
    return Listing[OutgoingView].model_validate(listing(views))


@router.post("/outbox", status_code=status.HTTP_201_CREATED)
def outbox_prepare(body: PrepareRequest, call: CallerDep, state: AppDep) -> OutgoingView:
    """Prepare the national summary of one of your runs for its recipients (an
    analyst): kept unsigned until a signing officer signs it."""
    with call.acting() as (session, principal):
        return outbox.prepare_summary(
            session,
            principal,
            body.run_id,
            body.recipients,
            body.tlp,
            state.catalogue,
            at=_now(),
        )


@router.get("/outbox/{outgoing_id}")
def outbox_get(outgoing_id: Ident, call: CallerDep) -> OutgoingView:
    with call.acting() as (session, principal):
        return outbox.describe(session, principal, outgoing_id)


@router.get("/outbox/{outgoing_id}/payload", response_class=Response)
def outbox_payload(outgoing_id: Ident, call: CallerDep) -> Response:
    """The exact unsigned envelope prepared, to sign offline with ``fiveguard exchange
    sign`` (audited)."""
    with call.acting() as (session, principal):
        data = outbox.unsigned_payload(session, principal, outgoing_id)
    return _download(data, f"outgoing-{outgoing_id}.unsigned.dsse.json")


@router.post("/outbox/{outgoing_id}/sign")
def outbox_sign(
    outgoing_id: Ident,
    call: CallerDep,
    key: Annotated[UploadFile | None, File(description="An encrypted key file.")] = None,
    passphrase: Annotated[str, Form(max_length=1024)] = "",
    envelope: Annotated[
        UploadFile | None, File(description="The payload signed offline (.dsse.json).")
    ] = None,
) -> OutgoingView:
    """Sign a prepared summary (a signing officer other than who prepared it): with a
    key file (used for this signature only, never kept) and its passphrase, or with the
    envelope signed offline over exactly the payload offered. Once the threshold is met
    it is verified against the kept keyring and filed in the outbox."""
    if (key is None) == (envelope is None):
        raise InputError.at(
            "give either a key file (with its passphrase) or an envelope signed offline",
            "form",
            path="key",
        )
    with call.acting() as (session, principal):
        if key is not None:
            pem = key.file.read(MAX_KEY_BYTES + 1)
            if len(pem) > MAX_KEY_BYTES:
                raise InputError.at("this is not a key file: it is too large", "key", path="key")
            return outbox.sign_with_key(session, principal, outgoing_id, pem, passphrase, at=_now())
        assert envelope is not None
        raw = envelope.file.read()
        return outbox.sign_with_envelope(
            session, principal, outgoing_id, raw, envelope.filename or "envelope", at=_now()
        )


@router.post("/outbox/{outgoing_id}/send")
def outbox_send(outgoing_id: Ident, call: CallerDep) -> OutgoingView:
    """Deliver a signed summary into the inboxes of its recipients on this instance."""
    with call.acting() as (session, principal):
        return outbox.send(session, principal, outgoing_id, at=_now())


@router.get("/outbox/{outgoing_id}/envelope", response_class=Response)
def outbox_envelope(outgoing_id: Ident, call: CallerDep) -> Response:
    """The signed envelope, to send by other means (audited)."""
    with call.acting() as (session, principal):
        data = outbox.signed_envelope(session, principal, outgoing_id)
    return _download(data, f"outgoing-{outgoing_id}.dsse.json")


@router.get("/deliveries")
def deliveries(call: CallerDep) -> Listing[DeliveryView]:
    """Envelopes delivered into your organisation's inbox on this instance."""
    with call.acting() as (session, principal):
        views = list_deliveries(session, principal)
    return Listing[DeliveryView].model_validate(listing(views))


@router.post("/deliveries/{delivery_id}/import", status_code=status.HTTP_201_CREATED)
def import_delivery(delivery_id: Ident, call: CallerDep) -> EnvelopeView:
    """Verify a delivered envelope against your organisation's kept keyring (every
    check, failing closed) and file it in your inbox."""
    with call.acting() as (session, principal):
        return outbox.import_delivery(session, principal, delivery_id, at=_now()).view
