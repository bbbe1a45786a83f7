"""Measures in place, per operator, turned into the simulation's named effects.

Each catalogue effect (``simulation.measure_effects``) names a toolbox measure and what it
changes. For an operator, the measure's status is its own record, else the national
record (no operator), else not started; the status weight scales the effect. Effects on
the same target multiply (probabilities) or add up (hours of autonomy).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, EffectTarget
from fiveguard.domain.model import NetworkModel

FloatArray = npt.NDArray[np.float64]
NOT_STARTED = "not-started"


@dataclass(frozen=True)
class AppliedEffect:
    """One catalogue effect as it applies to one operator: the number it contributes."""

    effect: str
    measure: str
    operator: str
    applies_to: EffectTarget
    status: str
    weight: float
    value: float
    """The probability factor ``1 - weight * (1 - multiplier)``, or the extra hours."""

    def describe(self) -> str:
        unit = "h of autonomy" if self.applies_to == "power-autonomy" else "× probability"
        return (
            f"{self.measure} {self.status} at {self.operator} (weight {self.weight:g}): "
            f"{self.value:g} {unit} [simulation.measure_effects.{self.effect}]"
        )


@dataclass(frozen=True)
class OperatorEffects:
    """Per operator (index order of the model): factors and extra hours from measures.

    ``reach``, ``misconfiguration`` and ``asset_failure`` are ``(K,)`` float64 factors
    in [0, 1]; ``extra_hours`` is ``(K,)`` float64.
    """

    reach: FloatArray
    misconfiguration: FloatArray
    asset_failure: FloatArray
    extra_hours: FloatArray
    applied: tuple[AppliedEffect, ...]

    def of(self, operator: str, target: EffectTarget) -> tuple[AppliedEffect, ...]:
        """The effects applied to ``operator`` for ``target``, with a non-zero weight."""
        return tuple(a for a in self.applied if a.operator == operator and a.applies_to == target)


def measure_status(model: NetworkModel, measure: str, operator: str) -> str:
    """The status of ``measure`` at ``operator``: its own record, else the national one."""
    own = [r for r in model.document.measures if r.measure == measure and r.operator == operator]
    national = [r for r in model.document.measures if r.measure == measure and r.operator is None]
    records = own or national
    return records[-1].status.value if records else NOT_STARTED


def operator_effects(model: NetworkModel, catalogue: Catalogue) -> OperatorEffects:
    """Every measure effect of the catalogue applied to every operator of the model."""
    params = catalogue.simulation
    operators = [o.id for o in model.document.operators]
    k = len(operators)
    factors: dict[EffectTarget, FloatArray] = {
        "supplier-update-reach": np.ones(k),
        "misconfiguration": np.ones(k),
        "asset-failure": np.ones(k),
    }
    hours = np.zeros(k)
    applied: list[AppliedEffect] = []
    for effect in params.measure_effects.values():
        for index, operator in enumerate(operators):
            status = measure_status(model, effect.measure, operator)
            weight = float(params.status_weights.get(status, 0.0))  # type: ignore[call-overload]
            if weight == 0.0:
                continue
            if effect.applies_to == "power-autonomy":
                value = weight * float(effect.extra_hours or 0.0)
                hours[index] += value
            else:
                value = 1.0 - weight * (1.0 - float(effect.multiplier or 0.0))
                factors[effect.applies_to][index] *= value
            applied.append(
                AppliedEffect(
                    effect.id, effect.measure, operator, effect.applies_to, status, weight, value
                )
            )
    return OperatorEffects(
        reach=factors["supplier-update-reach"],
        misconfiguration=factors["misconfiguration"],
        asset_failure=factors["asset-failure"],
        extra_hours=hours,
        applied=tuple(applied),
    )
