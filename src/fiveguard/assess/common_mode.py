"""Redundancy defeated by one version: ``any:`` groups whose members all run the same
product version (catalogue rule ``assessment.diversity.common_mode``).

A pool of AMFs or a set of UPFs listed as ``{any: [...]}`` is meant to survive the loss
of a member; when every member runs one product version, one fault of that version (a
bad release, an expired certificate baked into the software, as in December 2018) takes
them all down at once. Each such group is reported once, with the assets requiring it and
the people served by radio assets depending on it (directly or through other assets, by
``requires`` or ``managed_by``).
"""

from __future__ import annotations

import numpy as np

from fiveguard.assess.context import Prepared, dependents, plural
from fiveguard.assess.results import CommonModeGroup
from fiveguard.domain.graph import ragged_ranges

NAMED_MEMBERS = 6
PAIR = 2  # two members read "both"


def common_mode_groups(prep: Prepared) -> tuple[CommonModeGroup, ...]:
    """Every distinct ``any:`` group of at least ``min_members`` members on one version,
    most people first."""
    table = prep.table
    rule = prep.catalogue.assessment.diversity.common_mode
    entries = np.flatnonzero(table.entry_is_group)
    sizes = table.entry_ptr[entries + 1] - table.entry_ptr[entries]
    keep = sizes >= max(rule.min_members, 1)
    entries, sizes = entries[keep], sizes[keep]
    if entries.size == 0:
        return ()
    members = table.members[ragged_ranges(table.entry_ptr, entries)].astype(np.int64)
    versions = table.product_version[members].astype(np.int64)
    starts = np.cumsum(sizes) - sizes
    lowest = np.minimum.reduceat(versions, starts)
    highest = np.maximum.reduceat(versions, starts)
    common = (lowest == highest) & (lowest >= 0)
    if not common.any():
        return ()
    # the same group is listed by every asset requiring it: one row per distinct set
    chosen = np.flatnonzero(common)
    chosen_sizes = sizes[chosen]
    local_ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    values = members[ragged_ranges(local_ptr, chosen)]
    row = np.repeat(np.arange(chosen.size), chosen_sizes)
    values = values[np.lexsort((values, row))]  # members in order within each group
    within = np.arange(values.size) - np.repeat(
        np.cumsum(chosen_sizes) - chosen_sizes, chosen_sizes
    )
    padded = np.full((chosen.size, int(chosen_sizes.max())), -1, dtype=np.int64)
    padded[row, within] = values
    distinct, inverse = _distinct_rows(padded)
    owners = table.entry_asset[entries[chosen]]
    groups = []
    for g in range(distinct.shape[0]):
        holders = np.zeros(len(table), dtype=bool)
        holders[owners[inverse == g]] = True
        groups.append(_group(prep, rule.id, distinct[g][distinct[g] >= 0], holders))
    return tuple(sorted(groups, key=lambda c: (-c.people, c.members)))


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a 2-D integer array and, per row, the index of its distinct
    row (``np.unique(axis=0)`` without its slow sort of void records)."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    change = np.any(ordered[1:] != ordered[:-1], axis=1)
    first = np.concatenate([[True], change])
    inverse = np.empty(len(rows), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _group(prep: Prepared, rule: str, members: np.ndarray, holders: np.ndarray) -> CommonModeGroup:
    table = prep.table
    version = table.product_versions[int(table.product_version[members[0]])]
    supplier = prep.supplier_ids[int(prep.supplier[members[0]])]
    reached = dependents(prep, holders) & prep.radio
    people = int(table.population[reached].sum())
    sites = int(table.sites[reached].sum())
    names = list(prep.ids(members))
    operators = tuple(dict.fromkeys(prep.operator_ids[int(k)] for k in prep.operator[members]))
    shown = ", ".join(names[:NAMED_MEMBERS]) + (
        f" and {len(names) - NAMED_MEMBERS} more" if len(names) > NAMED_MEMBERS else ""
    )
    n_holders = int(holders.sum())
    return CommonModeGroup(
        rule=rule,
        operators=operators,
        members=tuple(names),
        product=version,
        supplier=supplier,
        holders=n_holders,
        holder_sample=prep.ids(np.flatnonzero(holders)[:5]),
        people=people,
        sites=sites,
        text=(
            f"the redundancy group {{any: {shown}}} of {', '.join(operators)} runs one version, "
            f"{version}, on {'both' if len(names) == PAIR else f'all {len(names)}'} members: one "
            f"fault of that version stops the whole group; {plural(n_holders, 'asset')} "
            f"require{'s' if n_holders == 1 else ''} it, and "
            f"{plural(people, 'person', 'people')} are served by "
            f"{plural(sites, 'radio site')} depending on it"
        ),
    )
