"""Assessment runs kept in the record: ``store assess|runs|show-run|reproduce``."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import console, err_console, print_problems, settings
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
from fiveguard.domain.parties import Tlp

if TYPE_CHECKING:
    from fiveguard.store.assessments import RunView

EXIT_DIFFERENT = 1
RunArg = Annotated[int, typer.Argument(help="The run's id (see 'store runs').", show_default=False)]


def _catalogue_label(ctx: typer.Context) -> str:
    override = settings(ctx).catalog
    return f"packaged, with {override} merged over it" if override else "packaged"


@store_app.command("assess")
def store_assess(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The snapshot's name.", show_default=False)],
    holder: Annotated[
        str | None,
        typer.Option("--holder", help="The organisation holding it (default: yours)."),
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="Its version (default: the latest).")
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            help="A restriction-policy preset id or 'none' (default: the catalogue's preset).",
            show_default=False,
        ),
    ] = None,
    trials: Annotated[
        int | None,
        typer.Option(
            "--trials",
            min=0,
            help="Simulated years of the Monte Carlo run (default: the catalogue's "
            "simulation.assess_trials).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the Monte Carlo run.")] = 0,
    tlp: Annotated[
        Tlp | None,
        typer.Option("--tlp", help="The run's label (default and least: the snapshot's)."),
    ] = None,
    record_registry: Annotated[
        bool,
        typer.Option(
            "--record-registry",
            help="Read the record's product registry (as you see it today) in place of the "
            "one the snapshot keeps.",
        ),
    ] = False,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Assess a stored model snapshot and record the run: the inputs' digests, catalogue
    digest, policy, seed, trials, fiveguard version, the result, who and when.

    Example: `fiveguard store assess national --policy BE-2020-07 --user alice`
    """
    from fiveguard.app.record import assess_snapshot

    cat = common.catalogue(ctx)
    with record(database) as session:
        done = assess_snapshot(
            session,
            acting(session, user, org),
            name,
            cat,
            holder=holder,
            version=version,
            policy=policy,
            trials=trials,
            seed=seed,
            tlp=tlp,
            catalogue_label=_catalogue_label(ctx),
            record_registry=record_registry,
        )
    print_problems(done.warnings)
    run, snap = done.run, done.snapshot
    console.print(
        f"recorded run {run.id}: {snap.organisation}/{snap.name} v{snap.version} "
        f"({run.tlp.marking}), policy {run.policy}, {run.trials:,} trials, seed {run.seed}, "
        f"result {run.result_digest}",
        markup=False,
        soft_wrap=True,
    )


@store_app.command("runs")
def store_runs(
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List the assessment runs you may see.

    Example: `fiveguard store runs --user alice`
    """
    from fiveguard.store.assessments import list_assessments

    with record(database) as session:
        views = list_assessments(session, acting(session, user, org))
    if json_out:
        echo_views(views)
        return
    table = Table(
        "id",
        "organisation",
        "snapshot",
        "TLP",
        "policy",
        "trials",
        "seed",
        "result",
        "by",
        "at",
        title="Assessment runs",
        title_justify="left",
    )
    for v in views:
        table.add_row(
            str(v.id),
            escape(v.organisation),
            str(v.snapshot_id),
            v.tlp.value,
            escape(v.policy or "—"),
            f"{v.trials:,}",
            "—" if v.seed is None else str(v.seed),
            v.result_digest[:12],
            escape(v.created_by),
            v.created_at,
        )
    console.print(table)


@store_app.command("show-run")
def store_show_run(
    run: RunArg,
    result: Annotated[
        bool, typer.Option("--result", help="Print the recorded result JSON instead.")
    ] = False,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show what the record keeps of a run (reading its result is audited when AMBER or
    stricter).

    Example: `fiveguard store show-run 3 --user alice`
    """
    from fiveguard.store.assessments import get_assessment, read_assessment_result

    with record(database) as session:
        principal = acting(session, user, org)
        view = get_assessment(session, principal, run)
        data = read_assessment_result(session, principal, run) if result else None
    if result:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif json_out:
        typer.echo(json.dumps(asdict(view), indent=1))
    else:
        _print_run(view)


def _print_run(v: RunView) -> None:
    context = v.inputs.get("run") or {}
    lines = [
        f"run {v.id} of {v.organisation} ({v.tlp.marking}), by {v.created_by} at {v.created_at}",
        f"snapshot:  {v.snapshot_id} ({v.snapshot_digest})",
        *(f"  file {path}: {digest}" for path, digest in sorted(v.inputs["files"].items())),
        f"catalogue: {context.get('catalogue', 'not recorded')} ({v.catalogue_digest})",
        f"policy:    {v.policy or 'not recorded'}",
        f"trials:    {v.trials:,}, seed {'not recorded' if v.seed is None else v.seed}",
        f"fiveguard: {v.fiveguard_version}",
        f"result:    {v.result_digest}",
    ]
    for line in lines:
        console.print(line, markup=False, soft_wrap=True)


@store_app.command("reproduce")
def store_reproduce(
    ctx: typer.Context,
    run: RunArg,
    user: UserOpt = None,
    org: OrgOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Run a recorded assessment again from the record and compare: exit 0 when the
    result is the same byte for byte, 1 naming the first difference (or why it cannot be
    run again: another fiveguard version or catalogue).

    Example: `fiveguard store reproduce 3 --user alice`
    """
    from fiveguard.app.record import reproduce_run

    cat = common.catalogue(ctx)
    with record(database) as session:
        found = reproduce_run(session, acting(session, user, org), run, cat)
    if found.same:
        console.print(
            f"run {run} reproduced: the same result ({found.result_digest})",
            markup=False,
            soft_wrap=True,
        )
        return
    err_console.print(f"run {run} not reproduced: {found.problem}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_DIFFERENT)
