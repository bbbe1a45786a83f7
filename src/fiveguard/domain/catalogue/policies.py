"""Restriction-policy types: rules on suppliers by profile, and the policies made of them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt

from fiveguard.domain.base import CountryCode, Frozen, Identifier, Level, Text
from fiveguard.domain.catalogue.reference import AssetKind, Domain, Generation


class RuleTargets(Frozen):
    """Which assets a rule covers: a kind listed in ``kinds``, or any listed domain or tag
    (or ``all_assets``) matching a kind of one of ``generations`` when that is given."""

    domains: tuple[Domain, ...] = ()
    kinds: tuple[Identifier, ...] = ()
    tags: tuple[Identifier, ...] = ()
    all_assets: StrictBool = Field(default=False, description="Every asset, whatever its kind.")
    generations: tuple[Generation, ...] = Field(
        default=(),
        description=(
            "Narrows domains, tags and all_assets to kinds of these generations (4g, 5g, "
            "any: kinds serving every generation, such as management or transport); "
            "kinds listed by id are covered whatever their generation. Empty: every "
            "generation."
        ),
    )

    def covers(self, kind: AssetKind) -> bool:
        """Whether an asset of ``kind`` is covered."""
        if kind.id in self.kinds:
            return True
        grouped = (
            self.all_assets
            or kind.domain in self.domains
            or any(tag in self.tags for tag in kind.tags)
        )
        return grouped and (not self.generations or kind.generation in self.generations)


PENDING_DESCRIPTION = (
    "A deadline running from an event not yet dated (months after it). While no `deadline` "
    "is given, an asset breaking the rule is in transition; give `deadline` once the event "
    "is dated."
)


class PendingDeadline(Frozen):
    """A deadline that runs from an event not yet dated (e.g. a designation)."""

    months: StrictInt = Field(gt=0, le=1200, description="How long after the event.")
    event: Text = Field(description="What starts the period, in words.")

    def words(self) -> str:
        return f"{self.months} months after {self.event}"


class ExcludeRule(Frozen):
    """Suppliers at or above a profile level may not supply the targeted assets."""

    rule: Literal["exclude"]
    id: Identifier
    text: Text = Field(description="The rule in words, as modelled from the decision.")
    min_profile: Level = Level.HIGH
    targets: RuleTargets
    sensitive_sites_only: StrictBool = False
    installed_after: dt.date | None = Field(
        default=None, description="Only assets put in service after this date (new equipment)."
    )
    purchased_after: dt.date | None = Field(
        default=None,
        description=(
            "Only assets bought or ordered after this date (a ban on purchases). An asset "
            "with no purchase date but installed by then was bought by then too."
        ),
    )
    deadline: dt.date | None = Field(
        default=None, description="Before it, an asset breaking the rule is in transition."
    )
    deadline_after: PendingDeadline | None = Field(default=None, description=PENDING_DESCRIPTION)


class CapRule(Frozen):
    """Suppliers at or above a profile level may hold at most a share of a domain."""

    rule: Literal["cap"]
    id: Identifier
    text: Text
    min_profile: Level = Level.HIGH
    targets: RuleTargets
    max_share: StrictFloat = Field(ge=0, le=1)
    measure: Literal["sites", "population"]
    per: Literal["operator", "national"]
    deadline: dt.date | None = None
    deadline_after: PendingDeadline | None = Field(default=None, description=PENDING_DESCRIPTION)


PolicyRule = Annotated[ExcludeRule | CapRule, Field(discriminator="rule")]


class RestrictionPolicy(Frozen):
    """A restriction policy: rules on suppliers by profile. Presets are modelled on
    national decisions; their legal texts hold details a rule set simplifies."""

    id: Identifier
    title: Text
    status: Literal["adopted", "proposal"] = Field(
        default="adopted",
        description=(
            "'proposal': not adopted, so in force nowhere; checking a network against it "
            "shows where the network would stand if it were."
        ),
    )
    country: CountryCode | None = None
    date: dt.date | None = None
    source: Text
    modelled_on: Text | None = None
    rules: tuple[PolicyRule, ...]
    not_modelled: tuple[Text, ...] = Field(
        default=(), description="Parts of the decision the rules do not capture."
    )
