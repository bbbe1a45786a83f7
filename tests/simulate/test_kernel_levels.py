"""The requires kernel's ways of OR-ing a level's requirement lists (a table OR-ed into
long runs, a table gathered per class, straight into classes with a list each, in the
table's order or not) give what a plain loop over classes and entries gives."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.simulate.plan import RequiresLevel
from fiveguard.simulate.propagate import spread_requires


@st.composite
def levels(draw: st.DrawFn) -> tuple[list[tuple[int, ...]], list[int], int, bool]:
    """Inputs rows ``0 … inputs-1``; one level of classes, each with a requirement list
    (a pattern) over the inputs; whether classes with one pattern each keep the table's
    order."""
    inputs = draw(st.integers(1, 6))
    lists = draw(
        st.lists(
            st.lists(st.integers(0, inputs - 1), min_size=1, max_size=4, unique=True).map(tuple),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    own = draw(st.booleans())  # every class a pattern of its own, or runs sharing one
    if own:
        sizes = [1] * len(lists)
    else:
        sizes = draw(st.lists(st.integers(1, 40), min_size=len(lists), max_size=len(lists)))
    in_order = draw(st.booleans())
    return lists, sizes, inputs, in_order


def _level(
    lists: list[tuple[int, ...]], sizes: list[int], inputs: int, in_order: bool
) -> tuple[RequiresLevel, list[int]]:
    # classes are sorted by pattern (runs); the table holds patterns most entries first
    by_length = sorted(range(len(lists)), key=lambda p: -len(lists[p]))
    runs = by_length if in_order else list(range(len(lists)))  # in the table's order or not
    row_of_run = np.asarray([by_length.index(p) for p in runs], dtype=np.int64)
    table = [lists[p] for p in by_length]
    slots = tuple(
        np.asarray([entries[j] for entries in table if len(entries) > j], dtype=np.int64)
        for j in range(max(len(e) for e in table))
    )
    run_sizes = [sizes[p] for p in runs]
    bounds = np.concatenate([[0], np.cumsum(run_sizes)]).astype(np.int64)
    n = int(bounds[-1])
    level = RequiresLevel(
        lo=inputs,
        hi=inputs + n,
        group_lo=0,
        group_hi=0,
        group_slots=(),
        pattern_slots=slots,
        owner_pattern=np.repeat(row_of_run, run_sizes),
        run_bounds=bounds,
        run_pattern=row_of_run,
    )
    owners = [p for p, size in zip(runs, run_sizes, strict=True) for _ in range(size)]
    return level, owners


@settings(max_examples=300, deadline=None)
@given(case=levels(), words=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_a_level_ors_each_class_entries_as_a_plain_loop_does(
    case: tuple[list[tuple[int, ...]], list[int], int, bool], words: int, seed: int
) -> None:
    lists, sizes, inputs, in_order = case
    level, owners = _level(lists, sizes, inputs, in_order)
    rows = level.hi
    rng = np.random.default_rng(seed)
    state = rng.integers(0, 2**64 - 1, size=(rows, 2, words), dtype=np.uint64, endpoint=True)
    expected = state.copy()
    for i, pattern in enumerate(owners):
        for entry in lists[pattern]:
            expected[inputs + i] |= state[entry]
    compiled = SimpleNamespace(n_classes=rows, requires_levels=(level,))
    spread_requires(compiled, state)  # type: ignore[arg-type]
    assert np.array_equal(state, expected)
