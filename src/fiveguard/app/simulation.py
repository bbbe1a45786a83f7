"""What-if and Monte Carlo on a model: events parsed from their text form, the
deterministic impact of events happening together, and simulated years with product
quality after the assurance evidence (as the assessment has it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.events import Event, EventType, Mode
from fiveguard.simulate.results import SimulationResult, SupplierEvent, WhatIfResult


@dataclass(frozen=True)
class ParsedEvents:
    """Events as given, and the options given that apply to none of them."""

    events: tuple[Event, ...]
    unused: tuple[str, ...]


def parse_events(texts: Sequence[str], *, mode: Mode | None, hours: float | None) -> ParsedEvents:
    """Every event of ``texts`` (``TYPE:TARGET``), all problems raised together."""
    from fiveguard.simulate import parse_event

    events: list[Event] = []
    problems: list[Problem] = []
    for text in texts:
        try:
            events.append(parse_event(text, mode=mode, hours=hours))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    types = {e.type for e in events}
    unused = []
    if mode is not None and EventType.SUPPLIER_UPDATE not in types:
        unused.append("--mode applies to supplier-update events only, and none was given")
    if hours is not None and EventType.REGION_POWER not in types:
        unused.append("--hours applies to region-power events only, and none was given")
    return ParsedEvents(tuple(events), tuple(unused))


def what_if(model: NetworkModel, catalogue: Catalogue, events: Sequence[Event]) -> WhatIfResult:
    """The impact of ``events`` happening together, deterministically."""
    from fiveguard.simulate import whatif

    return whatif(model, catalogue, list(events))


def monte_carlo(
    model: NetworkModel,
    catalogue: Catalogue,
    trials: int,
    seed: int,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    connect_timeout: float | None = None,
) -> SimulationResult:
    """``trials`` simulated years of supplier-level events, with each supplier's product
    quality after its assurance evidence; the same seed gives the same result whatever
    the workers or the scheduler."""
    from fiveguard.assess.quality import assessed_quality
    from fiveguard.simulate import prepare, simulate

    ready = prepare(model, catalogue, assessed_quality(model, catalogue))
    return simulate(
        ready,
        catalogue,
        trials,
        seed,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        connect_timeout=connect_timeout,
    )


def demo_monte_carlo(
    model: NetworkModel, catalogue: Catalogue
) -> tuple[SimulationResult, list[SupplierEvent]]:
    """The demo's simulation: ``demo_trials`` years from the catalogue, seed 0, in this
    process, and the single-supplier events."""
    from fiveguard.assess.quality import assessed_quality
    from fiveguard.simulate import prepare, simulate, worst_supplier_events

    ready = prepare(model, catalogue, assessed_quality(model, catalogue))
    result = simulate(ready, catalogue, catalogue.simulation.demo_trials, 0, workers=1)
    return result, list(worst_supplier_events(model, catalogue, compiled=ready.compiled))
