"""The outbox workflow: prepare → signed by a signing officer → sent to organisations on
this instance (or downloaded), every step audited, the states enforced here.

- An analyst **prepares** a national summary of one of the organisation's recorded
  assessment runs, addressed to recipients with a TLP label: the exact unsigned
  envelope is kept, and offered for download.
- A signing officer — another person than the one who prepared it — **signs** it: with a
  key file uploaded for this one signature (decrypted in memory, never kept or logged),
  or with an envelope signed offline (``fiveguard exchange sign``) over exactly the
  payload offered. Once the origin's threshold of signatures is met, the envelope is
  verified against the organisation's kept keyring, every check, and filed in its outbox.
- A signing officer **sends** it: delivered into the inbox of each recipient on this
  instance, where the recipient's analyst verifies and imports it against its own kept
  keyring (:func:`import_delivery`). A signed envelope can also be downloaded and sent
  by other means.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard.app.envelopes import FiledEnvelope, accepted_state, file_received, file_sent
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.dsse import Envelope, read_envelope, sign_envelope, unsigned
from fiveguard.exchange.keyring import KeyEntry, VerifiedKeyring
from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES, signer_kind_refusal, verify_envelope
from fiveguard.store import assessments, audit, keyrings, snapshots
from fiveguard.store.access import require
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import ForbiddenError, now
from fiveguard.store.outbox import OutgoingView, get_delivery, get_outgoing, outgoing_view
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import Delivery, Organisation, Outgoing

NATIONAL_SUMMARY = "national-summary"
PREPARED, SIGNED, SENT = "prepared", "signed", "sent"
UNSIGNED_FILE = "unsigned.dsse.json"
MAX_RECIPIENTS = 32


def _form(path: str, message: str) -> InputError:
    return InputError([Problem(Location("form", path=path), message)])


def _check_addressing(
    ring: VerifiedKeyring, origin: str, recipients: Sequence[str], country: str | None
) -> list[Problem]:
    """What the recipients' verification would refuse, caught when preparing."""
    problems: list[Problem] = []
    body = ring.current
    signer = body.organisation(origin)
    if signer is None:
        problems.append(
            Problem(Location("keyring", path="organisations"), f"{origin} is not in the keyring")
        )
    else:
        refusal = signer_kind_refusal(signer, reshare=False)
        if refusal:
            problems.append(Problem(Location("keyring", path="organisations"), refusal))
        elif country and signer.country and signer.country != country:
            problems.append(
                Problem(
                    Location("form", path="run_id"),
                    f"{origin} is an organisation of {signer.country}; the model is of {country}",
                )
            )
    if not recipients:
        problems.append(Problem(Location("form", path="recipients"), "name at least one recipient"))
    for index, recipient in enumerate(recipients):
        if recipient == origin:
            problems.append(
                Problem(
                    Location("form", path=f"recipients[{index}]"),
                    "a summary is not sent to its origin",
                )
            )
        elif body.organisation(recipient) is None:
            problems.append(
                Problem(
                    Location("form", path=f"recipients[{index}]"),
                    f"{recipient} is not an organisation of the keyring",
                )
            )
    return problems


def _next_sequence(session: Session, principal: Principal) -> tuple[int, str | None]:
    """The next sequence of the organisation's summaries (after those sent and those
    prepared), and the bundle the next one supersedes (the last one sent)."""
    origin = str(principal.organisation)
    sent = accepted_state(session, principal, "outbox").accepted.get(origin)
    prepared = session.execute(
        select(func.max(Outgoing.sequence)).where(
            Outgoing.organisation_id == principal.organisation_id
        )
    ).scalar_one_or_none()
    highest = max(sent.sequence if sent else 0, prepared or 0)
    return highest + 1, sent.bundle_id if sent else None


