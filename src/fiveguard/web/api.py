"""The JSON API under ``/api/v1``. Every route opens one transaction as the caller
(:meth:`fiveguard.web.context.Call.acting`) and calls the record's use-case functions,
which ask the one access policy; nothing here decides who sees what.

Routes are plain ``def`` functions: FastAPI runs them in its thread pool, so database
work and password hashing never block the event loop.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.coordination import Coordination
from fiveguard.simulate.results import WhatIfResult
from fiveguard.store import (
    accounts,
    assessments,
    audit,
    envelopes,
    evidence_records,
    slices,
    snapshots,
)
from fiveguard.store.common import ForbiddenError
from fiveguard.store.principal import Action, Principal
from fiveguard.web import auth, jobs
from fiveguard.web.context import AppDep, CallerDep, Ident, Offset, PublicId
from fiveguard.web.schemas import (
    AssessmentRequest,
    AuditRowOut,
    AuditVerifyOut,
    EnvelopeOut,
    ErrorOut,
    EvidenceOut,
    JobOut,
    Listing,
    MeOut,
    OrganisationOut,
    RunOut,
    SignIn,
    SliceOut,
    SnapshotOut,
    TokenOut,
    TokenRequest,
    UserOut,
    WhatIfRequest,
    listing,
)
from fiveguard.web.usecases import (
    UploadedFile,
    coordinated_view,
    exported_part,
    file_received_upload,
    import_uploaded_model,
    record_uploaded_evidence,
    replace_uploaded_part,
    whatif_snapshot,
)

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (401, "Not signed in, or the token is not valid."),
        (403, "The role or token does not allow this, or the CSRF token is missing."),
        (404, "No such object, or not yours to see."),
        (413, "The request body is too large."),
        (422, "Bad input; every problem located."),
    )
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def me_of(principal: Principal, csrf: str | None = None) -> MeOut:
    return MeOut(
        user=principal.actor,
        instance_admin=principal.instance_admin,
        organisation=principal.organisation,
        organisation_kind=principal.organisation_kind.value
        if principal.organisation_kind
        else None,
        role=principal.role.value if principal.role else None,
        token=principal.token,
        csrf_token=csrf,
    )


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, state: Any, secret: str) -> None:
    response.set_cookie(
        state.cookie_name,
        secret,
        max_age=state.settings.session_hours * 3600,
        path="/",
        secure=state.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


# ---------------------------------------------------------------------------- session


@router.post("/session", tags=["session"], responses={429: {"model": ErrorOut}})
def sign_in(
    body: SignIn, request: Request, response: Response, state: AppDep, call: CallerDep
) -> MeOut:
    """Sign in with a user name and password; sets the session cookie (a new one each
    time) and answers the CSRF token to send with changes."""
    if call.cookie:
        with state.db.transaction() as session:
            auth.sign_out(session, call.cookie)
    opened = auth.sign_in(
        state.db,
        state.settings,
        body.username,
        body.password,
        body.organisation,
        client_of(request),
    )
    set_session_cookie(response, state, opened.secret)
    return me_of(opened.principal, opened.csrf_token)


@router.delete("/session", tags=["session"], status_code=status.HTTP_204_NO_CONTENT)
def sign_out(response: Response, state: AppDep, call: CallerDep) -> None:
    """Sign out: the session ends on the server and the cookie is cleared."""
    if call.cookie:
        with call.acting():  # a forged sign-out (no CSRF token) is refused
            pass
        with state.db.transaction() as session:
            auth.sign_out(session, call.cookie)
    response.delete_cookie(state.cookie_name, path="/", secure=state.settings.secure_cookies)


@router.get("/me", tags=["session"])
def me(call: CallerDep) -> MeOut:
    """Who is signed in (or whose token this is), in which organisation, with which role."""
    with call.db.transaction() as session:
        caller = (
            auth.from_token(session, call.bearer)
            if call.bearer
            else auth.from_session(session, call.cookie)
            if call.cookie
            else None
        )
    if caller is None:
        raise auth.NotSignedInError("sign in first, or send an API token as a bearer token")
    return me_of(caller.principal, caller.csrf_token)


@router.get("/organisations", tags=["accounts"])
def organisations(call: CallerDep) -> Listing[OrganisationOut]:
    """The organisations you are shown: your own, those you supervise, your supervisor."""
    with call.acting() as (session, principal):
        views = accounts.list_organisations(session, principal)
    return Listing[OrganisationOut].model_validate(listing([asdict(v) for v in views]))


# ---------------------------------------------------------------------------- models


@router.get("/models", tags=["models"])
def list_models(call: CallerDep, name: str | None = None) -> Listing[SnapshotOut]:
    """Model snapshots you may see (every version), optionally of one name."""
    with call.acting() as (session, principal):
        views = snapshots.list_snapshots(session, principal, name)
    return Listing[SnapshotOut].model_validate(listing([asdict(v) for v in views]))


@router.post("/models", tags=["models"], status_code=status.HTTP_201_CREATED)
def upload_model(
    call: CallerDep,
    state: AppDep,
    files: Annotated[
        list[UploadFile],
        File(min_length=1, max_length=64, description="One model YAML and its site CSVs."),
    ],
    name: Annotated[str | None, Form(max_length=64)] = None,
    tlp: Annotated[Tlp, Form()] = Tlp.AMBER,
) -> SnapshotOut:
    """Validate a model and keep it as the next version (422 with every located problem;
    nothing kept)."""
    uploaded = [UploadedFile(f.filename or "", f.file.read()) for f in files]
    with call.acting() as (session, principal):
        view = import_uploaded_model(
            session, principal, uploaded, state.catalogue, name=name or None, tlp=tlp
        )
    return SnapshotOut.model_validate(asdict(view))


@router.get("/models/{snapshot_id}", tags=["models"])
def get_model(snapshot_id: Ident, call: CallerDep) -> SnapshotOut:
    with call.acting() as (session, principal):
        view = snapshots.get_snapshot(session, principal, snapshot_id)
    return SnapshotOut.model_validate(asdict(view))


@router.get("/models/{snapshot_id}/versions", tags=["models"])
def model_versions(snapshot_id: Ident, call: CallerDep) -> Listing[SnapshotOut]:
    """Every version of this snapshot's model that you may see."""
    with call.acting() as (session, principal):
        view = snapshots.get_snapshot(session, principal, snapshot_id)
        views = [
            v
            for v in snapshots.list_snapshots(session, principal, view.name)
            if v.organisation == view.organisation
        ]
    return Listing[SnapshotOut].model_validate(listing([asdict(v) for v in views]))


