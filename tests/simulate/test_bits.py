"""Reading bits back from planes: the flat gather equals reading each pair on its own."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.simulate import bits
from fiveguard.simulate.bits import distinct_rows, get_bits, set_bits


@st.composite
def planes_and_pairs(draw: st.DrawFn) -> tuple[np.ndarray, list[int], list[int]]:
    rows = draw(st.integers(1, 6))
    words = draw(st.integers(1, 3))
    values = draw(st.lists(st.integers(0, 2**64 - 1), min_size=rows * words, max_size=rows * words))
    plane = np.asarray(values, dtype=np.uint64).reshape(rows, words)
    pairs = draw(st.lists(st.tuples(st.integers(-rows, rows - 1), st.integers(0, 64 * words - 1))))
    return plane, [r for r, _ in pairs], [t for _, t in pairs]


@settings(max_examples=100, deadline=None)
@given(case=planes_and_pairs(), strided=st.booleans())
def test_get_bits_reads_each_pairs_bit(
    case: tuple[np.ndarray, list[int], list[int]], strided: bool
) -> None:
    plane, rows, trials = case
    if strided:  # a plane that is a view with gaps takes the two-dimensional index
        wide = np.zeros((plane.shape[0], 2 * plane.shape[1]), dtype=np.uint64)
        wide[:, ::2] = plane
        plane = wide[:, ::2]
        assert plane.shape[0] == 1 or not plane.flags.c_contiguous
    expected = [
        bool((int(plane[r, t // 64]) >> (t % 64)) & 1) for r, t in zip(rows, trials, strict=True)
    ]
    got = get_bits(plane, np.asarray(rows, dtype=np.int64), np.asarray(trials, dtype=np.int64))
    assert got.dtype == np.bool_
    assert got.tolist() == expected


@settings(max_examples=100, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 191)), max_size=30),
    probes=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 191)), max_size=30),
)
def test_bits_set_are_read_back_and_no_others(
    pairs: list[tuple[int, int]], probes: list[tuple[int, int]]
) -> None:
    plane = np.zeros((5, 3), dtype=np.uint64)
    set_bits(plane, [r for r, _ in pairs], [t for _, t in pairs])
    asked = pairs + probes
    got = get_bits(plane, [r for r, _ in asked], [t for _, t in asked])
    assert got.tolist() == [pair in set(pairs) for pair in asked]


@st.composite
def planes_with_repeats(draw: st.DrawFn) -> np.ndarray:
    words = draw(st.integers(1, 3))
    pool = draw(st.lists(st.integers(0, 2**64 - 1), min_size=words, max_size=4 * words))
    rows = draw(st.integers(1, 12))
    # few distinct values, so that many rows repeat
    values = draw(st.lists(st.sampled_from(pool), min_size=rows * words, max_size=rows * words))
    return np.asarray(values, dtype=np.uint64).reshape(rows, words)


def _check_distinct(plane: np.ndarray, rows: np.ndarray) -> None:
    distinct, which = distinct_rows(plane, rows)
    assert which.shape == rows.shape
    # every row maps to a row with the same bits, and the distinct rows differ
    assert np.array_equal(plane[distinct[which]], plane[rows])
    assert len({plane[r].tobytes() for r in distinct}) == distinct.size
    assert set(distinct.tolist()) <= set(rows.tolist())


@settings(max_examples=200, deadline=None)
@given(plane=planes_with_repeats(), data=st.data())
def test_distinct_rows_groups_rows_with_equal_bits(plane: np.ndarray, data: st.DataObject) -> None:
    rows = np.asarray(
        data.draw(st.lists(st.integers(0, plane.shape[0] - 1), unique=True)), dtype=np.int64
    )
    _check_distinct(plane, rows)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plane=planes_with_repeats())
def test_distinct_rows_stays_exact_when_every_hash_collides(
    plane: np.ndarray, monkeypatch_factors: None
) -> None:
    _check_distinct(plane, np.arange(plane.shape[0], dtype=np.int64))


@pytest.fixture
def monkeypatch_factors(monkeypatch: pytest.MonkeyPatch) -> None:
    # all multipliers 0: every row hashes to 0, so the grouping must compare the words
    monkeypatch.setattr(bits, "_HASH_FACTORS", np.zeros(64, dtype=np.uint64))


def _hashes(plane: np.ndarray) -> np.ndarray:
    factors = np.resize(bits._HASH_FACTORS, plane.shape[1])
    return (bits._mixed(plane) * factors).sum(axis=1, dtype=np.uint64)


def test_rows_differing_in_high_bits_hash_apart() -> None:
    """Rows that differ in a few trials, at the top bits of their words, get distinct
    hashes: the exact fallback is for rare collisions, not for these."""
    words = 8
    base = np.zeros(words, dtype=np.uint64)
    top = np.uint64(1) << np.uint64(63)
    rows = [base]
    for i in range(words):
        for j in range(i + 1, words):
            row = base.copy()
            row[i] ^= top
            row[j] ^= top
            rows.append(row)
    plane = np.asarray(rows)
    # without mixing, every one of these rows would hash like the base row (bit 63 of two
    # words, times odd factors, cancels)
    unmixed = (plane * np.resize(bits._HASH_FACTORS, words)).sum(axis=1, dtype=np.uint64)
    assert np.unique(unmixed).size == 1
    assert np.unique(_hashes(plane)).size == plane.shape[0]
    _check_distinct(plane, np.arange(plane.shape[0], dtype=np.int64))
