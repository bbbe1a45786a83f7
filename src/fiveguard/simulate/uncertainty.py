"""Parameter uncertainty in the Monte Carlo: an outer draw of rates per batch of trials.

The trials are cut into ``draws`` runs of whole sampling blocks. For each run, every event
source the incident record speaks to (``incidents.rates`` whose ``informs`` names the
source's section) has its probabilities multiplied, as a rate, by a gamma variate of mean
1 and shape equal to the rate's posterior shape: the record's relative uncertainty applied
to the catalogue's value (p → 1 − (1 − p)^m). The reach of a product fault (the
probability that a version's fault reaches each operator running it) is drawn too, from
the Beta posterior of the record's share it rests on (``product_fault.reach_share``); the
version's probability follows it, so that each deployment keeps its rate (the version's
probability is the deployment's over the reach). Sources the record says nothing of
(asset failures) are held fixed, and the output says so. The pooled trials give the figures
with parameter uncertainty included; the spread of each draw's figure gives its interval.

The multipliers and reaches come from their own stream (the seed with a spawn key of
their own), drawn per run in the order of :func:`uncertain_sources`, and the trials keep
their numbers and their streams: the events of a trial depend only on the seed, the
trial's number and its draw's parameters.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import numpy.typing as npt

from fiveguard.catalog.rates import derive_rate, derive_share
from fiveguard.domain.catalogue import Catalogue
from fiveguard.simulate import Prepared
from fiveguard.simulate.assumptions import power_assumptions
from fiveguard.simulate.contributions import source_results
from fiveguard.simulate.engines import MAX_BLOCKS_PER_BATCH, Batch, run_batch
from fiveguard.simulate.incident_runs import run_time_per_draw
from fiveguard.simulate.incidents import time_plan
from fiveguard.simulate.metrics import PEOPLE, TrialImpacts, summarise
from fiveguard.simulate.pushes import GroupSource
from fiveguard.simulate.results import (
    ExceedanceInterval,
    Interval,
    ParameterUncertainty,
    SimulationResult,
    UncertainSource,
)
from fiveguard.simulate.sampling import BLOCK_TRIALS
from fiveguard.simulate.sources import EventSources
from fiveguard.simulate.summary import simulated_time, simulation_result

FloatArray = npt.NDArray[np.float64]

SOURCE_FIELDS: dict[str, str] = {
    "supplier_update": "update_probability",
    "product_fault": "fault_probability",
    "misconfiguration": "misconfiguration_probability",
    "power_loss": "power_probability",
    "change_push": "change_push",
    "limit_reached": "limit_reached",
}
"""Each source section that can be drawn, and the probabilities it sets."""

FIXED = ("asset_failure",)
"""Sections held at their values (the record has no rate for them); so is any section of
:data:`SOURCE_FIELDS` no rate of the record informs (misconfigurations of one element)."""

MULTIPLIER_KEY = 0x5EED_CA1
"""Spawn key of the multipliers' stream, apart from the blocks' (small integers)."""

REACH = "product_fault.reach"
"""The name of a product fault's drawn reach among the uncertain sources."""


def uncertain_sources(catalogue: Catalogue) -> list[UncertainSource]:
    """The sources whose rates are drawn, each with the record rate that sets its spread,
    then (last, so the rates' draws come first from the stream) a product fault's reach
    with the record share whose Beta posterior it is drawn from."""
    record = catalogue.incidents
    out = []
    for section in SOURCE_FIELDS:
        target = f"simulation.{section}"
        for rule in record.rates.values():
            informs = rule.informs.split(" ", 1)[0]
            if informs == target or informs.startswith(target + "."):
                derived = derive_rate(record, rule)
                out.append(UncertainSource(source=section, rule=rule.id, shape=derived.shape))
                break
    share_id = catalogue.simulation.product_fault.reach_share
    if share_id is not None:
        share = derive_share(record, record.shares[share_id])
        out.append(UncertainSource(source=REACH, rule=share_id, alpha=share.alpha, beta=share.beta))
    return out


def draw_parameters(
    uncertain: list[UncertainSource], rng: np.random.Generator
) -> tuple[dict[str, float], float | None]:
    """One draw: each rate's multiplier (by source) and the reach (``None``: held)."""
    multipliers: dict[str, float] = {}
    reach = None
    for u in uncertain:
        if u.alpha is not None and u.beta is not None:
            reach = float(rng.beta(u.alpha, u.beta))
        elif u.shape is not None:
            multipliers[u.source] = float(rng.gamma(u.shape, 1.0 / u.shape))
    return multipliers, reach


def scaled(
    sources: EventSources, multipliers: dict[str, float], reach: float | None = None
) -> EventSources:
    """``sources`` with each named section's probabilities scaled as rates by its
    multiplier: p → 1 − (1 − p)^m; with ``reach``, a version's fault reaches each operator
    with that probability and its fault probability is the deployment's (the version's
    times the held reach) over it, at most 1, before its multiplier."""

    def rate_scaled(p: FloatArray, section: str) -> FloatArray:
        m = multipliers.get(section, 1.0)
        return -np.expm1(m * np.log1p(-np.minimum(p, 1.0 - 1e-15)))

    def _group_scaled(group: GroupSource | None, section: str) -> GroupSource | None:
        if group is None:
            return None
        return dataclasses.replace(group, probability=rate_scaled(group.probability, section))

    fault = sources.fault_probability
    if reach is not None:
        fault = np.minimum(1.0, fault * (sources.fault_reach / reach))
    return dataclasses.replace(
        sources,
        update_probability=rate_scaled(sources.update_probability, "supplier_update"),
        fault_probability=rate_scaled(fault, "product_fault"),
        fault_reach=sources.fault_reach if reach is None else reach,
        misconfiguration_probability=rate_scaled(
            sources.misconfiguration_probability, "misconfiguration"
        ),
        power_probability=rate_scaled(sources.power_probability, "power_loss"),
        change_push=_group_scaled(sources.change_push, "change_push"),
        limit_reached=_group_scaled(sources.limit_reached, "limit_reached"),
    )