@router.get("/slices", tags=["models"])
def list_slices(call: CallerDep) -> Listing[SliceOut]:
    """Operators' parts of national models: an operator its own, an authority those of
    the operators it supervises."""
    with call.acting() as (session, principal):
        views = slices.list_slices(session, principal)
    return Listing[SliceOut].model_validate(listing([asdict(v) for v in views]))


@router.get("/slices/{slice_id}", tags=["models"])
def get_slice(slice_id: Ident, call: CallerDep) -> SliceOut:
    with call.acting() as (session, principal):
        view = slices.get_slice(session, principal, slice_id)
    return SliceOut.model_validate(asdict(view))


@router.post("/models/{snapshot_id}/whatif", tags=["models"])
def model_whatif(
    snapshot_id: Ident, body: WhatIfRequest, call: CallerDep, state: AppDep
) -> WhatIfResult:
    """The impact of events happening together on this model version, deterministically
    (as ``fiveguard whatif``)."""
    with call.acting() as (_session, principal):  # a cookie-borne POST needs its CSRF token
        pass
    result: WhatIfResult = whatif_snapshot(
        state.db,
        principal,
        snapshot_id,
        state.catalogue,
        body.events,
        mode=body.mode,
        hours=body.hours,
    )
    return result


@router.post("/slices/{slice_id}/replace", tags=["models"], status_code=status.HTTP_201_CREATED)
def replace_slice(
    slice_id: Ident,
    call: CallerDep,
    part: Annotated[UploadFile, File(description="The new part (part.yaml).")],
    sites: Annotated[
        UploadFile | None, File(description="Its site rows (sites.csv), when it has some.")
    ] = None,
) -> SliceOut:
    """The operator replaces its own part (its latest version) with uploaded files:
    checked to hold only its operator entry, assets and site rows (422 with every problem
    located, nothing kept); kept as the next draft version."""
    given = UploadedFile(part.filename or "part.yaml", part.file.read())
    rows = UploadedFile(sites.filename or "sites.csv", sites.file.read()) if sites else None
    with call.acting() as (session, principal):
        view = replace_uploaded_part(session, principal, slice_id, given, rows)
    return SliceOut.model_validate(asdict(view))


@router.get("/slices/{slice_id}/export", tags=["models"], response_class=Response)
def export_part(slice_id: Ident, call: CallerDep) -> Response:
    """The part as a zip of ``part.yaml`` and ``sites.csv``, as ``fiveguard store part
    export`` writes them (audited)."""
    with call.acting() as (session, principal):
        name, data = exported_part(session, principal, slice_id)
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.post("/slices/{slice_id}/submit", tags=["models"])
def submit_slice(slice_id: Ident, call: CallerDep) -> SliceOut:
    """An operator's signing officer submits its part to its authority."""
    with call.acting() as (session, principal):
        view = slices.submit_part(session, principal, slice_id)
    return SliceOut.model_validate(asdict(view))


