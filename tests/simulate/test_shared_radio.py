"""RAN sharing (docs/simulation.md, "RAN sharing"): each operator's customers on a shared
radio asset need the radio and their own operator's core; a radio failure costs everyone
on the site, a core failure only that operator's customers, on every site they use.

Worked by hand on a two-operator model. ``op-a`` (3,000 subscribers) and ``op-b`` (1,000)
share sites and split their people 3:1:

- ``s1-1``, ``s1-2``: hosted by op-a, 500 people each (375 op-a, 125 op-b), one class of
  two site rows; radio from Gamma, backhaul ``a.bh``;
- ``s2``: hosted by op-b, 400 people (300 op-a, 100 op-b); radio from Delta, backhaul
  ``b.bh``;
- ``a.own``: op-a's own site, 200 people, Gamma radio.

op-a's core is an AMF pool on Alpha AMF 1 and a UPF; op-b's an AMF on Beta AMF 1 and a
UPF. Every shared site lists both operators' core functions.
"""

from __future__ import annotations

import pytest
from helpers import engine_impact, model_of, roaming_as
from oracle import Oracle

from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf, Asset, Operator, Product
from fiveguard.simulate import prepare, simulate
from fiveguard.simulate.compile import compile_network
from fiveguard.simulate.events import Event, EventType, Mode
from fiveguard.simulate.whatif import scenario_impacts

A_POOL = AnyOf(any=("a.amf-1", "a.amf-2"))
A_CORE: tuple[str | AnyOf, ...] = (A_POOL, "a.upf")
B_CORE: tuple[str | AnyOf, ...] = ("b.amf", "b.upf")
RADIO = {"kind": "ran.gnb", "region": "N", "sites": 1}


def _products() -> list[Product]:
    def product(ident: str, supplier: str, kind: str) -> Product:
        return Product(id=ident, supplier=supplier, name=ident, kind=kind, versions=("1",))

    return [
        product("alpha-amf", "alpha", "core.amf"),
        product("beta-amf", "beta", "core.amf"),
        product("gamma-ran", "gamma", "ran.gnb"),
        product("delta-ran", "delta", "ran.gnb"),
    ]


def _core() -> list[Asset]:
    return [
        Asset(id="a.amf-1", operator="op-a", kind="core.amf", product="alpha-amf@1"),
        Asset(id="a.amf-2", operator="op-a", kind="core.amf", product="alpha-amf@1"),
        Asset(id="a.upf", operator="op-a", kind="core.upf"),
        Asset(id="b.amf", operator="op-b", kind="core.amf", product="beta-amf@1"),
        Asset(id="b.upf", operator="op-b", kind="core.upf"),
    ]


@pytest.fixture(scope="module")
def joint() -> NetworkModel:
    shared_1 = {
        "operator": "op-a",
        "product": "gamma-ran@1",
        "population": 500,
        "shared_with": ("op-b",),
        "requires": (*A_CORE, *B_CORE, "a.bh"),
        **RADIO,
    }
    return model_of(
        [
            *_core(),
            Asset(id="a.bh", operator="op-a", kind="transport.backhaul", region="N"),
            Asset(id="b.bh", operator="op-b", kind="transport.backhaul", region="N"),
            Asset(
                id="a.own",
                operator="op-a",
                product="gamma-ran@1",
                population=200,
                requires=(*A_CORE, "a.bh"),
                **RADIO,  # type: ignore[arg-type]
            ),
        ],
        sites=[
            Asset(id="s1-1", **shared_1),  # type: ignore[arg-type]
            Asset(id="s1-2", **shared_1),  # type: ignore[arg-type]
            Asset(
                id="s2",
                operator="op-b",
                product="delta-ran@1",
                population=400,
                shared_with=("op-a",),
                requires=(*B_CORE, *A_CORE, "b.bh"),
                **RADIO,  # type: ignore[arg-type]
            ),
        ],
        operators=[
            Operator(id="op-a", name="A", subscribers=3000),
            Operator(id="op-b", name="B", subscribers=1000),
        ],
        products=_products(),
    )


