"""The comparison of two assessments as HTML: a section of the report (``assess
--previous``) or a page of its own (``fiveguard compare --out``), with the phase-out
timeline as inline SVG."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from fiveguard import __version__
from fiveguard.compare.results import Comparison
from fiveguard.report import charts


def comparison_context(c: Comparison) -> dict[str, Any]:
    """What the changes section reads: the comparison and its timeline."""
    return {"c": c, "timeline": timeline(c)}


def timeline(c: Comparison) -> Markup:
    """The phase-out timeline chart of a comparison."""
    title = "Phase-out: what is left to remove, and the deadlines"
    return charts.phase_out_timeline(c.phase_out, c.old.as_of, c.new.as_of, title)


def render_comparison(c: Comparison, *, paged: bool = False) -> str:
    """The comparison as a page of its own."""
    from fiveguard.report.render import _environment

    template = _environment().get_template("compare.html.j2")
    return template.render(**comparison_context(c), version=__version__, paged=paged)
