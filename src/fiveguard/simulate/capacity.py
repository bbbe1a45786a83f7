"""Pools with capacity, partial service and signalling storms, on top of the bit kernel.

**Capacity.** Each member of an ``any:`` group carries a share of the pool's load (its
``capacity``: the asset's own, else its kind's in the catalogue, 1 for every packaged
kind). A row's *served share* ``s`` is 0 when it is down and otherwise

- for a group: ``min(1, Σ c_m · s_m)`` over its members in the order written;
- for a class (or a served part): the product of its entries' shares, in the order
  written (a plain entry's share is its member's).

The radios of a site of several radios are such a group: each served part of the
site requires ``any:`` of that part's rows on the radios, which carry their radio's
capacity (:func:`capacity_plan`); the site's part rows, of no asset, lose their own
people (:class:`_PeopleLost`).

With every capacity 1 a group is whole while one member is up, so shares are 0 or 1 and
the bits say everything. A share strictly between 0 and 1 arises only where a group with
a member of capacity below 1 has some members down, and in what depends on it: the kernel
finds those trials from its bits (a group with some member down but not all) and computes
shares, in floating point, only for them (:func:`partial_shares`).

**Partial loss.** The customers of a served part that is up with share ``s < 1`` lose
service in the fraction ``1 - s``: per asset and part, ``floor(people · (1 - s) + 0.5)``
(half up), so that figures do not depend on how assets are grouped into classes. Their
radio keeps broadcasting, so they do not roam; and a partial part still counts as the
operator's network for partners' roaming users.

**Storms.** With the catalogue's ``simulation.storms`` rule, an operator has a signalling
storm in a trial when ``trigger_share`` of the customers on its network (the people of
its own served parts and its MVNOs') or more are without service, when one of its
assets of a ``trigger_kinds`` kind is down, or when ``storm:OPERATOR`` forces one (a
storm forced at an MVNO is its host's). The storm overloads its registration functions:
every served part on its network (its own, and its MVNOs' parts) that is up keeps only
``1 - customer_share`` of its share, and loses the rest as a partial loss. Storms are
found after the partial losses, in one more pass over the trials where one triggers; a
storm does not start another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.graph import ragged_ranges, row_of_entry
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.bits import Plane, get_bits
from fiveguard.simulate.plan import RequiresLevel

if TYPE_CHECKING:
    from fiveguard.simulate.compile import CompiledNetwork
    from fiveguard.simulate.metrics import TrialImpacts
    from fiveguard.simulate.results import Impact, PartialService, SimulatedPartialService

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
TRIAL_CHUNK = 256
"""Trials whose shares are computed together in the floating-point pass."""


@dataclass(frozen=True, eq=False)
class CapacityPlan:
    """What the capacity and storm rules need of a compiled network.

    ``class_capacity``: ``(C,)`` the capacity of each row as a pool member (1 for rows that
    are no asset's). ``pool_groups``: group numbers (row ``C + g``) with a member of
    capacity below 1, their members in ``pool_member_rows`` by ``pool_member_ptr``.
    ``host``: ``(K,)`` the operator whose network carries each operator's customers (its
    host for an MVNO, else itself). ``customers``: ``(K,)`` people of each operator's
    served parts. ``class_trigger`` / ``asset_trigger``: rows and assets of the storm
    rule's ``trigger_kinds``.
    """

    class_capacity: FloatArray
    pool_groups: IntArray
    pool_member_ptr: IntArray
    pool_member_rows: IntArray
    host: IntArray
    customers: IntArray
    class_trigger: BoolArray
    asset_trigger: BoolArray
    trigger_share: float | None
    customer_share: float | None
    _assets: dict[str, IntArray] = field(default_factory=dict, repr=False)

    def class_assets(self, asset_class: IntArray) -> tuple[IntArray, IntArray]:
        """Each class's assets (CSR pointers and assets), worked out once when first
        needed: only outages with partial service or storms need them."""
        if not self._assets:
            n = self.class_capacity.shape[0]
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(asset_class, minlength=n), out=ptr[1:])
            self._assets["ptr"] = ptr
            self._assets["assets"] = np.argsort(asset_class, kind="stable").astype(np.int64)
        return self._assets["ptr"], self._assets["assets"]


@dataclass(frozen=True, eq=False)
class PartialShares:
    """Served parts up with a share strictly between 0 and 1: ``(row, trial, share)``."""

    row: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    trial: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    share: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))


# ---------------------------------------------------------------------------- compiling


def asset_capacities(model: NetworkModel, catalogue: Catalogue) -> FloatArray:
    """``(N,)``: each asset's capacity as a pool member, the asset's own or its kind's."""
    t = model.table
    by_kind = [
        catalogue.asset_kinds[k].capacity if k in catalogue.asset_kinds else 1.0 for k in t.kinds
    ]
    capacity = np.asarray([*by_kind, 1.0], dtype=np.float64)[t.kind]
    for i, asset in enumerate(model.document.assets):
        if asset.capacity is not None:
            capacity[i] = asset.capacity
    rows = model.sites.capacity
    given = np.flatnonzero(~np.isnan(rows))
    capacity[t.n_declared + given] = rows[given]
    return capacity


