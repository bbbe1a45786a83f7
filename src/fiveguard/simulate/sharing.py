"""RAN sharing: whose customers each radio asset serves, how many, and what they need.

A radio asset serves its operator's customers; one ``shared_with`` other operators serves
theirs too. The customers of one operator on one radio asset are a *served part*:

- its people are that operator's part of the asset's ``population``, split between the
  sharing operators in proportion to their subscribers (equally when none has any), in
  whole people: each gets the whole part of its exact share, and the people left over go
  one each to the largest remainders (ties: the asset's own operator, then the order of
  ``shared_with``), so the parts add up to the population;
- it needs the *radio*: the asset itself and every ``requires`` entry that is nobody's
  core (the site's transport, backhaul …), which everyone on the asset needs;
- and its own operator's core: the entries whose members are all core functions (kinds
  in the ``core`` domain) of that operator. An entry of core functions of several
  operators, or of an operator not sharing the asset, is the radio's (validation refuses
  both).

An MVNO (an operator ``hosted_by`` another) has a part on every access asset serving its
host's customers, riding on the host's part: down when it is, exposed when it is. The
people of an asset are split between all its parts, MVNOs' included, in one split by
subscribers.

Permanent national roaming (an operator's ``national_roaming``): on every radio asset of
a region where the guest's customers are served by a host, the guest has a part riding on
the host's part (down when it is: they need the host's radio and core), which also needs
the agreement's ``requires`` (the guest's subscriber database, the gateways of
home-routed traffic). Its people are the guest's part of the asset's population, in the
same one split by subscribers; the MVNOs the guest hosts ride on the guest's part.

An unshared access asset without MVNOs has one part, with all its people and every entry
the radio's. Other assets have none. Arrays only: a million sites take a fraction of a second.

When the radio must be told from the core (roaming only when the radio stops
broadcasting, see :mod:`fiveguard.simulate.services`), an unshared radio asset listing
entries of its own operator's core functions is *split* too: its radio and one part
needing the radio and those entries, as a shared asset's parts do. What requires such an
asset still needs all of it, radio and core, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.graph import ragged_ranges, row_of_entry
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
EXACT_LIMIT = 2**62
"""Products of people and subscribers below this are split in int64; above, exactly in
Python integers (only absurd models get there)."""


@dataclass(frozen=True, eq=False)
class ServedParts:
    """Per asset, its served parts, in order: its own operator's, then those of
    ``shared_with`` (each operator once) — the *network* parts — then, for each network
    part in that order, one part per MVNO its operator hosts.

    ``ptr``: ``(N+1,)`` into ``operator``, ``people`` and ``rides``; ``rides``: per part,
    for an MVNO's part the index among its asset's parts of its host's part, else -1;
    ``entry_part``: per ``requires`` entry of the asset table, the index among its asset's
    parts of the part whose core it is, -1 for an entry the radio needs; ``shared``:
    ``(N,)`` assets of two network parts or more; ``split``: ``(N,)`` assets whose radio
    is told apart from their parts (shared ones, and unshared radio assets listing their
    own operator's core functions when asked to split them); ``agreement``: per part, for
    a national roaming guest's part the index of its agreement in :func:`agreements`
    order, else -1.
    """

    ptr: IntArray
    operator: IntArray
    people: IntArray
    rides: IntArray
    entry_part: IntArray
    shared: BoolArray
    split: BoolArray
    agreement: IntArray

    @property
    def count(self) -> IntArray:
        """``(N,)``: parts per asset."""
        return np.diff(self.ptr)


@dataclass(frozen=True)
class Agreement:
    """One national roaming agreement: whose customers (``guest``), on whose radio
    (``host``), in which regions (indices), needing which of the guest's assets (entries
    of asset indices, each satisfied while any member is up)."""

    guest: int
    host: int
    regions: tuple[int, ...]
    requires: tuple[tuple[int, ...], ...]


def agreements(model: NetworkModel) -> tuple[Agreement, ...]:
    """Every national roaming agreement of the model, by guest in the model's order."""
    operators = {o.id: i for i, o in enumerate(model.document.operators)}
    regions = {r.id: i for i, r in enumerate(model.document.regions)}
    position = model.table.position
    out = []
    for g, guest in enumerate(model.document.operators):
        for a in guest.national_roaming:
            out.append(
                Agreement(
                    guest=g,
                    host=operators[a.host],
                    regions=tuple(regions[r] for r in a.regions),
                    requires=tuple(
                        tuple(position[m] for m in (e.any if isinstance(e, AnyOf) else (e,)))
                        for e in a.requires
                    ),
                )
            )
    return tuple(out)