@router.post("/slices/{slice_id}/merge", tags=["models"])
def merge_slice(slice_id: Ident, call: CallerDep, state: AppDep) -> SnapshotOut:
    """The authority merges a submitted part into the next version of its national model
    (validated as a whole, every problem located); the new version."""
    with call.acting() as (session, principal):
        _part, merged = slices.merge_part(session, principal, slice_id, state.catalogue)
    return SnapshotOut.model_validate(asdict(merged))


# ---------------------------------------------------------------------------- assessments


@router.get("/assessments", tags=["assessments"])
def list_runs(call: CallerDep) -> Listing[RunOut]:
    with call.acting() as (session, principal):
        views = assessments.list_assessments(session, principal)
    return Listing[RunOut].model_validate(listing([asdict(v) for v in views]))


@router.post("/assessments", tags=["assessments"], status_code=status.HTTP_202_ACCEPTED)
def submit_assessment(body: AssessmentRequest, call: CallerDep, request: Request) -> JobOut:
    """Queue an assessment of a snapshot; poll ``/jobs/{id}`` for its progress."""
    state = request.app.state.fiveguard
    with call.acting() as (session, principal):
        job = jobs.create_assessment_job(
            session,
            principal,
            state.catalogue,
            body.snapshot_id,
            policy=body.policy,
            trials=body.trials,
            seed=body.seed,
        )
    request.app.state.jobs.start(job.id, principal)
    return JobOut.model_validate(asdict(job))


@router.get("/assessments/{run_id}", tags=["assessments"])
def get_run(run_id: Ident, call: CallerDep) -> RunOut:
    with call.acting() as (session, principal):
        view = assessments.get_assessment(session, principal, run_id)
    return RunOut.model_validate(asdict(view))


@router.get("/assessments/{run_id}/result", tags=["assessments"])
def run_result(run_id: Ident, call: CallerDep) -> dict[str, Any]:
    """The recorded assessment (the schema of ``fiveguard schema assessment``)."""
    with call.acting() as (session, principal):
        result: dict[str, Any] = assessments.read_assessment_result(session, principal, run_id)
    return result


@router.get("/jobs", tags=["assessments"])
def list_jobs(call: CallerDep) -> Listing[JobOut]:
    with call.acting() as (session, principal):
        views = jobs.list_jobs(session, principal)
    return Listing[JobOut].model_validate(listing([asdict(v) for v in views]))


@router.get("/jobs/{job_id}", tags=["assessments"])
def get_job(job_id: Ident, call: CallerDep) -> JobOut:
    with call.acting() as (session, principal):
        view = jobs.get_job(session, principal, job_id)
    return JobOut.model_validate(asdict(view))


# ---------------------------------------------------------------------------- evidence, exchange


@router.get("/evidence", tags=["evidence"])
def list_evidence(call: CallerDep) -> Listing[EvidenceOut]:
    with call.acting() as (session, principal):
        views = evidence_records.list_evidence(session, principal)
    return Listing[EvidenceOut].model_validate(listing([asdict(v) for v in views]))


@router.post("/evidence", tags=["evidence"], status_code=status.HTTP_201_CREATED)
def upload_evidence(
    call: CallerDep,
    file: Annotated[UploadFile, File(description="An evidence record (JSON).")],
    tlp: Annotated[Tlp, Form()] = Tlp.AMBER,
) -> EvidenceOut:
    """Keep an evidence record your organisation issued (an SBOM, a vulnerability scan, a
    VEX statement, an equivalence result, as ``fiveguard evidence`` writes them); 422
    with every problem located."""
    given = UploadedFile(file.filename or "evidence.json", file.file.read())
    with call.acting() as (session, principal):
        view = record_uploaded_evidence(session, principal, given, tlp)
    return EvidenceOut.model_validate(asdict(view))


@router.get("/evidence/{entry_id}", tags=["evidence"])
def get_evidence(entry_id: Ident, call: CallerDep) -> dict[str, Any]:
    """An evidence record's content (audited when AMBER or stricter)."""
    with call.acting() as (session, principal):
        content: dict[str, Any] = evidence_records.read_evidence(session, principal, entry_id)
    return content


@router.get("/envelopes", tags=["exchange"])
def list_envelopes(call: CallerDep, direction: str | None = None) -> Listing[EnvelopeOut]:
    """Exchange envelopes you may see: ``direction=inbox`` or ``outbox`` for one side."""
    if direction not in (None, "inbox", "outbox"):
        raise InputError.at("expected inbox or outbox", "request", path="direction")
    with call.acting() as (session, principal):
        views = envelopes.list_envelopes(session, principal, direction)  # type: ignore[arg-type]
    return Listing[EnvelopeOut].model_validate(listing([asdict(v) for v in views]))


