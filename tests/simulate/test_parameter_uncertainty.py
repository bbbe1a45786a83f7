"""The outer draw of rates per batch of trials (simulate/uncertainty.py)."""

from __future__ import annotations

import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate import Prepared, prepare, simulate
from fiveguard.simulate import uncertainty as unc
from fiveguard.simulate.engines import run_trials
from fiveguard.simulate.sampling import BLOCK_TRIALS


@pytest.fixture(scope="module")
def demo(catalogue: Catalogue) -> NetworkModel:
    from fiveguard.modelio.load import load_model

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        return load_model(path, catalogue)


@pytest.fixture(scope="module")
def demo_ready(demo: NetworkModel, catalogue: Catalogue) -> Prepared:
    return prepare(demo, catalogue)


@given(trials=st.integers(1, 20_000), draws=st.integers(1, 100))
def test_draws_cover_the_trials_in_whole_blocks(trials: int, draws: int) -> None:
    plan = unc.draw_blocks(trials, draws)
    assert 1 <= len(plan) <= draws
    assert sum(n for _, n in plan) == trials
    block = 0
    for first, n in plan:
        assert first == block and n > 0
        block += -(-n // BLOCK_TRIALS)
        if (first, n) != plan[-1]:
            assert n % BLOCK_TRIALS == 0


def test_a_multiplier_scales_each_probability_as_a_rate(
    demo: NetworkModel, catalogue: Catalogue
) -> None:
    sources = prepare(demo, catalogue).sources
    out = unc.scaled(sources, {"product_fault": 2.5, "power_loss": 0.5})
    for before, after in zip(sources.fault_probability, out.fault_probability, strict=True):
        assert math.isclose(after, 1 - (1 - before) ** 2.5, rel_tol=1e-9, abs_tol=1e-15)
    for before, after in zip(sources.power_probability, out.power_probability, strict=True):
        assert math.isclose(after, 1 - (1 - before) ** 0.5, rel_tol=1e-9)
    assert np.allclose(out.update_probability, sources.update_probability, rtol=1e-12)
    assert out.failure_probability is sources.failure_probability


def test_every_source_the_record_speaks_to_is_drawn_and_failures_are_held(
    catalogue: Catalogue,
) -> None:
    drawn = {u.source: u for u in unc.uncertain_sources(catalogue)}
    # the misconfiguration of one element has no rate in the record (the pushed change does)
    assert set(drawn) == set(unc.SOURCE_FIELDS) - {"misconfiguration"} | {unc.REACH}
    assert drawn["product_fault"].rule == "product-fault-per-deployment"
    assert drawn["change_push"].rule == "change-error-outage"
    assert drawn["limit_reached"].rule == "external-trigger-outage"
    rates = [u for u in drawn.values() if u.source != unc.REACH]
    assert all(u.shape is not None and u.shape > 0 and u.alpha is None for u in rates)
    # 1 of the record's 4 product-fault events reached several operators; Jeffreys' prior
    reach = drawn[unc.REACH]
    assert (reach.rule, reach.alpha, reach.beta, reach.shape) == (
        "product-fault-shared", 1.5, 3.5, None,
    )  # fmt: skip
    assert "asset_failure" in unc.FIXED


def test_a_drawn_reach_keeps_each_deployments_rate(
    demo: NetworkModel, catalogue: Catalogue
) -> None:
    sources = prepare(demo, catalogue).sources
    held = sources.fault_reach
    assert 0 < held < 1
    for reach in (0.05, 0.3, 0.9):
        out = unc.scaled(sources, {}, reach)
        assert out.fault_reach == reach
        for before, after in zip(sources.fault_probability, out.fault_probability, strict=True):
            assert math.isclose(after * reach, before * held, rel_tol=1e-12)
    both = unc.scaled(sources, {"product_fault": 2.0}, 0.6)
    for before, after in zip(sources.fault_probability, both.fault_probability, strict=True):
        assert math.isclose(after, 1 - (1 - before * held / 0.6) ** 2.0, rel_tol=1e-9)
    assert unc.scaled(sources, {}).fault_reach == held


def test_each_draw_takes_a_reach_from_its_beta_posterior(catalogue: Catalogue) -> None:
    uncertain = unc.uncertain_sources(catalogue)
    rng = np.random.Generator(np.random.PCG64(11))
    reaches = []
    for _ in range(4000):
        multipliers, reach = unc.draw_parameters(uncertain, rng)
        assert reach is not None and set(multipliers) == {
            u.source for u in uncertain if u.source != unc.REACH
        }
        reaches.append(reach)
    # Beta(1.5, 3.5): mean 0.3, standard deviation 0.187 (standard error 0.003 here)
    assert abs(float(np.mean(reaches)) - 0.3) < 0.015
    assert abs(float(np.std(reaches)) - math.sqrt(1.5 * 3.5 / (25 * 6))) < 0.015
    assert unc.draw_parameters([], rng) == ({}, None)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31), trials=st.integers(1, 1500), draws=st.integers(1, 8))
