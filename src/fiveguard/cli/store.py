"""Commands on what the record keeps: ``store import|list`` and ``audit verify|show``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import app, console, err_console
from fiveguard.cli.record_common import (
    DatabaseOpt,
    JsonOpt,
    OrgOpt,
    UserOpt,
    acting,
    echo_views,
    record,
)
from fiveguard.domain.parties import Tlp

store_app = typer.Typer(
    name="store", help="Model snapshots kept in the record.", no_args_is_help=True
)
audit_app = typer.Typer(
    name="audit", help="The record's hash-chained audit log.", no_args_is_help=True
)
app.add_typer(store_app)
app.add_typer(audit_app)

EXIT_BROKEN = 1


@store_app.command("import")
def store_import(
    ctx: typer.Context,
    model: Annotated[Path, typer.Argument(help="The model (YAML).", show_default=False)],
    org: Annotated[str | None, typer.Option("--org", help="The organisation importing it.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Its name in the record (default: file name).")
    ] = None,
    tlp: Annotated[Tlp, typer.Option("--tlp", help="Its TLP label.")] = Tlp.AMBER,
    user: UserOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Validate a model and keep its files as the next version of a snapshot, in one
    transaction (a bad model is refused with every located problem; nothing is written).

    Example: `fiveguard store import national.yaml --org be-nra --user alice`
    """
    from fiveguard.store.snapshots import import_snapshot

    cat = common.catalogue(ctx)
    with record(database) as session:
        view = import_snapshot(session, acting(session, user, org), model, cat, name=name, tlp=tlp)
    if view.unchanged:
        console.print(
            f"unchanged: {view.name} v{view.version} has the same files ({view.digest[:12]})",
            markup=False,
        )
        return
    console.print(
        f"imported {view.name} v{view.version} for {view.organisation} ({view.tlp.marking}): "
        f"{len(view.files)} files, {view.assets:,} assets, digest {view.digest}",
        markup=False,
        soft_wrap=True,
    )


@store_app.command("list")
def store_list(
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the model snapshots you may see.

    Example: `fiveguard store list --user alice`
    """
    from fiveguard.store.snapshots import list_snapshots

    with record(database) as session:
        views = list_snapshots(session, acting(session, user, org))
    if json_out:
        echo_views(views)
        return
    table = Table(
        "id",
        "organisation",
        "name",
        "version",
        "TLP",
        "country",
        "assets",
        "digest",
        "by",
        "at",
        title="Model snapshots",
        title_justify="left",
    )
    for v in views:
        table.add_row(
            str(v.id),
            escape(v.organisation),
            escape(v.name),
            str(v.version),
            v.tlp.value,
            v.country,
            f"{v.assets:,}",
            v.digest[:12],
            escape(v.created_by),
            v.created_at,
        )
    console.print(table)


KeyringCheckOpt = Annotated[
    Path | None,
    typer.Option(
        "--keyring",
        help="The exchange keyring (JSON) whose keys check signed checkpoints.",
        show_default=False,
    ),
]


@audit_app.command("verify")
def audit_verify(keyring: KeyringCheckOpt = None, database: DatabaseOpt = None) -> None:
    """Check the whole audit chain and its checkpoints (their signatures too, against
    --keyring): exit 0 when it holds, 1 naming the first broken row or checkpoint
    (changed, deleted, inserted, reordered, or a signature that does not hold).

    Example: `fiveguard audit verify --keyring keyring.json`
    """
    from fiveguard.store import audit

    check = None
    if keyring is not None:
        from fiveguard.app.checkpoints import keyring_check
        from fiveguard.cli.exchange import verified_keyring

        check = keyring_check(verified_keyring(keyring))
    with record(database) as session:
        found = audit.verify(session, check)
    if found.holds:
        console.print(
            f"audit log holds: {found.rows:,} rows, {found.checkpoints} checkpoints, "
            f"head {found.head}",
            markup=False,
            soft_wrap=True,
        )
        if found.unchecked:
            console.print(
                f"note: {found.unchecked} signed checkpoint(s) not checked: give --keyring",
                markup=False,
            )
        return
    err_console.print(f"audit log broken: {found.problem}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_BROKEN)


@audit_app.command("show")
def audit_show(
    limit: Annotated[int, typer.Option("--limit", help="Rows to show.")] = 100,
    after: Annotated[int, typer.Option("--after", help="Show rows after this one.")] = 0,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the audit log: all of it for the instance administrator, your organisation's
    rows for its admin.

    Example: `fiveguard audit show --user admin --limit 20`
    """
    from fiveguard.store import audit

    with record(database) as session:
        rows = audit.entries(session, acting(session, user, org), limit=limit, after=after)
        shown = [audit.as_link(r) for r in rows]
    if json_out:
        echo_views(shown)
        return
    table = Table(
        "seq",
        "at",
        "actor",
        "organisation",
        "action",
        "object",
        "digest",
        title="Audit log",
        title_justify="left",
    )
    for r in shown:
        what = f"{r.object_kind} {r.object_id}" if r.object_kind else "—"
        table.add_row(
            str(r.seq),
            r.at,
            escape(r.actor),
            escape(r.organisation or "—"),
            r.action,
            escape(what),
            (r.object_digest or "—")[:12],
        )
    console.print(table)


@audit_app.command("checkpoint")
def audit_checkpoint(
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            help="Sign it with your organisation's private key (passphrase from "
            "FIVEGUARD_KEY_PASSPHRASE or a prompt).",
            show_default=False,
        ),
    ] = None,
    keyring: KeyringCheckOpt = None,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Store a checkpoint: the Merkle root of the whole chain so far, signed with --key by
    a signing officer (checked first against --keyring when given); the instance
    administrator stores unsigned ones.

    Example: `fiveguard audit checkpoint --key keys/XS-NCA-1a2b3c4d.key --user sam`
    """
    from fiveguard.store import audit

    signer = None
    if key is not None:
        from fiveguard.app.checkpoints import KeySigner
        from fiveguard.cli.keys import load_signing_key

        signer = KeySigner(*load_signing_key(key))
    ring = None
    if keyring is not None:
        from fiveguard.cli.exchange import verified_keyring

        ring = verified_keyring(keyring)
    with record(database) as session:
        principal = acting(session, user, org)
        if signer is None:
            point = audit.create_checkpoint(session, principal)
        else:
            from fiveguard.app.checkpoints import signed_checkpoint

            point = signed_checkpoint(session, principal, signer, ring)
    signed = f", signed by {point.organisation} with key {point.key_id}" if point.key_id else ""
    console.print(
        f"checkpoint {point.id}: rows 1–{point.upto_seq}, root {point.merkle_root}{signed}",
        markup=False,
        soft_wrap=True,
    )
