"""Every simulation parameter with its value, what the incident record says of it, how
it was set and its source: the table of ``fiveguard catalog simulation`` and the
parameters the report's provenance names.

A parameter a rate or share rule of ``incidents`` informs (``informs`` names its path, or a
prefix of it) shows the record's posterior mean and interval beside its value; the others
are editorial judgements whose rationale is in ``simulation``.
"""

from __future__ import annotations

from dataclasses import dataclass

from fiveguard.catalog.rates import (
    DerivedRate,
    DerivedShare,
    annual_probability,
    derived_rates,
    derived_shares,
)
from fiveguard.domain.catalogue import Catalogue

PEOPLE_PER_UNIT = 1_000_000
"""People in one unit of a per-person exposure (``million-people-years``): a power
area's residents over this are its units (:mod:`fiveguard.simulate.areas`)."""

EDITORIAL = "editorial judgement"
DERIVED = "derived from the record"
EDITORIAL_DETAIL = "an editorial judgement; its rationale is in the catalogue beside the value"


@dataclass(frozen=True)
class ParameterRow:
    """One simulation parameter: its path in the catalogue, value, the record's view."""

    parameter: str
    value: str
    record: str
    """The record's posterior mean and interval, as an annual probability; "" if none."""
    derivation: str
    """In a few words, for tables."""
    detail: str
    """The whole derivation: counts, exposure, prior, posterior, how it relates."""
    source: str
    """Where the value or the record's figure comes from, in a few words."""
    sources: str
    """The sources in full."""
    interval: str = ""
    """The value's interval where the record sets the value; "" for an editorial value."""

    def as_json(self) -> dict[str, str]:
        return {
            "parameter": self.parameter,
            "value": self.value,
            "interval": self.interval,
            "record": self.record,
            "derivation": self.detail,
            "source": self.sources,
        }


def parameter_rows(catalogue: Catalogue) -> list[ParameterRow]:
    """Every parameter of ``simulation`` that sets how often or how hard events strike."""
    params = catalogue.simulation
    rates = derived_rates(catalogue.incidents)
    shares = derived_shares(catalogue.incidents)
    rows: list[tuple[str, str]] = []
    for level in ("low", "medium", "high"):
        rows.append(
            (
                f"simulation.supplier_update.annual_probability.{level}",
                f"{getattr(params.supplier_update.annual_probability, level):g}",
            )
        )
    update = params.supplier_update
    factors = ", ".join(update.factors)
    for cut in ("medium_from", "high_from"):
        rows.append(
            (
                f"simulation.supplier_update.{cut}",
                f"level {cut.removesuffix('_from')} from a combined rank of "
                f"{getattr(update, cut):g} (ranks 1-3 of {factors}, combined by "
                f"{update.combine}; unscored: {update.unknown_level})",
            )
        )
    rows.append(("simulation.supplier_update.sabotage_share", f"{update.sabotage_share:g}"))
    fault = params.product_fault
    derived_rows: list[ParameterRow] = []
    if fault.record_rate is None:
        for level in ("low", "medium", "high"):
            value = getattr(fault.annual_probability, level)
            rows.append((f"simulation.product_fault.annual_probability.{level}", f"{value:g}"))
        rows.append(("simulation.product_fault.reach", "1 (every operator on the version)"))
    else:
        derived_rows = _product_fault_rows(catalogue, rates, shares)
    rows.append(
        (
            "simulation.misconfiguration.annual_probability",
            f"{params.misconfiguration.annual_probability:g}",
        )
    )
    power = params.power_loss
    if power.annual_probability is not None:
        rows.append(("simulation.power_loss.annual_probability", f"{power.annual_probability:g}"))
    rows.append(
        (
            "simulation.power_loss.duration",
            f"log-normal, median {power.duration.median_hours:g} h, sigma {power.duration.sigma:g}",
        )
    )
    if power.area_population is not None:
        rows.append(
            (
                "simulation.power_loss.area_population",
                f"{power.area_population:,} residents per power area",
            )
        )
    if power.unknown_battery_hours is not None or not power.battery_priors:
        hours = power.unknown_battery_hours or 0.0
        rows.append(("simulation.power_loss.unknown_battery_hours", f"{hours:g} h"))
    else:
        for prior_id, prior in power.battery_priors.items():
            domains = ", ".join(d.value for d in prior.domains)
            rows.append(
                (
                    f"simulation.power_loss.battery_priors.{prior_id}",
                    f"{prior.hours:g} h (unknown battery of {domains})",
                )
            )
    for domain, probability in params.asset_failure.annual_probability.items():
        rows.append(
            (f"simulation.asset_failure.annual_probability.{domain.value}", f"{probability:g}")
        )
    for effect_id, effect in params.measure_effects.items():
        value = (
            f"× {effect.multiplier:g}"
            if effect.multiplier is not None
            else f"+{effect.extra_hours:g} h"
        )
        rows.append((f"simulation.measure_effects.{effect_id}", f"{value} ({effect.measure})"))
    out = [_row(path, value, rates, shares, catalogue) for path, value in rows]
    out = [_with_own_source(row, catalogue) for row in out]
    at = next(i for i, row in enumerate(out) if row.parameter.endswith("sabotage_share")) + 1
    out = [*out[:at], *derived_rows, *out[at:]]
    at = next(i for i, row in enumerate(out) if row.parameter.startswith("simulation.power"))
    return [
        *out[:at],
        *_group_rows(catalogue, rates),
        *_power_rows(catalogue, rates),
        *out[at:],
        *_time_rows(catalogue),
        *_spread_rows(catalogue),
    ]


