"""The coordinated EU view as one self-contained HTML page: the national report's styles
and inline-SVG charts, no script, nothing loaded; the view's TLP label on every page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from fiveguard.assess.results import ShareTable, SupplierShare
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.coordination import Coordination, EuDomainShares, RiskRow
from fiveguard.report import charts
from fiveguard.report.render import _environment
from fiveguard.report.simulation import exceedance_chart

TLP_COLOURS = {
    Tlp.CLEAR: ("#ffffff", "#000000"),
    Tlp.GREEN: ("#33ff00", "#000000"),
    Tlp.AMBER: ("#ffc000", "#000000"),
    Tlp.AMBER_STRICT: ("#ffc000", "#000000"),
    Tlp.RED: ("#ff2b2b", "#000000"),
}
"""Label ink and background as FIRST's TLP 2.0 standard gives them (coloured text on black)."""

SECTIONS = (
    ("inputs", "Inputs and labels"),
    ("suppliers", "Supplier profiles across states"),
    ("risks", "Risks by state"),
    ("measures", "Toolbox measures by state"),
    ("shares", "EU-wide supplier shares"),
    ("common-mode", "Cross-border common mode"),
    ("federated", "Federated Monte Carlo"),
    ("method", "Method"),
)


def tlp_badge(label: Tlp | None) -> Markup:
    if label is None:
        return Markup('<span class="tlp tlp-none">withheld</span>')
    ink, back = TLP_COLOURS[label]
    return Markup('<span class="tlp" style="color:{};background:{}">{}</span>').format(
        ink, back, label.marking
    )


def render_coordination(
    view: Coordination, *, paged: bool = False, toc_pages: dict[str, int] | None = None
) -> str:
    """The coordinated view as HTML text; ``paged`` for a PDF (the label then goes in
    every page's header and footer, and a contents page lists the sections with
    ``toc_pages``, section heading → page)."""
    env = _environment()
    env.filters["tlp"] = tlp_badge
    template = env.get_template("coordination.html.j2")
    return template.render(**coordination_context(view), paged=paged, toc_pages=toc_pages or {})


def coordination_pdf(view: Coordination) -> bytes:
    """The coordinated view as PDF, the view's JSON attached (see :mod:`fiveguard.report.pdf`)."""
    from fiveguard.report.pdf import Attachment, render_pdf

    return render_pdf(
        lambda pages: render_coordination(view, paged=True, toc_pages=pages),
        [heading for _, heading in SECTIONS],
        marking=view.tlp.marking,
        title=f"Coordinated EU view of {len(view.countries)} member states",
        attachment=Attachment(
            "coordination.json", (view.model_dump_json(indent=2) + "\n").encode()
        ),
    )


def coordination_context(view: Coordination) -> dict[str, Any]:
    keys = [s.key for s in view.suppliers]
    for group in view.shares:
        keys += [s.key for s in group.shares if s.key not in keys]
    names = {s.key: s.name for s in view.suppliers}
    for group in view.shares:
        for share in group.shares:
            names.setdefault(share.key, share.name)
    colours = charts.supplier_colours(keys)
    return {
        "v": view,
        "sections": SECTIONS,
        "legend": charts.legend(colours, names),
        "share_charts": [_share_chart(g, colours) for g in view.shares],
        "heat": risk_grid(view.risk_matrix, [r.risk for r in view.risks]),
        "banner": TLP_COLOURS[view.tlp],
        "disagreements": sum(1 for s in view.suppliers for f in s.factors if f.disagreement),
        "federated_chart": (
            Markup(exceedance_chart(view.federated.exceedance_curve, view.federated.trials))
            if view.federated is not None
            else None
        ),
    }


def _share_chart(group: EuDomainShares, colours: dict[str, str]) -> dict[str, Any]:
    """One bar for the EU total (the per-state bars are in the states' own reports)."""
    table = ShareTable(
        group=group.group,
        title=group.title,
        kind=None,
        scope="EU",
        weight=group.weight,
        total=group.total,
        unattributed=0.0,
        unattributed_share=0.0,
        shares=tuple(
            SupplierShare(supplier=s.key, quantity=s.quantity, share=s.share) for s in group.shares
        ),
        suppliers=len(group.shares),
        hhi=group.hhi,
        band="no-attributed-supplier" if group.hhi is None else "moderate",
    )
    words = {"sites": "by radio sites", "population": "by people served", "assets": "by assets"}
    title = f"{group.title}, {words[group.weight]} ({len(group.states)} states)"
    return {"group": group, "title": title, "svg": charts.share_bars([table], colours, title)}


def risk_grid(rows: Sequence[RiskRow], risks: Sequence[str], cell: int = 44) -> Markup:
    """State × R1–R9 as an SVG grid: each cell coloured by the risk level and written in
    words, its residual level below; a withheld cell is hatched and says so."""
    left, top = 60, 30
    width = left + cell * len(risks) + 10
    height = top + cell * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" role="img" aria-label="risk level by state and risk" '
        f'style="{charts.FONT}">',
        "<title>Risk level (and residual) by member state and risk area</title>",
    ]
    for j, risk in enumerate(risks):
        parts.append(
            f'<text x="{left + j * cell + cell / 2}" y="{top - 10}" font-size="12" '
            f'font-weight="600" text-anchor="middle">{risk}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * cell
        parts.append(
            f'<text x="{left - 8}" y="{y + cell / 2 + 4}" font-size="12" text-anchor="end">'
            f"{charts._t(row.country)}</text>"
        )
        for j, c in enumerate(row.cells):
            x = left + j * cell
            if c.level is None:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="#eceff2" '
                    f'stroke="#ffffff" stroke-width="2"><title>{charts._t(row.country)} '
                    f"{c.risk}: withheld or not reported</title></rect>"
                    f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" font-size="10" '
                    'text-anchor="middle" fill="#5b6570">n/a</text>'
                )
                continue
            level = c.level.value
            residual = c.residual.value if c.residual else "?"
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'fill="{charts.LEVEL_FILL[level]}" stroke="#ffffff" stroke-width="2">'
                f"<title>{charts._t(row.country)} {c.risk}: {level}, residual {residual} "
                f"({c.tlp.marking if c.tlp else ''})</title></rect>"
                f'<text x="{x + cell / 2}" y="{y + cell / 2}" font-size="10" font-weight="600" '
                f'text-anchor="middle" fill="{charts.LEVEL_INK[level]}">{level[:3]}</text>'
                f'<text x="{x + cell / 2}" y="{y + cell / 2 + 12}" font-size="9" '
                f'text-anchor="middle" fill="{charts.LEVEL_INK[level]}">→{residual[:3]}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
