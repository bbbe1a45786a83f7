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

import copy
import dataclasses
import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import AnyOf, Asset
from fiveguard.simulate.events import Event, EventType, Mode, events_of_trials

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
        self.power_area = self._power_areas(model, params.power_loss.area_population)
        self.autonomy = {
            a.id: (self._battery_prior(a.kind, catalogue) if a.battery_hours is None
                   else a.battery_hours) + extra[a.operator]
            for a in self.assets
        }  # fmt: skip
        self.core = {a.id: catalogue.asset_kinds[a.kind].domain is Domain.CORE for a in self.assets}
        subscribers = {o.id: o.people_subscribers for o in model.document.operators}
        self.sites = {a.id: a.sites for a in self.assets}
        self.failed: dict[str, int] = {}  # per trial: sites failed of rows that are up
        self.own_shares: dict[str, float] = {}  # per trial: those rows' shares without it
        self.capacity = {
            a.id: a.capacity if a.capacity is not None else catalogue.asset_kinds[a.kind].capacity
            for a in self.assets
        }
        self.storm_rule = params.storms
        self.host = {o.id: o.hosted_by or o.id for o in model.document.operators}
        self.parts: dict[str, list[Part]] = {}
        self.radio_entries: dict[str, list[tuple[str, ...]]] = {}
        for a in self.assets:
            self._split(a, subscribers)
        self._colocate()
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

    # ------------------------------------------------------------ power areas (invariance)

    @staticmethod
    def _battery_prior(kind: str, catalogue: Catalogue) -> float:
        """The battery taken when the model gives none: the catalogue's one value for all
        when it sets one, else the prior naming the domain of the kind, else (a kind the
        catalogue does not know) the shortest prior."""
        power = catalogue.simulation.power_loss
        if power.unknown_battery_hours is not None or not power.battery_priors:
            return power.unknown_battery_hours or 0.0
        if kind in catalogue.asset_kinds:
            domain = catalogue.asset_kinds[kind].domain
            for prior in power.battery_priors.values():
                if domain in prior.domains:
                    return prior.hours
        return min(prior.hours for prior in power.battery_priors.values())

    def _power_areas(self, model: NetworkModel, area_population: int | None) -> dict[str, int]:
        """Each asset's power area within its region, as docs/simulation.md says: a region
        of P residents has ceil(P / area_population) areas (at least one); its assets,
        ordered by CRC-32 of their id then by place in the model, are cut into that many
        runs of about equal people."""
        population = {r.id: r.population for r in model.document.regions}
        out = {a.id: 0 for a in self.assets}
        if area_population is None:
            return out
        for region, residents in population.items():
            areas = max(1, -(-residents // area_population))
            members = [(zlib.crc32(a.id.encode()), i, a) for i, a in enumerate(self.assets)
                       if a.region == region]  # fmt: skip
            members.sort(key=lambda m: (m[0], m[1]))
            people = [float(a.population) for _, _, a in members]
            if sum(people) <= 0:
                people = [1.0] * len(members)
            total, before = sum(people), 0.0
            for (_, _, a), weight in zip(members, people, strict=True):
                out[a.id] = min(areas - 1, math.floor(areas * before / total))
                before += weight
        return out

    def _split(self, a: Asset, subscribers: dict[str, int]) -> None:
        """The asset's served parts and the entries its radio needs."""
        entries = [_members(e) for e in a.requires]
        if not self.serves[a.id]:
            self.parts[a.id] = []
            self.radio_entries[a.id] = entries
            return
        network = list(dict.fromkeys((a.operator, *a.shared_with)))
        guests = self._guests(a, network)
        carried = network + [g for g, _ in guests]
        # after the network operators and their guests, the MVNOs each of them hosts,
        # riding on its part
        operators = carried + [m for o in carried for m in self.mvnos[o]]
        host = {m: o for o in carried for m in self.mvnos[o]}

        def whose(entry: tuple[str, ...]) -> str | None:
            owners = {self.by_id[m].operator for m in entry}
            if all(self.core[m] for m in entry) and len(owners) == 1:
                (owner,) = owners
                return owner if owner in network else None
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
            for guest, (on, needs) in guests:
                if guest == owner:  # the host's part, and what the agreement names
                    return core(on) + needs
            return tuple(e for e in entries if shared and whose(e) == owner)

        self.parts[a.id] = [Part(a, o, people[i], core(o)) for i, o in enumerate(operators)]
        self.radio_entries[a.id] = [e for e in entries if not shared or whose(e) is None]

    # ------------------------------------------------------------ radios on one site

    def _colocate(self) -> None:
        """Radio assets naming one ``site`` (two or more) share its people and sites: per
        part (operator), the site's people of that part (the split of the population
        every radio gives), who lose service only when that part is down on every radio
        of the site; the radios' own parts keep no people."""
        by_site: dict[str, list[Asset]] = {}
        for a in self.assets:
            if a.site is not None and self.radio[a.id]:
                by_site.setdefault(a.site, []).append(a)
        self.site_parts: dict[str, list[tuple[int, list[Part]]]] = {}
        self.colocated: set[str] = set()
        for site, radios in by_site.items():
            if len(radios) < 2:
                continue
            first = self.parts[radios[0].id]
            self.site_parts[site] = [
                (part.people, [self.parts[r.id][k] for r in radios]) for k, part in enumerate(first)
            ]
            for r in radios:
                self.colocated.add(r.id)
                self.parts[r.id] = [dataclasses.replace(p, people=0) for p in self.parts[r.id]]

    def _count_sites(
        self,
        down: set[str],
        compromised: set[str],
        add: Callable[[str, str | None, str, int], None],
        shares: dict[str, float] | None = None,
        storms: set[str] | None = None,
    ) -> None:
        """The people and sites of the sites of several radios; a part of the site that is
        up loses people in part as a pool of its rows on the radios (each radio's
        capacity its share of the site's load)."""
        for parts in self.site_parts.values():
            nobody = True
            for people, on_radios in parts:
                lost = all(self._part_down(p, down) for p in on_radios)
                part = on_radios[0]
                if not lost and shares is not None:
                    gone = site_partial_people(self, people, on_radios, shares, storms)
                    add(part.operator, part.asset.region, "people_without_service", gone)
                # its people without service are counted with roaming and services
                # (ServiceRulesOracle.people): the site stops broadcasting when it is lost
                if any(self._part_exposed(p, compromised) for p in on_radios):
                    add(part.operator, part.asset.region, "subscribers_exposed", people)
                nobody &= lost
            if nobody:
                first = parts[0][1][0].asset
                add(first.operator, first.region, "sites_down", first.sites)

    # ------------------------------------------------------------ national roaming

    def _guests(
        self, a: Asset, network: list[str]
    ) -> list[tuple[str, tuple[str, tuple[tuple[str, ...], ...]]]]:
        """The national roaming guests a radio asset serves, after its network operators:
        for each network operator in order, the operators whose customers in the asset's
        region it serves, in the model's order of operators and agreements; each with the
        host it rides on and the entries of the agreement (the guest's own needs). An
        operator sharing the asset is no guest on it: its customers there have their part."""
        if not self.radio[a.id] or a.region is None:
            return []
        out = []
        for host in network:
            for o in self.model.document.operators:
                for deal in o.national_roaming:
                    if deal.host == host and a.region in deal.regions and o.id not in network:
                        out.append((o.id, (host, tuple(_members(e) for e in deal.requires))))
        return out

    def _status(self, measure: str, operator: str) -> str:
        records = self.model.document.measures
        own = [r for r in records if r.measure == measure and r.operator == operator]
        national = [r for r in records if r.measure == measure and r.operator is None]
        chosen = own or national
        return chosen[-1].status.value if chosen else "not-started"

    # ------------------------------------------------------------------ one trial

    def impact(self, events: Iterable[Event]) -> OracleImpact:
        """The impact of ``events`` all happening in the same trial."""
        events = list(events)
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
        failed_sites = {e.target: e.sites or 0 for e in events
                        if e.type is EventType.SITE_FAILURES}  # fmt: skip
        own: dict[str, float] = {}
        shares = capacity_shares(self, down, failed_sites, own)
        # sites failed of rows that are up: the people of each failed site stop being
        # served by it (its radio is off the air, they roam as a site drawn alone would)
        self.failed = {
            a: k for a, k in failed_sites.items() if not self.radio_off(self.by_id[a], down, forced)
        }
        self.own_shares = own
        storm_forced = {self.host[e.target] for e in events if e.type is EventType.STORM}
        first = self._count(down, compromised, forced, shares, set())
        storms = storm_forced | storm_triggers(self, first, down)
        if not storms:
            return first
        return self._count(down, compromised, forced, shares, storms)

    def radio_off(self, a: Asset, down: set[str], forced: set[str]) -> bool:
        """Whether the radio asset ``a`` is off the air at every site: a shared one when it
        is down; an unshared one when down by its own events or by an entry it requires
        that is not its operator's core (a dead core behind it leaves it broadcasting)."""
        if len(set((a.operator, *a.shared_with))) > 1:
            return a.id in down
        if a.id in forced:
            return True
        own = self.host[a.operator]
        for entry in (_members(e) for e in a.requires):
            mine = all(self.core[m] and self.by_id[m].operator == own for m in entry)
            if not mine and all(m in down for m in entry):
                return True
        return False

    def failed_people(self, part: Part) -> int:
        """People of ``part`` on the failed sites of its row: ``floor(people x k / n + 0.5)``
        when ``k`` of the row's ``n`` sites failed (0 when none did, or the row is down)."""
        k = self.failed.get(part.asset.id, 0)
        if not k:
            return 0
        return math.floor(part.people * k / self.sites[part.asset.id] + 0.5)

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
                # reach of a version's fault: only the operators it reached (None: all)
                reached = event.operators is None or a.operator in event.operators
                if a.product == event.target and reached:
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
                in_area = event.area is None or self.power_area[a.id] == event.area
                if a.region == event.target and in_area and self.autonomy[a.id] < hours:
                    down.add(a.id)

    def _count(
        self,
        down: set[str],
        compromised: set[str],
        forced: set[str],
        shares: dict[str, float] | None = None,
        storms: set[str] | None = None,
    ) -> OracleImpact:
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
                add(a.operator, a.region, "sites_down", 0 if a.id in self.colocated else a.sites)
            elif a.id in self.failed and a.id not in self.colocated:  # the failed sites
                add(a.operator, a.region, "sites_down", self.failed[a.id])
            for part in parts:
                if not self._part_down(part, down) and shares is not None:
                    if a.id in self.failed:
                        # the failed sites' people are counted with roaming (below); the
                        # rest keep the part's share without the row's own lost sites
                        lost = partial_people(
                            self,
                            dataclasses.replace(
                                part, people=part.people - self.failed_people(part)
                            ),
                            {**shares, a.id: self.own_shares.get(a.id, shares[a.id])},
                            storms or set(),
                        )
                    else:
                        lost = partial_people(self, part, shares, storms or set())
                    add(part.operator, a.region, "people_without_service", lost)
                if self._part_exposed(part, compromised):
                    add(part.operator, a.region, "subscribers_exposed", part.people)
            if a.id in compromised:
                add(a.operator, a.region, "assets_compromised", 1)
            if is_down or a.id in compromised:
                services.update(a.critical_services)
                for service in set(a.critical_services):
                    service_assets[service] += 1
        self._count_sites(down, compromised, add, shares, storms or set())
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
        requires that is not the asset's operator's core is unsatisfied (for every part
        on it: its operator's, its MVNOs' and national roaming guests')."""
        if not self.radio_down_only:
            return self.o._part_down(part, down)
        a = part.asset
        if len(set((a.operator, *a.shared_with))) > 1:
            return a.id in down
        if a.id in forced:
            return True
        # the radio's operator's core, whoever the part is: a national roaming guest's
        # phones stay attached to the host's broadcasting radio when the host's core fails
        own = self.network[a.operator]
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
            for whole in o.parts[a.id]:
                cell = (whole.operator, a.region)
                if o.radio[a.id]:
                    total[cell] = total.get(cell, 0) + whole.people
                # the people of a row's failed sites: their radio is off the air and
                # their part down, as if each failed site were a row of its own
                failed = o.failed_people(whole)
                states = [(whole.people - failed, None), (failed, True)] if failed else [
                    (whole.people, None)]  # fmt: skip
                for people, site_failed in states:
                    part = dataclasses.replace(whole, people=people)
                    is_down = bool(site_failed) or o._part_down(part, down)
                    if not o.radio[a.id]:
                        if is_down:
                            wire_down[cell] = wire_down.get(cell, 0) + part.people
                        continue
                    radio = bool(site_failed) or self.radio_down(part, down, forced)
                    if is_down:
                        down_people[cell] = down_people.get(cell, 0) + part.people
                    else:
                        up_people[cell] = up_people.get(cell, 0) + part.people
                    if a.region is not None and radio and o._roams(part, down):
                        want[cell] = want.get(cell, 0) + part.people
                    others = {
                        p for p in o.operators if self.network[p] != self.network[part.operator]
                    }
                    helped = (
                        a.region is not None and radio and self.network_up(others, a.region, down)
                    )
                    alone_now = (radio and not helped) or (is_down and not radio)
                    was = emergency.get(cell, (0, 0))
                    emergency[cell] = (
                        was[0] + (part.people if alone_now else 0),
                        was[1] + (part.people if (radio and helped) else 0),
                    )
        # the sites of several radios: a part of the site is down, and its radio off the
        # air, when that part is down on every radio of the site
        for site_parts in getattr(o, "site_parts", {}).values():
            for people, on_radios in site_parts:
                part = on_radios[0]
                region = part.asset.region
                cell = (part.operator, region)
                is_down = all(o._part_down(p, down) for p in on_radios)
                total[cell] = total.get(cell, 0) + people
                if is_down:
                    down_people[cell] = down_people.get(cell, 0) + people
                else:
                    up_people[cell] = up_people.get(cell, 0) + people
                if region is not None and is_down and o._roams(part, down):
                    want[cell] = want.get(cell, 0) + people
                others = {p for p in o.operators if self.network[p] != self.network[part.operator]}
                helped = region is not None and is_down and self.network_up(others, region, down)
                was = emergency.get(cell, (0, 0))
                emergency[cell] = (
                    was[0] + (people if is_down and not helped else 0),
                    was[1] + (people if helped else 0),
                )
        without: dict[Cell, int] = {}
        roaming: dict[Cell, tuple[int, int]] = {}
        served = self.roamers_served(want, up_people)
        for cell in set(total) | set(wire_down):
            wanting = want.get(cell, 0)
            unserved = wanting - served.get(cell, wanting)
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

    def roamers_served(
        self, want: dict[tuple[str, str | None], int], up: dict[tuple[str, str | None], int]
    ) -> dict[tuple[str, str | None], int]:
        """Per cell wanting to roam, its roamers served: each partner's spare capacity in
        the region (a share of its own customers served there, rounded down) is one
        budget, granted to the operators roaming onto it in proportion to their roamers
        (rounded down); an operator's roamers served are its grants, at most its roamers."""
        if self.share is None:
            return dict(want)
        out = {}
        for (operator, region), wanting in want.items():
            granted = 0
            for partner in self.o.roaming.get(operator, ()):
                budget = math.floor(self.share * float(up.get((partner, region), 0)))
                demand = sum(
                    want.get((other, region), 0)
                    for other in self.o.operators
                    if partner in self.o.roaming.get(other, ())
                )
                if demand:
                    granted += budget * wanting // demand
            out[(operator, region)] = min(wanting, granted)
        return out

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


# ---------------------------------------------------------------------------- time
# Durations, user-hours and reporting thresholds in the Monte Carlo, written plainly: every
# sampled event is an incident on its own, with its own people (the oracle's impact of the
# event alone), its drawn duration and the catalogue's extensions.


@dataclass
class OracleTime:
    """One trial's incidents added up."""

    user_hours: float
    by_operator: dict[str, float]
    by_region: dict[str, float]
    longest_hours: float
    worst_hours: float
    incidents: int
    reports: dict[str, int]


def timed_events_of_trials(
    timed: Any, compiled: Any, asset_ids: Sequence[str]
) -> list[list[tuple[Event, str, float]]]:
    """Per trial, each sampled event with its kind and its normal (a power loss: its hours).

    The events are :func:`events_of_trials`' own (so whatever they carry, the oracle
    sees); it lists a trial's events kind by kind in the arrays' order, and so does this.
    Every ``down_*`` row is a misconfiguration here, even one of a pushed change's assets
    (:func:`timed_incidents_of_trials` puts those together).
    """
    sampled = timed.events
    per_trial = events_of_trials(sampled, compiled, asset_ids)
    labels: list[list[tuple[str, float]]] = [[] for _ in range(sampled.trials)]
    for trials, kind, normals in (
        (sampled.update_trial, "supplier-update", timed.update_z),
        (sampled.fault_trial, "product-fault", timed.fault_z),
        (
            sampled.supplier_fault_trial,
            "supplier-fault",
            np.zeros(sampled.supplier_fault_trial.size),
        ),
        (sampled.power_trial, "region-power", sampled.power_hours),
        (sampled.down_trial, "misconfiguration", timed.down_z),
        (sampled.failure_trial, "asset-failure", timed.failure_z),
    ):
        for t, z in zip(trials.tolist(), normals.tolist(), strict=True):
            labels[t].append((kind, float(z)))
    return [
        [(event, kind, z) for event, (kind, z) in zip(events, marks, strict=True)]
        for events, marks in zip(per_trial, labels, strict=True)
    ]


DOWN_CAUSES = ("misconfiguration", "change-push", "limit-reached")
"""The kind of a ``down_*`` row by its cause code (0, 1, 2), as the sampler numbers them."""


def timed_incidents_of_trials(
    timed: Any, compiled: Any, asset_ids: Sequence[str]
) -> list[list[tuple[list[Event], str, float]]]:
    """Per trial, each sampled incident: the events it is made of, its kind and its
    normal (a power loss: its hours). A misconfiguration, a power loss, a failure… is one
    event; a pushed change or a limit reached is the ``asset-down`` of every asset it
    took, all together, of kind ``change-push`` or ``limit-reached``, with the normal of
    its first asset's row."""
    per_row = timed_events_of_trials(timed, compiled, asset_ids)
    sampled = timed.events
    # which down row of each trial each event is, to find its cause and its event number
    down_rows: list[list[int]] = [[] for _ in range(sampled.trials)]
    for row, t in enumerate(sampled.down_trial.tolist()):
        down_rows[t].append(row)
    out: list[list[tuple[list[Event], str, float]]] = []
    for t, events in enumerate(per_row):
        incidents: list[tuple[list[Event], str, float]] = []
        seen: dict[int, int] = {}  # event number -> its place in incidents
        rows = iter(down_rows[t])
        for event, kind, z in events:
            if kind != "misconfiguration":
                incidents.append(([event], kind, z))
                continue
            row = next(rows)
            number = int(timed.down_event[row]) if timed.down_event is not None else row
            cause = int(timed.down_cause[row]) if timed.down_cause is not None else 0
            if number in seen:
                incidents[seen[number]][0].append(event)
            else:
                seen[number] = len(incidents)
                incidents.append(([event], DOWN_CAUSES[cause], z))
        out.append(incidents)
    return out


def oracle_forced(oracle: Oracle, events: Iterable[Event]) -> set[str]:
    """The assets the events take down themselves, before ``requires`` spreads it."""
    compromised: set[str] = set()
    sabotaged: set[str] = set()
    down: set[str] = set()
    for event in events:
        oracle._apply(event, compromised, sabotaged, down)
    changed = True
    while changed:
        changed = False
        for a in oracle.assets:
            if a.managed_by in sabotaged and a.id not in sabotaged:
                sabotaged.add(a.id)
                changed = True
    return down | sabotaged


def oracle_down(oracle: Oracle, events: Iterable[Event]) -> set[str]:
    """The assets down when ``events`` happen together (as :meth:`Oracle.impact` finds them)."""
    events = list(events)
    down = oracle_forced(oracle, events)
    changed = True
    while changed:
        changed = False
        for a in oracle.assets:
            if a.id not in down and any(
                all(m in down for m in e) for e in oracle.radio_entries[a.id]
            ):
                down.add(a.id)
                changed = True
    return down


def oracle_reportable(condition_list: Any, people: int, users: int, hours: float) -> bool:
    """Whether ``people`` of ``users`` for ``hours`` meet one of the conditions."""
    if people <= 0:
        return False
    for c in condition_list:
        if hours < c.min_hours:
            continue
        if c.min_users is not None and people >= c.min_users:
            return True
        if c.min_share is not None and users > 0 and people > c.min_share * users:
            return True
    return False


def oracle_time(
    oracle: Oracle,
    catalogue: Catalogue,
    per_trial: Sequence[Sequence[tuple[Event | list[Event], str, float]]],
    storm_hours: Sequence[float] | None = None,
) -> list[OracleTime]:
    """Per trial: every incident (one event, or the events of a pushed change or a limit
    reached, together) is counted alone; its hours are the power loss's own, or
    the median times exp(sigma × its normal), plus site access for the kinds that need it
    and the management extension when a mgmt.* asset is down. When the incident alone
    starts a storm, it lasts the storm's recovery hours more: the people its events leave
    without service with no storm count for all its hours, the rest of its people (the
    storm's) for the recovery hours only. A trial's ``storm_hours`` go to its largest
    incident (the longest of the largest: which one does not matter then), everyone in
    it without service for them too."""
    params = catalogue.simulation.incident_time
    assert params is not None
    rule = catalogue.simulation.storms
    calm = copy.copy(oracle)
    calm.storm_rule = None  # the same network, without the storm rule
    access = params.extensions.site_access
    management = params.extensions.management_down
    users = {o.id: o.people_subscribers for o in oracle.model.document.operators}
    national_users = sum(users.values())
    out = []
    for t, events in enumerate(per_trial):
        incidents = []
        for event, kind, z in events:
            together = event if isinstance(event, list) else [event]
            if kind == "region-power":
                hours = z
            else:
                time = params.restoration[kind]
                hours = time.median_hours * math.exp(time.sigma * z)
            if access is not None and kind in access.kinds:
                hours += access.hours
            if management is not None and any(
                oracle.by_id[a].kind.startswith("mgmt.") for a in oracle_down(oracle, together)
            ):
                hours += management.hours
            storm = rule.recovery_hours if rule and oracle_storms(oracle, together) else 0.0
            own = calm.impact(together)
            lost = "people_without_service"
            drawn = hours  # the event's own people count for these hours (a power loss: below)
            own_hours = OracleTime(
                own.national[lost] * drawn,
                {o: own.by_operator[o][lost] * drawn for o in oracle.operators},
                {r: own.by_region[r][lost] * drawn for r in oracle.regions},
                0.0, 0.0, 0, {},
            )  # fmt: skip
            if kind == "region-power":
                own_hours = power_user_hours(calm, together[0], hours - z)
            incidents.append([oracle.impact(together), hours + storm, own_hours, storm])
        if storm_hours is not None and incidents:
            largest = max(
                range(len(incidents)),
                key=lambda i: (incidents[i][0].national["people_without_service"], incidents[i][1]),
            )
            incidents[largest][1] += storm_hours[t]
            incidents[largest][3] += storm_hours[t]  # everyone in it counts for these hours
        result = OracleTime(
            0.0,
            dict.fromkeys(oracle.operators, 0.0),
            dict.fromkeys(oracle.regions, 0.0),
            0.0,
            0.0,
            0,
            {},
        )
        for threshold in params.reporting_thresholds:
            result.reports[threshold.id] = 0
        worst = max(
            incidents, key=lambda i: (i[0].national["people_without_service"], i[1]), default=None
        )
        if worst is not None and worst[0].national["people_without_service"] > 0:
            result.worst_hours = worst[1]
        for impact, hours, own, everyone in incidents:
            people = impact.national["people_without_service"]
            lost = "people_without_service"
            # the event's own people for their hours; everyone for the storm's (and for
            # the trial's storm hours)
            result.user_hours += own.user_hours + people * everyone
            for o in oracle.operators:
                result.by_operator[o] += own.by_operator[o] + impact.by_operator[o][lost] * everyone
            for r in oracle.regions:
                result.by_region[r] += own.by_region[r] + impact.by_region[r][lost] * everyone
            if people > 0:
                result.incidents += 1
                result.longest_hours = max(result.longest_hours, hours)
            for threshold in params.reporting_thresholds:
                if threshold.per == "national":
                    result.reports[threshold.id] += oracle_reportable(
                        threshold.conditions, people, national_users, hours
                    )
                else:
                    for o in oracle.operators:
                        mine = impact.by_operator[o]["people_without_service"]
                        result.reports[threshold.id] += oracle_reportable(
                            threshold.conditions, mine, users[o], hours
                        )
        out.append(result)
    return out


def power_user_hours(oracle: Oracle, event: Event, extensions: float) -> OracleTime:
    """User-hours of a power loss alone (``oracle`` without storm rule): an asset is down
    once its batteries run out, so between one autonomy of the area and the next (or
    power's return) the people of what is down then count; after power returns, the
    ``extensions`` hours count everyone the whole loss took."""
    hours = event.hours or 0.0
    levels = sorted(
        {
            oracle.autonomy[a.id]
            for a in oracle.assets
            if a.region == event.target
            and (event.area is None or oracle.power_area[a.id] == event.area)
            and oracle.autonomy[a.id] < hours
        }
    )
    lost = "people_without_service"
    out = OracleTime(
        0.0, dict.fromkeys(oracle.operators, 0.0), dict.fromkeys(oracle.regions, 0.0),
        0.0, 0.0, 0, {},
    )  # fmt: skip
    ends = [*levels[1:], hours] if levels else []
    pieces = [(e, e - start) for start, e in zip(levels, ends, strict=True)]
    pieces.append((hours, extensions))  # the whole loss's people, for the extensions
    for until, length in pieces:
        # a loss lasting ``until`` takes down what has less autonomy: up to ``start``
        state = oracle.impact([dataclasses.replace(event, hours=until)])
        out.user_hours += state.national[lost] * length
        for o in oracle.operators:
            out.by_operator[o] += state.by_operator[o][lost] * length
        for r in oracle.regions:
            out.by_region[r] += state.by_region[r][lost] * length
    return out


# ---------------------------------------------------------------------------- capacity
# Pools with capacity and partial service (docs/simulation.md, "Capacity and partial
# service"): a served share per asset, written from the rule as plainly as possible.


def capacity_shares(
    oracle: Oracle,
    down: set[str],
    failed_sites: dict[str, int] | None = None,
    own: dict[str, float] | None = None,
) -> dict[str, float]:
    """Each asset's served share: 0 when down; else the product, in the order written, of
    its radio entries' shares (:func:`entry_share`), times the share of its sites left
    when ``failed_sites`` says k of its n sites failed: (n - k) / n (what requires the row
    sees). ``own``, when given, gets each such row's share before that factor: what its
    own sites that did not fail carry."""
    failed_sites = failed_sites or {}
    shares: dict[str, float] = {}
    remaining = [a.id for a in oracle.assets]
    while remaining:  # an asset's share once its entries' members have theirs (a DAG)
        waiting = []
        for asset_id in remaining:
            entries = oracle.radio_entries[asset_id]
            if any(m not in shares for e in entries for m in e):
                waiting.append(asset_id)
                continue
            value = (
                0.0
                if asset_id in down
                else product(entry_share(oracle, e, shares) for e in entries)
            )
            if asset_id in failed_sites and asset_id not in down:
                if own is not None:
                    own[asset_id] = value
                n = oracle.sites[asset_id]
                value = value * ((n - failed_sites[asset_id]) / n)
            shares[asset_id] = value
        remaining = waiting
    return shares


def product(values: Iterable[float]) -> float:
    """The product of ``values`` in order (1 when there are none)."""
    out: float | None = None
    for v in values:
        out = v if out is None else out * v
    return 1.0 if out is None else out


def entry_share(oracle: Oracle, entry: tuple[str, ...], shares: dict[str, float]) -> float:
    """A plain entry's share is its member's; an ``any:`` group of several members carries
    ``min(1, sum of capacity x share)``, summed in member order."""
    if len(set(entry)) == 1:
        return shares[entry[0]]
    total: float | None = None
    for member in entry:
        term = oracle.capacity[member] * shares[member]
        total = term if total is None else total + term
    return min(1.0, total or 0.0)


def part_share(oracle: Oracle, part: Part, shares: dict[str, float]) -> float:
    """A served part's share: its operator's core entries' shares (in order), then times
    the radio's."""
    return product([*(entry_share(oracle, e, shares) for e in part.core), shares[part.asset.id]])


def partial_people(oracle: Oracle, part: Part, shares: dict[str, float], storms: set[str]) -> int:
    """People of a part that is up who lose service: ``floor(people x (1 - s) + 0.5)``,
    ``s`` its share, times ``1 - customer_share`` when its network's operator storms."""
    s = part_share(oracle, part, shares)
    if oracle.host[part.operator] in storms and oracle.storm_rule is not None:
        s = s * (1.0 - oracle.storm_rule.customer_share)
    return math.floor(part.people * (1.0 - s) + 0.5)


def site_partial_people(
    oracle: Oracle,
    people: int,
    on_radios: list[Part],
    shares: dict[str, float],
    storms: set[str] | None,
) -> int:
    """People of a part of a site of several radios, up on one radio at least, who lose
    service: the site's part carries ``min(1, sum of capacity x share)`` over the part on
    each radio (in the order the radios are written), as an ``any:`` pool of them; then
    as :func:`partial_people`."""
    total: float | None = None
    for part in on_radios:
        term = oracle.capacity[part.asset.id] * part_share(oracle, part, shares)
        total = term if total is None else total + term
    s = min(1.0, total or 0.0)
    operator = on_radios[0].operator
    if storms and oracle.host[operator] in storms and oracle.storm_rule is not None:
        s = s * (1.0 - oracle.storm_rule.customer_share)
    return math.floor(people * (1.0 - s) + 0.5)


# ---------------------------------------------------------------------------- storms


def storm_triggers(oracle: Oracle, first: OracleImpact, down: set[str]) -> set[str]:
    """Operators whose storm the catalogue's rule starts: ``trigger_share`` of the customers
    on their network (their own and their MVNOs') without service, or one of their
    assets of a ``trigger_kinds`` kind down."""
    rule = oracle.storm_rule
    if rule is None:
        return set()
    out: set[str] = set()
    for operator in oracle.operators:
        customers = sum(
            part.people
            for parts in oracle.parts.values()
            for part in parts
            if oracle.host[part.operator] == operator
        ) + sum(  # the people of sites of several radios are customers too
            people
            for parts in oracle.site_parts.values()
            for people, on_radios in parts
            if oracle.host[on_radios[0].operator] == operator
        )
        lost = sum(
            first.by_operator[o]["people_without_service"]
            for o in oracle.operators
            if oracle.host[o] == operator
        )
        if (
            rule.trigger_share is not None
            and customers > 0
            and lost >= rule.trigger_share * customers
        ):
            out.add(operator)
    for a in oracle.assets:
        if a.id in down and a.kind in rule.trigger_kinds:
            out.add(a.operator)
    return out


def oracle_storms(oracle: Oracle, events: Sequence[Event]) -> set[str]:
    """The operators with a storm when ``events`` happen together, as
    :meth:`Oracle.impact` finds them: forced ones (an MVNO's is its host's) and those the
    rule starts from the people lost before any storm."""
    down = oracle_down(oracle, events)
    forced_down = oracle_forced(oracle, events)
    first = oracle._count(down, set(), forced_down, capacity_shares(oracle, down), set())
    forced = {oracle.host[e.target] for e in events if e.type is EventType.STORM}
    return forced | storm_triggers(oracle, first, down)


def oracle_storm_hours(
    oracle: Oracle, catalogue: Catalogue, per_trial: Sequence[Sequence[Event]]
) -> list[float]:
    """Per trial, the storm rule's recovery hours when any operator had a storm, else 0
    (what the Monte Carlo adds to the trial's largest incident)."""
    rule = catalogue.simulation.storms
    assert rule is not None
    return [rule.recovery_hours if oracle_storms(oracle, events) else 0.0 for events in per_trial]
