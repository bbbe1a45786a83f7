"""The HTML report: one self-contained file from an Assessment (and, later, simulation results).

The page needs no script and loads nothing: styles are inline, charts are inline SVG
drawn by :mod:`fiveguard.report.charts`. It reads top to bottom on screen and prints on
A4 with one section per page. Rendering is pure: text in, text out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from fiveguard.assess.context import NATIONAL, plural
from fiveguard.assess.fault_figures import cited_faults
from fiveguard.assess.results import Assessment, RegisterEntry, ShareTable, VersionAttention
from fiveguard.report import charts
from fiveguard.report.briefing import ATTENTION_FLOOR, SEVERITY_RANK, build_briefing
from fiveguard.report.regions import RegionDependency

if TYPE_CHECKING:
    from fiveguard.compare.results import Comparison

SECTIONS = (
    ("briefing", "Briefing"),
    ("summary", "Summary"),
    ("suppliers", "Supplier profiles"),
    ("assurance", "Assurance evidence"),
    ("violations", "Restriction policy"),
    ("diversity", "Supplier diversity"),
    ("register", "Risk register"),
    ("gaps", "Toolbox gap"),
    ("provenance", "Provenance"),
)
"""Section anchors and headings, in page order (the simulation goes before provenance)."""


@dataclass(frozen=True)
class ReportTable:
    """A plain table for a report section: a title, column names, rows of text."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str | None = None


@dataclass(frozen=True)
class SimulationSection:
    """What a simulation adds to the report, rendered only when one is given.

    The simulation package fills it: a summary paragraph, tables (e.g. people without
    service per scenario: mean, P95, P99), charts as SVG text it drew itself (trusted,
    inserted as they are) and provenance lines (trials, seed, engine).
    """

    title: str = "Simulation"
    summary: str = ""
    tables: tuple[ReportTable, ...] = ()
    charts: tuple[str, ...] = ()
    provenance: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("fiveguard.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = lambda v, digits=1: "—" if v is None else f"{v:.{digits}%}"
    env.filters["num"] = lambda v: "—" if v is None else f"{v:,.0f}"
    env.filters["level"] = _level_badge
    env.filters["count"] = lambda n, noun, many=None: plural(n, noun, many)
    env.filters["css_string"] = css_string
    return env


def css_string(text: str) -> Markup:
    """A CSS string literal of ``text``, safe inside a style element: every character but
    letters, digits and spaces is written as a hexadecimal escape (the space after each
    escape ends it and is not part of the string)."""
    body = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):06x} " for ch in text
    )
    return Markup(f'"{body}"')


def _level_badge(value: Any) -> Markup:
    text = getattr(value, "value", value)
    text = "—" if text is None else str(text)
    css = text if text in ("low", "medium", "high", "unknown") else "other"
    return Markup('<span class="lv lv-{}">{}</span>').format(css, text)


def render_report(
    assessment: Assessment,
    simulation: SimulationSection | None = None,
    *,
    paged: bool = False,
    regions: Sequence[RegionDependency] = (),
    comparison: Comparison | None = None,
    toc_pages: dict[str, int] | None = None,
) -> str:
    """The report as HTML text; ``paged`` for a PDF, whose page header and footer carry
    the marking (the page itself then does not repeat it); ``regions`` draw the
    briefing's map (see :func:`fiveguard.report.regions.region_dependency`);
    ``comparison`` with a previous assessment adds the changes section; ``toc_pages``
    (section heading → page) numbers the contents a paged report prints."""
    template = _environment().get_template("report.html.j2")
    context = report_context(assessment, simulation)
    context["briefing_charts"] = briefing_charts(assessment, context["colours"], regions)
    context["changes"] = None
    if comparison is not None:
        from fiveguard.report.comparison import comparison_context

        context["changes"] = comparison_context(comparison)
        context["sections"].insert(1, ("changes", f"Changes since {comparison.old.as_of}"))
    return template.render(**context, paged=paged, toc_pages=toc_pages or {})


