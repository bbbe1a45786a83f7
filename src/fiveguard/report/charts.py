"""Charts as inline SVG, drawn in Python: no script, no external resource, prints as drawn.

Every chart carries its numbers as text too (labels, titles), so it reads without colour
and a screen reader can follow it; colours come from a palette that stays distinguishable
for the common forms of colour blindness (Okabe and Ito, 2008).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from fiveguard.assess.results import RegisterEntry, ShareTable

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
) -> Markup:
    """One horizontal 100 % bar per scope (national first), split by supplier share of the
    attributed quantity; the label gives the HHI, the suppliers and the share naming no
    product; a scope where nothing names a product gets a dashed empty bar."""
    label_w, right_w, bar_h, gap = 110, 230, 22, 10
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
            f'text-anchor="end">{_t(table.scope)}</text>'
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
