"""How the record opens its database, and what stays outside it: a SQLite record runs
in WAL mode with foreign keys enforced and full sync; and the pydantic domain, the
engines and the file readers never import the ORM or the record."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from fiveguard.store.database import Database

SRC = Path(__file__).parents[2] / "src" / "fiveguard"
FREE_OF_THE_RECORD = ["domain", "modelio", "assess", "simulate", "exchange", "catalog", "compare"]


@pytest.mark.parametrize("backend", ["sqlite"])  # SQLite's pragmas: on SQLite only
def test_a_sqlite_record_uses_wal_foreign_keys_and_full_sync(db: Database) -> None:
    assert db.backend == "sqlite"
    with db.transaction() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_row_naming_a_missing_organisation_is_refused(db: Database) -> None:
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO membership (user_id, organisation_id, role, created_at) "
                "VALUES (4242, 4242, 'viewer', '2026-01-01T00:00:00.000000Z')"
            )
        )


@pytest.mark.parametrize("package", FREE_OF_THE_RECORD)
def test_the_domain_and_engines_never_import_the_orm_or_the_record(package: str) -> None:
    found = []
    for module in sorted((SRC / package).rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            found += [
                f"{module.relative_to(SRC)}:{node.lineno}: {name}"
                for name in names
                if name.split(".")[0] in {"sqlalchemy", "alembic", "psycopg"}
                or name.startswith("fiveguard.store")
                or name.startswith("fiveguard.web")
            ]
    assert found == []
