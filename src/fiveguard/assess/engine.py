"""What the simulation engine (:mod:`fiveguard.simulate`) adds to the assessment.

- :func:`attach_fault_impacts`: the deterministic what-if of the fault behind each
  nation-wide concentration and single-supplier dependency (``supplier-fault:SUPPLIER``:
  every asset on the supplier's products down) and each redundancy group on one version
  (``product-fault:PRODUCT@VERSION``), in people without service. One what-if per
  distinct event; the network is compiled once. The simulation's conventions are kept
  and said in words: an operator's figure is its customers without service (on a shared
  site, its part of the site's people, split by subscribers as in the assessment), and
  people whose operator has a roaming partner with radio up in their region keep
  service — the text says how many that assumption kept, next to the figure.
- :func:`simulation_summary`: a Monte Carlo run and the single-supplier what-ifs, shaped
  for the assessment's JSON (``simulation``) — the figures of the report's simulation
  section.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from fiveguard.assess.context import plural
from fiveguard.assess.fault_figures import (
    emergency_people,
    fault_figures,
    service_losses,
    threshold_checks,
)
from fiveguard.assess.results import (
    CriticalServiceSummary,
    DistributionSummary,
    Diversity,
    ExceedancePoint,
    FaultImpact,
    ImpactFigures,
    OperatorDistribution,
    SimulationSummary,
    SourceContribution,
    WorstEvent,
)
from fiveguard.assess.simulated_figures import partial_summary, service_summaries, time_summary
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate import (
    CompiledNetwork,
    Quality,
    SimulationResult,
    SupplierEvent,
    parse_event,
    prepare,
    whatif,
)
from fiveguard.simulate import Prepared as Engine
from fiveguard.simulate.results import IMPACTS

__all__ = ["Engine", "attach_fault_impacts", "prepare_engine", "simulation_summary"]

TOP_SOURCES = 12


def prepare_engine(
    model: NetworkModel, catalogue: Catalogue, quality: Quality | None = None
) -> Engine:
    """The model compiled for the engine, with its event sources (reusable for a run).

    ``quality``: suppliers' product quality after assurance evidence
    (:func:`fiveguard.assess.quality.quality_for_simulation`), for the product-fault
    probabilities; the what-ifs do not depend on it, so an engine prepared without it
    serves :func:`assess`, and ``engine.with_quality(...)`` then the Monte Carlo.
    """
    return prepare(model, catalogue, quality)


def attach_fault_impacts(
    model: NetworkModel, catalogue: Catalogue, diversity: Diversity, engine: Engine
) -> Diversity:
    """``diversity`` with the what-if impact of each finding's fault attached."""
    cache: dict[str, FaultImpact] = {}
    stranded = _without_roaming(engine.compiled)
    sharing = _sharing_operators(model)

    def impact(event: str, scope: str | None) -> FaultImpact:
        if event not in cache:
            events = [parse_event(event)]
            result = whatif(model, catalogue, events, compiled=engine.compiled)
            before = (
                result if stranded is None else whatif(model, catalogue, events, compiled=stranded)
            )
            cache[event] = FaultImpact(
                event=event,
                people_without_service=result.people_without_service,
                people_on_down_radio=before.people_without_service,
                by_operator={o: c.people_without_service for o, c in result.by_operator.items()},
                by_operator_on_down_radio={
                    o: c.people_without_service for o, c in before.by_operator.items()
                },
                sites_down=result.sites_down,
                hours=result.time.hours if result.time else None,
                user_hours=result.time.user_hours if result.time else None,
                reportable=tuple(
                    f"{c.threshold} ({c.who})"
                    for c in (result.time.reporting if result.time else ())
                ),
                services=service_losses(result, catalogue),
                partial_service=result.partial_service,
                reporting=threshold_checks(result, catalogue),
                text="",
            )
            cache[event] = cache[event].model_copy(
                update={"figures": fault_figures(cache[event], result, catalogue)}
            )
        found = cache[event]
        return found.model_copy(update={"text": _words(found, scope, sharing)})

    return diversity.model_copy(
        update={
            "single_supplier": tuple(
                d.model_copy(
                    update={
                        "fault": impact(
                            f"supplier-fault:{d.supplier}",
                            None if d.scope == "national" else d.scope,
                        )
                    }
                )
                for d in diversity.single_supplier
            ),
            "national_concentration": tuple(
                c.model_copy(update={"fault": impact(f"supplier-fault:{c.supplier}", None)})
                for c in diversity.national_concentration
            ),
            "common_mode": tuple(
                g.model_copy(
                    update={
                        "fault": impact(
                            f"product-fault:{g.product}",
                            g.operators[0] if len(g.operators) == 1 else None,
                        )
                    }
                )
                for g in diversity.common_mode
            ),
        }
    )


def _without_roaming(compiled: CompiledNetwork) -> CompiledNetwork | None:
    """The network with no roaming partners, whose "people without service" are all the
    people of the radio assets down; ``None`` when no operator roams anyway. The engine is
    unchanged: only its input says nobody can roam."""
    if not compiled.partners.any():
        return None
    return dataclasses.replace(compiled, partners=np.zeros_like(compiled.partners))


