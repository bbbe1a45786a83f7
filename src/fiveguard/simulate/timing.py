"""How long a what-if outage lasts, its user-hours, and the reporting thresholds it crosses.

The duration is the longest median restoration time of the outage's events, from the
catalogue's ``simulation.incident_time.restoration`` (a power loss lasts the hours it is
given). Every person without service is taken to be without it for that long: user-hours
are people times hours, nationally, per operator and per region. A reporting threshold is
crossed when any of its conditions holds: the outage lasts at least ``min_hours`` and
reaches at least ``min_users`` people, or more than ``min_share`` of the user base (the
people subscribers of every operator nationally, or of the operator).

A signalling storm (:mod:`fiveguard.simulate.capacity`) lasts the storm rule's
``recovery_hours`` after that restoration, until load is shed: its hours are added to the
duration, and a storm alone lasts them.
"""

from __future__ import annotations

from collections.abc import Sequence

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import ReportingCondition, ReportingThreshold
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.results import Impact, IncidentTime, Step, ThresholdCrossing


def incident_time(
    model: NetworkModel,
    catalogue: Catalogue,
    events: Sequence[Event],
    impact: Impact,
    storms: Sequence[str] = (),
) -> IncidentTime | None:
    """The duration of ``events``' outage and what follows from it; None when the
    catalogue gives no time for any of them. ``storms``: the operators with a signalling
    storm in the outage, whose recovery hours are added."""
    params = catalogue.simulation.incident_time
    if params is None:
        return None
    basis: list[tuple[float, Step]] = []
    for event in events:
        if event.type is EventType.REGION_POWER and event.hours is not None:
            basis.append(
                (
                    event.hours,
                    Step(
                        parameter="--hours",
                        value=f"{event.hours:g} h",
                        note=f"{event}: the power loss's own duration",
                    ),
                )
            )
            continue
        time = params.restoration.get(event.type.value)
        if time is not None:
            basis.append(
                (
                    time.median_hours,
                    Step(
                        parameter=f"simulation.incident_time.restoration.{event.type.value}",
                        value=f"{time.median_hours:g} h",
                        note=f"{event}: median restoration time ({time.source})",
                    ),
                )
            )
    storm = _storm_step(catalogue, storms)
    if not basis and storm is None:
        return None
    hours = max((h for h, _ in basis), default=0.0)
    if storm is not None:
        hours += storm[0]
        basis.append(storm)
    people = {o.id: o.people_subscribers for o in model.document.operators}
    crossings: list[ThresholdCrossing] = []
    for threshold in params.reporting_thresholds:
        if threshold.per == "national":
            crossings += _crossed(
                threshold, "national", impact.people_without_service, sum(people.values()), hours
            )
        else:
            for operator, counts in impact.by_operator.items():
                crossings += _crossed(
                    threshold,
                    operator,
                    counts.people_without_service,
                    people.get(operator, 0),
                    hours,
                )
    return IncidentTime(
        hours=hours,
        basis=tuple(step for _, step in basis),
        user_hours=impact.people_without_service * hours,
        user_hours_by_operator={
            o: c.people_without_service * hours for o, c in impact.by_operator.items()
        },
        user_hours_by_region={
            r: c.people_without_service * hours for r, c in impact.by_region.items()
        },
        reporting=tuple(crossings),
    )  # fmt: skip


def _storm_step(catalogue: Catalogue, storms: Sequence[str]) -> tuple[float, Step] | None:
    """The storm's hours and the step saying so, when a storm happened."""
    rule = catalogue.simulation.storms
    if not storms or rule is None:
        return None
    return (
        rule.recovery_hours,
        Step(
            parameter="simulation.storms.recovery_hours",
            value=f"+{rule.recovery_hours:g} h",
            note=f"signalling storm at {', '.join(storms)}: added to the restoration time, "
            "until load is shed",
        ),
    )


def _crossed(
    threshold: ReportingThreshold, who: str, people: int, users: int, hours: float
) -> list[ThresholdCrossing]:
    """The crossing of ``threshold`` by ``people`` of ``users`` for ``hours``, if any."""
    for condition in threshold.conditions:
        if hours >= condition.min_hours and _reaches(condition, people, users):
            return [
                ThresholdCrossing(
                    threshold=threshold.id,
                    authority=threshold.authority,
                    who=who,
                    people=people,
                    users=users,
                    condition=_words(condition, users),
                )
            ]
    return []


def _reaches(condition: ReportingCondition, people: int, users: int) -> bool:
    if people <= 0:
        return False
    if condition.min_users is not None and people >= condition.min_users:
        return True
    share = condition.min_share
    return share is not None and users > 0 and people > share * users


def _words(condition: ReportingCondition, users: int) -> str:
    parts = []
    if condition.min_users is not None:
        parts.append(f"at least {condition.min_users:,} people")
    if condition.min_share is not None:
        parts.append(f"more than {condition.min_share:.0%} of {users:,} users")
    return f"at least {condition.min_hours:g} h and " + " or ".join(parts)
