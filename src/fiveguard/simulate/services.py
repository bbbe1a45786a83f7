"""Per-service loss and roaming as it happens, counted exactly per trial.

Two catalogue rules (``simulation.services``, ``simulation.roaming``) turn the states of
the served parts into people:

- **Roaming.** A part's customers roam only when its radio stops broadcasting (the part's
  radio row is down: the asset itself, or what it needs that is not its operator's core);
  a dead core behind a live radio keeps their phones attached, without service. Roamers
  are served by the operator's partners in the region within their spare capacity: each
  partner's is a share of its own customers served there, rounded down, one budget
  shared by every operator whose customers roam onto it (other networks, MVNOs) in
  proportion to their roamers, rounded down (:func:`roamers_served`, the one place the
  rule is computed); the rest are without service.
- **Services.** An operator's service is lost when, for one of the service's pools of
  core kinds, every asset the operator runs of those kinds is down (an MVNO's are its
  host's). A customer loses a service when it is without service (as counted in
  ``people_without_service``) or its operator's service is lost, roaming or not. A
  service reached on *any network* (emergency calls) is lost by a customer whose radio
  stops broadcasting only when no other operator's network serves the region, and by a
  customer whose radio broadcasts when its part is down or its operator's service lost.
  Wireline customers count in a service when the catalogue says so, and lose it when
  their access is down.

The states give per serving row, trial by trial: ``D`` (its part is down), ``R`` (its
radio is down; ``D`` itself when the roaming rule is off), ``C`` (a roaming partner has a
part up in the region) and ``E`` (another operator's network has). Four sums of people
per operator-region cell follow (sparse products over the rows with a bit set, as in
:mod:`fiveguard.simulate.metrics`): ``D``; ``R & C`` (wanting to roam); ``(R & ~E) |
(D & ~R)`` and ``R & E`` (emergency without and with another network). A leaf hit (one
asset of a class down on its own) takes its asset's radio down: each of its parts moves
from its (``R``, ``D``) to (1, 1), and the sums take the difference. The rest is
arithmetic per cell: roamers against capacity, and each service's people where its
operator's service is lost or not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.bits import Plane, unpack

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ROAMING_FIELDS: tuple[str, ...] = ("people_roaming", "roamers_beyond_capacity")


@dataclass(frozen=True, eq=False)
class ServiceRules:
    """The compiled rules: ``S`` services, ``P`` pools, ``K`` operators.

    ``pool_classes`` (CSR by ``pool_ptr``) are each pool's asset classes; a pool belongs
    to one operator and one service. ``network[o]`` is the operator whose network serves
    ``o``'s customers (its host for an MVNO); ``others[o, p]``: ``p``'s network is not
    ``o``'s (emergency calls reach it without roaming)."""

    names: tuple[str, ...]
    any_network: BoolArray
    wireline: BoolArray
    pool_ptr: IntArray
    pool_classes: IntArray
    pool_operator: IntArray
    pool_service: IntArray
    network: IntArray
    others: BoolArray
    radio_down_only: bool
    spare_share: float | None
    overrides: tuple[tuple[str, str, str], ...] = ()
    """(operator, service, pools in words) where the model replaces the catalogue's pools."""

    @property
    def counted(self) -> bool:
        return bool(self.names)


def service_kind_keys(model: NetworkModel, catalogue: Catalogue) -> IntArray:
    """Per asset, its kind where the kind is in a service pool, else -1: assets of
    different such kinds never share a class."""
    t = model.table
    rules = catalogue.simulation.services
    named = {k for r in (rules.services.values() if rules else ()) for p in r.needs for k in p}
    for operator in model.document.operators:
        named |= {k for pools in operator.service_needs.values() for p in pools for k in p}
    codes = np.asarray([i if k in named else -1 for i, k in enumerate(t.kinds)] + [-1])
    return codes[t.kind].astype(np.int64)


