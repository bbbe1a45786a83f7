"""Identities of rows (plain columns or ragged CSR lists), by vectorised hashing, verified.

Used to group assets with equal requirements, service lists and attributes without a
Python loop over a million rows. A hash only proposes that two rows are equal; every
proposal is checked element by element against the first row with that hash, and a row
whose check fails gets an id of its own, so the ids are exact whatever the hash does.
(Two equal rows may, after a collision, get different ids; grouping stays exact, only
less compact.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

_MIX = np.uint64(0x9E3779B97F4A7C15)
_STEP = np.uint64(0xBF58476D1CE4E5B9)
_LENGTH = np.uint64(0x94D049BB133111EB)


def _scramble(values: npt.NDArray[np.integer]) -> U64:
    with np.errstate(over="ignore"):
        mixed = (np.asarray(values).astype(np.uint64) + np.uint64(1)) * _MIX
        mixed ^= mixed >> np.uint64(29)
        mixed *= _STEP
        mixed ^= mixed >> np.uint64(32)
    return mixed


def _ids_from_hashes(hashes: U64) -> tuple[IntArray, IntArray]:
    """Proposed id of each row and, per id, its first row."""
    _, first, ids = np.unique(hashes, return_index=True, return_inverse=True)
    return ids.reshape(-1).astype(np.int64), first.astype(np.int64)


def _settle(ids: IntArray, same: npt.NDArray[np.bool_]) -> tuple[IntArray, int]:
    """Ids where rows failing their check get fresh ids; consecutive from 0."""
    count = int(ids.max()) + 1 if ids.size else 0
    clash = np.flatnonzero(~same)
    if clash.size == 0:
        return ids, count
    ids = ids.copy()
    ids[clash] = count + np.arange(clash.size, dtype=np.int64)
    ids = np.unique(ids, return_inverse=True)[1].reshape(-1).astype(np.int64)
    return ids, int(ids.max()) + 1


def column_ids(columns: Sequence[npt.NDArray[np.integer]]) -> tuple[IntArray, int]:
    """An id per row of equal-length integer columns, equal exactly for equal rows."""
    n = int(columns[0].shape[0])
    hashes = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in columns:
            hashes = _scramble(hashes ^ _scramble(column))
    ids, first = _ids_from_hashes(hashes)
    rep = first[ids]
    same = np.ones(n, dtype=bool)
    for column in columns:
        same &= column == column[rep]
    return _settle(ids, same)


def row_ids(ptr: IntArray, values: npt.NDArray[np.integer]) -> tuple[IntArray, int]:
    """An id per ragged row, equal exactly when two rows hold the same sequence.

    ``ptr``: ``(n+1,)`` int64; ``values``: the rows concatenated. Returns ``(ids, count)``,
    ``ids`` of shape ``(n,)`` in ``0 … count-1``.
    """
    n = int(ptr.shape[0]) - 1
    vals = np.asarray(values, dtype=np.int64)
    lengths = np.diff(ptr)
    row = np.repeat(np.arange(n, dtype=np.int64), lengths)
    position = np.arange(vals.size, dtype=np.int64) - ptr[row]
    hashes = lengths.astype(np.uint64) * _LENGTH
    if vals.size:
        powers = np.full(int(lengths.max()), _STEP, dtype=np.uint64)
        powers[0] = 1
        powers = np.multiply.accumulate(powers)  # wraps modulo 2**64, as wanted
        with np.errstate(over="ignore"):
            mixed = _scramble(vals) * powers[position]
        nonempty = np.flatnonzero(lengths > 0)
        with np.errstate(over="ignore"):
            hashes[nonempty] += np.add.reduceat(mixed, ptr[nonempty])
    ids, first = _ids_from_hashes(hashes)
    rep = first[ids]
    same = lengths == lengths[rep]
    if vals.size:
        # compare each value with the value at the same position of its row's representative
        theirs = np.minimum(ptr[rep][row] + position, vals.size - 1)
        differs = vals != vals[theirs]
        bad_rows = np.unique(row[differs])
        same[bad_rows] = False
    return _settle(ids, same)
