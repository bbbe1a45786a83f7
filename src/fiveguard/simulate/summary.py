"""From per-trial impacts to a :class:`SimulationResult`: distributions, exceedance, how
often and how much each critical service is hit, and the events list."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.simulate.capacity import simulated_partial_service
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.metrics import (
    IMPACT_FIELDS,
    TrialImpacts,
    carrying_assets,
    exceedance_curve,
    summarise,
)
from fiveguard.simulate.results import (
    CurvePoint,
    Distribution,
    Distributions,
    EventSourceResult,
    Exceedance,
    ServiceShare,
    SimulationResult,
)

PEOPLE_FIELDS = ("people_without_service", "subscribers_exposed")


def distributions(values: npt.NDArray[np.int64], catalogue: Catalogue) -> Distributions:
    """One distribution per impact; ``values``: ``(T, 5)`` in :data:`IMPACT_FIELDS` order."""
    thresholds = catalogue.simulation.exceedance
    out: dict[str, Distribution] = {}
    for i, name in enumerate(IMPACT_FIELDS):
        levels: Sequence[int] = thresholds.people if name in PEOPLE_FIELDS else thresholds.assets
        s = summarise(values[:, i], levels)
        out[name] = Distribution(
            mean=s.mean,
            p50=s.p50,
            p95=s.p95,
            p99=s.p99,
            max=s.max,
            exceedance=tuple(
                Exceedance(threshold=t, probability=p)
                for t, p in zip(s.thresholds, s.exceedance, strict=True)
            ),
        )
    return Distributions(**out)


def service_share(hit: npt.NDArray[np.int64], carrying: int, threshold: float) -> ServiceShare:
    """The share of ``carrying`` assets hit per year (``hit``: ``(T,)`` counts) and the
    share of years in which it is at least ``threshold``."""
    s = summarise(hit, ())
    return ServiceShare(
        carrying_assets=carrying,
        mean=s.mean / carrying,
        p50=s.p50 / carrying,
        p95=s.p95 / carrying,
        p99=s.p99 / carrying,
        max=s.max / carrying,
        threshold=threshold,
        # compared as a quotient, so that 3 of 30 reaches 0.1 (0.1 × 30 > 3 in floats)
        probability=float((hit / carrying >= threshold).mean()),
    )


def service_shares(
    compiled: CompiledNetwork, catalogue: Catalogue, impacts: TrialImpacts
) -> dict[str, ServiceShare]:
    """Per critical service, the distribution of the share of its carrying assets down or
    compromised, and the annual probability of at least the catalogue's share."""
    threshold = catalogue.simulation.critical_services.share_threshold
    return {
        service: service_share(impacts.service_assets[:, k], carrying, threshold)
        for k, (service, carrying) in enumerate(
            zip(compiled.services, carrying_assets(compiled).tolist(), strict=True)
        )
    }


def simulation_result(
    compiled: CompiledNetwork,
    catalogue: Catalogue,
    impacts: TrialImpacts,
    *,
    seed: int,
    model: str | None,
    events: Sequence[EventSourceResult],
) -> SimulationResult:
    """The summary of a Monte Carlo run."""
    return SimulationResult(
        model=model,
        trials=impacts.trials,
        seed=seed,
        distributions=distributions(impacts.national, catalogue),
        by_operator={
            o: distributions(impacts.by_operator[:, k], catalogue)
            for k, o in enumerate(compiled.operators)
        },
        by_region={
            r: distributions(impacts.by_region[:, k], catalogue)
            for k, r in enumerate(compiled.regions)
        },
        critical_services={
            s: float(impacts.services[:, k].mean()) for k, s in enumerate(compiled.services)
        },
        critical_service_shares=service_shares(compiled, catalogue, impacts),
        exceedance_curve=tuple(
            CurvePoint(people=x, probability=p) for x, p in exceedance_curve(impacts.national[:, 0])
        ),
        events=tuple(events),
        parameters=catalogue.simulation.source,
        partial_service=simulated_partial_service(compiled, impacts),
    )