def _down(*assets: str) -> list[Event]:
    return [Event(EventType.ASSET_DOWN, a) for a in assets]


def _update(supplier: str, mode: Mode = Mode.ESPIONAGE) -> list[Event]:
    return [Event(EventType.SUPPLIER_UPDATE, supplier, mode=mode)]


# events → (people op-a, op-b), (exposed op-a, op-b), (assets down op-a, op-b), sites down
JOINT_CASES: list[tuple[str, list[Event], tuple[int, int], tuple[int, int], tuple[int, int], int]] = [
    # op-a's core: its customers everywhere (375 + 375 + 300 + 200), none of op-b's; the
    # shared sites still serve op-b, so they are not down
    ("op-a AMF pool", _down("a.amf-1", "a.amf-2"), (1250, 0), (0, 0), (3, 0), 1),
    # op-b's core: its customers on the sites op-a hosts too
    ("op-b AMF", _down("b.amf"), (0, 350), (0, 0), (0, 1), 0),
    # the radio of op-a's sites: everyone on them
    ("Gamma radio fault", [Event(EventType.PRODUCT_FAULT, "gamma-ran@1")], (950, 250), (0, 0),
     (3, 0), 3),
    # the host's backhaul: everyone on s2
    ("op-b backhaul", _down("b.bh"), (300, 100), (0, 0), (0, 2), 1),
    # both cores: nobody is served on any site
    ("both cores", _down("a.amf-1", "a.amf-2", "b.amf"), (1250, 350), (0, 0), (5, 2), 4),
    # one site of a class of two, on its own (a leaf hit)
    ("one shared site", _down("s1-1"), (375, 125), (0, 0), (1, 0), 1),
    # op-b's core is down everywhere; s1-1 down on its own adds op-a's 375 on it
    ("one site and op-b's core", _down("s1-1", "b.amf"), (375, 350), (0, 0), (1, 1), 1),
    # Delta's radio carries op-a's 300 on s2: exposed, though op-b runs it
    ("Delta update", _update("delta"), (0, 0), (300, 100), (0, 0), 0),
    # op-b's AMF: op-b's customers on every shared site, none of op-a's
    ("Beta update", _update("beta"), (0, 0), (0, 350), (0, 0), 0),
    ("Alpha update", _update("alpha"), (0, 0), (1250, 0), (0, 0), 0),
    ("Gamma sabotage", _update("gamma", Mode.SABOTAGE), (950, 250), (950, 250), (3, 0), 3),
]  # fmt: skip


@pytest.mark.parametrize(
    ("events", "people", "exposed", "down", "sites"),
    [case[1:] for case in JOINT_CASES],
    ids=[case[0] for case in JOINT_CASES],
)
def test_each_operators_customers_need_the_radio_and_their_own_core(
    joint: NetworkModel,
    catalogue: Catalogue,
    events: list[Event],
    people: tuple[int, int],
    exposed: tuple[int, int],
    down: tuple[int, int],
    sites: int,
) -> None:
    impact = _impact(joint, catalogue, events)
    assert _pair(impact, "people_without_service") == people
    assert _pair(impact, "subscribers_exposed") == exposed
    assert _pair(impact, "assets_down") == down
    assert impact["national"]["sites_down"] == sites
    assert impact["national"]["people_without_service"] == sum(people)
    assert impact["national"]["subscribers_exposed"] == sum(exposed)
    assert impact["region N"]["people_without_service"] == sum(people)


def _impact(
    model: NetworkModel, catalogue: Catalogue, events: list[Event]
) -> dict[str, dict[str, int]]:
    """The engine's impact, grouped and grouping-independent, and equal to the oracle's."""
    found = []
    for grouped in (True, False):
        compiled = compile_network(model, catalogue, group_assets=grouped)
        got = engine_impact(compiled, scenario_impacts(model, compiled, [events]), 0)
        assert got == Oracle(model, catalogue).impact(events)
        found.append(got)
    assert found[0] == found[1]
    out = {"national": found[0].national, **found[0].by_operator}
    out.update({f"region {r}": v for r, v in found[0].by_region.items()})
    return out