@router.post("/envelopes/{direction}", tags=["exchange"], status_code=status.HTTP_201_CREATED)
def file_envelope(
    direction: Literal["inbox", "outbox"],
    call: CallerDep,
    envelope: Annotated[UploadFile, File(description="A DSSE envelope (.dsse.json).")],
    keyring: Annotated[
        UploadFile | None,
        File(description="The keyring to verify it against (default: the one kept)."),
    ] = None,
) -> EnvelopeOut:
    """Verify an envelope (every check, failing closed; against the keyring given, or the
    one your organisation keeps) and keep it: a received one in
    your organisation's inbox, one it signed (a signing officer's act) in its outbox;
    422 with the located problems when a check fails."""
    given = UploadedFile(envelope.filename or "envelope", envelope.file.read())
    ring = UploadedFile(keyring.filename or "keyring", keyring.file.read()) if keyring else None
    with call.acting() as (session, principal):
        filed = file_received_upload(session, principal, given, ring, direction=direction)
    return EnvelopeOut.model_validate(asdict(filed.view))


@router.post("/coordination", tags=["exchange"])
def coordination(
    call: CallerDep,
    keyring: Annotated[
        UploadFile | None,
        File(description="The keyring to verify the inbox against (default: the one kept)."),
    ] = None,
) -> Coordination:
    """The coordinated view of the national summaries in your inbox, each verified again
    against the keyring given, or the one your organisation keeps (as ``fiveguard
    coordinate``); nothing is kept."""
    ring = UploadedFile(keyring.filename or "keyring", keyring.file.read()) if keyring else None
    with call.acting() as (session, principal):
        view: Coordination = coordinated_view(session, principal, ring)
    return view


@router.get("/envelopes/{envelope_id}", tags=["exchange"])
def get_envelope(envelope_id: Ident, call: CallerDep) -> dict[str, Any]:
    """An envelope's signed statement (audited when AMBER or stricter)."""
    with call.acting() as (session, principal):
        _raw, statement = envelopes.read_envelope(session, principal, envelope_id)
    return {"id": envelope_id, "statement": statement}


# ---------------------------------------------------------------------------- audit, accounts


@router.get("/audit", tags=["audit"])
def audit_log(
    call: CallerDep, after: Offset = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> Listing[AuditRowOut]:
    """The audit log as you may see it (organisation admins: their organisation's rows)."""
    limit = max(1, min(limit, 1000))
    with call.acting() as (session, principal):
        rows = [
            audit.as_link(r) for r in audit.entries(session, principal, limit=limit, after=after)
        ]
    return Listing[AuditRowOut].model_validate(listing([asdict(r) for r in rows]))


@router.get("/audit/verify", tags=["audit"])
def audit_verify(call: CallerDep) -> AuditVerifyOut:
    """Walk the whole chain and its checkpoints (organisation admins and the instance
    administrator); names the first broken row."""
    with call.acting() as (session, principal):
        if not principal.instance_admin and (
            principal.token is not None or not principal.may(Action.MANAGE)
        ):
            raise ForbiddenError(
                "the audit log is verified by organisation admins and the instance administrator"
            )
        found = audit.verify(session)
    return AuditVerifyOut(
        holds=found.holds,
        head=found.head,
        problem=found.problem,
        rows=found.rows if principal.instance_admin else None,
    )


@router.get("/users", tags=["accounts"])
def users(call: CallerDep) -> Listing[UserOut]:
    with call.acting() as (session, principal):
        views = accounts.list_users(session, principal)
    items = [
        {
            "name": v.name,
            "instance_admin": v.instance_admin,
            "memberships": [{"organisation": o, "role": r.value} for o, r in v.memberships],
        }
        for v in views
    ]
    return Listing[UserOut].model_validate(listing(items))


@router.get("/tokens", tags=["accounts"])
def list_tokens(call: CallerDep) -> Listing[TokenOut]:
    with call.acting() as (session, principal):
        views = accounts.list_tokens(session, principal)
    return Listing[TokenOut].model_validate(listing([asdict(v) for v in views]))


@router.post("/tokens", tags=["accounts"], status_code=status.HTTP_201_CREATED)
def create_token(body: TokenRequest, call: CallerDep) -> TokenOut:
    """A token for your organisation (its admin, signed in); the secret is shown once."""
    with call.acting() as (session, principal):
        view = accounts.create_token(session, principal, body.name, body.scopes, body.days)
    return TokenOut.model_validate(asdict(view))


@router.delete("/tokens/{public_id}", tags=["accounts"])
def revoke_token(public_id: PublicId, call: CallerDep) -> TokenOut:
    with call.acting() as (session, principal):
        view = accounts.revoke_token(session, principal, public_id)
    return TokenOut.model_validate(asdict(view))