def capacity_plan(
    model: NetworkModel,
    catalogue: Catalogue,
    *,
    n_classes: int,
    asset_class: IntArray,
    class_operator: IntArray,
    class_people: IntArray,
    class_serves: BoolArray,
    class_site: IntArray,
    requires_levels: tuple[RequiresLevel, ...],
) -> CapacityPlan:
    """The plan of a compiled network (its columns as named). A served part's row carries
    its class's capacity: on a site of several radios, the rows of one part on each radio
    are the members of that part's pool (the site's row of the part)."""
    groups = [
        (level.group_lo + i, np.asarray([m[i] for m in level.group_slots if m.shape[0] > i]))
        for level in requires_levels
        for i in range(level.group_slots[0].shape[0] if level.group_slots else 0)
    ]
    capacity = asset_capacities(model, catalogue)
    class_capacity = np.ones(n_classes, dtype=np.float64)
    class_capacity[asset_class] = capacity  # pool members are alone in their class
    parts = np.flatnonzero(class_site >= 0)
    class_capacity[parts] = class_capacity[class_site[parts]]
    pooled = [(g, m) for g, m in groups if (class_capacity[m] < 1).any()]
    members = [m for _, m in pooled]
    operators = [o.id for o in model.document.operators]
    index = {o: i for i, o in enumerate(operators)}
    host = np.asarray(
        [index.get(o.hosted_by or o.id, i) for i, o in enumerate(model.document.operators)],
        dtype=np.int64,
    )
    serving = np.flatnonzero(class_serves)
    customers = np.bincount(
        class_operator[serving], weights=class_people[serving], minlength=len(operators)
    )
    storms = catalogue.simulation.storms
    kinds = set(storms.trigger_kinds) if storms is not None else set()
    t = model.table
    flags = np.asarray([k in kinds for k in t.kinds] + [False], dtype=bool)
    asset_trigger = flags[t.kind] & (t.operator >= 0)
    class_trigger = np.zeros(n_classes, dtype=bool)
    class_trigger[asset_class[asset_trigger]] = True
    return CapacityPlan(
        class_capacity=class_capacity,
        pool_groups=np.asarray([g for g, _ in pooled], dtype=np.int64),
        pool_member_ptr=np.concatenate([[0], np.cumsum([m.size for m in members])]).astype(
            np.int64
        ),
        pool_member_rows=np.concatenate(members).astype(np.int64)
        if members
        else np.zeros(0, dtype=np.int64),
        host=host,
        customers=np.rint(customers).astype(np.int64),
        class_trigger=class_trigger,
        asset_trigger=asset_trigger,
        trigger_share=storms.trigger_share if storms is not None else None,
        customer_share=storms.customer_share if storms is not None else None,
    )


# ---------------------------------------------------------------------------- shares


