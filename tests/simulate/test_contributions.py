"""The events list: every source is there, its variants add up, and its expected impact is
the probability-weighted what-if impact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.load import load_model
from fiveguard.simulate import prepare
from fiveguard.simulate.contributions import source_results
from fiveguard.simulate.events import Event, EventType, Mode
from fiveguard.simulate.results import EventSourceResult
from fiveguard.simulate.whatif import scenario_impacts

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


@pytest.fixture(scope="module")
def small(catalogue: Catalogue) -> NetworkModel:
    return load_model(EXAMPLE, catalogue)


@pytest.fixture(scope="module")
def results(small: NetworkModel, catalogue: Catalogue) -> list[EventSourceResult]:
    ready = prepare(small, catalogue)
    return source_results(small, catalogue, ready.compiled, ready.sources, ready.effects)


def test_every_source_of_the_model_is_listed(
    small: NetworkModel, results: list[EventSourceResult]
) -> None:
    names = {r.source for r in results}
    assert {f"supplier-update:{s.id}" for s in small.document.suppliers} <= names
    assert {f"product-fault:{v}" for v in small.table.product_versions} <= names
    assert {"misconfiguration:op-a", "misconfiguration:op-b"} <= names
    assert {f"region-power:{r.id}" for r in small.document.regions} <= names
    failures = [r for r in results if r.kind == "asset-failure"]
    assert sum(r.sources for r in failures) == small.asset_count


def test_variant_shares_add_up_to_one(results: list[EventSourceResult]) -> None:
    for r in results:
        if r.variants:
            assert sum(v.share for v in r.variants) == pytest.approx(1.0), r.source


def test_expected_impact_is_probability_times_mean_variant_impact(
    results: list[EventSourceResult],
) -> None:
    for r in results:
        if r.variants:
            mean = sum(v.share * v.impact.people_without_service for v in r.variants)
            assert r.expected_people_without_service == pytest.approx(r.annual_probability * mean)
            worst = max(v.impact.people_without_service for v in r.variants)
            assert r.impact.people_without_service == worst


def test_longer_power_losses_never_hurt_less(results: list[EventSourceResult]) -> None:
    for r in results:
        if r.kind == "region-power":
            people = [v.impact.assets_down for v in r.variants]
            assert people == sorted(people)


def test_failure_groups_add_up_each_assets_own_what_if(
    small: NetworkModel, catalogue: Catalogue, results: list[EventSourceResult]
) -> None:
    ready = prepare(small, catalogue)
    oracle = Oracle(small, catalogue)
    p = ready.sources.failure_probability
    ids = small.table.ids.tolist()
    expected = sum(
        p[i]
        * oracle.impact([Event(EventType.ASSET_DOWN, ids[i])]).national["people_without_service"]
        for i in range(len(ids))
    )
    listed = sum(r.expected_people_without_service for r in results if r.kind == "asset-failure")
    assert listed == pytest.approx(expected)


def test_supplier_update_variants_cover_each_reach_and_mode(
    small: NetworkModel, catalogue: Catalogue, results: list[EventSourceResult]
) -> None:
    update = next(r for r in results if r.source == "supplier-update:nordvik")
    # nordvik runs at both operators: 4 reach combinations × 2 modes
    assert len(update.variants) == 8
    reach = prepare(small, catalogue).sources.update_reach
    everywhere = [v for v in update.variants if v.label.endswith("op-a, op-b")]
    share = catalogue.simulation.supplier_update.sabotage_share
    assert sum(v.share for v in everywhere) == pytest.approx(float(np.prod(reach)))
    sabotage = next(v for v in everywhere if v.label.startswith("sabotage"))
    assert sabotage.share == pytest.approx(share * float(np.prod(reach)))
    ready = prepare(small, catalogue)
    direct = scenario_impacts(
        small, ready.compiled, [[Event(EventType.SUPPLIER_UPDATE, "nordvik", mode=Mode.SABOTAGE)]]
    )
    assert sabotage.impact.people_without_service == int(direct.national[0, 0])