def draw_blocks(trials: int, draws: int) -> list[tuple[int, int]]:
    """Per draw, its first block and number of trials: whole blocks, as even as can be."""
    blocks = -(-trials // BLOCK_TRIALS)
    draws = max(1, min(draws, blocks))
    edges = np.linspace(0, blocks, draws + 1).round().astype(int)
    out = []
    for first, end in itertools.pairwise(edges.tolist()):
        n = min(int(end) * BLOCK_TRIALS, trials) - int(first) * BLOCK_TRIALS
        out.append((int(first), n))
    return out


def drawn_impacts(
    ready: Prepared, uncertain: list[UncertainSource], trials: int, seed: int, draws: int
) -> tuple[TrialImpacts, list[tuple[int, int]]]:
    """The impacts of trials ``0 … trials-1``, each run of blocks (:func:`draw_blocks`)
    with its own draw of ``uncertain``: the trials in order, and the runs."""
    plan = draw_blocks(trials, draws)
    parts: list[TrialImpacts] = []
    for sources, (first, count) in zip(
        drawn_sources(ready, uncertain, seed, plan), plan, strict=True
    ):
        done = 0
        while done < count:
            n = min(MAX_BLOCKS_PER_BATCH * BLOCK_TRIALS, count - done)
            batch = Batch(first + done // BLOCK_TRIALS, n)
            parts.append(run_batch(ready.compiled, sources, seed, batch))
            done += n
    return TrialImpacts.concat(parts), plan


def drawn_sources(
    ready: Prepared, uncertain: list[UncertainSource], seed: int, plan: list[tuple[int, int]]
) -> list[EventSources]:
    """The sources of each run of ``plan``, with that run's draw of ``uncertain``."""
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(MULTIPLIER_KEY,)))
    )
    return [scaled(ready.sources, *draw_parameters(uncertain, rng)) for _ in plan]


def simulate_with_uncertainty(
    ready: Prepared, catalogue: Catalogue, trials: int, seed: int, draws: int
) -> SimulationResult:
    """A Monte Carlo of ``trials`` years whose parameters are drawn ``draws`` times (once
    per run of blocks), with intervals on the national people without service."""
    uncertain = uncertain_sources(catalogue)
    impacts, plan = drawn_impacts(ready, uncertain, trials, seed, draws)
    events = source_results(ready.model, catalogue, ready.compiled, ready.sources, ready.effects)
    time_of = time_plan(ready.model, catalogue, ready.compiled)
    time = None
    if time_of is not None:
        runs = [
            (sources, first, count)
            for sources, (first, count) in zip(
                drawn_sources(ready, uncertain, seed, plan), plan, strict=True
            )
        ]
        per_trial = run_time_per_draw(ready.compiled, runs, time_of, seed)
        time = simulated_time(ready.compiled, catalogue, time_of, per_trial)
    result = simulation_result(
        ready.compiled,
        catalogue,
        impacts,
        seed=seed,
        model=ready.model.source,
        events=events,
        time=time,
    )
    people = impacts.national[:, PEOPLE]
    thresholds = catalogue.simulation.exceedance.people
    level = catalogue.incidents.interval
    per_draw = []
    start = 0
    for _, count in plan:
        per_draw.append(summarise(people[start : start + count], thresholds))
        start += count
    pooled = summarise(people, thresholds)

    def interval(estimate: float, values: list[float]) -> Interval:
        low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2]).tolist()
        return Interval(estimate=estimate, low=float(low), high=float(high))

    uncertainty = ParameterUncertainty(
        draws=len(plan),
        trials_per_draw=plan[0][1],
        level=level,
        sources=tuple(uncertain),
        fixed=(
            *FIXED,
            *(
                section
                for section in SOURCE_FIELDS
                if getattr(catalogue.simulation, section) is not None
                and section not in {u.source for u in uncertain}
            ),
            *(
                (REACH,)
                if catalogue.simulation.product_fault.reach_share is not None
                and REACH not in {u.source for u in uncertain}
                else ()
            ),
        ),
        people_mean=interval(pooled.mean, [d.mean for d in per_draw]),
        people_p95=interval(pooled.p95, [d.p95 for d in per_draw]),
        people_p99=interval(pooled.p99, [d.p99 for d in per_draw]),
        people_exceedance=tuple(
            ExceedanceInterval(
                threshold=t,
                probability=interval(pooled.exceedance[i], [d.exceedance[i] for d in per_draw]),
            )
            for i, t in enumerate(pooled.thresholds)
        ),
    )
    assumed = power_assumptions(ready.model, catalogue, effects=ready.effects)
    return result.model_copy(update={"parameter_uncertainty": uncertainty, "assumptions": assumed})
