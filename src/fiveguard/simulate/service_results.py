"""Per-service and roaming figures as results: a what-if's, and the Monte Carlo's
distributions, each with the catalogue rule that counts it."""

from __future__ import annotations

import numpy as np

from fiveguard.domain.catalogue import Catalogue
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.metrics import PeopleCells, TrialImpacts, summarise
from fiveguard.simulate.results import (
    Distribution,
    Exceedance,
    RoamingImpact,
    ServiceImpact,
    Step,
)
from fiveguard.simulate.services import ROAMING_FIELDS, pools_in_words, roaming_rule


def service_derivation(catalogue: Catalogue, compiled: CompiledNetwork) -> tuple[Step, ...]:
    """Each service's rule and the roaming rule, as derivation steps."""
    rules = catalogue.simulation.services
    steps = []
    for name, rule in (rules.services if rules else {}).items():
        pools = pools_in_words(rule.needs)
        lost_by = (
            "customers whose radio stops broadcasting where no other operator's network "
            "serves the region (any network will do, roaming agreement or not), customers "
            "attached to a broadcasting radio whose core is down"
            if rule.any_network
            else "customers without service (roamers beyond the partners' capacity included)"
        )
        note = (
            f"{rule.title}: lost by {lost_by}, and by all of an operator's customers when, "
            "for one pool, every asset it runs of the pool's kinds is down"
        )
        note += "; wireline customers count when their access is down" if rule.wireline else ""
        steps.append(Step(parameter=f"simulation.services.services.{name}", value=pools, note=note))
    for operator, name, pools in compiled.service_rules.overrides:
        steps.append(
            Step(
                parameter=f"model: operators.{operator}.service_needs.{name}",
                value=pools,
                note=f"{operator}'s own pools for {name}, in place of the catalogue's",
            )
        )
    share = compiled.service_rules.spare_share
    steps.append(
        Step(
            parameter="simulation.roaming",
            value="no limit" if share is None else f"spare_capacity_share {share:g}",
            note=roaming_rule(compiled.service_rules),
        )
    )
    return tuple(steps)


def _levels(
    compiled: CompiledNetwork, cells: PeopleCells, trial: int, names: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    def named(row: np.ndarray) -> dict[str, int]:
        return {n: int(v) for n, v in zip(names, row.tolist(), strict=True)}

    return (
        named(cells.national[trial]),
        {o: named(cells.by_operator[trial, k]) for k, o in enumerate(compiled.operators)},
        {r: named(cells.by_region[trial, k]) for k, r in enumerate(compiled.regions)},
    )


def service_impact(
    compiled: CompiledNetwork, catalogue: Catalogue, impacts: TrialImpacts, trial: int
) -> ServiceImpact | None:
    """People losing each service in one trial; ``None`` without service rules."""
    rules = compiled.service_rules
    params = catalogue.simulation.services
    if impacts.by_service is None or params is None:
        return None
    national, by_operator, by_region = _levels(compiled, impacts.by_service, trial, rules.names)
    return ServiceImpact(
        national=national,
        by_operator=by_operator,
        by_region=by_region,
        titles={name: rule.title for name, rule in params.services.items()},
        derivation=service_derivation(catalogue, compiled),
    )


def roaming_impact(
    compiled: CompiledNetwork, impacts: TrialImpacts, trial: int
) -> RoamingImpact | None:
    """Roamers served by partners, and beyond their capacity, in one trial."""
    if impacts.roaming is None:
        return None
    national, by_operator, by_region = _levels(compiled, impacts.roaming, trial, ROAMING_FIELDS)
    return RoamingImpact(
        **national,
        by_operator=by_operator,
        by_region=by_region,
        rule=roaming_rule(compiled.service_rules),
    )


def _distribution(values: np.ndarray, thresholds: tuple[int, ...]) -> Distribution:
    s = summarise(values, thresholds)
    return Distribution(
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


def service_distributions(
    compiled: CompiledNetwork, catalogue: Catalogue, impacts: TrialImpacts
) -> tuple[dict[str, Distribution], dict[str, dict[str, Distribution]]]:
    """Per service, people losing it per simulated year: nationally and per operator."""
    cells = impacts.by_service
    if cells is None:
        return {}, {}
    levels = tuple(catalogue.simulation.exceedance.people)
    names = compiled.service_rules.names
    national = {n: _distribution(cells.national[:, s], levels) for s, n in enumerate(names)}
    by_operator = {
        o: {n: _distribution(cells.by_operator[:, k, s], levels) for s, n in enumerate(names)}
        for k, o in enumerate(compiled.operators)
    }
    return national, by_operator
