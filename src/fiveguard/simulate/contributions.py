"""The contribution of each event source: its annual probability and what it does.

For every source the ways it can play out (*variants*) are enumerated with their shares:
a supplier update by mode and by the operators it reaches, a misconfiguration by target,
a power loss by the interval of autonomies its duration falls in. All variants run as
one batch of deterministic scenarios. Per-asset failures are grouped by domain and
operator; an asset that shares its class with others has, by construction, nothing
depending on it, so its own impact is computed in closed form, the others as scenarios.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.graph import row_of_entry
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.areas import area_label
from fiveguard.simulate.compile import CompiledNetwork, colocated_radios, radio_kinds
from fiveguard.simulate.events import Event, EventType, Mode
from fiveguard.simulate.measures import OperatorEffects
from fiveguard.simulate.metrics import IMPACT_FIELDS
from fiveguard.simulate.results import Counts, EventSourceResult, Step, Variant
from fiveguard.simulate.sharing import agreements
from fiveguard.simulate.sources import EventSources, asset_domains, failure_steps
from fiveguard.simulate.whatif import counts, scenario_impacts

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
MAX_ENUMERATED_OPERATORS = 8
"""Beyond this many operators running a supplier's products, an update's variants are
limited to reaching all of them (2**8 reach combinations per mode at most)."""


@dataclass
class _Source:
    source: str
    kind: str
    probability: float
    steps: tuple[Step, ...]
    variants: list[tuple[str, float, list[Event]]] = field(default_factory=list)
    hours: list[float] = field(default_factory=list)
    """Per variant, its mean duration (power losses only; others take the catalogue's
    restoration time of their kind)."""


def source_results(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    sources: EventSources,
    effects: OperatorEffects,
) -> list[EventSourceResult]:
    """Every event source of ``sources`` with its variants' what-if impacts."""
    plans = [
        *_update_sources(compiled, sources),
        *_fault_sources(compiled, sources),
        *_misconfiguration_sources(model, compiled, sources),
        *_power_sources(compiled, sources),
    ]
    scenarios = [events for plan in plans for _, _, events in plan.variants]
    failures = _FailureGroups(model, catalogue, compiled, sources, effects)
    scenarios += [[Event(EventType.ASSET_DOWN, name)] for name in failures.scenario_assets]
    impacts = scenario_impacts(model, compiled, scenarios).national
    results: list[EventSourceResult] = []
    row = 0
    for plan in plans:
        rows = impacts[row : row + len(plan.variants)]
        row += len(plan.variants)
        variants = tuple(
            Variant(label=label, share=share, impact=counts(values.tolist()))
            for (label, share, _), values in zip(plan.variants, rows, strict=True)
        )
        hours: list[float | None] = [*plan.hours] or [_restoration(catalogue, plan.kind)] * len(
            variants
        )
        results.append(_result(plan, variants, hours))
    results += failures.results(impacts[row:])
    return results


def _restoration(catalogue: Catalogue, kind: str) -> float | None:
    """The catalogue's median restoration time for events of ``kind``, if it gives one."""
    time = catalogue.simulation.incident_time
    found = time.restoration.get(kind) if time is not None else None
    return found.median_hours if found is not None else None


def _result(
    plan: _Source, variants: tuple[Variant, ...], hours: Sequence[float | None] = ()
) -> EventSourceResult:
    worst = max(
        variants,
        key=lambda v: (v.impact.people_without_service, v.impact.subscribers_exposed),
        default=None,
    )
    return EventSourceResult(
        source=plan.source,
        kind=plan.kind,
        annual_probability=plan.probability,
        derivation=plan.steps,
        impact=worst.impact if worst is not None else counts([0] * len(IMPACT_FIELDS)),
        variants=variants,
        expected_people_without_service=plan.probability
        * sum(v.share * v.impact.people_without_service for v in variants),
        expected_subscribers_exposed=plan.probability
        * sum(v.share * v.impact.subscribers_exposed for v in variants),
        expected_user_hours=None
        if any(h is None for h in hours) or len(hours) != len(variants)
        else plan.probability
        * sum(v.share * v.impact.people_without_service * (h or 0.0)
              for v, h in zip(variants, hours, strict=True)),
    )  # fmt: skip


