"""The incidents' figures grouped by distinct event equal, bit for bit, the plain
per-event computation they replace: the signatures of the impact cache made once per
distinct event, a power loss's battery steps laid out with arrays, and their user-hours
added one step at a time; and the whole run is the same for a seed."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from helpers import busy_catalogue
from scipy.special import ndtri  # type: ignore[import-untyped]
from test_capacity import storm_catalogue

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.graph import ragged_ranges
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.durations import DURATION_LANE, TimedEvents, keyed_normals, sample_timed
from fiveguard.simulate.events import SampledEvents
from fiveguard.simulate.incidents import (
    FAILURE,
    POWER,
    ImpactCache,
    TimePlan,
    _own_user_hours,
    distinct_signatures,
    incidents_of,
    one_per_column,
    power_steps,
    signatures,
    time_plan,
)
from fiveguard.simulate.streams import trial_uniforms

HALF_UNIT = 2.0**-54


def batch(
    catalogue: Catalogue, seed: int, *, storms: bool, sites: int = 400, trials: int = 300
) -> tuple[CompiledNetwork, TimePlan, SampledEvents, npt.NDArray[np.int64], object]:
    cat = busy_catalogue(catalogue)
    cat = storm_catalogue(cat) if storms else cat
    model = generate_model(sites=sites, operators=3, suppliers=4, regions=3, seed=seed)
    ready = prepare(model, cat)
    plan = time_plan(ready.model, cat, ready.compiled)
    assert plan is not None
    timed = sample_timed(ready.sources, seed, 0, trials)
    events, _, kind, normal = one_per_column(timed, ready.compiled, plan)
    return ready.compiled, plan, events, kind, normal


def plain_power_steps(
    events: SampledEvents, compiled: CompiledNetwork
) -> tuple[list[int], list[int], list[float], list[float]]:
    """Each loss's steps one by one: area, loss, hours until the next step, length."""
    ptr, autonomy = compiled.power_ptr, compiled.power_hours
    area, owner, until, length = [], [], [], []
    lost = zip(events.power_region.tolist(), events.power_hours.tolist(), strict=True)
    for i, (a, hours) in enumerate(lost):
        levels = autonomy[ptr[a] : ptr[a + 1]]
        levels = levels[levels < hours].tolist()
        ends = [*levels[1:], hours] if levels else []
        for start, end in zip(levels, ends, strict=True):
            area.append(a)
            owner.append(i)
            until.append(end)
            length.append(end - start)
    return area, owner, until, length


@pytest.mark.parametrize(("seed", "storms"), [(1, False), (2, True), (3, False), (4, True)])
def test_each_column_gets_the_signature_of_its_event_made_once(
    catalogue: Catalogue, seed: int, storms: bool
) -> None:
    compiled, _, events, kind, _ = batch(catalogue, seed, storms=storms)
    assert (kind == POWER).sum() > 10 and events.failure_trial.size > 10
    plain = signatures(events, compiled)
    which, keys, first = distinct_signatures(events, compiled)
    assert [keys[i] for i in which.tolist()] == plain
    assert len(set(keys)) == len(keys)  # one entry a distinct signature
    # listed in the order of their first column, which is the first column having each
    assert first.tolist() == sorted(first.tolist())
    assert [plain.index(key) for key in keys] == first.tolist()


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_battery_steps_laid_out_with_arrays_are_those_of_the_plain_loop(
    catalogue: Catalogue, seed: int
) -> None:
    compiled, _, events, _, _ = batch(catalogue, seed, storms=False, sites=2000)
    # a generated model's areas have several battery lengths each
    assert int(np.diff(compiled.power_ptr).max()) > 2
    steps, owner, length = power_steps(events, compiled)
    area, owners, until, lengths = plain_power_steps(events, compiled)
    assert len(area) > 20
    assert steps.trials == len(area)
    assert steps.power_trial.tolist() == list(range(len(area)))
    assert steps.power_region.tolist() == area
    assert steps.power_hours.tobytes() == np.asarray(until, dtype=np.float64).tobytes()
    assert owner.tolist() == owners
    assert length.tobytes() == np.asarray(lengths, dtype=np.float64).tobytes()


