"""Restriction policies, executed: which assets break which rule, on the assessment date.

A rule applies to suppliers whose profile is at or above its ``min_profile``. A supplier
whose profile is unknown but could reach that level makes the rule *unresolved* for its
assets rather than met. Deadlines: before a rule's deadline (on the assessment date
``scope.as_of``) a breaking asset is *in transition*; after it, or with no deadline, it
is a *violation*.

- ``exclude``: every targeted asset of such a supplier breaks the rule, limited to
  sensitive sites (``sensitive_sites_only``), to assets put in service after a date
  (``installed_after``; an asset with no installation date is unresolved) or to assets
  bought after a date (``purchased_after``; an asset with no purchase date is unresolved
  unless it was installed by that date, and so bought by then too).
- ``cap``: such suppliers together may hold at most ``max_share`` of the targeted assets,
  counted by radio sites or by people served, per operator or nationally. Per operator,
  the operator's view counts: its own assets and the radio assets others share with it (a
  shared site a whole site of each, its people split by subscribers); nationally each
  asset once. Exclusions are reported for the asset's own operator (its host).

A violation's ``quantity.population`` is everyone the breaking assets serve, a shared
site's people whole (all of them depend on its radio, whichever network they subscribe
to); ``quantity.operator_population`` is the violation's operator's part of them, split by
subscribers: the host's share for an exclusion, the operator's share a cap counts.

Every violation also gives ``people_depending``: the people served by radio assets that
depend on the breaking assets (themselves included), through ``requires`` and
``managed_by``, transitively — a core function breaking a rule touches every user whose
radio needs it, though it serves no one itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Literal

import numpy as np
import numpy.typing as npt

from fiveguard.assess.context import BoolArray, Prepared, dependents, plural
from fiveguard.assess.diversity import site_split
from fiveguard.assess.profiles import SupplierLevels
from fiveguard.assess.results import (
    PolicyAssessment,
    PolicyInfo,
    Quantity,
    RuleOutcome,
    Violation,
)
from fiveguard.domain.catalogue import CapRule, ExcludeRule, RestrictionPolicy

Status = Literal["violation", "in-transition", "unresolved"]
LEVEL_WORDS = {1: "low", 2: "medium", 3: "high"}
NAMED_ASSETS = 4
"""Up to this many assets are named in a violation's sentence; more are counted."""


def check_policy(
    prep: Prepared,
    levels: SupplierLevels,
    policy: RestrictionPolicy | None,
    origin: str = "preset",
) -> PolicyAssessment:
    """Check every rule of ``policy`` against the model; ``None`` checks nothing."""
    if policy is None:
        return PolicyAssessment(policy=None, as_of=prep.as_of, rules=(), violations=())
    outcomes: list[RuleOutcome] = []
    violations: list[Violation] = []
    for rule in policy.rules:
        if isinstance(rule, ExcludeRule):
            found, notes = _exclude(prep, levels, rule)
        else:
            found, notes = _cap(prep, levels, rule)
        violations.extend(found)
        outcomes.append(_outcome(rule, found, notes))
    info = PolicyInfo(
        id=policy.id,
        title=policy.title,
        status=policy.status,
        source=policy.source,
        modelled_on=policy.modelled_on,
        origin=origin,
        not_modelled=policy.not_modelled,
    )
    return PolicyAssessment(
        policy=info, as_of=prep.as_of, rules=tuple(outcomes), violations=tuple(violations)
    )


def _outcome(rule: ExcludeRule | CapRule, found: list[Violation], notes: list[str]) -> RuleOutcome:
    statuses = {v.status for v in found}
    status = (
        "violated"
        if "violation" in statuses
        else "in-transition"
        if "in-transition" in statuses
        else "unresolved"
        if statuses
        else "met"
    )
    return RuleOutcome(
        rule=rule.id,
        type=rule.rule,
        text=rule.text,
        status=status,
        violations=len(found),
        notes=tuple(notes),
    )


