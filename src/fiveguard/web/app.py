"""The application factory: the record, the settings and the catalogue in; a FastAPI
app with the JSON API, the pages, the static files and the middleware out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from fiveguard import __version__
from fiveguard.domain.catalogue import Catalogue
from fiveguard.store.database import Database
from fiveguard.web import (
    api,
    api_outbox,
    errors,
    pages_admin,
    pages_common,
    pages_exchange,
    pages_models,
    pages_runs,
)
from fiveguard.web.context import AppState
from fiveguard.web.jobs import JobRunner
from fiveguard.web.middleware import BodyLimit, SecurityHeaders
from fiveguard.web.settings import WebSettings

OPENAPI_URL = "/api/v1/openapi.json"


def create_app(
    db: Database, settings: WebSettings | None = None, catalogue: Catalogue | None = None
) -> FastAPI:
    """The web app on an opened record (at this fiveguard's revision)."""
    if catalogue is None:
        from fiveguard.catalog import default_catalogue

        catalogue = default_catalogue()
    settings = settings or WebSettings()
    runner = JobRunner(db, catalogue, settings.job_workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner.abandon_unfinished()
        yield
        runner.shutdown()

    app = FastAPI(
        title="fiveguard",
        version=__version__,
        description="Risk-based security assessment of 5G networks: the shared record's API.",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # the interactive viewers load scripts from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.fiveguard = AppState(db, settings, catalogue)
    app.state.jobs = runner
    errors.install(app)
    app.include_router(api.router)
    app.include_router(api_outbox.router)
    for pages in (pages_common, pages_models, pages_runs, pages_admin, pages_exchange):
        app.include_router(pages.router)
    static = resources.files("fiveguard.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    return app
