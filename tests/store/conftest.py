"""The record's tests run on SQLite and on PostgreSQL: every test that takes ``db_url``
(or ``db``) runs once per backend, each in a database of its own (see store_databases).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from store_databases import drop_postgres_database, new_postgres_database

from fiveguard.store import migrate
from fiveguard.store.database import Database, connect
from fiveguard.store.location import database_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an empty database of its own, on each backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('record')}/fiveguard.db"
        return
    url = new_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The record at ``db_url``, created at the newest revision."""
    database = connect(database_url(db_url), create=True)
    migrate.upgrade(database)
    try:
        yield database
    finally:
        database.close()
