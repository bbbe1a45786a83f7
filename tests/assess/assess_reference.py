"""A plain per-asset reference for the assessment engines: the oracle of the property tests
and the baseline of benchmarks/bench_assess.py.

Every function walks the assets one by one as objects (``model.asset(row)``) with ordinary
loops and dictionaries, the way one would check a result by hand. Nothing here is
vectorised, on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from fiveguard.catalog import default_catalogue
from fiveguard.domain.catalogue import CapRule, DiversityGroup, ExcludeRule, RuleTargets
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Asset

RANK = {"low": 1, "medium": 2, "high": 3}
Profiles = dict[str, tuple[int, int]]
"""Supplier id → (lowest, highest) profile rank, as the profile engine reports them."""


def every_asset(model: NetworkModel) -> list[Asset]:
    return [model.asset(row) for row in range(model.asset_count)]


def supplier_of(model: NetworkModel, asset: Asset) -> str | None:
    if asset.product is None:
        return None
    return model.products[asset.product.split("@")[0]].supplier


def targeted(asset: Asset, targets: RuleTargets) -> bool:
    kind = default_catalogue().asset_kinds[asset.kind]
    return (
        targets.all_assets
        or kind.domain in targets.domains
        or asset.kind in targets.kinds
        or any(tag in targets.tags for tag in kind.tags)
    )


def reference_exclude(
    model: NetworkModel, assets: Iterable[Asset], rule: ExcludeRule, profile: Profiles
) -> dict[tuple[str, str, str], tuple[int, int, int]]:
    """(status, supplier, operator) → (assets, sites, people) breaking an exclude rule."""
    as_of = model.document.scope.as_of
    found: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    in_force = "violation" if rule.deadline is None or rule.deadline < as_of else "in-transition"
    for asset in assets:
        supplier = supplier_of(model, asset)
        if supplier is None or not targeted(asset, rule.targets):
            continue
        if rule.sensitive_sites_only and not asset.sensitive:
            continue
        low, high = profile[supplier]
        need = RANK[rule.min_profile.value]
        if high < need:
            continue
        status = in_force if low >= need else "unresolved"
        if rule.installed_after is not None:
            if asset.installed is None:
                status = "unresolved"
            elif asset.installed <= rule.installed_after:
                continue
        cell = found[(status, supplier, asset.operator)]
        cell[0] += 1
        cell[1] += asset.sites
        cell[2] += asset.population
    return {k: (v[0], v[1], v[2]) for k, v in found.items()}


def reference_cap_shares(
    model: NetworkModel, assets: Iterable[Asset], rule: CapRule, profile: Profiles
) -> dict[str | None, float]:
    """Operator (or None nationally) → share held by suppliers certainly in the rule's scope."""
    whole: dict[str | None, float] = defaultdict(float)
    held: dict[str | None, float] = defaultdict(float)
    for asset in assets:
        if not targeted(asset, rule.targets):
            continue
        key = asset.operator if rule.per == "operator" else None
        amount = asset.sites if rule.measure == "sites" else asset.population
        whole[key] += amount
        supplier = supplier_of(model, asset)
        if supplier is not None and profile[supplier][0] >= RANK[rule.min_profile.value]:
            held[key] += amount
    return {k: held[k] / w for k, w in whole.items() if w > 0}


def reference_diversity(
    model: NetworkModel, assets: Iterable[Asset], groups: Iterable[DiversityGroup]
) -> dict[tuple[str, str, str], dict[str, float]]:
    """(group, scope, weight) → supplier → quantity, nationally and per operator."""
    found: dict[tuple[str, str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    groups = list(groups)
    for asset in assets:
        supplier = supplier_of(model, asset)
        if supplier is None:
            continue
        for group in groups:
            if not targeted(asset, group.targets):
                continue
            for weight in group.weights:
                amount = {"sites": asset.sites, "population": asset.population, "assets": 1}[weight]
                for scope in ("national", asset.operator):
                    found[(group.id, scope, weight)][supplier] += amount
    return found


def reference_managed_via(
    model: NetworkModel, assets: list[Asset], flagged: set[str]
) -> list[bool]:
    """Per asset: some manager up its chain is supplied by one of ``flagged`` suppliers."""
    by_id = {a.id: a for a in assets}
    out = []
    for asset in assets:
        seen: set[str] = set()
        node, hit = asset.managed_by, False
        while node is not None and node not in seen:
            seen.add(node)
            manager = by_id[node]
            hit |= supplier_of(model, manager) in flagged
            node = manager.managed_by
        out.append(hit)
    return out


def reference_short_battery(assets: Iterable[Asset], hours: float) -> dict[str, tuple[int, int]]:
    """Operator → (radio sites below ``hours`` or with none recorded, radio sites)."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for asset in assets:
        if not asset.kind.startswith("ran."):
            continue
        found[asset.operator][1] += asset.sites
        if asset.battery_hours is None or asset.battery_hours < hours:
            found[asset.operator][0] += asset.sites
    return {k: (v[0], v[1]) for k, v in found.items()}


def date_or_none(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
