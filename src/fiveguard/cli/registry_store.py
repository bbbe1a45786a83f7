"""The product registry in the record: ``registry import|export|records`` with
``--database``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import console
from fiveguard.cli.record_common import DatabaseOpt, JsonOpt, OrgOpt, UserOpt, acting, record
from fiveguard.cli.registry import registry_app
from fiveguard.domain.parties import Tlp

DirArg = Annotated[
    Path, typer.Argument(help="A registry directory.", file_okay=False, show_default=False)
]


@registry_app.command("import")
def registry_import(
    directory: DirArg,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    tlp: Annotated[
        Tlp, typer.Option("--tlp", help="Label of a lab's own working copies (not attested).")
    ] = Tlp.AMBER,
) -> None:
    """Load a file registry into the record, in one transaction: its suppliers, products
    with their versions and artefact digests, labs, attested lab records and the envelopes
    they came from. What the record holds already is shared, not copied; an entry that
    differs from the record's is refused where it stands, and nothing is written.

    Example: `fiveguard registry import registry/ --org xcsa --user alice`
    """
    from fiveguard.modelio.registry_files import read_registry
    from fiveguard.store.registry_records import import_registry

    files = read_registry(directory)
    with record(database) as session:
        done = import_registry(session, acting(session, user, org), files, tlp=tlp)
    added = ", ".join(f"{n} {k}" for k, n in done.added.items())
    console.print(
        f"imported {escape(files.label)}: added {added}, {done.attestations} attestation(s); "
        f"{done.unchanged} already held, {done.shared} shared with you",
        soft_wrap=True,
    )
    for ident, why in sorted(done.skipped.items()):
        console.print(f"  skipped {escape(ident)}: {escape(why)}", soft_wrap=True)


@registry_app.command("export")
def registry_export(
    directory: DirArg,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Write the registry the record holds, as far as you may see it, into a new or empty
    directory: the files as they were imported (byte for byte), read by every registry
    and lab command. A finding under embargo stays out until its date (except for the lab
    that issued it); exporting AMBER-or-stricter records is audited.

    Example: `fiveguard registry export shared-registry/ --user alice`
    """
    from fiveguard.store.registry_records import export_registry

    with record(database) as session:
        written = export_registry(session, acting(session, user, org), directory)
    console.print(f"wrote {len(written)} file(s) into {escape(str(directory))}", soft_wrap=True)


@registry_app.command("records")
def registry_records_list(
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the lab records in the record you may see (not a content read).

    Example: `fiveguard registry records --user alice`
    """
    from fiveguard.store.registry_records import list_lab_records

    with record(database) as session:
        views = list_lab_records(session, acting(session, user, org))
    if as_json:
        typer.echo(json.dumps([asdict(v) for v in views], indent=2))
        return
    table = Table("id", "record", "type", "lab", "held by", "label", "attested", "embargo")
    for v in views:
        table.add_row(
            str(v.id),
            escape(v.record_id),
            v.type,
            escape(v.lab),
            escape(v.organisation),
            v.tlp.marking,
            "yes" if v.attested else "no",
            v.embargo_until or "",
        )
    console.print(table)
