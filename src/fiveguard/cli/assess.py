"""``fiveguard assess``: the national risk assessment of a model, in the terminal, as JSON
and as an offline HTML report.

Everything printed from the model or the catalogue (names, ids, texts) is escaped, so a
supplier called ``Nordvik [/bold] Networks`` prints as written instead of being read as
Rich markup.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.app.choices import NO_POLICY
from fiveguard.cli import common
from fiveguard.cli.app import app, console, settings
from fiveguard.cli.tables import FormatOpt, TableFormat, heading, say, show, use_format
from fiveguard.cli.terminal import escape_controls
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.model import NetworkModel

if TYPE_CHECKING:  # the engines are imported when a command runs, not for --help
    from fiveguard.assess.results import Assessment, InputFile, Judgement, RegisterEntry
    from fiveguard.compare.results import Comparison
    from fiveguard.report import SimulationSection
    from fiveguard.report.regions import RegionDependency
    from fiveguard.simulate import SimulationResult, SupplierEvent

REPORT_NAME = "report.html"
PDF_NAME = "report.pdf"
JSON_NAME = "assessment.json"

ModelArg = Annotated[Path, typer.Argument(help="The national model (YAML).", show_default=False)]
PolicyOpt = Annotated[
    str | None,
    typer.Option(
        "--policy",
        help=(
            "A restriction-policy preset id (see 'fiveguard catalog policies'), a YAML policy "
            "file, or 'none'. Default: the catalogue's default preset."
        ),
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the assessment as JSON.")]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help=f"Write {JSON_NAME} and {REPORT_NAME} into this directory.",
        show_default=False,
    ),
]
TrialsOpt = Annotated[
    int | None,
    typer.Option(
        "--trials",
        min=0,
        help="Simulated years of the Monte Carlo run behind the report's simulation section "
        "and the JSON's 'simulation' (0: no run). Default: the catalogue's "
        "simulation.assess_trials (1,024 packaged).",
        show_default=False,
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Seed of the Monte Carlo run.")]
DrawsOpt = Annotated[
    int,
    typer.Option(
        "--parameter-draws",
        min=0,
        help="Draw the rates the incident record speaks to this many times, once per batch "
        "of the Monte Carlo's trials, and give intervals in the report and the JSON "
        "(0: parameters held fixed).",
    ),
]
BriefOpt = Annotated[
    bool,
    typer.Option(
        "--brief",
        help="Print the briefing instead of the tables: where the country stands, the "
        "findings that matter most (ranked, one sentence each) and what to decide.",
    ),
]
PdfOpt = Annotated[
    bool,
    typer.Option(
        "--pdf",
        help=f"Also write {PDF_NAME} into --out: A4, contents, the marking and page numbers "
        "on every page, the assessment JSON attached (needs Chromium; see docs/report.md).",
    ),
]
PreviousOpt = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="An earlier assessment of the same country (its assessment.json): the report "
        "gains a section on what changed since, and --out writes comparison.json.",
        show_default=False,
    ),
]
RegistryOpt = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        file_okay=False,
        help="A product registry directory to read instead of the one the model names "
        "(its verified lab records join the evidence).",
        show_default=False,
    ),
]


@app.command("assess")
def assess_command(
    ctx: typer.Context,
    model: ModelArg,
    policy: PolicyOpt = None,
    json_out: JsonOpt = False,
    out: OutOpt = None,
    trials: TrialsOpt = None,
    seed: SeedOpt = 0,
    parameter_draws: DrawsOpt = 0,
    registry: RegistryOpt = None,
    brief: BriefOpt = False,
    previous: PreviousOpt = None,
    pdf: PdfOpt = False,
    table_format: FormatOpt = TableFormat.TEXT,
) -> None:
    """Assess a model: profiles, assurance, policy, diversity, R1–R9, gaps, simulation.

    Exit code 0 when the assessment ran (violations are results, not errors).

    Exit code 2 on bad input (model, catalogue, policy, --out), every problem located.

    Example: `fiveguard assess national.yaml --policy BE-2020-07 --out report/`
    """
    use_format(table_format)
    if out is not None:
        common.check_out_dir(out)
    if pdf:
        check_pdf_renderer(out)
    earlier = read_previous(previous)
    loaded, cat = common.model(ctx, model, registry)
    chosen = common.trials(trials, cat.simulation.assess_trials, cat)
    inputs = assessment_inputs(ctx, model, registry, policy, cat)
    run_assessment(
        ctx,
        loaded,
        cat,
        policy,
        json_out,
        out,
        trials=chosen,
        seed=seed,
        parameter_draws=parameter_draws,
        inputs=inputs,
        brief=brief,
        previous=earlier,
        pdf=pdf,
    )


def check_pdf_renderer(out: Path | None) -> None:
    """--pdf needs --out and a renderer: both checked before any work."""
    from fiveguard.report.pdf import NoRendererError, find_chromium

    if out is None:
        raise InputError.at("--pdf writes into --out DIR: give --out", COMMAND_LINE, path="--pdf")
    try:
        find_chromium()
    except NoRendererError as exc:
        raise InputError.at(str(exc), COMMAND_LINE, path="--pdf") from None


def read_previous(path: Path | None) -> Assessment | None:
    """The earlier assessment given with --previous, read before the work starts."""
    if path is None:
        return None
    from fiveguard.compare.read import read_assessment

    return read_assessment(path)


def assessment_inputs(
    ctx: typer.Context, model: Path, registry: Path | None, policy: str | None, cat: Catalogue
) -> tuple[InputFile, ...]:
    """The files an assessment reads, with their digests, for its provenance."""
    from fiveguard.report.provenance import input_files

    is_file = policy is not None and policy.lower() != NO_POLICY and policy not in cat.policies
    return input_files(
        model,
        registry=registry,
        catalogue=settings(ctx).catalog,
        policy=Path(policy) if is_file and policy is not None else None,
    )


def run_assessment(
    ctx: typer.Context,
    loaded: NetworkModel,
    cat: Catalogue,
    policy_arg: str | None,
    json_out: bool,
    out: Path | None,
    *,
    trials: int = 0,
    seed: int = 0,
    parameter_draws: int = 0,
    simulated: tuple[SimulationResult, Sequence[SupplierEvent]] | None = None,
    announce: bool = True,
    inputs: tuple[InputFile, ...] = (),
    brief: bool = False,
    previous: Assessment | None = None,
    pdf: bool = False,
) -> Assessment:
    """Assess (:func:`fiveguard.app.assessment.assess_model`), then print and write what
    was asked; shared by ``assess`` and ``demo``.

    The simulation section comes from ``simulated`` (a Monte Carlo result and the
    single-supplier events) when given, else from a run of ``trials`` years (none for 0;
    with ``parameter_draws`` the rates are drawn that many times, with intervals);
    the terminal then shows the worst single-supplier events and the distribution per
    year after the assessment. ``announce`` prints where the files went; the demo does
    that itself, last. ``inputs`` are the files read, with digests, for the provenance;
    ``brief`` prints the briefing instead of the tables; ``previous``, an earlier
    assessment, adds what changed since to the report, the terminal and ``out``;
    ``pdf`` writes the report as PDF too.
    """
    from fiveguard.app.assessment import assess_model, catalogue_label
    from fiveguard.catalog.parameters import parameter_rows
    from fiveguard.report.simulation import simulation_section

    if out is not None:
        common.check_out_dir(out)
    done = assess_model(
        loaded,
        cat,
        policy_arg,
        label=catalogue_label(settings(ctx).catalog),
        trials=trials,
        seed=seed,
        parameter_draws=parameter_draws,
        simulated=simulated,
        inputs=inputs,
    )
    assessment = done.assessment
    section = None
    if done.simulated is not None:
        section = simulation_section(
            done.simulated[0], list(done.simulated[1]), parameters=parameter_rows(cat)
        )
    comparison = None
    if previous is not None:
        from fiveguard.cli.compare import compare_with

        comparison = compare_with(previous, assessment)
    if out is not None:
        regions = report_regions(loaded, cat, assessment)
        write_outputs(assessment, out, section, regions=regions, comparison=comparison, pdf=pdf)
    if json_out:
        typer.echo(escape_controls(assessment.model_dump_json(indent=2)))
    elif brief:
        print_briefing(assessment)
        if comparison is not None:
            from fiveguard.cli.compare import print_comparison

            print_comparison(comparison)
        if out is not None and announce:
            announce_outputs(out, pdf=pdf)
    else:
        print_assessment(assessment)
        if comparison is not None:
            from fiveguard.cli.compare import print_comparison

            print_comparison(comparison)
        if done.simulated is not None:
            from fiveguard.cli.simulate import print_demo_simulation

            print_demo_simulation(done.simulated[0], list(done.simulated[1]))
        if out is not None and announce:
            announce_outputs(out, pdf=pdf)
    return assessment


def current_format() -> TableFormat:
    from fiveguard.cli.tables import current

    return current()


def announce_outputs(out: Path, *, pdf: bool = False) -> None:
    """Where the report and the JSON went (paths kept whole, to copy); not in CSV."""
    if current_format() is TableFormat.CSV:
        return
    console.print(
        f"\nreport: [bold]{escape(str((out / REPORT_NAME).resolve()))}[/bold]\n"
        + (f"PDF:    {escape(str((out / PDF_NAME).resolve()))}\n" if pdf else "")
        + f"JSON:   {escape(str((out / JSON_NAME).resolve()))}",
        soft_wrap=True,
    )


# ---------------------------------------------------------------------------- output files


def report_regions(
    loaded: NetworkModel, cat: Catalogue, assessment: Assessment
) -> tuple[RegionDependency, ...]:
    """The briefing map's regions (none when the model outlines no region)."""
    from fiveguard.report.regions import region_dependency

    return region_dependency(loaded, cat, assessment)


