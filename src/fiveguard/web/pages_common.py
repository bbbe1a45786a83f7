"""What the pages share: the templates (with the report's stylesheet), rendering as the
caller, forms' CSRF fields, signing in and out, and error pages."""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from fiveguard.domain.errors import InputError
from fiveguard.domain.parties import OrganisationKind
from fiveguard.store.principal import Action, Principal
from fiveguard.web import auth
from fiveguard.web.api import client_of, set_session_cookie
from fiveguard.web.context import AppDep, CallerDep
from fiveguard.web.errors import message_of, problems_of, status_of

templates = Jinja2Templates(directory=str(resources.files("fiveguard.web") / "templates"))
templates.env.filters["num"] = lambda v: "—" if v is None else f"{v:,.0f}"
LOGIN_COOKIE = "fiveguard-login"
"""A random value the sign-in form repeats (double submit): a page on another site
cannot sign a browser in as someone else."""

router = APIRouter(include_in_schema=False)


def menu(principal: Principal | None) -> list[tuple[str, str]]:
    """The navigation a caller is shown (what each page then shows is the policy's)."""
    if principal is None:
        return []
    if principal.instance_admin:
        return [("/", "Home"), ("/admin", "Users and tokens"), ("/audit", "Audit log")]
    items = [("/", "Dashboard")]
    if principal.organisation_kind != OrganisationKind.EU_COORDINATOR:
        items += [("/models", "Models"), ("/assessments", "Assessments")]
    items += [("/evidence", "Evidence"), ("/exchange", "Exchange")]
    if principal.organisation_kind == OrganisationKind.EU_COORDINATOR:
        items.append(("/eu", "EU view"))
    if principal.may(Action.MANAGE) and principal.token is None:
        items += [("/audit", "Audit log"), ("/admin", "Users and tokens")]
    return items


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    csrf: str | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {
            "me": principal,
            "csrf": csrf,
            "menu": menu(principal),
            "path": request.url.path,
            **context,
        },
        status_code=status_code,
    )


def error_page(request: Request, exc: Exception) -> Response:
    """A page's answer to an error: sign-in again, or the message in the page."""
    if isinstance(exc, auth.NotSignedInError):
        return RedirectResponse("/login", status_code=303)
    problems = problems_of(exc) if isinstance(exc, InputError) and status_of(exc) == 422 else []  # noqa: PLR2004
    return render(
        request,
        "error.html.j2",
        None,
        None,
        status_code=status_of(exc),
        message=message_of(exc),
        problems=problems,
        status=status_of(exc),
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, state: AppDep, message: str | None = None) -> Response:
    nonce = secrets.token_urlsafe(24)
    response = render(request, "login.html.j2", None, nonce, message=message)
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=1800,
        path="/login",
        secure=state.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    state: AppDep,
    call: CallerDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    organisation: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    if not auth.csrf_matches(request.cookies.get(LOGIN_COOKIE) or "", csrf_token) or not csrf_token:
        return login_form(request, state, "The form had expired: sign in again.")
    try:
        if call.cookie:
            with state.db.transaction() as session:
                auth.sign_out(session, call.cookie)
        opened = auth.sign_in(
            state.db, state.settings, username, password, organisation or None, client_of(request)
        )
    except auth.SignInRefusedError as exc:
        answer = login_form(request, state, str(exc))
        answer.status_code = 429 if exc.throttled else 401
        return answer
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, state, opened.secret)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    state: AppDep, call: CallerDep, csrf_token: Annotated[str, Form(max_length=64)] = ""
) -> Response:
    if call.cookie:
        with call.acting(csrf=csrf_token):
            pass
        with state.db.transaction() as session:
            auth.sign_out(session, call.cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(state.cookie_name, path="/", secure=state.settings.secure_cookies)
    return response


@router.get("/assets/report.css")
def report_css() -> Response:
    """The report's stylesheet, shared by the pages."""
    css = (resources.files("fiveguard.report") / "templates" / "report.css").read_text("utf-8")
    return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})
