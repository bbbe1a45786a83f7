"""Commands on model files: validate, schema, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.assess.summary import ModelSummary, summarise
from fiveguard.cli import common
from fiveguard.cli.app import EXIT_BAD_INPUT, app, console
from fiveguard.domain.errors import InputError

ModelArg = Annotated[
    Path,
    typer.Argument(help="The national model (YAML).", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


StrictOpt = Annotated[bool, typer.Option("--strict", help="Fail (exit code 2) on warnings too.")]


@app.command()
def validate(
    ctx: typer.Context, model: ModelArg, json_out: JsonOpt = False, strict: StrictOpt = False
) -> None:
    """Check a model file and its site CSVs; list every problem with its location.

    Exit code 0 when the model is valid (warnings, of values that are probably wrong, are
    listed but do not fail it unless --strict), 2 when it is not. With --json, stdout
    gets the result for scripts: valid or not, every problem with its file, line,
    column, field and severity (schema: `fiveguard schema validation`).

    Example: `fiveguard validate national.yaml`
    """
    from fiveguard.app.validation import validate_model
    from fiveguard.cli.app import print_problems
    from fiveguard.cli.simulate import print_assumptions

    if json_out:
        _validate_json(ctx, model, strict)
        return
    found = validate_model(model, common.catalogue(ctx), strict=strict)
    if not found.valid:
        raise InputError(list(found.refused_for))
    print_problems(found.problems)
    summary = found.summary
    assert summary is not None  # a valid model has its summary
    console.print(
        f"[green]valid[/green] {escape(str(found.source))}: {escape(summary.country)} · "
        f"{_count(len(summary.operators), 'operator')} · "
        f"{_count(len(summary.suppliers), 'supplier')} · {_count(summary.assets, 'asset')} · "
        f"{_count(summary.radio_sites, 'radio site')} · "
        f"{summary.population_served:,} people served by radio "
        f"(of {summary.national_population:,} residents)",
        soft_wrap=True,
    )
    print_assumptions(found.assumptions, "Assumed by the simulation (not in the model):")


def _validate_json(ctx: typer.Context, model: Path, strict: bool) -> None:
    """The validation result as JSON on stdout, problems included; exit code 2 unless valid."""
    from fiveguard.app.validation import refused, validate_model
    from fiveguard.modelio.report import AssumptionRecord, ValidationReport, problem_records

    try:
        found = validate_model(model, common.catalogue(ctx), strict=strict)
    except InputError as exc:  # the catalogue
        found = refused(exc)
    report: ValidationReport[ModelSummary] = ValidationReport(
        valid=found.valid,
        problems=problem_records(found.problems),
        summary=found.summary,
        assumptions=tuple(
            AssumptionRecord(parameter=a.parameter, value=a.value, note=a.note)
            for a in found.assumptions
        ),
    )
    typer.echo(report.model_dump_json(indent=2))
    if not found.valid:
        raise typer.Exit(EXIT_BAD_INPUT)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


@app.command()
def schema(
    name: Annotated[
        str,
        typer.Argument(
            help="Which schema: model, assessment, validation, national-summary, coordination, "
            "lab-attestation or lab-record."
        ),
    ] = "model",
) -> None:
    """Print the JSON Schema of a fiveguard file format.

    Example: `fiveguard schema model > model.schema.json`
    """
    from fiveguard.modelio.schema import SCHEMAS, schema_json

    if name not in SCHEMAS:
        raise typer.BadParameter(f"unknown schema {name!r}; expected one of: {', '.join(SCHEMAS)}")
    typer.echo(schema_json(name), nl=False)


DEMO_OUT = Path("fiveguard-demo")
EU_DEMO_OUT = Path("fiveguard-demo-eu")


@app.command()
def demo(
    ctx: typer.Context,
    json_out: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=f"Where to write report.html and assessment.json (default {DEMO_OUT}; with "
            f"--eu, the EU demo's files, default {EU_DEMO_OUT}).",
            show_default=False,
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="Policy preset or file (default: the catalogue's default)."),
    ] = None,
    eu: Annotated[
        bool,
        typer.Option(
            "--eu",
            help="The EU demo instead: three member states sign their summaries for the EU "
            "coordinator, who verifies them and builds the coordinated view.",
        ),
    ] = False,
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Also write report.pdf (needs Chromium; see docs/report.md)."),
    ] = False,
) -> None:
    """Assess the embedded demo network of a fictional member state (XR) and write the report;
    with --eu, run the exchange between three fictional member states and the EU level.

    Example: `fiveguard demo`  (then open fiveguard-demo/report.html); `fiveguard demo --eu`
    """
    if eu:
        eu_demo(ctx, out or EU_DEMO_OUT)
        return
    out = out or DEMO_OUT
    from fiveguard.app.choices import resolve_policy
    from fiveguard.cli.assess import (
        announce_outputs,
        assessment_inputs,
        check_pdf_renderer,
        run_assessment,
    )
    from fiveguard.cli.simulate import demo_simulation

    common.check_out_dir(out)  # before the work, and creating nothing
    if pdf:
        check_pdf_renderer(out)
    with common.demo_model_path() as path:
        loaded, cat = common.model(ctx, path)
        resolve_policy(policy, cat)  # a bad --policy fails before anything is printed or run
        if not json_out:
            print_summary(summarise(loaded, cat))
        simulated, worst, _ = demo_simulation(loaded, cat)
        run_assessment(
            ctx,
            loaded,
            cat,
            policy,
            json_out,
            out,
            simulated=(simulated, worst),
            announce=False,
            inputs=assessment_inputs(ctx, path, None, policy, cat),
            pdf=pdf,
        )
    if not json_out:
        announce_outputs(out, pdf=pdf)


def print_summary(summary: ModelSummary) -> None:
    """The model summary as Rich tables; text from the model is escaped."""
    console.rule(
        f"[bold]{escape(summary.name)}[/bold] — {escape(summary.country)}, as of {summary.as_of}"
    )
    console.print(
        f"{_count(summary.regions, 'region')} · {summary.national_population:,} people · "
        f"{_count(summary.assets, 'asset')} · {_count(summary.radio_sites, 'radio site')} "
        f"serving {summary.population_served:,} people ({summary.population_coverage:.0%} of "
        "residents counted once per operator)",
        markup=False,
    )
    ops = Table(title="Operators", title_justify="left")
    for column in (
        "operator",
        "subscribers",
        "assets",
        "radio sites",
        "people served",
        "shares RAN with",
    ):
        ops.add_column(
            column, justify="right" if column not in ("operator", "shares RAN with") else "left"
        )
    for o in summary.operators:
        ops.add_row(
            escape(f"{o.name} ({o.id})"),
            f"{o.subscribers:,}",
            f"{o.assets:,}",
            f"{o.radio_sites:,}"
            + (f" + {o.shared_radio_sites:,} shared" if o.shared_radio_sites else ""),
            f"{o.population_served:,}",
            escape(", ".join(o.shares_radio_with)) or "—",
        )
    if any(o.shares_radio_with for o in summary.operators):
        ops.caption = (
            "with RAN sharing, a shared site counts for each operator sharing it, and its "
            "people are split between them by subscribers"
        )
    console.print(ops)
    sup = Table(title="Suppliers", title_justify="left")
    for column in ("supplier", "headquarters", "ownership", "assets", "sites"):
        sup.add_column(column, justify="right" if column in ("assets", "sites") else "left")
    for s in summary.suppliers:
        sup.add_row(
            escape(f"{s.name} ({s.id})"),
            escape(s.headquarters),
            escape(s.ownership),
            f"{s.assets:,}",
            f"{s.sites:,}",
        )
    console.print(sup)
    domains = sorted(summary.assets_by_domain)
    suppliers = sorted({c.supplier for c in summary.by_domain_and_supplier})
    grid = Table(title="Assets by domain and supplier (assets / sites)", title_justify="left")
    grid.add_column("supplier")
    for d in domains:
        grid.add_column(escape(d), justify="right")
    cells = {(c.supplier, c.domain): c for c in summary.by_domain_and_supplier}
    for s_id in suppliers:
        row = [escape(s_id)]
        for d in domains:
            c = cells.get((s_id, d))
            row.append(
                "·" if c is None else (f"{c.assets:,}" + (f" / {c.sites:,}" if c.sites else ""))
            )
        grid.add_row(*row)
    console.print(grid)


def eu_demo(ctx: typer.Context, out: Path) -> None:
    """The EU demo: keys, keyring, three signed summaries, the coordinated view."""
    from fiveguard.app.eu_demo import run_eu_demo
    from fiveguard.cli.keyring import now

    common.check_out_dir(out)
    cat = common.catalogue(ctx)
    with common.demo_model_path() as xandria:
        result = run_eu_demo(
            out, cat, xandria, now(), progress=lambda line: console.print(escape(line))
        )
    view = result.view
    console.print(
        f"\n[bold]EU demo[/bold]: {len(view.countries)} member states "
        f"({', '.join(view.countries)}) signed {view.tlp.marking} summaries for "
        f"{escape(view.coordinator)}; every one verified.\n"
        f"keyring:     {escape(str((out / 'keyring.json').resolve()))}\n"
        f"envelopes:   {escape(str((out / 'envelopes').resolve()))}/\n"
        f"coordinated: [bold]{escape(str((out / 'coordinated' / 'report.html').resolve()))}"
        f"[/bold]\n"
        f"             {escape(str((out / 'coordinated' / 'coordination.json').resolve()))}\n"
        f"keys:        {escape(str((out / 'keys').resolve()))}/ (passphrase "
        f"{escape(result.passphrase_note)})",
        soft_wrap=True,
    )