def write_outputs(
    assessment: Assessment,
    out: Path,
    simulation: SimulationSection | None = None,
    *,
    regions: Sequence[RegionDependency] = (),
    comparison: Comparison | None = None,
    pdf: bool = False,
) -> None:
    """Render both files, write each to a temporary name in ``out`` and rename them only
    when both were written: a failure leaves neither (nor a directory made for them).
    An OS error is the user's input (the directory given) and becomes a located problem."""
    from fiveguard.report import render_report

    files: dict[str, str | bytes] = {
        JSON_NAME: assessment.model_dump_json(indent=2) + "\n",
        REPORT_NAME: render_report(assessment, simulation, regions=regions, comparison=comparison),
    }
    if comparison is not None:
        from fiveguard.cli.compare import COMPARISON_JSON

        files[COMPARISON_JSON] = comparison.model_dump_json(indent=2) + "\n"
    if pdf:
        from fiveguard.report.pdf import NoRendererError
        from fiveguard.report.render import report_pdf

        try:
            files[PDF_NAME] = report_pdf(
                assessment, simulation, regions=regions, comparison=comparison
            )
        except NoRendererError as exc:
            raise InputError.at(str(exc), COMMAND_LINE, path="--pdf") from None
    write_files(out, files)


def write_files(out: Path, files: dict[str, str | bytes]) -> None:
    """Write every file into ``out`` or none (see :func:`write_outputs`); an OS error is a
    located problem of ``--out``."""
    try:
        _write_together(out, files)
    except OSError as exc:
        raise InputError.at(
            f"cannot write {' and '.join(files)} into {str(out)!r}: {exc.strerror or exc}",
            COMMAND_LINE,
            path="--out",
        ) from None


