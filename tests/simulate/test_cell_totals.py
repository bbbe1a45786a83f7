"""The operator-region totals of the trials' cells: the same as NumPy's own sums."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.simulate.metrics import cell_totals


@settings(max_examples=60, deadline=None)
@given(
    trials=st.integers(1, 9),
    k=st.integers(0, 4),
    r=st.integers(0, 5),
    fields=st.integers(1, 6),
    kind=st.sampled_from(["int64", "int32", "bool"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_cell_totals_equal_numpy_sums(
    trials: int, k: int, r: int, fields: int, kind: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    shape = (trials, k * (r + 1), fields)
    if kind == "int64":
        cells = rng.integers(-(2**50), 2**50, size=shape, dtype=np.int64)
    else:
        cells = rng.integers(0, 2 if kind == "bool" else 2**20, size=shape).astype(kind)
    grid = cells.reshape(trials, k, r + 1, fields)
    expected = (cells.sum(axis=1), grid.sum(axis=2), grid[:, :, 1:, :].sum(axis=1))
    for got, want in zip(cell_totals(cells, k, r), expected, strict=True):
        assert got.dtype == want.dtype
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)