def _with_own_source(row: ParameterRow, catalogue: Catalogue) -> ParameterRow:
    """An editorial power row with the source written beside its value in the catalogue
    (a battery prior's, the area size's) rather than the section's."""
    power = catalogue.simulation.power_loss
    prefix = "simulation.power_loss.battery_priors."
    own = None
    if row.parameter.startswith(prefix):
        prior = power.battery_priors[row.parameter.removeprefix(prefix)]
        own = ("editorial: " if prior.editorial else "") + prior.source
    elif row.parameter == "simulation.power_loss.area_population" and power.area_source:
        own = power.area_source
    if own is None:
        return row
    where = "simulation.power_loss (source beside the value)"
    return _judged(row.parameter, row.value, f"{own} {power.rationale}", own, where)


def _judged(path: str, value: str, detail: str, sources: str, source: str) -> ParameterRow:
    """A parameter set by judgement from the sources it names (not derived from counts)."""
    return ParameterRow(
        parameter=path,
        value=value,
        record="",
        derivation=EDITORIAL,
        detail=detail,
        source=source,
        sources=sources,
    )


def _time_rows(catalogue: Catalogue) -> list[ParameterRow]:
    """How long outages last and when they are reportable (``simulation.incident_time``):
    each kind's restoration time, the extensions, and the reporting thresholds."""
    time = catalogue.simulation.incident_time
    if time is None:
        return []
    out = []
    for kind, restoration in time.restoration.items():
        set_from = "editorial" if restoration.source.lower().startswith("editorial") else (
            "set from reported restoration times")  # fmt: skip
        out.append(
            ParameterRow(
                parameter=f"simulation.incident_time.restoration.{kind}",
                value=f"log-normal, median {restoration.median_hours:g} h, "
                f"sigma {restoration.sigma:g}",
                record="",
                derivation=f"{set_from}: {_first_sentence(restoration.source)}",
                detail=f"{restoration.source} {time.rationale}",
                source="simulation.incident_time (source beside the value)",
                sources=restoration.source,
            )
        )
    for name in ("management_down", "site_access"):
        extension = getattr(time.extensions, name)
        if extension is not None:
            out.append(
                _judged(
                    f"simulation.incident_time.extensions.{name}",
                    f"+{extension.hours:g} h",
                    f"Hours added to an incident's drawn duration. {extension.source}",
                    extension.source,
                    "simulation.incident_time (source beside the value)",
                )
            )
    for threshold in time.reporting_thresholds:
        conditions = "; or ".join(
            " and ".join(
                part
                for part in (
                    f"≥ {c.min_users:,} users" if c.min_users is not None else "",
                    f"> {c.min_share:.0%} of users" if c.min_share is not None else "",
                    f"≥ {c.min_hours:g} h",
                )
                if part
            )
            for c in threshold.conditions
        )
        out.append(
            ParameterRow(
                parameter=f"simulation.incident_time.reporting_thresholds.{threshold.id}",
                value=f"per {threshold.per}: {conditions}",
                record="",
                derivation=f"rule of {threshold.authority}",
                detail=f"Reportable when any condition holds, counted per {threshold.per}. "
                f"{threshold.source}",
                source=threshold.authority,
                sources=threshold.source,
            )
        )
    return out


