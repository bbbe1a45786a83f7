"""The reference oracle: the simulation's semantics written as plainly as possible.

One trial at a time, with Python sets and dicts over asset objects (and networkx for the
transitive ``requires`` closure), straight from docs/simulation.md and issue 4. It shares
no code with the fast engine beyond the domain types, so that agreement between the two
means something. It is also the baseline of the speed benchmark.

People are counted per *served part*: a radio asset serves its operator's customers, and
a shared one (``shared_with``) each sharing operator's, with that operator's part of its
people; each part needs the radio (the asset and its entries that are nobody's core) and
its own operator's core entries. Wireline access assets serve people too, but their
customers never roam, and nobody roams onto them.

Per-service loss and roaming as it happens (``simulation.services``, ``simulation.roaming``)
are in their own block below (:class:`ServiceRulesOracle`): a part roams only when its
radio stops broadcasting, within its partners' spare capacity in the region; each service
is lost where the part is without service or its operator's pool of core kinds for the
service is all down; emergency calls reach any other network when the radio is down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf, Asset
from fiveguard.simulate.events import Event, EventType, Mode

FIELDS = (
    "people_without_service",
    "subscribers_exposed",
    "assets_down",
    "assets_compromised",
    "sites_down",
)


@dataclass(frozen=True)
class Part:
    """The customers of one operator on one radio asset: their people and the entries of
    ``requires`` that are their operator's core (on an unshared asset, none: every entry is
    the radio's). An MVNO's part needs what its host's part needs."""

    asset: Asset
    operator: str
    people: int
    core: tuple[tuple[str, ...], ...]


@dataclass
class OracleImpact:
    """What one trial did: national numbers, per operator, per region, services hit, and
    per service the number of its carrying assets down or compromised."""

    national: dict[str, int]
    by_operator: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]
    services: set[str] = field(default_factory=set)
    service_assets: dict[str, int] = field(default_factory=dict)
    by_service: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per level ('national', 'op:ID', 'region:ID'), people losing each service."""
    roaming: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per level, people roaming and served, and roamers beyond capacity."""


