"""Supplier risk profiles: each supplier's overall level from its factors, by catalogue rule.

The product-quality factor is first moved by assurance signals (see
:mod:`fiveguard.assess.signals`); then the catalogue's profile rule (ordered steps, the
first that holds decides) gives the overall level. A factor the model does not score is
unknown: the rule is evaluated over every level it could take, and if the outcomes differ
the profile is ``unknown``, with its lowest and highest possible level. Nothing missing is
ever read as low.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.assess.context import Prepared, plural
from fiveguard.assess.results import (
    AssuranceSignal,
    FactorResult,
    Footprint,
    ProfileGap,
    SupplierAssessment,
)
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import AssuranceSignalRules, Domain, ProfileRule, ProfileStep
from fiveguard.domain.network import PROFILE_FACTORS, FactorScore, Supplier

LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)
QUALITY = "product_quality"
NAMED_VERSIONS = 5  # versions named in a note; the rest counted


def level_of(rank: int) -> Level:
    """The level of a rank 1–3 (clipped to the scale)."""
    return LEVELS[max(1, min(3, rank)) - 1]


@dataclass(frozen=True)
class FactorBounds:
    """A factor's effective level, or the range it can take when unknown."""

    scored: Level | None
    effective: Level | None
    lowest: Level
    highest: Level
    moved_by: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class SupplierLevels:
    """Profiles and product quality as arrays over supplier indices (ranks 1–3), for the
    vectorised engines. ``*_lowest`` reads unknown factors as low, ``*_highest`` as high."""

    profile_lowest: npt.NDArray[np.int8]
    profile_highest: npt.NDArray[np.int8]
    quality_lowest: npt.NDArray[np.int8]
    quality_highest: npt.NDArray[np.int8]


def adjust_quality(
    score: FactorScore | None,
    signals: Sequence[AssuranceSignal],
    deployed: frozenset[str],
    rules: AssuranceSignalRules,
) -> FactorBounds:
    """Product quality after the supplier's assurance signals.

    Raising signals on deployed versions move it up ``raise_steps``; otherwise lowering
    signals move it down ``lower_steps`` when they cover every deployed version of the
    supplier (or any, if the catalogue does not ask for every one).
    """
    raising = [s for s in signals if s.direction == "raise" and s.deployed]
    lowering = [s for s in signals if s.direction == "lower" and s.deployed]
    covered = {p for s in lowering for p in s.deployed}
    scored = score.score if score is not None else None
    low_rank, high_rank = (scored.rank, scored.rank) if scored else (1, 3)
    if raising and rules.raise_steps:
        moved = tuple(s.id for s in raising)
        low_rank = min(3, low_rank + rules.raise_steps)
        high_rank = min(3, high_rank + rules.raise_steps) if scored else 3
        note = _moved_note("raised", scored, low_rank, moved)
    elif (
        lowering
        and rules.lower_steps
        and (covered >= deployed or not rules.lower_needs_every_version)
    ):
        moved = tuple(s.id for s in lowering)
        high_rank = max(1, high_rank - rules.lower_steps)
        low_rank = max(1, low_rank - rules.lower_steps) if scored else 1
        note = _moved_note("lowered", scored, high_rank, moved)
    else:
        moved = ()
        note = None
        if lowering:
            uncovered = sorted(deployed - covered)
            note = (
                f"lowering evidence does not cover every deployed version (not covered: "
                f"{', '.join(uncovered[:NAMED_VERSIONS])}"
                f"{' …' if len(uncovered) > NAMED_VERSIONS else ''}); not moved"
            )
    effective = level_of(low_rank) if low_rank == high_rank else None
    return FactorBounds(scored, effective, level_of(low_rank), level_of(high_rank), moved, note)


def _moved_note(verb: str, scored: Level | None, rank: int, moved: Sequence[str]) -> str:
    by = f"by {len(moved)} signal{'s' if len(moved) != 1 else ''}"
    if scored is None:
        side = "at least" if verb == "raised" else "at most"
        return f"not scored; assurance evidence puts it {side} {level_of(rank).value} ({by})"
    if level_of(rank) is scored:
        word = "raising" if verb == "raised" else "lowering"
        return (
            f"already {scored.value}, the end of the scale; "
            f"{plural(len(moved), word + ' signal')} agree{'s' if len(moved) == 1 else ''}"
        )
    return f"{verb} from {scored.value} to {level_of(rank).value} {by}"