def briefing_charts(
    assessment: Assessment,
    colours: dict[str, str],
    regions: Sequence[RegionDependency] = (),
) -> list[Markup]:
    """The briefing's charts: supplier shares per domain and residual risk per scope, then
    the region map (with outlines) and the exceedance curve (with a simulation)."""
    national = [t for t in assessment.diversity.tables if t.kind is None and t.scope == NATIONAL]
    per_group: dict[str, ShareTable] = {}
    for t in national:
        per_group.setdefault(t.group, t)
    rows = list(per_group.values())
    entries = assessment.risk_register.entries
    scopes = list(dict.fromkeys((e.scope, e.scope_name) for e in entries))
    out = [
        charts.share_bars(
            rows,
            colours,
            "Suppliers' shares per domain, nationally",
            labels=[f"{t.title.split(' (')[0]} ({t.weight})" for t in rows],
            label_w=330,
            width=820,
        ),
        charts.risk_grid(entries, scopes, "Residual risk R1–R9 (before → after measures)"),
    ]
    if regions:
        out.append(
            charts.region_map(
                [(r.name, r.outline, r.share, r.note) for r in regions],
                "People served on high-risk suppliers' radio, by region",
            )
        )
    if assessment.simulation is not None:
        from fiveguard.report.simulation import exceedance_chart

        sim = assessment.simulation
        out.append(Markup(exceedance_chart(sim.exceedance, sim.trials, width=560)))
    return out


def report_context(
    assessment: Assessment, simulation: SimulationSection | None = None
) -> dict[str, Any]:
    """What the template reads, with the charts already drawn."""
    suppliers = [s.id for s in assessment.suppliers]
    names = {s.id: s.name for s in assessment.suppliers}
    colours = charts.supplier_colours(suppliers)
    register = assessment.risk_register
    scopes = [NATIONAL, *[e.scope for e in register.entries if e.scope != NATIONAL]]
    scopes = list(dict.fromkeys(scopes))
    sections = list(SECTIONS)
    if assessment.labs is not None:
        sections.insert(
            sections.index(("assurance", "Assurance evidence")) + 1, ("labs", "Evaluation labs")
        )
    if simulation is not None:
        sections.insert(len(sections) - 1, ("simulation", simulation.title))
    briefing = build_briefing(assessment)
    return {
        "a": assessment,
        "assurance_groups": _assurance_groups(assessment),
        "briefing": briefing,
        "section_names": dict(sections),
        "colours": colours,
        "sections": sections,
        "names": names,
        "legend": charts.legend(colours, names),
        "diversity_charts": _diversity_charts(assessment.diversity.tables, colours),
        "kind_tables": _kind_tables(assessment.diversity.tables),
        "heat_maps": _heat_maps(register.entries, register.matrix, scopes, assessment),
        "register_by_risk": _by_risk(register.entries),
        "cited_faults": cited_faults(assessment.diversity),
        # RAN sharing: the what-ifs then count an operator's people differently (see notes)
        "shared": any(t.shared_in for t in assessment.diversity.tables),
        "simulation": simulation,
        "simulation_charts": [Markup(c) for c in simulation.charts] if simulation else [],
    }


def _diversity_charts(
    tables: Sequence[ShareTable], colours: dict[str, str]
) -> list[dict[str, Any]]:
    """One chart per (group, weight) across scopes: national first, then operators."""
    keyed: dict[tuple[str, str], list[ShareTable]] = {}
    titles: dict[tuple[str, str], str] = {}
    for table in tables:
        if table.kind is not None:
            continue
        key = (table.group, table.weight)
        keyed.setdefault(key, []).append(table)
        titles[key] = table.title
    words = {"sites": "by radio sites", "population": "by people served", "assets": "by assets"}
    return [
        {
            "group": group,
            "weight": weight,
            "title": f"{titles[(group, weight)]} — {words[weight]}",
            "svg": charts.share_bars(rows, colours, f"{titles[(group, weight)]}, {words[weight]}"),
            "tables": rows,
        }
        for (group, weight), rows in keyed.items()
    ]