def _steps(derivation: Sequence[object]) -> tuple[Step, ...]:
    return tuple(
        Step(parameter=s.parameter, value=s.value, note=s.note)  # type: ignore[attr-defined]
        for s in derivation
    )


# ---------------------------------------------------------------------------- sources


def _update_sources(compiled: CompiledNetwork, sources: EventSources) -> list[_Source]:
    out = []
    share = sources.sabotage_share
    for s, supplier in enumerate(compiled.suppliers):
        running = np.unique(compiled.class_operator[compiled.class_supplier == s]).tolist()
        plan = _Source(
            f"{EventType.SUPPLIER_UPDATE.value}:{supplier}",
            EventType.SUPPLIER_UPDATE.value,
            float(sources.update_probability[s]),
            _steps(sources.update_steps[s]),
        )
        if len(running) > MAX_ENUMERATED_OPERATORS:
            reaches = [(tuple(compiled.operators[o] for o in running), 1.0)]
            plan.steps += (
                Step(
                    parameter="variants",
                    value="full reach only",
                    note=f"{len(running)} operators run its products; reach combinations "
                    "are not enumerated beyond 8, so each mode is shown reaching all",
                ),
            )
        else:
            reaches = []
            for mask in itertools.product((True, False), repeat=len(running)):
                chance = math.prod(
                    float(sources.update_reach[o]) if on else 1.0 - float(sources.update_reach[o])
                    for o, on in zip(running, mask, strict=True)
                )
                if chance > 0:
                    reached = tuple(
                        compiled.operators[o] for o, on in zip(running, mask, strict=True) if on
                    )
                    reaches.append((reached, chance))
        for mode, mode_share in ((Mode.SABOTAGE, share), (Mode.ESPIONAGE, 1.0 - share)):
            for reached, chance in reaches:
                if mode_share * chance > 0:
                    label = f"{mode.value}, reaching " + (", ".join(reached) or "no operator")
                    event = Event(EventType.SUPPLIER_UPDATE, supplier, mode=mode, operators=reached)
                    plan.variants.append((label, mode_share * chance, [event]))
        out.append(plan)
    return out


def _fault_sources(compiled: CompiledNetwork, sources: EventSources) -> list[_Source]:
    """One source per release (the versions sharing a stream key fault as one event),
    reaching each operator running it with the catalogue's reach."""
    releases: dict[str, list[int]] = {}
    for v, key in enumerate(sources.keys.versions):
        releases.setdefault(key, []).append(v)
    out = []
    reach = sources.fault_reach
    for members in releases.values():
        first = members[0]
        names = [compiled.versions[v] for v in members]
        label = (
            "every asset on the version"
            if len(members) == 1
            else f"every asset on the {len(members)} versions of the release"
        )
        plan = _Source(
            f"{EventType.PRODUCT_FAULT.value}:{'+'.join(names)}",
            EventType.PRODUCT_FAULT.value,
            float(sources.fault_probability[first]),
            _steps(sources.fault_steps[first]),
        )
        running = np.unique(
            compiled.class_operator[np.isin(compiled.class_version, members)]
        ).tolist()
        if reach >= 1.0 or len(running) > MAX_ENUMERATED_OPERATORS:
            plan.variants.append(
                (label, 1.0, [Event(EventType.PRODUCT_FAULT, name) for name in names])
            )
            if reach < 1.0:
                plan.steps += (
                    Step(
                        parameter="variants",
                        value="full reach only",
                        note=f"{len(running)} operators run the release; reach combinations "
                        "are not enumerated beyond 8, so the fault is shown reaching all",
                    ),
                )
            out.append(plan)
            continue
        for mask in itertools.product((True, False), repeat=len(running)):
            hits = sum(mask)
            chance = reach**hits * (1.0 - reach) ** (len(running) - hits)
            if chance > 0:
                reached = tuple(
                    compiled.operators[o] for o, on in zip(running, mask, strict=True) if on
                )
                text = "reaching " + (", ".join(reached) or "no operator")
                events = [Event(EventType.PRODUCT_FAULT, name, operators=reached) for name in names]
                plan.variants.append((text, chance, events))
        out.append(plan)
    return out


