"""Simulation of supplier-level events propagated through national networks.

The engines are pure: a model and the catalogue in, arrays and result objects out.

- :func:`whatif`: the deterministic impact of events happening together;
- :func:`simulate`: a Monte Carlo run, one trial per year, with the distribution of each
  impact and the contribution of each event source;
- :func:`worst_supplier_events`: every single-supplier event, worst first.

See docs/simulation.md for the semantics, the parameters and the performance design.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.assumptions import power_assumptions
from fiveguard.simulate.compile import CompiledNetwork, compile_network
from fiveguard.simulate.contributions import source_results
from fiveguard.simulate.engines import Progress, run_trials
from fiveguard.simulate.events import Event, EventType, Mode, parse_event
from fiveguard.simulate.incident_runs import run_time
from fiveguard.simulate.incidents import FloatArray, time_plan
from fiveguard.simulate.measures import OperatorEffects, operator_effects
from fiveguard.simulate.results import SimulationResult, SupplierEvent, WhatIfResult
from fiveguard.simulate.sources import AssuranceEvidence, EventSources, Quality, event_sources
from fiveguard.simulate.summary import simulated_time, simulation_result
from fiveguard.simulate.whatif import whatif, worst_supplier_events


@dataclass(frozen=True, eq=False)
class Prepared:
    """A model compiled once, with its measure effects and event sources."""

    model: NetworkModel
    catalogue: Catalogue
    compiled: CompiledNetwork
    effects: OperatorEffects
    sources: EventSources

    def with_quality(self, quality: Quality | AssuranceEvidence | None) -> Prepared:
        """The same compiled network with its event sources derived again, taking
        suppliers' product quality after assurance evidence from ``quality`` (see
        :func:`prepare`); cheap, the network is not compiled again."""
        sources = event_sources(
            self.model, self.catalogue, self.compiled, self.effects, quality=quality
        )
        return dataclasses.replace(self, sources=sources)


def prepare(
    model: NetworkModel,
    catalogue: Catalogue,
    quality: Quality | AssuranceEvidence | None = None,
) -> Prepared:
    """Compile ``model`` and derive its event sources (raises InputError on bad parameters).

    ``quality`` is the model's assurance evidence, which moves rates by the catalogue's
    ``simulation.evidence`` rule: the assessment computes it
    (:func:`fiveguard.assess.quality.assessed_quality`). It may instead map a supplier id
    to a product quality given outright with a reason in words (``(Level.HIGH, "raised
    from medium by ev-1")``), taken for every version of its products. Without it, a
    version's fault probability follows the model's score.
    """
    effects = operator_effects(model, catalogue)
    compiled = compile_network(model, catalogue, effects=effects)
    return Prepared(
        model,
        catalogue,
        compiled,
        effects,
        event_sources(model, catalogue, compiled, effects, quality=quality),
    )


def simulate(
    model: NetworkModel | Prepared,
    catalogue: Catalogue,
    trials: int,
    seed: int,
    *,
    workers: int = 1,
    scheduler: object | None = None,
    progress: Progress | None = None,
    connect_timeout: float | None = None,
    storm_hours: FloatArray | None = None,
) -> SimulationResult:
    """A Monte Carlo run of ``trials`` years: distributions, exceedance and event sources.

    ``scheduler`` is a Dask scheduler address or ``distributed.Client``; without it,
    ``workers`` local processes run the batches. ``connect_timeout``: seconds allowed for
    connecting to a scheduler address (default ``cluster.CONNECT_TIMEOUT``). The same seed
    gives the same result whatever the workers, batches or scheduler.

    ``storm_hours`` (``(trials,)``, optional): more hours per trial, added to the
    duration of that trial's largest incident. The storms the rule starts need none: an
    incident whose event alone starts one counts its recovery hours itself
    (:func:`fiveguard.simulate.incidents.incidents_of`).
    """
    ready = model if isinstance(model, Prepared) else prepare(model, catalogue)
    impacts = run_trials(
        ready.compiled,
        ready.sources,
        trials,
        seed,
        workers=workers,
        scheduler=scheduler,  # type: ignore[arg-type]
        progress=progress,
        connect_timeout=connect_timeout,
    )
    events = source_results(ready.model, catalogue, ready.compiled, ready.sources, ready.effects)
    plan = time_plan(ready.model, catalogue, ready.compiled)
    time = None
    if plan is not None:
        per_trial = run_time(
            ready.compiled,
            ready.sources,
            plan,
            trials,
            seed,
            storm_hours=storm_hours,
            workers=workers if scheduler is None else 1,
        )
        time = simulated_time(ready.compiled, catalogue, plan, per_trial)
    result = simulation_result(
        ready.compiled,
        catalogue,
        impacts,
        seed=seed,
        model=ready.model.source,
        events=events,
        time=time,
    )
    assumed = power_assumptions(ready.model, catalogue, effects=ready.effects)
    return result.model_copy(update={"assumptions": assumed})


__all__ = [
    "AssuranceEvidence",
    "CompiledNetwork",
    "Event",
    "EventType",
    "Mode",
    "Prepared",
    "Quality",
    "SimulationResult",
    "SupplierEvent",
    "WhatIfResult",
    "compile_network",
    "parse_event",
    "prepare",
    "simulate",
    "whatif",
    "worst_supplier_events",
]
