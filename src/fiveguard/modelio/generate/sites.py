"""Synthetic radio sites as :class:`~fiveguard.domain.sites.SiteTable` columns.

Sites are built as NumPy arrays and :class:`~fiveguard.domain.sites.Categorical` codes,
never one Python object per row, so a million sites take a few seconds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from fiveguard.domain.network import AnyOf
from fiveguard.domain.sites import Categorical, SiteTable
from fiveguard.modelio.generate.plan import Plan

SITE_SERVICES: tuple[tuple[str, ...], ...] = (
    ("health",),
    ("energy",),
    ("transport",),
    ("finance",),
    ("government",),
    ("water",),
    ("health", "transport"),
    ("defence",),
)
"""Critical-service lists site rows can carry; sensitive sites carry the last."""


def site_table(rng: np.random.Generator, plan: Plan) -> SiteTable:
    """Every radio site as columns; rows ordered by operator, then region."""
    k, r = plan.people.site_counts.shape
    counts = plan.people.site_counts.ravel()  # group g = operator * R + region
    group = np.repeat(np.arange(k * r, dtype=np.int64), counts)
    n = int(group.shape[0])
    operator = group // r
    region = group % r
    supplier = np.where(
        rng.random(n) < plan.ran_split.ravel()[group],
        plan.ran_secondary.ravel()[group],
        plan.ran_primary.ravel()[group],
    )
    population = _site_population(rng, plan, group)
    battery = _battery_hours(rng, plan, region)
    sensitive, service = _sensitive_and_services(rng, plan, region)
    shared = (operator == plan.people.host) & plan.people.shared[region]
    return SiteTable(
        id=_site_ids(plan, counts),
        operator=Categorical(operator.astype(np.int32), plan.operator_ids),
        kind=Categorical.constant("ran.gnb", n),
        product=_radio_products(rng, plan, supplier),
        name=Categorical.constant(None, n),
        region=Categorical(region.astype(np.int32), tuple(x.id for x in plan.regions)),
        sites=np.ones(n, dtype=np.int32),
        population=population,
        critical_services=Categorical(service, SITE_SERVICES).compact(),
        sensitive=sensitive,
        battery_hours=battery,
        requires=_requirements(plan, group, counts),
        capacity=np.full(n, np.nan),
        managed_by=_managers(plan, operator, supplier),
        shared_with=Categorical(
            np.where(shared, 0, -1).astype(np.int32),
            ((plan.operator_ids[plan.people.guest],),) if plan.people.host >= 0 else (),
        ),
        site=Categorical.constant(None, n),
        installed=Categorical.constant(None, n),
        purchased=Categorical.constant(None, n),
        latitude=np.full(n, np.nan),
        longitude=np.full(n, np.nan),
    )


def _site_population(
    rng: np.random.Generator, plan: Plan, group: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """People each site serves; ``group`` is each site's operator × R + region.

    Busy sites serve several times the people of quiet ones: log-normal weights, rounded
    down (and shaved by a hair against rounding error) so that no operator's sites serve
    more people than it has users in the region.
    """
    weights = rng.lognormal(0.0, 0.6, group.shape[0])
    total = np.bincount(group, weights=weights, minlength=plan.people.served.size)
    share = weights / total[group] * (1.0 - 1e-9)
    return np.floor(share * plan.people.served.ravel()[group]).astype(np.int64)


def _battery_hours(
    rng: np.random.Generator, plan: Plan, region: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """Each site's battery autonomy in hours, to the half hour, from 1 to 8.

    Rural sites get longer autonomy: the grid is restored later out there.
    """
    rural = 1.0 - (plan.people.density - 50.0) / 250.0
    hours = 1.5 + 5.0 * rural[region] + rng.normal(0.0, 1.0, region.shape[0])
    return np.clip(np.round(hours * 2.0) / 2.0, 1.0, 8.0).astype(np.float64)


def _sensitive_and_services(
    rng: np.random.Generator, plan: Plan, region: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int32]]:
    """Which sites are sensitive, and each site's code in :data:`SITE_SERVICES` (-1: none).

    A third of the regions hold a military or government site; a few sites near it.
    """
    n = region.shape[0]
    hot = rng.random(plan.n_regions) < 0.3
    sensitive = rng.random(n) < np.where(hot, 0.02, 0.001)[region]
    service = np.where(rng.random(n) < 0.03, rng.integers(0, len(SITE_SERVICES) - 1, n), -1).astype(
        np.int32
    )
    service[sensitive] = len(SITE_SERVICES) - 1
    return sensitive, service


def _site_ids(plan: Plan, counts: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """``op-1.site-000001`` …: numbered per operator, in row order."""
    k = len(plan.operator_ids)
    per_operator = counts.reshape(k, -1).sum(axis=1).tolist()
    ids = np.empty(sum(per_operator), dtype=object)
    start = 0
    for op, count in zip(plan.operator_ids, per_operator, strict=True):
        width = max(4, len(str(count)))
        ids[start : start + count] = [f"{op}.site-{i:0{width}d}" for i in range(1, count + 1)]
        start += count
    return ids


def _radio_products(
    rng: np.random.Generator, plan: Plan, supplier: npt.NDArray[np.int64]
) -> Categorical[str]:
    """Each site's gNB product version: the newer version of a supplier on most sites."""
    names: list[str] = []
    first: dict[int, int] = {}
    n_versions = np.ones(len(plan.suppliers), dtype=np.int64)
    for s in range(len(plan.suppliers)):
        versions = plan.versions.get((s, "ran.gnb"))
        if versions is None:
            continue
        first[s] = len(names)
        n_versions[s] = len(versions)
        names.extend(f"{plan.product_id(s, 'ran.gnb')}@{v}" for v in versions)
    offset = np.asarray([first.get(s, 0) for s in range(len(plan.suppliers))], dtype=np.int64)
    newer = (rng.random(supplier.shape[0]) < 0.7) & (n_versions[supplier] > 1)
    return Categorical((offset[supplier] + newer).astype(np.int32), tuple(names)).compact()


