"""The reference oracle: the simulation's semantics written as plainly as possible.

One trial at a time, with Python sets and dicts over asset objects (and networkx for the
transitive ``requires`` closure), straight from docs/simulation.md and issue 4. It shares
no code with the fast engine beyond the domain types, so that agreement between the two
means something. It is also the baseline of the speed benchmark.
"""

from __future__ import annotations

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


@dataclass
class OracleImpact:
    """What one trial did: national numbers, per operator, per region, services hit, and
    per service the number of its carrying assets down or compromised."""

    national: dict[str, int]
    by_operator: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]
    services: set[str] = field(default_factory=set)
    service_assets: dict[str, int] = field(default_factory=dict)


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
        self.roaming = {o.id: set(o.roaming) for o in model.document.operators}
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
        graph = nx.DiGraph()
        graph.add_nodes_from(a.id for a in self.assets)
        for a in self.assets:
            for entry in a.requires:
                for member in _members(entry):
                    graph.add_edge(a.id, member)
        self.closure = {a.id: nx.descendants(graph, a.id) for a in self.assets if self.radio[a.id]}
        self.radio_of: dict[tuple[str, str | None], list[str]] = {}
        for a in self.assets:
            if self.radio[a.id]:
                self.radio_of.setdefault((a.operator, a.region), []).append(a.id)

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
        # down flows along requires: an entry fails when all its members are down
        changed = True
        while changed:
            changed = False
            for a in self.assets:
                if a.id in down:
                    continue
                if any(all(m in down for m in _members(e)) for e in a.requires):
                    down.add(a.id)
                    changed = True
        return self._count(down, compromised)

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
            elif event.type is EventType.REGION_POWER:
                hours = event.hours or 0.0
                if a.region == event.target and self.autonomy[a.id] < hours:
                    down.add(a.id)

    def _count(self, down: set[str], compromised: set[str]) -> OracleImpact:
        zero = dict.fromkeys(FIELDS, 0)
        national = dict(zero)
        by_operator = {o: dict(zero) for o in self.operators}
        by_region = {r: dict(zero) for r in self.regions}
        services: set[str] = set()
        service_assets = {s: 0 for a in self.assets for s in a.critical_services}

        def add(a: Asset, name: str, value: int) -> None:
            national[name] += value
            by_operator[a.operator][name] += value
            if a.region is not None:
                by_region[a.region][name] += value

        for a in self.assets:
            if a.id in down:
                add(a, "assets_down", 1)
                add(a, "sites_down", a.sites)
                if self.radio[a.id] and not self._roams(a, down):
                    add(a, "people_without_service", a.population)
            if a.id in compromised:
                add(a, "assets_compromised", 1)
            if self.radio[a.id] and (
                a.id in compromised or any(b in compromised for b in self.closure[a.id])
            ):
                add(a, "subscribers_exposed", a.population)
            if a.id in down or a.id in compromised:
                services.update(a.critical_services)
                for service in set(a.critical_services):
                    service_assets[service] += 1
        return OracleImpact(national, by_operator, by_region, services, service_assets)

    def _roams(self, asset: Asset, down: set[str]) -> bool:
        """Whether the asset's operator has a roaming partner with a live radio asset in
        the asset's region."""
        if asset.region is None:
            return False
        partners = self.roaming.get(asset.operator, set())
        return any(
            b not in down
            for partner in partners
            for b in self.radio_of.get((partner, asset.region), [])
        )

    def trials(self, per_trial: Sequence[Sequence[Event]]) -> list[OracleImpact]:
        """The impact of each trial's events."""
        return [self.impact(events) for events in per_trial]


def _members(entry: str | AnyOf) -> tuple[str, ...]:
    return entry.any if isinstance(entry, AnyOf) else (entry,)
