"""People an asset failing alone leaves without service, part by part, in closed form: a
part covered by a roaming partner in its region keeps the roamers its partners' spare
capacity takes (:mod:`fiveguard.simulate.services`), the rest lose service."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fiveguard.simulate.compile import CompiledNetwork

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def parts_lost(
    c: CompiledNetwork,
    owner: IntArray,
    cls: IntArray,
    operator: IntArray,
    region: IntArray,
    covered: BoolArray,
) -> IntArray:
    """Per part (of asset ``owner``, class ``cls``, its customers' ``operator`` and
    roaming ``region``, -1 for none), the people without service when the asset alone
    fails: all of an uncovered part's, and a covered part's roamers beyond the partners'
    spare capacity (the partners' parts on the failed asset itself are down too; a
    network's operator and its MVNOs share the capacity in proportion to their roamers).
    """
    people = c.asset_part_people
    share = c.service_rules.spare_share
    if share is None:
        return np.where(covered, 0, people).astype(np.int64)
    k, r = len(c.operators), len(c.regions)
    radio = c.class_serves & c.class_roams & (c.class_region >= 0)
    rows = np.flatnonzero(radio)
    served = np.bincount(
        c.class_operator[rows] * r + c.class_region[rows],
        weights=c.class_people[rows],
        minlength=k * r,
    ).reshape(k, r)
    offered = (c.partners.astype(np.float64) @ served)[operator, np.maximum(region, 0)]
    counts = np.diff(c.asset_part_ptr)
    for other in range(int(counts.max(initial=0))):
        has = counts[owner] > other
        at = c.asset_part_ptr[owner[has]] + other
        theirs = c.class_operator[c.class_part_rows[c.class_part_ptr[cls[has]] + other]]
        offered[has] -= np.where(c.partners[operator[has], theirs], people[at], 0)
    capacity = np.floor(share * np.rint(offered)).astype(np.int64)
    key = owner * k + c.service_rules.network[operator]
    wanted = np.zeros(c.n_assets * k, dtype=np.int64)
    np.add.at(wanted, key[covered], people[covered])
    mine = capacity * people // np.maximum(wanted[key], 1)
    return np.where(covered, np.maximum(people - mine, 0), people).astype(np.int64)
