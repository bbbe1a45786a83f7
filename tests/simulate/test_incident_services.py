"""People losing each service per Monte Carlo incident (``Incidents.service_people``):
equal, incident by incident, to the plain oracle's what-if of the incident's events alone,
so a count of incidents per service (the base rates, as ENISA counts) stands on the
engine's own rules of service loss."""

from __future__ import annotations

from collections import Counter

import numpy as np
from helpers import busy_catalogue
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle, timed_incidents_of_trials
from strategies import models

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.modelio.generate import generate_model
from fiveguard.simulate import prepare
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.durations import sample_timed
from fiveguard.simulate.incidents import incidents_of, time_plan
from fiveguard.simulate.measures import operator_effects
from fiveguard.simulate.sources import event_sources


def one_area_per_region(catalogue: Catalogue) -> Catalogue:
    """``catalogue`` with frequent events and one power area a region (the strategies'
    regions hold hundreds of millions of residents)."""
    busy = busy_catalogue(catalogue)
    power = busy.simulation.power_loss.model_copy(
        update={"area_population": None, "record_rate": None, "annual_probability": 0.3}
    )
    sim = busy.simulation.model_copy(update={"power_loss": power})
    return busy.model_copy(update={"simulation": sim})


def per_trial_services(
    model: NetworkModel, catalogue: Catalogue, seed: int, trials: int
) -> tuple[list[Counter[tuple[int, ...]]], list[Counter[tuple[int, ...]]], tuple[str, ...]]:
    """Per trial, the multiset of (people without service, people losing each service) of
    its incidents: the engine's and the oracle's."""
    effects = operator_effects(model, catalogue)
    compiled = compile_network(model, catalogue, effects=effects)
    sources = event_sources(model, catalogue, compiled, effects)
    plan = time_plan(model, catalogue, compiled)
    assert plan is not None
    timed = sample_timed(sources, seed, 0, trials)
    incidents = incidents_of(timed, compiled, plan)
    assert incidents.service_people is not None
    names = compiled.service_rules.names
    assert incidents.service_people.shape == (incidents.trial.size, len(names))
    engine: list[Counter[tuple[int, ...]]] = [Counter() for _ in range(trials)]
    rows = zip(
        incidents.trial.tolist(),
        incidents.people.tolist(),
        incidents.service_people.tolist(),
        strict=True,
    )
    for t, people, services in rows:
        engine[t][(people, *services)] += 1
    oracle = Oracle(model, catalogue)
    expected: list[Counter[tuple[int, ...]]] = []
    for events in timed_incidents_of_trials(timed, compiled, model.table.ids.tolist()):
        found: Counter[tuple[int, ...]] = Counter()
        for event, _, _ in events:
            impact = oracle.impact(event if isinstance(event, list) else [event])
            services = impact.by_service
            found[
                (
                    impact.national["people_without_service"],
                    *(services[n]["national"] for n in names),
                )
            ] += 1
        expected.append(found)
    return engine, expected, names


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(model=models(), seed=st.integers(0, 2**32))
def test_each_incidents_people_per_service_are_the_oracles(
    model: NetworkModel, seed: int, catalogue: Catalogue
) -> None:
    engine, expected, _ = per_trial_services(model, one_area_per_region(catalogue), seed, 100)
    for t, (got, want) in enumerate(zip(engine, expected, strict=True)):
        assert got == want, t


def test_a_generated_countrys_core_faults_cost_a_service_beyond_the_people_without_service(
    catalogue: Catalogue,
) -> None:
    """Not vacuous: on a generated country some incidents take a service from more people
    than are left without service (a core pool down), and leaves lose voice and data with
    their people."""
    model = generate_model(400, operators=2, seed=3)
    ready = prepare(model, busy_catalogue(catalogue))
    plan = time_plan(ready.model, ready.catalogue, ready.compiled)
    assert plan is not None
    timed = sample_timed(ready.sources, 2, 0, 300)
    incidents = incidents_of(timed, ready.compiled, plan)
    service = incidents.service_people
    assert service is not None
    names = ready.compiled.service_rules.names
    voice, data = service[:, names.index("voice")], service[:, names.index("data")]
    assert (voice >= incidents.people).all() and (data >= incidents.people).all()
    assert ((voice > incidents.people) | (data > incidents.people)).any()
    assert np.count_nonzero(incidents.people) > 0