def compile_rules(model: NetworkModel, catalogue: Catalogue, asset_class: IntArray) -> ServiceRules:
    """The rules of ``catalogue`` over ``model``'s classes (``asset_class``: per asset)."""
    t = model.table
    operators = model.document.operators
    k = len(operators)
    index = {o.id: i for i, o in enumerate(operators)}
    network = np.asarray(
        [index.get(o.hosted_by, i) if o.hosted_by else i for i, o in enumerate(operators)],
        dtype=np.int64,
    )
    others = network[:, None] != network[None, :]
    rules = catalogue.simulation.services
    roaming = catalogue.simulation.roaming
    services = rules.services if rules else {}
    ptr, classes, owner, service = [0], [], [], []
    for s, (name, rule) in enumerate(services.items()):
        for o in range(k):
            # the operator's own pools where the model gives them, else the catalogue's
            for pool in operators[o].service_needs.get(name, rule.needs):
                kinds = np.asarray([kind in pool for kind in t.kinds] + [False], dtype=bool)
                members = np.unique(asset_class[kinds[t.kind] & (t.operator == o)])
                if members.size:
                    classes.append(members)
                    ptr.append(ptr[-1] + members.size)
                    owner.append(o)
                    service.append(s)
    return ServiceRules(
        names=tuple(services),
        any_network=np.asarray([r.any_network for r in services.values()], dtype=bool),
        wireline=np.asarray([r.wireline for r in services.values()], dtype=bool),
        pool_ptr=np.asarray(ptr, dtype=np.int64),
        pool_classes=np.concatenate(classes) if classes else np.zeros(0, dtype=np.int64),
        pool_operator=np.asarray(owner, dtype=np.int64),
        pool_service=np.asarray(service, dtype=np.int64),
        network=network,
        others=others,
        radio_down_only=bool(roaming and roaming.only_when_radio_down),
        spare_share=roaming.spare_capacity_share if roaming else None,
        overrides=tuple(
            (o.id, name, pools_in_words(pools))
            for o in operators
            for name, pools in o.service_needs.items()
            if name in services
        ),
    )


def pools_in_words(pools: tuple[tuple[str, ...], ...]) -> str:
    """``[[a, b], [c]]`` as ``a or b; c``."""
    return "; ".join(" or ".join(pool) for pool in pools) or "nothing"


# ------------------------------------------------------------------------- per trial

Indicator = Callable[[Any, Any, Any, Any], Any]
"""A people sum's condition on the bits (R, D, C, E): bitwise, on planes or booleans."""


def _down(r: Any, d: Any, c: Any, e: Any) -> Any:
    return d


def _want_to_roam(r: Any, d: Any, c: Any, e: Any) -> Any:
    return r & c


def _no_other_network(r: Any, d: Any, c: Any, e: Any) -> Any:
    return (r & ~e) | (d & ~r)


def _other_network(r: Any, d: Any, c: Any, e: Any) -> Any:
    return r & e


INDICATORS: tuple[Indicator, ...] = (_down, _want_to_roam, _no_other_network, _other_network)
"""The four sums, in the order :class:`CellSums` holds them."""


@dataclass(frozen=True, eq=False)
class CellSums:
    """People per trial and operator-region cell, ``(T, G)`` each: of radio rows down,
    of wireline rows down, wanting to roam, down without another network (emergency), and
    with one."""

    down_radio: IntArray
    down_wire: IntArray
    want: IntArray
    alone: IntArray
    helped: IntArray


@dataclass(frozen=True, eq=False)
class ServedPeople:
    """Per trial and operator-region cell: people without service ``(T, G)``, roaming
    ``(T, G, 2)`` (served by partners, beyond their capacity) and per service
    ``(T, G, S)``."""

    without_service: IntArray
    roaming: IntArray
    by_service: IntArray


def served_people(
    sums: CellSums,
    rules: ServiceRules,
    total_radio: IntArray,
    partners: BoolArray,
    lost: BoolArray,
    n_regions: int,
) -> ServedPeople:
    """The arithmetic per cell: roamers against the partners' capacity, then services.

    ``total_radio``: ``(G,)`` people of the radio rows of each cell; ``partners``:
    ``(K, K)``; ``lost``: ``(T, K, S)`` each operator's services lost."""
    trials, g = sums.down_radio.shape
    k = g // (n_regions + 1)
    unserved = np.zeros_like(sums.want)
    if rules.spare_share is not None:
        up = (total_radio[None, :] - sums.down_radio).reshape(trials, k, n_regions + 1)
        want = sums.want.reshape(trials, k, n_regions + 1)
        # one case per (trial, region): operators along the last axis
        by_case = (trials * (n_regions + 1), k)
        served = roamers_served(
            want.transpose(0, 2, 1).reshape(by_case),
            up.transpose(0, 2, 1).reshape(by_case),
            partners,
            rules.spare_share,
        )
        served = served.reshape(trials, n_regions + 1, k).transpose(0, 2, 1)
        unserved = (want - served).reshape(trials, g)
    radio = sums.down_radio - sums.want + unserved
    roaming = np.stack([sums.want - unserved, unserved], axis=-1)
    n_services = len(rules.names)
    by_service = np.zeros((trials, g, n_services), dtype=np.int64)
    cell_lost = np.repeat(lost, n_regions + 1, axis=1)  # (T, G, S)
    for s in range(n_services):
        if rules.any_network[s]:
            people = np.where(cell_lost[:, :, s], total_radio[None, :] - sums.helped, sums.alone)
        else:
            people = np.where(cell_lost[:, :, s], total_radio[None, :], radio)
        by_service[:, :, s] = people + (sums.down_wire if rules.wireline[s] else 0)
    return ServedPeople(radio + sums.down_wire, roaming, by_service)


