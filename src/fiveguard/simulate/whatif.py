"""Deterministic what-if: forced events through the same propagation as the Monte Carlo.

A *scenario* is a set of events happening together; many scenarios run at once, one per
trial bit, which is how the impact of every event source and every single-supplier event
is worked out in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.assumptions import power_assumptions
from fiveguard.simulate.capacity import partial_service
from fiveguard.simulate.compile import CompiledNetwork, compile_network
from fiveguard.simulate.events import Event, EventType, Mode, SampledEvents, resolve_events
from fiveguard.simulate.metrics import IMPACT_FIELDS, TrialImpacts, carrying_assets, measure
from fiveguard.simulate.propagate import propagate
from fiveguard.simulate.results import Counts, Impact, ServiceHit, SupplierEvent, WhatIfResult
from fiveguard.simulate.service_results import roaming_impact, service_impact
from fiveguard.simulate.timing import incident_time

SCENARIOS_PER_PASS = 4096
"""Scenarios evaluated together; more are run in several passes to bound memory."""


def evaluate(compiled: CompiledNetwork, events: SampledEvents) -> TrialImpacts:
    """The impacts of every trial of ``events``, in passes of bounded size."""
    if events.trials <= SCENARIOS_PER_PASS:
        return measure(compiled, propagate(compiled, events))
    parts = []
    for start in range(0, events.trials, SCENARIOS_PER_PASS):
        window = events.window(start, min(start + SCENARIOS_PER_PASS, events.trials))
        parts.append(measure(compiled, propagate(compiled, window)))
    return TrialImpacts.concat(parts)


def counts(values: Sequence[int]) -> Counts:
    """The five impact numbers, in :data:`IMPACT_FIELDS` order, as :class:`Counts`."""
    return Counts(**dict(zip(IMPACT_FIELDS, (int(v) for v in values), strict=True)))


def impact_at(
    compiled: CompiledNetwork,
    impacts: TrialImpacts,
    trial: int,
    catalogue: Catalogue | None = None,
) -> Impact:
    """The full impact of one trial, with its breakdowns and critical services (and, with
    the catalogue, people per service and roaming)."""
    hit = np.flatnonzero(impacts.services[trial]).tolist()
    carrying = carrying_assets(compiled)
    return Impact(
        **counts(impacts.national[trial].tolist()).model_dump(),
        by_operator={
            o: counts(impacts.by_operator[trial, k].tolist())
            for k, o in enumerate(compiled.operators)
        },
        by_region={
            r: counts(impacts.by_region[trial, k].tolist()) for k, r in enumerate(compiled.regions)
        },
        critical_services=tuple(compiled.services[s] for s in hit),
        critical_service_assets={
            compiled.services[s]: ServiceHit(
                affected=int(impacts.service_assets[trial, s]), carrying=int(carrying[s])
            )
            for s in hit
        },
        people_without_service_by_service=service_impact(compiled, catalogue, impacts, trial)
        if catalogue is not None
        else None,
        roaming=roaming_impact(compiled, impacts, trial) if catalogue is not None else None,
    )


def whatif(
    model: NetworkModel,
    catalogue: Catalogue,
    events: Sequence[Event],
    *,
    compiled: CompiledNetwork | None = None,
) -> WhatIfResult:
    """The impact of ``events`` happening together. Raises InputError for unknown targets."""
    compiled = compiled if compiled is not None else compile_network(model, catalogue)
    sampled = resolve_events(model, compiled, [events])
    impacts = evaluate(compiled, sampled)
    impact = impact_at(compiled, impacts, 0, catalogue)
    regions = [e.target for e in events if e.type is EventType.REGION_POWER]
    partial = partial_service(compiled, catalogue, impacts, impact)
    return WhatIfResult(
        **impact.model_dump(),
        partial_service=partial,
        model=model.source,
        events=tuple(str(e) for e in events),
        assumptions=power_assumptions(model, catalogue, regions) if regions else (),
        time=incident_time(
            model, catalogue, events, impact, storms=partial.storms if partial else ()
        ),
    )


def scenario_impacts(
    model: NetworkModel, compiled: CompiledNetwork, scenarios: Sequence[Sequence[Event]]
) -> TrialImpacts:
    """The impacts of many scenarios, scenario ``i`` as trial ``i``."""
    return evaluate(compiled, resolve_events(model, compiled, scenarios))


def supplier_scenarios(compiled: CompiledNetwork) -> list[tuple[str, Event]]:
    """Every single-supplier event of suppliers whose products some asset runs."""
    used = np.unique(compiled.class_supplier[compiled.class_supplier >= 0]).tolist()
    out: list[tuple[str, Event]] = []
    for s in used:
        supplier = compiled.suppliers[s]
        out.append((supplier, Event(EventType.SUPPLIER_FAULT, supplier)))
        out.append((supplier, Event(EventType.SUPPLIER_UPDATE, supplier, mode=Mode.SABOTAGE)))
        out.append((supplier, Event(EventType.SUPPLIER_UPDATE, supplier, mode=Mode.ESPIONAGE)))
    return out


def worst_supplier_events(
    model: NetworkModel,
    catalogue: Catalogue,
    *,
    compiled: CompiledNetwork | None = None,
    limit: int | None = None,
) -> list[SupplierEvent]:
    """Single-supplier events (fault, sabotage update, espionage update of each supplier),
    worst first: by people without service, then subscribers exposed."""
    compiled = compiled if compiled is not None else compile_network(model, catalogue)
    scenarios = supplier_scenarios(compiled)
    impacts = scenario_impacts(model, compiled, [[event] for _, event in scenarios])
    ranked = sorted(
        range(len(scenarios)),
        key=lambda i: (-int(impacts.national[i, 0]), -int(impacts.national[i, 1]), i),
    )
    out = [
        SupplierEvent(
            supplier=scenarios[i][0],
            event=str(scenarios[i][1]),
            impact=counts(impacts.national[i].tolist()),
            name=model.suppliers[scenarios[i][0]].name,
        )
        for i in ranked
    ]
    return out[:limit] if limit is not None else out
