"""Each rule of the simulation's semantics (docs/simulation.md, issue 4) on a small network
worked out by hand: the engine and the oracle both give the hand-computed numbers, so the
oracle the property tests rely on is itself checked against the rules as written.

The network: operator A (its users roam onto B) and operator B, regions N and S.

- ``a.oss`` (Beta) manages ``a.ems`` (Alpha), which manages ``a.ran-n``;
- ``a.ran-n`` (N, 100 people, 1 site, 2 h battery, carries emergency calls) requires
  ``any: [a.amf-1, a.amf-2]`` and ``a.upf``; ``a.ran-s`` (S, 200 people, 2 sites, 8 h)
  requires the same ``any:`` group only;
- ``a.amf-1`` (Alpha, version 1) requires ``a.udm`` (Gamma); ``a.amf-2`` is Beta's;
- ``a.upf`` is in N, with a 1 h battery; the other core and management assets have no
  region;
- ``b.amf`` (Alpha, version 1, carries emergency calls); ``b.ran-n`` (N, 50 people,
  1 site, no battery) requires it. B has no radio in S.
"""

from __future__ import annotations

from typing import Any

import pytest
from helpers import model_of, roaming_as
from oracle import FIELDS, Oracle

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf, Asset, Operator, Product
from fiveguard.simulate import compile_network, whatif
from fiveguard.simulate.events import Event, EventType, Mode

POOL = AnyOf(any=("a.amf-1", "a.amf-2"))


@pytest.fixture(scope="module")
def catalogue(catalogue: Catalogue) -> Catalogue:
    """The packaged catalogue, customers roaming within no capacity limit.

    The cases count roaming without a limit on the partners' capacity (the packaged limit
    is worked out in test_services.py).
    """
    return roaming_as(catalogue, share=None)


@pytest.fixture(scope="module")
def network() -> NetworkModel:
    def product(supplier: str, name: str, kind: str) -> Product:
        return Product(
            id=f"{supplier}-{name}", supplier=supplier, name=name, kind=kind, versions=("1",)
        )

    radio: dict[str, Any] = {"kind": "ran.gnb", "operator": "op-a"}
    return model_of(
        [
            Asset(id="a.oss", operator="op-a", kind="mgmt.oss", product="beta-oss@1"),
            Asset(
                id="a.ems",
                operator="op-a",
                kind="mgmt.ems",
                product="alpha-ems@1",
                managed_by="a.oss",
            ),
            Asset(id="a.udm", operator="op-a", kind="core.udm", product="gamma-udm@1"),
            Asset(
                id="a.amf-1",
                operator="op-a",
                kind="core.amf",
                product="alpha-amf@1",
                requires=("a.udm",),
            ),
            Asset(id="a.amf-2", operator="op-a", kind="core.amf", product="beta-amf@1"),
            Asset(id="a.upf", operator="op-a", kind="core.upf", region="N", battery_hours=1),
            Asset(
                id="a.ran-n",
                region="N",
                population=100,
                sites=1,
                battery_hours=2,
                requires=(POOL, "a.upf"),
                managed_by="a.ems",
                critical_services=("emergency-calls",),
                **radio,
            ),
            Asset(
                id="a.ran-s",
                region="S",
                population=200,
                sites=2,
                battery_hours=8,
                requires=(POOL,),
                **radio,
            ),
            Asset(
                id="b.amf",
                operator="op-b",
                kind="core.amf",
                product="alpha-amf@1",
                critical_services=("emergency-calls",),
            ),
            Asset(
                id="b.ran-n",
                operator="op-b",
                kind="ran.gnb",
                region="N",
                population=50,
                sites=1,
                battery_hours=0,
                requires=("b.amf",),
            ),
        ],
        operators=[
            Operator(id="op-a", name="A", subscribers=300, roaming=("op-b",)),
            Operator(id="op-b", name="B", subscribers=50),
        ],
        regions=("N", "S"),
        products=[
            product("alpha", "ems", "mgmt.ems"),
            product("alpha", "amf", "core.amf"),
            product("beta", "oss", "mgmt.oss"),
            product("beta", "amf", "core.amf"),
            product("gamma", "udm", "core.udm"),
        ],
    )


