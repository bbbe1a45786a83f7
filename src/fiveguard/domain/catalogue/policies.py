"""Restriction-policy types: rules on suppliers by profile, and the policies made of them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictFloat

from fiveguard.domain.base import CountryCode, Frozen, Identifier, Level, Text
from fiveguard.domain.catalogue.reference import Domain


class RuleTargets(Frozen):
    """Which assets a rule covers: any listed domain, kind or tag matches."""

    domains: tuple[Domain, ...] = ()
    kinds: tuple[Identifier, ...] = ()
    tags: tuple[Identifier, ...] = ()
    all_assets: StrictBool = Field(default=False, description="Every asset, whatever its kind.")


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
    deadline: dt.date | None = Field(
        default=None, description="Before it, an asset breaking the rule is in transition."
    )


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


PolicyRule = Annotated[ExcludeRule | CapRule, Field(discriminator="rule")]


class RestrictionPolicy(Frozen):
    """A restriction policy: rules on suppliers by profile. Presets are modelled on
    national decisions; their legal texts hold details a rule set simplifies."""

    id: Identifier
    title: Text
    country: CountryCode | None = None
    date: dt.date | None = None
    source: Text
    modelled_on: Text | None = None
    rules: tuple[PolicyRule, ...]
    not_modelled: tuple[Text, ...] = Field(
        default=(), description="Parts of the decision the rules do not capture."
    )