def evaluate_rule(
    rule: ProfileRule, levels: Mapping[str, Level]
) -> tuple[Level, ProfileStep | None]:
    """The profile ``rule`` gives for known factor levels, and the step that decided."""
    for step in rule.steps:
        cond = step.when
        hits = sum(1 for f in cond.factors if levels[f].rank >= cond.level.rank)
        if hits >= cond.at_least:
            return step.profile, step
    return rule.otherwise, None


def profile_bounds(
    rule: ProfileRule, bounds: Mapping[str, FactorBounds]
) -> tuple[Level, Level, ProfileStep | None, ProfileStep | None]:
    """Lowest and highest profile over every level the unknown factors can take, with the
    steps that gave each (at most 3^6 combinations, evaluated exactly)."""
    choices = [
        [level_of(r) for r in range(bounds[f].lowest.rank, bounds[f].highest.rank + 1)]
        for f in PROFILE_FACTORS
    ]
    low: tuple[Level, ProfileStep | None] | None = None
    high: tuple[Level, ProfileStep | None] | None = None
    for combo in itertools.product(*choices):
        outcome = evaluate_rule(rule, dict(zip(PROFILE_FACTORS, combo, strict=True)))
        if low is None or outcome[0].rank < low[0].rank:
            low = outcome
        if high is None or outcome[0].rank > high[0].rank:
            high = outcome
    assert low is not None and high is not None
    return low[0], high[0], low[1], high[1]


def assess_suppliers(
    prep: Prepared, signals: Sequence[AssuranceSignal]
) -> tuple[tuple[SupplierAssessment, ...], SupplierLevels]:
    """Every supplier's profile with its reasons, and the same as arrays for the engines."""
    rules = prep.catalogue.assessment
    criteria = prep.catalogue.supplier_criteria
    titles = {f.id: (f.title, c.id) for c in criteria.criteria for f in c.factors}
    deployed_by_supplier = _deployed_by_supplier(prep)
    footprints = _footprints(prep)
    results = []
    ranks = np.zeros((4, prep.n_suppliers), dtype=np.int8)
    for index, supplier in enumerate(prep.model.document.suppliers):
        own = tuple(s for s in signals if s.supplier == supplier.id)
        bounds = _factor_bounds(
            supplier, own, deployed_by_supplier.get(supplier.id, frozenset()), rules.assurance
        )
        lowest, highest, low_step, high_step = profile_bounds(rules.profile, bounds)
        quality = bounds[QUALITY]
        ranks[:, index] = (lowest.rank, highest.rank, quality.lowest.rank, quality.highest.rank)
        results.append(
            SupplierAssessment(
                id=supplier.id,
                name=supplier.name,
                headquarters=supplier.headquarters,
                ownership=supplier.ownership.value,
                profile=lowest.value if lowest is highest else "unknown",
                lowest=lowest,
                highest=highest,
                rule=rules.profile.id,
                step=(low_step.id if low_step else None) if lowest is highest else None,
                reason=_reason(rules.profile, bounds, lowest, highest, low_step, high_step),
                factors=tuple(
                    _factor_result(f, supplier, bounds[f], titles) for f in PROFILE_FACTORS
                ),
                missing=_gaps(supplier),
                signals=own,
                footprint=footprints[index],
            )
        )
    return tuple(results), SupplierLevels(ranks[0], ranks[1], ranks[2], ranks[3])


def _factor_bounds(
    supplier: Supplier,
    signals: Sequence[AssuranceSignal],
    deployed: frozenset[str],
    rules: AssuranceSignalRules,
) -> dict[str, FactorBounds]:
    out: dict[str, FactorBounds] = {}
    for factor in PROFILE_FACTORS:
        score: FactorScore | None = getattr(supplier.profile, factor)
        if factor == QUALITY:
            out[factor] = adjust_quality(score, signals, deployed, rules)
        elif score is None:
            out[factor] = FactorBounds(None, None, Level.LOW, Level.HIGH, (), None)
        else:
            out[factor] = FactorBounds(score.score, score.score, score.score, score.score, (), None)
    return out


def _factor_result(
    factor: str, supplier: Supplier, bounds: FactorBounds, titles: Mapping[str, tuple[str, str]]
) -> FactorResult:
    score: FactorScore | None = getattr(supplier.profile, factor)
    title, criterion = titles.get(factor, (factor, factor))
    return FactorResult(
        factor=factor,
        title=title,
        criterion=criterion,
        scored=bounds.scored,
        effective=bounds.effective,
        lowest=bounds.lowest,
        highest=bounds.highest,
        rationale=score.rationale if score else None,
        evidence=score.evidence if score else (),
        moved_by=bounds.moved_by,
        note=bounds.note,
    )


