"""What the record's commands share: ``--database``, ``--user`` and ``--org``, opening
the record and acting as a member of an organisation.

The command line is a trusted local operator's tool: whoever runs it may act as any
user of the record by naming them (``--user`` or ``FIVEGUARD_USER``); the membership
and role are checked, not a password. The web app authenticates people itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from fiveguard.store.principal import Principal

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="FIVEGUARD_DATABASE_URL",
        help="Database URL (sqlite:///FILE or postgresql://USER@HOST/DB); default: "
        "fiveguard.db in $FIVEGUARD_DATA_DIR or the platform's data directory.",
        show_default=False,
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="FIVEGUARD_USER",
        help="Who is acting (a user of the record).",
        show_default=False,
    ),
]
OrgOpt = Annotated[
    str | None,
    typer.Option(
        "--org", help="The organisation to act in (when the user has several).", show_default=False
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@contextmanager
def record(database: str | None) -> Iterator[Session]:
    """One transaction on the record, which must be at this fiveguard's revision."""
    from fiveguard.store import migrate
    from fiveguard.store.database import connect
    from fiveguard.store.location import database_url

    opened = connect(database_url(database))
    try:
        migrate.require_current(opened)
        with opened.transaction() as session:
            yield session
    finally:
        opened.close()


def acting(session: Session, user: str | None, org: str | None) -> Principal:
    """The principal of ``--user`` in ``--org`` (the instance administrator acts in none)."""
    from fiveguard.store.accounts import act_as, is_instance_admin

    if not user:
        raise InputError.at(
            "say who is acting: --user NAME or FIVEGUARD_USER", COMMAND_LINE, path="--user"
        )
    return act_as(session, user, None if is_instance_admin(session, user) else org)


def echo_views(views: Sequence[Any]) -> None:
    """The record's views (dataclasses) as a JSON list on stdout, for ``--json``."""
    typer.echo(json.dumps([asdict(v) for v in views], indent=1))
