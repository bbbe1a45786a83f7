"""The report's simulation section: worst single-supplier events, the Monte Carlo
distribution (nationally, at the catalogue's thresholds, by operator), the critical
services, the event sources contributing most, an exceedance chart (inline SVG) — the
figures ``fiveguard assess`` and ``fiveguard demo`` print — and the parameters used, each
beside what the incident record says of it."""

from __future__ import annotations

import math
from collections.abc import Sequence

from fiveguard.assess.results import ExceedancePoint
from fiveguard.catalog.parameters import ParameterRow
from fiveguard.report.charts import FONT, PALETTE, _t
from fiveguard.report.render import ReportTable, SimulationSection
from fiveguard.simulate.results import (
    IMPACT_LABELS,
    CurvePoint,
    Interval,
    ParameterUncertainty,
    SimulatedTime,
    SimulationResult,
    Spread,
    SupplierEvent,
)


def simulation_section(
    result: SimulationResult,
    worst: Sequence[SupplierEvent],
    top: int = 8,
    parameters: Sequence[ParameterRow] = (),
) -> SimulationSection:
    """The simulation part of the report, from a Monte Carlo result and supplier events;
    ``parameters`` (from :func:`fiveguard.catalog.parameters.parameter_rows`) adds the
    table of parameters and their provenance."""
    people = result.distributions.people_without_service
    summary = (
        f"{result.trials:,} simulated years (seed {result.seed}). In a typical year "
        f"{people.p50:,} people lose service at some point; in one year in twenty, "
        f"{people.p95:,} or more; in one in a hundred, {people.p99:,} or more "
        f"(mean {people.mean:,.0f}). The worst single-supplier event, "
        f"{worst[0].event if worst else 'none'}, would leave "
        f"{worst[0].impact.people_without_service if worst else 0:,} people without service."
    )
    return SimulationSection(
        title="Simulation",
        summary=summary,
        tables=(
            _worst_table(worst[:top]),
            _distribution_table(result),
            _threshold_table(result),
            _operator_table(result),
            *service_tables(result),
            _service_table(result),
            *((time_table(result.time),) if result.time is not None else ()),
            *((_partial_table(result),) if result.partial_service is not None else ()),
            _source_table(result, top),
            *((_parameter_table(parameters),) if parameters else ()),
            *(
                (uncertainty_table(result.parameter_uncertainty),)
                if result.parameter_uncertainty is not None
                else ()
            ),
        ),
        charts=(exceedance_chart(result.exceedance_curve, result.trials),),
        provenance=(
            ("trials", f"{result.trials:,} (one per year), seed {result.seed}"),
            ("parameters", result.parameters),
            *(
                (
                    (
                        "incident record",
                        "each parameter beside the record's posterior mean and interval: "
                        + "; ".join(sorted({row.source for row in parameters if row.record})),
                    ),
                )
                if parameters
                else ()
            ),
            ("engine", "fiveguard.simulate: bit-parallel propagation, events sampled by hits"),
        ),
    )


def rounded(value: float) -> str:
    """``value`` to two significant digits, without false precision: 1,329,974 → 1,300,000;
    0.0959 → 0.096."""
    if value == 0:
        return "0"
    digits = 1 - math.floor(math.log10(abs(value)))
    shown = round(value, digits)
    return f"{shown:,.0f}" if digits <= 0 else f"{shown:.{digits}f}"


def uncertainty_rows(u: ParameterUncertainty) -> list[tuple[str, str, str]]:
    """(figure, estimate, interval) for the people without service, rounded."""

    def row(label: str, i: Interval) -> tuple[str, str, str]:
        return label, rounded(i.estimate), f"{rounded(i.low)}–{rounded(i.high)}"

    rows = [
        row("mean people without service", u.people_mean),
        row("P95", u.people_p95),
        row("P99", u.people_p99),
    ]
    rows.extend(
        row(f"probability of at least {e.threshold:,}", e.probability) for e in u.people_exceedance
    )
    return rows


def uncertainty_note(u: ParameterUncertainty) -> str:
    """Which sources were drawn (with the record's rate and shape) and which held."""
    drawn = "; ".join(s.describe() for s in u.sources)
    reach = (
        ", and takes a product fault's reach from its Beta posterior (each deployment "
        "keeping its rate)"
        if any(s.alpha is not None for s in u.sources)
        else ""
    )
    return (
        f"{u.draws} draws of the rates, {u.trials_per_draw:,} simulated years each; each draw "
        "multiplies a source's probabilities, as a rate, by a gamma variate of mean 1 with "
        f"the incident record's posterior shape{reach}. "
        f"Drawn: {drawn or 'none'}. Held at their "
        f"values (the record says nothing of them): {', '.join(u.fixed) or 'none'}. "
        f"Intervals: {u.level:.0%} of the draws' figures; estimates pool every trial."
    )


