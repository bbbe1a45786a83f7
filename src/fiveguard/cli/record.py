"""Commands on the record itself and its accounts: ``db``, ``org``, ``user``, ``token``."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import app, console
from fiveguard.cli.record_common import (
    DatabaseOpt,
    JsonOpt,
    OrgOpt,
    UserOpt,
    acting,
    echo_views,
    record,
)
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import OrganisationKind, Role

db_app = typer.Typer(
    name="db", help="Create, migrate and inspect the record's database.", no_args_is_help=True
)
org_app = typer.Typer(name="org", help="Organisations of the record.", no_args_is_help=True)
user_app = typer.Typer(name="user", help="Users and their memberships.", no_args_is_help=True)
token_app = typer.Typer(name="token", help="API tokens of an organisation.", no_args_is_help=True)
for _sub in (db_app, org_app, user_app, token_app):
    app.add_typer(_sub)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Create the record, or migrate it to this fiveguard's revision.

    Example: `fiveguard db upgrade --database postgresql://postgres@127.0.0.1/fiveguard`
    """
    from fiveguard.store import migrate
    from fiveguard.store.database import connect
    from fiveguard.store.location import database_url

    opened = connect(database_url(database), create=True)
    try:
        found = migrate.upgrade(opened)
    finally:
        opened.close()
    console.print(
        f"record at {found.location}: revision {found.current} ({found.state})",
        markup=False,
        soft_wrap=True,
    )


@db_app.command("status")
def db_status(database: DatabaseOpt = None) -> None:
    """Show where the record is and its schema revision.

    Example: `fiveguard db status`
    """
    from fiveguard.store import migrate
    from fiveguard.store.database import connect
    from fiveguard.store.location import database_url

    opened = connect(database_url(database))
    try:
        found = migrate.status(opened)
    finally:
        opened.close()
    console.print(
        f"record at {found.location} ({found.backend}): revision {found.current or 'none'}, "
        f"this fiveguard's is {found.head}: {found.state}",
        markup=False,
        soft_wrap=True,
    )


@org_app.command("add")
def org_add(
    name: Annotated[str, typer.Argument(help="Short name, e.g. be-bipt.", show_default=False)],
    kind: Annotated[OrganisationKind, typer.Option("--kind", help="What it is.")],
    country: Annotated[
        str | None, typer.Option("--country", help="ISO 3166 code, e.g. BE.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Full name.")] = None,
    supervisor: Annotated[
        str | None, typer.Option("--supervisor", help="An operator's national authority.")
    ] = None,
    user: UserOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Add an organisation (the instance administrator).

    Example: `fiveguard org add op-a --kind operator --country BE --supervisor nra --user admin`
    """
    from fiveguard.store.accounts import add_organisation

    with record(database) as session:
        view = add_organisation(
            session,
            acting(session, user, None),
            name,
            kind,
            country=country,
            title=title,
            supervisor=supervisor,
        )
    console.print(f"added {view.kind} {view.name}", markup=False)


@org_app.command("list")
def org_list(
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the organisations you may see.

    Example: `fiveguard org list --user alice`
    """
    from fiveguard.store.accounts import list_organisations

    with record(database) as session:
        views = list_organisations(session, acting(session, user, org))
    if json_out:
        echo_views(views)
        return
    table = Table(
        "name",
        "kind",
        "country",
        "supervisor",
        "title",
        title="Organisations",
        title_justify="left",
    )
    for v in views:
        table.add_row(
            escape(v.name),
            v.kind.value,
            v.country or "—",
            escape(v.supervisor or "—"),
            escape(v.title),
        )
    console.print(table)


def _password(name: str) -> str:
    given = os.environ.get("FIVEGUARD_PASSWORD")
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise InputError.at(
            f"no password for {name}: set FIVEGUARD_PASSWORD or run in a terminal "
            "(the user was not added)",
            COMMAND_LINE,
            path="FIVEGUARD_PASSWORD",
        )
    return str(typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The new user's name.", show_default=False)],
    org: Annotated[str | None, typer.Option("--org", help="Make them a member of it.")] = None,
    role: Annotated[Role, typer.Option("--role", help="Their role there.")] = Role.VIEWER,
    instance_admin: Annotated[
        bool, typer.Option("--instance-admin", help="Manages accounts; sees no data.")
    ] = False,
    user: UserOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Add a user (password from FIVEGUARD_PASSWORD or a prompt), optionally a member.

    The first instance administrator of a new record is added without --user.

    Example: `fiveguard user add alice --org be-nra --role analyst --user admin`
    """
    from fiveguard.store.accounts import add_member, add_user

    password = _password(name)
    with record(database) as session:
        principal = acting(session, user, org) if user else None
        view = add_user(session, principal, name, password, instance_admin=instance_admin)
        if org is not None and principal is not None:
            view = add_member(session, principal, name, org, role)
    where = ", ".join(f"{o} ({r})" for o, r in view.memberships)
    console.print(f"added user {name}" + (f": {where}" if where else ""), markup=False)


@user_app.command("grant")
def user_grant(
    name: Annotated[str, typer.Argument(help="An existing user.", show_default=False)],
    org: Annotated[str, typer.Option("--org", help="The organisation.")],
    role: Annotated[Role, typer.Option("--role", help="Their role there.")],
    user: UserOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Make a user a member of an organisation, or change their role there.

    Example: `fiveguard user grant bob --org be-nra --role signing-officer --user admin`
    """
    from fiveguard.store.accounts import add_member

    with record(database) as session:
        add_member(session, acting(session, user, org), name, org, role)
    console.print(f"{name} is {role.value} of {org}", markup=False)


@user_app.command("list")
def user_list(
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List users: all (instance administrator) or your organisation's members.

    Example: `fiveguard user list --user admin`
    """
    from fiveguard.store.accounts import list_users

    with record(database) as session:
        views = list_users(session, acting(session, user, org))
    if json_out:
        echo_views(views)
        return
    table = Table("user", "memberships", title="Users", title_justify="left")
    for v in views:
        roles = ", ".join(f"{o} ({r.value})" for o, r in v.memberships)
        table.add_row(
            escape(v.name), "instance administrator" if v.instance_admin else escape(roles) or "—"
        )
    console.print(table)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="What the token is for.", show_default=False)],
    scope: Annotated[list[str], typer.Option("--scope", help="read, import, run or sign.")],
    days: Annotated[int, typer.Option("--days", help="Days until it expires.")] = 90,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Create an API token for your organisation (its admin); the secret is shown once.

    Example: `fiveguard token create ci --scope read --days 30 --user carol`
    """
    from fiveguard.store.accounts import create_token

    with record(database) as session:
        view = create_token(session, acting(session, user, org), name, scope, days)
    console.print(
        f"token {view.public_id} for {view.organisation} ({', '.join(view.scopes)}), "
        f"expires {view.expires_at}; its secret, shown only now:",
        markup=False,
    )
    typer.echo(view.secret)


@token_app.command("revoke")
def token_revoke(
    token: Annotated[str, typer.Argument(help="The token's id (fgt_…).", show_default=False)],
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Revoke an API token of your organisation.

    Example: `fiveguard token revoke fgt_0123456789ab --user carol`
    """
    from fiveguard.store.accounts import revoke_token

    with record(database) as session:
        view = revoke_token(session, acting(session, user, org), token)
    console.print(f"token {view.public_id} revoked", markup=False)