def _spread_rows(catalogue: Catalogue) -> list[ParameterRow]:
    """How far an outage spreads or is absorbed: roaming partners' spare capacity and the
    signalling-storm rule."""
    params = catalogue.simulation
    out = []
    if params.roaming is not None:
        share = params.roaming.spare_capacity_share
        out.append(
            _judged(
                "simulation.roaming.spare_capacity_share",
                "no limit" if share is None else f"{share:g} of the partner's customers served",
                f"The value is {EDITORIAL_DETAIL}. {params.roaming.rationale}",
                params.roaming.rationale,
                "simulation (rationale)",
            )
        )
    storms = params.storms
    if storms is not None:
        in_sample = (
            f"set by judgement from {len(storms.incidents)} outages that spread by signalling "
            "load (in-sample for their replays)"
        )
        incidents = "; ".join(storms.incidents)
        detail = f"{storms.rationale} Outages: {incidents}."
        for path, value, how in (
            ("customer_share", f"{storms.customer_share:g} of the customers still served",
             in_sample),
            ("recovery_hours", f"{storms.recovery_hours:g} h", in_sample),
            ("trigger_share", "none (storms only when forced)" if storms.trigger_share is None
             else f"{storms.trigger_share:g} of an operator's customers lost", EDITORIAL),
            ("trigger_kinds", ", ".join(storms.trigger_kinds) or "none", EDITORIAL),
        ):  # fmt: skip
            out.append(
                ParameterRow(
                    parameter=f"simulation.storms.{path}",
                    value=value,
                    record="",
                    derivation=how,
                    detail=detail,
                    source="simulation.storms (incidents listed)",
                    sources=incidents,
                )
            )
    return out


SHORT = 90
"""Characters of a source's first sentence shown in the table's derivation column."""


def _first_sentence(text: str) -> str:
    head = text.split(". ", 1)[0].rstrip(".")
    return head if len(head) <= SHORT else head[: SHORT - 3].rstrip() + "…"


