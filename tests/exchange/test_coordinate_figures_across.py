"""Each figure of a cross-border fault across the states deploying it: median and range
over the states that report it, the others listed as not reported (never 0)."""

from __future__ import annotations

from fiveguard.exchange.coordinate_parts import figures_across
from fiveguard.exchange.summary import FaultLine, ServiceLine, WhatIfFigures


def line(people: int, sites: int, figures: WhatIfFigures | None) -> FaultLine:
    return FaultLine(
        event="supplier-fault:x",
        supplier="x",
        people_without_service=people,
        sites_down=sites,
        assets_down=sites,
        critical_services=(),
        figures=figures,
    )


def figures(emergency: int, partial: int, voice: int, hours: float | None) -> WhatIfFigures:
    return WhatIfFigures(
        services=(
            ServiceLine(service="voice", title="voice calls", emergency=False, people=voice),
            ServiceLine(
                service="emergency",
                title="people unable to reach emergency services",
                emergency=True,
                people=emergency,
            ),
        ),
        people_unable_to_reach_emergency=emergency,
        people_partial_service=partial,
        hours=hours,
        user_hours=None if hours is None else hours * 100,
        reporting=(),
    )


# XA and XC give the figures (XC without a duration); XB's summary predates them
STATES = [
    ("XA", line(100, 2, figures(emergency=40, partial=10, voice=90, hours=10.0))),
    ("XB", line(300, 5, None)),
    ("XC", line(200, 3, figures(emergency=80, partial=0, voice=150, hours=None))),
]


def test_medians_and_ranges_are_over_the_states_reporting_each_figure() -> None:
    across = {a.figure: a for a in figures_across(STATES)}
    got = {
        name: (a.median, a.lowest, a.highest, a.reported_by, a.not_reported)
        for name, a in across.items()
    }
    assert got == {
        # every summary gives these: median of 100, 300, 200
        "people_without_service": (200, 100, 300, 3, ()),
        "sites_down": (3, 2, 5, 3, ()),
        # XB gives none: the median of 40 and 80, not of 0, 40 and 80
        "people_unable_to_reach_emergency": (60, 40, 80, 2, ("XB",)),
        # XC's 0 is a figure it gives: counted
        "people_partial_service": (5, 0, 10, 2, ("XB",)),
        # XC gives no duration (unknown, not 0): XA's alone
        "hours": (10, 10, 10, 1, ("XB", "XC")),
        "user_hours": (1_000, 1_000, 1_000, 1, ("XB", "XC")),
        # the emergency service is not repeated as a service
        "service:voice": (120, 90, 150, 2, ("XB",)),
    }
    assert across["people_unable_to_reach_emergency"].values == {"XA": 40, "XC": 80}
    assert across["service:voice"].title == "people without voice calls"


def test_the_figures_in_words_say_how_many_states_report_them() -> None:
    across = {a.figure: a for a in figures_across(STATES)}
    assert across["people_unable_to_reach_emergency"].text() == (
        "people unable to reach emergency services: median 60, range 40–80, 2 of 3 states "
        "(not reported: XB)"
    )
    assert across["people_without_service"].text() == (
        "people without service: median 200, range 100–300, 3 of 3 states"
    )


def test_a_figure_no_state_reports_has_no_median() -> None:
    silent = [("XA", line(100, 2, None)), ("XB", line(300, 5, None))]
    emergency = next(
        a for a in figures_across(silent) if a.figure == "people_unable_to_reach_emergency"
    )
    assert (emergency.median, emergency.lowest, emergency.reported_by) == (None, None, 0)
    assert emergency.not_reported == ("XA", "XB")
    assert emergency.text() == (
        "people unable to reach emergency services: not reported by any of the 2 states"
    )
