"""``fiveguard catalog …``: show the reference catalogue, as tables or as JSON.

Every command reads the packaged catalogue merged with the user's ``--catalog`` file, so
what it shows is what an assessment would use. ``--json`` prints the same sections in the
shape of a catalogue file, so the output can be edited and given back as an override.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fiveguard.cli.app import app, console
from fiveguard.cli.common import catalogue as _catalogue
from fiveguard.cli.terminal import escape_controls
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import (
    Catalogue,
    ExcludeRule,
    MeasureCategory,
    NationalMeasure,
    PolicyRule,
    RestrictionPolicy,
)
from fiveguard.domain.errors import COMMAND_LINE, InputError

catalog_app = typer.Typer(
    name="catalog",
    help=(
        "Show the reference catalogue: asset kinds, the EU toolbox, policies, controls.\n\n"
        "Example: `fiveguard catalog kinds --json`"
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(catalog_app, name="catalog")

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON (the catalogue file's shape) instead of a table.")
]


def _print_json(payload: Any) -> None:
    # plain stdout, not Rich: no wrapping, colour or markup in machine-readable output
    typer.echo(escape_controls(json.dumps(payload, indent=2, ensure_ascii=False)))


def _sections(catalogue: Catalogue, *names: str) -> dict[str, Any]:
    return catalogue.model_dump(mode="json", include=set(names))


def _join(items: Iterable[str]) -> str:
    return escape(", ".join(items)) or "—"


def _e(text: str) -> str:
    """Catalogue text as literal table content: a '[' in it is not Rich markup."""
    return escape(text)


# ---------------------------------------------------------------------------- commands


@catalog_app.command("kinds")
def kinds(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Asset kinds: domain, default criticality, SCAS specification and tags.

    Example: `fiveguard catalog kinds --json`
    """
    catalogue = _catalogue(ctx)
    if as_json:
        _print_json(_sections(catalogue, "asset_kinds", "scas_general", "scas_virtualised"))
        return
    caption = f"{catalogue.scas_general} (general SCAS) applies to every kind"
    if catalogue.scas_virtualised:
        caption += f"; {catalogue.scas_virtualised} in addition to any product deployed virtualised"
    table = Table(title="Asset kinds", caption=_e(caption + "."))
    table.add_column("Kind", no_wrap=True)
    for column in ("Title", "Domain", "Gen.", "Criticality", "SCAS", "Tags"):
        table.add_column(column)
    for kind in catalogue.asset_kinds.values():
        table.add_row(
            kind.id,
            _e(kind.title),
            kind.domain.value,
            kind.generation,
            kind.criticality.value,
            _join(kind.scas),
            _join(kind.tags),
        )
    console.print(table)


