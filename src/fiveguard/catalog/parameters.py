"""Every simulation parameter with its value, what the incident record says of it, how
it was set and its source: the table of ``fiveguard catalog simulation`` and the
parameters the report's provenance names.

A parameter a rate or share rule of ``incidents`` informs (``informs`` names its path, or a
prefix of it) shows the record's posterior mean and interval beside its value; the others
are editorial judgements whose rationale is in ``simulation``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fiveguard.catalog.rates import (
    DerivedRate,
    DerivedShare,
    annual_probability,
    derived_rates,
    derived_shares,
    posterior_mean,
)
from fiveguard.domain.catalogue import Catalogue

EDITORIAL = "editorial judgement"
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

    def as_json(self) -> dict[str, str]:
        return {
            "parameter": self.parameter,
            "value": self.value,
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
    rows.append(
        ("simulation.supplier_update.sabotage_share", f"{params.supplier_update.sabotage_share:g}")
    )
    fault = params.product_fault
    scale = (
        annual_probability(
            posterior_mean(catalogue.incidents, catalogue.incidents.rates[fault.record_rate])
        )
        / fault.annual_probability.medium
        if fault.record_rate is not None
        else None
    )
    for level in ("low", "medium", "high"):
        value = getattr(fault.annual_probability, level)
        rows.append(
            (
                f"simulation.product_fault.annual_probability.{level}",
                f"{value:g}"
                if scale is None
                else f"{min(1.0, value * scale):.2g} ({value:g} scaled to the record by "
                f"record_rate {fault.record_rate})",
            )
        )
    rows.append(("simulation.product_fault.reach", "1 (every operator on the version)"))
    rows.append(
        (
            "simulation.misconfiguration.annual_probability",
            f"{params.misconfiguration.annual_probability:g}",
        )
    )
    power = params.power_loss
    rows.append(("simulation.power_loss.annual_probability", f"{power.annual_probability:g}"))
    rows.append(
        (
            "simulation.power_loss.duration",
            f"log-normal, median {power.duration.median_hours:g} h, sigma {power.duration.sigma:g}",
        )
    )
    rows.append(
        ("simulation.power_loss.unknown_battery_hours", f"{power.unknown_battery_hours:g} h")
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
    if scale is None:
        return out
    prefix = "simulation.product_fault.annual_probability."
    return [
        dataclasses.replace(
            row,
            derivation=row.derivation.replace(EDITORIAL, "scaled to the record", 1),
            detail=row.detail.replace(
                f"The value is {EDITORIAL_DETAIL}.",
                f"The medium level is the record's posterior mean (record_rate "
                f"{fault.record_rate}); the other levels keep their editorial ratio to it.",
                1,
            ),
        )
        if row.parameter.startswith(prefix)
        else row
        for row in out
    ]


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
