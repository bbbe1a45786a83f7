"""``fiveguard assess``: the national risk assessment of a model, in the terminal, as JSON
and as an offline HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from fiveguard.cli import common
from fiveguard.cli.app import app, console, settings
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.errors import InputError
from fiveguard.domain.model import NetworkModel

if TYPE_CHECKING:  # the engines are imported when a command runs, not for --help
    from fiveguard.assess.results import Assessment
    from fiveguard.report import SimulationSection

NO_POLICY = "none"
REPORT_NAME = "report.html"
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
        file_okay=False,
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
) -> None:
    """Assess a model: supplier profiles, restriction policy, diversity, R1–R9, toolbox gap.

    Exit code 0 when the assessment ran (violations are results, not errors); 2 on bad
    input (model, catalogue or policy file), with every problem located.

    Example: [bold]fiveguard assess national.yaml --policy BE-2020-07 --out report/[/bold]
    """
    loaded, cat = common.model(ctx, model)
    run_assessment(ctx, loaded, cat, policy, json_out, out)


def run_assessment(
    ctx: typer.Context,
    loaded: NetworkModel,
    cat: Catalogue,
    policy_arg: str | None,
    json_out: bool,
    out: Path | None,
    simulation: SimulationSection | None = None,
    announce: bool = True,
) -> Assessment:
    """Assess, then print and write what was asked; shared by ``assess`` and ``demo``.

    ``simulation``, when given, adds its section to the report (see
    :class:`fiveguard.report.SimulationSection`). ``announce`` prints where the files
    went; the demo does that itself, last.
    """
    from fiveguard.assess.assessment import assess

    chosen, origin = resolve_policy(policy_arg, cat)
    override = settings(ctx).catalog
    assessment = assess(
        loaded,
        cat,
        chosen,
        policy_origin=origin,
        catalogue_label=f"packaged, with {override} merged over it" if override else "packaged",
    )
    if out is not None:
        write_outputs(assessment, out, simulation)
    if json_out:
        typer.echo(assessment.model_dump_json(indent=2))
    else:
        print_assessment(assessment)
        if out is not None and announce:
            console.print(
                f"\nreport: [bold]{(out / REPORT_NAME).resolve()}[/bold]\n"
                f"JSON:   {(out / JSON_NAME).resolve()}",
                soft_wrap=True,
            )
    return assessment


def resolve_policy(value: str | None, cat: Catalogue) -> tuple[RestrictionPolicy | None, str]:
    """A preset id, ``none``, or a policy file; the default is the catalogue's preset."""
    if value is None:
        default = cat.assessment.default_policy
        if default is None:
            return None, "none"
        return cat.policies[default], "default preset"
    if value.lower() == NO_POLICY:
        return None, "none"
    if value in cat.policies:
        return cat.policies[value], "preset"
    path = Path(value)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        from fiveguard.assess.policy_file import parse_policy
        from fiveguard.modelio.yamlsource import display_name, read_yaml

        return parse_policy(read_yaml(path), cat), display_name(path)
    raise InputError.at(
        f"unknown policy {value!r}: not a preset ({', '.join(cat.policies)}) and not a "
        "YAML file; give a preset id, a policy file, or 'none'",
        "--policy",
    )


def write_outputs(
    assessment: Assessment, out: Path, simulation: SimulationSection | None = None
) -> None:
    """Render both files first, then write each atomically: an error writes nothing."""
    from fiveguard.modelio.dump import write_text
    from fiveguard.report import render_report

    if out.exists() and not out.is_dir():
        raise InputError.at("exists and is not a directory", str(out))
    report = render_report(assessment, simulation)
    document = assessment.model_dump_json(indent=2) + "\n"
    write_text(out / JSON_NAME, document)
    write_text(out / REPORT_NAME, report)


# ---------------------------------------------------------------------------- terminal