def _write_together(out: Path, files: dict[str, str | bytes]) -> None:
    created = [p for p in (out, *out.parents) if not p.exists()]
    temporary: list[tuple[Path, Path]] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        mask = os.umask(0)
        os.umask(mask)
        for name, text in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            os.close(fd)
            tmp = Path(tmp_name)
            temporary.append((tmp, out / name))
            if isinstance(text, bytes):
                tmp.write_bytes(text)
            else:
                tmp.write_text(text, encoding="utf-8")
            tmp.chmod(0o666 & ~mask)
        for tmp, target in temporary:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in temporary:
            tmp.unlink(missing_ok=True)
        for directory in created:  # deepest first: what this call made
            try:
                directory.rmdir()
            except OSError:
                break
        raise


# ---------------------------------------------------------------------------- terminal


def _plural(n: float, noun: str, many: str | None = None) -> str:
    from fiveguard.assess.context import plural

    return plural(n, noun, many)


def print_briefing(a: Assessment) -> None:
    """The briefing: standing, ranked findings, decisions; escaped. As Markdown or CSV the
    findings and decisions are tables (rank, severity, people, section, finding)."""
    from fiveguard.cli.tables import TableFormat, current
    from fiveguard.report.briefing import build_briefing

    briefing = build_briefing(a)
    m = a.metadata
    heading(
        f"[bold]{escape(m.model.name)}[/bold] — {escape(m.marking.text)}, as of {m.model.as_of}"
    )
    say(briefing.standing)
    if current() is not TableFormat.TEXT:
        findings = Table(title="What matters most")
        for column in ("rank", "severity", "people", "section", "finding", "to decide"):
            findings.add_column(column, justify="right" if column in ("rank", "people") else "left")
        for n, f in enumerate(briefing.findings, 1):
            findings.add_row(
                str(n),
                f.severity,
                f"{f.people:,}",
                f.section,
                escape(f.text),
                escape(f.decision or ""),
            )
        show(findings)
        return
    console.print("\n[bold]What matters most[/bold]")
    for n, f in enumerate(briefing.shown, 1):
        console.print(f"{n:>2}. {_level(f.severity)} {escape(f.text)}")
    if briefing.more:
        console.print(
            f"    … and {_plural(briefing.more, 'more finding')} (--format csv lists them "
            "all; so do the report and --json)",
            markup=False,
        )
    if briefing.decisions:
        console.print("\n[bold]To decide[/bold]")
        for n, d in enumerate(briefing.decisions, 1):
            console.print(f"{n:>2}. {d}", markup=False)


