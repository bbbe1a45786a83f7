"""Rates and shares derived from the incident record, with their uncertainty.

A rate rule of ``incidents.rates`` counts the incidents it selects (or takes a count
reported in an aggregate) and divides by an exposure. With a gamma prior Gamma(a, b)
(shape a, rate b) and n events in exposure E, the rate's posterior is Gamma(a + n, b + E):
its mean (a + n) / (b + E) is the rate used, and its central interval (the catalogue's
``interval``, e.g. 90 %) says how far the record pins it down. A share rule counts, among
the events it selects, those that reached more than one operator; with a beta prior
Beta(α, β), k such events of m give Beta(α + k, β + m - k).

An annual rate λ becomes an annual probability 1 - exp(-λ): the chance of at least one
event in a year of a Poisson process.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from scipy import stats  # type: ignore[import-untyped]

from fiveguard.domain.catalogue import (
    Exposure,
    Incident,
    IncidentRecord,
    IncidentSelection,
    RateRule,
    ShareRule,
)


@dataclass(frozen=True)
class DerivedRate:
    """One rate rule worked out: what it counted, the posterior and its interval."""

    rule: RateRule
    exposure: Exposure
    count: float
    counted: tuple[str, ...]
    """The record ids (or events) counted; empty for a reported count."""
    shape: float
    rate: float
    mean: float
    low: float
    high: float
    level: float

    @property
    def annual_probability(self) -> float:
        """The probability of at least one event in a year at the mean rate."""
        return annual_probability(self.mean)

    def summary(self) -> str:
        """What was divided by what, in a few words, for tables."""
        judged = " (judgement)" if self.exposure.judgement else ""
        if self.rule.reported is not None:
            what = f"{self.count:g} events (reported)"
        elif self.rule.select is not None and self.rule.select.count_by == "event":
            what = f"{self.count:g} event{'' if self.count == 1 else 's'}"
        else:
            what = f"{self.count:g} operator{'' if self.count == 1 else 's'} hit"
        return (
            f"{what} / {self.exposure.value:g} {self.exposure.unit}{judged}, "
            f"{self.rule.prior.name} prior"
        )

    def derivation(self) -> str:
        """The derivation in one line, for the JSON and the report's provenance."""
        if self.rule.reported is not None:
            what = f"{self.count:g} events ({self.rule.reported.basis})"
        else:
            by_event = self.rule.select is not None and self.rule.select.count_by == "event"
            unit = ("event" if by_event else "operator") + ("" if self.count == 1 else "s")
            named = ", ".join(self.counted) if self.counted else "none in the record"
            what = f"{self.count:g} {unit}{'' if by_event else ' hit'} ({named})"
        judged = " (judgement)" if self.exposure.judgement else ""
        prior = self.rule.prior
        return (
            f"{what} / {self.exposure.value:g} {self.exposure.unit}{judged}; "
            f"{prior.name} prior Gamma({prior.shape:g}, {prior.rate:g}) → posterior "
            f"Gamma({self.shape:g}, {self.rate:g}): mean {self.mean:.3g}, "
            f"{self.level:.0%} interval {self.low:.2g}–{self.high:.2g} per "
            f"{_singular(self.exposure.unit)}"
        )


@dataclass(frozen=True)
class DerivedShare:
    """One share rule worked out: events counted, the posterior and its interval."""

    rule: ShareRule
    shared: tuple[str, ...]
    events: tuple[str, ...]
    alpha: float
    beta: float
    mean: float
    low: float
    high: float
    level: float

    def summary(self) -> str:
        """What was counted, in a few words, for tables."""
        return (
            f"{len(self.shared)} of {len(self.events)} events reached several operators, "
            f"{self.rule.prior.name} prior"
        )

    def derivation(self) -> str:
        """The derivation in one line, for the JSON and the report's provenance."""
        prior = self.rule.prior
        named = ", ".join(self.shared) or "none"
        return (
            f"{len(self.shared)} of {len(self.events)} events reached more than one operator "
            f"({named}); {prior.name} prior Beta({prior.alpha:g}, {prior.beta:g}) → posterior "
            f"Beta({self.alpha:g}, {self.beta:g}): mean {self.mean:.2g}, "
            f"{self.level:.0%} interval {self.low:.2g}–{self.high:.2g}"
        )


def annual_probability(rate: float) -> float:
    """Probability of at least one event in a year of a Poisson process of ``rate``."""
    return -math.expm1(-rate)


