"""People an asset failing alone leaves without service, part by part, in closed form: a
part covered by a roaming partner in its region keeps the roamers its partners' spare
capacity takes (the rule of :func:`fiveguard.simulate.services.roamers_served`, applied
to the asset failing alone), the rest lose service."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.services import roamers_served

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ASSET_CHUNK = 65536
"""Failing assets whose roamers are weighed together (``(chunk, K)`` arrays)."""


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
    fails: all of an uncovered part's, and a covered part's share of its operator's
    roamers beyond the partners' spare capacity. Each failing asset is one case of the
    roaming rule: its covered parts' people roam, and the partners' customers served in
    the region are those of the whole network less their parts on the failed asset
    (down too). A part's roamers served are its operator's, split in proportion to the
    parts' people (rounded down)."""
    people = c.asset_part_people
    share = c.service_rules.spare_share
    lost: IntArray = np.where(covered, 0, people).astype(np.int64)
    if share is None or not covered.any():
        return lost
    k, r = len(c.operators), len(c.regions)
    radio = c.class_serves & c.class_roams & (c.class_region >= 0)
    rows = np.flatnonzero(radio)
    served = np.bincount(
        c.class_operator[rows] * r + c.class_region[rows],
        weights=c.class_people[rows],
        minlength=k * r,
    ).reshape(k, r)
    served = np.rint(served).astype(np.int64)
    # every part of the failing assets, by asset: who roams, and who is down with them
    failing = np.unique(owner[covered])
    case = np.full(c.n_assets, -1, dtype=np.int64)
    case[failing] = np.arange(failing.size)
    slot = np.arange(owner.size, dtype=np.int64) - c.asset_part_ptr[owner]
    theirs = c.class_operator[c.class_part_rows[c.class_part_ptr[cls] + slot]]
    in_case = case[owner] >= 0
    case_region = np.zeros(failing.size, dtype=np.int64)
    case_region[case[owner[covered]]] = region[covered]
    for lo in range(0, failing.size, ASSET_CHUNK):
        hi = min(lo + ASSET_CHUNK, failing.size)
        want = np.zeros((hi - lo, k), dtype=np.int64)
        gone = np.zeros((hi - lo, k), dtype=np.int64)
        mine = in_case & (case[owner] >= lo) & (case[owner] < hi)
        roams = mine & covered
        np.add.at(want, (case[owner[roams]] - lo, operator[roams]), people[roams])
        np.add.at(gone, (case[owner[mine]] - lo, theirs[mine]), people[mine])
        offered = served[:, case_region[lo:hi]].T - gone
        taken = roamers_served(want, offered, c.partners, share)
        at = (case[owner[roams]] - lo, operator[roams])
        part_served = taken[at] * people[roams] // np.maximum(want[at], 1)
        lost[np.flatnonzero(roams)] = np.maximum(people[roams] - part_served, 0)
    return lost
