"""Weighted sums of a plane's bits: the int32 product and the float64 one agree with a
plain int64 count, whichever the weights make the code pick."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.simulate.bits import unpack
from fiveguard.simulate.metrics import INT32_LIMIT, Terms, _plane_sums, _sum_type


def _plain(plane: np.ndarray, terms: list[Terms], n_out: int, trials: int) -> np.ndarray:
    bits = unpack(plane, trials).astype(np.int64)
    out = np.zeros((n_out, trials), dtype=np.int64)
    for t in terms:
        for row, cls, weight in zip(t.row.tolist(), t.cls.tolist(), t.weight.tolist(), strict=True):
            out[row] += weight * bits[cls]
    return out


def _case(seed: int, rows: int, trials: int, big: bool) -> tuple[np.ndarray, list[Terms], int]:
    rng = np.random.default_rng(seed)
    words = -(-trials // 64)
    # few distinct rows, as events make them: rows copied from a handful of patterns
    patterns = rng.integers(0, 2**63, size=(4, words), dtype=np.int64).astype(np.uint64)
    plane = patterns[rng.integers(0, 4, size=rows)]
    plane[rng.random(rows) < 0.3] = 0
    n_out = 3
    terms = []
    for _ in range(2):
        count = int(rng.integers(1, 2 * rows))
        high = 2**40 if big else 1000
        terms.append(
            Terms(
                rng.integers(0, n_out, size=count),
                rng.integers(0, rows, size=count),
                rng.integers(0, high, size=count),
            )
        )
    return plane, terms, n_out


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(1, 12),
    trials=st.integers(1, 200),
    big=st.booleans(),
)
def test_sums_equal_a_plain_count(seed: int, rows: int, trials: int, big: bool) -> None:
    plane, terms, n_out = _case(seed, rows, trials, big)
    got = _plane_sums(plane, terms, n_out, trials)
    expected = _plain(plane, terms, n_out, trials)
    if got is None:
        assert not expected.any()
    else:
        assert np.array_equal(got, expected)


def test_int32_only_when_no_sum_can_overflow() -> None:
    row = np.asarray([0, 0, 1], dtype=np.int64)
    assert _sum_type(np.asarray([1, 2, 3]), row, 2) is np.int32
    at_limit = np.asarray([INT32_LIMIT - 5, 5, 0])
    assert _sum_type(at_limit, row, 2) is np.int32
    assert _sum_type(np.asarray([INT32_LIMIT - 5, 6, 0]), row, 2) is np.float64
    # the same weights split over two rows fit
    assert _sum_type(np.asarray([INT32_LIMIT - 5, 6, 0]), np.asarray([0, 1, 1]), 2) is np.int32
    assert _sum_type(np.asarray([-1, 2, 3]), row, 2) is np.float64


def test_sums_past_int32_stay_exact() -> None:
    trials = 130
    plane = np.full((2, 3), np.uint64(2**64 - 1), dtype=np.uint64)
    weight = np.asarray([INT32_LIMIT, INT32_LIMIT], dtype=np.int64)
    terms = [Terms(np.zeros(2, dtype=np.int64), np.arange(2, dtype=np.int64), weight)]
    got = _plane_sums(plane, terms, 1, trials)
    assert got is not None
    assert (got == 2 * INT32_LIMIT).all()
