"""From per-trial impacts to a :class:`SimulationResult`: distributions, exceedance, how
often and how much each critical service is hit, and the events list."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.simulate.capacity import simulated_partial_service
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.incidents import KINDS, TimePlan, TrialTime
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
    ReportingFrequency,
    ServiceShare,
    SimulatedTime,
    SimulationResult,
    Spread,
    Step,
)
from fiveguard.simulate.service_results import service_distributions

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
    time: SimulatedTime | None = None,
) -> SimulationResult:
    """The summary of a Monte Carlo run."""
    by_service, by_service_operator = service_distributions(compiled, catalogue, impacts)
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
        service_distributions=by_service,
        service_distributions_by_operator=by_service_operator,
        time=time,
        partial_service=simulated_partial_service(compiled, impacts),
    )


def spread(values: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> Spread:
    """Mean, ``inverted_cdf`` percentiles (values that occurred) and maximum of ``(T,)``."""
    data = np.asarray(values, dtype=np.float64)
    p50, p95, p99 = np.percentile(data, [50, 95, 99], method="inverted_cdf").tolist()
    return Spread(
        mean=float(data.sum()) / data.shape[0], p50=p50, p95=p95, p99=p99, max=float(data.max())
    )


def time_basis(catalogue: Catalogue) -> tuple[Step, ...]:
    """The catalogue parameters the Monte Carlo's durations are drawn with."""
    params = catalogue.simulation.incident_time
    if params is None:
        return ()
    steps = []
    for kind in KINDS:
        time = params.restoration.get(kind)
        if time is not None:
            steps.append(
                Step(
                    parameter=f"simulation.incident_time.restoration.{kind}",
                    value=f"log-normal, median {time.median_hours:g} h, sigma {time.sigma:g}",
                    note=time.source,
                )
            )
    power = catalogue.simulation.power_loss.duration
    steps.append(
        Step(
            parameter="simulation.power_loss",
            value=f"log-normal, median {power.median_hours:g} h, sigma {power.sigma:g}",
            note=(
                "a power loss lasts the hours drawn for it against the sites' autonomy; its "
                "user-hours count each site from when its battery ran out"
            ),
        )
    )
    ext = params.extensions
    if ext.management_down is not None:
        steps.append(
            Step(
                parameter="simulation.incident_time.extensions.management_down",
                value=f"+{ext.management_down.hours:g} h",
                note="when a mgmt.* asset is down in the incident; " + ext.management_down.source,
            )
        )
    if ext.site_access is not None:
        steps.append(
            Step(
                parameter="simulation.incident_time.extensions.site_access",
                value=f"+{ext.site_access.hours:g} h",
                note=f"for {', '.join(ext.site_access.kinds)}; {ext.site_access.source}",
            )
        )
    storms = catalogue.simulation.storms
    if storms is not None and (storms.trigger_share is not None or storms.trigger_kinds):
        steps.append(
            Step(
                parameter="simulation.storms.recovery_hours",
                value=f"+{storms.recovery_hours:g} h",
                note=(
                    "when the incident's event starts a signalling storm; the people the "
                    "storm takes count for these hours only"
                ),
            )
        )
    return tuple(steps)


def simulated_time(
    compiled: CompiledNetwork, catalogue: Catalogue, plan: TimePlan, time: TrialTime
) -> SimulatedTime:
    """The summary of the incidents' per-trial figures."""
    return SimulatedTime(
        incidents=spread(time.incidents),
        user_hours=spread(time.user_hours),
        user_hours_by_operator={
            o: spread(time.user_hours_by_operator[:, k]) for k, o in enumerate(compiled.operators)
        },
        user_hours_by_region={
            r: spread(time.user_hours_by_region[:, k]) for k, r in enumerate(compiled.regions)
        },
        worst_outage_hours=spread(time.worst_hours),
        longest_outage_hours=spread(time.longest_hours),
        reporting=tuple(
            ReportingFrequency(
                threshold=t.id,
                authority=t.authority,
                per=t.per,
                reports=spread(time.reports[:, j]),
                probability=float((time.reports[:, j] > 0).mean()),
            )
            for j, t in enumerate(plan.thresholds)
        ),
        basis=time_basis(catalogue),
    )