def _reason(
    rule: ProfileRule,
    bounds: Mapping[str, FactorBounds],
    lowest: Level,
    highest: Level,
    low_step: ProfileStep | None,
    high_step: ProfileStep | None,
) -> str:
    def said(step: ProfileStep | None) -> str:
        if step is None:
            return f"no step of the rule holds, so {rule.otherwise.value} by default"
        return f"step {step.id}: {step.text.rstrip('.')}"

    if lowest is highest:
        return said(low_step)
    unknown = [f for f in PROFILE_FACTORS if bounds[f].effective is None]
    return (
        f"depends on {', '.join(unknown)}, not (fully) scored: with them at their lowest it "
        f"is {lowest.value} ({said(low_step)}), at their highest {highest.value} "
        f"({said(high_step)})"
    )


def _gaps(supplier: Supplier) -> tuple[ProfileGap, ...]:
    gaps = []
    for factor in PROFILE_FACTORS:
        score: FactorScore | None = getattr(supplier.profile, factor)
        if score is None:
            gaps.append(
                ProfileGap(
                    factor=factor,
                    problem="not-scored",
                    text=f"{factor} is not scored: unknown, not low",
                )
            )
        elif not score.evidence:
            gaps.append(
                ProfileGap(
                    factor=factor,
                    problem="no-evidence",
                    text=f"{factor} is scored {score.score.value} with a rationale but "
                    "no evidence record",
                )
            )
    return tuple(gaps)


def _deployed_by_supplier(prep: Prepared) -> dict[str, frozenset[str]]:
    table = prep.table
    used = np.unique(table.product_version[table.product_version >= 0])
    product_supplier = {p.id: p.supplier for p in prep.model.document.products}
    out: dict[str, set[str]] = {}
    for index in used.tolist():
        ref = table.product_versions[index]
        supplier = product_supplier.get(ref.partition("@")[0])
        if supplier is not None:
            out.setdefault(supplier, set()).add(ref)
    return {k: frozenset(v) for k, v in out.items()}


def _footprints(prep: Prepared) -> list[Footprint]:
    """Per supplier: assets, radio sites, people served by radio, operators, domains.

    Radio assets naming one ``site`` (4G and 5G radios on a mast) share its sites and
    people: a supplier counts them once however many of its radios the site carries, and
    a site with radios of two suppliers is in both footprints (each one's products serve
    its people), as the simulation counts the site once (docs/simulation.md)."""
    n_sup, n_ops = prep.n_suppliers, prep.n_operators
    sup = prep.supplier
    has = sup >= 0
    s = sup[has]
    table = prep.table
    radio = prep.radio[has] & _first_of_supplier_on_site(s, table.site[has])
    assets = np.bincount(s, minlength=n_sup)
    sites = np.bincount(s, weights=table.sites[has] * radio, minlength=n_sup)
    people = np.bincount(s, weights=table.population[has] * radio, minlength=n_sup)
    critical = np.bincount(s, weights=prep.critical[has], minlength=n_sup)
    by_op = np.bincount(s * n_ops + prep.operator[has], minlength=n_sup * n_ops)
    by_op = by_op.reshape(n_sup, n_ops)
    domains = list(Domain)
    n_dom = len(domains)
    by_dom = np.bincount(s * n_dom + prep.domain[has], minlength=n_sup * n_dom).reshape(
        n_sup, n_dom
    )
    return [
        Footprint(
            assets=int(assets[i]),
            radio_sites=int(sites[i]),
            population=int(people[i]),
            operators=tuple(prep.operator_ids[k] for k in np.flatnonzero(by_op[i]).tolist()),
            domains=tuple(domains[d].value for d in np.flatnonzero(by_dom[i]).tolist()),
            critical_assets=int(critical[i]),
        )
        for i in range(n_sup)
    ]


def _first_of_supplier_on_site(
    supplier: npt.NDArray[np.integer], site: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """Per row, False for a row naming a site an earlier row of the same supplier named."""
    out = np.ones(len(site), dtype=bool)
    named = np.flatnonzero(site >= 0)
    if named.size:
        keys = supplier[named].astype(np.int64) * (int(site.max()) + 1) + site[named]
        _, first = np.unique(keys, return_index=True)
        out[named] = False
        out[named[first]] = True
    return out