def _power_rows(catalogue: Catalogue, rates: dict[str, DerivedRate]) -> list[ParameterRow]:
    """The power loss's probability per area when the record sets it (no
    ``annual_probability`` given): the per-person rate times the area's residents."""
    power = catalogue.simulation.power_loss
    if power.annual_probability is not None or power.record_rate is None:
        return []
    assert power.area_population is not None  # the type's validator
    rate = rates[power.record_rate]
    millions = power.area_population / PEOPLE_PER_UNIT
    mean, low, high = (annual_probability(x * millions) for x in (rate.mean, rate.low, rate.high))
    return [
        ParameterRow(
            parameter="simulation.power_loss.annual_probability",
            value=f"{mean:.2g} per area of {power.area_population:,} residents "
            f"({low:.2g}–{high:.2g})",
            record=f"{rate.annual_probability:.2g} ({_probability(rate.low)}–"
            f"{_probability(rate.high)}) per {rate.exposure.unit.removesuffix('s')}",
            derivation=f"{DERIVED}: {rate.summary()} × {millions:g} million residents per area",
            detail=f"Derived from the record (incidents.rates.{rate.rule.id}): "
            f"{rate.derivation()}; times the {power.area_population:,} residents of a power "
            f"area (simulation.power_loss.area_population) as an annual probability per area, "
            f"with the {rate.level:.0%} interval {low:.2g}–{high:.2g}. Each such incident is "
            f"taken as the loss of one area's power (editorial). {rate.rule.relation}",
            source=f"incidents.rates.{rate.rule.id}",
            sources="; ".join(
                [
                    *([rate.rule.reported.source] if rate.rule.reported is not None else []),
                    rate.exposure.source,
                    catalogue.incidents.source,
                ]
            ),
            interval=f"{low:.2g}–{high:.2g}",
        )
    ]


def _group_rows(catalogue: Catalogue, rates: dict[str, DerivedRate]) -> list[ParameterRow]:
    """Changes pushed and limits reached: their probability per operator, from the record."""
    out = []
    for section in ("change_push", "limit_reached"):
        params = getattr(catalogue.simulation, section)
        if params is None:
            continue
        rate = rates[params.record_rate]
        mean, low, high = (annual_probability(x) for x in (rate.mean, rate.low, rate.high))
        out.append(
            ParameterRow(
                parameter=f"simulation.{section}.annual_probability",
                value=f"{mean:.2g} per operator ({low:.2g}–{high:.2g})",
                record=f"{mean:.2g} ({low:.2g}–{high:.2g}) per "
                f"{rate.exposure.unit.removesuffix('s')}",
                derivation=f"{DERIVED}: {rate.summary()}",
                detail=f"Derived from the record (incidents.rates.{rate.rule.id}): "
                f"{rate.derivation()}, as an annual probability per operator, with the "
                f"{rate.level:.0%} interval {low:.2g}–{high:.2g}. {rate.rule.relation}",
                source=f"incidents.rates.{rate.rule.id}",
                sources=f"{rate.exposure.source}; {catalogue.incidents.source}",
                interval=f"{low:.2g}–{high:.2g}",
            )
        )
    return out


