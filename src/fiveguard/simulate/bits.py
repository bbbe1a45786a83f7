"""Trials packed as bits: trial ``t`` of a batch is bit ``t % 64`` of word ``t // 64``.

A *plane* is a ``uint64`` array of shape ``(rows, words)``: one row per asset class (or
event target), one bit per trial. These helpers set bits from (row, trial) pairs, read
them back, and unpack planes into ``uint8`` matrices for weighted sums.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Plane = npt.NDArray[np.uint64]
IntArray = npt.NDArray[np.int64]
BITS = 64


def words_for(trials: int) -> int:
    """Words needed to hold ``trials`` bits."""
    return max(1, -(-trials // BITS))


def empty_plane(rows: int, words: int) -> Plane:
    """A ``(rows, words)`` plane with every bit clear."""
    return np.zeros((rows, words), dtype=np.uint64)


def set_bits(plane: Plane, rows: npt.ArrayLike, trials: npt.ArrayLike) -> None:
    """Set bit ``trials[i]`` of row ``rows[i]`` for every ``i`` (repeats are harmless).

    ``plane``: ``(R, W)`` uint64, C-contiguous, modified in place.
    """
    r = np.asarray(rows, dtype=np.int64)
    t = np.asarray(trials, dtype=np.int64)
    if r.size == 0:
        return
    if not plane.flags.c_contiguous:
        raise ValueError("set_bits needs a C-contiguous plane")
    words = plane.shape[1]
    flat = plane.reshape(-1)
    masks = np.left_shift(np.uint64(1), (t & (BITS - 1)).astype(np.uint64))
    np.bitwise_or.at(flat, r * words + (t >> 6), masks)


def get_bits(plane: Plane, rows: npt.ArrayLike, trials: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Bit ``trials[i]`` of row ``rows[i]``, as booleans of the pairs' shape."""
    r = np.asarray(rows, dtype=np.int64)
    t = np.asarray(trials, dtype=np.int64)
    if plane.flags.c_contiguous:
        # one gather from the flat words: several times faster than a 2-D fancy index, and
        # the same words (a row of -1, counted from the end, is the last row either way)
        words = plane.reshape(-1).take(r * plane.shape[1] + (t >> 6))
    else:
        words = plane[r, t >> 6]
    words >>= (t & (BITS - 1)).astype(np.uint64)
    bits: npt.NDArray[np.bool_] = (words & np.uint64(1)).astype(bool)
    return bits


def distinct_rows(plane: Plane, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Of ``plane``'s ``rows``, those with distinct bits (``distinct``, one row of each) and,
    for each of ``rows``, the position in ``distinct`` of the row with its bits.

    Rows are grouped by a hash of their words, then every row is compared with its
    group's first: when two different rows share a hash (rare) the rows are grouped by
    their words themselves, so the grouping is always exact.
    """
    picked = plane[rows]
    if rows.size <= 1:
        return rows, np.arange(rows.size, dtype=np.int64)
    hashes = (_mixed(picked) * np.resize(_HASH_FACTORS, picked.shape[1])).sum(
        axis=1, dtype=np.uint64
    )
    _, first, which = np.unique(hashes, return_index=True, return_inverse=True)
    which = which.reshape(-1)
    if not np.array_equal(picked, picked[first[which]]):
        _, first, which = np.unique(picked, axis=0, return_index=True, return_inverse=True)
        which = which.reshape(-1)
    return rows[first], which.astype(np.int64)


def _mixed(words: Plane) -> Plane:
    """Each word through the SplitMix64 finaliser, so that every bit of a word moves every
    bit of its hash. Without it, rows differing in a few high bits (rows that differ in a
    few trials, as a power area's rows differ from its neighbours') often summed to the
    same hash (two differences in bit 63 cancel), and the exact fallback ran."""
    x = words ^ (words >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


_HASH_FACTORS: Plane = np.random.default_rng(20261207).integers(
    0, 2**63, size=64, dtype=np.uint64
) * np.uint64(2) + np.uint64(1)
"""Odd 64-bit multipliers, one per word, of the row hash in :func:`distinct_rows`."""


def unpack(plane: Plane, trials: int) -> npt.NDArray[np.uint8]:
    """``(R, W)`` uint64 → ``(R, trials)`` uint8 of 0/1 (little-endian bit order)."""
    if plane.shape[0] == 0:
        return np.zeros((0, trials), dtype=np.uint8)
    # little-endian words, so that byte k of a row holds trials 8k … 8k+7 on any machine
    as_bytes = np.ascontiguousarray(plane, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, count=trials, bitorder="little")


def trial_mask(trials: int, words: int) -> Plane:
    """``(words,)`` uint64 with the first ``trials`` bits set: masks padding bits off."""
    mask = np.zeros(words, dtype=np.uint64)
    full, rest = divmod(trials, BITS)
    mask[:full] = np.uint64(0xFFFFFFFFFFFFFFFF)
    if rest:
        mask[full] = np.uint64((1 << rest) - 1)
    return mask
