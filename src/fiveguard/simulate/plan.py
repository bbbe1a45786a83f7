"""The kernel's plan of the ``requires`` and ``managed_by`` graphs of the asset classes.

Each class's requirement entries are ids of distinct member lists (:class:`Entries`).
Classes are numbered by topological level of the ``requires`` graph, then by requirement
pattern, then by manager (see :mod:`fiveguard.simulate.compile`), so that per level the
kernel works on contiguous ranges: the level's ``any:`` groups, its distinct patterns in a
small table, and runs of classes sharing a pattern (:class:`RequiresLevel`); likewise
runs of classes sharing a manager per ``managed_by`` level (:class:`ManagedLevel`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.graph import ragged_ranges, topological_levels
from fiveguard.domain.table import AssetTable
from fiveguard.simulate.ragged import row_ids

IntArray = npt.NDArray[np.int64]
MAX_RUNS = 2048
"""Runs are OR-ed one by one (a Python loop) only when there are at most this many and
they average 16 rows or more; otherwise every row gathers its own (vectorised)."""
GROUP_MEMBERS = 2
"""Entries with at least this many members are computed as ``any:`` groups; an entry of
one member reads that member's row directly."""


@dataclass(frozen=True, eq=False)
class RequiresLevel:
    """One topological level (≥ 1) of the class ``requires`` graph.

    Classes ``lo … hi-1`` are computed here. First the level's ``any:`` groups, rows
    ``C + group_lo … C + group_hi - 1``: ``group_slots[k]`` holds the ``k``-th member
    class of the first groups (groups sorted by size, largest first). Then its distinct
    requirement lists (*patterns*), in a table sorted by number of entries:
    ``pattern_slots[j]`` holds the state row (a class, or ``C + g`` for group ``g``) of the
    ``j``-th entry of the first patterns. Classes are sorted by pattern, so each pattern's
    classes are one run: ``run_bounds`` (relative to ``lo``) and ``run_pattern`` give the
    runs; ``owner_pattern`` gives each class's pattern for when runs are short.
    """

    lo: int
    hi: int
    group_lo: int
    group_hi: int
    group_slots: tuple[IntArray, ...]
    pattern_slots: tuple[IntArray, ...]
    owner_pattern: IntArray
    run_bounds: IntArray
    run_pattern: IntArray

    @property
    def runs_are_long(self) -> bool:
        """Whether OR-ing each pattern into its run beats gathering a row per class."""
        runs = self.run_pattern.shape[0]
        return bool(runs <= MAX_RUNS and runs * 16 <= self.hi - self.lo)


@dataclass(frozen=True, eq=False)
class ManagedLevel:
    """One level (≥ 1) of the ``managed_by`` graph: ``classes`` (ascending) take their
    manager's compromise. Runs of consecutive classes with the same manager are
    ``classes[run_bounds[k]] …`` (``run_bounds[k+1] - run_bounds[k]`` of them), managed by
    ``run_manager[k]``."""

    classes: IntArray
    run_bounds: IntArray
    run_manager: IntArray

    @property
    def runs_are_long(self) -> bool:
        """Whether OR-ing the manager's row into each run beats a gather per class."""
        runs = self.run_manager.shape[0]
        return bool(runs <= MAX_RUNS and runs * 16 <= self.classes.shape[0])


@dataclass(frozen=True)
class Entries:
    """Each class's entries (distinct-entry ids) and each distinct entry's member classes."""

    ptr: IntArray  # (C+1,) into ids
    ids: IntArray
    member_ptr: IntArray  # (E+1,) into member_class
    member_class: IntArray

    def renumbered(self, old_of_new: IntArray, new_of_old: IntArray) -> Entries:
        counts = np.diff(self.ptr)[old_of_new]
        return Entries(
            ptr_of(counts),
            self.ids[ragged_ranges(self.ptr, old_of_new)],
            self.member_ptr,
            new_of_old[self.member_class],
        )


def class_entries(t: AssetTable, rep: IntArray, asset_class: IntArray) -> Entries:
    """The entries of each class's representative, as ids of distinct member lists."""
    rows = ragged_ranges(t.req_ptr, rep)  # entry rows of the representatives
    entry_ptr = ptr_of(np.diff(t.entry_ptr)[rows])
    members = t.members[ragged_ranges(t.entry_ptr, rows)].astype(np.int64)
    ids, count = row_ids(entry_ptr, members)
    first = np.zeros(count, dtype=np.int64)
    first[ids[::-1]] = np.arange(ids.size - 1, -1, -1, dtype=np.int64)
    member_ptr = ptr_of(np.diff(entry_ptr)[first])
    member_class = asset_class[members[ragged_ranges(entry_ptr, first)]]
    return Entries(ptr_of(np.diff(t.req_ptr)[rep]), ids, member_ptr, member_class)