def roamers_served(
    want: IntArray, offered: IntArray, partners: BoolArray, share: float | None
) -> IntArray:
    """The roaming rule's capacity, case by case (a case: one region in one trial, or one
    asset failing alone): ``(B, K)`` roamers each operator's customers send, served.

    ``want``: ``(B, K)`` each operator's customers wanting to roam; ``offered``:
    ``(B, K)`` each operator's own customers served in the region (what its spare
    capacity is a share of); ``partners``: ``(K, K)``, ``[o, p]`` when ``o``'s customers
    roam onto ``p``'s network. Each partner ``p`` has one budget, ``floor(share ·
    offered[p])``, shared by every operator whose customers roam onto it in proportion
    to their roamers: ``o`` is granted ``floor(budget · want[o] / Σ want)`` (the sum over
    the operators roaming onto ``p``). An operator's roamers served are its grants over
    its partners, at most its roamers. ``share`` None: every roamer is served."""
    if share is None:
        return want.copy()
    budget = np.floor(share * offered.astype(np.float64)).astype(np.int64)
    demand = want @ partners.astype(np.int64)  # (B, K): roamers onto each partner
    granted = np.zeros_like(want)
    for p in np.flatnonzero(partners.any(axis=0)).tolist():
        mine = budget[:, p, None] * want // np.maximum(demand[:, p, None], 1)
        granted += np.where(partners[None, :, p], mine, 0)
    served: IntArray = np.minimum(want, granted)
    return served


def hit_deltas(
    indicator: Indicator, r: BoolArray, d: BoolArray, c: BoolArray, e: BoolArray
) -> IntArray:
    """Per (hit, part): how a leaf hit changes the part's count in a sum, -1, 0 or 1. The
    hit takes the part's radio down: (R, D) becomes (1, 1)."""
    one = np.ones_like(r)
    before: IntArray = np.asarray(indicator(r, d, c, e), dtype=np.int64)
    after: IntArray = np.asarray(indicator(one, one, c, e), dtype=np.int64)
    return after - before


def operator_services_lost(
    rules: ServiceRules, exhausted: Plane, n_operators: int, trials: int
) -> BoolArray:
    """``(T, K, S)``: each operator's services lost, from ``exhausted`` (per class, the
    trials where every asset of the class is down)."""
    n_services = len(rules.names)
    words = exhausted.shape[1]
    lost = np.zeros((n_operators, n_services, words), dtype=np.uint64)
    if rules.pool_operator.size:
        starts = rules.pool_ptr[:-1]
        pools = np.bitwise_and.reduceat(exhausted[rules.pool_classes], starts, axis=0)
        for p in range(pools.shape[0]):
            lost[rules.pool_operator[p], rules.pool_service[p]] |= pools[p]
    lost = lost[rules.network]
    flat = unpack(lost.reshape(n_operators * n_services, words), trials)
    return flat.reshape(n_operators, n_services, trials).transpose(2, 0, 1).astype(bool)


def roaming_rule(rules: ServiceRules) -> str:
    """The roaming rule in words, for derivations."""
    when = (
        "when their home radio stops broadcasting (a dead core behind a live radio keeps "
        "phones attached)"
        if rules.radio_down_only
        else "whenever their part of the network is down"
    )
    if rules.spare_share is None:
        return f"customers roam {when}, without a capacity limit"
    share = f"{rules.spare_share:g}"
    return (
        f"customers roam {when}; a partner serves roamers up to {share} of its own customers "
        "served in the region (rounded down), shared by every operator roaming onto it in "
        "proportion to their roamers; the rest are without service"
    )


def floor_share(share: float, people: int) -> int:
    """The capacity rule on one number, as the oracle computes it."""
    return math.floor(share * float(people))