TIME_COLUMNS = ("per year", "mean", "P50", "P95", "P99", "max")


def time_rows(time: SimulatedTime, significant: bool = False) -> list[tuple[str, ...]]:
    """Rows of the Monte Carlo's time figures: user-hours (national, per operator), the
    year's longest outage, incidents, and reports under each threshold; ``significant``
    writes every figure to two significant digits (the report's)."""

    def row(label: str, s: Spread, mean: str = ",.0f", rest: str = ",.0f") -> tuple[str, ...]:
        values = (s.mean, s.p50, s.p95, s.p99, s.max)
        if significant:
            return (label, *(rounded(v) for v in values))
        return (
            label,
            format(s.mean, mean),
            *(format(v, rest) for v in (s.p50, s.p95, s.p99, s.max)),
        )

    rows = [row("user-hours without service", time.user_hours)]
    rows += [row(f"user-hours, {o}", s) for o, s in time.user_hours_by_operator.items()]
    rows.append(row("duration of the worst outage (h)", time.worst_outage_hours, ",.1f", ",.1f"))
    rows.append(row("longest outage (h)", time.longest_outage_hours, ",.1f", ",.1f"))
    rows.append(row("incidents leaving people without service", time.incidents, ",.2f"))
    for r in time.reporting:
        where = "incidents" if r.per == "national" else "incident-operator pairs"
        probability = rounded(r.probability) if significant else f"{r.probability:.3g}"
        rows.append(
            row(f"reportable under {r.threshold} ({where}; P(≥1) {probability})",
                r.reports, ",.3g")
        )  # fmt: skip
    return rows


TIME_NOTE = (
    "Each sampled event is one incident: its people without service alone, for its drawn "
    "restoration time (simulation.incident_time.restoration, log-normal per kind; a power "
    "loss its own hours) plus the catalogue's extensions, and a signalling storm's "
    "recovery hours when the event starts one; user-hours are people times hours (a power "
    "loss counts each site from when its battery ran out, a storm's losses its recovery "
    "hours only), added over the year's incidents. Reports count the incidents crossing each "
    "reporting threshold (at an operator threshold, each operator whose customers cross "
    "it). The worst outage is the year's incident leaving most people without service; it "
    "and the longest are 0 in a year without one."
)


def time_table(time: SimulatedTime) -> ReportTable:
    return ReportTable(
        title="Duration, user-hours and reporting thresholds",
        columns=TIME_COLUMNS,
        rows=tuple(time_rows(time, significant=True)),
        note=TIME_NOTE + " Figures to two significant digits.",
    )


def uncertainty_table(u: ParameterUncertainty) -> ReportTable:
    return ReportTable(
        title=f"With the parameters' uncertainty ({u.level:.0%} intervals)",
        columns=("figure", "estimate", "interval"),
        rows=tuple(uncertainty_rows(u)),
        note=uncertainty_note(u),
    )


def _parameter_table(parameters: Sequence[ParameterRow]) -> ReportTable:
    return ReportTable(
        title="Parameters and the incident record",
        columns=("parameter", "value", "record (90 % interval)", "derivation", "source"),
        rows=tuple(
            (
                row.parameter.removeprefix("simulation."),
                row.value,
                row.record or "—",
                row.derivation,
                row.source,
            )
            for row in parameters
        ),
        note="Record: what the catalogue's incident record says of the parameter, as an "
        "annual probability at the posterior mean with its interval (`fiveguard catalog "
        "simulation --json` gives each derivation in full; docs/calibration.md explains it).",
    )


def _worst_table(worst: Sequence[SupplierEvent]) -> ReportTable:
    return ReportTable(
        title="Worst single-supplier events (what if it happened)",
        columns=("event", *(title for _, title in IMPACT_LABELS)),
        rows=tuple(
            (e.event, *(f"{getattr(e.impact, name):,}" for name, _ in IMPACT_LABELS)) for e in worst
        ),
        note="A supplier fault takes every asset on the supplier's products down; a "
        "malicious update compromises them (and takes them down in sabotage).",
    )