def requires_levels_of(n: int, entries: Entries) -> IntArray:
    """Topological level of each class in the requires graph (validated acyclic)."""
    per_entry = np.diff(entries.member_ptr)[entries.ids]
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(entries.ptr))
    counts = np.bincount(owner, weights=per_entry, minlength=n).astype(np.int64)
    targets = entries.member_class[ragged_ranges(entries.member_ptr, entries.ids)]
    levels = topological_levels(n, ptr_of(counts), targets)
    if levels.cycle is not None:
        raise ValueError("the model's requires graph has a cycle; load it with load_model first")
    return levels.level.astype(np.int64)


def managed_levels_of(manager: IntArray) -> IntArray:
    """Level of each class in the managed_by graph (validated acyclic)."""
    has = manager >= 0
    levels = topological_levels(manager.shape[0], ptr_of(has.astype(np.int64)), manager[has])
    if levels.cycle is not None:
        raise ValueError("the model's managed_by graph has a cycle; load it with load_model first")
    return levels.level.astype(np.int64)


def managed_runs(managed_level: IntArray, manager: IntArray) -> tuple[ManagedLevel, ...]:
    out = []
    for lv in range(1, int(managed_level.max(initial=0)) + 1):
        classes = np.flatnonzero(managed_level == lv).astype(np.int64)
        managers = manager[classes]
        change = np.ones(classes.shape[0], dtype=bool)
        change[1:] = (classes[1:] != classes[:-1] + 1) | (managers[1:] != managers[:-1])
        starts = np.flatnonzero(change)
        out.append(
            ManagedLevel(
                classes=classes,
                run_bounds=np.append(starts, classes.shape[0]).astype(np.int64),
                run_manager=managers[starts],
            )
        )
    return tuple(out)


def patterns_of(entries: Entries, n: int) -> IntArray:
    """An id per class, equal for classes with the same set of distinct entries."""
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(entries.ptr))
    canonical = entries.ids[np.lexsort((entries.ids, owner))]
    return row_ids(entries.ptr, canonical)[0]


def requires_plan(
    level: IntArray, pattern: IntArray, entries: Entries, n_classes: int
) -> tuple[tuple[RequiresLevel, ...], int]:
    """The kernel's plan: per level, the groups, the patterns and the runs of classes."""
    sizes = np.diff(entries.member_ptr)
    owner = np.repeat(np.arange(n_classes, dtype=np.int64), np.diff(entries.ptr))
    # a group is computed at the lowest level of the classes that use it
    group_level = np.full(sizes.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(group_level, entries.ids, level[owner])
    is_group = (sizes >= GROUP_MEMBERS) & (group_level < np.iinfo(np.int64).max)
    groups = np.flatnonzero(is_group)
    groups = groups[np.lexsort((-sizes[groups], group_level[groups]))]
    source = np.full(sizes.shape[0], -1, dtype=np.int64)
    single = sizes == 1
    source[single] = entries.member_class[entries.member_ptr[:-1][single]]
    source[groups] = n_classes + np.arange(groups.size, dtype=np.int64)
    depth = int(level.max(initial=0))
    class_bounds = np.searchsorted(level, np.arange(depth + 2))
    group_bounds = np.searchsorted(group_level[groups], np.arange(depth + 2))
    n_entries = np.diff(entries.ptr)
    out = []
    for lv in range(1, depth + 1):
        lo, hi = int(class_bounds[lv]), int(class_bounds[lv + 1])
        glo, ghi = int(group_bounds[lv]), int(group_bounds[lv + 1])
        level_groups = groups[glo:ghi]
        group_sizes = sizes[level_groups]
        group_slots = tuple(
            entries.member_class[entries.member_ptr[level_groups[group_sizes > k]] + k]
            for k in range(int(group_sizes.max(initial=0)))
        )
        # classes are sorted by pattern within the level: one run per pattern
        change = np.ones(hi - lo, dtype=bool)
        change[1:] = pattern[lo + 1 : hi] != pattern[lo : hi - 1]
        run_starts = np.flatnonzero(change)
        first = lo + run_starts  # a representative class of each run
        table = np.argsort(-n_entries[first], kind="stable")  # pattern table: most entries first
        row_of_run = np.empty(table.shape[0], dtype=np.int64)
        row_of_run[table] = np.arange(table.shape[0], dtype=np.int64)
        reps = first[table]
        pattern_slots = tuple(
            source[entries.ids[entries.ptr[reps[n_entries[reps] > j]] + j]]
            for j in range(int(n_entries[reps].max(initial=0)))
        )
        out.append(
            RequiresLevel(
                lo=lo,
                hi=hi,
                group_lo=glo,
                group_hi=ghi,
                group_slots=group_slots,
                pattern_slots=pattern_slots,
                owner_pattern=row_of_run[np.cumsum(change) - 1],
                run_bounds=np.append(run_starts, hi - lo).astype(np.int64),
                run_pattern=row_of_run,
            )
        )
    return tuple(out), int(groups.size)


def ptr_of(counts: npt.NDArray[np.integer]) -> IntArray:
    """CSR pointers (``len(counts) + 1``) of rows of ``counts`` elements."""
    ptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr
