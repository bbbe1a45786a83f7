"""Dependency-graph arithmetic on CSR arrays: ragged gathers, topological levels, cycles.

A graph of ``n`` nodes is given as ``ptr`` (``int64``, shape ``(n+1,)``) and ``targets``
(``int32``): node ``i`` depends on ``targets[ptr[i]:ptr[i+1]]``. Everything here is
vectorised over nodes; the only Python loops run once per level (a handful) or while
tracing one cycle for an error message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]


def ragged_ranges(ptr: IntArray, rows: npt.NDArray[np.integer]) -> IntArray:
    """Concatenation of ``arange(ptr[r], ptr[r+1])`` for each ``r`` in ``rows``."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # offset of each output element from the start of its own range
    run_starts = np.cumsum(counts) - counts
    within = np.arange(total, dtype=np.int64) - np.repeat(run_starts, counts)
    out: IntArray = np.repeat(starts, counts) + within
    return out


def row_of_entry(ptr: IntArray) -> IntArray:
    """For each entry of a CSR array, the row it belongs to."""
    counts = np.diff(ptr)
    return np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)


def reverse(n: int, ptr: IntArray, targets: npt.NDArray[np.integer]) -> tuple[IntArray, Int32Array]:
    """The reversed graph: for each node, the nodes that depend on it."""
    sources = row_of_entry(ptr)
    order = np.argsort(targets, kind="stable")
    counts = np.bincount(np.asarray(targets, dtype=np.int64), minlength=n)
    rptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=rptr[1:])
    return rptr, sources[order].astype(np.int32)


@dataclass(frozen=True)
class Levels:
    """Topological levels: ``level[i]`` is 0 for nodes without dependencies, else one
    more than the deepest dependency; ``cycle`` names one cycle if the graph has one."""

    level: Int32Array
    cycle: tuple[int, ...] | None

    @property
    def depth(self) -> int:
        return int(self.level.max()) + 1 if self.level.size else 0


def topological_levels(n: int, ptr: IntArray, targets: npt.NDArray[np.integer]) -> Levels:
    """Levels of a dependency graph by Kahn's algorithm, one vectorised step per level."""
    targets = np.asarray(targets, dtype=np.int64)
    pending = np.diff(ptr).astype(np.int64)  # unresolved dependencies per node
    rptr, dependents = reverse(n, ptr, targets)
    level = np.full(n, -1, dtype=np.int32)
    frontier = np.flatnonzero(pending == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        touched = dependents[ragged_ranges(rptr, frontier)]
        if touched.size == 0:
            break
        # bincount instead of np.subtract.at/np.unique: one linear pass per level
        pending -= np.bincount(touched, minlength=n)
        frontier = np.flatnonzero((pending == 0) & (level < 0))
        depth += 1
    if (level < 0).any():
        return Levels(level, find_cycle(ptr, targets, level < 0))
    return Levels(level, None)


def find_cycle(
    ptr: IntArray, targets: npt.NDArray[np.integer], remaining: npt.NDArray[np.bool_]
) -> tuple[int, ...]:
    """One cycle among ``remaining`` nodes (each has a dependency that is also remaining)."""
    start = int(np.flatnonzero(remaining)[0])
    seen: dict[int, int] = {}
    path: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        deps = targets[ptr[node] : ptr[node + 1]]
        node = int(next(int(d) for d in deps if remaining[d]))
    return tuple(path[seen[node] :])