def deadline_status(prep: Prepared, rule: ExcludeRule | CapRule) -> Status:
    """``violation`` once the deadline has passed (or with none), else ``in-transition``;
    a deadline running from an event not yet dated (``deadline_after``) is still ahead."""
    if rule.deadline is None and rule.deadline_after is not None:
        return "in-transition"
    if rule.deadline is None or prep.as_of > rule.deadline:
        return "violation"
    return "in-transition"


def in_scope(
    levels: SupplierLevels, supplier: npt.NDArray[np.int64], min_rank: int
) -> tuple[BoolArray, BoolArray]:
    """Per row: supplier certainly at or above ``min_rank``; possibly (profile unknown)."""
    has = supplier >= 0
    index = np.where(has, supplier, 0)
    certain = has & (levels.profile_lowest[index] >= min_rank)
    possible = has & (levels.profile_highest[index] >= min_rank) & ~certain
    return certain, possible


# ---------------------------------------------------------------------------- exclude


def _exclude(
    prep: Prepared, levels: SupplierLevels, rule: ExcludeRule
) -> tuple[list[Violation], list[str]]:
    table = prep.table
    targeted = prep.rows_matching(rule.targets)
    if rule.sensitive_sites_only:
        targeted &= table.sensitive
    certain, possible = in_scope(levels, prep.supplier, rule.min_profile.rank)
    targeted, undated, notes = _new_equipment(prep, rule, targeted, certain | possible)
    status = deadline_status(prep, rule)
    if rule.deadline is not None:
        notes.append(
            f"deadline {rule.deadline}: "
            + ("passed on the assessment date" if status == "violation" else "still ahead")
        )
    notes.extend(_pending_note(rule))
    found = [
        *_grouped(prep, levels, rule, targeted & certain, status),
        *_grouped(prep, levels, rule, (targeted & possible) | undated, "unresolved"),
    ]
    return found, notes


def _new_equipment(
    prep: Prepared, rule: ExcludeRule, targeted: BoolArray, concerned: BoolArray
) -> tuple[BoolArray, BoolArray, list[str]]:
    """``targeted`` narrowed to equipment installed or bought after the rule's dates: the
    rows that certainly are, those of suppliers in scope (``concerned``) whose dates leave
    it open, and notes counting the latter (and the purchases dated by installation)."""
    table = prep.table
    yes, unknown = targeted, np.zeros(len(table), dtype=bool)
    notes: list[str] = []

    def narrow(y: BoolArray, u: BoolArray) -> None:  # three-valued AND
        nonlocal yes, unknown
        yes, unknown = yes & y, (yes | unknown) & (y | u) & ~(yes & y)

    if rule.installed_after is not None:
        after = np.datetime64(rule.installed_after, "D")
        known = ~np.isnat(table.installed)
        if count := int((targeted & concerned & ~known).sum()):
            notes.append(
                f"{_counted(count)} no installation date, so whether "
                f"{'it' if count == 1 else 'they'} came after {rule.installed_after} is "
                "unknown (reported as unresolved)"
            )
        narrow(known & (table.installed > after), ~known)
    if rule.purchased_after is not None:
        after = np.datetime64(rule.purchased_after, "D")
        known = ~np.isnat(table.purchased)
        bought_by = ~known & ~np.isnat(table.installed) & (table.installed <= after)
        undecided = ~known & ~bought_by
        day = rule.purchased_after
        if count := int((targeted & concerned & bought_by).sum()):
            notes.append(
                f"{_counted(count)} no purchase date but {'was' if count == 1 else 'were'} "
                f"installed by {day}, so bought by then too (not covered)"
            )
        if count := int((targeted & concerned & undecided).sum()):
            notes.append(
                f"{_counted(count)} no purchase date and no installation date on or before "
                f"{day}, so whether {'it was' if count == 1 else 'they were'} bought after "
                f"{day} is unknown (reported as unresolved)"
            )
        narrow(known & (table.purchased > after), undecided)
    return yes, unknown & concerned, notes


