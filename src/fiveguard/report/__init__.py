"""Reports of an assessment: a self-contained HTML page with inline SVG charts."""

from __future__ import annotations

from fiveguard.report.render import ReportTable, SimulationSection, render_report

__all__ = ["ReportTable", "SimulationSection", "render_report"]