def _product_fault_rows(
    catalogue: Catalogue, rates: dict[str, DerivedRate], shares: dict[str, DerivedShare]
) -> list[ParameterRow]:
    """The product-fault levels and reach as the record sets them (``record_rate`` given):
    each value with its interval, worked out from the record."""
    fault = catalogue.simulation.product_fault
    assert fault.record_rate is not None
    rate = rates[fault.record_rate]
    sources = f"{rate.exposure.source}; {catalogue.incidents.source}"
    out = []
    for level in ("low", "medium", "high"):
        ratio = getattr(fault.annual_probability, level) / fault.annual_probability.medium
        mean, low, high = (
            min(1.0, annual_probability(x) * ratio) for x in (rate.mean, rate.low, rate.high)
        )
        scaled = "" if ratio == 1 else f" × {ratio:g} (this level's editorial ratio to medium)"
        out.append(
            ParameterRow(
                parameter=f"simulation.product_fault.annual_probability.{level}",
                value=f"{mean:.2g} per deployment ({low:.2g}–{high:.2g})",
                record=f"{rate.annual_probability:.2g} ({_probability(rate.low)}–"
                f"{_probability(rate.high)}) per {rate.exposure.unit.removesuffix('s')}",
                derivation=f"{DERIVED}: {rate.summary()}{scaled}",
                detail=f"Derived from the record: the medium level is the posterior mean of "
                f"incidents.rates.{rate.rule.id} ({rate.derivation()}) as an annual probability"
                f"{'' if ratio == 1 else f'; this level is {ratio:g} × medium'}, with the "
                f"{rate.level:.0%} interval {low:.2g}–{high:.2g}. The levels' ratio (low "
                f"{fault.annual_probability.low:g} : medium {fault.annual_probability.medium:g} "
                f": high {fault.annual_probability.high:g}) is an editorial judgement of how "
                f"much product quality spreads the rate. {rate.rule.relation}",
                source=f"incidents.rates.{rate.rule.id}",
                sources=sources,
                interval=f"{low:.2g}–{high:.2g}",
            )
        )
    if fault.reach_share is None:
        reach = "1 (every operator on the version)"
        out.append(
            _row("simulation.product_fault.reach", reach, rates, shares, catalogue)
            if shares
            else ParameterRow(
                parameter="simulation.product_fault.reach",
                value=reach,
                record="",
                derivation=EDITORIAL,
                detail=f"The value is {EDITORIAL_DETAIL}.",
                source="simulation (rationale)",
                sources=catalogue.simulation.source,
            )
        )
        return out
    share = shares[fault.reach_share]
    out.append(
        ParameterRow(
            parameter="simulation.product_fault.reach",
            value=f"{share.mean:.2g} per operator running the version "
            f"({share.low:.2g}–{share.high:.2g})",
            record=f"{share.mean:.2g} ({share.low:.2g}–{share.high:.2g})",
            derivation=f"{DERIVED}: {share.summary()}",
            detail=f"Derived from the record (incidents.shares.{share.rule.id}): "
            f"{share.derivation()}. A version's fault reaches each operator running it with "
            f"this probability, and the version's annual probability is a deployment's divided "
            f"by it, so each deployment keeps its probability. {share.rule.relation}",
            source=f"incidents.shares.{share.rule.id}",
            sources=catalogue.incidents.source,
            interval=f"{share.low:.2g}–{share.high:.2g}",
        )
    )
    return out


def _informs(informs: str, path: str) -> bool:
    target = informs.split(" ", 1)[0]
    return path == target or path.startswith(target + ".")


def _row(
    path: str,
    value: str,
    rates: dict[str, DerivedRate],
    shares: dict[str, DerivedShare],
    catalogue: Catalogue,
) -> ParameterRow:
    rate = next((r for r in rates.values() if _informs(r.rule.informs, path)), None)
    share = next((s for s in shares.values() if path.endswith(".reach") and _informs(
        s.rule.informs, path.rsplit(".", 1)[0])), None)  # fmt: skip
    if rate is not None:
        return ParameterRow(
            parameter=path,
            value=value,
            record=f"{rate.annual_probability:.2g} ({_probability(rate.low)}–"
            f"{_probability(rate.high)}) per {rate.exposure.unit.removesuffix('s')}",
            derivation=f"{EDITORIAL}; record: {rate.summary()}",
            detail=f"The value is {EDITORIAL_DETAIL}. The record ({rate.rule.id}): "
            f"{rate.derivation()}. {rate.rule.relation}",
            source=f"incidents.rates.{rate.rule.id}",
            sources=f"{rate.exposure.source}; {catalogue.incidents.source}",
        )
    if share is not None:
        return ParameterRow(
            parameter=path,
            value=value,
            record=f"{share.mean:.2g} ({share.low:.2g}–{share.high:.2g})",
            derivation=f"fixed by the engine; record: {share.summary()}",
            detail=f"The engine takes every fault as reaching every operator on the version. "
            f"The record ({share.rule.id}): {share.derivation()}. {share.rule.relation}",
            source=f"incidents.shares.{share.rule.id}",
            sources=catalogue.incidents.source,
        )
    return ParameterRow(
        parameter=path,
        value=value,
        record="",
        derivation=EDITORIAL,
        detail=f"The value is {EDITORIAL_DETAIL}.",
        source="simulation (rationale)",
        sources=catalogue.simulation.source,
    )


def _probability(rate: float) -> str:
    return f"{annual_probability(rate):.2g}"
