"""Errors as the web answers them: bad input 422 (every problem located), a refused
action 403, anything not the caller's to see 404, no credentials 401, a forged or
missing CSRF token 403, too many sign-ins 429 — always a JSON body (or, for pages, the
message in the page), never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from fiveguard.domain.errors import InputError
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.web.auth import NotSignedInError, SignInRefusedError
from fiveguard.web.context import CsrfRefusedError

log = logging.getLogger("fiveguard.web")


def problems_of(exc: InputError) -> list[dict[str, Any]]:
    return [
        {
            "file": p.location.file,
            "line": p.location.line,
            "col": p.location.col,
            "path": p.location.path,
            "message": p.message,
            "severity": p.severity.value,
        }
        for p in exc.problems[:200]
    ]


def status_of(exc: Exception) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ForbiddenError | CsrfRefusedError):
        return 403
    if isinstance(exc, NotSignedInError):
        return 401
    if isinstance(exc, SignInRefusedError):
        return 429 if exc.throttled else 401
    if isinstance(exc, InputError):
        return 422
    return 500


def message_of(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return exc.problems[0].message if exc.problems else "bad input"
    return str(exc)


def _json(exc: Exception) -> JSONResponse:
    body: dict[str, Any] = {"error": message_of(exc), "problems": []}
    if isinstance(exc, InputError) and not isinstance(exc, NotFoundError | ForbiddenError):
        body["problems"] = problems_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotSignedInError) else None
    return JSONResponse(body, status_code=status_of(exc), headers=headers)


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI) -> None:
    """Register the handlers: API paths answer JSON; pages render their own messages."""

    async def known(request: Request, exc: Exception) -> Response:
        if not _api(request):
            from fiveguard.web.pages_common import error_page

            return error_page(request, exc)
        return _json(exc)

    for kind in (InputError, NotSignedInError, SignInRefusedError, CsrfRefusedError):
        app.add_exception_handler(kind, known)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            {
                "file": "request",
                "line": None,
                "col": None,
                "path": ".".join(str(part) for part in e.get("loc", ())),
                "message": str(e.get("msg", "invalid")),
                "severity": "error",
            }
            for e in exc.errors()[:50]
        ]
        if not _api(request):
            from fiveguard.web.pages_common import error_page

            first = problems[0]["message"] if problems else "invalid"
            bad = InputError.at(
                f"the form is not valid: {first}",
                "form",
                path=problems[0]["path"] if problems else None,
            )
            return error_page(request, bad)
        return JSONResponse({"error": "the request is not valid", "problems": problems}, 422)

    app.add_exception_handler(RequestValidationError, invalid)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not _api(request) and exc.status_code == 404:  # noqa: PLR2004
            from fiveguard.store.common import NotFoundError
            from fiveguard.web.pages_common import error_page

            return error_page(request, NotFoundError("page", request.url.path, "path"))
        return JSONResponse(
            {"error": str(exc.detail), "problems": []},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    app.add_exception_handler(StarletteHTTPException, http)

    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": "internal error (logged on the server)", "problems": []}, 500)

    app.add_exception_handler(Exception, bug)
