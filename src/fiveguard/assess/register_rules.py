"""The named rules of the risk register: each derives a level from the model, with facts.

A rule is a function ``(context, spec, scope) -> (level, facts)``. ``scope`` is an
operator index (its view: own assets and radio assets shared with it, see
:mod:`fiveguard.assess.rule_context`), or ``None`` for the whole country pooled. Every
fact names whose network it describes. The catalogue chooses a rule for
each risk's likelihood and impact and gives its parameters (``assessment.risks``); the
parameters each rule needs are declared in
:data:`fiveguard.domain.catalogue.RISK_RULE_PARAMETERS`. Every rule computes on arrays;
the only loops run over suppliers, operators or a rule's short lists.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fiveguard.assess.context import managed_via, plural
from fiveguard.assess.diversity import site_split
from fiveguard.assess.measures import DONE
from fiveguard.assess.profiles import level_of
from fiveguard.assess.results import Fact
from fiveguard.assess.rule_context import HIGH, Basis, RuleContext
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import LevelRule

Measured = tuple[Level, list[Fact]]

__all__ = ["HIGH", "RULES", "Measured", "RuleContext", "by_threshold"]


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


def _people(n: float) -> str:
    return plural(round(n), "person", "people")


def _names(ids: list[str], limit: int = 6) -> str:
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


# ---------------------------------------------------------------------------- rules


def constant(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    level = spec.level or Level.MEDIUM
    return level, [
        Fact(
            text=f"The model holds no data for this rule on {ctx.whose(scope)}; the catalogue "
            f"baseline is {level.value}."
        )
    ]


def version_count(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    # an operator configures its own assets, not those a partner shares with it
    table = ctx.prep.table
    mask = ctx.own_rows(scope) & (table.product_version >= 0)
    versions = np.unique(table.product_version[mask])
    suppliers = np.unique(ctx.prep.supplier[mask])
    count = int(versions.size)
    names = sorted(table.product_versions[v] for v in versions.tolist())
    return by_threshold(count, spec), [
        Fact(
            text=f"{ctx.whose(scope)} runs {plural(count, 'distinct product version')} of "
            f"{plural(int((suppliers >= 0).sum()), 'supplier')} on its own assets "
            f"({_thresholds(spec)})",
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
            text=f"{missing} of {plural(len(spec.measures), 'measure')} not implemented for "
            f"{ctx.whose(scope)}: {'; '.join(parts)} ({_thresholds(spec)})",
            refs=spec.measures,
        )
    ]


def supplier_product_quality(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    rows = ctx.rows(scope)
    sup = prep.supplier
    radio = rows & prep.radio & (sup >= 0)
    # a site of several suppliers' radios is split between them, as the diversity shares
    split = prep.table.sites * site_split(prep.table.site, np.maximum(sup, 0), radio)
    sites = np.bincount(sup[radio], weights=split[radio], minlength=prep.n_suppliers)
    total_sites = float(sites.sum())
    crit = rows & prep.critical & (sup >= 0)
    critical = np.bincount(sup[crit], minlength=prep.n_suppliers)
    facts, worst = [], 1
    for s, assessed in enumerate(ctx.suppliers):
        share = sites[s] / total_sites if total_sites else 0.0
        if critical[s] == 0 and share < (spec.min_share or 0.0):
            continue
        # unknown quality counts at its highest possible level, here as in the impact
        rank = int(ctx.levels.quality_highest[s])
        worst = max(worst, rank)
        quality = next(f for f in assessed.factors if f.factor == "product_quality")
        said = (
            quality.effective.value
            if quality.effective
            else f"unknown, counted at its highest possible level ({quality.highest.value})"
        )
        mine = radio & (sup == s)
        facts.append(
            Fact(
                text=f"{assessed.id} in {ctx.whose(scope)}: product quality {said}"
                + (f" — {quality.note}" if quality.note else "")
                + f"; runs {plural(int(critical[s]), 'critical asset')} and {share:.1%} of "
                f"the radio sites{ctx.shared_note(scope, mine)}",
                refs=(
                    assessed.id,
                    *(sig.source for sig in assessed.signals if sig.id in quality.moved_by),
                ),
            )
        )
    if not facts:
        facts.append(
            Fact(
                text=f"no supplier runs a critical asset or {spec.min_share:.0%} of the radio "
                f"sites of {ctx.whose(scope)}"
            )
        )
    return level_of(worst), facts


def supplier_concentration(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    name = ctx.scope_name(scope)
    whose = ctx.whose(scope)
    rules = ctx.prep.catalogue.assessment.diversity
    groups = {g.id: g for g in rules.groups if g.single_supplier_check}
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
            text=f"{t.title} of {whose} by {t.weight}: "
            + (
                f"HHI {t.hhi:,.0f} ({t.band} concentration by the diversity bands), "
                f"{plural(t.suppliers, 'supplier')}"
                if t.hhi is not None
                else "no asset names a product, so no HHI"
            )
            + (f", largest {t.shares[0].supplier} {t.shares[0].share:.0%}" if t.shares else "")
            + (f", {t.unattributed_share:.0%} naming no product" if t.unattributed else ""),
            refs=tuple(s.supplier for s in t.shares),
        )
        for t in tables
    ]
    value = max((t.hhi for t in tables if t.hhi is not None), default=0.0)
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
                    text="a nation-wide concentration makes the likelihood for the country "
                    "at least medium"
                )
            )
    common = [c for c in ctx.diversity.common_mode if scope is None or name in c.operators]
    if common:
        facts += [
            Fact(text=f"{rules.common_mode.id}: {c.text}", refs=(c.product, *c.members[:4]))
            for c in common
        ]
        floor = rules.common_mode.likelihood
        if level.rank < floor.rank:
            level = floor
            facts.append(
                Fact(
                    text=f"a redundancy group running one version makes the likelihood for "
                    f"{whose} at least {floor.value} (rule {rules.common_mode.id})"
                )
            )
    facts.append(Fact(text=f"highest HHI of {whose}: {value:,.0f} ({_thresholds(spec)})"))
    return level, facts


def high_profile_key_assets(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    rows = ctx.rows(scope)
    basis = ctx.profile
    flagged = rows & ctx.of_suppliers(basis.possible)
    managed = rows & ctx.under(basis)
    facts = []
    for s in np.flatnonzero(basis.possible).tolist():
        mine = flagged & (prep.supplier == s)
        if not mine.any():
            continue
        crit = mine & prep.critical
        sites = int(prep.table.sites @ _once(ctx, mine & prep.radio))
        profile = (
            "profile high"
            if basis.certain[s]
            else "profile unknown, counted at its highest possible level (high)"
        )
        text = (
            f"{prep.supplier_ids[s]} ({profile}) runs {plural(int(mine.sum()), 'asset')} "
            f"of {ctx.whose(scope)}"
        )
        if crit.any():
            named = _names(list(prep.ids(np.flatnonzero(crit)[:6])))
            text += f", {int(crit.sum())} of them critical: {named}"
        if sites:
            text += f"; {plural(sites, 'radio site')}{ctx.shared_note(scope, mine & prep.radio)}"
        facts.append(Fact(text=text, refs=(prep.supplier_ids[s], *ctx.sample(crit))))
    if managed.any():
        crit_managed = managed & prep.critical
        radio_managed = managed & prep.radio
        facts.append(
            Fact(
                text=f"{plural(int(managed.sum()), 'asset')} of {ctx.whose(scope)} "
                f"{'is' if int(managed.sum()) == 1 else 'are'} on the "
                f"management path of {basis.words} (managed by its systems, directly or "
                f"through other managers), {int(crit_managed.sum())} of them critical, "
                f"{plural(int(prep.table.sites @ _once(ctx, radio_managed)), 'radio site')}"
                + ctx.shared_note(scope, radio_managed),
                refs=ctx.sample(crit_managed) + ctx.sample(managed & ~crit_managed, 3),
            )
        )
    if (flagged & prep.critical).any() or managed.any():
        level = Level.HIGH
    elif flagged.any():
        level = Level.MEDIUM
    else:
        level = Level.LOW
        facts.append(
            Fact(text=f"no supplier whose profile is or could be high in {ctx.whose(scope)}")
        )
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
            text=f"{plural(int(exposed.sum()), 'asset')} of {ctx.whose(scope)} of kinds tagged "
            f"{', '.join(spec.tags)} run {plural(len(versions), 'product version')}; "
            f"baseline {baseline.value}",
            refs=tuple(sorted(versions))[:8],
        )
    ]
    facts += [
        Fact(
            text=f"{s.source}, on a version exposed functions of {ctx.whose(scope)} run: "
            f"{s.reason}",
            refs=(s.source, *s.deployed),
        )
        for s in raising
    ]
    return (Level.HIGH if raising else baseline), facts


def critical_service_suppliers(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    table = prep.table
    carrying = ctx.rows(scope) & (np.diff(table.service_ptr) > 0)
    if not carrying.any():
        return Level.LOW, [Fact(text=f"no asset of {ctx.whose(scope)} carries a critical service")]
    basis = ctx.basis(spec.basis)
    bad = carrying & (ctx.of_suppliers(basis.possible) | ctx.under(basis))
    total = int(carrying.sum())
    facts = [
        Fact(
            text=f"{plural(total, 'asset')} of {ctx.whose(scope)} "
            f"{'carries' if total == 1 else 'carry'} critical services"
            + ctx.shared_note(scope, carrying, "assets"),
            refs=ctx.sample(carrying),
        )
    ]
    if bad.any():
        behind = _suppliers_behind(ctx, basis, bad)
        unknown = [prep.supplier_ids[s] for s in behind if basis.unknown[s]]
        names = [prep.supplier_ids[s] for s in behind]
        n = int(bad.sum())
        facts.append(
            Fact(
                text=f"{_of_carrying(n, total)} of {ctx.whose(scope)} carrying critical "
                f"services {'is' if n == 1 else 'are'} supplied or managed by "
                f"{basis.words if len(names) > 1 else basis.one} ({', '.join(names)}"
                + (
                    f"; {', '.join(unknown)}: {basis.name} unknown, counted at high"
                    if unknown
                    else ""
                )
                + ")",
                refs=(*ctx.sample(bad), *names),
            )
        )
        return Level.HIGH, facts
    return Level.MEDIUM, facts


def _of_carrying(n: int, total: int) -> str:
    """``the asset``, ``all 5 assets``, ``2 of the 5 assets``: ``n`` of ``total``."""
    if n == total:
        return {1: "the asset", 2: "both assets"}.get(total, f"all {total:,} assets")
    return f"{n:,} of the {total:,} assets"


def _suppliers_behind(ctx: RuleContext, basis: Basis, rows: np.ndarray) -> list[int]:
    """The flagged suppliers that supply, or manage (directly or through other managers),
    at least one of ``rows``: only those are named, not every flagged supplier."""
    prep = ctx.prep
    out = []
    for s in np.flatnonzero(basis.possible).tolist():
        own = prep.supplier == s
        if (rows & own).any() or (rows & managed_via(prep, own)).any():
            out.append(s)
    return out


def battery_autonomy(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    hours = spec.hours or 0.0
    rows = ctx.rows(scope)
    short, unknown = ctx.short_autonomy(hours)
    sites = ctx.prep.table.sites
    total = float(sites @ _once(ctx, rows & ctx.prep.radio))
    below = float(sites @ _once(ctx, rows & short))
    missing = float(sites @ _once(ctx, rows & unknown))
    share = below / total if total else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{below:,.0f} of {plural(total, 'radio site')} of {ctx.whose(scope)} "
            f"({share:.1%}) have "
            f"less than {hours:g} h of battery autonomy"
            + (f", {missing:,.0f} of them with none recorded (counted as short)" if missing else "")
            + ctx.shared_note(scope, rows & short)
            + f" ({_pct(spec)})"
        )
    ]


def _once(ctx: RuleContext, mask: np.ndarray) -> np.ndarray:
    """Per row, 1 for a row of ``mask`` that is the first of ``mask`` naming its site (or
    names none), else 0: weights counting the sites and people of ``mask`` once however
    many radios a site carries."""
    return site_split(ctx.prep.table.site, np.zeros(len(mask), dtype=np.int64), mask)


def _served(ctx: RuleContext, scope: int | None, mask: np.ndarray) -> float:
    """People the radio rows of ``mask`` serve for the scope, each site's once."""
    return float(ctx.people(scope) @ _once(ctx, mask & ctx.prep.radio))