def _counted(count: int) -> str:
    """The start of a note counting assets of suppliers in scope: 'N assets … have'."""
    return f"{plural(count, 'asset')} of suppliers in scope {'has' if count == 1 else 'have'}"


def _grouped(
    prep: Prepared, levels: SupplierLevels, rule: ExcludeRule, rows_mask: BoolArray, status: Status
) -> Iterator[Violation]:
    """One violation per (supplier, operator) among the flagged rows."""
    rows = np.flatnonzero(rows_mask)
    if rows.size == 0:
        return
    n_ops = max(prep.n_operators, 1)
    keys = prep.supplier[rows] * n_ops + prep.operator[rows]
    order = np.argsort(keys, kind="stable")
    rows, keys = rows[order], keys[order]
    present, starts = np.unique(keys, return_index=True)
    bounds = [*starts.tolist(), rows.size]
    table = prep.table
    sample = prep.catalogue.assessment.sample_size
    for g, key in enumerate(present.tolist()):
        group = rows[bounds[g] : bounds[g + 1]]
        supplier = prep.supplier_ids[key // n_ops]
        operator = prep.operator_ids[key % n_ops]
        kinds = tuple(sorted({table.kinds[k] for k in np.unique(table.kind[group]).tolist()}))
        once = _site_once(prep, group)
        quantity = Quantity(
            assets=int(group.size),
            sites=int(table.sites[group] @ once),
            population=int(table.population[group] @ once),
            operator_population=round(float(prep.people(key % n_ops)[group] @ once)),
        )
        depending = people_depending(prep, group)
        yield Violation(
            rule=rule.id,
            rule_text=rule.text,
            type="exclude",
            status=status,
            suppliers=(supplier,),
            operator=operator,
            assets=prep.ids(group[:sample]),
            asset_count=int(group.size),
            kinds=kinds,
            quantity=quantity,
            people_depending=depending,
            deadline=rule.deadline,
            explanation=_exclude_words(prep, levels, rule, key // n_ops, operator, group, status)
            + _depending_words(quantity, depending)
            + _deadline_words(rule, status),
        )


def _exclude_words(
    prep: Prepared,
    levels: SupplierLevels,
    rule: ExcludeRule,
    supplier: int,
    operator: str,
    rows: npt.NDArray[np.int64],
    status: Status,
) -> str:
    """The violation in a sentence: who, how much, where; the assets named when few."""
    table = prep.table
    low, high = int(levels.profile_lowest[supplier]), int(levels.profile_highest[supplier])
    profile = LEVEL_WORDS[low] if low == high else f"unknown, up to {LEVEL_WORDS[high]}"
    covers = f"the rule covers {rule.min_profile.value} and above"
    who = f"{prep.supplier_ids[supplier]} (profile {profile}; {covers})"
    verb = "may break" if status == "unresolved" else "breaks"
    if rows.size <= NAMED_ASSETS:
        what = ", ".join(f"{table.ids[r]} ({table.kinds[table.kind[r]]})" for r in rows.tolist())
    else:
        kinds = sorted({table.kinds[k] for k in np.unique(table.kind[rows]).tolist()})
        what = f"{rows.size:,} assets ({', '.join(kinds)})"
    where = " at sensitive sites" if rule.sensitive_sites_only else ""
    once = _site_once(prep, rows)
    sites = int(table.sites[rows] @ once)
    people = int(table.population[rows] @ once)
    size = (
        f"; {plural(sites, 'radio site')} serving {plural(people, 'person', 'people')}"
        if sites
        else ""
    )
    return f"{who} {verb} the rule in {operator}{where}: {what}{size}"


def people_depending(prep: Prepared, rows: npt.NDArray[np.int64]) -> int:
    """People served by radio assets depending on ``rows`` (them included), transitively,
    a site's people once however many of its radios are reached."""
    seeds = np.zeros(len(prep.table), dtype=bool)
    seeds[rows] = True
    reached = dependents(prep, seeds) & prep.radio
    table = prep.table
    return int(table.population @ site_split(table.site, np.zeros(len(table), np.int64), reached))


def _depending_words(quantity: Quantity, depending: int) -> str:
    if depending == quantity.population:
        return ""
    return (
        f"; {plural(depending, 'person', 'people')} are served by radio sites that depend on "
        f"{'it' if quantity.assets == 1 else 'them'} (through requires and managed_by)"
    )


def _deadline_words(rule: ExcludeRule | CapRule, status: Status) -> str:
    if status == "in-transition" and rule.deadline is None and rule.deadline_after is not None:
        return f"; in transition until {rule.deadline_after.words()} (not yet dated)"
    if status == "in-transition":
        return f"; in transition until the deadline {rule.deadline}"
    if status == "violation" and rule.deadline is not None:
        return f"; the deadline {rule.deadline} has passed"
    return ""


def _pending_note(rule: ExcludeRule | CapRule) -> list[str]:
    if rule.deadline is not None or rule.deadline_after is None:
        return []
    return [
        f"deadline {rule.deadline_after.words()}: not yet dated, so assets breaking the rule "
        "are in transition; give the rule a deadline once it is"
    ]


# ---------------------------------------------------------------------------- cap


def _cap(
    prep: Prepared, levels: SupplierLevels, rule: CapRule
) -> tuple[list[Violation], list[str]]:
    targeted = prep.rows_matching(rule.targets)
    certain, possible = in_scope(levels, prep.supplier, rule.min_profile.rank)
    entries = _CapEntries(prep, rule, targeted)
    n_groups = prep.n_operators if rule.per == "operator" else 1

    def totals(mask: BoolArray) -> npt.NDArray[np.float64]:
        hit = mask[entries.row]
        counts = np.bincount(entries.group[hit], weights=entries.weight[hit], minlength=n_groups)
        return counts.astype(np.float64, copy=False)

    whole = totals(targeted)
    held = totals(targeted & certain)
    could = totals(targeted & (certain | possible))
    status = deadline_status(prep, rule)
    notes = [
        f"counted by {rule.measure}, "
        + (
            "per operator (its own assets and those other operators share with it)"
            if rule.per == "operator"
            else "nationally, all operators together"
        ),
        *_pending_note(rule),
    ]
    found: list[Violation] = []
    for g in range(n_groups):
        if whole[g] <= 0:
            continue
        share, possible_share = held[g] / whole[g], could[g] / whole[g]
        if share > rule.max_share:
            found.append(
                _cap_violation(prep, rule, entries, targeted & certain, g, share, whole[g], status)
            )
        elif possible_share > rule.max_share:
            found.append(
                _cap_violation(
                    prep,
                    rule,
                    entries,
                    targeted & (certain | possible),
                    g,
                    possible_share,
                    whole[g],
                    "unresolved",
                )
            )
    return found, notes


class _CapEntries:
    """What a cap counts: (row, group, weight) entries. Per operator, one entry per row of
    each operator's view (a shared row for its host and each guest; people split by
    subscribers, sites whole); nationally, each row once. Radio assets naming one ``site``
    among the targeted rows share its sites and people as in the diversity shares: the site
    is split equally between the suppliers of its radios (those naming no product counting
    as one more), a supplier once however many of its radios, so each site and person
    counts once in the total and a supplier's part is its part of the site."""

    def __init__(self, prep: Prepared, rule: CapRule, targeted: BoolArray) -> None:
        table = prep.table
        base = (table.sites if rule.measure == "sites" else table.population).astype(np.float64)
        column = np.where(prep.supplier >= 0, prep.supplier, prep.n_suppliers)
        base = base * site_split(table.site, column, targeted)
        if rule.per == "operator":
            view = prep.view
            self.row = view.row
            self.group = view.operator
            self.guest = view.guest
            self.people_share = view.share
        else:
            self.row = np.arange(len(table), dtype=np.int64)
            self.group = np.zeros(len(table), dtype=np.int64)
            self.guest = np.zeros(len(table), dtype=bool)
            self.people_share = np.ones(len(table), dtype=np.float64)
        split = self.people_share if rule.measure == "population" else 1.0
        self.weight = base[self.row] * split


def _cap_violation(
    prep: Prepared,
    rule: CapRule,
    entries: _CapEntries,
    mask: BoolArray,
    g: int,
    share: float,
    whole: float,
    status: Status,
) -> Violation:
    table = prep.table
    chosen = np.flatnonzero(mask[entries.row] & (entries.group == g))
    rows = entries.row[chosen]
    weights = entries.weight[chosen]
    per_supplier = np.bincount(prep.supplier[rows], weights=weights, minlength=prep.n_suppliers)
    contributors = [int(s) for s in np.argsort(-per_supplier, kind="stable") if per_supplier[s] > 0]
    suppliers = tuple(prep.supplier_ids[s] for s in contributors)
    held = float(per_supplier.sum())
    excess = math.ceil(held - rule.max_share * whole - 1e-9)
    operator = prep.operator_ids[g] if rule.per == "operator" else None
    parts = ", ".join(f"{prep.supplier_ids[s]} {per_supplier[s] / whole:.1%}" for s in contributors)
    unit = "radio sites" if rule.measure == "sites" else "people served"
    excess_unit = unit if excess != 1 else ("radio site" if rule.measure == "sites" else "person")
    kinds = tuple(sorted({table.kinds[k] for k in np.unique(table.kind[rows]).tolist()}))
    once = _site_once(prep, rows)
    guest = entries.guest[chosen]
    shared = ""
    if guest.any():
        hosts = ", ".join(
            dict.fromkeys(prep.operator_ids[int(k)] for k in prep.operator[rows[guest]])
        )
        shared = (
            f"; {plural(int(table.sites[rows[guest]] @ once[guest]), 'radio site')} of them are "
            f"{hosts}'s, shared with {operator}"
        )
    operator_people = round(
        float((table.population[rows] * entries.people_share[chosen] * once).sum())
    )
    return Violation(
        rule=rule.id,
        rule_text=rule.text,
        type="cap",
        status=status,
        suppliers=suppliers,
        operator=operator,
        assets=prep.ids(rows[: prep.catalogue.assessment.sample_size]),
        asset_count=int(rows.size),
        kinds=kinds,
        quantity=Quantity(
            assets=int(rows.size),
            sites=int(table.sites[rows] @ once),
            population=int(table.population[rows] @ once),
            operator_population=operator_people,
        ),
        people_depending=people_depending(prep, rows),
        measure=rule.measure,
        share=share,
        max_share=rule.max_share,
        total=round(whole),
        excess=excess,
        deadline=rule.deadline,
        explanation=(
            f"suppliers at or above {rule.min_profile.value} hold {share:.1%} of "
            f"{'the ' + operator + ' network' if operator else 'the national total'} "
            f"({_amount(held, rule.measure)} of {_amount(whole, rule.measure)} {unit}: "
            f"{parts}), above the cap of "
            f"{rule.max_share:.0%} by {excess:,} {excess_unit}"
            + shared
            + (" (counting suppliers whose profile is unknown)" if status == "unresolved" else "")
            + _deadline_words(rule, status)
        ),
    )


def _site_once(prep: Prepared, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Per row of ``rows``, 1 for the first row naming its site (or naming none), 0 for
    another row on a site already counted: the sites and people of ``rows``, each once."""
    table = prep.table
    site = table.site[rows]
    mask = np.ones(len(rows), dtype=bool)
    return site_split(site, np.zeros(len(rows), dtype=np.int64), mask)


_FRACTION = 1e-9  # below this, a count of sites is whole


def _amount(x: float, measure: str) -> str:
    """A count of sites or people; sites with one decimal when a site split between
    suppliers leaves a fraction (``2.5``), people rounded."""
    if measure == "sites" and abs(x - round(x)) > _FRACTION:
        return f"{x:,.1f}"
    return f"{x:,.0f}"
