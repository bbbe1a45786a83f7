"""The federated Monte Carlo is exact: the states' vectors summed trial by trial equal one
simulation of their networks together under the same seed, trial for trial."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from federated_states import as_state, merged
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "simulate"))
from helpers import busy_catalogue, model_of
from strategies import models

from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset, FactorScore, NationalRoaming, Operator, Product
from fiveguard.domain.parties import Tlp
from fiveguard.exchange.federated import (
    COLUMNS,
    VECTOR_FIELDS,
    cross_border_impacts,
    cross_border_sources,
    decode_vector,
    encode_vector,
)
from fiveguard.exchange.federated_sum import (
    StateVectors,
    if_independent,
    summed,
)
from fiveguard.simulate import prepare
from fiveguard.simulate.engines import run_trials

TRIALS = 512


def through_the_wire(values: np.ndarray) -> np.ndarray:
    """A state's vectors as the coordinator reads them back."""
    return np.stack(
        [decode_vector(encode_vector(values[:, i]), values.shape[0], "f", "p") for i in range(4)],
        axis=1,
    )


def federated_and_merged(
    states: list[NetworkModel], catalogue: Catalogue, seed: int, trials: int = TRIALS
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Each state's vectors, and the run of the merged model: its national impacts and
    per operator, summed by the operators' country into each state's."""
    vectors = [
        through_the_wire(cross_border_impacts(prepare(s, catalogue), trials, seed)) for s in states
    ]
    together = prepare(merged(states), catalogue)
    impacts = run_trials(together.compiled, cross_border_sources(together.sources), trials, seed)
    countries = [o.country for o in together.model.document.operators]
    per_state = np.stack(
        [
            impacts.by_operator[
                :, [k for k, c in enumerate(countries) if c == s.document.scope.country]
            ].sum(axis=1)[:, list(COLUMNS)]
            for s in states
        ]
    )
    return vectors, impacts.national[:, list(COLUMNS)], per_state


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(models(max_declared=6, max_templates=3), min_size=1, max_size=3), st.integers(0, 2**32)
)
def test_the_federated_sum_is_one_simulation_of_the_states_together(
    catalogue: Catalogue, nationals: list[NetworkModel], seed: int
) -> None:
    states = [as_state(m, f"X{chr(ord('A') + i)}") for i, m in enumerate(nationals)]
    vectors, together, per_state = federated_and_merged(states, busy_catalogue(catalogue), seed)
    assert np.array_equal(sum(vectors), together)
    for mine, theirs in zip(vectors, per_state, strict=True):
        # people and assets count for their operator; each state's part is its own vector
        assert np.array_equal(mine, theirs)


def _state(country: str) -> NetworkModel:
    """A state with one operator whose radios need an AMF of the shared supplier."""
    products = [Product(id="amf", supplier="s0", name="AMF", kind="core.amf", versions=("1",))]
    assets = [
        Asset(id="amf", operator="op", kind="core.amf", product="amf@1"),
        *(
            Asset(id=f"ran{i}", operator="op", kind="ran.gnb", region="N", population=100 * (i + 1),
                  sites=1, requires=("amf",))
            for i in range(3)
        ),
    ]  # fmt: skip
    national = model_of(
        assets, operators=[Operator(id="op", name="Op", subscribers=1)], products=products
    )
    return as_state(national, country)


def test_a_shared_suppliers_years_fall_together_in_every_state(catalogue: Catalogue) -> None:
    states = [_state(c) for c in ("XA", "XB", "XC")]
    # a fault of the shared version reaching every operator on it (reach 1): with the
    # record's reach (0.3) each state's operator is reached on its own draw, keyed by the
    # version and the operator (tests/simulate/test_fault_reach.py)
    busy = busy_catalogue(catalogue)
    fault = busy.simulation.product_fault.model_copy(update={"reach_share": None})
    cat = busy.model_copy(
        update={"simulation": busy.simulation.model_copy(update={"product_fault": fault})}
    )
    vectors, together, _ = federated_and_merged(states, cat, seed=3, trials=2048)
    assert np.array_equal(sum(vectors), together)
    view = summed(
        [StateVectors(s.document.scope.country, v, Tlp.AMBER) for s, v in zip(states, vectors, strict=True)],
        trials=2048, seed=3, scheme="s", left=[],
    )  # fmt: skip
    shares = [s.years_hit for s in view.states]
    assert min(shares) > 0.1
    # the same years in every state: all three are hit together, never one alone
    assert view.states_hit[3].probability == pytest.approx(shares[0])
    assert view.states_hit[1].probability == view.states_hit[2].probability == 0
    assert view.two_or_more == pytest.approx(shares[0])
    assert view.two_or_more_if_independent < view.two_or_more
    assert view.states_hit[3].if_independent == pytest.approx(np.prod(shares))
    people = {i.impact: i for i in view.impacts}["people_without_service"]
    assert people.mean == pytest.approx(together[:, 0].mean())
    assert people.max == 3 * 600


def test_without_a_shared_id_a_suppliers_events_stay_national(catalogue: Catalogue) -> None:
    states = []
    for c in ("XA", "XB"):
        state = _state(c)
        doc = state.document
        suppliers = tuple(s.model_copy(update={"registry_id": None}) for s in doc.suppliers)
        states.append(NetworkModel(doc.model_copy(update={"suppliers": suppliers}), state.sites))
    # (the merged model names both states' suppliers by its own country, so its run draws
    # other numbers: the law is the same, the years are not)
    vectors, _, _ = federated_and_merged(states, busy_catalogue(catalogue), seed=3, trials=2048)
    hit = [(v[:, 2] + v[:, 3]) > 0 for v in vectors]
    assert hit[0].any() and hit[1].any()
    assert not np.array_equal(hit[0], hit[1])


def test_states_hit_if_independent_follows_the_poisson_binomial() -> None:
    assert if_independent(np.array([0.5, 0.5])) == pytest.approx([0.25, 0.5, 0.25])
    p = (0.1, 0.2, 0.3)
    exactly_two = p[0] * p[1] * (1 - p[2]) + p[0] * (1 - p[1]) * p[2] + (1 - p[0]) * p[1] * p[2]
    got = if_independent(np.array(p))
    assert got[2] == pytest.approx(exactly_two)
    assert got[3] == pytest.approx(p[0] * p[1] * p[2])
    assert got.sum() == pytest.approx(1.0)


def test_vector_fields_are_the_impacts_the_engine_counts() -> None:
    from fiveguard.simulate.metrics import IMPACT_FIELDS

    assert [IMPACT_FIELDS[c] for c in COLUMNS] == list(VECTOR_FIELDS)


def _scored(state: NetworkModel, quality: Level) -> NetworkModel:
    """``state`` with its suppliers' product quality scored ``quality``."""
    doc = state.document
    score = FactorScore(score=quality, rationale="test")
    suppliers = tuple(
        s.model_copy(update={"profile": s.profile.model_copy(update={"product_quality": score})})
        for s in doc.suppliers
    )
    return NetworkModel(doc.model_copy(update={"suppliers": suppliers}), state.sites)


def test_states_scoring_a_release_differently_keep_their_own_fault_probability(
    catalogue: Catalogue,
) -> None:
    # one registered supplier, one release, scored high in XA and low in XB: the merged
    # model must give each state's versions its own probability (not the first state's)
    states = [_scored(_state("XA"), Level.HIGH), _scored(_state("XB"), Level.LOW)]
    cat = busy_catalogue(catalogue)
    together = prepare(merged(states), cat)
    assert len(set(together.sources.keys.versions)) == 1  # one release in the merged model
    own = [float(prepare(s, cat).sources.fault_probability[0]) for s in states]
    assert own[0] > own[1]
    assert sorted(set(together.sources.fault_probability.tolist())) == sorted(own)
    vectors, impacts, per_state = federated_and_merged(states, cat, seed=5, trials=2048)
    assert np.array_equal(sum(vectors), impacts)
    for mine, theirs in zip(vectors, per_state, strict=True):
        assert np.array_equal(mine, theirs)


def test_a_states_national_roaming_names_its_own_host_and_regions(catalogue: Catalogue) -> None:
    assets = [
        Asset(id="amf", operator="op", kind="core.amf"),
        Asset(id="ran", operator="op", kind="ran.gnb", region="N", population=100, sites=1,
              requires=("amf",)),
    ]  # fmt: skip
    operators = [
        Operator(id="op", name="Op", subscribers=1),
        Operator(id="guest", name="Guest", subscribers=1,
                 national_roaming=(NationalRoaming(host="op", regions=("N",)),)),
    ]  # fmt: skip
    states = [as_state(model_of(assets, operators=operators), c) for c in ("XA", "XB")]
    deal = states[1].document.operators[1].national_roaming[0]
    assert (deal.host, deal.regions) == ("xb-op", ("xb-N",))
    vectors, together, _ = federated_and_merged(states, busy_catalogue(catalogue), seed=1)
    assert np.array_equal(sum(vectors), together)
