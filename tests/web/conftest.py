"""Web tests run on a fresh SQLite record each (PostgreSQL where a test takes ``db``
from the store's fixtures through ``web_db``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_world import fresh_record

from fiveguard.store.database import Database


@pytest.fixture
def record(tmp_path: Path) -> Iterator[Database]:
    database = fresh_record(tmp_path)
    try:
        yield database
    finally:
        database.close()