def partial_shares(
    compiled: CompiledNetwork,
    down: Plane,
    trials: int,
    sites: tuple[IntArray, IntArray, FloatArray] | None = None,
) -> PartialShares:
    """Served shares strictly between 0 and 1, from the kernel's down bits ``down``
    (``(C + G, W)``: classes, then groups), computed only for the trials where a pool
    with capacity below 1 has some members down but not all, or where a row lost some of
    its sites: ``sites`` gives (class row, trial, the share of its sites left), each such
    row a class alone. What requires such a row sees its share times the share of its
    sites left; the row's own served parts keep their share without it (their people on
    the failed sites are off the air, counted as a radio down by the metrics stage, and
    the rest are served at that share)."""
    plan = compiled.capacity
    site_rows, site_trials, site_left = (
        sites if sites is not None else (np.zeros(0, dtype=np.int64),) * 2 + (np.zeros(0),)
    )
    if plan is None or (plan.pool_groups.size == 0 and site_rows.size == 0):
        return PartialShares()
    n = compiled.n_classes
    chosen = np.unique(site_trials).astype(np.int64)
    if plan.pool_groups.size:
        members_down = down[plan.pool_member_rows]
        some = np.bitwise_or.reduceat(members_down, plan.pool_member_ptr[:-1], axis=0)
        candidates = np.bitwise_or.reduce(some & ~down[n + plan.pool_groups], axis=0)
        words = np.flatnonzero(candidates)
        bits = (candidates[words, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
        pooled = (words[:, None] * 64 + np.arange(64))[bits.astype(bool)]
        chosen = np.union1d(chosen, pooled[pooled < trials]).astype(np.int64)
    if chosen.size == 0:
        return PartialShares()
    serving = np.flatnonzero(compiled.class_serves)
    out_row: list[IntArray] = []
    out_trial: list[IntArray] = []
    out_share: list[FloatArray] = []
    for start in range(0, chosen.size, TRIAL_CHUNK):
        batch = chosen[start : start + TRIAL_CHUNK]
        left = None
        if site_rows.size:
            inside = (site_trials >= batch[0]) & (site_trials <= batch[-1])
            left = np.ones((n, batch.size), dtype=np.float64)
            left[site_rows[inside], np.searchsorted(batch, site_trials[inside])] = site_left[inside]
        own = None if left is None else np.where(down_at(down[:n], batch), 0.0, 1.0)
        share = _shares(compiled, plan, down, batch, left, own)
        mine = share[serving]
        if left is not None and own is not None:
            _own_shares(compiled, share, own, left, serving, mine)
        row, col = np.nonzero((mine > 0) & (mine < 1))
        out_row.append(serving[row])
        out_trial.append(batch[col])
        out_share.append(mine[row, col])
    return PartialShares(
        np.concatenate(out_row), np.concatenate(out_trial), np.concatenate(out_share)
    )


def down_at(down: Plane, trials: IntArray) -> npt.NDArray[np.bool_]:
    """``(rows, len(trials))``: the bits of ``down`` at those trials."""
    word = down[:, trials >> 6]
    return ((word >> (trials & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)


def _shares(
    compiled: CompiledNetwork,
    plan: CapacityPlan,
    down: Plane,
    trials: IntArray,
    left: FloatArray | None = None,
    own: FloatArray | None = None,
) -> FloatArray:
    """``(C + G, len(trials))``: every row's served share in those trials, level by level
    over the kernel's plan (groups: capped sums in member order; classes: products in
    entry order, 0 where down, times ``left``, ``(C, len(trials))``, the share of a row's
    sites not failed, where given). ``own`` (``(C, len(trials))``, the classes' down
    states as 0 and 1) gets each class's share before ``left``."""
    n = compiled.n_classes
    word = down[:, trials >> 6]
    is_down = ((word >> (trials & 63).astype(np.uint64)) & np.uint64(1)).astype(bool)
    share = np.where(is_down, 0.0, 1.0)
    if left is not None:
        share[:n] *= left
    capacity = plan.class_capacity
    for level in compiled.requires_levels:
        if level.group_slots:
            first = level.group_slots[0]
            total = capacity[first, None] * share[first]
            for members in level.group_slots[1:]:
                total[: members.shape[0]] += capacity[members, None] * share[members]
            start = n + level.group_lo
            share[start : start + first.shape[0]] = np.minimum(1.0, total)
        if level.pattern_slots:
            table = share[level.pattern_slots[0]]
            for slot in level.pattern_slots[1:]:
                table[: slot.shape[0]] *= share[slot]
            rows = slice(level.lo, level.hi)
            share[rows] = np.where(is_down[rows], 0.0, table[level.owner_pattern])
            if own is not None:
                own[rows] = share[rows]
            if left is not None:
                share[rows] *= left[rows]
    return share


def _own_shares(
    compiled: CompiledNetwork,
    share: FloatArray,
    own: FloatArray,
    left: FloatArray,
    serving: IntArray,
    mine: FloatArray,
) -> None:
    """Set in ``mine`` (the serving rows' shares, in place) the share of each served part
    of a row with failed sites (``left`` below 1) as if the row had lost none: the row's
    own share before ``left`` where the row serves its customers itself, and for the parts
    of a shared row, the product of their entries (in order) with the row's share before
    ``left`` in place of its share."""
    site, col = np.nonzero(left < 1.0)
    if site.size == 0:
        return
    ptr, part_rows = compiled.class_part_ptr, compiled.class_part_rows
    counts = np.diff(ptr)[site]
    rows = part_rows[ragged_ranges(ptr, site)]
    cols = np.repeat(col, counts)
    values = np.empty(rows.size, dtype=np.float64)
    itself = rows == np.repeat(site, counts)
    values[itself] = own[rows[itself], cols[itself]]
    others = np.flatnonzero(~itself)
    if others.size:
        owner = np.repeat(site, counts)
        span = share.shape[1]
        done_key = np.zeros(0, dtype=np.int64)
        done_value = np.zeros(0, dtype=np.float64)
        los = np.asarray([level.lo for level in compiled.requires_levels], dtype=np.int64)
        at = np.searchsorted(los, rows[others], "right") - 1
        for li in np.unique(at).tolist():
            level = compiled.requires_levels[li]
            pick = others[at == li]
            pattern = level.owner_pattern[rows[pick] - level.lo]
            product = np.ones(pick.size, dtype=np.float64)
            for j, slot in enumerate(level.pattern_slots):
                has = pattern < slot.shape[0]
                entry, col_, mine_ = slot[pattern[has]], cols[pick][has], owner[pick][has]
                # the row's own share without its lost sites, and so the rows of its parts
                # before this one (an MVNO's part needs its host's); every other entry as it is
                term = np.where(entry == mine_, own[mine_, col_], share[entry, col_])
                if done_key.size:
                    key = entry * span + col_
                    at_ = np.minimum(np.searchsorted(done_key, key), done_key.size - 1)
                    found = done_key[at_] == key
                    term[found] = done_value[at_[found]]
                product[has] = term if j == 0 else product[has] * term
            values[pick] = np.where(own_down(share, rows[pick], cols[pick]), 0.0, product)
            key = rows[pick] * span + cols[pick]
            done_key = np.concatenate([done_key, key])
            done_value = np.concatenate([done_value, values[pick]])
            order = np.argsort(done_key, kind="stable")
            done_key, done_value = done_key[order], done_value[order]
    position = np.full(share.shape[0], -1, dtype=np.int64)
    position[serving] = np.arange(serving.size, dtype=np.int64)
    keep = position[rows] >= 0
    mine[position[rows[keep]], cols[keep]] = values[keep]


def own_down(share: FloatArray, rows: IntArray, cols: IntArray) -> npt.NDArray[np.bool_]:
    """Whether rows are at share 0 (down): a part row of a row with failed sites is down
    only when down outright, which leaves its share 0 whatever the sites."""
    return np.asarray(share[rows, cols] == 0.0, dtype=bool)


# ---------------------------------------------------------------------------- losses


@dataclass(frozen=True, eq=False)
class Losses:
    """What partial service and storms add, per trial: people by operator-region cell
    (``(T, G)``) and which operators had a storm (``(T, K)``)."""

    people: IntArray
    storms: BoolArray


def partial_losses(
    compiled: CompiledNetwork,
    down: Plane,
    partial: PartialShares,
    forced_storms: tuple[IntArray, IntArray],
    leaves: tuple[IntArray, IntArray],
    people_by_cell: IntArray,
    sites: tuple[IntArray, IntArray, IntArray, IntArray] | None = None,
) -> Losses:
    """The people partial service and storms take out of service, per trial and cell.

    ``people_by_cell``: ``(T, G)`` people without service so far (what storms are
    triggered by); ``leaves``: (trial, asset) of assets down on their own in classes
    not down (their people are counted already, whole); ``forced_storms``: (trial,
    operator) of ``storm:`` events; ``sites``: (trial, asset, failed, sites) of rows up
    that lost some of their sites, whose parts keep their people less those of the failed
    sites (counted already, off the air).
    """
    c = compiled
    plan = c.capacity
    trials, cells = people_by_cell.shape
    k = len(c.operators)
    added = np.zeros((trials, cells), dtype=np.int64)
    storms = np.zeros((trials, k), dtype=bool)
    if plan is None:
        return Losses(added, storms)
    if partial.row.size:
        counter = _PeopleLost(c, leaves, trials, sites)
        lost = counter.lost(partial.row, partial.trial, 1.0 - partial.share)
        np.add.at(added, (partial.trial, c.class_group[partial.row]), lost)
    storms = _storms(c, plan, down, people_by_cell + added, forced_storms, leaves)
    if plan.customer_share is None or not storms.any():
        return Losses(added, storms)
    if not partial.row.size:
        counter = _PeopleLost(c, leaves, trials, sites)
    # every serving row on a stormed operator's network, in each trial of its storm
    storm_trial, storm_op = np.nonzero(storms)
    rows = np.flatnonzero(c.class_serves)
    network = plan.host[c.class_operator[rows]]
    by_network = np.argsort(network, kind="stable")
    ptr = np.searchsorted(network[by_network], np.arange(k + 1))
    row = rows[by_network][ragged_ranges(ptr, storm_op)]
    trial = np.repeat(storm_trial, np.diff(ptr)[storm_op])
    up = ~get_bits(down, row, trial)
    row, trial = row[up], trial[up]
    before = np.ones(row.size, dtype=np.float64)
    if partial.row.size:
        span = max(trials, 1)
        key = partial.row * span + partial.trial
        order = np.argsort(key)
        at = np.searchsorted(key[order], row * span + trial)
        at = np.minimum(at, key.size - 1)
        found = key[order][at] == row * span + trial
        before[found] = partial.share[order][at[found]]
    after = before * (1.0 - plan.customer_share)
    extra = counter.lost(row, trial, 1.0 - after) - counter.lost(row, trial, 1.0 - before)
    np.add.at(added, (trial, c.class_group[row]), extra)
    return Losses(added, storms)


def _storms(
    c: CompiledNetwork,
    plan: CapacityPlan,
    down: Plane,
    people_by_cell: IntArray,
    forced: tuple[IntArray, IntArray],
    leaves: tuple[IntArray, IntArray],
) -> BoolArray:
    """``(T, K)``: the operators with a storm in each trial."""
    trials = people_by_cell.shape[0]
    k = len(c.operators)
    storms = np.zeros((trials, k), dtype=bool)
    storms[forced[0], plan.host[forced[1]]] = True  # an MVNO's storm is its host's
    if plan.trigger_share is None:
        return storms
    # the customers on each operator's network: its own and its MVNOs'
    own = people_by_cell.reshape(trials, k, -1).sum(axis=2)
    lost = np.zeros_like(own)
    np.add.at(lost.T, plan.host, own.T)
    customers = np.bincount(plan.host, weights=plan.customers, minlength=k)
    has = customers > 0
    storms[:, has] |= lost[:, has] >= plan.trigger_share * customers[has]
    triggers = np.flatnonzero(plan.class_trigger)
    if triggers.size:
        hit = down[triggers]
        for operator in np.unique(c.class_operator[triggers]).tolist():
            word = np.bitwise_or.reduce(hit[c.class_operator[triggers] == operator], axis=0)
            bits = (word[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)
            storms[:, operator] |= bits.astype(bool).reshape(-1)[:trials]
    leaf_trial, leaf_asset = leaves
    fired = plan.asset_trigger[leaf_asset]
    storms[leaf_trial[fired], c.asset_operator[leaf_asset[fired]]] = True
    return storms


class _PeopleLost:
    """People a served part loses at a lost fraction ``u``: per asset of its class and
    its part, ``floor(people · u + 0.5)``, leaving out assets down on their own in that
    trial (counted whole already)."""

    def __init__(
        self,
        c: CompiledNetwork,
        leaves: tuple[IntArray, IntArray],
        trials: int,
        sites: tuple[IntArray, IntArray, IntArray, IntArray] | None = None,
    ) -> None:
        self.c = c
        assert c.capacity is not None
        self.class_ptr, self.class_assets = c.capacity.class_assets(c.asset_class)
        # each serving row's class (its radio, for a served part) and part number
        owner = row_of_entry(c.class_part_ptr)
        self.row_part = np.zeros(c.n_classes, dtype=np.int64)
        self.row_part[c.class_part_rows] = np.arange(owner.size) - c.class_part_ptr[owner]
        self.row_class = np.where(c.class_site >= 0, c.class_site, np.arange(c.n_classes))
        self.span = max(trials, 1)
        leaf_trial, leaf_asset = leaves
        key = c.asset_class[leaf_asset] * self.span + leaf_trial
        order = np.argsort(key, kind="stable")
        self.leaf_key = key[order]
        self.leaf_asset = leaf_asset[order]
        # the parts of rows that lost some of their sites: their people less the failed
        # sites', floor(people × failed / sites + 0.5), by (row, trial)
        self.site_key = np.zeros(0, dtype=np.int64)
        self.site_people = np.zeros(0, dtype=np.int64)
        if sites is not None and sites[0].size:
            s_trial, s_asset, failed, total = sites
            cls = c.asset_class[s_asset]
            counts = np.diff(c.class_part_ptr)[cls]
            rows = c.class_part_rows[ragged_ranges(c.class_part_ptr, cls)]
            hit = np.repeat(np.arange(cls.size), counts)
            part = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
            people = c.asset_part_people[c.asset_part_ptr[s_asset[hit]] + part]
            gone = np.floor(people.astype(np.float64) * failed[hit] / total[hit] + 0.5)
            key = rows * self.span + s_trial[hit]
            order = np.argsort(key, kind="stable")
            self.site_key = key[order]
            self.site_people = (people - gone.astype(np.int64))[order]

    def _people(self, assets: IntArray, part: IntArray) -> IntArray:
        c = self.c
        people: IntArray = c.asset_part_people[c.asset_part_ptr[assets] + part]
        return people

    def lost(self, rows: IntArray, trials: IntArray, fraction: FloatArray) -> IntArray:
        """People lost by each (row, trial) at its lost ``fraction``."""
        out = np.zeros(rows.size, dtype=np.int64)
        if rows.size == 0:
            return out
        # the sum over a class's assets depends only on (row, fraction): once per pair
        fractions, which = np.unique(fraction, return_inverse=True)  # few distinct values
        key = rows * fractions.size + which.reshape(-1)
        unique, inverse = np.unique(key, return_inverse=True)
        u_row = unique // fractions.size
        u_fraction = fractions[unique % fractions.size]
        cls = self.row_class[u_row]
        assets = self.class_assets[ragged_ranges(self.class_ptr, cls)]
        owner = np.repeat(np.arange(u_row.size), np.diff(self.class_ptr)[cls])
        people = self._people(assets, self.row_part[u_row][owner])
        each = np.floor(people * u_fraction[owner] + 0.5)
        total = np.bincount(owner, weights=each, minlength=u_row.size)
        # a row of no asset (a site's part, on its radios) loses its own people
        alone = np.diff(self.class_ptr)[cls] == 0
        own = self.c.class_people[u_row[alone]]
        total[alone] = np.floor(own * u_fraction[alone] + 0.5)
        out = np.asarray(np.rint(total[inverse.reshape(-1)]), dtype=np.int64)
        # assets down on their own in that trial are counted whole already
        if self.leaf_key.size:
            key = cls[inverse.reshape(-1)] * self.span + trials
            lo = np.searchsorted(self.leaf_key, key, "left")
            hi = np.searchsorted(self.leaf_key, key, "right")
            ptr = np.concatenate([[0], np.cumsum(hi - lo)]).astype(np.int64)
            if ptr[-1]:
                at = np.arange(int(ptr[-1])) - np.repeat(ptr[:-1] - lo, hi - lo)
                which = np.repeat(np.arange(rows.size), hi - lo)
                hit = self.leaf_asset[at]
                own = np.floor(
                    self._people(hit, self.row_part[rows][which]) * fraction[which] + 0.5
                )
                counted = np.bincount(which, weights=own, minlength=rows.size)
                out -= np.asarray(np.rint(counted), dtype=np.int64)
        if self.site_key.size:
            key = rows * self.span + trials
            at = np.minimum(np.searchsorted(self.site_key, key), self.site_key.size - 1)
            found = self.site_key[at] == key
            rest = self.site_people[at[found]].astype(np.float64)
            out[found] = np.floor(rest * fraction[found] + 0.5).astype(np.int64)
        return out


# ---------------------------------------------------------------------------- what-if


def partial_service(
    compiled: CompiledNetwork, catalogue: Catalogue, impacts: TrialImpacts, impact: Impact
) -> PartialService | None:
    """Trial 0's partial figures, with each operator's and region's share of customers
    without service; None when nothing was lost in part and no storm happened."""
    from fiveguard.simulate.results import PartialService

    by_op, by_reg, stormed = (
        impacts.partial_by_operator,
        impacts.partial_by_region,
        impacts.storms,
    )
    if by_op is None or by_reg is None or stormed is None:
        return None
    storms = [o for k, o in enumerate(compiled.operators) if stormed[0, k]]
    if not by_op[0].any() and not storms:
        return None
    rows = np.flatnonzero(compiled.class_serves)
    k, r = len(compiled.operators), len(compiled.regions)
    people = np.bincount(
        compiled.class_group[rows], weights=compiled.class_people[rows], minlength=k * (r + 1)
    ).reshape(k, r + 1)
    by_operator, by_region = people.sum(axis=1), people[:, 1:].sum(axis=0)

    def share(lost: int, total: float) -> float:
        return round(lost / total, 4) if total > 0 else 0.0

    rule = catalogue.simulation.storms
    return PartialService(
        people=int(by_op[0].sum()),
        by_operator={o: int(by_op[0, i]) for i, o in enumerate(compiled.operators)},
        by_region={g: int(by_reg[0, i]) for i, g in enumerate(compiled.regions)},
        storms=tuple(storms),
        storm_recovery_hours=rule.recovery_hours if storms and rule is not None else None,
        share_by_operator={
            o: share(impact.by_operator[o].people_without_service, by_operator[i])
            for i, o in enumerate(compiled.operators)
        },
        share_by_region={
            g: share(impact.by_region[g].people_without_service, by_region[i])
            for i, g in enumerate(compiled.regions)
        },
    )


def trial_storm_hours(impacts: TrialImpacts, catalogue: Catalogue) -> FloatArray | None:
    """``(T,)``: the storm rule's ``recovery_hours`` in each trial where any operator had a
    signalling storm with the year's events together, 0 elsewhere (the Monte Carlo's
    incidents count the storms their own events start instead, see
    :mod:`fiveguard.simulate.incidents`); None when the run has no storm figures or the
    catalogue no storm rule."""
    rule = catalogue.simulation.storms
    if impacts.storms is None or rule is None:
        return None
    hours: FloatArray = np.where(impacts.storms.any(axis=1), rule.recovery_hours, 0.0)
    return hours


def simulated_partial_service(
    compiled: CompiledNetwork, impacts: TrialImpacts
) -> SimulatedPartialService | None:
    """Over the simulated years: people without service in part (mean), the share of
    years with any, and each operator's annual probability of a storm; None when no year
    had any."""
    from fiveguard.simulate.results import SimulatedPartialService

    by_op, stormed = impacts.partial_by_operator, impacts.storms
    if by_op is None or stormed is None or impacts.trials == 0:
        return None
    people = by_op.sum(axis=1)
    if not people.any() and not stormed.any():
        return None
    return SimulatedPartialService(
        mean_people=float(people.sum()) / impacts.trials,
        years=float((people > 0).mean()),
        storm_probability={
            o: float(stormed[:, k].mean()) for k, o in enumerate(compiled.operators)
        },
    )
