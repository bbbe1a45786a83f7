"""Monte Carlo sources of changes pushed to many elements at once and of limits reached.

The incident record's whole-operator outages started by an operator's own change (T-Mobile
US 2020, KDDI 2022, Rogers 2022, AT&T 2024) and by a trigger outside it (Optus 2023) took
down every element of one kind or one product at once. These two sources stand for them,
per operator and year, at the record's rates:

- a **pushed change** (``simulation.change_push``): every asset of one kind in the
  source's target domains at the operator, the kind chosen uniformly among the operator's
  kinds there, is down (what ``change-push:OPERATOR/KIND`` does in ``fiveguard whatif``);
  the record's ``change-error-outage`` rate, lowered by the operator's TM05 measures as a
  misconfiguration is;
- a **limit reached** (``simulation.limit_reached``): every asset of one product in the
  target domains at the operator, the product chosen uniformly, is down (what
  ``limit-reached:OPERATOR/PRODUCT`` does); the record's ``external-trigger-outage`` rate.

Both are sampled after the national sources of a block, so adding them leaves every other
source's draws as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.catalog.rates import annual_probability, posterior_mean
from fiveguard.domain.base import split_product_ref
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.catalogue.simulation import GroupEventParameters
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.measures import OperatorEffects

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GroupStep:
    """One step of a group source's derivation (as :class:`sources.Step`)."""

    parameter: str
    value: str
    note: str


@dataclass(frozen=True, eq=False)
class GroupSource:
    """Per operator, a yearly Bernoulli source taking down every asset of one group (a
    kind or a product of the operator), chosen uniformly among the operator's groups.

    The groups of operator ``k`` are ``group_ptr[k] : group_ptr[k+1]``; the assets of
    group ``g`` are ``assets[asset_ptr[g] : asset_ptr[g+1]]``."""

    kind: EventType
    probability: FloatArray  # (K,)
    group_ptr: IntArray  # (K+1,)
    selectors: tuple[str, ...]  # (G,) the kind or product id of each group
    asset_ptr: IntArray  # (G+1,)
    assets: IntArray
    steps: tuple[tuple[GroupStep, ...], ...]  # (K,)

    def sample(
        self, rng: np.random.Generator, hits: tuple[IntArray, IntArray]
    ) -> tuple[IntArray, IntArray, IntArray]:
        """``(trials, assets, hit)`` down for the hits ``(operators, trials)``: each hit
        picks one of its operator's groups uniformly (one draw per hit) and takes all of
        it; ``hit`` numbers the hit each row belongs to (a hit's rows are consecutive)."""
        operator, trial = hits
        if operator.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        first = self.group_ptr[operator]
        group = first + rng.integers(0, self.group_ptr[operator + 1] - first)
        sizes = self.asset_ptr[group + 1] - self.asset_ptr[group]
        within = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(sizes) - sizes, sizes
        )
        assets = self.assets[np.repeat(self.asset_ptr[group], sizes) + within]
        hit = np.repeat(np.arange(operator.size, dtype=np.int64), sizes)
        return np.repeat(trial, sizes).astype(np.int64), assets.astype(np.int64), hit

    def event(self, operator: str, g: int) -> Event:
        """The what-if event of group ``g`` at ``operator``."""
        return Event(self.kind, f"{operator}/{self.selectors[g]}")


def group_sources(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    effects: OperatorEffects,
    domains: list[object],
) -> tuple[GroupSource | None, GroupSource | None]:
    """The pushed-change and limit-reached sources of a model (``None`` where the
    catalogue has no such section). ``domains``: each asset kind's domain."""
    params = catalogue.simulation
    push = (
        _group_source(
            model, catalogue, compiled, params.change_push, EventType.CHANGE_PUSH,
            effects.misconfiguration, domains, by_product=False,
        )
        if params.change_push is not None
        else None
    )  # fmt: skip
    limit = (
        _group_source(
            model, catalogue, compiled, params.limit_reached, EventType.LIMIT_REACHED,
            np.ones(len(compiled.operators)), domains, by_product=True,
        )
        if params.limit_reached is not None
        else None
    )  # fmt: skip
    return push, limit


def rate_of(catalogue: Catalogue, params: GroupEventParameters) -> float:
    """The source's annual probability per operator: the record rate's posterior mean."""
    record = catalogue.incidents
    return annual_probability(posterior_mean(record, record.rates[params.record_rate]))


def _group_source(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    params: GroupEventParameters,
    kind: EventType,
    measure: npt.NDArray[np.float64],
    domains: list[object],
    *,
    by_product: bool,
) -> GroupSource:
    table = model.table
    wanted = set(params.target_domains)
    in_scope = np.asarray([d in wanted for d in domains] + [False])
    assets = np.flatnonzero(in_scope[table.kind])
    if by_product:
        refs = table.product_versions
        product_of = np.asarray([*(split_product_ref(r)[0] for r in refs), ""], dtype=object)
        keys = product_of[table.product_version[assets]]
        assets = assets[keys != ""]
        keys = keys[keys != ""]
    else:
        keys = np.asarray([*table.kinds, ""], dtype=object)[table.kind[assets]]
    operator = compiled.asset_operator[assets]
    k_count = len(compiled.operators)
    selectors: list[str] = []
    group_ptr = [0]
    asset_ptr = [0]
    members: list[IntArray] = []
    for k in range(k_count):
        mine = operator == k
        for key in sorted(set(keys[mine].tolist())):
            chosen = assets[mine & (keys == key)]
            selectors.append(str(key))
            members.append(chosen.astype(np.int64))
            asset_ptr.append(asset_ptr[-1] + chosen.size)
        group_ptr.append(len(selectors))
    ptr = np.asarray(group_ptr, dtype=np.int64)
    base = rate_of(catalogue, params)
    has_groups = np.diff(ptr) > 0
    probability = base * np.asarray(measure, dtype=np.float64) * has_groups
    rule = catalogue.incidents.rates[params.record_rate]
    section = "change_push" if kind is EventType.CHANGE_PUSH else "limit_reached"
    what = "product" if by_product else "kind"
    steps = tuple(
        (
            GroupStep(
                f"simulation.{section}.record_rate = {params.record_rate}",
                f"{base:.3g}",
                f"per operator and year: the incident record's posterior mean "
                f"({rule.title.lower()}); a {what} chosen uniformly among the operator's "
                f"{int(ptr[k + 1] - ptr[k])} in {', '.join(d.value for d in params.target_domains)}"
                + ("" if has_groups[k] else " (none, so the source is off)"),
            ),
            *(
                (
                    GroupStep(
                        f"measures at {operator_id}",
                        f"× {measure[k]:.4g}",
                        "as for misconfigurations (TM05)",
                    ),
                )
                if measure[k] != 1.0
                else ()
            ),
        )
        for k, operator_id in enumerate(compiled.operators)
    )
    return GroupSource(
        kind=kind,
        probability=probability.astype(np.float64),
        group_ptr=ptr,
        selectors=tuple(selectors),
        asset_ptr=np.asarray(asset_ptr, dtype=np.int64),
        assets=np.concatenate(members) if members else np.zeros(0, dtype=np.int64),
        steps=steps,
    )