def print_assessment(a: Assessment) -> None:
    """The assessment's summary as Rich tables."""
    m = a.metadata
    policy = a.violations.policy
    console.rule(f"[bold]{m.model.name}[/bold] — {m.model.country}, as of {m.model.as_of}")
    console.print(
        f"policy: {policy.id + ' (' + policy.origin + ')' if policy else 'none checked'} · "
        f"{a.summary.suppliers} suppliers · {a.summary.operators} operators · "
        f"{a.summary.radio_sites:,} radio sites · catalogue {m.catalogue}"
    )
    _suppliers(a)
    _violations(a)
    _diversity(a)
    _register(a)
    _gaps(a)


def _level(value: str) -> str:
    colour = {"low": "green", "medium": "yellow", "high": "red", "unknown": "magenta"}
    return f"[{colour.get(value, 'white')}]{value}[/]"


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
            f"{s.name} ({s.id})",
            _level(s.profile),
            s.step
            or ("several (unknown factors)" if s.profile == "unknown" else "none: " + s.profile),
            shown,
            gaps or "—",
        )
    console.print(table)


def _violations(a: Assessment) -> None:
    if a.violations.policy is None:
        return
    rows = a.violations.violations
    table = Table(
        title=f"Policy {a.violations.policy.id}: {len(rows)} finding(s)", title_justify="left"
    )
    for column in ("status", "rule", "supplier", "operator", "assets", "sites", "share"):
        numeric = column in ("assets", "sites")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for v in rows:
        share = f"{v.share:.1%} > {v.max_share:.0%}" if v.share is not None else "—"
        colour = {"violation": "red", "in-transition": "yellow"}.get(v.status, "magenta")
        table.add_row(
            f"[{colour}]{v.status}[/]",
            v.rule,
            ", ".join(v.suppliers),
            v.operator or "national",
            f"{v.asset_count:,}",
            f"{v.quantity.sites:,}",
            share,
        )
    met = sum(1 for r in a.violations.rules if r.status == "met")
    table.caption = f"{met} of {len(a.violations.rules)} rules met"
    console.print(table)


def _diversity(a: Assessment) -> None:
    table = Table(title="Supplier diversity (HHI 0–10,000)", title_justify="left")
    groups = [t for t in a.diversity.tables if t.kind is None]
    scopes = list(dict.fromkeys(t.scope for t in groups))
    table.add_column("group")
    for scope in scopes:
        table.add_column(scope, justify="right")
    keyed = {(t.group, t.weight, t.scope): t for t in groups}
    for group, weight in dict.fromkeys((t.group, t.weight) for t in groups):
        cells = []
        for scope in scopes:
            t = keyed.get((group, weight, scope))
            cells.append("·" if t is None else f"{t.hhi:,.0f} ({t.suppliers})")
        table.add_row(f"{group} by {weight}", *cells)
    console.print(table)
    lines = [d.text for d in a.diversity.single_supplier]
    lines += [c.text for c in a.diversity.national_concentration]
    for line in lines:
        console.print(f"  • {line}", markup=False)


def _register(a: Assessment) -> None:
    entries = a.risk_register.entries
    scopes = list(dict.fromkeys(e.scope for e in entries))
    table = Table(title="Risk register: level → residual", title_justify="left")
    table.add_column("risk")
    for scope in scopes:
        table.add_column(scope)
    keyed = {(e.risk, e.scope): e for e in entries}
    for risk in dict.fromkeys(e.risk for e in entries):
        cells = []
        for scope in scopes:
            e = keyed[(risk, scope)]
            mark = "*" if e.likelihood.override or e.impact.override else ""
            cells.append(f"{_level(e.level.value)}{mark} → {_level(e.residual.value)}")
        table.add_row(risk, *cells)
    table.caption = "* an analyst's override in the model"
    console.print(table)


def _gaps(a: Assessment, limit: int = 8) -> None:
    missing = a.gaps.missing
    table = Table(
        title=f"Missing measures, highest risks first ({len(missing)} in all)",
        title_justify="left",
    )
    for column in ("measure", "scope", "status", "called for by", "highest risk"):
        table.add_column(column, overflow="fold")
    for m in missing[:limit]:
        table.add_row(
            f"{m.measure} {m.title[:48]}",
            m.scope,
            m.status,
            ", ".join(m.risks),
            _level(m.highest_risk.value),
        )
    console.print(table)
