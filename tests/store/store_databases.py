"""Databases for the record's tests: a fresh PostgreSQL schema per test, and whether
the server answers.

PostgreSQL is the server at ``$FIVEGUARD_TEST_POSTGRES_URL`` (default: the local one,
``postgresql://postgres@127.0.0.1:5432/postgres``). When it cannot be reached its tests
are skipped with the reason, except where ``FIVEGUARD_REQUIRE_POSTGRES=1`` (CI), where
they fail.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ADMIN_URL = os.environ.get(
    "FIVEGUARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("FIVEGUARD_REQUIRE_POSTGRES") == "1"
_reachable: dict[str, str | None] = {}


def _postgres_problem() -> str | None:
    """None when the server answers, else why not (checked once per process)."""
    if "answer" not in _reachable:
        engine = create_engine(ADMIN_URL, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            _reachable["answer"] = None
        except OperationalError as exc:
            _reachable["answer"] = str(exc.orig).strip().splitlines()[0]
        finally:
            engine.dispose()
    return _reachable["answer"]


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {make_url(ADMIN_URL).render_as_string()} does not answer: {problem}"
    if REQUIRE_POSTGRES:
        pytest.fail(f"{message} (FIVEGUARD_REQUIRE_POSTGRES=1: the PostgreSQL tests must run)")
    pytest.skip(f"{message}; start it to run the PostgreSQL half of the store tests")


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")


def new_postgres_database() -> str:
    """A fresh, uniquely named schema on the test server; the URL that works in it
    (its search path names the schema). Cheaper than a database per test, and as apart."""
    require_postgres()
    name = f"fg_test_{uuid.uuid4().hex[:16]}"
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    url = make_url(ADMIN_URL).update_query_dict({"options": f"-csearch_path={name}"})
    return url.render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = str(make_url(url).query["options"]).removeprefix("-csearch_path=")
    engine = _admin_engine()
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()
