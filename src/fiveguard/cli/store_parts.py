"""Operators' parts of a national model: ``store split`` and ``store part
list|export|replace|submit|merge``."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import console
from fiveguard.cli.record_common import (
    DatabaseOpt,
    JsonOpt,
    OrgOpt,
    UserOpt,
    acting,
    echo_views,
    record,
)
from fiveguard.cli.store import store_app
from fiveguard.domain.errors import COMMAND_LINE, InputError

if TYPE_CHECKING:
    from fiveguard.store.slices import SliceView

part_app = typer.Typer(
    name="part",
    help="Operators' parts of national models: export, replace, submit, merge.",
    no_args_is_help=True,
)
store_app.add_typer(part_app)

PartArg = Annotated[
    int, typer.Argument(help="The part's id (see 'store part list').", show_default=False)
]


def parse_owners(values: list[str]) -> dict[str, str]:
    """``OPERATOR_ID=ORGANISATION`` pairs, each operator id once."""
    owners: dict[str, str] = {}
    for value in values:
        operator_id, sep, org = value.partition("=")
        operator_id, org = operator_id.strip(), org.strip()
        if not sep or not operator_id or not org:
            raise InputError.at(
                f"expected OPERATOR_ID=ORGANISATION, got {value!r}", COMMAND_LINE, path="--operator"
            )
        if operator_id in owners:
            raise InputError.at(
                f"operator {operator_id!r} is named twice", COMMAND_LINE, path="--operator"
            )
        owners[operator_id] = org
    return owners


def _line(v: SliceView) -> str:
    return (
        f"part {v.id}: operator {v.operator_id} held by {v.organisation}, v{v.version}, "
        f"{v.status} ({v.tlp.marking})"
    )


@store_app.command("split")
def store_split(
    name: Annotated[str, typer.Argument(help="The national model's name.", show_default=False)],
    operator: Annotated[
        list[str],
        typer.Option(
            "--operator",
            help="OPERATOR_ID=ORGANISATION: the model's operator id and the operator "
            "organisation (one you supervise) that holds its part. Repeat for each.",
            show_default=False,
        ),
    ],
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="Its version (default: the latest).")
    ] = None,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Split your national model by operator: each operator holds its own part (its
    operator entry, assets and site rows), addressed to you.

    Example: `fiveguard store split national --operator op-a=opa --operator op-b=opb --user nina`
    """
    from fiveguard.app.record import split_model

    owners = parse_owners(operator)
    with record(database) as session:
        made = split_model(session, acting(session, user, org), name, owners, version=version)
    for v in made:
        console.print(f"split {_line(v)}", markup=False, soft_wrap=True)


@part_app.command("list")
def part_list(
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the parts you may see: an operator its own, an authority its operators'.

    Example: `fiveguard store part list --user alice`
    """
    from fiveguard.store.slices import list_slices

    with record(database) as session:
        views = list_slices(session, acting(session, user, org))
    if json_out:
        echo_views(views)
        return
    table = Table(
        "id",
        "held by",
        "operator",
        "national",
        "version",
        "status",
        "TLP",
        "by",
        "at",
        title="Operator parts",
        title_justify="left",
    )
    for v in views:
        table.add_row(
            str(v.id),
            escape(v.organisation),
            escape(v.operator_id),
            str(v.national_id),
            str(v.version),
            v.status,
            v.tlp.value,
            escape(v.created_by),
            v.created_at,
        )
    console.print(table)


@part_app.command("export")
def part_export(
    part: PartArg,
    out: Annotated[
        Path,
        typer.Option("--out", help="A new directory for part.yaml and sites.csv."),
    ],
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Write a part you may see into a new directory: part.yaml, and sites.csv when it
    has site rows (audited when AMBER or stricter).

    Example: `fiveguard store part export 1 --out op-a-part --user alice`
    """
    from fiveguard.store.slices import export_slice

    with record(database) as session:
        path = export_slice(session, acting(session, user, org), part, out)
    console.print(f"exported part {part} to {path.parent}", markup=False, soft_wrap=True)


@part_app.command("replace")
def part_replace(
    part: PartArg,
    directory: Annotated[
        Path,
        typer.Argument(
            help="The directory holding the new part.yaml (and sites.csv).", show_default=False
        ),
    ],
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Replace your own part with the files in DIRECTORY, kept as its next draft version
    (checked to hold only your operator entry, assets and site rows; every problem
    located, nothing kept when there is one).

    Example: `fiveguard store part replace 1 op-a-part --user alice`
    """
    from fiveguard.store.slices import replace_part

    part_file = directory / "part.yaml"
    if not part_file.is_file():
        raise InputError.at(f"expected {part_file}", COMMAND_LINE, path="DIRECTORY")
    sites = directory / "sites.csv"
    with record(database) as session:
        view = replace_part(
            session,
            acting(session, user, org),
            part,
            part_file,
            sites if sites.is_file() else None,
        )
    console.print(f"replaced: {_line(view)}", markup=False, soft_wrap=True)


@part_app.command("submit")
def part_submit(
    part: PartArg,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Submit your part (its latest version) to your authority (a signing officer).

    Example: `fiveguard store part submit 2 --user sam`
    """
    from fiveguard.store.slices import submit_part

    with record(database) as session:
        view = submit_part(session, acting(session, user, org), part)
    console.print(f"submitted: {_line(view)}", markup=False, soft_wrap=True)


@part_app.command("merge")
def part_merge(
    ctx: typer.Context,
    part: PartArg,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Merge a submitted part into the next version of your national model (validated as
    a whole) and print what changed.

    Example: `fiveguard store part merge 2 --user nina`
    """
    from fiveguard.store.slices import merge_part

    cat = common.catalogue(ctx)
    with record(database) as session:
        view, merged = merge_part(session, acting(session, user, org), part, cat)
    changes: dict[str, Any] = view.changes or {}
    if json_out:
        typer.echo(
            json.dumps(
                {
                    "part": asdict(view),
                    "merged_into": {
                        "name": merged.name,
                        "id": merged.id,
                        "version": merged.version,
                        "digest": merged.digest,
                    },
                },
                indent=1,
            )
        )
        return
    console.print(
        f"merged part {view.id} (operator {view.operator_id}) into {merged.name} "
        f"v{merged.version}, digest {merged.digest}",
        markup=False,
        soft_wrap=True,
    )
    counts = changes.get("counts", {})
    for kind in ("assets", "sites"):
        listed = changes.get(kind, {})
        for what in ("added", "removed", "changed"):
            count = counts.get(f"{kind}_{what}", 0)
            ids = listed.get(what, [])
            more = f" (first {len(ids)} listed)" if count > len(ids) else ""
            shown = f": {', '.join(ids)}{more}" if ids else ""
            console.print(f"  {kind} {what}: {count}{shown}", markup=False, soft_wrap=True)
