"""Pages: the dashboard, models (upload with located problems, versions, what changed
between two), and operators' parts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import Tlp
from fiveguard.store import assessments, envelopes, evidence_records, slices, snapshots
from fiveguard.store.principal import Principal
from fiveguard.web import jobs
from fiveguard.web.context import AppDep, CallerDep, Ident, OptionalQueryIdent
from fiveguard.web.errors import problems_of
from fiveguard.web.pages_common import render
from fiveguard.web.usecases import (
    UploadedFile,
    import_uploaded_model,
    replace_uploaded_part,
    whatif_snapshot,
)

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, call: CallerDep) -> Response:
    """What the caller's organisation has, counted through the access policy."""
    with call.acting() as (session, principal):
        counts = {
            "model versions": snapshots.count_snapshots(session, principal),
            "operator parts": slices.count_slices(session, principal),
            "assessment runs": assessments.count_assessments(session, principal),
            "evidence records": evidence_records.count_evidence(session, principal),
            "envelopes": envelopes.count_envelopes(session, principal),
        }
        recent = assessments.list_assessments(session, principal)[-5:][::-1]
        running = [j for j in jobs.list_jobs(session, principal, 10) if j.status != "done"]
        waiting = _waiting(session, principal)
    return render(
        request,
        "dashboard.html.j2",
        principal,
        call.csrf_token,
        counts=counts,
        recent=recent,
        running=running,
        waiting=waiting,
    )


def _waiting(session: Any, principal: Principal) -> list[tuple[str, str]]:
    """What waits for someone of the organisation: summaries to sign or to send, and
    envelopes delivered but not yet verified and imported (link, text)."""
    from fiveguard.store.outbox import list_deliveries, list_outgoing

    found = []
    for row in list_outgoing(session, principal):
        if row.organisation_id != principal.organisation_id or row.status == "sent":
            continue
        step = "to be signed" if row.status == "prepared" else "signed, to be sent"
        found.append((f"/outbox/{row.id}", f"outgoing summary #{row.id} {step}"))
    for delivery in list_deliveries(session, principal):
        if delivery.status == "pending":
            found.append(("/exchange", f"a summary from {delivery.origin} to verify and import"))
    return found


@router.get("/models", response_class=HTMLResponse)
def models(request: Request, call: CallerDep) -> Response:
    with call.acting() as (session, principal):
        views = snapshots.list_snapshots(session, principal)
        parts = slices.list_slices(session, principal)
    return render(
        request, "models.html.j2", principal, call.csrf_token, models=views[::-1], parts=parts
    )


@router.post("/models", response_class=HTMLResponse)
def upload(
    request: Request,
    call: CallerDep,
    state: AppDep,
    files: Annotated[list[UploadFile], File()],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=64)] = "",
    tlp: Annotated[Tlp, Form()] = Tlp.AMBER,
) -> Response:
    """Upload a model; its problems are listed in the page, each located, nothing kept."""
    uploaded = [UploadedFile(f.filename or "", f.file.read()) for f in files if f.filename]
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = import_uploaded_model(
                session, principal, uploaded, state.catalogue, name=name or None, tlp=tlp
            )
    except InputError as exc:
        if type(exc) is not InputError:
            raise
        with call.acting(csrf=csrf_token) as (session, principal):
            views = snapshots.list_snapshots(session, principal)
            parts = slices.list_slices(session, principal)
        return render(
            request,
            "models.html.j2",
            principal,
            call.csrf_token,
            status_code=422,
            models=views[::-1],
            parts=parts,
            problems=problems_of(exc),
            uploaded=[f.name for f in uploaded],
        )
    return RedirectResponse(f"/models/{view.id}", status_code=303)


@router.get("/models/{snapshot_id}", response_class=HTMLResponse)
def model(
    request: Request,
    snapshot_id: Ident,
    call: CallerDep,
    other: OptionalQueryIdent = None,
) -> Response:
    with call.acting() as (session, principal):
        view = snapshots.get_snapshot(session, principal, snapshot_id)
        versions = [
            v
            for v in snapshots.list_snapshots(session, principal, view.name)
            if v.organisation == view.organisation
        ]
        compared = snapshots.get_snapshot(session, principal, other) if other else None
        runs = [
            r
            for r in assessments.list_assessments(session, principal)
            if r.snapshot_id == snapshot_id
        ]
    changes = _changes(compared, view) if compared else None
    return render(
        request,
        "model.html.j2",
        principal,
        call.csrf_token,
        model=view,
        versions=versions,
        compared=compared,
        changes=changes,
        runs=runs,
        policies=sorted(state_policies(request)),
        default_trials=request.app.state.fiveguard.catalogue.simulation.assess_trials,
    )


def state_policies(request: Request) -> list[str]:
    return list(request.app.state.fiveguard.catalogue.policies)


def _changes(
    old: snapshots.SnapshotView, new: snapshots.SnapshotView
) -> dict[str, list[str] | int]:
    """What changed between two versions: files added, removed and changed; asset and
    site counts."""
    before = {f.path: f.digest for f in old.files}
    after = {f.path: f.digest for f in new.files}
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(p for p in set(after) & set(before) if after[p] != before[p]),
        "unchanged": sorted(p for p in set(after) & set(before) if after[p] == before[p]),
        "assets": new.assets - old.assets,
        "site_rows": new.site_rows - old.site_rows,
    }