def served_parts(
    model: NetworkModel, catalogue: Catalogue, access: BoolArray, split_radio: bool = False
) -> ServedParts:
    """The served parts of every asset of ``model`` (``access``: per asset, a kind that
    serves people). With ``split_radio``, unshared radio assets that list their own
    operator's core functions are split from their part."""
    t = model.table
    n, k = len(t), max(len(model.document.operators), 1)
    # assets naming partners: their operator first, then each partner it names
    naming = np.flatnonzero(access & (np.diff(t.shared_ptr) > 0))
    spans = t.shared_ptr[naming + 1] - t.shared_ptr[naming]
    owner = np.concatenate([naming, np.repeat(naming, spans)])
    operator = np.concatenate(
        [t.operator[naming], t.shared_with[ragged_ranges(t.shared_ptr, naming)]]
    ).astype(np.int64)
    position = np.concatenate([np.zeros(naming.size, dtype=np.int64), 1 + _within(spans)])
    # each operator once per asset, where it is first named; parts in naming order
    _, first = np.unique(owner * k + operator, return_index=True)
    first = first[np.lexsort((position[first], owner[first]))]
    # every access asset's network parts: its operator's alone, or the sharing operators'
    alone = np.flatnonzero(access & ~np.isin(np.arange(n), naming))
    net_owner = np.concatenate([alone, owner[first]])
    net_operator = np.concatenate([t.operator[alone].astype(np.int64), operator[first]])
    order = np.argsort(net_owner, kind="stable")
    net_owner, net_operator = net_owner[order], net_operator[order]
    net_count = np.bincount(net_owner, minlength=n)
    net_position = _within(net_count[net_count > 0])
    # then the parts of national roaming guests, riding on their host's part
    radio = np.asarray([*_domain_flags(t.kinds, catalogue, Domain.RAN), False])[t.kind]
    guest_owner, guest_operator, guest_rides, guest_agreement = _guest_parts(
        model, net_owner, net_operator, net_position, radio
    )
    own_owner = np.concatenate([net_owner, guest_owner])
    order = np.argsort(own_owner, kind="stable")  # per asset: network parts, then guests'
    own_owner = own_owner[order]
    own_operator = np.concatenate([net_operator, guest_operator])[order]
    own_rides = np.concatenate([np.full(net_owner.size, -1, dtype=np.int64), guest_rides])[order]
    own_agreement = np.concatenate([np.full(net_owner.size, -1, dtype=np.int64), guest_agreement])[
        order
    ]
    own_position = _within(np.bincount(own_owner, minlength=n))
    # then the parts of the MVNOs each of those parts' operator hosts
    hosted_ptr, hosted = _hosted(model)
    per_part = np.diff(hosted_ptr)[own_operator]
    mvno_owner = np.repeat(own_owner, per_part)
    mvno_operator = hosted[ragged_ranges(hosted_ptr, own_operator)]
    mvno_rides = np.repeat(own_position, per_part)
    all_owner = np.concatenate([own_owner, mvno_owner])
    order = np.argsort(all_owner, kind="stable")  # per asset: network parts, then MVNOs'
    parts_operator = np.concatenate([own_operator, mvno_operator])[order]
    rides = np.concatenate([own_rides, mvno_rides])[order]
    # an MVNO of a guest rides on the guest's part, so needs the agreement's entries too
    agreement = np.concatenate([own_agreement, np.full(mvno_owner.size, -1)])[order]
    count = np.bincount(all_owner, minlength=n)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=ptr[1:])
    parts_people = np.zeros(int(ptr[-1]), dtype=np.int64)
    single = np.flatnonzero(count == 1)
    parts_people[ptr[single]] = t.population[single]
    split = count > 1
    at = ragged_ranges(ptr, np.flatnonzero(split))
    subscribers = np.asarray(
        [o.people_subscribers for o in model.document.operators], dtype=np.int64
    )
    parts_people[at] = _split(
        t.population[split].astype(np.int64), count[split], subscribers[parts_operator[at]]
    )
    shared = net_count > 1
    candidates = shared | (radio & access) if split_radio else shared
    entry_part = _entry_parts(model, catalogue, ptr, parts_operator, rides, candidates)
    return ServedParts(
        ptr=ptr,
        operator=parts_operator,
        people=parts_people,
        rides=rides,
        entry_part=entry_part,
        shared=shared,
        split=_split_from_core(t.req_ptr, entry_part, shared) if split_radio else shared,
        agreement=agreement.astype(np.int64),
    )