def _sharing_operators(model: NetworkModel) -> frozenset[str]:
    """Operators hosting a shared radio asset or served by one (RAN sharing)."""
    table = model.table
    if not table.shared_with.size:
        return frozenset()
    ids = [o.id for o in model.document.operators]
    hosts = table.operator[np.diff(table.shared_ptr) > 0]
    involved = np.unique(np.concatenate([hosts.astype(np.int64), table.shared_with]))
    return frozenset(ids[k] for k in involved.tolist())


def _words(found: FaultImpact, scope: str | None, sharing: frozenset[str] = frozenset()) -> str:
    what = (
        "a fault of every product of " + found.event.split(":", 1)[1]
        if found.event.startswith("supplier-fault:")
        else "a fault of " + found.event.split(":", 1)[1]
    )
    text = (
        f"{what} would leave {plural(found.people_without_service, 'person', 'people')} "
        f"without service nationally ({plural(found.sites_down, 'radio site')} down"
        f"{_roaming_words(found, bool(sharing))})"
    )
    if scope is not None and scope in found.by_operator:
        # the simulation's by_operator: the operator's customers (its part of shared sites)
        mine = found.by_operator[scope]
        roamed = found.by_operator_on_down_radio.get(scope, mine) - mine
        shared = scope in sharing
        notes = []
        if roamed > 0:
            notes.append(
                f"where {roamed:,} more are assumed to roam"
                if mine
                else f"its {roamed:,} customers cut off assumed to roam"
                if shared
                else f"the {roamed:,} people on them assumed to roam"
            )
        where = f"on radio sites {scope} runs"
        if shared:
            where = f"{scope}'s customers, on its own radio sites and its part of shared ones"
        text += f", {f'{mine:,}' if mine else 'none'} of them {where}"
        text += f" ({'; '.join(notes)})" if notes else ""
    emergency = emergency_people(found)
    if emergency:
        # what an authority reads first; not a part of the people without service: a dead
        # emergency-call path leaves people unable to call for help on a working radio
        text += f"; {plural(emergency, 'person', 'people')} unable to reach emergency services"
    return text


def _roaming_words(found: FaultImpact, sharing: bool = False) -> str:
    """``; N of their M people assumed to roam …`` when roaming lowered the figure. With
    RAN sharing, people can be cut off on a radio site that is up (their operator's core
    down): they are "the M people cut off"."""
    roamed = found.people_on_down_radio - found.people_without_service
    if roamed <= 0:
        return ""
    people = (
        f"the {found.people_on_down_radio:,} people cut off"
        if sharing
        else f"their {found.people_on_down_radio:,} people"
    )
    whose = people if found.people_without_service == 0 else f"{roamed:,} of {people}"
    return (
        f"; {whose} assumed to roam onto partners' radio still up in their region, "
        "within the partners' spare capacity"
    )


_STATISTICS = ("mean", "p50", "p95", "p99", "max")


def _stats(distribution: object) -> dict[str, float]:
    """The mean, percentiles and maximum of a simulated distribution, by field name."""
    return {name: getattr(distribution, name) for name in _STATISTICS}


def simulation_summary(
    result: SimulationResult,
    worst: Sequence[SupplierEvent],
    top: int = TOP_SOURCES,
    catalogue: Catalogue | None = None,
) -> SimulationSummary:
    """The Monte Carlo result and supplier events as the assessment's ``simulation``;
    ``catalogue`` names the services (their titles, which one is emergency calls)."""
    distributions = tuple(
        DistributionSummary(
            impact=name,
            **_stats(d),
        )
        for name in IMPACTS
        for d in (getattr(result.distributions, name),)
    )
    ranked = sorted(result.events, key=lambda e: -e.expected_people_without_service)[:top]
    return SimulationSummary(
        trials=result.trials,
        seed=result.seed,
        parameters=result.parameters,
        parameter_uncertainty=result.parameter_uncertainty,
        distributions=distributions,
        people_thresholds=tuple(
            ExceedancePoint(people=e.threshold, probability=e.probability)
            for e in result.distributions.people_without_service.exceedance
        ),
        people_by_operator=tuple(
            OperatorDistribution(
                operator=operator,
                **_stats(d),
            )
            for operator, ds in result.by_operator.items()
            for d in (ds.people_without_service,)
        ),
        critical_services=tuple(
            CriticalServiceSummary(
                service=service,
                carrying_assets=share.carrying_assets,
                annual_probability_any=result.critical_services.get(service, 0.0),
                **_stats(share),
                threshold=share.threshold,
                annual_probability_threshold=share.probability,
            )
            for service, share in result.critical_service_shares.items()
        ),
        exceedance=tuple(
            ExceedancePoint(people=p.people, probability=p.probability)
            for p in result.exceedance_curve
        ),
        worst_supplier_events=tuple(
            WorstEvent(
                supplier=e.supplier,
                event=e.event,
                impact=ImpactFigures(**{name: getattr(e.impact, name) for name in IMPACTS}),
            )
            for e in worst
        ),
        top_sources=tuple(
            SourceContribution(
                source=e.source,
                sources=e.sources,
                annual_probability=e.annual_probability,
                worst_people_without_service=e.impact.people_without_service,
                expected_people_without_service=e.expected_people_without_service,
            )
            for e in ranked
        ),
        services=service_summaries(result, catalogue),
        time=time_summary(result.time),
        partial_service=partial_summary(result.partial_service),
    )