def print_assessment(a: Assessment) -> None:
    """The assessment's summary as Rich tables."""
    m = a.metadata
    policy = a.violations.policy
    heading(
        f"[bold]{escape(m.model.name)}[/bold] — {escape(m.model.country)}, as of {m.model.as_of}"
    )
    chosen = f"{policy.id} ({policy.origin})" if policy else "none checked"
    if policy and policy.status == "proposal":
        chosen += ", a proposal not in force"
    say(
        f"policy: {chosen} · {_plural(a.summary.suppliers, 'supplier')} · "
        f"{_plural(a.summary.operators, 'operator')} · "
        f"{_plural(a.summary.radio_sites, 'radio site')} · catalogue {m.catalogue}",
        markup=False,
    )
    _suppliers(a)
    _assurance(a)
    _labs(a)
    _violations(a)
    _diversity(a)
    _register(a)
    _gaps(a)


def _level(value: str) -> str:
    colour = {"low": "green", "medium": "yellow", "high": "red", "unknown": "magenta"}
    return f"[{colour.get(value, 'white')}]{escape(value)}[/]"


def _suppliers(a: Assessment) -> None:
    table = Table(title="Supplier profiles", title_justify="left")
    for column in ("supplier", "profile", "decided by", "product quality", "gaps"):
        table.add_column(column, overflow="fold")
    for s in a.suppliers:
        quality = next(f for f in s.factors if f.factor == "product_quality")
        scored = quality.scored.value if quality.scored else "not scored"
        effective = quality.effective.value if quality.effective else "unknown"
        moved = sorted({sig.source for sig in s.signals if sig.id in quality.moved_by})
        shown = scored if scored == effective and not moved else f"{scored} → {effective}"
        if moved:
            shown += f" ({', '.join(moved)})"
        not_scored = sum(1 for g in s.missing if g.problem == "not-scored")
        no_evidence = sum(1 for g in s.missing if g.problem == "no-evidence")
        gaps = ", ".join(
            part
            for part in (
                f"{not_scored} not scored" if not_scored else "",
                f"{no_evidence} without evidence" if no_evidence else "",
            )
            if part
        )
        table.add_row(
            escape(f"{s.name} ({s.id})"),
            _level(s.profile),
            escape(
                s.step
                or ("several (unknown factors)" if s.profile == "unknown" else "none: " + s.profile)
            ),
            escape(shown),
            gaps or "—",
        )
    show(table)