def _distribution_table(result: SimulationResult) -> ReportTable:
    rows = []
    for name, title in IMPACT_LABELS:
        d = getattr(result.distributions, name)
        rows.append(
            (title, f"{d.mean:,.0f}", f"{d.p50:,}", f"{d.p95:,}", f"{d.p99:,}", f"{d.max:,}")
        )
    return ReportTable(
        title="Per simulated year",
        columns=("impact", "mean", "P50", "P95", "P99", "max"),
        rows=tuple(rows),
    )


def _threshold_table(result: SimulationResult) -> ReportTable:
    exceedance = result.distributions.people_without_service.exceedance
    return ReportTable(
        title="Annual probability of at least N people without service",
        columns=("N", *(f"{e.threshold:,}" for e in exceedance)),
        rows=(("probability per year", *(f"{e.probability:.3g}" for e in exceedance)),),
        note="The share of simulated years reaching N; N are the catalogue's thresholds "
        "(simulation.exceedance.people).",
    )


SERVICE_NOTE = (
    "A customer loses a service when without service, or when every asset of one of the "
    "core kinds the service needs is down at its operator (simulation.services). "
    "Emergency: people unable to reach emergency services; a phone whose radio stops "
    "broadcasting calls on any other network in its region. Figures to two significant "
    "digits."
)


def service_tables(result: SimulationResult) -> tuple[ReportTable, ...]:
    """People losing each service per year, and the annual probability of at least N
    losing each, to two significant digits; none without per-service figures."""
    if not result.service_distributions:
        return ()
    return (_people_by_service_table(result), _service_threshold_table(result))


def _people_by_service_table(result: SimulationResult) -> ReportTable:
    rows = tuple(
        (name, *(rounded(v) for v in (d.mean, d.p50, d.p95, d.p99, d.max)))
        for name, d in result.service_distributions.items()
    )
    return ReportTable(
        title="People losing each service, per simulated year",
        columns=("service", "mean", "P50", "P95", "P99", "max"),
        rows=rows,
        note=SERVICE_NOTE,
    )


def _service_threshold_table(result: SimulationResult) -> ReportTable:
    services = result.service_distributions
    levels = next(iter(services.values())).exceedance
    return ReportTable(
        title="Annual probability of at least N people losing each service",
        columns=("service", *(f"N = {e.threshold:,}" for e in levels)),
        rows=tuple(
            (name, *(rounded(e.probability) for e in d.exceedance)) for name, d in services.items()
        ),
        note="The share of simulated years in which at least N people lose the service, at "
        "the catalogue's thresholds (simulation.exceedance.people), to two significant digits.",
    )


def _partial_table(result: SimulationResult) -> ReportTable:
    partial = result.partial_service
    assert partial is not None
    storms = [
        (f"annual probability of a signalling storm at {o}", rounded(p))
        for o, p in partial.storm_probability.items()
    ]
    return ReportTable(
        title="People losing service in part",
        columns=("figure", "value"),
        rows=(
            ("people without service in part, mean per year", rounded(partial.mean_people)),
            ("share of the years with anyone without service in part", rounded(partial.years)),
            *storms,
        ),
        note="Customers of served parts that stay up but carry only part of their load: a "
        "pool's surviving members short of capacity, or a signalling storm (simulation."
        "storms). They are in the people without service above too. Two significant digits.",
    )


def _operator_table(result: SimulationResult) -> ReportTable:
    rows = []
    for operator, ds in result.by_operator.items():
        d = ds.people_without_service
        rows.append(
            (operator, f"{d.mean:,.0f}", f"{d.p50:,}", f"{d.p95:,}", f"{d.p99:,}", f"{d.max:,}")
        )
    return ReportTable(
        title="People without service, by operator (its customers)",
        columns=("operator", "mean", "P50", "P95", "P99", "max"),
        rows=tuple(rows),
        note="Per simulated year. People are counted for the operator whose customers they "
        "are: a shared radio site's people are split between the operators sharing it by "
        "subscribers, and each part needs its own operator's core.",
    )


