"""Types of the register of national measures: what each state adopted about high-risk
suppliers in its networks, as publicly reported, with the texts it was read from.

A measure is a fact about a state (its legal basis, date, scope and deadlines); a
restriction-policy preset (:mod:`fiveguard.domain.catalogue.policies`) is a rule set
modelled on one, and a measure names the preset modelled on it, if any.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from fiveguard.domain.base import CountryCode, Frozen, Identifier, Text

Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=2000)]

Instrument = Literal[
    "government-decision",
    "guidance",
    "policy-statement",
    "licence-conditions",
    "directions",
    "agreement",
    "law",
    "criteria",
]
"""What kind of act the measure is: how binding it is follows from it and its legal basis."""


class SourceLink(Frozen):
    """A public text a fact was read from."""

    title: Text
    url: Url


class MeasureDeadline(Frozen):
    """A date by which something must be done, or from which something is barred."""

    date: dt.date
    what: Text


class NationalMeasure(Frozen):
    """What one state adopted about high-risk suppliers, as publicly reported."""

    id: Identifier
    country: CountryCode
    date: dt.date = Field(description="The day of the decision or announcement.")
    title: Text
    instrument: Instrument
    legal_basis: Text = Field(description="The act or power it rests on, as reported.")
    scope: Text = Field(description="Which networks, functions and suppliers it covers.")
    deadlines: tuple[MeasureDeadline, ...] = ()
    preset: Identifier | None = Field(
        default=None, description="The restriction-policy preset modelled on it, if any."
    )
    notes: tuple[Text, ...] = Field(
        default=(), description="What the sources leave open, and how far they go."
    )
    sources: tuple[SourceLink, ...] = Field(min_length=1)
