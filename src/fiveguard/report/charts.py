"""Charts as inline SVG, drawn in Python: no script, no external resource, prints as drawn.

Every chart carries its numbers as text too (labels, titles), so it reads without colour
and a screen reader can follow it; colours come from a palette that stays distinguishable
for the common forms of colour blindness (Okabe and Ito, 2008).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from fiveguard.assess.results import RegisterEntry, ShareTable
from fiveguard.compare.results import PhaseOut

PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#7F7F7F",
    "#000000",
)
"""Okabe–Ito colours, then grey and black; suppliers beyond nine repeat with a hatch."""

MIN_LABELLED_WIDTH = 34  # px: a narrower bar segment has no room for "100%"
LEVEL_FILL = {"low": "#d9f0d3", "medium": "#fee8a8", "high": "#f4a6a0"}
LEVEL_INK = {"low": "#1b5e20", "medium": "#7a4f00", "high": "#8b1a1a"}
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


def _t(text: object) -> str:
    return escape(str(text), {'"': "&quot;"})


def supplier_colours(suppliers: Sequence[str]) -> dict[str, str]:
    """A fixed colour per supplier id, in model order, the same in every chart."""
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(suppliers)}


def share_bars(
    tables: Sequence[ShareTable],
    colours: Mapping[str, str],
    title: str,
    width: int = 720,
    labels: Sequence[str] | None = None,
    label_w: int = 110,
) -> Markup:
    """One horizontal 100 % bar per scope (national first), split by supplier share of the
    attributed quantity; the label gives the HHI, the suppliers and the share naming no
    product; a scope where nothing names a product gets a dashed empty bar. ``labels``
    replace the scope names on the left (the briefing puts one domain per bar)."""
    right_w, bar_h, gap = 230, 22, 10
    top = 28
    bar_w = width - label_w - right_w
    height = top + len(tables) * (bar_h + gap) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_t(title)}" style="{FONT};max-width:{width}px">',
        f"<title>{_t(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="600">{_t(title)}</text>',
    ]
    for row, table in enumerate(tables):
        y = top + row * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h / 2 + 4:.1f}" font-size="12" '
            f'text-anchor="end">{_t(labels[row] if labels else table.scope)}</text>'
        )
        x = float(label_w)
        if not table.shares:
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{bar_w}" height="{bar_h}" fill="#ffffff" '
                f'stroke="#7F7F7F" stroke-dasharray="4 3"><title>{_t(table.scope)}: no '
                f"asset names a product ({table.unattributed:,.0f} unattributed)</title></rect>"
                f'<text x="{x + bar_w / 2:.1f}" y="{y + bar_h / 2 + 4:.1f}" font-size="11" '
                f'text-anchor="middle" fill="#444444">no attributed supplier</text>'
            )
        for share in table.shares:
            w = share.share * bar_w
            colour = colours.get(share.supplier, "#999999")
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{bar_h}" '
                f'fill="{colour}" stroke="#ffffff" stroke-width="1">'
                f"<title>{_t(share.supplier)}: {share.share:.1%} "
                f"({share.quantity:,.0f})</title></rect>"
            )
            if w > MIN_LABELLED_WIDTH:
                ink = "#000000" if colour in ("#F0E442", "#E69F00", "#56B4E9") else "#ffffff"
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_h / 2 + 4:.1f}" font-size="11" '
                    f'text-anchor="middle" fill="{ink}">{share.share:.0%}</text>'
                )
            x += w
        index = "—" if table.hhi is None else f"{table.hhi:,.0f}"
        label = f"HHI {index} · {table.suppliers} supp."
        if table.unattributed:
            label += f" · {table.unattributed_share:.0%} no product"
        parts.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + bar_h / 2 + 4:.1f}" font-size="11">'
            f"{_t(label)}<title>{_t(_bar_note(table))}</title></text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar_note(table: ShareTable) -> str:
    index = "none (no asset names a product)" if table.hhi is None else f"{table.hhi:,.0f}"
    note = f"{table.scope}: HHI {index}, {table.suppliers} supplier(s)"
    if table.unattributed:
        note += (
            f"; {table.unattributed:,.0f} ({table.unattributed_share:.0%}) name no product "
            "and are not in the shares"
        )
    if table.shared_in:
        note += f"; {table.shared_in:,.0f} on assets other operators share with it"
    return note


def legend(colours: Mapping[str, str], names: Mapping[str, str]) -> Markup:
    """The supplier colour key, as HTML (wraps and prints well)."""
    items = "".join(
        f'<span class="key"><span class="swatch" style="background:{c}"></span>'
        f"{_t(names.get(s, s))}</span>"
        for s, c in colours.items()
    )
    return Markup(f'<div class="legend">{items}</div>')


def heat_map(
    entries: Sequence[RegisterEntry],
    matrix: Mapping[str, Mapping[str, str]],
    title: str,
    residual: bool = False,
    size: int = 300,
) -> Markup:
    """The risk matrix as a 3 × 3 grid, each risk written in the cell of its level.

    Likelihood rises upwards, impact to the right; cell colour is the matrix's level.
    ``residual`` places each risk at its residual likelihood instead.
    """
    levels = ("low", "medium", "high")
    margin_l, margin_b, top = 70, 44, 26
    cell = (size - margin_l) / 3
    height = top + 3 * cell + margin_b
    placed: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        likelihood = e.residual_likelihood if residual else e.likelihood.effective
        placed.setdefault((likelihood.value, e.impact.effective.value), []).append(e.risk)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height:.0f}" '
        f'width="{size}" role="img" aria-label="{_t(title)}" style="{FONT}">',
        f"<title>{_t(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="600">{_t(title)}</text>',
    ]
    for li, row in enumerate(levels):
        y = top + (2 - li) * cell
        parts.append(
            f'<text x="{margin_l - 6}" y="{y + cell / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end">{row}</text>'
        )
        for ii, impact in enumerate(levels):
            x = margin_l + ii * cell
            level = matrix[row][impact]
            risks = sorted(placed.get((row, impact), []), key=_risk_order)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell:.1f}" height="{cell:.1f}" '
                f'fill="{LEVEL_FILL[level]}" stroke="#ffffff" stroke-width="2">'
                f"<title>likelihood {row}, impact {impact}: {level}"
                f"{': ' + ', '.join(risks) if risks else ''}</title></rect>"
            )
            for line, chunk in enumerate(_chunks(risks, 3)):
                parts.append(
                    f'<text x="{x + cell / 2:.1f}" y="{y + 22 + line * 16:.1f}" font-size="12" '
                    f'font-weight="600" text-anchor="middle" fill="{LEVEL_INK[level]}">'
                    f"{_t(' '.join(chunk))}</text>"
                )
    for ii, impact in enumerate(levels):
        parts.append(
            f'<text x="{margin_l + ii * cell + cell / 2:.1f}" y="{top + 3 * cell + 16:.1f}" '
            f'font-size="11" text-anchor="middle">{impact}</text>'
        )
    parts.append(
        f'<text x="{margin_l + 1.5 * cell:.1f}" y="{top + 3 * cell + 34:.1f}" font-size="11" '
        'text-anchor="middle" font-style="italic">impact →</text>'
        f'<text x="12" y="{top + 1.5 * cell:.1f}" font-size="11" font-style="italic" '
        f'transform="rotate(-90 12 {top + 1.5 * cell:.1f})" text-anchor="middle">'
        "likelihood →</text></svg>"
    )
    return Markup("".join(parts))


def _risk_order(risk: str) -> tuple[int, str]:
    digits = "".join(ch for ch in risk if ch.isdigit())
    return (int(digits) if digits else 0, risk)


def _chunks(items: Sequence[str], n: int) -> list[Sequence[str]]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def risk_grid(
    entries: Sequence[RegisterEntry],
    scopes: Sequence[tuple[str, str]],
    title: str,
    width: int = 560,
) -> Markup:
    """R1–R9 down, scopes (national, then operators) across: each cell the residual level
    in its colour, with the level before measures when they lower it (``high → medium``)."""
    risks = sorted(dict.fromkeys(e.risk for e in entries), key=_risk_order)
    keyed = {(e.risk, e.scope): e for e in entries}
    label_w, top, row_h = 44, 44, 22
    col_w = (width - label_w) / max(len(scopes), 1)
    height = top + len(risks) * row_h + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_t(title)}" style="{FONT};max-width:{width}px">',
        f"<title>{_t(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="600">{_t(title)}</text>',
    ]
    for ci, (_, name) in enumerate(scopes):
        parts.append(
            f'<text x="{label_w + ci * col_w + col_w / 2:.1f}" y="{top - 8}" font-size="11" '
            f'text-anchor="middle">{_t(name)}</text>'
        )
    for ri, risk in enumerate(risks):
        y = top + ri * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end" font-weight="600">{_t(risk)}</text>'
        )
        for ci, (scope, name) in enumerate(scopes):
            x = label_w + ci * col_w
            e = keyed.get((risk, scope))
            if e is None:
                continue
            level, before = e.residual.value, e.level.value
            text = level if level == before else f"{before} → {level}"
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{col_w - 2:.1f}" height="{row_h - 2}" '
                f'fill="{LEVEL_FILL.get(level, "#e1dcef")}">'
                f"<title>{_t(f'{risk} {e.title}, {name}: {text}')}</title></rect>"
                f'<text x="{x + col_w / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="11" '
                f'text-anchor="middle" fill="{LEVEL_INK.get(level, "#45307a")}">{_t(text)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def region_map(
    regions: Sequence[tuple[str, Sequence[tuple[float, float]], float | None, str]],
    title: str,
    width: int = 460,
) -> Markup:
    """Regions drawn from their outlines, shaded by a share (0–1, white to dark red; none:
    hatched grey), each labelled with its share. ``regions``: name, outline, share, note."""
    xs = [x for _, outline, _, _ in regions for x, _ in outline]
    ys = [y for _, outline, _, _ in regions for _, y in outline]
    top, bottom, pad = 26, 30, 6
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    scale = (width - 2 * pad) / span_x
    plot_h = span_y * scale
    height = top + plot_h + bottom

    def point(x: float, y: float) -> str:
        return f"{pad + (x - min(xs)) * scale:.1f},{top + (max(ys) - y) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="{_t(title)}" style="{FONT};max-width:{width}px">',
        f"<title>{_t(title)}</title>",
        '<defs><pattern id="nodata" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#f4f6f8"/><path d="M0 6 L6 0" stroke="#c0c6cc"/>'
        "</pattern></defs>",
        f'<text x="0" y="16" font-size="13" font-weight="600">{_t(title)}</text>',
    ]
    for name, outline, share, note in regions:
        fill = "url(#nodata)" if share is None else _shade(share)
        label = "—" if share is None else f"{share:.0%}"
        cx = sum(x for x, _ in outline) / len(outline)
        cy = sum(y for _, y in outline) / len(outline)
        lx, ly = (float(v) for v in point(cx, cy).split(","))
        ink = "#ffffff" if share is not None and share > SHADE_INK_SWITCH else "#1d232b"
        parts.append(
            f'<polygon points="{" ".join(point(x, y) for x, y in outline)}" fill="{fill}" '
            f'stroke="#6b7580" stroke-width="1"><title>{_t(name)}: {_t(note)}</title></polygon>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="middle" '
            f'fill="{ink}">{_t(_short(name))}</text>'
            f'<text x="{lx:.1f}" y="{ly + 12:.1f}" font-size="11" font-weight="600" '
            f'text-anchor="middle" fill="{ink}">{label}</text>'
        )
    y = top + plot_h + 10
    for i in range(11):
        parts.append(
            f'<rect x="{pad + i * 16}" y="{y:.1f}" width="16" height="8" fill="{_shade(i / 10)}"/>'
        )
    parts.append(
        f'<text x="{pad}" y="{y + 20:.1f}" font-size="10">0%</text>'
        f'<text x="{pad + 176}" y="{y + 20:.1f}" font-size="10" text-anchor="end">100%</text>'
        f'<rect x="{pad + 196}" y="{y:.1f}" width="16" height="8" fill="url(#nodata)" '
        'stroke="#c0c6cc"/>'
        f'<text x="{pad + 216}" y="{y + 8:.1f}" font-size="10">no radio site</text></svg>'
    )
    return Markup("".join(parts))


SHADE_INK_SWITCH = 0.55
"""Above this share the region's fill is dark enough for white labels."""


