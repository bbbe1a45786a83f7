"""The record's schema: created from empty, migrated down and up again, equal to the
tables the code maps, and refused when it is newer than the code or cannot be reached."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from fiveguard.domain.errors import InputError
from fiveguard.store import migrate
from fiveguard.store.database import connect
from fiveguard.store.location import database_url
from fiveguard.store.tables import Base


def test_upgrade_from_empty_creates_every_table_and_down_and_up_again(db_url: str) -> None:
    database = connect(database_url(db_url), create=True)
    assert migrate.status(database).state == "empty"
    assert migrate.upgrade(database).state == "current"
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.downgrade(database, "base").state == "empty"
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    assert migrate.upgrade(database).state == "current"
    assert set(Base.metadata.tables) <= set(inspect(database.engine).get_table_names())
    database.close()


def test_the_migrated_schema_is_the_schema_the_code_maps(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_audit_tables_refuse_update_and_delete(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, row_hash) "
                "VALUES (1, 't', 'a', 'x', '{}', 'p', 'r')"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'b'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))


def test_a_record_newer_than_the_code_is_refused_and_left_as_it_is(db) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    for attempt in (migrate.require_current, migrate.upgrade):
        with pytest.raises(InputError) as caught:
            attempt(db)
        assert "at revision 9999, newer than this fiveguard knows" in str(caught.value)
    assert migrate.status(db).current == "9999"


def test_an_empty_record_is_refused_until_upgraded(db_url: str) -> None:
    database = connect(database_url(db_url), create=True)
    with pytest.raises(InputError, match="has no tables; run `fiveguard db upgrade`"):
        migrate.require_current(database)
    database.close()


def test_an_unreachable_server_is_one_message_naming_it() -> None:
    url = database_url("postgresql://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(InputError) as caught:
        connect(url)
    message = str(caught.value)
    assert "cannot reach the database postgresql+psycopg://nobody:***@127.0.0.1:1/none" in message
    assert "secret" not in message


def test_a_missing_sqlite_file_is_not_created_except_by_upgrade(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sub" / "fiveguard.db"
    with pytest.raises(InputError, match=r"no record at .*run `fiveguard db upgrade`"):
        connect(database_url(f"sqlite:///{path}"))
    assert not path.parent.exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("mysql://x/y", "unsupported database 'mysql'"),
        ("sqlite://", "expected a SQLite file"),
        ("not a url", "expected a database URL"),
    ],
)
def test_a_bad_database_url_is_refused(given: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        database_url(given)