def _assurance(a: Assessment, limit: int = 8) -> None:
    section = a.assurance
    if not section.versions:
        return
    one = len(section.versions) == 1
    table = Table(
        title=f"Assurance: {_plural(len(section.versions), 'deployed version')} "
        f"{'needs' if one else 'need'} attention; "
        f"{_plural(section.assets_at_risk, 'critical or sensitive asset')} "
        f"{'runs' if section.assets_at_risk == 1 else 'run'} {'it' if one else 'them'}",
        title_justify="left",
    )
    for column in ("version", "supplier", "severity", "why", "assets at risk"):
        table.add_column(column, overflow="fold", justify="right" if column[0] == "a" else "left")
    for v in section.versions[:limit]:
        table.add_row(
            escape(v.product),
            escape(v.supplier),
            _level(v.severity.value),
            escape("; ".join(section.reasons.get(r, r) for r in v.reasons)),
            f"{v.assets_at_risk:,}",
        )
    more = len(section.versions) - limit
    table.caption = "most serious reason first, then most assets at risk" + (
        f"; … and {more} more (see the report or --json)" if more > 0 else ""
    )
    show(table)


def _labs(a: Assessment, limit: int = 8) -> None:
    """What the labs found (verified attestations only) and the latest practice reviews."""
    labs = a.labs
    if labs is None:
        return
    names = ", ".join(f"{lab.name} ({lab.id})" for lab in labs.labs) or "none"
    table = Table(
        title=f"Evaluation labs ({escape(labs.registry)}): {escape(names)}", title_justify="left"
    )
    for column in ("finding", "lab", "severity", "state", "affects"):
        table.add_column(column, overflow="fold")
    for f in labs.findings[:limit]:
        state = f.state + (f" (fix in {f.fixed_in})" if f.fixed_in else "")
        table.add_row(
            escape(f"{f.title} ({f.id})"),
            escape(f.lab),
            _level(f.severity) if f.severity in ("low", "medium", "high") else escape(f.severity),
            escape(state),
            escape(", ".join(f.affected)),
        )
    more = len(labs.findings) - limit
    table.caption = (
        f"{_plural(len(labs.evaluations), 'evaluation')}; "
        f"{_plural(len(labs.not_counted), 'record')} not counted"
        + (f"; … and {more} more findings (see the report or --json)" if more > 0 else "")
    )
    show(table)
    for review in labs.audits:
        say(f"  • {review.text}")


def _violations(a: Assessment) -> None:
    if a.violations.policy is None:
        return
    rows = a.violations.violations
    table = Table(
        title=f"Policy {escape(a.violations.policy.id)}: {_plural(len(rows), 'finding')} "
        f"({_plural(a.summary.violations, 'violation')}, {a.summary.in_transition:,} in "
        f"transition, {a.summary.unresolved:,} unresolved)",
        title_justify="left",
    )
    for column in ("status", "rule", "supplier in", "assets", "people", "share"):
        numeric = column in ("assets", "people")
        table.add_column(
            column,
            justify="right" if numeric else "left",
            overflow="fold",
            no_wrap=numeric or column == "status",
        )
    for v in rows:
        share = f"{v.share:.1%} > {v.max_share:.0%}" if v.share is not None else "—"
        colour = {"violation": "red", "in-transition": "yellow"}.get(v.status, "magenta")
        table.add_row(
            f"[{colour}]{v.status}[/]",
            escape(v.rule),
            escape(f"{', '.join(v.suppliers)} in {v.operator or 'the country'}"),
            f"{v.asset_count:,}",
            f"{v.people_depending:,}",
            share,
        )
    met = sum(1 for r in a.violations.rules if r.status == "met")
    table.caption = (
        f"{met} of {_plural(len(a.violations.rules), 'rule')} met; people: served by radio "
        "sites depending on the assets (requires, managed_by)"
    )
    show(table)