@router.get("/models/{snapshot_id}/whatif", response_class=HTMLResponse)
def whatif_form(request: Request, snapshot_id: Ident, call: CallerDep) -> Response:
    with call.acting() as (session, principal):
        view = snapshots.get_snapshot(session, principal, snapshot_id)
    return render(request, "whatif.html.j2", principal, call.csrf_token, model=view, events="")


@router.post("/models/{snapshot_id}/whatif", response_class=HTMLResponse)
def whatif_page(
    request: Request,
    snapshot_id: Ident,
    call: CallerDep,
    state: AppDep,
    events: Annotated[str, Form(max_length=5000)],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    mode: Annotated[str, Form(max_length=16)] = "",
    hours: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """The what-if's impact, nationally and per operator, with a chart; or its problems."""
    with call.acting(csrf=csrf_token) as (session, principal):
        view = snapshots.get_snapshot(session, principal, snapshot_id)
    result = None
    problems: list[dict[str, object]] = []
    try:
        duration = float(hours) if hours.strip() else None
    except ValueError:
        duration = None
        problems = [{"file": "form", "path": "hours", "message": f"expected hours, got {hours!r}"}]
    if not problems:
        try:
            result = whatif_snapshot(
                state.db,
                principal,
                snapshot_id,
                state.catalogue,
                events.splitlines(),
                mode=mode or None,
                hours=duration,
            )
        except InputError as exc:
            if type(exc) is not InputError:
                raise
            problems = problems_of(exc)
    bars = _bars(result) if result is not None else []
    return render(
        request,
        "whatif.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        model=view,
        events=events,
        mode=mode,
        hours=hours,
        result=result,
        problems=problems,
        bars=bars,
    )


def _bars(result: Any) -> list[dict[str, object]]:
    """A horizontal bar per operator: people without service, scaled to the largest."""
    rows = sorted(result.by_operator.items(), key=lambda item: -item[1].people_without_service)
    largest = max((c.people_without_service for _, c in rows), default=0) or 1
    return [
        {
            "label": name,
            "value": counts.people_without_service,
            "width": round(480 * counts.people_without_service / largest),
            "y": 26 * index,
        }
        for index, (name, counts) in enumerate(rows)
    ]


def _part_page(
    request: Request,
    call: CallerDep,
    slice_id: int,
    *,
    problems: list[dict[str, object]] | None = None,
    uploaded: list[str] | None = None,
) -> Response:
    with call.acting() as (session, principal):
        part = slices.get_slice(session, principal, slice_id)
        versions = [
            p
            for p in slices.list_slices(session, principal)
            if p.national_id == part.national_id and p.operator_id == part.operator_id
        ]
    return render(
        request,
        "part.html.j2",
        principal,
        call.csrf_token,
        status_code=422 if problems else 200,
        part=part,
        latest=max(v.version for v in versions) == part.version,
        versions=versions[::-1],
        problems=problems or [],
        uploaded=uploaded or [],
    )


@router.get("/slices/{slice_id}", response_class=HTMLResponse)
def part(request: Request, slice_id: Ident, call: CallerDep) -> Response:
    """An operator's part: its versions, its export, and (its operator) a replace form."""
    return _part_page(request, call, slice_id)


@router.post("/slices/{slice_id}/replace", response_class=HTMLResponse)
def replace_part(
    request: Request,
    slice_id: Ident,
    call: CallerDep,
    part: Annotated[UploadFile, File()],
    sites: Annotated[UploadFile | None, File()] = None,
    csrf_token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Replace the operator's part with uploaded files; problems located in the page."""
    given = UploadedFile(part.filename or "part.yaml", part.file.read())
    rows = None
    if sites is not None and sites.filename:
        rows = UploadedFile(sites.filename, sites.file.read())
    try:
        with call.acting(csrf=csrf_token) as (session, principal):
            view = replace_uploaded_part(session, principal, slice_id, given, rows)
    except InputError as exc:
        if type(exc) is not InputError:
            raise
        names = [given.name] + ([rows.name] if rows else [])
        return _part_page(request, call, slice_id, problems=problems_of(exc), uploaded=names)
    return RedirectResponse(f"/slices/{view.id}", status_code=303)


@router.post("/slices/{slice_id}/{step}", response_class=HTMLResponse)
def slice_step(
    request: Request,
    slice_id: Ident,
    step: Literal["submit", "merge"],
    call: CallerDep,
    state: AppDep,
    csrf_token: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Submit a part (its operator's signing officer) or merge it (its authority)."""
    with call.acting(csrf=csrf_token) as (session, principal):
        if step == "submit":
            slices.submit_part(session, principal, slice_id)
            target = "/models"
        else:
            _part, merged = slices.merge_part(session, principal, slice_id, state.catalogue)
            target = f"/models/{merged.id}"
    return RedirectResponse(target, status_code=303)