def _kind_tables(tables: Sequence[ShareTable]) -> list[dict[str, Any]]:
    """Per asset kind of groups split by kind: who supplies it in each scope."""
    rows: dict[str, dict[str, str]] = {}
    scopes: list[str] = []
    for table in tables:
        if table.kind is None:
            continue
        if table.scope not in scopes:
            scopes.append(table.scope)
        rows.setdefault(table.kind, {})[table.scope] = (
            ", ".join(
                f"{s.supplier} {s.share:.0%}" if table.suppliers > 1 else s.supplier
                for s in table.shares
            )
            or "(no product)"
        )
    return [
        {"kind": kind, "cells": [cells.get(scope, "·") for scope in scopes], "scopes": scopes}
        for kind, cells in rows.items()
    ]


def _heat_maps(
    entries: Sequence[RegisterEntry],
    matrix: dict[str, dict[str, str]],
    scopes: Sequence[str],
    assessment: Assessment,
) -> list[dict[str, Any]]:
    names = {e.scope: e.scope_name for e in entries}
    out = []
    for scope in scopes:
        mine = [e for e in entries if e.scope == scope]
        out.append(
            {
                "scope": scope,
                "name": names.get(scope, scope),
                "inherent": charts.heat_map(mine, matrix, f"{names.get(scope, scope)}: risk"),
                "residual": charts.heat_map(
                    mine, matrix, f"{names.get(scope, scope)}: residual", residual=True
                ),
            }
        )
    return out


def _by_risk(entries: Sequence[RegisterEntry]) -> list[dict[str, Any]]:
    grouped: dict[str, list[RegisterEntry]] = {}
    for e in entries:
        grouped.setdefault(e.risk, []).append(e)
    return [
        {"risk": risk, "title": rows[0].title, "area": rows[0].area, "entries": rows}
        for risk, rows in grouped.items()
    ]


def _assurance_groups(assessment: Assessment) -> dict[str, Any]:
    """Versions with a real problem (a reason above the floor severity: failed evaluation,
    open critical or high findings, failed equivalence, vulnerable or unsupported
    components, as the catalogue grades them) first; the rest grouped by their reasons."""
    section = assessment.assurance
    floor = SEVERITY_RANK[ATTENTION_FLOOR]
    problems: list[VersionAttention] = []
    rest: dict[str, dict[str, Any]] = {}
    for v in section.versions:
        if any(SEVERITY_RANK[section.reason_severity[r].value] > floor for r in v.reasons):
            problems.append(v)
            continue
        reason = "; ".join(section.reasons.get(r, r) for r in v.reasons)
        group = rest.setdefault(
            reason, {"reason": reason, "versions": [], "deployed": 0, "at_risk": 0}
        )
        group["versions"].append(v.product)
        group["deployed"] += v.deployed_assets
        group["at_risk"] += v.assets_at_risk
    return {"problems": problems, "rest": list(rest.values())}


def report_pdf(
    assessment: Assessment,
    simulation: SimulationSection | None = None,
    *,
    regions: Sequence[RegionDependency] = (),
    comparison: Comparison | None = None,
) -> bytes:
    """The report as PDF (see :mod:`fiveguard.report.pdf`), the assessment JSON attached."""
    from fiveguard.report.pdf import Attachment, render_pdf

    sections = [heading for _, heading in report_context(assessment, simulation)["sections"]]
    if comparison is not None:
        sections.insert(1, f"Changes since {comparison.old.as_of}")
    m = assessment.metadata
    return render_pdf(
        lambda pages: render_report(
            assessment,
            simulation,
            paged=True,
            regions=regions,
            comparison=comparison,
            toc_pages=pages,
        ),
        sections,
        marking=m.marking.text,
        title=f"{m.model.name} — fiveguard assessment",
        attachment=Attachment(
            "assessment.json", (assessment.model_dump_json(indent=2) + "\n").encode()
        ),
    )
