"""The rule that splits a partner's spare capacity among the networks roaming onto it is
the same in the engine (:func:`fiveguard.simulate.services.roamers_served`) and in the
reference oracle (``ServiceRulesOracle.roamers_served``): one budget per partner and
region, ``floor(share * served there)``, granted in proportion to the roamers, each
grant rounded down, an operator's roamers served its grants over its partners at most
its roamers (docs/simulation.md, "Within the partner's spare capacity").

Both sides are fed the same roamers and customers served, so a difference between engine
and oracle figures elsewhere comes from who wants to roam, not from this rounding."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import ServiceRulesOracle

from fiveguard.simulate.services import roamers_served


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[list[bool]], list[int], list[int], float]:
    k = draw(st.integers(2, 5))
    partners = [[i != j and draw(st.booleans()) for j in range(k)] for i in range(k)]
    want = draw(st.lists(st.integers(0, 1500), min_size=k, max_size=k))
    offered = draw(st.lists(st.integers(0, 3000), min_size=k, max_size=k))
    share = draw(st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 1.0]))
    return partners, want, offered, share


def oracle_served(
    partners: list[list[bool]], want: list[int], offered: list[int], share: float
) -> list[int]:
    names = [f"op{i}" for i in range(len(want))]
    roaming = {
        n: {names[j] for j, yes in enumerate(row) if yes}
        for n, row in zip(names, partners, strict=True)
    }
    fake = SimpleNamespace(o=SimpleNamespace(roaming=roaming, operators=names), share=share)
    cell_want = {(n, "R"): w for n, w in zip(names, want, strict=True) if w}
    up = {(n, "R"): u for n, u in zip(names, offered, strict=True)}
    served = ServiceRulesOracle.roamers_served(fake, cell_want, up)  # type: ignore[arg-type]
    return [served.get((n, "R"), 0) for n in names]


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_split_of_spare_capacity_is_the_oracles(
    case: tuple[list[list[bool]], list[int], list[int], float],
) -> None:
    partners, want, offered, share = case
    engine = roamers_served(
        np.array([want], dtype=np.int64),
        np.array([offered], dtype=np.int64),
        np.array(partners, dtype=bool),
        share,
    )[0].tolist()
    assert engine == oracle_served(partners, want, offered, share)


def test_two_networks_on_one_partner_round_each_grant_down() -> None:
    # B serves 1,000 (budget 250); A sends 600 and C 300: 250 * 600 // 900 = 166 and
    # 250 * 300 // 900 = 83, one place of the budget left unused (rounded down alike)
    partners = [[False, True, False], [False, False, False], [False, True, False]]
    want, offered = [600, 0, 300], [0, 1000, 0]
    engine = roamers_served(np.array([want]), np.array([offered]), np.array(partners), 0.25)[
        0
    ].tolist()
    assert engine == [166, 0, 83]
    assert oracle_served(partners, want, offered, 0.25) == [166, 0, 83]