def _shade(share: float) -> str:
    """Near white (0) to dark red (1), linearly in RGB."""
    low, high = (247, 247, 247), (165, 15, 21)
    r, g, b = (
        round(lo + (hi - lo) * min(max(share, 0.0), 1.0)) for lo, hi in zip(low, high, strict=True)
    )
    return f"#{r:02x}{g:02x}{b:02x}"


def _short(name: str, limit: int = 16) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def phase_out_timeline(
    lines: Sequence[PhaseOut], start: dt.date, end: dt.date, title: str, width: int = 720
) -> Markup:
    """Per policy finding found on the first date, what is left to remove as a share of
    what was there (100 % on the first date): solid between the two assessments, dashed
    on to where that pace reaches zero; each deadline a vertical mark in the line's colour."""
    shown = [p for p in lines if p.old_remaining > 0][: len(PALETTE)]
    left, right, top, bottom = 48, 16, 30, 54 + 14 * len(shown)
    height = 250 + 14 * len(shown)
    dates = [start, end]
    dates += [p.deadline for p in shown if p.deadline is not None]
    dates += [p.projected for p in shown if p.projected is not None]
    lo, hi = min(dates), max(dates)
    span = max((hi - lo).days, 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: dt.date) -> float:
        return left + (day - lo).days / span * plot_w

    def y(share: float) -> float:
        return top + (1 - min(max(share, 0.0), 1.25) / 1.25) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_t(title)}" style="{FONT};max-width:{width}px">',
        f"<title>{_t(title)}</title>",
        f'<text x="0" y="16" font-size="13" font-weight="600">{_t(title)}</text>',
    ]
    for share in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f'<line x1="{left}" y1="{y(share):.1f}" x2="{left + plot_w}" y2="{y(share):.1f}" '
            f'stroke="#e3e6ea"/><text x="{left - 6}" y="{y(share) + 4:.1f}" font-size="10" '
            f'text-anchor="end">{share:.0%}</text>'
        )
    for year in range(lo.year, hi.year + 2):
        tick = dt.date(year, 1, 1)
        if lo <= tick <= hi:
            parts.append(
                f'<line x1="{x(tick):.1f}" y1="{top + plot_h}" x2="{x(tick):.1f}" '
                f'y2="{top + plot_h + 4}" stroke="#5b6570"/><text x="{x(tick):.1f}" '
                f'y="{top + plot_h + 16}" font-size="10" text-anchor="middle">{year}</text>'
            )
    for when, label in ((start, "previous"), (end, "now")):
        parts.append(
            f'<line x1="{x(when):.1f}" y1="{top}" x2="{x(when):.1f}" y2="{top + plot_h}" '
            f'stroke="#16324f" stroke-dasharray="2 2"/><text x="{x(when) + 3:.1f}" '
            f'y="{top + 10}" font-size="10" fill="#16324f">{label}</text>'
        )
    for i, p in enumerate(shown):
        colour = PALETTE[i]
        now = p.new_remaining / p.old_remaining
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
            f'points="{x(start):.1f},{y(1):.1f} {x(end):.1f},{y(now):.1f}">'
            f"<title>{_t(p.text)}</title></polyline>"
        )
        if p.projected is not None:
            parts.append(
                f'<line x1="{x(end):.1f}" y1="{y(now):.1f}" x2="{x(p.projected):.1f}" '
                f'y2="{y(0):.1f}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            )
        if p.deadline is not None:
            parts.append(
                f'<line x1="{x(p.deadline):.1f}" y1="{top}" x2="{x(p.deadline):.1f}" '
                f'y2="{top + plot_h}" stroke="{colour}" stroke-width="1.5"/>'
                f'<text x="{x(p.deadline):.1f}" y="{top + plot_h + 28 + 10 * (i % 2)}" '
                f'font-size="9" text-anchor="middle" fill="{colour}">{p.deadline}</text>'
            )
        key_y = top + plot_h + 46 + 14 * i
        words = f"{p.rule}, {p.operator or 'national'}: {p.status}"
        parts.append(
            f'<rect x="{left}" y="{key_y - 8}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{left + 20}" y="{key_y - 3}" font-size="10">{_t(words)}</text>'
        )
    if not shown:
        parts.append(
            f'<text x="{left + 8}" y="{top + 24}" font-size="12">nothing to remove on the '
            "earlier date</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
