"""The Monte Carlo's per-service, time and partial-service figures as the assessment's
simulation summary gives them: read from the simulation's :class:`SimulationResult`,
rounded to two significant digits (a thousand simulated years do not know a mean to
the person), each explained.
"""

from __future__ import annotations

import math

from fiveguard.assess.results import (
    ExceedancePoint,
    PartialServiceSummary,
    ReportingSummary,
    RoundedSpread,
    ServiceSummary,
    TimeSummary,
)
from fiveguard.domain.catalogue import Catalogue
from fiveguard.simulate.results import (
    Distribution,
    SimulatedPartialService,
    SimulatedTime,
    SimulationResult,
    Spread,
)

__all__ = ["partial_summary", "service_summaries", "significant", "time_summary"]

TIME_NOTE = (
    "Each sampled event is one incident: its people without service alone, for its drawn "
    "restoration time (simulation.incident_time.restoration; a power loss its own hours) "
    "plus the catalogue's extensions, and a signalling storm's recovery hours when the "
    "event starts one; user-hours are people times hours (a power loss counts each site "
    "from when its battery ran out, a storm's losses its recovery hours only), added over "
    "the year's incidents. Reports count the incidents crossing each reporting threshold (at "
    "an operator threshold, each operator whose customers cross it). Figures to two "
    "significant digits."
)


def significant(value: float, digits: int = 2) -> float:
    """``value`` to ``digits`` significant digits: 1,329,974 → 1,300,000; 0.0959 → 0.096."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def _rounded(s: Spread | Distribution) -> RoundedSpread:
    return RoundedSpread(
        mean=significant(s.mean),
        p50=significant(s.p50),
        p95=significant(s.p95),
        p99=significant(s.p99),
        max=significant(s.max),
    )


def _service_meaning(name: str, title: str, emergency: bool) -> str:
    rule = f"simulation.services.services.{name}"
    if emergency:
        return (
            f"people unable to reach emergency services in a simulated year ({rule}): their "
            "radio stopped broadcasting with no other operator's network in their region, "
            "or attached to a radio whose core is down, or every asset of one pool the "
            "service needs down at their operator"
        )
    return (
        f"people losing {title} in a simulated year ({rule}): without service, or every "
        "asset of one pool the service needs down at their operator"
    )


def service_summaries(
    result: SimulationResult, catalogue: Catalogue | None = None
) -> tuple[ServiceSummary, ...]:
    """People losing each service per year, rounded, with what each counts."""
    rules = catalogue.simulation.services if catalogue is not None else None
    out = []
    for name, d in result.service_distributions.items():
        rule = rules.services.get(name) if rules is not None else None
        title = rule.title if rule is not None else name
        emergency = rule is not None and rule.any_network
        out.append(
            ServiceSummary(
                service=name,
                title=title,
                emergency=emergency,
                per_year=_rounded(d),
                exceedance=tuple(
                    ExceedancePoint(people=e.threshold, probability=significant(e.probability))
                    for e in d.exceedance
                ),
                meaning=_service_meaning(name, title, emergency),
            )
        )
    return tuple(out)


def time_summary(time: SimulatedTime | None) -> TimeSummary | None:
    """User-hours, durations and reports per year, rounded; ``None`` without them."""
    if time is None:
        return None
    return TimeSummary(
        user_hours=_rounded(time.user_hours),
        user_hours_by_operator={o: _rounded(s) for o, s in time.user_hours_by_operator.items()},
        incidents=_rounded(time.incidents),
        worst_outage_hours=_rounded(time.worst_outage_hours),
        longest_outage_hours=_rounded(time.longest_outage_hours),
        reporting=tuple(
            ReportingSummary(
                threshold=r.threshold,
                authority=r.authority,
                per=r.per,
                reports=_rounded(r.reports),
                probability=significant(r.probability),
            )
            for r in time.reporting
        ),
        note=TIME_NOTE,
    )


def partial_summary(partial: SimulatedPartialService | None) -> PartialServiceSummary | None:
    """People losing service in part over the years, rounded; ``None`` when none did."""
    if partial is None:
        return None
    return PartialServiceSummary(
        mean_people=significant(partial.mean_people),
        years=significant(partial.years),
        storm_probability={o: significant(p) for o, p in partial.storm_probability.items()},
    )