def _split_from_core(req_ptr: IntArray, entry_part: IntArray, shared: BoolArray) -> BoolArray:
    """Assets whose radio is told apart from their parts: the shared ones, and those with
    an entry of their own operator's core."""
    split = shared.copy()
    split[row_of_entry(req_ptr)[np.flatnonzero(entry_part >= 0)]] = True
    return split


def _guest_parts(
    model: NetworkModel,
    net_owner: IntArray,
    net_operator: IntArray,
    net_position: IntArray,
    radio: BoolArray,
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """The parts of national roaming guests: per network part of a radio asset whose
    region a guest's agreement with that part's operator names, one guest part (owner
    asset, guest operator, the host part's position it rides on, agreement index), in
    network part order, then agreement order. A guest among the asset's network operators
    (a site it shares) has no guest part there: its customers have their own."""
    empty = np.zeros(0, dtype=np.int64)
    deals = agreements(model)
    if not deals:
        return empty, empty, empty, empty
    n_regions = max(len(model.document.regions), 1)
    key = np.asarray([a.host * n_regions + r for a in deals for r in a.regions], dtype=np.int64)
    deal = np.asarray([i for i, a in enumerate(deals) for _ in a.regions], dtype=np.int64)
    order = np.lexsort((deal, key))
    key, deal = key[order], deal[order]
    region = model.table.region[net_owner].astype(np.int64)
    eligible = radio[net_owner] & (region >= 0)
    wanted = np.where(eligible, net_operator * n_regions + region, -1)
    lo = np.searchsorted(key, wanted, side="left")
    hi = np.searchsorted(key, wanted, side="right")
    spans = np.where(eligible, hi - lo, 0)
    parts = np.repeat(np.arange(net_owner.size, dtype=np.int64), spans)
    at = np.repeat(lo, spans) + _within(spans)
    guest = np.asarray([a.guest for a in deals], dtype=np.int64)[deal[at]]
    # an operator already among the asset's network operators serves its customers there
    k = max(len(model.document.operators), 1)
    keep = ~np.isin(net_owner[parts] * k + guest, net_owner * k + net_operator)
    parts, guest, at = parts[keep], guest[keep], at[keep]
    return net_owner[parts], guest, net_position[parts], deal[at]


def _domain_flags(kinds: tuple[str, ...], catalogue: Catalogue, domain: Domain) -> list[bool]:
    known = catalogue.asset_kinds
    return [k in known and known[k].domain is domain for k in kinds]


def _hosted(model: NetworkModel) -> tuple[IntArray, IntArray]:
    """Per operator, the MVNOs it hosts (CSR: pointers, MVNO operator indices), in the
    order the model declares them."""
    operators = model.document.operators
    index = {o.id: i for i, o in enumerate(operators)}
    hosts = np.asarray(
        [index.get(o.hosted_by, -1) if o.hosted_by else -1 for o in operators], dtype=np.int64
    )
    mvnos = np.flatnonzero(hosts >= 0)
    order = mvnos[np.argsort(hosts[mvnos], kind="stable")]
    counts = np.bincount(hosts[mvnos], minlength=len(operators))
    ptr = np.zeros(len(operators) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, order.astype(np.int64)


def _split(population: IntArray, count: IntArray, weight: IntArray) -> IntArray:
    """Each part's whole people: the largest-remainder split of its asset's population in
    proportion to ``weight`` (equal weights where an asset's weights sum to 0). Asset
    ``i`` has ``count[i]`` consecutive parts."""
    if count.size == 0:
        return np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(count.size, dtype=np.int64), count)
    start = np.cumsum(count) - count
    total = np.bincount(owner, weights=weight, minlength=count.size).astype(np.int64)
    weight = np.where(total[owner] > 0, weight, 1)
    total = np.bincount(owner, weights=weight, minlength=count.size).astype(np.int64)
    if int(population.max()) * int(total.max()) >= EXACT_LIMIT:
        return _split_exactly(population, start, weight, total)
    exact = population[owner] * weight
    people = exact // total[owner]
    remainder = exact % total[owner]
    left = population - np.bincount(owner, weights=people, minlength=count.size).astype(np.int64)
    # by asset, then remainder downwards, then place: one stable sort of one key when
    # it fits (remainders are below the asset's total)
    span = int(total.max()) + 1
    if count.size * span < EXACT_LIMIT:
        order = np.argsort(owner * span + (span - 1 - remainder), kind="stable")
    else:
        order = np.lexsort((np.arange(owner.size), -remainder, owner))
    rank = np.empty(owner.size, dtype=np.int64)
    rank[order] = np.arange(owner.size, dtype=np.int64) - start[owner[order]]
    return people + (rank < left[owner])


def _split_exactly(
    population: IntArray, start: IntArray, weight: IntArray, total: IntArray
) -> IntArray:
    """:func:`_split` in Python integers, asset by asset."""
    out = np.zeros(weight.shape[0], dtype=np.int64)
    ends = [*start[1:].tolist(), weight.shape[0]]
    for a, (lo, hi) in enumerate(zip(start.tolist(), ends, strict=True)):
        p, w, s = int(population[a]), [int(x) for x in weight[lo:hi]], int(total[a])
        parts = [p * x // s for x in w]
        ranked = sorted(range(hi - lo), key=lambda i: -(p * w[i] % s))
        for i in ranked[: p - sum(parts)]:
            parts[i] += 1
        out[lo:hi] = parts
    return out


DENSE_LIMIT = 2**24
"""Above this many (asset, operator) pairs, :func:`_entry_parts` finds parts by sorting
rather than in a table of one cell per pair."""


def _entry_parts(
    model: NetworkModel,
    catalogue: Catalogue,
    ptr: IntArray,
    operator: IntArray,
    rides: IntArray,
    shared: BoolArray,
    dense_limit: int = DENSE_LIMIT,
) -> IntArray:
    """Per ``requires`` entry: the part whose core it is (assets of ``shared`` only), else
    -1. Only network parts have core entries: MVNOs' and guests' parts ride on another's.

    An entry is some operator's core when all its members are core functions of that one
    operator: with each member's operator where its kind is core and -1 where not, its
    first member's value is an operator and every other member's equals its predecessor's.
    The part is then looked up by (asset, operator) among the asset's network parts."""
    t = model.table
    n_entries = t.entry_ptr.shape[0] - 1
    entry_asset = row_of_entry(t.req_ptr)
    wanted = shared[entry_asset] & (np.diff(t.entry_ptr) > 0)
    if not wanted.any():
        return np.full(n_entries, -1, dtype=np.int64)
    kinds = catalogue.asset_kinds
    core_kind = np.asarray(
        [k in kinds and kinds[k].domain is Domain.CORE for k in t.kinds] + [False], dtype=bool
    )
    # per asset: its operator if it is a core function, else -1
    core_of = np.where(core_kind[t.kind], t.operator, -1).astype(np.int32)
    # one more value (-1) past the last member, where empty entries at the end start
    value = np.full(int(t.entry_ptr[-1]) + 1, -1, dtype=np.int32)
    value[:-1] = core_of[t.members[: t.entry_ptr[-1]]]
    first = t.entry_ptr[:-1]
    owner = value[first]
    # a member differing from its predecessor in the same entry spoils its entry
    differs = np.zeros(value.size, dtype=bool)
    differs[1:-1] = value[1:-1] != value[:-2]
    differs[first] = False
    spoilt = np.searchsorted(t.entry_ptr, np.flatnonzero(differs), side="right") - 1
    core = wanted & (owner >= 0)
    core[spoilt] = False
    k = max(len(model.document.operators), 1)
    part = _part_of(ptr, operator, rides, entry_asset, owner, core, k, dense_limit)
    return np.where(core, part, -1)


def _part_of(
    ptr: IntArray,
    operator: IntArray,
    rides: IntArray,
    asset: IntArray,
    owner: npt.NDArray[np.int32],
    wanted: BoolArray,
    k: int,
    dense_limit: int,
) -> IntArray:
    """Per (``asset``, ``owner``) pair where ``wanted``, the index among the asset's parts
    of its first network part (riding on none) of that operator, -1 where it has none
    (anything where not ``wanted``). In a table of one cell per (asset, operator) when
    there are at most ``dense_limit``, else by sorting."""
    n = ptr.shape[0] - 1
    part_asset = row_of_entry(ptr)
    network = np.flatnonzero(rides < 0)
    keys = part_asset[network] * k + operator[network]
    position = network - ptr[part_asset[network]]
    if n * k <= dense_limit:
        table = np.full(n * k, -1, dtype=np.int32)
        # reversed, so that of two parts of one key the first is written last
        table[keys[::-1]] = position[::-1]
        return table[np.where(wanted, asset * k + owner, 0)].astype(np.int64)
    out = np.full(asset.shape[0], -1, dtype=np.int64)
    if keys.size == 0:
        return out
    at = np.flatnonzero(wanted)
    key = asset[at] * k + owner[at]
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    found = np.minimum(np.searchsorted(keys, key), keys.size - 1)
    out[at] = np.where(keys[found] == key, position[order][found], -1)
    return out


def _within(spans: IntArray) -> IntArray:
    """``0 … spans[i]-1`` for each ``i``, concatenated."""
    total = int(spans.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(spans) - spans, spans)