def _service_table(result: SimulationResult) -> ReportTable:
    shares = result.critical_service_shares
    threshold = next(iter(shares.values())).threshold if shares else None
    at_least = f"≥{threshold:.0%} per year" if threshold is not None else "≥ threshold per year"
    return ReportTable(
        title="Critical services",
        columns=(
            "service",
            "carrying assets",
            "any down or compromised per year",
            "mean share",
            "P95 share",
            "P99 share",
            at_least,
        ),
        rows=tuple(
            (
                service,
                f"{share.carrying_assets:,}",
                f"{result.critical_services.get(service, 0.0):.2g}",
                f"{share.mean:.2%}",
                f"{share.p95:.1%}",
                f"{share.p99:.1%}",
                f"{share.probability:.2g}",
            )
            for service, share in shares.items()
        ),
        note=(
            "Per service: the annual probability that any asset carrying it (listing it in "
            "critical_services) is down or compromised, the share of them that are per "
            "simulated year, and the annual probability that the share reaches the "
            "catalogue's simulation.critical_services.share_threshold."
            if shares
            else "No asset of the model carries a critical service."
        ),
    )


def _source_table(result: SimulationResult, top: int) -> ReportTable:
    ranked = sorted(result.events, key=lambda e: -e.expected_people_without_service)[:top]
    return ReportTable(
        title="Event sources contributing most",
        columns=("source", "annual probability", "worst case: people", "expected people/yr"),
        rows=tuple(
            (
                e.source + (f" (×{e.sources:,})" if e.sources > 1 else ""),
                f"{e.annual_probability:.3g}",
                f"{e.impact.people_without_service:,}",
                f"{e.expected_people_without_service:,.0f}",
            )
            for e in ranked
        ),
        note="Each source alone: its annual probability times the mean people without "
        "service when it happens. The JSON lists every source with its derivation.",
    )


def exceedance_chart(
    curve: Sequence[CurvePoint | ExceedancePoint], trials: int, width: int = 640
) -> str:
    """Annual probability of at least N people without service, on log-log axes."""
    title = "Annual probability that at least N people lose service"
    height, left, right, top, bottom = 300, 64, 16, 34, 44
    points = [p for p in curve if p.people > 0 and p.probability > 0]
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" style="{FONT}">'
        f"<title>{_t(title)}</title>"
        f"<desc>{_t('; '.join(f'{p.people:,} people: {p.probability:.3g}' for p in points))}</desc>"
        f'<text x="{left}" y="20" font-size="14" font-weight="600">{_t(title)}</text>'
    )
    if not points:
        return head + f'<text x="{left}" y="60" font-size="12">no year lost service</text></svg>'
    x_lo = math.floor(math.log10(points[0].people))
    x_hi = max(math.ceil(math.log10(points[-1].people)), x_lo + 1)
    # at least one decade down: with a single trial every probability is 1 (log 0)
    y_lo = min(
        math.floor(math.log10(1.0 / trials)),
        math.floor(math.log10(points[-1].probability)),
        -1,
    )
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(people: float) -> float:
        return left + (math.log10(people) - x_lo) / (x_hi - x_lo) * plot_w

    def y(probability: float) -> float:
        return top + (0 - math.log10(probability)) / (0 - y_lo) * plot_h

    parts = [head]
    for e in range(x_lo, x_hi + 1):
        parts.append(
            f'<line x1="{x(10**e):.1f}" y1="{top}" x2="{x(10**e):.1f}" y2="{top + plot_h}" '
            f'stroke="#ddd"/><text x="{x(10**e):.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle">{_t(_people(10**e))}</text>'
        )
    for e in range(y_lo, 1):
        parts.append(
            f'<line x1="{left}" y1="{y(10**e):.1f}" x2="{left + plot_w}" y2="{y(10**e):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(10**e) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{10**e:g}</text>'
        )
    steps = []
    for point in points:
        steps.append(f"{x(point.people):.1f},{y(point.probability):.1f}")
    parts.append(
        f'<polyline fill="none" stroke="{PALETTE[0]}" stroke-width="2" points="{" ".join(steps)}"/>'
    )
    parts.extend(
        f'<circle cx="{x(p.people):.1f}" cy="{y(p.probability):.1f}" r="2.5" fill="{PALETTE[0]}">'
        f"<title>{_t(f'{p.people:,} people or more: {p.probability:.3g} per year')}</title>"
        "</circle>"
        for p in points
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" font-size="11" '
        'text-anchor="middle">people without service (N, log scale)</text>'
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">probability per year (log)</text>'
        "</svg>"
    )
    return "".join(parts)


def _people(n: float) -> str:
    for size, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if n >= size:
            return f"{n / size:g}{unit}"
    return f"{n:g}"