def _requirements(
    plan: Plan, group: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]
) -> Categorical[tuple[str | AnyOf, ...]]:
    """One ``requires`` pattern per operator and region that has sites: the operator's
    core and backhaul; on the host's shared sites, the guest's core too."""
    r = plan.n_regions
    used = np.flatnonzero(counts > 0)
    patterns: list[tuple[str | AnyOf, ...]] = []

    def core(op: str, region: int) -> tuple[str | AnyOf, ...]:
        upf = f"{op}.upf-{plan.cluster_of(region) + 1}"
        return (AnyOf(any=(f"{op}.amf-1", f"{op}.amf-2")), f"{op}.smf", upf)

    for g in used.tolist():
        k, region = g // r, g % r
        op = plan.operator_ids[k]
        shared = k == plan.people.host and bool(plan.people.shared[region])
        guest = core(plan.operator_ids[plan.people.guest], region) if shared else ()
        patterns.append((*core(op, region), *guest, f"{op}.backhaul-{plan.regions[region].id}"))
    code_of_group = np.full(len(counts), -1, dtype=np.int32)
    code_of_group[used] = np.arange(len(used), dtype=np.int32)
    return Categorical(code_of_group[group], tuple(patterns))


def _managers(
    plan: Plan, operator: npt.NDArray[np.int64], supplier: npt.NDArray[np.int64]
) -> Categorical[str]:
    """Each site is managed by its operator's element manager for its supplier."""
    pair = operator * len(plan.suppliers) + supplier
    used, codes = np.unique(pair, return_inverse=True)
    names = tuple(
        f"{plan.operator_ids[p // len(plan.suppliers)]}.ems-"
        f"{plan.suppliers[p % len(plan.suppliers)].id}"
        for p in used.tolist()
    )
    return Categorical(codes.astype(np.int32).reshape(-1), names)
