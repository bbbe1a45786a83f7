"""Property tests: the vectorised engines against a plain per-asset reference.

The reference (tests/assess/assess_reference.py) walks every asset as an object (``model.asset(row)``) with ordinary
Python loops and dictionaries, the way one would check a result by hand; hypothesis draws
small random models and the two must agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from assess_builders import FACTORS, build, product, run
from assess_reference import (
    every_asset,
    reference_cap,
    reference_diversity,
    reference_exclude,
    reference_managed_via,
    reference_profiles,
    reference_short_battery,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fiveguard.assess.context import Prepared, managed_via, plural
from fiveguard.assess.diversity import hhi
from fiveguard.assess.results import Assessment
from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import CapRule, ExcludeRule, RuleTargets
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset

LEVELS = [None, "low", "medium", "high"]
DATES = [None, dt.date(2019, 6, 1), dt.date(2021, 6, 1), dt.date(2024, 6, 1)]
AS_OF = dt.date(2026, 6, 30)


@st.composite
def models(draw: st.DrawFn) -> NetworkModel:
    n_ops = draw(st.integers(1, 3))
    n_sup = draw(st.integers(1, 4))
    suppliers = [
        {
            "id": f"s{i}",
            "name": f"S{i}",
            "headquarters": "SE",
            "ownership": "listed",
            "profile": {
                f: {"score": level, "rationale": "r"}
                for f in FACTORS
                if (level := draw(st.sampled_from(LEVELS))) is not None
            },
        }
        for i in range(n_sup)
    ]
    products = []
    for i in range(n_sup):
        products += [
            product(f"g{i}", f"s{i}", "ran.gnb", ["1", "2"]),
            product(f"c{i}", f"s{i}", "core.amf"),
            product(f"e{i}", f"s{i}", "mgmt.ems"),
            product(f"t{i}", f"s{i}", "transport.ipcore"),
        ]
    ops = [f"o{k}" for k in range(n_ops)]
    pick = st.integers(0, n_sup - 1)
    assets: list[dict[str, Any]] = []
    for op in ops:
        assets.append(
            {"id": f"{op}.ems1", "operator": op, "kind": "mgmt.ems", "product": f"e{draw(pick)}@1"}
        )
        assets.append(
            {
                "id": f"{op}.ems2",
                "operator": op,
                "kind": "mgmt.ems",
                "product": f"e{draw(pick)}@1",
                "managed_by": f"{op}.ems1" if draw(st.booleans()) else None,
            }
        )
        assets.append(
            {
                "id": f"{op}.amf",
                "operator": op,
                "kind": "core.amf",
                "product": f"c{draw(pick)}@1",
                "installed": draw(st.sampled_from(DATES)),
                "purchased": draw(st.sampled_from(DATES)),
                "managed_by": draw(st.sampled_from([None, f"{op}.ems2"])),
            }
        )
        if draw(st.booleans()):
            assets.append(
                {
                    "id": f"{op}.ipr",
                    "operator": op,
                    "kind": "transport.ipcore",
                    "product": draw(st.sampled_from([None, f"t{draw(pick)}@1"])),
                }
            )
    n_sites = draw(st.integers(0, 30))
    sites = []
    for r in range(n_sites):
        op = draw(st.sampled_from(ops))
        partners = [o for o in ops if o != op]
        shared = draw(st.lists(st.sampled_from(partners), unique=True)) if partners else []
        battery = draw(st.one_of(st.none(), st.floats(0, 10, allow_nan=False)))
        sites.append(
            Asset(
                id=f"site{r}",
                operator=op,
                kind="ran.gnb",
                product=draw(
                    st.sampled_from([None, f"g{draw(pick)}@{draw(st.sampled_from(['1', '2']))}"])
                ),
                sites=draw(st.integers(0, 4)),
                population=draw(st.integers(0, 3000)),
                sensitive=draw(st.booleans()),
                battery_hours=battery,
                installed=draw(st.sampled_from(DATES)),
                purchased=draw(st.sampled_from(DATES)),
                managed_by=draw(st.sampled_from([None, f"{op}.ems1", f"{op}.ems2"])),
                shared_with=tuple(shared),
            )
        )
    return build(
        suppliers=suppliers,
        products=products,
        operators=[
            {"id": op, "name": op, "subscribers": draw(st.sampled_from([0, 100, 250, 1000]))}
            for op in ops
        ],
        assets=assets,
        sites=sites,
        as_of=AS_OF.isoformat(),
    )


def bounds(result: Assessment) -> dict[str, tuple[int, int]]:
    return {s.id: (s.lowest.rank, s.highest.rank) for s in result.suppliers}


# ---------------------------------------------------------------------------- properties


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

exclude_rules = st.builds(
    ExcludeRule,
    rule=st.just("exclude"),
    id=st.just("r"),
    text=st.just("t"),
    min_profile=st.sampled_from(["low", "medium", "high"]),
    targets=st.sampled_from(
        [
            RuleTargets(domains=("core",)),
            RuleTargets(all_assets=True),
            RuleTargets(tags=("backbone", "radio")),
            RuleTargets(kinds=("mgmt.ems",), domains=("ran",)),
            RuleTargets(all_assets=True, generations=("any",)),
            RuleTargets(domains=("core", "ran"), kinds=("mgmt.ems",), generations=("4g",)),
        ]
    ),
    sensitive_sites_only=st.booleans(),
    installed_after=st.sampled_from([None, dt.date(2020, 1, 1), dt.date(2023, 1, 1)]),
    purchased_after=st.sampled_from([None, dt.date(2020, 1, 1), dt.date(2023, 1, 1)]),
    deadline=st.sampled_from([None, dt.date(2025, 1, 1), dt.date(2030, 1, 1)]),
)


@PROPERTY
@given(model=models(), rule=exclude_rules)
def test_exclusions_match_the_reference(model: NetworkModel, rule: ExcludeRule) -> None:
    result = run(model, {"rules": [rule.model_dump()]})
    engine = {
        (v.status, v.suppliers[0], v.operator or ""): (
            v.quantity.assets,
            v.quantity.sites,
            v.quantity.population,
        )
        for v in result.violations.violations
    }
    expected = reference_exclude(model, every_asset(model), rule, bounds(result))
    assert engine == {key: counts[:3] for key, counts in expected.items()}
    for v in result.violations.violations:
        # the host's share of the people: fractional, so the sum rounds either way at n + 1/2
        host_share = expected[(v.status, v.suppliers[0], v.operator or "")][3]
        assert abs(v.quantity.operator_population - host_share) <= 0.5 + 1e-6
    for v in result.violations.violations:
        assert v.asset_count == v.quantity.assets and len(v.assets) == min(v.asset_count, 10)


cap_rules = st.builds(
    CapRule,
    rule=st.just("cap"),
    id=st.just("c"),
    text=st.just("t"),
    min_profile=st.sampled_from(["medium", "high"]),
    targets=st.just(RuleTargets(domains=("ran",))),
    max_share=st.sampled_from([0.0, 0.2, 0.35, 0.9]),
    measure=st.sampled_from(["sites", "population"]),
    per=st.sampled_from(["operator", "national"]),
    deadline=st.sampled_from([None, dt.date(2025, 1, 1), AS_OF, dt.date(2030, 1, 1)]),
)


@PROPERTY
@given(model=models(), rule=cap_rules)
def test_caps_match_the_reference(model: NetworkModel, rule: CapRule) -> None:
    result = run(model, {"rules": [rule.model_dump()]})
    expected = reference_cap(model, every_asset(model), rule, bounds(result))
    found = {v.operator: v for v in result.violations.violations if v.status != "unresolved"}
    assert found.keys() == expected.keys()
    for key, (share, status, excess, total) in expected.items():
        v = found[key]
        assert v.share == pytest.approx(share)
        assert (v.status, v.excess, v.deadline) == (status, excess, rule.deadline)
        # people split between sharing operators are fractional: the reported total is
        # the exact one rounded, and a total of exactly n + 1/2 may round either way,
        # depending on the order of the floating-point sum
        assert abs(v.total - total) <= 0.5 + 1e-6
        assert v.max_share == rule.max_share and v.measure == rule.measure


@PROPERTY
@given(model=models())
def test_profiles_match_the_plain_reading_of_the_rule(model: NetworkModel) -> None:
    result = run(model)
    engine = {s.id: (s.profile, s.lowest.rank, s.highest.rank) for s in result.suppliers}
    assert engine == reference_profiles(model)


@PROPERTY
@given(model=models())
def test_diversity_shares_and_hhi_match_the_reference(model: NetworkModel) -> None:
    result = run(model)
    groups = default_catalogue().assessment.diversity.groups
    reference = reference_diversity(model, every_asset(model), groups)
    engine = {(t.group, t.scope, t.weight): t for t in result.diversity.tables if t.kind is None}
    for key, table in engine.items():
        expected = {s: q for s, q in reference.get(key, {}).items() if q > 0}
        assert {s.supplier: s.quantity for s in table.shares} == pytest.approx(expected)
        assert table.hhi == pytest.approx(hhi(list(expected.values())))
    for key, quantities in reference.items():
        if sum(quantities.values()) > 0:
            assert key in engine


@PROPERTY
@given(model=models(), flagged=st.sets(st.integers(0, 3)))
def test_management_paths_match_walking_each_chain(model: NetworkModel, flagged: set[int]) -> None:
    prep = Prepared(model, default_catalogue())
    engine = managed_via(prep, np.isin(prep.supplier, sorted(flagged)))
    names = {f"s{i}" for i in flagged}
    assert engine.tolist() == reference_managed_via(model, every_asset(model), names)


@PROPERTY
@given(model=models())
def test_battery_rule_matches_counting_site_by_site(model: NetworkModel) -> None:
    result = run(model)
    hours = default_catalogue().assessment.risks["R8"].likelihood.hours or 0
    per_operator = reference_short_battery(every_asset(model), hours)
    for e in result.risk_register.entries:
        if e.risk != "R8" or e.scope == "national":
            continue
        short, total = per_operator.get(e.scope, (0, 0))
        assert e.likelihood.facts[0].text.startswith(f"{short:,} of {plural(total, 'radio site')}")
