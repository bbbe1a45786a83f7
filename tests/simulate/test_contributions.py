"""The events list: every source is there, its variants add up, and its expected impact is
the probability-weighted what-if impact."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import model_of
from hypothesis import HealthCheck, given, settings
from oracle import Oracle
from scipy import stats
from strategies import models

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset, MeasureRecord, MeasureStatus, Operator
from fiveguard.modelio.load import load_model
from fiveguard.simulate import prepare
from fiveguard.simulate.contributions import _FailureGroups, _spare_radios, source_results
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


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=models())
def test_an_asset_failing_alone_in_its_class_costs_what_the_oracle_says(
    model: NetworkModel, catalogue: Catalogue
) -> None:
    # closed form for assets that share their class (shared radio assets and roaming
    # partners' parts included), the oracle's what-if for each
    ready = prepare(model, catalogue)
    failures = _FailureGroups(model, catalogue, ready.compiled, ready.sources, ready.effects)
    oracle = Oracle(model, catalogue)
    ids = model.table.ids.tolist()
    shared_class = ready.compiled.class_size[ready.compiled.asset_class] > 1
    # and for the radios of a site of several radios that nothing else needs
    closed = np.flatnonzero(shared_class | _spare_radios(model, catalogue))
    for i in closed.tolist():
        lost = oracle.impact([Event(EventType.ASSET_DOWN, ids[i])]).national
        assert failures.leaf_people[i] == lost["people_without_service"], ids[i]


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


# ---------------------------------------------------------------------------- power variants


@pytest.fixture(scope="module")
def powered(catalogue: Catalogue) -> tuple[NetworkModel, Catalogue]:
    """Radios in N with autonomies 1 (an unknown battery, the catalogue set to 1 h), 2,
    3.5 (1.5 h + 2 h from TM11 in progress at op-a) and 8 hours (6 h + 2 h); op-a's users
    roam onto op-b."""
    sim = catalogue.simulation
    power = sim.power_loss.model_copy(update={"unknown_battery_hours": 1.0})
    cat = catalogue.model_copy(update={"simulation": sim.model_copy(update={"power_loss": power})})
    radio = {"kind": "ran.gnb", "region": "N", "sites": 1}
    model = model_of(
        [
            Asset(id="a.r1", operator="op-a", population=100, battery_hours=1.5, **radio),  # type: ignore[arg-type]
            Asset(id="a.r2", operator="op-a", population=200, battery_hours=6, **radio),  # type: ignore[arg-type]
            Asset(id="b.r1", operator="op-b", population=400, **radio),  # type: ignore[arg-type]
            Asset(id="b.r2", operator="op-b", population=800, battery_hours=2, **radio),  # type: ignore[arg-type]
        ],
        operators=[
            Operator(id="op-a", name="A", subscribers=300, roaming=("op-b",)),
            Operator(id="op-b", name="B", subscribers=1200),
        ],
        measures=[MeasureRecord(measure="TM11", operator="op-a", status=MeasureStatus.IN_PROGRESS)],
    )
    return model, cat


def test_each_power_variant_has_the_oracles_impact_inside_its_interval(
    powered: tuple[NetworkModel, Catalogue],
) -> None:
    model, cat = powered
    ready = prepare(model, cat)
    region_power = source_results(model, cat, ready.compiled, ready.sources, ready.effects)
    variants = next(r for r in region_power if r.source == "region-power:N").variants
    oracle = Oracle(model, cat)
    autonomies = sorted({oracle.autonomy[a] for a in ("a.r1", "a.r2", "b.r1", "b.r2")})
    assert autonomies == [1.0, 2.0, 3.5, 8.0]
    duration = cat.simulation.power_loss.duration
    lasting = stats.lognorm(s=duration.sigma, scale=duration.median_hours)
    edges = [0.0, *autonomies, math.inf]
    expected = []
    for low, high in itertools.pairwise(edges):
        inside = (low + high) / 2 if math.isfinite(high) else low * 2
        impact = oracle.impact([Event(EventType.REGION_POWER, "N", hours=inside)]).national
        expected.append((lasting.cdf(high) - lasting.cdf(low), impact))
    assert len(variants) == len(expected)
    for variant, (share, impact) in zip(variants, expected, strict=True):
        assert variant.share == pytest.approx(share), variant.label
        assert variant.impact.model_dump() == impact, variant.label
    # a loss of (2, 3.5] h outlasts both of op-b's radios, not op-a's
    assert variants[2].impact.people_without_service == 1200
