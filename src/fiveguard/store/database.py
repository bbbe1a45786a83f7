"""Opening the record: the engine for SQLite (WAL, foreign keys on, one writer at a
time) or PostgreSQL (psycopg 3), and one transaction per use case.

Every failure a user can cause here — a URL that cannot be reached, a record that does
not exist yet, a record at a revision this fiveguard does not know — is an
:class:`InputError` on the command line's ``--database``, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.store.location import shown

CONNECT_TIMEOUT_S = 5
"""How long to wait for a PostgreSQL server before saying it cannot be reached."""
SQLITE_BUSY_TIMEOUT_MS = 60_000
"""How long a SQLite writer waits for another to finish before giving up."""


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Transactions are begun by hand (below), so the driver must not begin its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a commit survives a crash of the OS too
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at the start: the audit chain's next link is read and
        # written in one transaction, so two writers must never interleave.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` (from :func:`fiveguard.store.location.database_url`)."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(
        url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}, pool_pre_ping=True
    )


@dataclass
class Database:
    """An opened record: its URL, engine and session factory."""

    url: URL
    engine: Engine

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def connect(url: URL, *, create: bool = False) -> Database:
    """Open the record at ``url`` and check it answers.

    A SQLite file that does not exist is refused unless ``create`` (``db upgrade``),
    which makes its directory; nothing else is created here.
    """
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        if not path.exists():
            if not create:
                raise InputError.at(
                    f"no record at {path}: run `fiveguard db upgrade` to create it",
                    COMMAND_LINE,
                    path="--database",
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError.at(
                    f"cannot create the directory {path.parent}: {exc.strerror or exc}",
                    COMMAND_LINE,
                    path="--database",
                ) from None
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise InputError.at(
            f"cannot reach the database {shown(url)}: {reason}",
            COMMAND_LINE,
            path="--database",
        ) from None
    return Database(url, engine)
