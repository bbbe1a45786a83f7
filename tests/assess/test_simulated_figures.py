"""The assessment's simulation summary: the per-service, time and partial-service figures
of the Monte Carlo, read from its result and written to two significant digits."""

from __future__ import annotations

from pathlib import Path

import pytest

from fiveguard.assess.engine import simulation_summary
from fiveguard.assess.results import RoundedSpread, SimulationSummary
from fiveguard.assess.simulated_figures import significant
from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.load import load_model
from fiveguard.simulate import SimulationResult, prepare, simulate, worst_supplier_events
from fiveguard.simulate.results import Distribution, Spread

EXAMPLE = Path(__file__).parents[2] / "examples" / "small" / "model.yaml"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1_329_974, 1_300_000),
        (0.0959, 0.096),
        (67_623.4, 68_000),
        (95, 95),
        (2.0, 2.0),
        (0.0, 0.0),
        (0.000123456, 0.00012),
    ],
)
def test_two_significant_digits(value: float, expected: float) -> None:
    assert significant(value) == pytest.approx(expected, rel=1e-12)


@pytest.fixture(scope="module")
def simulated(catalogue: Catalogue) -> tuple[SimulationResult, SimulationSummary]:
    model = load_model(EXAMPLE, catalogue)
    ready = prepare(model, catalogue)
    result = simulate(ready, catalogue, 256, 3)
    worst = worst_supplier_events(model, catalogue, compiled=ready.compiled)
    return result, simulation_summary(result, worst, catalogue=catalogue)


def rounded(s: Spread | Distribution) -> RoundedSpread:
    return RoundedSpread(
        **{k: significant(getattr(s, k)) for k in ("mean", "p50", "p95", "p99", "max")}
    )


def test_each_service_per_year_is_the_simulations_figure_rounded(
    simulated: tuple[SimulationResult, SimulationSummary],
) -> None:
    result, summary = simulated
    assert [s.service for s in summary.services] == list(result.service_distributions)
    for s in summary.services:
        d = result.service_distributions[s.service]
        assert s.per_year == rounded(d)
        assert [(e.people, e.probability) for e in s.exceedance] == [
            (e.threshold, significant(e.probability)) for e in d.exceedance
        ]
        assert s.meaning
    [emergency] = [s for s in summary.services if s.emergency]
    assert emergency.service == "emergency"
    assert emergency.title == "people unable to reach emergency services"
    assert "unable to reach emergency services" in emergency.meaning
    # the example's years do lose service: the figures are not all zero
    assert emergency.per_year.max > 0


def test_user_hours_and_reports_per_threshold_are_the_simulations_rounded(
    simulated: tuple[SimulationResult, SimulationSummary],
) -> None:
    result, summary = simulated
    assert result.time is not None and summary.time is not None
    assert summary.time.user_hours == rounded(result.time.user_hours)
    assert summary.time.user_hours_by_operator == {
        o: rounded(s) for o, s in result.time.user_hours_by_operator.items()
    }
    assert summary.time.longest_outage_hours == rounded(result.time.longest_outage_hours)
    assert [(r.threshold, r.per, r.reports, r.probability) for r in summary.time.reporting] == [
        (r.threshold, r.per, rounded(r.reports), significant(r.probability))
        for r in result.time.reporting
    ]
    assert {r.threshold for r in summary.time.reporting} == {"eu-enisa", "jp-mic"}
    assert "two significant digits" in summary.time.note


def test_partial_service_appears_only_when_a_year_had_some(
    simulated: tuple[SimulationResult, SimulationSummary],
) -> None:
    result, summary = simulated
    assert (summary.partial_service is None) == (result.partial_service is None)
    if result.partial_service is not None:
        assert summary.partial_service is not None
        assert summary.partial_service.mean_people == significant(
            result.partial_service.mean_people
        )


def test_without_a_catalogue_the_services_keep_their_ids(
    simulated: tuple[SimulationResult, SimulationSummary],
) -> None:
    result, _ = simulated
    bare = simulation_summary(result, [])
    assert [s.title for s in bare.services] == list(result.service_distributions)
    assert not any(s.emergency for s in bare.services)
