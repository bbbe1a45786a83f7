"""Where the record is: a database URL from the command line, the environment, or a
SQLite file in the data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from fiveguard.domain.errors import COMMAND_LINE, InputError

DATABASE_ENV = "FIVEGUARD_DATABASE_URL"
DATA_DIR_ENV = "FIVEGUARD_DATA_DIR"
DATABASE_FILE = "fiveguard.db"

SUPPORTED_DRIVERS = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}
"""URL schemes accepted, and the driver each uses (psycopg 3 for PostgreSQL)."""


def data_dir() -> Path:
    """``$FIVEGUARD_DATA_DIR``, else the platform's per-user data directory."""
    given = os.environ.get(DATA_DIR_ENV)
    if given:
        return Path(given).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "fiveguard"


def database_url(given: str | None) -> URL:
    """The URL of the record: ``given`` (``--database``), else ``$FIVEGUARD_DATABASE_URL``,
    else the SQLite file ``fiveguard.db`` in :func:`data_dir`."""
    text = given or os.environ.get(DATABASE_ENV)
    if not text:
        return URL.create("sqlite", database=str(data_dir() / DATABASE_FILE))
    where = "--database" if given else DATABASE_ENV
    try:
        url = make_url(text)
    except ArgumentError:
        raise InputError.at(
            f"expected a database URL such as sqlite:///path/fiveguard.db or "
            f"postgresql://user@host/dbname, got {text!r}",
            COMMAND_LINE,
            path=where,
        ) from None
    driver = SUPPORTED_DRIVERS.get(url.drivername)
    if driver is None:
        raise InputError.at(
            f"unsupported database {url.drivername!r}; expected sqlite or postgresql",
            COMMAND_LINE,
            path=where,
        )
    if driver == "sqlite" and url.database in (None, "", ":memory:"):
        raise InputError.at(
            "expected a SQLite file (sqlite:///path/fiveguard.db); a database in memory "
            "would be lost when the command ends",
            COMMAND_LINE,
            path=where,
        )
    return url.set(drivername=driver)


def shown(url: URL) -> str:
    """The URL as messages show it, password hidden."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)
