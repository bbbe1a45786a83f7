"""Pages: assessment runs (submit as a background job and watch its progress, the
report, two runs compared)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from fiveguard.assess.results import Assessment
from fiveguard.domain.errors import InputError
from fiveguard.store import assessments
from fiveguard.web import jobs
from fiveguard.web.context import MAX_ID, CallerDep, Ident, QueryIdent
from fiveguard.web.middleware import REPORT_CSP
from fiveguard.web.pages_common import render

router = APIRouter(include_in_schema=False)


@router.get("/assessments", response_class=HTMLResponse)
def runs(request: Request, call: CallerDep) -> Response:
    with call.acting() as (session, principal):
        views = assessments.list_assessments(session, principal)[::-1]
        queued = jobs.list_jobs(session, principal)
    return render(
        request, "assessments.html.j2", principal, call.csrf_token, runs=views, jobs=queued
    )


@router.post("/assessments")
def submit(
    request: Request,
    call: CallerDep,
    snapshot_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    policy: Annotated[str, Form(max_length=64)] = "",
    trials: Annotated[int | None, Form(ge=0, le=jobs.MAX_TRIALS)] = None,
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    state = request.app.state.fiveguard
    with call.acting(csrf=csrf_token) as (session, principal):
        job = jobs.create_assessment_job(
            session,
            principal,
            state.catalogue,
            snapshot_id,
            policy=policy or None,
            trials=trials,
            seed=seed,
        )
    request.app.state.jobs.start(job.id, principal)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, job_id: Ident, call: CallerDep) -> Response:
    """The job's page; without JavaScript it reloads itself until the job ends, with
    htmx only its progress part is fetched again."""
    with call.acting() as (session, principal):
        view = jobs.get_job(session, principal, job_id)
    part = request.headers.get("hx-request") == "true"
    return render(
        request,
        "job_progress.html.j2" if part else "job.html.j2",
        principal,
        call.csrf_token,
        job=view,
    )


@router.get("/assessments/compare", response_class=HTMLResponse)
def compare(request: Request, call: CallerDep, a: QueryIdent, b: QueryIdent) -> Response:
    """Two runs side by side: their inputs and the summary's figures."""
    with call.acting() as (session, principal):
        views = [assessments.get_assessment(session, principal, i) for i in (a, b)]
        results = [assessments.read_assessment_result(session, principal, i) for i in (a, b)]
    rows = _compared(results)
    return render(request, "compare.html.j2", principal, call.csrf_token, runs=views, rows=rows)


def _compared(results: list[Any]) -> list[tuple[str, Any, Any]]:
    """The summary's scalar figures of two results, by name, the changed ones first."""

    def figures(result: Any) -> dict[str, Any]:
        summary = result.get("summary", {}) if isinstance(result, dict) else {}
        out: dict[str, Any] = {}
        for key, value in summary.items():
            if isinstance(value, int | float | str):
                out[key] = value
            elif isinstance(value, dict):
                for sub, inner in value.items():
                    if isinstance(inner, int | float | str):
                        out[f"{key}: {sub}"] = inner
        return out

    left, right = figures(results[0]), figures(results[1])
    names = sorted(set(left) | set(right), key=lambda n: (left.get(n) == right.get(n), n))
    return [(n, left.get(n), right.get(n)) for n in names]


@router.get("/assessments/{run_id}", response_class=HTMLResponse)
def run(request: Request, run_id: Ident, call: CallerDep) -> Response:
    with call.acting() as (session, principal):
        view = assessments.get_assessment(session, principal, run_id)
        others = [r for r in assessments.list_assessments(session, principal) if r.id != run_id]
        result = assessments.read_assessment_result(session, principal, run_id)
    summary = result.get("summary") if isinstance(result, dict) else None
    return render(
        request,
        "assessment.html.j2",
        principal,
        call.csrf_token,
        run=view,
        others=others,
        summary=summary,
        reportable=isinstance(result, dict) and "metadata" in result,
    )


@router.get("/assessments/{run_id}/report", response_class=HTMLResponse)
def report(run_id: Ident, call: CallerDep) -> Response:
    """The report as ``fiveguard assess --out`` writes it, for this recorded run."""
    from fiveguard.report.render import render_report

    with call.acting() as (session, principal):
        result = assessments.read_assessment_result(session, principal, run_id)
    try:
        assessment = Assessment.model_validate(result)
    except ValidationError:
        raise InputError.at(
            f"run {run_id} recorded a result this fiveguard cannot draw as a report",
            "record",
            path="result",
        ) from None
    html = render_report(assessment)
    return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})
