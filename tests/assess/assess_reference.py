"""A plain per-asset reference for the assessment engines: the oracle of the property tests
and the baseline of benchmarks/bench_assess.py.

Every function walks the assets one by one as objects (``model.asset(row)``) with ordinary
loops and dictionaries, the way one would check a result by hand. Nothing here is
vectorised, on purpose.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
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
    if asset.kind in targets.kinds:
        return True
    if targets.generations and kind.generation not in targets.generations:
        return False
    return (
        targets.all_assets
        or kind.domain in targets.domains
        or any(tag in targets.tags for tag in kind.tags)
    )


def reference_exclude(
    model: NetworkModel, assets: Iterable[Asset], rule: ExcludeRule, profile: Profiles
) -> dict[tuple[str, str, str], tuple[int, int, int, float]]:
    """(status, supplier, operator) → (assets, sites, people, the host's share of the
    people by :func:`people_shares`) breaking an exclude rule."""
    as_of = model.document.scope.as_of
    found: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
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
        if rule.purchased_after is not None:
            if asset.purchased is not None:
                if asset.purchased <= rule.purchased_after:
                    continue
            elif asset.installed is not None and asset.installed <= rule.purchased_after:
                continue  # installed by then, so bought by then
            else:
                status = "unresolved"
        cell = found[(status, supplier, asset.operator)]
        cell[0] += 1
        cell[1] += asset.sites
        cell[2] += asset.population
        cell[3] += asset.population * people_shares(model, asset)[asset.operator]
    return {k: (int(v[0]), int(v[1]), int(v[2]), v[3]) for k, v in found.items()}


def people_shares(model: NetworkModel, asset: Asset) -> dict[str, float]:
    """RAN sharing: operator → its share of the asset's people. The host and each operator
    the asset is shared with split them by subscribers (equally if none has any)."""
    subscribers = {o.id: o.subscribers for o in model.document.operators}
    parties = [asset.operator, *asset.shared_with]
    total = sum(subscribers[p] for p in parties)
    if total == 0:
        return {p: 1 / len(parties) for p in parties}
    return {p: subscribers[p] / total for p in parties}


def reference_cap(
    model: NetworkModel, assets: Iterable[Asset], rule: CapRule, profile: Profiles
) -> dict[str | None, tuple[float, str, int, float]]:
    """Operator (or None nationally) → (share, status, excess, total) of a cap broken by
    suppliers certainly in the rule's scope. Per operator a shared asset counts for each
    operator sharing it: its sites whole, its people by :func:`people_shares`."""
    whole: dict[str | None, float] = defaultdict(float)
    held: dict[str | None, float] = defaultdict(float)
    for asset in assets:
        if not targeted(asset, rule.targets):
            continue
        if rule.per == "operator":
            counted = {
                op: (asset.sites if rule.measure == "sites" else asset.population * share)
                for op, share in people_shares(model, asset).items()
            }
        else:
            counted = {None: asset.sites if rule.measure == "sites" else asset.population}
        supplier = supplier_of(model, asset)
        in_scope = supplier is not None and profile[supplier][0] >= RANK[rule.min_profile.value]
        for key, amount in counted.items():
            whole[key] += amount
            if in_scope:
                held[key] += amount
    as_of = model.document.scope.as_of
    status = "violation" if rule.deadline is None or rule.deadline < as_of else "in-transition"
    out: dict[str | None, tuple[float, str, int, float]] = {}
    for key, total in whole.items():
        if total <= 0 or held[key] / total <= rule.max_share:
            continue
        excess = math.ceil(held[key] - rule.max_share * total - 1e-9)
        out[key] = (held[key] / total, status, excess, total)
    return out


def reference_profiles(model: NetworkModel) -> dict[str, tuple[str, int, int]]:
    """Supplier → (profile, lowest rank, highest rank) by the catalogue's profile rule,
    trying every level for each factor the model leaves unscored (no evidence moves a
    factor in these models)."""
    rule = default_catalogue().assessment.profile
    factors = (
        "government_link",
        "legislation",
        "ownership",
        "pressure",
        "supply_assurance",
        "product_quality",
    )
    out = {}
    for supplier in model.document.suppliers:
        options = []
        for factor in factors:
            score = getattr(supplier.profile, factor)
            options.append([RANK[score.score.value]] if score is not None else [1, 2, 3])
        outcomes = []
        for combo in itertools.product(*options):
            levels = dict(zip(factors, combo, strict=True))
            outcome = RANK[rule.otherwise.value]
            for step in rule.steps:
                hits = sum(1 for f in step.when.factors if levels[f] >= RANK[step.when.level.value])
                if hits >= step.when.at_least:
                    outcome = RANK[step.profile.value]
                    break
            outcomes.append(outcome)
        low, high = min(outcomes), max(outcomes)
        name = {1: "low", 2: "medium", 3: "high"}[low] if low == high else "unknown"
        out[supplier.id] = (name, low, high)
    return out


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
                found[(group.id, "national", weight)][supplier] += amount
                for scope, share in people_shares(model, asset).items():
                    part = amount * share if weight == "population" else amount
                    found[(group.id, scope, weight)][supplier] += part
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
    """Operator → (radio sites below ``hours`` or with none recorded, radio sites); a
    shared site counts for its host and for each operator it is shared with."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for asset in assets:
        if not asset.kind.startswith("ran."):
            continue
        for operator in (asset.operator, *asset.shared_with):
            found[operator][1] += asset.sites
            if asset.battery_hours is None or asset.battery_hours < hours:
                found[operator][0] += asset.sites
    return {k: (v[0], v[1]) for k, v in found.items()}


def date_or_none(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)
