"""Commands on supplier-level events: ``whatif`` (deterministic) and ``simulate`` (Monte Carlo)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import app, console, err_console
from fiveguard.cli.tables import TableFormat, current, heading, say, show
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.simulate.cluster import CONNECT_TIMEOUT
from fiveguard.simulate.events import EVENT_HELP, Mode
from fiveguard.simulate.results import (
    IMPACT_LABELS,
    Counts,
    Distribution,
    IncidentTime,
    ParameterUncertainty,
    PartialService,
    SimulatedTime,
    SimulationResult,
    Step,
    SupplierEvent,
    WhatIfResult,
)

if TYPE_CHECKING:
    from fiveguard.domain.catalogue import Catalogue
    from fiveguard.domain.model import NetworkModel
    from fiveguard.report import SimulationSection

ModelArg = Annotated[Path, typer.Argument(help="The national model (YAML).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@app.command()
def whatif(
    ctx: typer.Context,
    model: ModelArg,
    event: Annotated[
        list[str],
        typer.Option("--event", "-e", help=f"An event, {EVENT_HELP}. Repeat for several."),
    ],
    mode: Annotated[
        Mode | None,
        typer.Option(help="What a supplier-update does: espionage (default) or sabotage."),
    ] = None,
    hours: Annotated[
        float | None, typer.Option(help="Duration of a region-power loss, in hours.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """The impact of events happening together, deterministically.

    Example: `fiveguard whatif national.yaml -e supplier-update:vendor-x --mode sabotage`
    """
    from fiveguard.app.simulation import parse_events, what_if

    parsed = parse_events(event, mode=mode, hours=hours)
    for message in parsed.unused:
        _warn(message)
    loaded, cat = common.model(ctx, model)
    result = what_if(loaded, cat, parsed.events)
    if json_out:
        console.print_json(result.model_dump_json())
        return
    print_whatif(result)


@app.command()
def simulate(
    ctx: typer.Context,
    model: ModelArg,
    trials: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Simulated years (trials). Default: the catalogue's "
            "simulation.default_trials (10,000 packaged).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the random streams.")] = 0,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Local worker processes (default: one per CPU, at most 8)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Run the trials on this Dask scheduler: tcp://HOST:PORT, tls://HOST:PORT "
            "or HOST:PORT (e.g. tcp://scheduler:8786).",
        ),
    ] = None,
    scheduler_timeout: Annotated[
        float,
        typer.Option(
            help="Seconds allowed for connecting to the scheduler and its handshake.",
        ),
    ] = CONNECT_TIMEOUT,
    parameter_draws: Annotated[
        int,
        typer.Option(
            min=0,
            help="Draw the rates the incident record speaks to this many times, once per "
            "batch of trials, and give intervals (0: parameters held fixed). Runs in this "
            "process.",
        ),
    ] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Monte Carlo of supplier-level events, one trial per year: distributions of each
    impact, exceedance probabilities, and the contribution of every event source.

    The same seed gives the same result whatever the workers or the scheduler. A supplier's
    product quality is taken after its assurance evidence, as `fiveguard assess` has it.
    With `--parameter-draws N` the rates themselves are uncertain: see docs/calibration.md.

    Example: `fiveguard simulate national.yaml --trials 10000 --seed 1`
    """
    from fiveguard.app.simulation import monte_carlo
    from fiveguard.simulate.cluster import scheduler_address

    address = scheduler_address(scheduler) if scheduler is not None else None
    if not 0 < scheduler_timeout < float("inf"):
        raise InputError.at(
            f"expected a positive number of seconds, got {scheduler_timeout:g}",
            COMMAND_LINE,
            path="--scheduler-timeout",
        )
    _warn_unused_cluster_options(ctx, address, workers)
    loaded, cat = common.model(ctx, model)
    trials = common.trials(trials, cat.simulation.default_trials, cat)
    started = time.perf_counter()
    progress = Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("trials"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    if parameter_draws:
        from fiveguard.assess.quality import assessed_quality
        from fiveguard.simulate import prepare
        from fiveguard.simulate.uncertainty import simulate_with_uncertainty

        if address is not None or workers is not None:
            _warn("--workers and --scheduler do not apply with --parameter-draws")
        ready = prepare(loaded, cat, assessed_quality(loaded, cat))
        result = simulate_with_uncertainty(ready, cat, trials, seed, parameter_draws)
        if json_out:
            console.print_json(result.model_dump_json())
            return
        print_simulation(result, time.perf_counter() - started)
        return
    with progress:
        task = progress.add_task("trials", total=trials)
        result = monte_carlo(
            loaded,
            cat,
            trials,
            seed,
            workers=workers or max(1, min(os.cpu_count() or 1, 8)),
            scheduler=address,
            progress=lambda done: progress.advance(task, done),
            connect_timeout=scheduler_timeout,
        )
    if json_out:
        console.print_json(result.model_dump_json())
        return
    print_simulation(result, time.perf_counter() - started)


def _warn_unused_cluster_options(
    ctx: typer.Context, address: str | None, workers: int | None
) -> None:
    """Say so on stderr when ``--workers`` or ``--scheduler-timeout`` has no effect."""
    if address is not None and workers is not None:
        _warn(
            "--workers applies to local processes only; with --scheduler the cluster's "
            "workers run the trials"
        )
    given = ctx.get_parameter_source("scheduler_timeout")
    if address is None and given is not None and given.name != "DEFAULT":
        _warn("--scheduler-timeout applies with --scheduler only, and none was given")


def _warn(message: str) -> None:
    err_console.print(f"warning: {message}; it is ignored", markup=False, soft_wrap=True)


# ---------------------------------------------------------------------------- output
# Every text that comes from the model, the catalogue or the command line is escaped
# before Rich reads it as markup: a supplier called "Nordvik [/bold] Networks" prints as
# written.


def _counts_row(label: str, c: Counts) -> list[str]:
    return [escape(label), *(f"{getattr(c, name):,}" for name, _ in IMPACT_LABELS)]


def print_whatif(result: WhatIfResult) -> None:
    """A what-if result as Rich tables."""
    console.rule("[bold]What if[/bold] " + escape(" + ".join(result.events)))
    table = Table(title="Impact", title_justify="left")
    table.add_column("")
    for _, title in IMPACT_LABELS:
        table.add_column(title, justify="right")
    table.add_row(*_counts_row("national", result))
    for operator, c in result.by_operator.items():
        table.add_row(*_counts_row(operator, c))
    table.caption = (
        "per operator: people are its customers (on a shared radio site, its part of the "
        "site's people, split by subscribers); assets and sites are those it runs"
    )
    console.print(table)
    regions = [
        (r, c) for r, c in result.by_region.items() if any(getattr(c, n) for n, _ in IMPACT_LABELS)
    ]
    if regions:
        by_region = Table(title="By region (regions with an impact)", title_justify="left")
        by_region.add_column("region")
        for _, title in IMPACT_LABELS:
            by_region.add_column(title, justify="right")
        for region, c in regions:
            by_region.add_row(*_counts_row(region, c))
        console.print(by_region)
    services = ", ".join(
        f"{service} ({hit.affected:,} of {hit.carrying:,} carrying assets)"
        if (hit := result.critical_service_assets.get(service))
        else service
        for service in result.critical_services
    )
    console.print(f"Critical services affected: {services or 'none'}", markup=False)
    print_people_by_service(result)
    print_partial_service(result.partial_service)
    print_incident_time(result.time)
    print_assumptions(result.assumptions)


def print_people_by_service(result: WhatIfResult) -> None:
    """People losing each service, nationally and per operator, roamers, and the rules."""
    services = result.people_without_service_by_service
    roaming = result.roaming
    if services is not None:
        table = Table(title="People losing each service", title_justify="left")
        table.add_column("")
        for name in services.national:
            table.add_column(escape(services.titles.get(name, name)), justify="right")
        table.add_row("national", *(f"{v:,}" for v in services.national.values()))
        for operator, values in services.by_operator.items():
            table.add_row(escape(operator), *(f"{v:,}" for v in values.values()))
        show(table)
    if roaming is not None and (roaming.people_roaming or roaming.roamers_beyond_capacity):
        console.print(
            f"Roaming: {roaming.people_roaming:,} people served on partners' networks, "
            f"{roaming.roamers_beyond_capacity:,} beyond their spare capacity (without "
            "service)",
            markup=False,
        )
    if services is not None:
        console.print("How each service is counted:", markup=False)
        for step in services.derivation:
            console.print(
                f"  {step.parameter} = {step.value}: {step.note}", markup=False, soft_wrap=True
            )


def print_partial_service(partial: PartialService | None) -> None:
    """People lost in part (pools short of capacity, storms), shares of customers without
    service, and each storm with its recovery time."""
    if partial is None:
        return
    shares = ", ".join(f"{o} {share:.1%}" for o, share in partial.share_by_operator.items())
    console.print(
        f"In part: {partial.people:,} of the people without service are customers of served "
        f"parts carrying only part of their load; share of customers without service: {shares}",
        markup=False,
        soft_wrap=True,
    )
    for operator in partial.storms:
        console.print(
            f"Signalling storm at {operator}: its registration functions overloaded, "
            f"load shed after {partial.storm_recovery_hours:g} h "
            "(simulation.storms.recovery_hours)",
            markup=False,
            soft_wrap=True,
        )


def print_incident_time(time: IncidentTime | None) -> None:
    """The outage's duration, what it is taken from, its user-hours and reporting."""
    if time is None:
        console.print("Duration: not known (the catalogue gives no restoration time)", markup=False)
        return
    console.print(
        f"Duration: {time.hours:g} h; {time.user_hours:,.0f} user-hours without service",
        markup=False,
    )
    for step in time.basis:
        console.print(
            f"  {step.parameter} = {step.value}: {step.note}", markup=False, soft_wrap=True
        )
    for crossing in time.reporting:
        who = "nationally" if crossing.who == "national" else f"at {crossing.who}"
        console.print(
            f"Reportable {who} under {crossing.threshold} ({crossing.authority}): "
            f"{crossing.people:,} people for {time.hours:g} h, {crossing.condition}",
            markup=False,
            soft_wrap=True,
        )
    if not time.reporting:
        console.print("Reporting thresholds crossed: none", markup=False)


def print_assumptions(
    assumptions: Sequence[Step], heading: str = "Assumed (not in the model):"
) -> None:
    """Each assumption the figures rest on: the parameter or measure, its value, where it
    acts."""
    if assumptions:
        console.print(heading, markup=False)
    for step in assumptions:
        console.print(
            f"  {step.parameter} = {step.value}: {step.note}", markup=False, soft_wrap=True
        )


def _distribution_row(label: str, d: Distribution) -> list[str]:
    return [
        escape(label),
        f"{d.mean:,.0f}",
        f"{d.p50:,}",
        f"{d.p95:,}",
        f"{d.p99:,}",
        f"{d.max:,}",
    ]


def print_simulation(
    result: SimulationResult, seconds: float, sources: bool = True, significant: bool = False
) -> None:
    """A Monte Carlo result as Rich tables; ``significant`` writes the per-service, time
    and partial-service figures to two significant digits, with the annual probability
    of at least N people losing each service (the assessment's and the demo's view)."""
    took = f" ({seconds:.1f} s)" if seconds else ""
    heading(f"[bold]Monte Carlo[/bold] {result.trials:,} simulated years, seed {result.seed}{took}")
    table = Table(title="Per year", title_justify="left")
    for column in ("impact", "mean", "P50", "P95", "P99", "max"):
        table.add_column(column, justify="left" if column == "impact" else "right")
    for name, title in IMPACT_LABELS:
        table.add_row(*_distribution_row(title, getattr(result.distributions, name)))
    show(table)
    people = result.distributions.people_without_service
    say(
        "Annual probability of at least N people without service: "
        + ", ".join(f"{e.threshold:,}: {e.probability:.3g}" for e in people.exceedance)
    )
    ops = Table(
        title="People without service, by operator (its customers)",
        caption="on a shared radio site, each operator's part of its people, split by subscribers",
        title_justify="left",
    )
    for column in ("operator", "mean", "P50", "P95", "P99", "max"):
        ops.add_column(column, justify="left" if column == "operator" else "right")
    for operator, d in result.by_operator.items():
        ops.add_row(*_distribution_row(operator, d.people_without_service))
    show(ops)
    if result.service_distributions:
        if significant:
            print_people_by_service_rounded(result)
        else:
            per_service = Table(title="People losing each service, per year", title_justify="left")
            for column in ("service", "mean", "P50", "P95", "P99", "max"):
                per_service.add_column(column, justify="left" if column == "service" else "right")
            for service, spread in result.service_distributions.items():
                per_service.add_row(*_distribution_row(service, spread))
            show(per_service)
    print_services(result)
    if result.time is not None:
        print_simulated_time(result.time, significant)
    partial = result.partial_service
    if partial is not None:
        storms = ", ".join(f"{o} {p:.3g}" for o, p in partial.storm_probability.items() if p)
        mean = f"{partial.mean_people:,.0f}"
        share = f"{partial.years:.1%}"
        if significant:
            from fiveguard.report.simulation import rounded

            mean, share = rounded(partial.mean_people), f"{rounded(partial.years * 100)}%"
        say(
            f"In part (pools short of capacity, storms): {mean} people a year on average, in "
            f"{share} of the years; annual probability of a signalling storm: "
            f"{storms or 'none'}"
        )
    if sources:
        print_sources(result)
    if result.parameter_uncertainty is not None:
        print_uncertainty(result.parameter_uncertainty)
    print_assumptions(result.assumptions)
    if current() is TableFormat.TEXT:
        console.print(f"Parameters: {result.parameters}", markup=False, soft_wrap=True)
    else:
        say(f"Parameters: {result.parameters}")


def print_simulated_time(time: SimulatedTime, significant: bool = False) -> None:
    """User-hours, the longest outage and reports per year, with what an incident is."""
    from fiveguard.report.simulation import TIME_COLUMNS, TIME_NOTE, time_rows

    table = Table(title="Duration, user-hours and reporting thresholds", title_justify="left")
    for column in TIME_COLUMNS:
        table.add_column(column, justify="left" if column == TIME_COLUMNS[0] else "right")
    for row in time_rows(time, significant):
        table.add_row(*(escape(cell) for cell in row))
    show(table)
    say(TIME_NOTE + (" Figures to two significant digits." if significant else ""))


def print_people_by_service_rounded(result: SimulationResult) -> None:
    """People losing each service per year and the annual probability of at least N, to
    two significant digits, with how a service is lost."""
    from fiveguard.report.simulation import SERVICE_NOTE, service_tables

    for t in service_tables(result):
        table = Table(title=t.title, title_justify="left")
        for k, column in enumerate(t.columns):
            table.add_column(escape(column), justify="left" if k == 0 else "right")
        for row in t.rows:
            table.add_row(*(escape(cell) for cell in row))
        show(table)
    say(SERVICE_NOTE)


def print_uncertainty(u: ParameterUncertainty) -> None:
    """The people without service with the parameters' uncertainty, rounded."""
    from fiveguard.report.simulation import uncertainty_note, uncertainty_rows

    table = Table(
        title=f"With the parameters' uncertainty ({u.level:.0%} intervals)",
        title_justify="left",
        caption=escape(uncertainty_note(u)),
        caption_justify="left",
    )
    for column in ("figure", "estimate", "interval"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for row in uncertainty_rows(u):
        table.add_row(*(escape(cell) for cell in row))
    show(table)


def print_services(result: SimulationResult) -> None:
    """Per critical service: how often any carrying asset is hit, and how much of it."""
    if not result.critical_service_shares:
        say("Critical services: none carried by the model's assets")
        return
    threshold = next(iter(result.critical_service_shares.values())).threshold
    table = Table(
        title="Critical services: annual probability that any carrying asset is down or "
        "compromised, and the share of them that are (per year)",
        title_justify="left",
    )
    table.add_column("service", no_wrap=True)
    for column in ("assets", "any/yr", "mean", "P95", "P99", f"≥{threshold:.0%}/yr"):
        table.add_column(column, justify="right")
    for service, share in result.critical_service_shares.items():
        table.add_row(
            escape(service),
            f"{share.carrying_assets:,}",
            f"{result.critical_services.get(service, 0.0):.2g}",
            f"{share.mean:.2%}",
            f"{share.p95:.1%}",
            f"{share.p99:.1%}",
            f"{share.probability:.2g}",
        )
    show(table)


def print_sources(result: SimulationResult, limit: int = 12) -> None:
    """The event sources contributing most, by expected people without service per year."""
    ranked = sorted(result.events, key=lambda e: -e.expected_people_without_service)[:limit]
    table = Table(
        title=f"Event sources contributing most ({len(result.events)} in all; --json lists "
        "each with its derivation)",
        title_justify="left",
    )
    table.add_column("source", overflow="fold")
    for column in ("probability/yr", "worst: people", "expected people/yr", "user-hours/yr"):
        table.add_column(column, justify="right")
    table.caption = (
        "user-hours/yr: expected people without service times how long each outage lasts "
        "(simulation.incident_time.restoration; a power loss, its own duration)"
    )
    for e in ranked:
        count = f" ×{e.sources:,}" if e.sources > 1 else ""
        table.add_row(
            escape(e.source) + count,
            f"{e.annual_probability:.3g}",
            f"{e.impact.people_without_service:,}",
            f"{e.expected_people_without_service:,.0f}",
            "—" if e.expected_user_hours is None else f"{e.expected_user_hours:,.0f}",
        )
    show(table)


# ---------------------------------------------------------------------------- demo


def demo_simulation(
    loaded: NetworkModel, cat: Catalogue
) -> tuple[SimulationResult, list[SupplierEvent], SimulationSection]:
    """The demo's simulation: a modest Monte Carlo in this process (``demo_trials`` from
    the catalogue, seed 0; product quality after assurance evidence, as the assessment
    has it), the single-supplier events, and the report section."""
    from fiveguard.app.simulation import demo_monte_carlo
    from fiveguard.catalog.parameters import parameter_rows
    from fiveguard.report.simulation import simulation_section

    result, worst = demo_monte_carlo(loaded, cat)
    return result, worst, simulation_section(result, worst, parameters=parameter_rows(cat))


def print_demo_simulation(
    result: SimulationResult, worst: list[SupplierEvent], top: int = 6
) -> None:
    """The demo summary's simulation part: worst supplier events and the distribution."""
    table = Table(title="Worst single-supplier events (what if)", title_justify="left")
    table.add_column("event", overflow="fold")
    for _, title in IMPACT_LABELS:
        table.add_column(title, justify="right")
    for e in worst[:top]:
        label = escape(e.event) + (f" — {escape(e.name)}" if e.name else "")
        table.add_row(label, *(f"{getattr(e.impact, name):,}" for name, _ in IMPACT_LABELS))
    show(table)
    print_simulation(result, seconds=0.0, sources=False, significant=True)
