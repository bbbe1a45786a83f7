"""The record's schema revision: create or migrate it (Alembic, with the migrations
shipped inside the package), say where it stands, and refuse to work on a record this
fiveguard does not know how to read."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.store.database import Database
from fiveguard.store.location import shown


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    location = resources.files("fiveguard.store") / "migrations"
    config.set_main_option("script_location", str(location))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this fiveguard knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None  # the package ships at least one migration
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


@dataclass(frozen=True)
class SchemaStatus:
    """Where a record stands: its revision (None when empty) and this fiveguard's head."""

    location: str
    backend: str
    current: str | None
    head: str

    @property
    def state(self) -> str:
        if self.current is None:
            return "empty"
        if self.current == self.head:
            return "current"
        return "behind" if self.current in known_revisions() else "newer"


def status(database: Database) -> SchemaStatus:
    with database.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return SchemaStatus(shown(database.url), database.backend, current, head_revision())


def _refuse_newer(found: SchemaStatus) -> None:
    if found.state == "newer":
        raise InputError.at(
            f"the record at {found.location} is at revision {found.current}, newer than this "
            f"fiveguard knows (its newest is {found.head}): upgrade fiveguard",
            COMMAND_LINE,
            path="--database",
        )


def upgrade(database: Database, target: str = "head") -> SchemaStatus:
    """Create the record's tables or migrate them to ``target``, in one transaction."""
    _refuse_newer(status(database))
    with database.engine.begin() as connection:
        command.upgrade(_config(connection), target)
    return status(database)


def downgrade(database: Database, target: str) -> SchemaStatus:
    """Migrate down to ``target`` ("base" for empty); for tests and for undoing a release."""
    _refuse_newer(status(database))
    with database.engine.begin() as connection:
        command.downgrade(_config(connection), target)
    return status(database)


def require_current(database: Database) -> None:
    """Refuse a record that is empty, behind or newer than this fiveguard."""
    found = status(database)
    _refuse_newer(found)
    if found.state != "current":
        what = "has no tables" if found.state == "empty" else f"is at revision {found.current}"
        raise InputError.at(
            f"the record at {found.location} {what}; run `fiveguard db upgrade` "
            f"(this fiveguard needs revision {found.head})",
            COMMAND_LINE,
            path="--database",
        )