class Oracle:
    """Per-trial reference implementation over one model."""

    def __init__(self, model: NetworkModel, catalogue: Catalogue) -> None:
        self.model = model
        self.assets: list[Asset] = [model.asset(i) for i in range(model.asset_count)]
        self.by_id = {a.id: a for a in self.assets}
        supplier_of = {p.id: p.supplier for p in model.document.products}
        self.supplier = {
            a.id: supplier_of[a.product.split("@")[0]] if a.product else None for a in self.assets
        }
        self.radio = {a.id: catalogue.asset_kinds[a.kind].domain is Domain.RAN for a in self.assets}
        wireline = {
            a.id for a in self.assets if catalogue.asset_kinds[a.kind].domain is Domain.WIRELINE
        }
        self.serves = {a.id: self.radio[a.id] or a.id in wireline for a in self.assets}
        self.roaming = {o.id: set(o.roaming) for o in model.document.operators}
        self.mvnos = {
            o.id: [m.id for m in model.document.operators if m.hosted_by == o.id]
            for o in model.document.operators
        }
        for o in model.document.operators:  # an MVNO's customers roam where its host's do
            if o.hosted_by in self.roaming:
                self.roaming[o.id] |= self.roaming[o.hosted_by]
        self.operators = [o.id for o in model.document.operators]
        self.regions = [r.id for r in model.document.regions]
        params = catalogue.simulation
        extra = {o: 0.0 for o in self.operators}
        for effect in params.measure_effects.values():
            if effect.applies_to != "power-autonomy":
                continue
            for operator in self.operators:
                weight = params.status_weights.get(self._status(effect.measure, operator), 0.0)  # type: ignore[call-overload]
                extra[operator] += weight * (effect.extra_hours or 0.0)
        unknown = params.power_loss.unknown_battery_hours
        self.autonomy = {
            a.id: (unknown if a.battery_hours is None else a.battery_hours) + extra[a.operator]
            for a in self.assets
        }
        self.core = {a.id: catalogue.asset_kinds[a.kind].domain is Domain.CORE for a in self.assets}
        subscribers = {o.id: o.people_subscribers for o in model.document.operators}
        self.parts: dict[str, list[Part]] = {}
        self.radio_entries: dict[str, list[tuple[str, ...]]] = {}
        for a in self.assets:
            self._split(a, subscribers)
        graph = nx.DiGraph()
        graph.add_nodes_from(a.id for a in self.assets)
        for a in self.assets:
            for entry in self.radio_entries[a.id]:
                for member in entry:
                    graph.add_edge(a.id, member)
        closure = {a.id: nx.descendants(graph, a.id) for a in self.assets}
        # what a part's traffic crosses: the radio, what it requires, its operator's core
        self.reach: dict[tuple[str, str], frozenset[str]] = {}
        self.network_of: dict[tuple[str, str | None], list[Part]] = {}
        for a_id, parts in self.parts.items():
            for part in parts:
                crossed = {a_id} | closure[a_id]
                for member in (m for entry in part.core for m in entry):
                    crossed |= {member} | closure[member]
                self.reach[a_id, part.operator] = frozenset(crossed)
                if self.radio[a_id]:
                    self.network_of.setdefault((part.operator, part.asset.region), []).append(part)
        self.rules = ServiceRulesOracle(self, catalogue)

    def _split(self, a: Asset, subscribers: dict[str, int]) -> None:
        """The asset's served parts and the entries its radio needs."""
        entries = [_members(e) for e in a.requires]
        if not self.serves[a.id]:
            self.parts[a.id] = []
            self.radio_entries[a.id] = entries
            return
        network = list(dict.fromkeys((a.operator, *a.shared_with)))
        # after the network operators, the MVNOs each of them hosts, riding on its part
        operators = network + [m for o in network for m in self.mvnos[o]]
        host = {m: o for o in network for m in self.mvnos[o]}

        def whose(entry: tuple[str, ...]) -> str | None:
            owners = {self.by_id[m].operator for m in entry}
            if all(self.core[m] for m in entry) and len(owners) == 1:
                (owner,) = owners
                return owner if owner in operators else None
            return None

        weights = [subscribers[o] for o in operators]
        if len(operators) == 1:
            weights = [1]
        if sum(weights) == 0:
            weights = [1] * len(operators)
        exact = [a.population * w for w in weights]
        people = [x // sum(weights) for x in exact]
        # the people left over go one each to the largest remainders, the host first
        by_remainder = sorted(range(len(operators)), key=lambda i: -(exact[i] % sum(weights)))
        for i in by_remainder[: a.population - sum(people)]:
            people[i] += 1
        shared = len(network) > 1

        def core(operator: str) -> tuple[tuple[str, ...], ...]:
            owner = host.get(operator, operator)
            return tuple(e for e in entries if shared and whose(e) == owner)

        self.parts[a.id] = [Part(a, o, people[i], core(o)) for i, o in enumerate(operators)]
        self.radio_entries[a.id] = [e for e in entries if not shared or whose(e) is None]

    def _status(self, measure: str, operator: str) -> str:
        records = self.model.document.measures
        own = [r for r in records if r.measure == measure and r.operator == operator]
        national = [r for r in records if r.measure == measure and r.operator is None]
        chosen = own or national
        return chosen[-1].status.value if chosen else "not-started"

    # ------------------------------------------------------------------ one trial

    def impact(self, events: Iterable[Event]) -> OracleImpact:
        """The impact of ``events`` all happening in the same trial."""
        compromised: set[str] = set()
        sabotaged: set[str] = set()
        down: set[str] = set()
        for event in events:
            self._apply(event, compromised, sabotaged, down)
        # compromise flows from a manager to everything it manages, transitively
        changed = True
        while changed:
            changed = False
            for a in self.assets:
                if a.managed_by in compromised and a.id not in compromised:
                    compromised.add(a.id)
                    changed = True
                if a.managed_by in sabotaged and a.id not in sabotaged:
                    sabotaged.add(a.id)
                    changed = True
        down |= sabotaged
        forced = set(down)
        # down flows along requires: an entry fails when all its members are down; what
        # depends on a shared radio asset needs its radio, not the sharing operators' cores
        changed = True
        while changed:
            changed = False
            for a in self.assets:
                if a.id in down:
                    continue
                if any(all(m in down for m in e) for e in self.radio_entries[a.id]):
                    down.add(a.id)
                    changed = True
        return self._count(down, compromised, forced)

    @staticmethod
    def _part_down(part: Part, down: set[str]) -> bool:
        """Whether the part's customers lose the radio or their own core."""
        return part.asset.id in down or any(all(m in down for m in e) for e in part.core)

    def _part_exposed(self, part: Part, compromised: set[str]) -> bool:
        """Whether the part's traffic crosses a compromised asset: the radio, what the
        radio requires, or its operator's core (transitively)."""
        return not self.reach[part.asset.id, part.operator].isdisjoint(compromised)

    def _apply(
        self, event: Event, compromised: set[str], sabotaged: set[str], down: set[str]
    ) -> None:
        for a in self.assets:
            if event.type is EventType.SUPPLIER_UPDATE:
                reached = event.operators is None or a.operator in event.operators
                if self.supplier[a.id] == event.target and reached:
                    compromised.add(a.id)
                    if event.mode == Mode.SABOTAGE:
                        sabotaged.add(a.id)
            elif event.type is EventType.PRODUCT_FAULT:
                if a.product == event.target:
                    down.add(a.id)
            elif event.type is EventType.SUPPLIER_FAULT:
                if self.supplier[a.id] == event.target:
                    down.add(a.id)
            elif event.type is EventType.ASSET_DOWN:
                if a.id == event.target:
                    down.add(a.id)
            elif event.type in (EventType.CHANGE_PUSH, EventType.LIMIT_REACHED):
                operator, _, selector = event.target.rpartition("/")
                product = a.product.split("@")[0] if a.product else None
                if event.type is EventType.CHANGE_PUSH:
                    chosen = selector in (a.kind, a.product, product)
                else:
                    chosen = selector == product
                if chosen and operator in ("", a.operator):
                    down.add(a.id)
            elif event.type is EventType.REGION_POWER:
                hours = event.hours or 0.0
                if a.region == event.target and self.autonomy[a.id] < hours:
                    down.add(a.id)

    def _count(self, down: set[str], compromised: set[str], forced: set[str]) -> OracleImpact:
        zero = dict.fromkeys(FIELDS, 0)
        national = dict(zero)
        by_operator = {o: dict(zero) for o in self.operators}
        by_region = {r: dict(zero) for r in self.regions}
        services: set[str] = set()
        service_assets = {s: 0 for a in self.assets for s in a.critical_services}

        def add(operator: str, region: str | None, name: str, value: int) -> None:
            national[name] += value
            by_operator[operator][name] += value
            if region is not None:
                by_region[region][name] += value

        for a in self.assets:
            parts = self.parts[a.id]
            # a radio asset is down when nobody on it is served any more
            is_down = a.id in down or bool(parts and all(self._part_down(p, down) for p in parts))
            if is_down:
                add(a.operator, a.region, "assets_down", 1)
                add(a.operator, a.region, "sites_down", a.sites)
            for part in parts:
                if self._part_exposed(part, compromised):
                    add(part.operator, a.region, "subscribers_exposed", part.people)
            if a.id in compromised:
                add(a.operator, a.region, "assets_compromised", 1)
            if is_down or a.id in compromised:
                services.update(a.critical_services)
                for service in set(a.critical_services):
                    service_assets[service] += 1
        people = self.rules.people(down, forced)
        for (operator, region), value in people.without_service.items():
            add(operator, region, "people_without_service", value)
        return OracleImpact(
            national,
            by_operator,
            by_region,
            services,
            service_assets,
            people.by_service,
            people.roaming,
        )

    def _roams(self, part: Part, down: set[str]) -> bool:
        """Whether the part's operator has a roaming partner whose network serves the
        region: a part of the partner's on a radio asset there that is not down."""
        region = part.asset.region
        if region is None or not self.radio[part.asset.id]:
            return False
        partners = self.roaming.get(part.operator, set())
        return any(
            not self._part_down(other, down)
            for partner in partners
            for other in self.network_of.get((partner, region), [])
        )

    def trials(self, per_trial: Sequence[Sequence[Event]]) -> list[OracleImpact]:
        """The impact of each trial's events."""
        return [self.impact(events) for events in per_trial]


def _members(entry: str | AnyOf) -> tuple[str, ...]:
    return entry.any if isinstance(entry, AnyOf) else (entry,)


# ---------------------------------------------------------------- services and roaming


@dataclass
class PeopleCount:
    """People without service per (operator, region), and per level the service and
    roaming figures."""

    without_service: dict[tuple[str, str | None], int]
    by_service: dict[str, dict[str, int]]
    roaming: dict[str, dict[str, int]]


class ServiceRulesOracle:
    """Roaming as it happens and per-service loss, part by part (see the module doc)."""

    def __init__(self, oracle: Oracle, catalogue: Catalogue) -> None:
        self.o = oracle
        params = catalogue.simulation
        self.services = dict(params.services.services) if params.services else {}
        roaming = params.roaming
        self.radio_down_only = bool(roaming and roaming.only_when_radio_down)
        self.share = roaming.spare_capacity_share if roaming else None
        document = oracle.model.document
        self.network = {o.id: o.hosted_by or o.id for o in document.operators}
        self.kinds = {a.id: a.kind for a in oracle.assets}

    def radio_down(self, part: Part, down: set[str], forced: set[str]) -> bool:
        """Whether the part's radio stops broadcasting: on a shared asset, its radio is
        down; on an unshared one, the asset is down by its own events or an entry it
        requires that is not its own operator's core is unsatisfied."""
        if not self.radio_down_only:
            return self.o._part_down(part, down)
        a = part.asset
        if len(set((a.operator, *a.shared_with))) > 1:
            return a.id in down
        if a.id in forced:
            return True
        own = self.network[part.operator]
        for entry in (_members(e) for e in a.requires):
            mine = all(self.o.core[m] and self.o.by_id[m].operator == own for m in entry)
            if not mine and all(m in down for m in entry):
                return True
        return False

    def network_up(self, operators: set[str], region: str | None, down: set[str]) -> bool:
        """Whether one of ``operators`` has a radio part in the region that is not down."""
        return any(
            not self.o._part_down(other, down)
            for operator in operators
            for other in self.o.network_of.get((operator, region), [])
        )

    def service_lost(self, operator: str, service: str, down: set[str]) -> bool:
        """Whether, for one pool of the service, every asset the operator's network runs
        of its kinds is down (a pool it runs nothing of does not count)."""
        own = self.network[operator]
        owner = next(x for x in self.o.model.document.operators if x.id == own)
        for pool in owner.service_needs.get(service, self.services[service].needs):
            members = [
                a.id for a in self.o.assets if a.operator == own and self.kinds[a.id] in pool
            ]
            if members and all(m in down for m in members):
                return True
        return False

    def people(self, down: set[str], forced: set[str]) -> PeopleCount:
        o = self.o
        Cell = tuple[str, str | None]  # noqa: N806
        down_people: dict[Cell, int] = {}  # radio parts down
        want: dict[Cell, int] = {}  # radio parts wanting to roam onto a live partner
        up_people: dict[Cell, int] = {}  # radio parts up
        total: dict[Cell, int] = {}  # radio parts
        wire_down: dict[Cell, int] = {}
        emergency: dict[Cell, tuple[int, int]] = {}  # (without another network, with)
        for a in o.assets:
            for part in o.parts[a.id]:
                cell = (part.operator, a.region)
                is_down = o._part_down(part, down)
                if not o.radio[a.id]:
                    if is_down:
                        wire_down[cell] = wire_down.get(cell, 0) + part.people
                    continue
                total[cell] = total.get(cell, 0) + part.people
                radio = self.radio_down(part, down, forced)
                if is_down:
                    down_people[cell] = down_people.get(cell, 0) + part.people
                else:
                    up_people[cell] = up_people.get(cell, 0) + part.people
                if a.region is not None and radio and o._roams(part, down):
                    want[cell] = want.get(cell, 0) + part.people
                others = {p for p in o.operators if self.network[p] != self.network[part.operator]}
                helped = a.region is not None and radio and self.network_up(others, a.region, down)
                alone_now = (radio and not helped) or (is_down and not radio)
                was = emergency.get(cell, (0, 0))
                emergency[cell] = (
                    was[0] + (part.people if alone_now else 0),
                    was[1] + (part.people if (radio and helped) else 0),
                )
        without: dict[Cell, int] = {}
        roaming: dict[Cell, tuple[int, int]] = {}
        for cell in set(total) | set(wire_down):
            operator, region = cell
            wanting = want.get(cell, 0)
            unserved = 0
            if self.share is not None and wanting:
                # the partners' capacity, shared by the network's operator and its MVNOs
                # in proportion to their roamers, rounded down
                offered = sum(up_people.get((p, region), 0) for p in o.roaming.get(operator, ()))
                capacity = math.floor(self.share * float(offered))
                network = self.network[operator]
                wanted = sum(
                    want.get((p, region), 0) for p in o.operators if self.network[p] == network
                )
                unserved = max(0, wanting - capacity * wanting // wanted)
            radio_lost = down_people.get(cell, 0) - wanting + unserved
            without[cell] = radio_lost + wire_down.get(cell, 0)
            roaming[cell] = (wanting - unserved, unserved)
        by_service: dict[str, dict[str, int]] = {}
        for service, rule in self.services.items():
            figures: dict[Cell, int] = {}
            for cell in set(total) | set(wire_down):
                operator, _ = cell
                lost = self.service_lost(operator, service, down)
                radio_lost = without[cell] - wire_down.get(cell, 0)
                alone, helped = emergency.get(cell, (0, 0))
                if rule.any_network:
                    value = total.get(cell, 0) - helped if lost else alone
                else:
                    value = total.get(cell, 0) if lost else radio_lost
                figures[cell] = value + (wire_down.get(cell, 0) if rule.wireline else 0)
            by_service[service] = self._levels(figures)
        roamed = self._levels({c: v[0] for c, v in roaming.items()})
        beyond = self._levels({c: v[1] for c, v in roaming.items()})
        return PeopleCount(
            without,
            by_service,
            {"people_roaming": roamed, "roamers_beyond_capacity": beyond},
        )

    def _levels(self, figures: dict[tuple[str, str | None], int]) -> dict[str, int]:
        """National, per operator and per region sums of per-cell figures (every operator
        and region present, zeros included)."""
        out = {"national": 0}
        out |= {f"op:{o}": 0 for o in self.o.operators}
        out |= {f"region:{r}": 0 for r in self.o.regions}
        for (operator, region), value in figures.items():
            out["national"] += value
            out[f"op:{operator}"] += value
            if region is not None:
                out[f"region:{region}"] += value
        return out
