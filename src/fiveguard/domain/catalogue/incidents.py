"""Types of the incident record: real outages, the exposure they are divided by, and the
rates and shares derived from them.

The record is data (``catalog/data/incidents.yaml``): each incident as reported (date,
country, operator, cause class, element and supplier where reported, users affected,
duration, source); each exposure (operator-years, deployed version-years …) with how it
is counted and its source; and each rate as a rule saying which incidents it counts,
against which exposure, under which prior. :mod:`fiveguard.catalog.rates` turns the rules
into posterior means and intervals.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, model_validator

from fiveguard.domain.base import CountryCode, Frozen, Identifier, Text

CauseClass = Literal[
    "product-fault", "change-error", "external-trigger", "power", "hardware", "malicious"
]
"""What started an outage: a defect in a supplier's product (software or certificate), a
change or configuration made by the operator, an event outside the operator (a peer's
change, a third party's link), loss of mains power, a hardware failure, a malicious act."""

CAUSE_CLASSES: tuple[CauseClass, ...] = (
    "product-fault",
    "change-error",
    "external-trigger",
    "power",
    "hardware",
    "malicious",
)

Scope = Literal["whole-operator", "partial"]
"""Whether the outage reached the operator's customers nationwide (``whole-operator``:
service lost or unusable for most of them, in every region) or only some of them."""

ExposureUnit = Literal[
    "operator-years",
    "deployed-version-years",
    "supplier-years",
    "country-years",
    "million-people-years",
]

EnisaCause = Literal[
    "system-failure", "human-error", "natural-phenomena", "malicious-action", "third-party-failure"
]
"""The root-cause categories of the EU's annual reports (third-party failure is a flag
the reports give beside the root cause, so its share overlaps the others)."""


class Incident(Frozen):
    """One real outage at one operator, as reported.

    Records of one event at several operators (a supplier's fault hitting operators in
    several countries) share an ``event`` id, so that a rate counting events counts it
    once. ``users_affected`` and ``duration_hours`` are what the source reports; ``None``
    means not reported, never zero.
    """

    id: Identifier
    date: dt.date
    country: CountryCode
    operator: Text
    cause: CauseClass
    cause_detail: Text
    element: Text | None = None
    supplier: Text | None = None
    event: Identifier | None = None
    scope: Scope
    users_affected: StrictInt | None = Field(default=None, ge=0)
    users_note: Text | None = None
    duration_hours: StrictFloat | None = Field(default=None, gt=0)
    duration_note: Text | None = None
    source: Text

    @property
    def event_id(self) -> str:
        """The event this record belongs to (its own id when it stands alone)."""
        return self.event if self.event is not None else self.id


class Exposure(Frozen):
    """A denominator: how much of something was observed over the record's window.

    ``judgement`` marks a value that rests on fiveguard's judgement rather than on a
    count from the source (for instance the number of separately versioned products an
    operator runs); it is shown beside the value wherever a rate uses it.
    """

    id: Identifier
    title: Text
    unit: ExposureUnit
    value: StrictFloat = Field(gt=0)
    basis: Text
    judgement: StrictBool = False
    source: Text


class GammaPrior(Frozen):
    """A gamma prior on an event rate: ``shape`` events seen in ``rate`` units of
    exposure before the record (Jeffreys' prior for a Poisson rate: shape 0.5, rate 0)."""

    name: Text
    shape: StrictFloat = Field(gt=0)
    rate: StrictFloat = Field(ge=0)


class BetaPrior(Frozen):
    """A beta prior on a share: ``alpha`` successes and ``beta`` failures seen before the
    record (Jeffreys' prior: 0.5 and 0.5)."""

    name: Text
    alpha: StrictFloat = Field(gt=0)
    beta: StrictFloat = Field(gt=0)


class IncidentSelection(Frozen):
    """Which incidents a rate counts: causes, countries and scopes it takes, and whether it
    counts events (one however many operators it hit) or operators hit."""

    causes: tuple[CauseClass, ...] = Field(min_length=1)
    countries: tuple[CountryCode, ...] = Field(min_length=1)
    scopes: tuple[Scope, ...] = Field(min_length=1)
    count_by: Literal["event", "operator"]


class ReportedCount(Frozen):
    """A count of events taken from a published aggregate rather than from the records
    (for instance a share of the incidents in one year of the EU's annual report)."""

    value: StrictFloat = Field(ge=0)
    basis: Text
    source: Text


class RateRule(Frozen):
    """An event rate derived from the record: the incidents ``select`` picks (or a
    ``reported`` count) divided by an exposure, under a gamma prior. ``informs`` names the
    simulation parameter the rate stands for, and ``relation`` says how the two correspond
    (they need not be the same quantity: an outage of a whole operator is not one element
    going down)."""

    id: Identifier
    title: Text
    informs: Text
    relation: Text
    select: IncidentSelection | None = None
    reported: ReportedCount | None = None
    exposure: Identifier
    prior: GammaPrior

    @model_validator(mode="after")
    def _one_count(self) -> RateRule:
        if (self.select is None) == (self.reported is None):
            raise ValueError("a rate gives either select (records) or reported (a count)")
        return self


class ShareRule(Frozen):
    """A share derived from the record: among the events ``of`` selects, those that
    reached more than one operator, under a beta prior."""

    id: Identifier
    title: Text
    informs: Text
    relation: Text
    of: IncidentSelection
    prior: BetaPrior


class EnisaYear(Frozen):
    """One year of the EU's annual report on telecom security incidents, as published:
    the figures used by the base-rate comparison. ``None``: not given in the source."""

    year: StrictInt = Field(ge=2012, le=2100)
    incidents: StrictInt | None = Field(default=None, ge=0)
    countries_reporting: StrictInt | None = Field(default=None, ge=0)
    user_hours_millions: StrictFloat | None = Field(default=None, ge=0)
    users_per_incident: StrictInt | None = Field(
        default=None, ge=0, description="Users affected per incident, as reported (a mean)."
    )
    population: Identifier | None = Field(
        default=None,
        description="Exposure (million-people-years) of the states reporting that year.",
    )
    cause_share_of_incidents: dict[EnisaCause, StrictFloat] = Field(default_factory=dict)
    cause_share_of_user_hours: dict[EnisaCause, StrictFloat] = Field(default_factory=dict)
    source: Text


class IncidentRecord(Frozen):
    """The whole record: incidents, exposures, the rates and shares derived from them."""

    source: Text
    window_start: dt.date
    window_end: dt.date
    completeness: Text
    interval: StrictFloat = Field(
        gt=0, lt=1, description="Probability mass of the intervals shown for every rate."
    )
    records: tuple[Incident, ...] = Field(min_length=1)
    exposures: dict[Identifier, Exposure]
    rates: dict[Identifier, RateRule]
    shares: dict[Identifier, ShareRule] = Field(default_factory=dict)
    enisa: tuple[EnisaYear, ...] = ()

    @model_validator(mode="after")
    def _window_in_order(self) -> IncidentRecord:
        if self.window_end < self.window_start:
            raise ValueError("window_end is before window_start")
        return self
