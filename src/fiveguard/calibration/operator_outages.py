"""How often a simulated operator loses most of its customers, by cause, beside the rate
the incident record gives for the same cause.

For each cause the Monte Carlo runs with only that cause's event source switched on (the
other sources' probabilities set to zero in a copy of the catalogue), so each simulated
rate is the cause's own. An operator-year counts as a whole-operator outage when the
people without service of that operator reach ``share`` of the people it serves (half by
default), the counterpart of the record's ``whole-operator`` scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.catalog.rates import DerivedRate, derive_rate
from fiveguard.domain.catalogue import Catalogue, LevelProbabilities, SimulationParameters
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate import prepare
from fiveguard.simulate.engines import run_trials
from fiveguard.simulate.metrics import IMPACT_FIELDS

PEOPLE = IMPACT_FIELDS.index("people_without_service")

CAUSE_SOURCES: dict[str, str] = {
    "product-fault": "product_fault",
    "change-error": "misconfiguration",
    "external-trigger": "limit_reached",
    "power": "power_loss",
    "hardware": "asset_failure",
    "malicious": "supplier_update",
}
"""Each cause class of the record and the simulation's event source that stands for it."""

ALSO: dict[str, tuple[str, ...]] = {"change-error": ("change_push",)}
"""Sources switched on with a cause's main one: an operator's changes are both its
misconfigurations of one element and its changes pushed to a whole kind."""

RECORD_RULES: dict[str, str] = {
    "product-fault": "product-fault-outage",
    "change-error": "change-error-outage",
    "external-trigger": "external-trigger-outage",
    "power": "power-outage",
    "hardware": "hardware-outage",
    "malicious": "malicious-outage",
}
"""Each cause and the record's whole-operator rate rule it is compared with."""


@dataclass(frozen=True)
class OperatorOutageCheck:
    """One cause: the simulated whole-operator outage rate and the record's."""

    cause: str
    source: str
    operator_years: int
    outages: int
    record: DerivedRate | None

    @property
    def simulated(self) -> float:
        """Whole-operator outages per simulated operator-year."""
        return self.outages / self.operator_years

    @property
    def ratio(self) -> float | None:
        """Simulated over the record's posterior mean (None without a record)."""
        if self.record is None:
            return None
        return self.simulated / self.record.annual_probability

    @property
    def within(self) -> bool | None:
        """Whether the simulated rate lies in the record's interval (as probabilities);
        where the record counted nothing, only its upper bound means anything."""
        if self.record is None:
            return None
        low, high = (-np.expm1(-x) for x in (self.record.low, self.record.high))
        if self.record.count == 0:
            low = 0.0
        return bool(low <= self.simulated <= high)


def only(catalogue: Catalogue, source: str, *also: str) -> Catalogue:
    """``catalogue`` with every event source but ``source`` (and ``also``) switched off."""
    params = catalogue.simulation
    zero = LevelProbabilities(low=0.0, medium=0.0, high=0.0)
    off: dict[str, object] = {
        "supplier_update": params.supplier_update.model_copy(update={"annual_probability": zero}),
        "product_fault": params.product_fault.model_copy(update={"annual_probability": zero}),
        "misconfiguration": params.misconfiguration.model_copy(update={"annual_probability": 0.0}),
        "power_loss": params.power_loss.model_copy(update={"annual_probability": 0.0}),
        "asset_failure": params.asset_failure.model_copy(
            update={
                "annual_probability": dict.fromkeys(params.asset_failure.annual_probability, 0.0)
            }
        ),
        "change_push": None,
        "limit_reached": None,
    }
    for kept in (source, *also):
        off.pop(kept, None)
    simulation: SimulationParameters = params.model_copy(update=off)
    return catalogue.model_copy(update={"simulation": simulation})


def whole_operator_outages(
    people_by_operator: npt.NDArray[np.int64], served: npt.NDArray[np.int64], share: float
) -> int:
    """Operator-years (``people_by_operator``: ``(T, K)``) in which at least ``share`` of
    an operator's ``served`` people (``(K,)``) are without service; operators serving
    nobody never count."""
    serving = served > 0
    hit = people_by_operator[:, serving] >= share * served[serving]
    return int(np.count_nonzero(hit))


def operator_outage_checks(
    model: NetworkModel,
    catalogue: Catalogue,
    trials: int,
    seed: int,
    share: float = 0.5,
    causes: Sequence[str] | None = None,
) -> list[OperatorOutageCheck]:
    """The whole-operator outage rate of each cause (of ``causes``, default all) in
    ``trials`` simulated years."""
    record = catalogue.incidents
    out = []
    for cause, source in CAUSE_SOURCES.items():
        if causes and cause not in causes:
            continue
        alone = only(catalogue, source, *ALSO.get(cause, ()))
        ready = prepare(model, alone)
        compiled = ready.compiled
        served = np.bincount(
            compiled.class_operator,
            weights=compiled.class_people,
            minlength=len(compiled.operators),
        ).astype(np.int64)
        impacts = run_trials(compiled, ready.sources, trials, seed)
        outages = whole_operator_outages(impacts.by_operator[:, :, PEOPLE], served, share)
        rule = record.rates.get(RECORD_RULES[cause])
        out.append(
            OperatorOutageCheck(
                cause=cause,
                source=source,
                operator_years=trials * int(np.count_nonzero(served > 0)),
                outages=outages,
                record=derive_rate(record, rule) if rule is not None else None,
            )
        )
    return out
