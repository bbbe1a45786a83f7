"""The named rules of the risk register: each derives a level from the model, with facts.

A rule is a function ``(context, spec, scope) -> (level, facts)``. ``scope`` is an
operator index, or ``None`` for the whole country pooled. The catalogue chooses a rule for
each risk's likelihood and impact and gives its parameters (``assessment.risks``); the
parameters each rule needs are declared in
:data:`fiveguard.domain.catalogue.RISK_RULE_PARAMETERS`. Every rule computes on arrays;
the only loops run over suppliers, operators or a rule's short lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from fiveguard.assess.context import NATIONAL, BoolArray, Prepared, managed_via
from fiveguard.assess.measures import DONE, MeasureBook
from fiveguard.assess.profiles import SupplierLevels, level_of
from fiveguard.assess.results import AssuranceSignal, Diversity, Fact, SupplierAssessment
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import LevelRule

Measured = tuple[Level, list[Fact]]
HIGH = 3


@dataclass(frozen=True, eq=False)
class RuleContext:
    """What the rules read: the prepared model, profiles, signals, diversity, measures."""

    prep: Prepared
    levels: SupplierLevels
    suppliers: tuple[SupplierAssessment, ...]
    signals: tuple[AssuranceSignal, ...]
    diversity: Diversity
    measures: MeasureBook
    _short_autonomy: dict[float, tuple[BoolArray, BoolArray]] = field(
        default_factory=dict, repr=False
    )

    def rows(self, scope: int | None) -> BoolArray:
        """Rows of an operator, or every row for the national scope."""
        if scope is None:
            return np.ones(len(self.prep.table), dtype=bool)
        result: BoolArray = self.prep.operator == scope
        return result

    def scope_name(self, scope: int | None) -> str:
        return NATIONAL if scope is None else self.prep.operator_ids[scope]

    def whose(self, scope: int | None) -> str:
        return "the country" if scope is None else self.prep.operator_ids[scope]

    @cached_property
    def high_profile(self) -> npt.NDArray[np.bool_]:
        """Per supplier: profile certainly high."""
        result: npt.NDArray[np.bool_] = self.levels.profile_lowest >= HIGH
        return result

    @cached_property
    def maybe_high_profile(self) -> npt.NDArray[np.bool_]:
        """Per supplier: profile unknown, possibly high."""
        result: npt.NDArray[np.bool_] = (self.levels.profile_highest >= HIGH) & ~self.high_profile
        return result

    @cached_property
    def quality_high(self) -> npt.NDArray[np.bool_]:
        """Per supplier: product quality certainly high risk (after evidence)."""
        result: npt.NDArray[np.bool_] = self.levels.quality_lowest >= HIGH
        return result

    def of_suppliers(self, flags: npt.NDArray[np.bool_]) -> BoolArray:
        """Per row: its supplier is flagged."""
        sup = self.prep.supplier
        padded = np.concatenate([flags, [False]])
        result: BoolArray = padded[np.where(sup >= 0, sup, len(flags))]
        return result

    @cached_property
    def under_high_profile(self) -> BoolArray:
        """Rows managed, directly or through other managers, by a high-profile supplier."""
        return managed_via(self.prep, self.of_suppliers(self.high_profile))

    @cached_property
    def under_quality_high(self) -> BoolArray:
        return managed_via(self.prep, self.of_suppliers(self.quality_high))

    def short_autonomy(self, hours: float) -> tuple[BoolArray, BoolArray]:
        """Radio rows below ``hours`` of autonomy (none recorded counts as short), and
        those with none recorded; computed once per threshold."""
        cached = self._short_autonomy.get(hours)
        if cached is None:
            battery = self.prep.table.battery_hours
            unknown = self.prep.radio & np.isnan(battery)
            short = self.prep.radio & (unknown | (np.nan_to_num(battery, nan=0.0) < hours))
            cached = self._short_autonomy[hours] = (short, unknown)
        return cached

    def sample(self, mask: BoolArray, limit: int = 5) -> tuple[str, ...]:
        return self.prep.ids(np.flatnonzero(mask)[:limit])


def by_threshold(value: float, spec: LevelRule) -> Level:
    """High at or above ``high_at``, medium at or above ``medium_at``, else low."""
    if spec.high_at is not None and value >= spec.high_at:
        return Level.HIGH
    if spec.medium_at is not None and value >= spec.medium_at:
        return Level.MEDIUM
    return Level.LOW


def _thresholds(spec: LevelRule, fmt: str = "{:,.0f}") -> str:
    return f"medium from {fmt.format(spec.medium_at)}, high from {fmt.format(spec.high_at)}"


def _pct(spec: LevelRule) -> str:
    return _thresholds(spec, "{:.0%}")


def _names(ids: list[str], limit: int = 6) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


# ---------------------------------------------------------------------------- rules


def constant(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    level = spec.level or Level.MEDIUM
    return level, [
        Fact(
            text=f"The model holds no data for this rule; the catalogue baseline is {level.value}."
        )
    ]


def version_count(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    table = ctx.prep.table
    mask = ctx.rows(scope) & (table.product_version >= 0)
    versions = np.unique(table.product_version[mask])
    suppliers = np.unique(ctx.prep.supplier[mask])
    count = int(versions.size)
    names = sorted(table.product_versions[v] for v in versions.tolist())
    return by_threshold(count, spec), [
        Fact(
            text=f"{ctx.whose(scope)} runs {count} distinct product versions of "
            f"{int((suppliers >= 0).sum())} suppliers ({_thresholds(spec)})",
            refs=tuple(names[:12]),
        )
    ]


def missing_measures(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    name = ctx.scope_name(scope)
    parts, missing = [], 0
    for measure in spec.measures:
        status = ctx.measures.status(measure, name)
        if status.status not in DONE:
            missing += 1
        parts.append(f"{measure} {status.status} ({status.source} record)")
    return by_threshold(missing, spec), [
        Fact(
            text=f"{missing} of {len(spec.measures)} measures not implemented for "
            f"{ctx.whose(scope)}: {'; '.join(parts)} ({_thresholds(spec)})",
            refs=spec.measures,
        )
    ]


def supplier_product_quality(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    rows = ctx.rows(scope)
    sup = prep.supplier
    radio = rows & prep.radio & (sup >= 0)
    sites = np.bincount(sup[radio], weights=prep.table.sites[radio], minlength=prep.n_suppliers)
    total_sites = float(sites.sum())
    crit = rows & prep.critical & (sup >= 0)
    critical = np.bincount(sup[crit], minlength=prep.n_suppliers)
    facts, worst = [], 1
    for s, assessed in enumerate(ctx.suppliers):
        share = sites[s] / total_sites if total_sites else 0.0
        if critical[s] == 0 and share < (spec.min_share or 0.0):
            continue
        rank = int(ctx.levels.quality_highest[s])
        worst = max(worst, rank)
        quality = next(f for f in assessed.factors if f.factor == "product_quality")
        said = (
            quality.effective.value
            if quality.effective
            else f"unknown (up to {quality.highest.value})"
        )
        facts.append(
            Fact(
                text=f"{assessed.id}: product quality {said}"
                + (f" — {quality.note}" if quality.note else "")
                + f"; runs {int(critical[s])} critical assets and {share:.1%} of the radio sites",
                refs=(
                    assessed.id,
                    *(sig.source for sig in assessed.signals if sig.id in quality.moved_by),
                ),
            )
        )
    if not facts:
        facts.append(
            Fact(
                text=f"no supplier runs a critical asset or {spec.min_share:.0%} of the radio sites"
            )
        )
    return level_of(worst), facts


def supplier_concentration(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    name = ctx.scope_name(scope)
    groups = {
        g.id: g for g in ctx.prep.catalogue.assessment.diversity.groups if g.single_supplier_check
    }
    tables = [
        t
        for t in ctx.diversity.tables
        if t.scope == name
        and t.kind is None
        and t.group in groups
        and t.weight == groups[t.group].weights[0]
    ]
    facts = [
        Fact(
            text=f"{t.title} by {t.weight}: HHI {t.hhi:,.0f} ({t.band}), {t.suppliers} supplier"
            + ("s" if t.suppliers != 1 else "")
            + (f", largest {t.shares[0].supplier} {t.shares[0].share:.0%}" if t.shares else ""),
            refs=tuple(s.supplier for s in t.shares),
        )
        for t in tables
    ]
    value = max((t.hhi for t in tables), default=0.0)
    level = by_threshold(value, spec)
    facts += [
        Fact(text=d.text, refs=(d.supplier,))
        for d in ctx.diversity.single_supplier
        if d.scope == name
    ]
    if scope is None and ctx.diversity.national_concentration:
        facts += [
            Fact(text=c.text, refs=(c.supplier,)) for c in ctx.diversity.national_concentration
        ]
        if level is Level.LOW:
            level = Level.MEDIUM
            facts.append(
                Fact(
                    text="a nation-wide concentration makes the national likelihood at least medium"
                )
            )
    facts.append(Fact(text=f"highest HHI {value:,.0f} ({_thresholds(spec)})"))
    return level, facts


def high_profile_key_assets(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    rows = ctx.rows(scope)
    high = ctx.of_suppliers(ctx.high_profile)
    maybe = ctx.of_suppliers(ctx.maybe_high_profile)
    critical_high = rows & prep.critical & high
    managed = rows & ctx.under_high_profile
    present = rows & high
    critical_maybe = rows & prep.critical & maybe
    facts = []
    for s in np.flatnonzero(ctx.high_profile).tolist():
        mine = present & (prep.supplier == s)
        if not mine.any():
            continue
        crit = mine & prep.critical
        sites = int(prep.table.sites[mine & prep.radio].sum())
        text = (
            f"{prep.supplier_ids[s]} (profile high) runs {int(mine.sum()):,} assets "
            f"of {ctx.whose(scope)}"
        )
        if crit.any():
            named = _names(list(prep.ids(np.flatnonzero(crit)[:6])))
            text += f", {int(crit.sum())} of them critical: {named}"
        if sites:
            text += f"; {sites:,} radio sites"
        facts.append(Fact(text=text, refs=(prep.supplier_ids[s], *ctx.sample(crit))))
    if managed.any():
        crit_managed = managed & prep.critical
        facts.append(
            Fact(
                text=f"{int(managed.sum()):,} assets are on the management path of a high-profile "
                f"supplier (managed by its systems, directly or through other managers), "
                f"{int(crit_managed.sum())} of them critical, "
                f"{int(prep.table.sites[managed & prep.radio].sum()):,} radio sites",
                refs=ctx.sample(crit_managed) + ctx.sample(managed & ~crit_managed, 3),
            )
        )
    if critical_maybe.any():
        facts.append(
            Fact(
                text=f"{int(critical_maybe.sum())} critical assets come from suppliers whose "
                "profile is unknown and could be high",
                refs=ctx.sample(critical_maybe),
            )
        )
    if critical_high.any() or managed.any():
        level = Level.HIGH
    elif present.any() or critical_maybe.any():
        level = Level.MEDIUM
    else:
        level = Level.LOW
        facts.append(Fact(text=f"no high-profile supplier in {ctx.whose(scope)}"))
    return level, facts


def exposed_function_findings(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    table = prep.table
    kinds = [
        i
        for i, k in enumerate(table.kinds)
        if any(tag in spec.tags for tag in prep.catalogue.asset_kinds[k].tags)
    ]
    exposed = ctx.rows(scope) & np.isin(table.kind, kinds)
    versions = {
        table.product_versions[v]
        for v in np.unique(table.product_version[exposed]).tolist()
        if v >= 0
    }
    raising = [
        s for s in ctx.signals if s.direction == "raise" and versions.intersection(s.deployed)
    ]
    baseline = spec.level or Level.MEDIUM
    facts = [
        Fact(
            text=f"{int(exposed.sum())} assets of kinds tagged {', '.join(spec.tags)} run "
            f"{len(versions)} product versions; baseline {baseline.value}",
            refs=tuple(sorted(versions))[:8],
        )
    ]
    facts += [Fact(text=f"{s.source}: {s.reason}", refs=(s.source, *s.deployed)) for s in raising]
    return (Level.HIGH if raising else baseline), facts


def critical_service_suppliers(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    table = prep.table
    carrying = ctx.rows(scope) & (np.diff(table.service_ptr) > 0)
    if not carrying.any():
        return Level.LOW, [Fact(text=f"no asset of {ctx.whose(scope)} carries a critical service")]
    if spec.basis == "profile":
        bad_suppliers, managed, what = ctx.high_profile, ctx.under_high_profile, "high profile"
    else:
        bad_suppliers, managed = ctx.quality_high, ctx.under_quality_high
        what = "high product-quality risk"
    bad = carrying & (ctx.of_suppliers(bad_suppliers) | managed)
    facts = [
        Fact(
            text=f"{int(carrying.sum()):,} assets carry critical services",
            refs=ctx.sample(carrying),
        )
    ]
    if bad.any():
        names = [prep.supplier_ids[s] for s in np.flatnonzero(bad_suppliers).tolist()]
        facts.append(
            Fact(
                text=f"{int(bad.sum()):,} of them are supplied or managed by suppliers of {what} "
                f"({', '.join(names)})",
                refs=ctx.sample(bad),
            )
        )
        return Level.HIGH, facts
    return Level.MEDIUM, facts


def battery_autonomy(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    hours = spec.hours or 0.0
    rows = ctx.rows(scope)
    short, unknown = ctx.short_autonomy(hours)
    sites = ctx.prep.table.sites
    total = float(sites[rows & ctx.prep.radio].sum())
    below = float(sites[rows & short].sum())
    missing = float(sites[rows & unknown].sum())
    share = below / total if total else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{below:,.0f} of {total:,.0f} radio sites of {ctx.whose(scope)} "
            f"({share:.1%}) have "
            f"less than {hours:g} h of battery autonomy"
            + (f", {missing:,.0f} of them with none recorded (counted as short)" if missing else "")
            + f" ({_pct(spec)})"
        )
    ]


def population_share(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    served = float(prep.table.population[ctx.rows(scope) & prep.radio].sum())
    share = served / prep.national_population if prep.national_population else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{ctx.whose(scope)} serves {served:,.0f} people by radio, {share:.1%} of the "
            f"population of {prep.national_population:,} ({_pct(spec)})"
        )
    ]


def exposed_population(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    rows = ctx.rows(scope)
    if spec.basis == "profile":
        flags, managed, what = ctx.high_profile, ctx.under_high_profile, "high-profile suppliers"
    else:
        flags, managed, what = (
            ctx.quality_high,
            ctx.under_quality_high,
            "suppliers of high product-quality risk",
        )
    touched = rows & (ctx.of_suppliers(flags) | managed)
    population = prep.table.population
    if (touched & prep.critical).any():
        exposed = float(population[rows & prep.radio].sum())
        named = _names(list(ctx.sample(touched & prep.critical)))
        how = (
            f"{what} run or manage critical assets ({named}), so everyone "
            f"{ctx.whose(scope)} serves is exposed"
        )
    else:
        exposed = float(population[touched & prep.radio].sum())
        how = f"people of the radio sites that {what} run or manage"
    share = exposed / prep.national_population if prep.national_population else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{exposed:,.0f} people exposed ({share:.1%} of the population): {how} "
            f"({_pct(spec)})"
        )
    ]


def largest_supplier_population(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    radio = ctx.rows(scope) & prep.radio & (prep.supplier >= 0)
    people = np.bincount(
        prep.supplier[radio], weights=prep.table.population[radio], minlength=prep.n_suppliers
    )
    if not people.any():
        return Level.LOW, [Fact(text=f"{ctx.whose(scope)} has no attributed radio sites")]
    largest = int(np.argmax(people))
    share = people[largest] / prep.national_population if prep.national_population else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{prep.supplier_ids[largest]} is the largest radio supplier of "
            f"{ctx.whose(scope)}, "
            f"serving {people[largest]:,.0f} people ({share:.1%} of the population; {_pct(spec)})",
            refs=(prep.supplier_ids[largest],),
        )
    ]


def subscriber_share(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    operators = prep.model.document.operators
    subscribers = (
        sum(o.subscribers for o in operators) if scope is None else operators[scope].subscribers
    )
    share = subscribers / prep.national_population if prep.national_population else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{ctx.whose(scope)} has {subscribers:,} subscribers, {share:.1%} of the "
            f"population ({_pct(spec)})"
        )
    ]


def critical_services(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    table = ctx.prep.table
    counts = np.diff(table.service_ptr)
    owner = np.repeat(np.arange(len(table)), counts)
    carried = np.unique(table.services[ctx.rows(scope)[owner]])
    names = [table.service_ids[s] for s in carried.tolist()]
    return by_threshold(len(names), spec), [
        Fact(
            text=f"{ctx.whose(scope)} carries {len(names)} critical services"
            + (f": {', '.join(names)}" if names else "")
            + f" ({_thresholds(spec)})",
            refs=tuple(names),
        )
    ]


def short_autonomy_population(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    hours = spec.hours or 0.0
    short, _ = ctx.short_autonomy(hours)
    mask = ctx.rows(scope) & short
    people = prep.table.population[mask]
    sites = int(prep.table.sites[mask].sum())
    exposed = float(people.sum())
    share = exposed / prep.national_population if prep.national_population else 0.0
    per_site = exposed / sites if sites else 0.0
    most = int(people.max()) if people.size else 0
    return by_threshold(share, spec), [
        Fact(
            text=f"{exposed:,.0f} people ({share:.1%} of the population) are served by {sites:,} "
            f"radio sites of {ctx.whose(scope)} with less than {hours:g} h of autonomy: "
            f"{per_site:,.0f} people per site on average, at most {most:,} "
            f"({_pct(spec)})"
        )
    ]


RULES: dict[str, Callable[[RuleContext, LevelRule, int | None], Measured]] = {
    "constant": constant,
    "version-count": version_count,
    "missing-measures": missing_measures,
    "supplier-product-quality": supplier_product_quality,
    "supplier-concentration": supplier_concentration,
    "high-profile-key-assets": high_profile_key_assets,
    "exposed-function-findings": exposed_function_findings,
    "critical-service-suppliers": critical_service_suppliers,
    "battery-autonomy": battery_autonomy,
    "population-share": population_share,
    "exposed-population": exposed_population,
    "largest-supplier-population": largest_supplier_population,
    "subscriber-share": subscriber_share,
    "critical-services": critical_services,
    "short-autonomy-population": short_autonomy_population,
}
"""Rule name (as in the catalogue) → the function computing it."""
