"""Web tests run on a fresh SQLite record each (PostgreSQL where a test takes ``db``
from the store's fixtures through ``web_db``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fiveguard.store import migrate
from fiveguard.store.database import Database, connect
from fiveguard.store.location import database_url


def fresh_record(directory: Path) -> Database:
    database = connect(database_url(f"sqlite:///{directory}/fiveguard.db"), create=True)
    migrate.upgrade(database)
    return database


@pytest.fixture
def record(tmp_path: Path) -> Iterator[Database]:
    database = fresh_record(tmp_path)
    try:
        yield database
    finally:
        database.close()