def _misconfiguration_sources(
    model: NetworkModel, compiled: CompiledNetwork, sources: EventSources
) -> list[_Source]:
    out = []
    ptr = sources.misconfiguration_ptr
    for k, operator in enumerate(compiled.operators):
        targets = sources.misconfiguration_targets[ptr[k] : ptr[k + 1]].tolist()
        if not targets:
            continue
        names = [str(model.table.ids[a]) for a in targets]
        out.append(
            _Source(
                f"misconfiguration:{operator}",
                "misconfiguration",
                float(sources.misconfiguration_probability[k]),
                _steps(sources.misconfiguration_steps[k]),
                [(name, 1.0 / len(names), [Event(EventType.ASSET_DOWN, name)]) for name in names],
            )
        )
    return out


def _lognormal_cdf(hours: float, median: float, sigma: float) -> float:
    if hours <= 0:
        return 0.0
    if math.isinf(hours):
        return 1.0
    if sigma == 0:
        return 1.0 if hours >= median else 0.0
    return 0.5 * (1.0 + math.erf(math.log(hours / median) / (sigma * math.sqrt(2.0))))


def _lognormal_mean_within(low: float, high: float, median: float, sigma: float) -> float:
    """E[D; low < D <= high] for D log-normal (``median``, ``sigma``): the partial
    expectation exp(mu + sigma²/2) (Φ(b) - Φ(a)), a and b the bounds' log-distances from
    mu + sigma², in units of sigma."""
    if sigma == 0:
        return median if low < median <= high else 0.0
    mu = math.log(median)
    scale = math.exp(mu + sigma * sigma / 2.0)

    def phi(hours: float) -> float:
        if hours <= 0:
            return 0.0
        if math.isinf(hours):
            return 1.0
        z = (math.log(hours) - mu - sigma * sigma) / sigma
        return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))

    return scale * (phi(high) - phi(low))


def _power_sources(compiled: CompiledNetwork, sources: EventSources) -> list[_Source]:
    """One source per power area, by the interval of autonomies its duration falls in."""
    out = []
    median, sigma = sources.power_median_hours, sources.power_sigma
    counts = np.diff(compiled.area_ptr)
    for a, r in enumerate(compiled.area_region.tolist()):
        region = compiled.regions[r]
        within = a - int(compiled.area_ptr[r])
        area = None if counts[r] == 1 else within
        autonomies = compiled.power_hours[compiled.power_ptr[a] : compiled.power_ptr[a + 1]]
        edges = [0.0, *autonomies.tolist(), math.inf]
        plan = _Source(
            f"{EventType.REGION_POWER.value}:{area_label(region, within, int(counts[r]))}",
            EventType.REGION_POWER.value,
            float(sources.power_probability[a]),
            _steps(sources.power_steps[a]),
        )
        for low, high in itertools.pairwise(edges):
            share = _lognormal_cdf(high, median, sigma) - _lognormal_cdf(low, median, sigma)
            if share <= 0:
                continue
            hours = high if math.isfinite(high) else low + 1.0
            label = f"over {low:g} h" if math.isinf(high) else f"{low:g}–{high:g} h"
            plan.variants.append(
                (label, share, [Event(EventType.REGION_POWER, region, hours=hours, area=area)])
            )
            plan.hours.append(_lognormal_mean_within(low, high, median, sigma) / share)
        out.append(plan)
    return out


def _spare_radios(model: NetworkModel, catalogue: Catalogue) -> BoolArray:
    """Radio assets on a site with another radio that no asset or national roaming guest
    needs: each is a class alone, but failing alone it costs only itself (the site's
    other radios serve its people), as its leaf numbers say; no what-if is needed."""
    t = model.table
    spare = np.zeros(len(t), dtype=bool)
    spare[colocated_radios(t, radio_kinds(t, catalogue))] = True
    spare[t.members] = False
    spare[t.managed_by[t.managed_by >= 0]] = False
    for deal in agreements(model):
        for entry in deal.requires:
            spare[list(entry)] = False
    return spare


