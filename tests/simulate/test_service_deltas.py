"""The metrics' closed forms of what a leaf hit changes equal the general rule: each of
the four sums' indicator after the hit's (R, D) = (1, 1) less before it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fiveguard.simulate.metrics import _hit_deltas
from fiveguard.simulate.services import INDICATORS, hit_deltas


@pytest.mark.parametrize("radio_down_only", [True, False])
def test_closed_forms_equal_the_indicators_difference(radio_down_only: bool) -> None:
    cases = np.asarray(list(itertools.product((False, True), repeat=4)), dtype=bool)
    d, c, e, radio = cases.T
    # the hit's class is up: its radio is up under the radio rule, else R is D
    r = np.zeros_like(d) if radio_down_only else d
    got = _hit_deltas(d, c, e, radio, radio_down_only)
    for i, indicator in enumerate(INDICATORS):
        expected = hit_deltas(indicator, r, d, c, e)
        if i > 0:
            expected = expected * radio  # wireline parts move the first sum only
        assert got[i].tolist() == expected.tolist(), i
