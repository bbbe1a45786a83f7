"""Reading bits back from planes: the flat gather equals reading each pair on its own."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.simulate.bits import get_bits, set_bits


@st.composite
def planes_and_pairs(draw: st.DrawFn) -> tuple[np.ndarray, list[int], list[int]]:
    rows = draw(st.integers(1, 6))
    words = draw(st.integers(1, 3))
    values = draw(st.lists(st.integers(0, 2**64 - 1), min_size=rows * words, max_size=rows * words))
    plane = np.asarray(values, dtype=np.uint64).reshape(rows, words)
    pairs = draw(st.lists(st.tuples(st.integers(-rows, rows - 1), st.integers(0, 64 * words - 1))))
    return plane, [r for r, _ in pairs], [t for _, t in pairs]


@settings(max_examples=200, deadline=None)
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