def test_drawn_runs_repeat_with_the_seed_and_without_draws_are_the_plain_run(
    demo_ready: Prepared, catalogue: Catalogue, seed: int, trials: int, draws: int
) -> None:
    uncertain = unc.uncertain_sources(catalogue)
    first, plan = unc.drawn_impacts(demo_ready, uncertain, trials, seed, draws)
    again, _ = unc.drawn_impacts(demo_ready, uncertain, trials, seed, draws)
    assert np.array_equal(first.national, again.national)
    assert np.array_equal(first.by_operator, again.by_operator)
    assert sum(n for _, n in plan) == trials == first.national.shape[0]
    held, _ = unc.drawn_impacts(demo_ready, [], trials, seed, draws)
    plain = run_trials(demo_ready.compiled, demo_ready.sources, trials, seed)
    assert np.array_equal(held.national, plain.national)
    assert np.array_equal(held.by_operator, plain.by_operator)
    assert np.array_equal(held.by_region, plain.by_region)


def test_without_uncertain_sources_the_trials_are_those_of_the_plain_run(
    demo: NetworkModel, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = prepare(demo, catalogue)
    monkeypatch.setattr(unc, "uncertain_sources", lambda _: [])
    drawn = unc.simulate_with_uncertainty(ready, catalogue, 2000, 3, 5)
    plain = simulate(ready, catalogue, 2000, 3)
    assert drawn.distributions == plain.distributions
    assert drawn.by_operator == plain.by_operator
    assert drawn.parameter_uncertainty is not None
    assert drawn.parameter_uncertainty.sources == ()


def test_drawn_parameters_widen_the_intervals_and_repeat_with_the_seed(
    demo: NetworkModel, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = prepare(demo, catalogue)
    first = unc.simulate_with_uncertainty(ready, catalogue, 4096, 7, 16)
    again = unc.simulate_with_uncertainty(ready, catalogue, 4096, 7, 16)
    assert first == again
    found = first.parameter_uncertainty
    assert found is not None and found.draws == 16 and found.trials_per_draw == 256
    mean = found.people_mean
    assert mean.low <= mean.estimate <= mean.high
    for e in found.people_exceedance:
        assert 0 <= e.probability.low <= e.probability.high <= 1
    monkeypatch.setattr(unc, "uncertain_sources", lambda _: [])
    fixed = unc.simulate_with_uncertainty(ready, catalogue, 4096, 7, 16).parameter_uncertainty
    assert fixed is not None
    # sampling noise alone spreads the draws too, but less than noise and parameters together
    assert (mean.high - mean.low) > (fixed.people_mean.high - fixed.people_mean.low)


def test_the_command_prints_rounded_intervals_and_the_json_carries_them() -> None:
    import json
    import re

    from typer.testing import CliRunner

    import fiveguard.cli  # noqa: F401  (registers the commands)
    from fiveguard.cli.app import app

    with resources.as_file(resources.files("fiveguard.examples") / "demo" / "model.yaml") as path:
        args = ["simulate", str(path), "--trials", "1024", "--seed", "2", "--parameter-draws", "4"]
        runner = CliRunner()
        shown = runner.invoke(app, args, env={"COLUMNS": "160"})
        given = runner.invoke(app, [*args, "--json"])
    assert shown.exit_code == 0, shown.stderr
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.stdout)
    assert "With the parameters' uncertainty (90% intervals)" in text
    assert "held at their values" in " ".join(text.split()).lower()
    # two significant digits: no count shown to the person
    for estimate in re.findall(r"mean people without service\s+│\s+([0-9,]+)", text):
        assert re.fullmatch(r"[0-9]{1,2}(,?0+)*", estimate.replace(",", "")) or estimate == "0"
    data = json.loads(given.stdout)["parameter_uncertainty"]
    assert data["draws"] == 4 and data["trials_per_draw"] == 256
    assert {s["source"] for s in data["sources"]} == set(unc.SOURCE_FIELDS) - {
        "misconfiguration"
    } | {unc.REACH}
    assert "product_fault.reach (incidents.shares.product-fault-shared, Beta(1.5, 3.5))" in (
        " ".join(text.split())
    )
    assert set(data["fixed"]) == {"asset_failure", "misconfiguration"}


def test_rounding_keeps_two_significant_digits() -> None:
    from fiveguard.report.simulation import rounded

    assert rounded(1_329_974.5) == "1,300,000"
    assert rounded(0.0959) == "0.096"
    assert rounded(0.0) == "0"
    assert rounded(42.0) == "42"
    assert rounded(0.5) == "0.50"
