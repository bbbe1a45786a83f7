"""Exchange envelopes kept in the record: ``record inbox|outbox|list|show|export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import app, console
from fiveguard.cli.exchange import EnvelopeArg, KeyringOpt, print_verified, verified_keyring
from fiveguard.cli.keyring import now
from fiveguard.cli.record_common import (
    DatabaseOpt,
    JsonOpt,
    OrgOpt,
    UserOpt,
    acting,
    echo_views,
    record,
)

if TYPE_CHECKING:
    from fiveguard.app.envelopes import FiledEnvelope
    from fiveguard.store.envelopes import Direction

envelopes_app = typer.Typer(
    name="record",
    help="Exchange envelopes kept in the record: received (inbox) and sent (outbox).",
    no_args_is_help=True,
)
app.add_typer(envelopes_app)
IdArg = Annotated[int, typer.Argument(help="The envelope's id (see 'record list').")]


def _file(
    direction: str, envelope: Path, keyring: Path, user: str | None, org: str | None, db: str | None
) -> None:
    from fiveguard.app.envelopes import file_received, file_sent
    from fiveguard.exchange.files import read_limited
    from fiveguard.exchange.verify import MAX_ENVELOPE_BYTES

    ring = verified_keyring(keyring)
    raw = read_limited(envelope, MAX_ENVELOPE_BYTES, "envelope")
    use = file_received if direction == "inbox" else file_sent
    with record(db) as session:
        filed: FiledEnvelope = use(
            session, acting(session, user, org), raw, str(envelope), ring, now=now()
        )
    print_verified(filed.verified, ring)
    v = filed.view
    console.print(
        f"kept as envelope {v.id} in {escape(v.organisation)}'s {direction} ({v.tlp.marking})",
        soft_wrap=True,
    )


@envelopes_app.command("inbox")
def record_inbox(
    envelope: EnvelopeArg,
    keyring: KeyringOpt,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Verify a received national summary envelope, failing closed, and keep it verbatim
    in your organisation's inbox (its name in the record is its id in the keyring; it must
    be a recipient; a replayed or older bundle from the same origin is refused).

    Example: `fiveguard record inbox xr.dsse.json --keyring keyring.json --user eva`
    """
    _file("inbox", envelope, keyring, user, org, database)


@envelopes_app.command("outbox")
def record_outbox(
    envelope: EnvelopeArg,
    keyring: KeyringOpt,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Verify an envelope your organisation signed and keep it in its outbox (a signing
    officer's act).

    Example: `fiveguard record outbox xr.dsse.json --keyring keyring.json --user sam`
    """
    _file("outbox", envelope, keyring, user, org, database)


@envelopes_app.command("list")
def record_list(
    inbox: Annotated[bool, typer.Option("--inbox", help="Received envelopes only.")] = False,
    outbox: Annotated[bool, typer.Option("--outbox", help="Sent envelopes only.")] = False,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the envelopes you may see (metadata: not an audited read).

    Example: `fiveguard record list --inbox --user eva`
    """
    from fiveguard.store.envelopes import list_envelopes

    direction: Direction | None = None
    if inbox != outbox:
        direction = "inbox" if inbox else "outbox"
    with record(database) as session:
        views = list_envelopes(session, acting(session, user, org), direction)
    if json_out:
        echo_views(views)
        return
    table = Table(
        "id",
        "held by",
        "box",
        "origin",
        "sequence",
        "TLP",
        "sections",
        "digest",
        "by",
        "at",
        title="Envelopes",
        title_justify="left",
    )
    for v in views:
        table.add_row(
            str(v.id),
            escape(v.organisation),
            v.direction,
            escape(v.origin),
            "—" if v.sequence is None else str(v.sequence),
            v.tlp.value,
            ", ".join(f"{s} {t.value}" for s, t in sorted(v.labels.items())) or "—",
            v.digest[:12],
            escape(v.created_by),
            v.created_at,
        )
    console.print(table)


@envelopes_app.command("show")
def record_show(
    ident: IdArg,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Print an envelope's parsed statement (an audited read when AMBER or stricter).

    Example: `fiveguard record show 4 --user eva`
    """
    from fiveguard.store.envelopes import read_envelope

    with record(database) as session:
        _, statement = read_envelope(session, acting(session, user, org), ident)
    typer.echo(json.dumps(statement, indent=2, ensure_ascii=False))


@envelopes_app.command("export")
def record_export(
    ident: IdArg,
    out: Annotated[Path, typer.Option("--out", help="The file to write it to (new).")],
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Write an envelope's bytes, exactly as received or sent, to a new file (an audited
    export when AMBER or stricter; its signatures still verify).

    Example: `fiveguard record export 4 --out xr.dsse.json --user eva`
    """
    from fiveguard.exchange.files import write_files
    from fiveguard.store.envelopes import read_envelope

    with record(database) as session:
        raw, _ = read_envelope(session, acting(session, user, org), ident)
        write_files({out: raw}, replace=False)
    console.print(f"wrote envelope {ident} to {escape(str(out))}", soft_wrap=True)