def gamma_interval(shape: float, rate: float, level: float) -> tuple[float, float]:
    """The central ``level`` interval of Gamma(shape, rate)."""
    tail = (1.0 - level) / 2.0
    low, high = stats.gamma.ppf([tail, 1.0 - tail], a=shape, scale=1.0 / rate)
    return float(low), float(high)


def beta_interval(alpha: float, beta: float, level: float) -> tuple[float, float]:
    """The central ``level`` interval of Beta(alpha, beta)."""
    tail = (1.0 - level) / 2.0
    low, high = stats.beta.ppf([tail, 1.0 - tail], alpha, beta)
    return float(low), float(high)


def selected(record: IncidentRecord, selection: IncidentSelection) -> list[Incident]:
    """The incidents of ``record`` that ``selection`` takes."""
    return [
        incident
        for incident in record.records
        if incident.cause in selection.causes
        and incident.country in selection.countries
        and incident.scope in selection.scopes
    ]


def count(incidents: list[Incident], count_by: str) -> tuple[str, ...]:
    """What is counted: each incident's id, or each distinct event once."""
    if count_by == "operator":
        return tuple(incident.id for incident in incidents)
    return tuple(dict.fromkeys(incident.event_id for incident in incidents))


def posterior_mean(record: IncidentRecord, rule: RateRule) -> float:
    """The posterior mean of one rate rule alone, without its interval (cheap)."""
    if rule.select is not None:
        n = float(len(count(selected(record, rule.select), rule.select.count_by)))
    else:
        assert rule.reported is not None
        n = rule.reported.value
    return (rule.prior.shape + n) / (rule.prior.rate + record.exposures[rule.exposure].value)


def derive_rate(record: IncidentRecord, rule: RateRule) -> DerivedRate:
    """The posterior of one rate rule (its exposure must be in the record)."""
    exposure = record.exposures[rule.exposure]
    if rule.select is not None:
        counted = count(selected(record, rule.select), rule.select.count_by)
        n = float(len(counted))
    else:
        assert rule.reported is not None  # one of the two, by the type's validator
        counted, n = (), rule.reported.value
    shape = rule.prior.shape + n
    rate = rule.prior.rate + exposure.value
    low, high = gamma_interval(shape, rate, record.interval)
    return DerivedRate(
        rule=rule,
        exposure=exposure,
        count=n,
        counted=counted,
        shape=shape,
        rate=rate,
        mean=shape / rate,
        low=low,
        high=high,
        level=record.interval,
    )


def shared_events(
    record: IncidentRecord, rule: ShareRule
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The events a share rule selects, and those of them reported at several operators."""
    incidents = selected(record, rule.of)
    operators = Counter(incident.event_id for incident in incidents)
    events = tuple(dict.fromkeys(incident.event_id for incident in incidents))
    return events, tuple(event for event in events if operators[event] > 1)


def share_mean(record: IncidentRecord, rule: ShareRule) -> float:
    """The posterior mean of one share rule alone, without its interval (cheap)."""
    events, shared = shared_events(record, rule)
    alpha = rule.prior.alpha + len(shared)
    return alpha / (alpha + rule.prior.beta + len(events) - len(shared))


def derive_share(record: IncidentRecord, rule: ShareRule) -> DerivedShare:
    """The posterior of one share rule: events reaching more than one operator."""
    events, shared = shared_events(record, rule)
    alpha = rule.prior.alpha + len(shared)
    beta = rule.prior.beta + len(events) - len(shared)
    low, high = beta_interval(alpha, beta, record.interval)
    return DerivedShare(
        rule=rule,
        shared=shared,
        events=events,
        alpha=alpha,
        beta=beta,
        mean=alpha / (alpha + beta),
        low=low,
        high=high,
        level=record.interval,
    )


def derived_rates(record: IncidentRecord) -> dict[str, DerivedRate]:
    """Every rate rule of the record, worked out, by rule id."""
    return {rule_id: derive_rate(record, rule) for rule_id, rule in record.rates.items()}


def derived_shares(record: IncidentRecord) -> dict[str, DerivedShare]:
    """Every share rule of the record, worked out, by rule id."""
    return {rule_id: derive_share(record, rule) for rule_id, rule in record.shares.items()}


def _singular(unit: str) -> str:
    return unit[:-1] if unit.endswith("s") else unit
