"""RAN sharing: how the people of a radio asset shared by several operators are split
between them. The assessment's operator figures and the model checks use this one rule.

Permanent national roaming puts a guest's customers on a host's radio assets in some
regions: for these figures the guest is one more operator the asset is shared with
(:func:`with_guests`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.network import Operator

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class OperatorView:
    """Which rows each operator's users depend on, and the share of their people it gets.

    An asset belongs to its operator (the host); one ``shared_with`` other operators
    (RAN sharing) serves their users too. Each (row, operator) pair is one entry: every
    row once for its host, and once more per guest. ``share`` is the part of the row's
    population attributed to that operator: the operators sharing the row split it in
    proportion to their subscribers (equally when none has subscribers); an unshared row
    gives its host everything. Sites are not split: a shared site is a whole site of each
    operator's network.
    """

    row: IntArray
    operator: IntArray
    share: FloatArray
    guest: BoolArray
    """``guest[e]``: entry ``e`` is a guest's (the row is shared with that operator)."""


def operator_view(
    owner: npt.NDArray[np.integer],
    shared_ptr: IntArray,
    shared_with: npt.NDArray[np.integer],
    subscribers: Sequence[int],
) -> OperatorView:
    """Every operator's rows and shares, from each row's operator (``owner``, -1 for one
    not known: it has no subscribers), the CSR list of operators each row is shared with,
    and each operator's subscribers."""
    n = owner.shape[0]
    owner = owner.astype(np.int64)
    counts = np.diff(shared_ptr)
    guest_row = np.repeat(np.arange(n, dtype=np.int64), counts)
    guest_op = shared_with.astype(np.int64)
    users = np.asarray([*subscribers, 0], dtype=np.float64)  # [-1]: an unknown operator
    total = users[owner] + np.bincount(guest_row, weights=users[guest_op], minlength=n)
    parties = 1.0 + counts
    safe = np.where(total > 0, total, 1.0)
    host_share = np.where(total > 0, users[owner] / safe, 1.0 / parties)
    guest_share = np.where(
        total[guest_row] > 0, users[guest_op] / safe[guest_row], 1.0 / parties[guest_row]
    )
    return OperatorView(
        row=np.concatenate([np.arange(n, dtype=np.int64), guest_row]),
        operator=np.concatenate([owner, guest_op]),
        share=np.concatenate([host_share, guest_share]),
        guest=np.concatenate([np.zeros(n, dtype=bool), np.ones(guest_row.size, dtype=bool)]),
    )


def with_guests(
    owner: npt.NDArray[np.integer],
    region: npt.NDArray[np.integer],
    radio: BoolArray,
    shared_ptr: IntArray,
    shared_with: npt.NDArray[np.integer],
    guests: Sequence[tuple[int, int, Sequence[int]]],
) -> tuple[IntArray, IntArray]:
    """Each row's sharing partners (CSR) with its national roaming guests added: for each
    ``(guest, host, regions)``, the guest on every radio row in those regions that the host
    runs or shares, unless the guest is already among the row's operators."""
    n = owner.shape[0]
    rows = [np.repeat(np.arange(n, dtype=np.int64), np.diff(shared_ptr))]
    cols = [shared_with.astype(np.int64)]
    who_row = np.concatenate([np.arange(n, dtype=np.int64), rows[0]])
    who_op = np.concatenate([owner.astype(np.int64), cols[0]])
    k = int(max(who_op.max(initial=0), max((g for g, _, _ in guests), default=0))) + 1
    present = who_row * k + who_op
    for guest, host, regions in guests:
        hit = who_row[who_op == host]
        hit = hit[radio[hit] & np.isin(region[hit], list(regions))]
        hit = hit[~np.isin(hit * k + guest, present)]
        rows.append(hit)
        cols.append(np.full(hit.size, guest, dtype=np.int64))
    row = np.concatenate(rows)
    order = np.argsort(row, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=n), out=ptr[1:])
    return ptr, np.concatenate(cols)[order]


def national_roaming_guests(
    operators: Sequence[Operator], region_ids: Sequence[str]
) -> list[tuple[int, int, tuple[int, ...]]]:
    """``(guest, host, regions)`` indices of every national roaming agreement whose host
    and regions are declared (``operators``: the model's operators)."""
    index = {o.id: i for i, o in enumerate(operators)}
    regions = {r: i for i, r in enumerate(region_ids)}
    out = []
    for g, guest in enumerate(operators):
        for deal in guest.national_roaming:
            if deal.host in index:
                wanted = tuple(regions[r] for r in deal.regions if r in regions)
                out.append((g, index[deal.host], wanted))
    return out