CASES: list[tuple[str, list[Event], dict[str, Any]]] = [
    (
        # compromise flows down managed_by, transitively (a.oss → a.ems → a.ran-n); a
        # compromised member of an any: group exposes the radios requiring the group
        # (a.ran-s through a.amf-2), though the group does not need it; nothing goes down
        "espionage update: compromised, exposed, nothing down",
        [Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.ESPIONAGE)],
        {"national": (0, 300, 0, 4, 0), "N": (0, 100, 0, 1, 0), "S": (0, 200, 0, 0, 0),
         "services": {"emergency-calls": 1}},
    ),
    (
        # sabotage: the four compromised assets are down too; the pool holds (a.amf-1 is
        # up), so a.ran-s stays up; a.ran-n's users in N roam onto b.ran-n
        "sabotage update: the compromised assets are down",
        [Event(EventType.SUPPLIER_UPDATE, "beta", mode=Mode.SABOTAGE)],
        {"national": (0, 300, 4, 4, 1), "N": (0, 100, 1, 1, 1), "S": (0, 200, 0, 0, 0),
         "services": {"emergency-calls": 1}},
    ),
    (
        # exposure follows the transitive requires closure: a.ran-n and a.ran-s require
        # the pool, whose a.amf-1 requires the compromised a.udm
        "a compromise two requirements away exposes",
        [Event(EventType.SUPPLIER_UPDATE, "gamma")],
        {"national": (0, 300, 0, 1, 0), "N": (0, 100, 0, 0, 0), "S": (0, 200, 0, 0, 0),
         "services": {}},
    ),
    (
        # a plain entry fails with its asset (b.ran-n with b.amf); an any: group only when
        # all its members are down (a.amf-2 keeps A's radios up); B has no roaming partner
        "a version fault: plain entries fail, the pool holds",
        [Event(EventType.PRODUCT_FAULT, "alpha-amf@1")],
        {"national": (50, 0, 3, 0, 1), "N": (50, 0, 1, 0, 1), "S": (0, 0, 0, 0, 0),
         "services": {"emergency-calls": 1}},
    ),
    (
        # both pool members down: A's radios go down; B's radio in N is down too, so A's
        # users there have nowhere to roam, and B has no radio in S at all. Down does not
        # flow along managed_by: a.ems stays up though a.oss is down
        "the whole pool down: no roaming left",
        [Event(EventType.PRODUCT_FAULT, "alpha-amf@1"), Event(EventType.SUPPLIER_FAULT, "beta")],
        {"national": (350, 0, 7, 0, 4), "N": (150, 0, 2, 0, 2), "S": (200, 0, 1, 0, 2),
         "services": {"emergency-calls": 2}},
    ),
    (
        # roaming covers by region: B's radio in N is up, and B has none in S
        "roaming covers in the partner's regions only",
        [Event(EventType.ASSET_DOWN, "a.ran-n"), Event(EventType.ASSET_DOWN, "a.ran-s")],
        {"national": (200, 0, 2, 0, 3), "N": (0, 0, 1, 0, 1), "S": (200, 0, 1, 0, 2),
         "services": {"emergency-calls": 1}},
    ),
    (
        # power: shorter autonomy goes down (a.upf 1 h, b.ran-n none), a.ran-n (2 h)
        # survives the loss itself but requires a.upf; with b.ran-n down, no roaming
        "a power loss: shorter autonomies down, requirements follow",
        [Event(EventType.REGION_POWER, "N", hours=1.5)],
        {"national": (150, 0, 3, 0, 2), "N": (150, 0, 3, 0, 2), "S": (0, 0, 0, 0, 0),
         "services": {"emergency-calls": 1}},
    ),
    (
        # an autonomy equal to the loss survives it
        "an autonomy equal to the duration survives",
        [Event(EventType.REGION_POWER, "S", hours=8)],
        {"national": (0, 0, 0, 0, 0), "N": (0, 0, 0, 0, 0), "S": (0, 0, 0, 0, 0),
         "services": {}},
    ),
    (
        "a longer loss does not",
        [Event(EventType.REGION_POWER, "S", hours=8.01)],
        {"national": (200, 0, 1, 0, 2), "N": (0, 0, 0, 0, 0), "S": (200, 0, 1, 0, 2),
         "services": {}},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("events", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_engine_and_the_oracle_give_the_hand_computed_impact(
    network: NetworkModel, catalogue: Catalogue, events: list[Event], expected: dict[str, Any]
) -> None:
    result = whatif(network, catalogue, events, compiled=compile_network(network, catalogue))
    truth = Oracle(network, catalogue).impact(events)
    for scope, numbers in expected.items():
        if scope == "services":
            continue
        wanted = dict(zip(FIELDS, numbers, strict=True))
        engine = result if scope == "national" else result.by_region[scope]
        assert {f: getattr(engine, f) for f in FIELDS} == wanted, scope
        assert (truth.national if scope == "national" else truth.by_region[scope]) == wanted
    # the national figures count assets without a region; by operator adds up to them
    for f in FIELDS:
        assert sum(getattr(c, f) for c in result.by_operator.values()) == getattr(result, f)
    hit = expected["services"]
    assert set(result.critical_services) == set(hit)
    assert {s: h.affected for s, h in result.critical_service_assets.items()} == hit
    assert all(h.carrying == 2 for h in result.critical_service_assets.values())
    assert {s: n for s, n in truth.service_assets.items() if n} == hit