def _sharing_words(ctx: RuleContext, scope: int | None, mask: np.ndarray) -> str:
    """`` (N of them at radio sites HOST shares with OP, its share)`` when any."""
    if scope is None:
        return ""
    shared = mask & ctx.prep.radio & ctx.prep.shared_in(scope)
    if not shared.any():
        return ""
    people = float(ctx.people(scope) @ _once(ctx, shared))
    hosts = ", ".join(ctx.prep.hosts_of(shared))
    return (
        f" ({people:,.0f} of them at radio sites {hosts} shares with {ctx.whose(scope)}: its "
        "share of their people, by subscribers)"
    )


def population_share(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    rows = ctx.rows(scope)
    served = _served(ctx, scope, rows)
    share = served / prep.national_population if prep.national_population else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{ctx.whose(scope)} serves {_people(served)} by radio"
            + _sharing_words(ctx, scope, rows)
            + f", {share:.1%} of the population of {prep.national_population:,} ({_pct(spec)})"
        )
    ]


def exposed_population(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    """People on the radio sites within reach of the flagged suppliers' assets: the radio
    they run, and every radio site managed through or depending on an asset they run,
    directly or transitively (``requires`` and ``managed_by``), as a violation's
    ``people_depending`` counts them — not everyone the scope serves."""
    prep = ctx.prep
    rows = ctx.rows(scope)
    basis = ctx.basis(spec.basis)
    reached = rows & prep.radio & ctx.reach(basis.possible)
    exposed = _served(ctx, scope, reached)
    share = exposed / prep.national_population if prep.national_population else 0.0
    named = ctx.supplier_names(basis.possible & _reaching(ctx, basis.possible, reached))
    critical = ctx.sample(rows & prep.critical & ctx.of_suppliers(basis.possible))
    facts = [
        Fact(
            text=f"{_people(exposed)} exposed ({share:.1%} of the population): "
            + _reach_words(ctx, scope, basis.words, named, reached)
            + (f"; critical assets they run there: {', '.join(critical)}" if critical else "")
            + f" ({_pct(spec)})",
            refs=(*named, *critical),
        )
    ]
    if basis.unknown.any():
        facts.extend(_unknown_exposure(ctx, scope, basis, rows))
    return by_threshold(share, spec), facts


def _reaching(ctx: RuleContext, flags: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """Per supplier: flagged, and some of ``reached`` is within reach of its assets."""
    out = np.zeros(ctx.prep.n_suppliers, dtype=bool)
    for s in np.flatnonzero(flags).tolist():
        out[s] = bool((reached & ctx.reach_of(s)).any())
    return out


def _reach_words(
    ctx: RuleContext, scope: int | None, words: str, names: list[str], reached: np.ndarray
) -> str:
    """Which radio sites of the scope the suppliers' assets reach, and how."""
    whose = ctx.whose(scope)
    if not reached.any():
        return (
            f"no radio site of {whose} runs on, is managed through or depends on an asset of "
            f"{words}"
        )
    sites = int(ctx.prep.table.sites @ _once(ctx, reached))
    return (
        f"the people of {plural(sites, 'radio site')} of {whose} that run on, are managed "
        f"through or depend on assets of {words} ({', '.join(names)}), directly or "
        "transitively through requires and managed_by" + _sharing_words(ctx, scope, reached)
    )


def _unknown_exposure(
    ctx: RuleContext, scope: int | None, basis: Basis, rows: np.ndarray
) -> list[Fact]:
    """What suppliers of unknown level add to an exposure: named, never taken as low."""
    prep = ctx.prep
    unknown = basis.unknown
    reached = rows & prep.radio & ctx.reach(unknown)
    names = ctx.supplier_names(unknown & _reaching(ctx, unknown, reached))
    if not reached.any() or not names:
        return []
    return [
        Fact(
            text=f"{_served(ctx, scope, reached):,.0f} of the people {ctx.whose(scope)} "
            f"serves are on radio sites that run on, are managed through or depend on assets "
            f"of suppliers whose {basis.name} is unknown ({', '.join(names)}): counted as "
            f"exposed, since it could be high; score the {basis.name} to know",
            refs=tuple(names),
        )
    ]


def largest_supplier_population(ctx: RuleContext, spec: LevelRule, scope: int | None) -> Measured:
    prep = ctx.prep
    radio = ctx.rows(scope) & prep.radio & (prep.supplier >= 0)
    # a supplier counts a site's people once however many of its radios the site carries,
    # and a site with radios of two suppliers whole for each (as the footprints)
    first = site_split(prep.table.site, np.maximum(prep.supplier, 0), radio) > 0
    people = np.bincount(
        prep.supplier[first], weights=ctx.people(scope)[first], minlength=prep.n_suppliers
    )
    if not people.any():
        return Level.LOW, [Fact(text=f"{ctx.whose(scope)} has no attributed radio sites")]
    largest = int(np.argmax(people))
    share = people[largest] / prep.national_population if prep.national_population else 0.0
    mine = radio & (prep.supplier == largest)
    return by_threshold(share, spec), [
        Fact(
            text=f"{prep.supplier_ids[largest]} is the largest radio supplier of "
            f"{ctx.whose(scope)}, serving {_people(people[largest])}"
            + _sharing_words(ctx, scope, mine)
            + f" ({share:.1%} of the population; {_pct(spec)})",
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
            text=f"{ctx.whose(scope)} has {plural(subscribers, 'subscriber')}, {share:.1%} of "
            f"the population ({_pct(spec)})"
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
            text=f"{ctx.whose(scope)} carries {plural(len(names), 'critical service')}"
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
    once = _once(ctx, mask) > 0
    people = ctx.people(scope)[once]
    sites = int(prep.table.sites[once].sum())
    exposed = float(people.sum())
    share = exposed / prep.national_population if prep.national_population else 0.0
    per_site = exposed / sites if sites else 0.0
    most = float(people.max()) if people.size else 0.0
    return by_threshold(share, spec), [
        Fact(
            text=f"{_people(exposed)} ({share:.1%} of the population) are served by "
            f"{plural(sites, 'radio site')} of {ctx.whose(scope)} with less than {hours:g} h of "
            f"autonomy: {per_site:,.0f} people per site on average, at most {most:,.0f}"
            + _sharing_words(ctx, scope, mask)
            + f" ({_pct(spec)})"
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
