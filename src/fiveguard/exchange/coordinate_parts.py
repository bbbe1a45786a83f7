"""The parts of the coordinated view, each from the sections its audience may see:
suppliers across states, the state × risk and state × measure matrices, EU-wide shares,
cross-border common-mode exposure."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from fiveguard.domain.base import Level
from fiveguard.domain.parties import Tlp, most_restrictive
from fiveguard.exchange.coordination import (
    CommonMode,
    EuDomainShares,
    EuShare,
    FactorAcross,
    FactorScore,
    FigureAcross,
    MeasureCell,
    MeasureCount,
    MeasureInfo,
    MeasureRow,
    NameMismatch,
    RiskCell,
    RiskInfo,
    RiskRow,
    StateImpact,
    StateProfile,
    SupplierAcross,
)
from fiveguard.exchange.mapping import SupplierMapping
from fiveguard.exchange.summary import FaultLine, NationalSummary, Section, SupplierLine
from fiveguard.exchange.verify import Verified

NOT_REPORTED = "not reported"
WITHHELD = "withheld"
STATUS_ORDER = (
    "implemented",
    "in-progress",
    "planned",
    "not-started",
    "not-applicable",
    NOT_REPORTED,
    WITHHELD,
)
LEVEL_VALUE = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
DISAGREEMENT_STEPS = 2
RISK_IDS = tuple(f"R{i}" for i in range(1, 10))


@dataclass(frozen=True)
class Used:
    """A summary the view draws on, and how it was verified."""

    summary: NationalSummary
    verified: Verified

    @property
    def country(self) -> str:
        return self.summary.country


Shown = Callable[[Used, Section], Tlp | None]
"""The label a section of a summary is shown under; None when it is withheld."""
JoinedBy = Literal["lei", "registry_id", "mapping", "name"]
Weight = Literal["sites", "population", "assets"]
Keys = dict[tuple[str, str], tuple[str, JoinedBy]]
"""(country, supplier ref) → (canonical key, how it was joined)."""


def normalised(name: str) -> str:
    return " ".join(name.casefold().split())


def join_keys(used: Sequence[Used], mapping: SupplierMapping | None) -> Keys:
    mapped = mapping.lookup() if mapping else {}
    out: Keys = {}
    for u in used:
        for s in u.summary.suppliers or ():
            out[(u.country, s.ref)] = supplier_key(u.country, s, mapped)
    return out


def supplier_key(
    country: str, s: SupplierLine, mapped: dict[tuple[str, str], str]
) -> tuple[str, JoinedBy]:
    if (country, s.ref) in mapped:
        return mapped[(country, s.ref)], "mapping"
    if s.lei:
        return f"lei:{s.lei}", "lei"
    if s.registry_id:
        return f"registry:{s.registry_id}", "registry_id"
    return f"name:{normalised(s.name)}", "name"


def key_of(country: str, ref: str, keys: Keys) -> str:
    """The canonical key of a state's supplier; ``ref:COUNTRY:REF`` when its supplier
    section was not there to name it."""
    found = keys.get((country, ref))
    return found[0] if found else f"ref:{country}:{ref}"


# ---------------------------------------------------------------------------- suppliers


def factor_across(factor: str, criterion: str, scores: list[FactorScore]) -> FactorAcross:
    values = [LEVEL_VALUE[s.score] for s in scores if s.score is not None]
    levels = sorted({s.score for s in scores if s.score is not None}, key=lambda lv: lv.rank)
    steps = (max(values) - min(values)) if values else None
    return FactorAcross(
        factor=factor,
        criterion=criterion,
        scores=tuple(scores),
        scored_by=len(values),
        median=float(statistics.median(values)) if values else None,
        lowest=levels[0] if levels else None,
        highest=levels[-1] if levels else None,
        steps_apart=steps,
        disagreement=steps is not None and steps >= DISAGREEMENT_STEPS,
    )


def join_suppliers(
    used: Sequence[Used], keys: Keys, shown: Shown
) -> tuple[tuple[SupplierAcross, ...], tuple[NameMismatch, ...]]:
    """Every supplier across the states whose supplier section is shown, and the names to
    check (one key, different names; or joined by name alone)."""
    members: dict[str, list[tuple[Used, SupplierLine, Tlp]]] = defaultdict(list)
    for u in used:
        label = shown(u, Section.SUPPLIERS)
        if label is None:
            continue
        for s in u.summary.suppliers or ():
            members[key_of(u.country, s.ref, keys)].append((u, s, label))
    out = []
    checks = []
    for key, rows in sorted(members.items()):
        how = keys[(rows[0][0].country, rows[0][1].ref)][1]
        factors: dict[str, list[FactorScore]] = defaultdict(list)
        criteria: dict[str, str] = {}
        for u, s, label in rows:
            for f in s.factors:
                criteria[f.factor] = f.criterion
                factors[f.factor].append(
                    FactorScore(
                        country=u.country, score=f.effective, rationale=f.rationale, tlp=label
                    )
                )
        states = tuple(
            StateProfile(country=u.country, ref=s.ref, name=s.name, profile=s.profile, tlp=label)
            for u, s, label in rows
        )
        spellings = [s.name for _, s, _ in rows]
        out.append(
            SupplierAcross(
                key=key,
                name=max(sorted(set(spellings)), key=spellings.count),
                lei=next((s.lei for _, s, _ in rows if s.lei), None),
                registry_id=next((s.registry_id for _, s, _ in rows if s.registry_id), None),
                joined_by=how,
                states=states,
                profiled_high_by=sum(1 for p in states if p.profile == "high"),
                factors=tuple(factor_across(f, criteria[f], v) for f, v in factors.items()),
            )
        )
        check = _name_check(key, how, rows)
        if check is not None:
            checks.append(check)
    return tuple(out), tuple(checks)


def _name_check(
    key: str, how: JoinedBy, rows: list[tuple[Used, SupplierLine, Tlp]]
) -> NameMismatch | None:
    names = tuple(f"{u.country}: {s.name} ({s.ref})" for u, s, _ in rows)
    if how == "name":
        problem = (
            "known by name only (no LEI or registry id): joined across states by name"
            if len(rows) > 1
            else "known by name only (no LEI or registry id) and in one state: add an LEI, "
            "or map it in a mapping file if another state names it differently"
        )
        return NameMismatch(key=key, names=names, problem=problem)
    if len({normalised(s.name) for _, s, _ in rows}) > 1:
        return NameMismatch(
            key=key, names=names, problem=f"one {how.replace('_', ' ')}, different names"
        )
    return None


# ---------------------------------------------------------------------------- matrices


def risk_view(
    used: Sequence[Used], shown: Shown
) -> tuple[tuple[RiskInfo, ...], tuple[RiskRow, ...]]:
    titles: dict[str, str] = {}
    rows = []
    for u in used:
        label = shown(u, Section.REGISTER)
        entries = {e.risk: e for e in (u.summary.risk_register or ())} if label else {}
        for line in entries.values():
            titles.setdefault(line.risk, line.title)
        cells = []
        for risk in RISK_IDS:
            entry = entries.get(risk)
            cells.append(
                RiskCell(
                    risk=risk,
                    level=entry.level if entry else None,
                    residual=entry.residual if entry else None,
                    tlp=label if entry else None,
                )
            )
        rows.append(RiskRow(country=u.country, cells=tuple(cells)))
    risks = tuple(RiskInfo(risk=r, title=titles.get(r, "")) for r in RISK_IDS)
    return risks, tuple(rows)


def measure_view(
    used: Sequence[Used], shown: Shown
) -> tuple[tuple[MeasureInfo, ...], tuple[MeasureRow, ...], tuple[MeasureCount, ...]]:
    infos: dict[str, MeasureInfo] = {}
    for u in used:
        for m in u.summary.measures or ():
            infos.setdefault(
                m.measure, MeasureInfo(measure=m.measure, title=m.title, category=m.category)
            )
    ordered = sorted(infos.values(), key=lambda m: (_category_rank(m.measure), m.measure))
    rows = []
    counts: dict[str, dict[str, int]] = {m.measure: dict.fromkeys(STATUS_ORDER, 0) for m in ordered}
    for u in used:
        label = shown(u, Section.MEASURES)
        lines = {m.measure: m for m in (u.summary.measures or ())} if label else {}
        cells = []
        for info in ordered:
            line = lines.get(info.measure)
            if label is None:
                cell = MeasureCell(
                    measure=info.measure, status=WITHHELD, since=None, evidence_count=None, tlp=None
                )
            elif line is None or line.status == "unrecorded":
                cell = MeasureCell(
                    measure=info.measure,
                    status=NOT_REPORTED,
                    since=None,
                    evidence_count=line.evidence_count if line else None,
                    tlp=label,
                )
            else:
                cell = MeasureCell(
                    measure=info.measure,
                    status=line.status,
                    since=line.since,
                    evidence_count=line.evidence_count,
                    tlp=label,
                )
            counts[info.measure][cell.status] = counts[info.measure].get(cell.status, 0) + 1
            cells.append(cell)
        rows.append(MeasureRow(country=u.country, cells=tuple(cells)))
    summary = tuple(
        MeasureCount(
            measure=m.measure, title=m.title, category=m.category, counts=counts[m.measure]
        )
        for m in ordered
    )
    return tuple(ordered), tuple(rows), summary


def _category_rank(measure: str) -> int:
    return {"SM": 0, "TM": 1, "SA": 2}.get(measure[:2], 3)


# ---------------------------------------------------------------------------- shares


def eu_shares(used: Sequence[Used], keys: Keys, shown: Shown) -> tuple[EuDomainShares, ...]:
    """Per domain and weight: each state's national quantity per supplier, added up."""
    totals: dict[tuple[str, Weight], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    titles: dict[tuple[str, Weight], str] = {}
    states: dict[tuple[str, Weight], list[str]] = defaultdict(list)
    labels: dict[tuple[str, Weight], list[Tlp]] = defaultdict(list)
    names = _names(used, keys)
    for u in used:
        label = shown(u, Section.DIVERSITY)
        if label is None:
            continue
        for table in u.summary.diversity or ():
            group = (table.group, table.weight)
            titles[group] = table.title
            states[group].append(u.country)
            labels[group].append(label)
            for share in table.shares:
                totals[group][key_of(u.country, share.supplier, keys)] += share.quantity
    out = []
    for group, quantities in totals.items():
        total = sum(quantities.values())
        shares = sorted(
            (
                EuShare(key=k, name=names.get(k, k), quantity=q, share=q / total if total else 0.0)
                for k, q in quantities.items()
            ),
            key=lambda s: (-s.quantity, s.key),
        )
        out.append(
            EuDomainShares(
                group=group[0],
                title=titles[group],
                weight=group[1],
                states=tuple(states[group]),
                total=total,
                hhi=sum((s.share * 100) ** 2 for s in shares) if total else None,
                shares=tuple(shares),
                tlp=most_restrictive(labels[group]),
            )
        )
    return tuple(out)


def _names(used: Sequence[Used], keys: Keys) -> dict[str, str]:
    names: dict[str, str] = {}
    for u in used:
        for s in u.summary.suppliers or ():
            names.setdefault(key_of(u.country, s.ref, keys), s.name)
    return names


# ---------------------------------------------------------------------------- common mode


def fault_key(country: str, fault: FaultLine, keys: Keys) -> str:
    supplier = key_of(country, fault.supplier, keys)
    if fault.version is None:
        return supplier
    return f"{supplier}|{normalised(fault.product or '')}|{fault.version}"


def common_mode(used: Sequence[Used], keys: Keys, shown: Shown) -> tuple[CommonMode, ...]:
    """Each supplier's and product version's fault, summed over the states deploying it,
    worst first; only faults deployed in two or more states are cross-border."""
    grouped: dict[str, list[tuple[Used, FaultLine, Tlp]]] = defaultdict(list)
    for u in used:
        label = shown(u, Section.SIMULATION)
        if label is None or u.summary.simulation is None:
            continue
        simulation = u.summary.simulation
        for fault in (*simulation.supplier_faults, *simulation.version_faults):
            grouped[fault_key(u.country, fault, keys)].append((u, fault, label))
    names = _names(used, keys)
    out = []
    for key, rows in grouped.items():
        first = rows[0][1]
        by_state = tuple(
            StateImpact(
                country=u.country,
                people_without_service=f.people_without_service,
                people_unable_to_reach_emergency=(
                    f.figures.people_unable_to_reach_emergency if f.figures is not None else None
                ),
                sites_down=f.sites_down,
                tlp=label,
            )
            for u, f, label in rows
        )
        emergency = [
            s.people_unable_to_reach_emergency
            for s in by_state
            if s.people_unable_to_reach_emergency is not None
        ]
        supplier_key_ = key.split("|", 1)[0]
        out.append(
            CommonMode(
                kind="supplier" if first.version is None else "version",
                key=key,
                supplier=names.get(supplier_key_, supplier_key_),
                product=first.product,
                version=first.version,
                people_without_service=sum(s.people_without_service for s in by_state),
                people_unable_to_reach_emergency=sum(emergency) if emergency else None,
                emergency_not_reported=tuple(
                    s.country for s in by_state if s.people_unable_to_reach_emergency is None
                ),
                sites_down=sum(s.sites_down for s in by_state),
                states_deploying=len(by_state),
                states_hit=sum(1 for s in by_state if s.people_without_service > 0),
                by_state=by_state,
                across=(
                    figures_across([(u.country, f) for u, f, _ in rows]) if len(rows) > 1 else ()
                ),
                tlp=most_restrictive([s.tlp for s in by_state]),
            )
        )
    # cross-border first (deployed in more than one state), then by people
    out.sort(key=lambda c: (c.states_deploying == 1, -c.people_without_service, c.key))
    return tuple(out)


FIGURES: tuple[tuple[str, str], ...] = (
    ("people_without_service", "people without service"),
    ("sites_down", "radio sites down"),
    ("people_unable_to_reach_emergency", "people unable to reach emergency services"),
    ("people_partial_service", "people losing service in part"),
    ("hours", "outage duration (hours)"),
    ("user_hours", "user-hours (people without service times hours)"),
)
"""The figures of a fault compared across states, in order; then each non-emergency
service of the catalogue as ``service:ID``."""


def _figure(fault: FaultLine, figure: str) -> int | float | None:
    """One figure of a state's fault line; None when its summary does not give it."""
    if figure == "people_without_service":
        return fault.people_without_service
    if figure == "sites_down":
        return fault.sites_down
    figures = fault.figures
    if figures is None:
        return None
    if figure.startswith("service:"):
        wanted = figure.removeprefix("service:")
        return next((s.people for s in figures.services if s.service == wanted), None)
    value: int | float | None = getattr(figures, figure)
    return value


def figures_across(rows: Sequence[tuple[str, FaultLine]]) -> tuple[FigureAcross, ...]:
    """Each figure of one fault over the states deploying it (``(country, line)``): the
    median and range over the states that give it; the others are not reported, never
    counted as 0."""
    wanted = list(FIGURES)
    for _, fault in rows:
        for s in fault.figures.services if fault.figures is not None else ():
            entry = (f"service:{s.service}", f"people without {s.title}")
            if not s.emergency and entry[0] not in {w for w, _ in wanted}:
                wanted.append(entry)
    out = []
    for figure, title in wanted:
        given = [(country, _figure(fault, figure)) for country, fault in rows]
        values = {country: v for country, v in given if v is not None}
        numbers = list(values.values())
        out.append(
            FigureAcross(
                figure=figure,
                title=title,
                values=values,
                reported_by=len(values),
                not_reported=tuple(country for country, v in given if v is None),
                median=statistics.median(numbers) if numbers else None,
                lowest=min(numbers) if numbers else None,
                highest=max(numbers) if numbers else None,
            )
        )
    return tuple(out)