def prepare_summary(
    session: Session,
    principal: Principal,
    run_id: int,
    recipients: Sequence[str],
    tlp: Tlp,
    catalogue: Catalogue,
    *,
    at: dt.datetime,
) -> OutgoingView:
    """Prepare the national summary of the organisation's recorded run ``run_id`` for
    ``recipients``: built, checked to carry no inventory, and kept unsigned."""
    from fiveguard.app.exchange import export_national_summary
    from fiveguard.modelio.load import load_model

    org_id = require(principal, Action.RUN, "prepare an outgoing summary")
    wanted = [r.strip() for r in recipients if r.strip()]
    if len(wanted) > MAX_RECIPIENTS or len(set(wanted)) != len(wanted):
        raise _form("recipients", f"name up to {MAX_RECIPIENTS} recipients, each once")
    if tlp == Tlp.RED:
        raise _form(
            "tlp",
            "TLP:RED goes to named people, not organisations: export it with the command line",
        )
    _kept, ring = keyrings.kept_keyring(session, principal)
    run = assessments.get_assessment(session, principal, run_id)
    if run.organisation != principal.organisation:
        raise _form(
            "run_id",
            f"run {run_id} is {run.organisation}'s: an organisation sends summaries of its "
            "own runs",
        )
    origin = str(principal.organisation)
    snapshot = snapshots.get_snapshot(session, principal, run.snapshot_id)
    problems = _check_addressing(ring, origin, wanted, snapshot.country)
    if problems:
        raise InputError(problems)
    result = assessments.read_assessment_result(session, principal, run_id)
    sequence, supersedes = _next_sequence(session, principal)
    work = Path(tempfile.mkdtemp(prefix="fiveguard-outbox-"))
    try:
        path = snapshots.export_snapshot(
            session, principal, run.snapshot_id, work / "model", action="snapshot.summarise"
        )
        model = load_model(path, catalogue)
        exported = export_national_summary(
            model,
            path,
            catalogue,
            [],
            origin=origin,
            to=wanted,
            tlp=tlp,
            now=at,
            sequence=sequence,
            supersedes=supersedes,
            assessment=(json.dumps(result).encode(), f"run {run_id}"),
            policy=run.policy,
            trials=run.trials,
            seed=run.seed or 0,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    payload = unsigned(exported.envelope.payload, exported.envelope.payload_type).to_json()
    row = Outgoing(
        organisation_id=org_id,
        tlp=tlp.value,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
        status=PREPARED,
        kind=NATIONAL_SUMMARY,
        run_id=run_id,
        recipients=json.dumps(wanted),
        sequence=exported.summary.sequence,
        bundle_id=exported.summary.bundle_id,
        payload_digest=store_bytes(session, payload),
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        principal,
        "outgoing.prepare",
        kind="outgoing",
        object_id=row.id,
        digest=row.payload_digest,
        detail={"run": run_id, "recipients": wanted, "tlp": tlp.value, "sequence": row.sequence},
    )
    return outgoing_view(session, row)


def describe(session: Session, principal: Principal, ident: int) -> OutgoingView:
    """An outgoing object as the principal may see it, with its signatures counted."""
    row = get_outgoing(session, principal, ident)
    return outgoing_view(session, row, len(_current(session, row).signatures))


def _current(session: Session, row: Outgoing) -> Envelope:
    digest = row.signed_digest or row.payload_digest
    return read_envelope(blob_bytes(session, digest), "outgoing", MAX_ENVELOPE_BYTES)


def unsigned_payload(session: Session, principal: Principal, ident: int) -> bytes:
    """The exact unsigned envelope prepared, to sign offline (an audited read)."""
    row = get_outgoing(session, principal, ident)
    audit.audit_read(
        session, principal, row.tlp, "outgoing.payload", "outgoing", row.id, row.payload_digest
    )
    return blob_bytes(session, row.payload_digest)


def _locked(session: Session, row: Outgoing) -> Outgoing:
    """The row again, locked until the transaction ends (on PostgreSQL; SQLite's writers
    take turns anyway), so two officers acting at once find it one after the other."""
    return session.execute(
        select(Outgoing)
        .where(Outgoing.id == row.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _may_sign(session: Session, principal: Principal, ident: int) -> Outgoing:
    require(principal, Action.SIGN, "sign an outgoing summary")
    if principal.token is not None:
        raise ForbiddenError("an outgoing summary is signed by a signing officer in person")
    row = _locked(session, get_outgoing(session, principal, ident))
    if row.organisation_id != principal.organisation_id:
        raise ForbiddenError(f"{row.id} is prepared by another organisation, which signs it")
    if row.status != PREPARED:
        raise _form("status", f"this summary is {row.status} already; prepare a new one")
    if row.created_by_user is not None and row.created_by_user == principal.user_id:
        raise ForbiddenError(
            "the person who prepared a summary does not sign it: another signing officer does"
        )
    return row


def sign_with_key(
    session: Session,
    principal: Principal,
    ident: int,
    key_pem: bytes,
    passphrase: str,
    *,
    at: dt.datetime,
) -> OutgoingView:
    """Add one signature made with an uploaded key file (held in memory for this call
    only); verified and filed in the outbox once the threshold is met."""
    from fiveguard.exchange.keys import (
        check_passphrase,
        keyid_of,
        load_private_key,
        public_hex,
    )

    row = _may_sign(session, principal, ident)
    _kept, ring = keyrings.kept_keyring(session, principal)
    key = load_private_key(key_pem, check_passphrase(passphrase, "passphrase"), "key")
    keyid = keyid_of(public_hex(key.public_key()))
    signer = ring.current.organisation(str(principal.organisation))
    if signer is None or keyid not in {k.keyid for k in signer.keys}:
        raise _form(
            "key", f"key {keyid[:8]}… is not a key of {principal.organisation} in the keyring"
        )
    envelope = sign_envelope(_current(session, row), key, keyid)
    del key
    return _gathered(session, principal, row, envelope, ring, at)


def sign_with_envelope(
    session: Session,
    principal: Principal,
    ident: int,
    raw: bytes,
    file: str,
    *,
    at: dt.datetime,
) -> OutgoingView:
    """Add the signatures of an envelope signed offline over exactly the payload prepared."""
    row = _may_sign(session, principal, ident)
    _kept, ring = keyrings.kept_keyring(session, principal)
    given = read_envelope(raw, file, MAX_ENVELOPE_BYTES)
    prepared = _current(session, row)
    if given.payload != prepared.payload or given.payload_type != prepared.payload_type:
        raise InputError(
            [
                Problem(
                    Location(file, path="payload"),
                    "the payload differs from the one prepared: sign the file this page offers "
                    "for download (fiveguard exchange sign), unchanged",
                )
            ]
        )
    if not given.signatures:
        raise InputError([Problem(Location(file, path="signatures"), "the envelope is not signed")])
    envelope = prepared
    for signature in given.signatures:
        envelope = envelope.with_signature(signature)
    return _gathered(session, principal, row, envelope, ring, at)


def _gathered(
    session: Session,
    principal: Principal,
    row: Outgoing,
    envelope: Envelope,
    ring: VerifiedKeyring,
    at: dt.datetime,
) -> OutgoingView:
    origin = ring.current.organisation(str(principal.organisation))
    threshold = origin.threshold if origin else 1
    mine = {k.keyid: k for k in origin.keys} if origin else {}
    problems = _signature_problems(envelope, mine, f"outgoing-{row.id}.dsse.json")
    if problems:
        raise InputError(problems)
    count = len({s.keyid for s in envelope.signatures})
    raw = envelope.to_json()
    if count < threshold:
        row.signed_digest = store_bytes(session, raw)
        audit.append(
            session,
            principal,
            "outgoing.sign",
            kind="outgoing",
            object_id=row.id,
            digest=row.signed_digest,
            detail={"signatures": count, "threshold": threshold},
        )
        return outgoing_view(session, row, count)
    filed: FiledEnvelope = file_sent(
        session, principal, raw, f"outgoing-{row.id}.dsse.json", ring, now=at
    )
    row.signed_digest = filed.view.digest
    row.envelope_id = filed.view.id
    row.status = SIGNED
    row.signed_by = principal.actor
    row.signed_at = now()
    audit.append(
        session,
        principal,
        "outgoing.sign",
        kind="outgoing",
        object_id=row.id,
        digest=row.signed_digest,
        detail={"signatures": count, "threshold": threshold, "outbox": filed.view.id},
    )
    return outgoing_view(session, row, count)


def _signature_problems(envelope: Envelope, keys: dict[str, KeyEntry], file: str) -> list[Problem]:
    """Signatures that are not the origin's keys' or do not verify, refused when given
    (not only once the threshold is met)."""
    from fiveguard.exchange.dsse import signature_valid
    from fiveguard.exchange.keys import public_key

    problems = []
    for index, signature in enumerate(envelope.signatures):
        key = keys.get(signature.keyid)
        if key is None:
            message = f"key {signature.keyid[:8]}… is not a key of the origin in the keyring"
        elif not signature_valid(public_key(key.public), signature, envelope.signed_bytes()):
            message = f"the signature by key {signature.keyid[:8]}… does not verify"
        else:
            continue
        problems.append(Problem(Location(file, path=f"signatures[{index}]"), message))
    return problems


def signed_envelope(session: Session, principal: Principal, ident: int) -> bytes:
    """The signed envelope, to send by other means (an audited read)."""
    row = get_outgoing(session, principal, ident)
    if row.status == PREPARED or row.signed_digest is None:
        raise _form("status", "this summary is not signed yet")
    audit.audit_read(
        session, principal, row.tlp, "outgoing.download", "outgoing", row.id, row.signed_digest
    )
    return blob_bytes(session, row.signed_digest)


def send(session: Session, principal: Principal, ident: int, *, at: dt.datetime) -> OutgoingView:
    """Deliver a signed summary into the inbox of each recipient on this instance (each
    checked to be a recipient the signed data names); the others are listed as left to
    send by other means."""
    require(principal, Action.SIGN, "send an outgoing summary")
    row = _locked(session, get_outgoing(session, principal, ident))
    if row.organisation_id != principal.organisation_id:
        raise ForbiddenError(f"{row.id} is another organisation's to send")
    if row.status != SIGNED or row.signed_digest is None:
        why = "not signed yet" if row.status == PREPARED else "sent already"
        raise _form("status", f"this summary is {why}")
    _kept, ring = keyrings.kept_keyring(session, principal)
    raw = blob_bytes(session, row.signed_digest)
    recipients = list(json.loads(row.recipients))
    found = {
        o.name: o
        for o in session.execute(
            select(Organisation).where(Organisation.name.in_(recipients))
        ).scalars()
    }
    if not found:
        raise _form(
            "recipients",
            f"none of {', '.join(recipients)} is on this instance: download the signed "
            "envelope and send it by other means",
        )
    delivered = []
    for name, organisation in found.items():
        checked = verify_envelope(raw, f"outgoing-{row.id}.dsse.json", ring, now=at, as_org=name)
        del checked
        session.add(
            Delivery(
                outgoing_id=row.id,
                organisation_id=organisation.id,
                digest=row.signed_digest,
                origin=str(principal.organisation),
                tlp=row.tlp,
                created_at=now(),
            )
        )
        delivered.append(name)
    row.status = SENT
    row.sent_by = principal.actor
    row.sent_at = now()
    session.flush()
    audit.append(
        session,
        principal,
        "outgoing.send",
        kind="outgoing",
        object_id=row.id,
        digest=row.signed_digest,
        detail={
            "delivered": sorted(delivered),
            "elsewhere": sorted(set(recipients) - set(delivered)),
        },
    )
    return outgoing_view(session, row, len(_current(session, row).signatures))


def delivered_envelope(session: Session, principal: Principal, ident: int) -> bytes:
    """A delivered envelope's bytes, as the recipient received it (an audited read)."""
    row = get_delivery(session, principal, ident)
    audit.audit_read(session, principal, row.tlp, "delivery.read", "delivery", row.id, row.digest)
    return blob_bytes(session, row.digest)


def import_delivery(
    session: Session,
    principal: Principal,
    ident: int,
    *,
    at: dt.datetime,
    keyring: VerifiedKeyring | None = None,
) -> FiledEnvelope:
    """Verify a delivered envelope (every check, failing closed) against the
    organisation's kept keyring (or ``keyring``) and file it in its inbox."""
    require(principal, Action.IMPORT, "import a delivered envelope")
    row = session.execute(
        select(Delivery)
        .where(Delivery.id == get_delivery(session, principal, ident).id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    if row.envelope_id is not None:
        raise _form("delivery", f"delivery {ident} is imported already")
    ring = keyring if keyring is not None else keyrings.kept_keyring(session, principal)[1]
    raw = blob_bytes(session, row.digest)
    filed = file_received(
        session, principal, raw, f"delivery-{row.id}-{row.origin}.dsse.json", ring, now=at
    )
    row.envelope_id = filed.view.id
    row.imported_by = principal.actor
    row.imported_at = now()
    session.flush()
    return filed