class _FailureGroups:
    """Independent asset failures, grouped by the domain of the kind and the operator."""

    def __init__(
        self,
        model: NetworkModel,
        catalogue: Catalogue,
        compiled: CompiledNetwork,
        sources: EventSources,
        effects: OperatorEffects,
    ) -> None:
        domains = asset_domains(model, catalogue)
        domain_ids = {d: i for i, d in enumerate(sorted({d for d in domains if d}))}
        code = np.asarray([domain_ids.get(d, -1) if d else -1 for d in domains] + [-1])
        self.domain = code[model.table.kind]
        self.names = [d for d in sorted(domain_ids)]
        self.model, self.catalogue, self.compiled = model, catalogue, compiled
        self.sources, self.effects = sources, effects
        p = sources.failure_probability
        alone = compiled.class_size[compiled.asset_class] == 1
        self.scenario = np.flatnonzero((p > 0) & alone & ~_spare_radios(model, catalogue))
        self.scenario_assets = [str(model.table.ids[a]) for a in self.scenario]
        self.leaf_people = self._leaf_people()

    def _leaf_people(self) -> IntArray:
        """People losing service when each asset alone fails (for assets sharing a class):
        the people of each part it serves whose operator has no roaming partner serving
        the region (all of them for wireline access, which never roams). The asset's class
        has other assets, which serve the same operators in the same region, so a partner
        serving the region still does without it."""
        c = self.compiled
        k, r = len(c.operators), len(c.regions)
        rows = c.serving_order  # roaming rows with a region, by operator and region
        cells = np.zeros(k * r, dtype=bool)
        cells[c.class_operator[rows] * r + c.class_region[rows]] = True
        serving = cells.reshape(k, r)
        owner = row_of_entry(c.asset_part_ptr)  # each part of each asset
        slot = np.arange(owner.size, dtype=np.int64) - c.asset_part_ptr[owner]
        cls = c.asset_class[owner]
        part_row = c.class_part_rows[c.class_part_ptr[cls] + slot]
        operator = c.class_operator[part_row]
        region = np.where(c.class_roams[part_row], c.class_region[cls], -1)  # wireline: none
        covered = np.zeros(owner.size, dtype=bool)
        for o in range(k):
            mine = (operator == o) & (region >= 0)
            for p in np.flatnonzero(c.partners[o]).tolist():
                covered |= mine & serving[p, np.maximum(region, 0)]
        lost = np.where(covered, 0, c.asset_part_people)
        return np.rint(np.bincount(owner, weights=lost, minlength=c.n_assets)).astype(np.int64)

    def results(self, scenario_rows: npt.NDArray[np.int64]) -> list[EventSourceResult]:
        c = self.compiled
        p = self.sources.failure_probability
        people = self.leaf_people.copy()
        exposed = np.zeros(c.n_assets, dtype=np.int64)
        people[self.scenario] = scenario_rows[:, 0]
        exposed[self.scenario] = scenario_rows[:, 1]
        row_of = np.full(c.n_assets, -1, dtype=np.int64)
        row_of[self.scenario] = np.arange(self.scenario.shape[0])
        out = []
        hours = _restoration(self.catalogue, "asset-failure")
        for d, domain in enumerate(self.names):
            for k, operator in enumerate(c.operators):
                group = np.flatnonzero((self.domain == d) & (c.asset_operator == k) & (p > 0))
                if group.size == 0:
                    continue
                worst = int(group[np.argmax(people[group])])
                if row_of[worst] >= 0:
                    impact = counts(scenario_rows[row_of[worst]].tolist())
                else:
                    impact = Counts(
                        people_without_service=int(people[worst]),
                        subscribers_exposed=0,
                        assets_down=1,
                        assets_compromised=0,
                        sites_down=int(c.asset_sites[worst]),
                    )
                probability = float(p[group[0]])
                out.append(
                    EventSourceResult(
                        source=f"asset-failure:{domain.value}@{operator}",
                        kind="asset-failure",
                        annual_probability=probability,
                        sources=int(group.size),
                        derivation=(
                            *_steps(failure_steps(self.catalogue, self.effects, domain, operator)),
                            Step(
                                parameter="worst asset",
                                value=str(self.model.table.ids[worst]),
                                note="the asset of the group whose failure alone costs most",
                            ),
                        ),
                        impact=impact,
                        expected_people_without_service=float((p[group] * people[group]).sum()),
                        expected_subscribers_exposed=float((p[group] * exposed[group]).sum()),
                        expected_user_hours=None
                        if hours is None
                        else hours * float((p[group] * people[group]).sum()),
                    )
                )
        return out