def _diversity(a: Assessment) -> None:
    table = Table(title="Supplier diversity: HHI 0–10,000 (suppliers)", title_justify="left")
    groups = [t for t in a.diversity.tables if t.kind is None]
    scopes = list(dict.fromkeys(t.scope for t in groups))
    table.add_column("group")
    for scope in scopes:
        table.add_column(escape(scope), justify="right")
    keyed = {(t.group, t.weight, t.scope): t for t in groups}
    unattributed = False
    for group, weight in dict.fromkeys((t.group, t.weight) for t in groups):
        cells = []
        for scope in scopes:
            t = keyed.get((group, weight, scope))
            if t is None:
                cells.append("·")
                continue
            index = "—" if t.hhi is None else f"{t.hhi:,.0f}"
            cell = f"{index} ({t.suppliers})"
            if t.unattributed:
                unattributed = True
                cell += f"\n{t.unattributed_share:.0%} no product"
            cells.append(cell)
        table.add_row(escape(f"{group} by {weight}"), *cells)
    if unattributed:
        table.caption = "no product: share of the group naming no product (not in the HHI)"
    show(table)
    lines = [d.text for d in a.diversity.single_supplier]
    lines += [c.text for c in a.diversity.national_concentration]
    lines += [f"{g.rule}: {g.text}" for g in a.diversity.common_mode]
    for line in lines:
        say(f"  • {line}")
    _faults(a)


def _faults(a: Assessment) -> None:
    """Each fault the diversity findings cite: its what-if's figures, each with what it is."""
    from fiveguard.assess.fault_figures import cited_faults

    for fault in cited_faults(a.diversity):
        if not fault.figures:
            continue
        table = Table(title=f"What if {escape(fault.event)}", title_justify="left")
        table.add_column("figure", overflow="fold")
        table.add_column("value", justify="right", no_wrap=True)
        table.add_column("what it is", overflow="fold")
        for figure in fault.figures:
            table.add_row(escape(figure.label), escape(figure.value), escape(figure.meaning))
        show(table)


def _changed(j: Judgement) -> bool:
    return j.override is not None and j.override is not j.computed


def _register(a: Assessment) -> None:
    entries = a.risk_register.entries
    scopes = list(dict.fromkeys(e.scope for e in entries))
    table = Table(title="Risk register: level → residual", title_justify="left")
    table.add_column("risk")
    for scope in scopes:
        table.add_column(escape(scope))
    keyed: dict[tuple[str, str], RegisterEntry] = {(e.risk, e.scope): e for e in entries}
    marked = False
    for risk in dict.fromkeys(e.risk for e in entries):
        cells = []
        for scope in scopes:
            e = keyed[(risk, scope)]
            mark = "*" if _changed(e.likelihood) or _changed(e.impact) else ""
            marked = marked or bool(mark)
            cells.append(f"{_level(e.level.value)}{mark} → {_level(e.residual.value)}")
        table.add_row(escape(risk), *cells)
    if marked:
        table.caption = "* an analyst's override in the model changes the computed value"
    show(table)


def _gaps(a: Assessment, limit: int = 8) -> None:
    missing = a.gaps.missing
    table = Table(
        title=f"Missing measures, highest risks first ({len(missing)} in all)",
        title_justify="left",
    )
    label = a.gaps.measure_links.label
    for column in ("measure", "scope", "status", f"called for by ({label})", "highest risk"):
        table.add_column(escape(column), overflow="fold")
    for m in missing[:limit]:
        table.add_row(
            escape(f"{m.measure} {m.title}"),
            escape(m.scope),
            escape(m.status),
            escape(", ".join(m.risks)),
            _level(m.highest_risk.value),
        )
    table.caption = escape(
        f"risk → measure links: {label} (catalogue risk_measures; fiveguard catalog risks)"
        + (
            f"; … and {len(missing) - limit} more (see the report or --json)"
            if len(missing) > limit
            else ""
        )
    )
    show(table)