@catalog_app.command("risks")
def risks(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Risk areas and risks R1–R9, with the measures each calls for (editorial default).

    Example: `fiveguard catalog risks --json`
    """
    catalogue = _catalogue(ctx)
    if as_json:
        _print_json(_sections(catalogue, "risk_areas", "risks", "risk_measures"))
        return
    table = Table(
        title="EU coordinated risk assessment: risks R1–R9 by risk area",
        caption=(
            "Area ids are fiveguard's names for the assessment's families of risk scenarios. "
            f"Measures column: {_e(catalogue.risk_measures.provenance)}"
        ),
    )
    for column in ("Area", "Risk", "Title", "Measures (editorial default)"):
        table.add_column(column)
    for area in catalogue.risk_areas.values():
        table.add_row(area.id, "", f"[bold]{_e(area.title)}[/bold]", "")
        for risk_id in area.risks:
            risk = catalogue.risks.get(risk_id)
            linked = catalogue.risk_measures.links.get(risk_id, ())
            table.add_row("", risk_id, _e(risk.title) if risk else "?", _join(linked))
        table.add_section()
    console.print(table)


@catalog_app.command("measures")
def measures(
    ctx: typer.Context,
    category: Annotated[
        MeasureCategory | None,
        typer.Option("--category", help="Only strategic, technical or supporting measures."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Toolbox measures SM01–SM08, TM01–TM11 and supporting actions SA01–SA10.

    Example: `fiveguard catalog measures --category technical --json`
    """
    catalogue = _catalogue(ctx)
    chosen = {
        key: measure
        for key, measure in catalogue.measures.items()
        if category is None or measure.category is category
    }
    if as_json:
        _print_json({"measures": {k: m.model_dump(mode="json") for k, m in chosen.items()}})
        return
    risks_of: dict[str, list[str]] = {}
    for risk_id, measure_ids in catalogue.risk_measures.links.items():
        for measure_id in measure_ids:
            risks_of.setdefault(measure_id, []).append(risk_id)
    table = Table(
        title="EU toolbox measures",
        caption="Risks column: fiveguard's editorial default links, not the toolbox's annex.",
    )
    for column in ("Measure", "Category", "Title", "Risks"):
        table.add_column(column)
    for measure in chosen.values():
        table.add_row(
            measure.id,
            measure.category.value,
            _e(measure.title),
            _join(risks_of.get(measure.id, [])),
        )
    console.print(table)


@catalog_app.command("timeline")
def timeline(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """The EU's steps on 5G security by date: decisions, reports, proposals, with sources.

    Example: `fiveguard catalog timeline --json`
    """
    catalogue = _catalogue(ctx)
    if as_json:
        _print_json(_sections(catalogue, "eu_timeline"))
        return
    table = Table(title="EU coordinated approach to 5G security: timeline")
    table.add_column("Date", no_wrap=True)
    for column in ("Step", "Status", "What it says", "Source"):
        table.add_column(column)
    for step in sorted(catalogue.eu_timeline.values(), key=lambda m: (m.date, m.id)):
        table.add_row(
            str(step.date), _e(step.title), step.status, _e(step.summary), _e(step.source)
        )
    console.print(table)


@catalog_app.command("policies")
def policies(
    ctx: typer.Context,
    policy_id: Annotated[
        str | None,
        typer.Argument(metavar="[POLICY]", help="Show only this preset, e.g. UK-2020-01."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Restriction-policy presets modelled on national decisions: rules, deadlines, sources.

    Example: `fiveguard catalog policies UK-2020-01 --json`
    """
    catalogue = _catalogue(ctx)
    chosen = catalogue.policies
    if policy_id is not None:
        if policy_id not in chosen:
            raise InputError.at(
                f"unknown policy {policy_id!r}; presets: {', '.join(chosen)}", COMMAND_LINE
            )
        chosen = {policy_id: chosen[policy_id]}
    if as_json:
        _print_json({"policies": {k: p.model_dump(mode="json") for k, p in chosen.items()}})
        return
    for policy in chosen.values():
        console.print(_policy_table(policy))


def _policy_table(policy: RestrictionPolicy) -> Table:
    table = Table(title=_e(f"{policy.id}: {policy.title}"), show_header=False, title_justify="left")
    table.add_column("Field", style="bold", no_wrap=True)
    table.add_column("Value")
    when = " · ".join(x for x in (policy.country, str(policy.date or "")) if x)
    table.add_row("Country, date", when or "—")
    if policy.status == "proposal":
        table.add_row("Status", PROPOSAL_WORDS)
    table.add_row("Source", _e(policy.source))
    if policy.modelled_on:
        table.add_row("Modelled on", _e(policy.modelled_on))
    for rule in policy.rules:
        table.add_row(f"Rule {rule.id}", f"{_e(rule_in_words(rule))}\n[dim]{_e(rule.text)}[/dim]")
    table.add_row("Not modelled", "\n".join(f"• {_e(item)}" for item in policy.not_modelled) or "—")
    return table


PROPOSAL_WORDS = "a proposal, not adopted: in force nowhere; it may change before adoption"


def _profile(level: Level) -> str:
    above = [lv.value for lv in Level if lv.rank >= level.rank]
    return " or ".join(above)


def _targets(rule: PolicyRule) -> str:
    targets = rule.targets
    grouped = []
    if targets.domains:
        noun = "domain" if len(targets.domains) == 1 else "domains"
        grouped.append(f"the {', '.join(d.value for d in targets.domains)} {noun}")
    if targets.tags:
        grouped.append("assets tagged " + ", ".join(targets.tags))
    group = "every asset" if targets.all_assets else "; ".join(grouped)
    if group and targets.generations:
        group += f", among kinds of generation {' or '.join(targets.generations)}"
    parts = [group] if group else []
    if targets.kinds:
        parts.append(("and " if parts else "") + "kinds " + ", ".join(targets.kinds))
    return "; ".join(parts) or "nothing"


def rule_in_words(rule: PolicyRule) -> str:
    """A restriction rule as one sentence built from its fields (not its free text)."""
    who = f"suppliers profiled {_profile(rule.min_profile)}"
    if isinstance(rule, ExcludeRule):
        words = f"Exclude {who} from {_targets(rule)}"
        if rule.sensitive_sites_only:
            words += ", at sensitive sites only"
        if rule.purchased_after is not None:
            words += f", for equipment bought after {rule.purchased_after}"
        if rule.installed_after is not None:
            words += f", for equipment put in service after {rule.installed_after}"
    else:
        basis = "sites" if rule.measure == "sites" else "population served"
        scope = "per operator" if rule.per == "operator" else "nationally"
        words = f"Cap {who} at {rule.max_share:.0%} of {_targets(rule)} (share of {basis}, {scope})"
    if rule.deadline is not None:
        words += f"; deadline {rule.deadline} (in transition until then)"
    elif rule.deadline_after is not None:
        words += f"; deadline {rule.deadline_after.words()} (not yet dated: in transition)"
    else:
        words += "; no deadline (in force at once)"
    return words + "."


@catalog_app.command("national")
def national(
    ctx: typer.Context,
    chosen_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[MEASURE|COUNTRY]",
            help="Show only this measure (e.g. CA-2022-05) or this country's (e.g. GB).",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """What states adopted about high-risk suppliers: legal basis, date, scope, deadlines,
    the preset modelled on each, and the public sources.

    Example: `fiveguard catalog national GB --json`
    """
    catalogue = _catalogue(ctx)
    measures = catalogue.national_measures
    if chosen_id is not None:
        picked = {k: m for k, m in measures.items() if chosen_id in (k, m.country)}
        if not picked:
            countries = sorted({m.country for m in measures.values()})
            raise InputError.at(
                f"no national measure {chosen_id!r}; measures: {', '.join(measures)}; "
                f"countries: {', '.join(countries)}",
                COMMAND_LINE,
            )
        measures = picked
    ordered = sorted(measures.values(), key=lambda m: (m.date, m.id))
    if as_json:
        _print_json({"national_measures": {m.id: m.model_dump(mode="json") for m in ordered}})
        return
    for measure in ordered:
        console.print(_measure_table(measure))


def _measure_table(measure: NationalMeasure) -> Table:
    table = Table(
        title=_e(f"{measure.id}: {measure.title}"), show_header=False, title_justify="left"
    )
    table.add_column("Field", style="bold", no_wrap=True)
    table.add_column("Value", overflow="fold")  # a source's address is shown whole
    table.add_row("Country, date", f"{measure.country} · {measure.date}")
    table.add_row("Instrument", measure.instrument)
    table.add_row("Legal basis", _e(measure.legal_basis))
    table.add_row("Scope", _e(measure.scope))
    table.add_row(
        "Deadlines",
        "\n".join(f"{d.date}: {_e(d.what)}" for d in measure.deadlines) or "none reported",
    )
    table.add_row("Preset", _e(measure.preset or "none (see notes)"))
    if measure.notes:
        table.add_row("Notes", "\n".join(f"• {_e(note)}" for note in measure.notes))
    table.add_row(
        "Sources", "\n".join(f"{_e(s.title)}\n  [dim]{_e(s.url)}[/dim]" for s in measure.sources)
    )
    return table


@catalog_app.command("controls")
def controls(
    ctx: typer.Context,
    domain: Annotated[
        str | None, typer.Option("--domain", help="List the requirements of one domain, e.g. D3.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The ENISA 5G security controls matrix: domains, objectives and requirements.

    Example: `fiveguard catalog controls --domain D3`
    """
    catalogue = _catalogue(ctx)
    matrix = catalogue.controls
    if domain is None:
        if as_json:
            _print_json(_sections(catalogue, "controls"))
            return
        table = Table(title="ENISA 5G security controls matrix", caption=_e(matrix.source))
        for column in ("Domain", "Name", "Objectives", "Requirements"):
            table.add_column(column)
        for item in matrix.domains:
            count = sum(len(o.requirements) for o in item.objectives)
            table.add_row(item.id, _e(item.name), str(len(item.objectives)), str(count))
        console.print(table)
        return
    found = next((d for d in matrix.domains if d.id == domain), None)
    if found is None:
        known = ", ".join(d.id for d in matrix.domains)
        raise typer.BadParameter(
            f"unknown domain {domain!r}; domains: {known}", param_hint="--domain"
        )
    if as_json:
        _print_json(found.model_dump(mode="json"))
        return
    table = Table(title=_e(f"{found.id} {found.name}"), caption=_e(found.description))
    for column in ("Objective", "Requirement", "Text", "Measures"):
        table.add_column(column)
    for objective in found.objectives:
        table.add_row(objective.id, "", f"[bold]{_e(objective.name)}[/bold]", "")
        for requirement in objective.requirements:
            table.add_row("", requirement.id, _e(requirement.text), _join(requirement.measures))
        table.add_section()
    console.print(table)


@catalog_app.command("services")
def services(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """Critical services that assets can be marked as carrying.

    Example: `fiveguard catalog services --json`
    """
    catalogue = _catalogue(ctx)
    if as_json:
        _print_json(_sections(catalogue, "critical_services"))
        return
    table = Table(title="Critical services")
    table.add_column("Service")
    table.add_column("Title")
    for service in catalogue.critical_services.values():
        table.add_row(service.id, _e(service.title))
    console.print(table)


@catalog_app.command("criteria")
def criteria(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    """The EU criteria and factors a supplier's risk profile is scored on.

    Example: `fiveguard catalog criteria --json`
    """
    catalogue = _catalogue(ctx)
    if as_json:
        _print_json(_sections(catalogue, "supplier_criteria"))
        return
    found = catalogue.supplier_criteria
    table = Table(
        title="Supplier risk-profile criteria",
        caption=f"Scale: {', '.join(s.value for s in found.scale)}. Source: {_e(found.source)}",
    )
    for column in ("Criterion", "Factor (profile field)", "Factor"):
        table.add_column(column)
    for criterion in found.criteria:
        table.add_row(f"[bold]{criterion.id}[/bold]", "", _e(criterion.title))
        for factor in criterion.factors:
            table.add_row("", factor.id, _e(factor.title))
        table.add_section()
    console.print(table)
