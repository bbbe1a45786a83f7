"""The figures of a fault's what-if as the assessment cites them: people losing each
service (emergency calls as people unable to reach emergency services), people losing
service in part, the outage's duration and user-hours, and each reporting threshold
crossed or not — every one read from the simulation's :class:`WhatIfResult`, none
re-derived, and each with a line saying what it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from fiveguard.assess.results import (
    Diversity,
    FaultFigure,
    FaultImpact,
    ServiceLoss,
    ThresholdCheck,
)
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import ReportingThreshold
from fiveguard.simulate import WhatIfResult
from fiveguard.simulate.results import IncidentTime, ServiceImpact

__all__ = [
    "checks_of",
    "cited_faults",
    "emergency_people",
    "fault_figures",
    "losses_of",
    "service_losses",
    "threshold_checks",
]

PEOPLE_MEANING = (
    "people whose access (radio or wireline) is down (on a shared radio site, also those "
    "whose own operator's core is), less those a roaming partner's radio still up in their "
    "region serves within its spare capacity (simulation.roaming)"
)
PARTIAL_MEANING = (
    "of the people without service, customers of served parts that stay up but carry only "
    "part of their load: a pool's surviving members short of capacity, or a signalling "
    "storm"
)


def service_losses(result: WhatIfResult, catalogue: Catalogue) -> tuple[ServiceLoss, ...]:
    """People losing each service in ``result``; none when the catalogue counts none."""
    return losses_of(result.people_without_service_by_service, catalogue)


def losses_of(services: ServiceImpact | None, catalogue: Catalogue) -> tuple[ServiceLoss, ...]:
    """People losing each service, from a what-if's (or one scenario's) per-service
    figures; none when the catalogue counts none."""
    rules = catalogue.simulation.services
    if services is None or rules is None:
        return ()
    notes = {step.parameter: step.note for step in services.derivation}
    return tuple(
        ServiceLoss(
            service=name,
            title=services.titles.get(name, name),
            emergency=name in rules.services and rules.services[name].any_network,
            people=people,
            by_operator={o: values.get(name, 0) for o, values in services.by_operator.items()},
            rule=notes.get(f"simulation.services.services.{name}", "").removeprefix(
                f"{services.titles.get(name, name)}: "
            ),
        )
        for name, people in services.national.items()
    )


def threshold_checks(result: WhatIfResult, catalogue: Catalogue) -> tuple[ThresholdCheck, ...]:
    """Each reporting threshold of the catalogue, crossed by ``result`` or not (unknown
    without a duration)."""
    return checks_of(result.time, catalogue)


def checks_of(time: IncidentTime | None, catalogue: Catalogue) -> tuple[ThresholdCheck, ...]:
    """Each reporting threshold of the catalogue, crossed in an outage of ``time`` or not
    (unknown without a duration)."""
    params = catalogue.simulation.incident_time
    if params is None:
        return ()
    return tuple(
        ThresholdCheck(
            threshold=t.id,
            authority=t.authority,
            per=t.per,
            crossed=None if time is None else any(c.threshold == t.id for c in time.reporting),
            crossings=tuple(c for c in time.reporting if c.threshold == t.id) if time else (),
        )
        for t in params.reporting_thresholds
    )


def emergency_people(fault: FaultImpact) -> int:
    """People unable to reach emergency services in the what-if (0 when not counted)."""
    return sum(s.people for s in fault.services if s.emergency)


def _service_label(loss: ServiceLoss) -> str:
    # the emergency title is already a phrase about people ("people unable to reach …")
    if loss.title.startswith("people "):
        return loss.title.removeprefix("people ")
    return f"without {loss.title}"


def _conditions(threshold: ReportingThreshold) -> str:
    """A threshold's conditions in words, without a user base (per national or operator)."""
    base = "the country's users" if threshold.per == "national" else "the operator's customers"
    words = []
    for c in threshold.conditions:
        parts = []
        if c.min_users is not None:
            parts.append(f"at least {c.min_users:,} people")
        if c.min_share is not None:
            parts.append(f"more than {c.min_share:.0%} of {base}")
        words.append(f"at least {c.min_hours:g} h and " + " or ".join(parts))
    return "; or ".join(words)


def _threshold_figure(check: ThresholdCheck, threshold: ReportingThreshold | None) -> FaultFigure:
    if check.crossed is None:
        value, why = "unknown", "the outage's duration is unknown"
    elif check.crossed:
        value = "yes, " + ", ".join(
            "nationally" if c.who == "national" else f"at {c.who}" for c in check.crossings
        )
        why = "; ".join(
            f"{'nationally' if c.who == 'national' else c.who}: {c.people:,} people of "
            f"{c.users:,} users, {c.condition}"
            for c in check.crossings
        )
    else:
        value = "no"
        why = "none of its conditions is met" + (
            f" ({_conditions(threshold)})" if threshold is not None else ""
        )
    return FaultFigure(
        label=f"reportable under {check.threshold}",
        value=value,
        meaning=f"{check.authority}: {why}",
    )


def fault_figures(
    fault: FaultImpact, result: WhatIfResult, catalogue: Catalogue
) -> tuple[FaultFigure, ...]:
    """Every figure of ``fault`` as printed, each with what it is."""
    figures = [
        FaultFigure(
            label="without service",
            value=f"{fault.people_without_service:,}",
            meaning=PEOPLE_MEANING,
        ),
        *(
            FaultFigure(label=_service_label(s), value=f"{s.people:,}", meaning=s.rule)
            for s in fault.services
        ),
    ]
    partial = fault.partial_service
    shares = (
        "; share of each operator's customers without service: "
        + ", ".join(f"{o} {share:.1%}" for o, share in partial.share_by_operator.items())
        if partial is not None
        else "; nobody in this outage"
    )
    storms = (
        f"; signalling storm at {', '.join(partial.storms)}"
        if partial is not None and partial.storms
        else ""
    )
    figures.append(
        FaultFigure(
            label="losing service in part",
            value=f"{partial.people if partial is not None else 0:,}",
            meaning=PARTIAL_MEANING + shares + storms,
        )
    )
    time = result.time
    if time is None:
        figures += [
            FaultFigure(
                label="duration",
                value="unknown",
                meaning="the catalogue gives no restoration time for the event "
                "(simulation.incident_time.restoration)",
            ),
            FaultFigure(
                label="user-hours", value="unknown", meaning="people without service times hours"
            ),
        ]
    else:
        figures += [
            FaultFigure(
                label="duration",
                value=f"{time.hours:g} h",
                meaning="the longest restoration time of its events; "
                + "; ".join(f"{s.parameter} = {s.value}: {s.note}" for s in time.basis),
            ),
            FaultFigure(
                label="user-hours",
                value=f"{time.user_hours:,.0f}",
                meaning="people without service times the hours",
            ),
        ]
    params = catalogue.simulation.incident_time
    rules = {t.id: t for t in (params.reporting_thresholds if params else ())}
    figures += [_threshold_figure(c, rules.get(c.threshold)) for c in fault.reporting]
    return tuple(figures)


def cited_faults(diversity: Diversity) -> tuple[FaultImpact, ...]:
    """Each distinct fault the diversity findings cite, in the order first cited."""
    cited: Iterable[FaultImpact | None] = (
        *(d.fault for d in diversity.single_supplier),
        *(c.fault for c in diversity.national_concentration),
        *(g.fault for g in diversity.common_mode),
    )
    seen: dict[str, FaultImpact] = {}
    for fault in cited:
        if fault is not None:
            seen.setdefault(fault.event, fault)
    return tuple(seen.values())