def _pair(impact: dict[str, dict[str, int]], field: str) -> tuple[int, int]:
    return impact["op-a"][field], impact["op-b"][field]


def test_a_year_of_core_faults_and_updates_counts_each_operators_customers(
    joint: NetworkModel, catalogue: Catalogue
) -> None:
    # every year: Alpha's AMF version fails (op-a's AMF pool down) and every supplier's
    # update (espionage) reaches every operator; nothing else happens
    sim = catalogue.simulation
    zero = dict.fromkeys(Domain, 0.0)
    certain = {"low": 0.0, "medium": 0.0, "high": 1.0}
    years = catalogue.model_copy(
        update={
            "simulation": sim.model_copy(
                update={
                    "supplier_update": sim.supplier_update.model_copy(
                        update={
                            "annual_probability": sim.supplier_update.annual_probability.model_copy(
                                update=certain
                            ),
                            "sabotage_share": 0.0,
                        }
                    ),
                    "product_fault": sim.product_fault.model_copy(
                        update={
                            "annual_probability": sim.product_fault.annual_probability.model_copy(
                                update=certain
                            ),
                            "record_rate": None,
                            "reach_share": None,
                        }
                    ),
                    "misconfiguration": sim.misconfiguration.model_copy(
                        update={"annual_probability": 0.0}
                    ),
                    "power_loss": sim.power_loss.model_copy(update={"annual_probability": 0.0}),
                    "change_push": None,
                    "limit_reached": None,
                    "asset_failure": sim.asset_failure.model_copy(
                        update={"annual_probability": zero}
                    ),
                }
            )
        }
    )
    quality = {s: (Level.HIGH if s == "alpha" else Level.LOW, "test") for s in joint.suppliers}
    result = simulate(prepare(joint, years, quality), years, 300, 7, workers=1)
    expected = {
        "op-a": (1250, 1250),  # people without service, subscribers exposed (all of them)
        "op-b": (0, 350),
    }
    for operator, (people, exposed) in expected.items():
        d = result.by_operator[operator]
        assert (d.people_without_service.mean, d.people_without_service.max) == (people, people)
        assert (d.subscribers_exposed.mean, d.subscribers_exposed.max) == (exposed, exposed)
    assert result.distributions.people_without_service.p50 == 1250
    assert result.distributions.subscribers_exposed.p50 == 1600


def test_a_shared_sites_people_are_split_by_subscribers_in_whole_people(
    catalogue: Catalogue,
) -> None:
    # 7 people at 3:1 are 5.25 and 1.75: floors 5 and 1, the person left over to the
    # larger remainder (op-b); 1 person at 1:1 goes to the host (op-b of "tie")
    def shared(ident: str, host: str, guest: str, population: int) -> Asset:
        return Asset(
            id=ident,
            operator=host,
            population=population,
            shared_with=(guest,),
            product="gamma-ran@1",
            **RADIO,  # type: ignore[arg-type]
        )

    model = model_of(
        [shared("odd", "op-a", "op-b", 7), shared("tie", "op-b", "op-c", 1)],
        operators=[
            Operator(id="op-a", name="A", subscribers=3000),
            Operator(id="op-b", name="B", subscribers=1000),
            Operator(id="op-c", name="C", subscribers=1000),
        ],
        products=_products(),
    )
    for events, people in (
        (_down("odd"), {"op-a": 5, "op-b": 2, "op-c": 0}),
        (_down("tie"), {"op-a": 0, "op-b": 1, "op-c": 0}),
    ):
        impact = _impact(model, catalogue, events)
        assert {o: impact[o]["people_without_service"] for o in people} == people


