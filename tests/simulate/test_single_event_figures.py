"""Single events, one at a time, give the oracle's what-if figures per operator and per
service: every asset down alone, a storm at each operator, and each asset down with a
storm at one operator, on random pooled models with the storm rule's triggers on (where
an IP-core router down may start a storm) and on models where some operators' customers
are served by national roaming on a host's radio. Compared level by level (national, per
operator, per region) for the impact fields, the people losing each service (voice, data,
SMS, emergency) and the roaming figures, with assets grouped into classes and without."""

from __future__ import annotations

from helpers import engine_impact, rule_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle, OracleImpact
from test_capacity import pooled_models, storm_catalogue

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType
from fiveguard.simulate.whatif import scenario_impacts


def single_events(model: NetworkModel, storm_at: list[str]) -> list[list[Event]]:
    """Every asset down alone; a storm at each operator; every asset down with a storm at
    the operator ``storm_at`` names for it in turn."""
    ids = model.table.ids.tolist()
    operators = [o.id for o in model.document.operators]
    cases: list[list[Event]] = [[Event(EventType.ASSET_DOWN, str(a))] for a in ids]
    cases += [[Event(EventType.STORM, o)] for o in operators]
    cases += [
        [Event(EventType.ASSET_DOWN, str(a)), Event(EventType.STORM, storm_at[i % len(storm_at)])]
        for i, a in enumerate(ids)
    ]
    return cases


def differences(got: OracleImpact, want: OracleImpact) -> list[str]:
    """Where the engine's figures differ from the oracle's, one line a figure."""
    out = []
    for section in ("national", "by_operator", "by_region", "by_service", "roaming"):
        a, b = getattr(got, section), getattr(want, section)
        if a != b:
            out.append(f"{section}: engine {a} oracle {b}")
    if got.services != want.services or got.service_assets != want.service_assets:
        out.append(f"services: engine {got.service_assets} oracle {want.service_assets}")
    return out


def assert_single_events_match(
    model: NetworkModel, catalogue: Catalogue, storm_at: list[str]
) -> None:
    cases = single_events(model, storm_at)
    oracle = Oracle(model, catalogue)
    expected = [oracle.impact(events) for events in cases]
    for grouped in (True, False):
        compiled = compile_network(model, catalogue, group_assets=grouped)
        impacts = scenario_impacts(model, compiled, cases)
        for trial, events in enumerate(cases):
            diff = differences(engine_impact(compiled, impacts, trial), expected[trial])
            assert not diff, (grouped, [str(e) for e in events], diff)


def has_national_roaming(model: NetworkModel) -> bool:
    return any(o.national_roaming for o in model.document.operators)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_each_single_event_gives_the_oracles_figures_per_operator_and_service(
    data: st.DataObject, catalogue: Catalogue
) -> None:
    model = data.draw(pooled_models())
    share = data.draw(st.sampled_from((0.25, 0.5, 1.0)))
    rules = storm_catalogue(data.draw(st.sampled_from(rule_variants(catalogue)[:4])), share=share)
    operators = [o.id for o in model.document.operators]
    storm_at = data.draw(st.lists(st.sampled_from(operators), min_size=1, max_size=3))
    assert_single_events_match(model, rules, storm_at)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_each_single_event_under_national_roaming_gives_the_oracles_figures(
    data: st.DataObject, catalogue: Catalogue
) -> None:
    model = data.draw(pooled_models().filter(has_national_roaming))
    rules = storm_catalogue(data.draw(st.sampled_from(rule_variants(catalogue)[:4])))
    operators = [o.id for o in model.document.operators]
    storm_at = data.draw(st.lists(st.sampled_from(operators), min_size=1, max_size=3))
    assert_single_events_match(model, rules, storm_at)