@pytest.mark.parametrize(("seed", "storms"), [(1, False), (6, True)])
def test_power_user_hours_added_step_by_step_are_those_of_a_sequential_sum(
    catalogue: Catalogue, seed: int, storms: bool
) -> None:
    compiled, plan, events, kind, normal = batch(catalogue, seed, storms=storms, sites=2000)
    cache = ImpactCache(compiled, plan)
    row = cache.rows(events)
    drawn = np.where(kind == POWER, normal, 2.0 * np.asarray(normal) + 5.0)
    national, by_operator, by_region = _own_user_hours(events, kind, normal, drawn, row, cache)
    # the plain computation: np.add.at adds each loss's steps in their order
    power = np.flatnonzero(kind == POWER)
    steps, owner, length = power_steps(events, compiled)
    assert np.bincount(owner).max() > 1
    at = power[owner]
    after = drawn[power] - normal[power]
    step_row = cache.rows(steps)
    want = [
        cache.calm_people[row] * drawn,
        cache.calm_by_operator[row] * drawn[:, None],
        cache.calm_by_region[row] * drawn[:, None],
    ]
    want[0][power] = cache.calm_people[row[power]] * after
    want[1][power] = cache.calm_by_operator[row[power]] * after[:, None]
    want[2][power] = cache.calm_by_region[row[power]] * after[:, None]
    np.add.at(want[0], at, cache.calm_people[step_row] * length)
    np.add.at(want[1], at, cache.calm_by_operator[step_row] * length[:, None])
    np.add.at(want[2], at, cache.calm_by_region[step_row] * length[:, None])
    for got, expected in zip((national, by_operator, by_region), want, strict=True):
        assert got.tobytes() == expected.tobytes()
    assert float(national[power].sum()) > 0


@pytest.mark.parametrize("seed", [1, 7])
def test_keyed_normals_read_per_source_are_those_read_per_event(
    catalogue: Catalogue, seed: int
) -> None:
    keys = ("lei:A", "registry:B", "ref:XX:c")
    rng = np.random.default_rng(seed)
    source = rng.integers(0, len(keys), size=200)
    trial = rng.integers(0, 5000, size=200)
    trial[:20] = trial[20:40]  # some events share their trial
    got = keyed_normals(seed, "product-fault", keys, source, trial, 8192)
    want = [
        float(ndtri(trial_uniforms(seed, "product-fault", keys[s], 8192 + t, 1)[0, DURATION_LANE]
                    + HALF_UNIT))
        for s, t in zip(source.tolist(), trial.tolist(), strict=True)
    ]  # fmt: skip
    assert got.tobytes() == np.asarray(want, dtype=np.float64).tobytes()


def plain_leaves(timed: TimedEvents, compiled: CompiledNetwork, plan: TimePlan) -> dict[str, list]:  # type: ignore[type-arg]
    """The closed form of leaf failures over every served part, zeros dropped after."""
    e = timed.events
    leaf = ~plan.engine_failure[e.failure_asset]
    asset = e.failure_asset[leaf]
    hours = plan.median[FAILURE] * np.exp(plan.sigma[FAILURE] * timed.failure_z[leaf])
    hours = hours + plan.site_access[FAILURE]
    ptr = compiled.asset_part_ptr
    owner = np.repeat(np.arange(asset.size, dtype=np.int64), ptr[asset + 1] - ptr[asset])
    parts = ragged_ranges(ptr, asset)
    lost = plan.part_lost[parts]
    people = np.bincount(owner, weights=lost, minlength=asset.size).astype(np.int64)
    keep = lost > 0
    region = keep & (plan.part_region[parts] >= 0)
    return {
        "trial": e.failure_trial[leaf], "hours": hours, "people": people,
        "user_hours": people * hours,
        "operator": [owner[keep], plan.part_operator[parts[keep]], lost[keep],
                     lost[keep] * hours[owner][keep]],
        "region": [owner[region], plan.part_region[parts[region]], lost[region],
                   lost[region] * hours[owner][region]],
    }  # fmt: skip


@pytest.mark.parametrize(("seed", "storms"), [(1, False), (8, True)])
def test_leaf_failures_over_the_parts_that_lose_people_are_those_over_every_part(
    catalogue: Catalogue, seed: int, storms: bool
) -> None:
    cat = storm_catalogue(busy_catalogue(catalogue)) if storms else busy_catalogue(catalogue)
    model = generate_model(sites=600, operators=3, suppliers=4, regions=3, seed=seed)
    ready = prepare(model, cat)
    plan = time_plan(ready.model, cat, ready.compiled)
    assert plan is not None
    timed = sample_timed(ready.sources, seed, 0, 200)
    got = incidents_of(timed, ready.compiled, plan)
    want = plain_leaves(timed, ready.compiled, plan)
    shift = one_per_column(timed, ready.compiled, plan)[0].trials
    assert want["trial"].size > 100 and (plan.part_lost == 0).any()
    for name in ("trial", "hours", "people", "user_hours"):
        assert getattr(got, name)[shift:].tobytes() == want[name].tobytes(), name
    for name in ("operator", "region"):
        entries = getattr(got, f"{name}_entries")
        tail = entries[0] >= shift
        assert (entries[0][tail] - shift).tobytes() == want[name][0].tobytes()
        for column, expected in zip(entries[1:], want[name][1:], strict=True):
            assert column[tail].tobytes() == expected.tobytes(), name
