"""The federated Monte Carlo, the coordinator's side: the states' per-trial impacts of the
cross-border sources, summed trial by trial into an EU distribution.

Every state drew its cross-border events from the same keyed streams under the same seed
(:mod:`fiveguard.exchange.federated`), so trial t is the same simulated year everywhere: a
supplier's update in trial t is in every state's trial t. Summing the vectors trial by
trial keeps that correlation, and gives exactly what one run over the states' networks
together would (``tests/exchange/test_federated_sum.py`` checks this trial for trial).
The sum needs one scheme, one seed and one trial count: any state that differs from
most, and any vector that cannot be read, refuses the run with a located message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.parties import Tlp, most_restrictive
from fiveguard.exchange.coordinate_parts import Shown, Used
from fiveguard.exchange.coordination import (
    FederatedImpact,
    FederatedState,
    FederatedView,
    StatesHitPoint,
    Withheld,
)
from fiveguard.exchange.federated import VECTOR_FIELDS, decode_section
from fiveguard.exchange.summary import FederatedSection, Section
from fiveguard.simulate.metrics import exceedance_curve, summarise
from fiveguard.simulate.results import CurvePoint

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
PATH = "payload.predicate.federated"
PEOPLE, EXPOSED, DOWN, COMPROMISED = range(4)
SEVERAL = 2
"""Years hitting this many states or more are cross-border years."""


@dataclass(frozen=True)
class StateVectors:
    """One state's decoded vectors: ``(trials, 4)`` in :data:`VECTOR_FIELDS` order."""

    country: str
    values: IntArray
    tlp: Tlp


def federated_view(used: Sequence[Used], shown: Shown) -> FederatedView | None:
    """The EU sum of the federated sections the view may show; None when there are none.

    Raises InputError (every problem, located) when the sections disagree on scheme, seed
    or trials, or a vector cannot be read.
    """
    carrying: list[tuple[Used, FederatedSection, Tlp]] = []
    left: list[Withheld] = []
    for u in used:
        section, label = u.summary.federated, shown(u, Section.SIMULATION)
        simulation_label = u.summary.label_of(Section.SIMULATION)
        if section is None:
            reason = "no federated section: exported without a Monte Carlo"
        elif label is None:
            reason = "the simulation section it travels under is withheld from this view"
        else:
            carrying.append((u, section, label))
            continue
        left.append(
            Withheld(country=u.country, section="federated", tlp=simulation_label, reason=reason)
        )
    if not carrying:
        return None
    _check_agreement(carrying)
    states: list[StateVectors] = []
    problems: list[Problem] = []
    for u, section, label in carrying:
        try:
            values = decode_section(section, u.verified.file, PATH)
        except InputError as exc:
            problems += exc.problems
            continue
        states.append(StateVectors(u.country, values, label))
    if problems:
        raise InputError(problems)
    first = carrying[0][1]
    return summed(states, trials=first.trials, seed=first.seed, scheme=first.scheme, left=left)


def _check_agreement(carrying: Sequence[tuple[Used, FederatedSection, Tlp]]) -> None:
    """Every section on the scheme, seed and trials most states use (the first state's,
    among equally common ones); each other one a located problem."""
    settings = [(s.scheme, s.seed, s.trials) for _, s, _ in carrying]
    common = max(settings, key=settings.count)
    reference, ref_section, _ = carrying[settings.index(common)]
    problems = []
    for u, section, _ in carrying:
        for field, what in (("scheme", "stream scheme"), ("seed", "seed"), ("trials", "trials")):
            mine, theirs = getattr(section, field), getattr(ref_section, field)
            if mine != theirs:
                problems.append(
                    Problem(
                        Location(u.verified.file, path=f"{PATH}.{field}"),
                        f"{field} {mine}, but {reference.country}'s summary "
                        f"({reference.verified.file}) has {theirs}: the federated sum needs "
                        f"every state on the same {what}; export again with --seed "
                        f"{ref_section.seed} --trials {ref_section.trials}",
                    )
                )
    if problems:
        raise InputError(problems)


def if_independent(shares: FloatArray) -> FloatArray:
    """P(exactly k of independent events of probabilities ``shares`` happen), k = 0 … n
    (the Poisson binomial distribution)."""
    out = np.array([1.0])
    for p in shares.tolist():
        out = np.convolve(out, [1.0 - p, p])
    return out


def summed(
    states: Sequence[StateVectors], *, trials: int, seed: int, scheme: str, left: list[Withheld]
) -> FederatedView:
    """The EU view of ``states``' vectors (each ``(trials, 4)``), summed trial by trial."""
    stack = np.stack([s.values for s in states])  # (states, trials, 4)
    total = stack.sum(axis=0)
    hit = (stack[:, :, DOWN] + stack[:, :, COMPROMISED]) > 0  # (states, trials)
    count = hit.sum(axis=0)
    shares = hit.mean(axis=1)
    impacts = []
    for i, name in enumerate(VECTOR_FIELDS):
        s = summarise(total[:, i], ())
        impacts.append(
            FederatedImpact(impact=name, mean=s.mean, p50=s.p50, p95=s.p95, p99=s.p99, max=s.max)
        )
    frequency = np.bincount(count, minlength=len(states) + 1) / trials
    independent = if_independent(shares)
    return FederatedView(
        trials=trials,
        seed=seed,
        scheme=scheme,
        states=tuple(
            FederatedState(
                country=s.country,
                mean_people_without_service=float(s.values[:, PEOPLE].sum()) / trials,
                years_hit=float(shares[k]),
                tlp=s.tlp,
            )
            for k, s in enumerate(states)
        ),
        not_included=tuple(left),
        impacts=tuple(impacts),
        states_hit=tuple(
            StatesHitPoint(states=k, probability=float(p), if_independent=float(q))
            for k, (p, q) in enumerate(zip(frequency, independent, strict=True))
        ),
        mean_states_hit=float(count.mean()),
        two_or_more=float((count >= SEVERAL).mean()),
        two_or_more_if_independent=float(max(0.0, independent[SEVERAL:].sum())),
        exceedance_curve=tuple(
            CurvePoint(people=x, probability=p) for x, p in exceedance_curve(total[:, PEOPLE])
        ),
        tlp=most_restrictive([s.tlp for s in states]),
    )
