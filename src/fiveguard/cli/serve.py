"""``fiveguard serve``: the web application on the record, with uvicorn."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from fiveguard.cli.app import app, console
from fiveguard.cli.record_common import DatabaseOpt
from fiveguard.domain.errors import COMMAND_LINE, InputError

DEFAULT_PORT = 8000


@app.command("serve")
def serve(
    database: DatabaseOpt = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = DEFAULT_PORT,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Seed a demo instance (Xandria, its operators, the EU, a lab, a user per "
            "role) in a fresh record; without --database, in a temporary directory.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option("--jobs", help="Assessments run at once in the background.")
    ] = 1,
) -> None:
    """Run the web application (pages at /, JSON API at /api/v1, its OpenAPI document at
    /api/v1/openapi.json). Put it behind a reverse proxy with TLS for anything but a
    demo on this machine (see docs/web.md).

    Example: `fiveguard serve --demo`
    """
    import uvicorn

    from fiveguard.store import migrate
    from fiveguard.store.database import connect
    from fiveguard.store.location import database_url
    from fiveguard.web.app import create_app
    from fiveguard.web.settings import WebSettings

    if not 1 <= port <= 65535:  # noqa: PLR2004
        raise InputError.at(f"expected a TCP port 1–65535, got {port}", COMMAND_LINE, path="--port")
    if not 1 <= workers <= 64:  # noqa: PLR2004
        raise InputError.at(f"expected 1–64 jobs, got {workers}", COMMAND_LINE, path="--jobs")
    if demo and database is None:
        where = Path(tempfile.mkdtemp(prefix="fiveguard-demo-")) / "fiveguard.db"
        database = f"sqlite:///{where}"
    opened = connect(database_url(database), create=demo)
    try:
        if demo:
            from fiveguard.web.demo import seed_demo

            migrate.upgrade(opened)
            seeded = seed_demo(opened)
            console.print(seeded.describe(), markup=False, soft_wrap=True)
        migrate.require_current(opened)
        web = create_app(opened, WebSettings(job_workers=workers))
        console.print(f"fiveguard serving on http://{host}:{port}/", markup=False)
        uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=True)
    finally:
        opened.close()