def test_a_split_beyond_int64_products_is_exact(catalogue: Catalogue) -> None:
    # 10,000,000,003 people × 2,000,000,000 subscribers overflows int64: split exactly
    subscribers = (2_000_000_000, 999_999_937)
    population = 10_000_000_003
    model = model_of(
        [
            Asset(
                id="big",
                operator="op-a",
                population=population,
                shared_with=("op-b",),
                **RADIO,  # type: ignore[arg-type]
            )
        ],
        operators=[
            Operator(id="op-a", name="A", subscribers=subscribers[0]),
            Operator(id="op-b", name="B", subscribers=subscribers[1]),
        ],
    )
    total = sum(subscribers)
    parts = [population * w // total for w in subscribers]
    if population - sum(parts):  # one person left: to the larger remainder
        larger = max((0, 1), key=lambda i: (population * subscribers[i] % total, -i))
        parts[larger] += 1
    impact = _impact(model, catalogue, _down("big"))
    assert (impact["op-a"]["people_without_service"], impact["op-b"]["people_without_service"]) == (
        parts[0],
        parts[1],
    )
    assert sum(parts) == population


@pytest.fixture(scope="module")
def roaming() -> NetworkModel:
    """op-a (3,000) hosts ``s1`` (1,000 people: 750 op-a, 250 op-b) shared with op-b, which
    has no site of its own; op-a and op-c (200 people on ``c.ran``) roam onto op-b."""
    return model_of(
        [
            Asset(id="a.amf", operator="op-a", kind="core.amf"),
            Asset(id="b.amf", operator="op-b", kind="core.amf"),
            Asset(
                id="s1",
                operator="op-a",
                population=1000,
                shared_with=("op-b",),
                requires=("a.amf", "b.amf"),
                **RADIO,  # type: ignore[arg-type]
            ),
            Asset(id="c.ran", operator="op-c", population=200, **RADIO),  # type: ignore[arg-type]
        ],
        operators=[
            Operator(id="op-a", name="A", subscribers=3000, roaming=("op-b",)),
            Operator(id="op-b", name="B", subscribers=1000),
            Operator(id="op-c", name="C", subscribers=200, roaming=("op-b",)),
        ],
    )


@pytest.mark.parametrize(
    ("events", "people"),
    [
        # op-c's users roam onto op-b's network in N: its part of s1
        (_down("c.ran"), {"op-a": 0, "op-b": 0, "op-c": 0}),
        # op-a's customers on s1 roam onto op-b's part of the same radio
        (_down("a.amf"), {"op-a": 0, "op-b": 0, "op-c": 0}),
        # with op-b's core down, op-b has no network in N to roam onto
        (_down("c.ran", "b.amf"), {"op-a": 0, "op-b": 250, "op-c": 200}),
        # the radio down: nobody is served, nobody can roam
        (_down("c.ran", "s1"), {"op-a": 750, "op-b": 250, "op-c": 200}),
    ],
    ids=["op-c roams", "op-a roams on its own site", "op-b core down", "radio down"],
)
def test_roaming_partners_network_in_a_region_includes_its_part_of_shared_sites(
    roaming: NetworkModel, catalogue: Catalogue, events: list[Event], people: dict[str, int]
) -> None:
    # what a partner's network is, under the rule that customers roam whenever their part
    # is down, without limit (the packaged rule is below)
    unlimited = roaming_as(catalogue, radio_only=False, share=None)
    impact = _impact(roaming, unlimited, events)
    assert {o: impact[o]["people_without_service"] for o in people} == people


@pytest.mark.parametrize(
    ("events", "people"),
    [
        # c.ran stops broadcasting: op-c's 200 users want op-b's network in N, whose own
        # customers served there are its 250 on s1; a quarter of them is 62 roamers
        (_down("c.ran"), {"op-a": 0, "op-b": 0, "op-c": 138}),
        # a.amf down behind s1's live radio: op-a's phones stay attached, without service
        (_down("a.amf"), {"op-a": 750, "op-b": 0, "op-c": 0}),
        # the radio down: nobody is served, nobody can roam
        (_down("c.ran", "s1"), {"op-a": 750, "op-b": 250, "op-c": 200}),
    ],
    ids=["op-c roams within capacity", "op-a attached to a dead core", "radio down"],
)
def test_roaming_follows_the_radio_and_the_partners_spare_capacity(
    roaming: NetworkModel, catalogue: Catalogue, events: list[Event], people: dict[str, int]
) -> None:
    impact = _impact(roaming, catalogue, events)
    assert {o: impact[o]["people_without_service"] for o in people} == people
