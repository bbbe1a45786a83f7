"""From per-year impacts to the summary: percentiles are order statistics (values that
occurred), and per critical service the share of its carrying assets hit, checked by hand
and against the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import busy_catalogue
from oracle import Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare, simulate
from fiveguard.simulate.events import events_of_trials
from fiveguard.simulate.metrics import summarise
from fiveguard.simulate.sampling import sample_trials
from fiveguard.simulate.summary import service_share


@pytest.mark.parametrize(
    ("values", "p50", "p95", "p99"),
    [
        # the smallest value that at least that share of years stays at or below:
        # 2 of 4 years are at most 20; 95 % of 4 years is 3.8, so all 4: 40
        ([40, 10, 30, 20], 20, 40, 40),
        # 6 of 12 are at most 60; 95 % of 12 is 11.4, so all 12: 120
        ([10 * k for k in range(12, 0, -1)], 60, 120, 120),
        ([0] * 90 + [5] * 5 + [7] * 4 + [100], 0, 5, 7),
    ],
)
def test_percentiles_are_the_smallest_values_reached_by_that_share_of_years(
    values: list[int], p50: int, p95: int, p99: int
) -> None:
    summary = summarise(np.asarray(values), [20, 41])
    assert (summary.p50, summary.p95, summary.p99) == (p50, p95, p99)
    assert summary.max == max(values)
    assert summary.mean == pytest.approx(sum(values) / len(values))
    assert summary.exceedance == (
        sum(v >= 20 for v in values) / len(values),
        sum(v >= 41 for v in values) / len(values),
    )


def test_a_service_share_by_hand() -> None:
    # ten years; 40 carrying assets; 0, 4, 8, … 36 of them hit
    hit = np.arange(10, dtype=np.int64) * 4
    share = service_share(hit, 40, 0.25)
    assert share.carrying_assets == 40 and share.threshold == 0.25
    assert share.mean == pytest.approx(0.45)
    assert (share.p50, share.p95, share.p99, share.max) == (0.4, 0.9, 0.9, 0.9)
    assert share.probability == pytest.approx(0.7)  # 10 of 40 and more: 7 years


def test_a_share_exactly_at_the_threshold_reaches_it() -> None:
    # 0.1 × 30 is 3.0000000000000004 in floating point; 3 of 30 is a tenth all the same
    assert service_share(np.array([3, 2]), 30, 0.1).probability == 0.5


def test_service_shares_of_a_monte_carlo_run_follow_the_oracle(catalogue: Catalogue) -> None:
    busy = busy_catalogue(catalogue)
    model = generate_model(sites=100, seed=3, regions=3)
    ready = prepare(model, busy)
    trials, seed = 256, 8
    result = simulate(ready, busy, trials, seed, workers=1)
    oracle = Oracle(model, busy)
    sampled = sample_trials(ready.sources, seed, 0, trials)
    per_year = [
        oracle.impact(events)
        for events in events_of_trials(sampled, ready.compiled, model.table.ids.tolist())
    ]
    assert busy.simulation.critical_services.share_threshold == 0.1
    assert set(result.critical_service_shares) == set(per_year[0].service_assets)
    for service, share in result.critical_service_shares.items():
        carrying = sum(
            service in model.asset(i).critical_services for i in range(model.asset_count)
        )
        counts = np.asarray([year.service_assets[service] for year in per_year])
        assert share.carrying_assets == carrying
        assert share.mean == pytest.approx(counts.mean() / carrying)
        assert share.max == counts.max() / carrying
        assert share.p95 == np.sort(counts)[int(np.ceil(0.95 * trials)) - 1] / carrying
        assert share.probability == np.mean([c * 10 >= carrying for c in counts])  # ≥ 0.1
        assert result.critical_services[service] == np.mean(counts > 0)
    assert any(s.probability > 0 for s in result.critical_service_shares.values())
