"""Checks of the access sites (radio and wireline) read from site files, column by column.

A bad value used by many rows is reported once, at its first row, with the number of
rows that share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from fiveguard.domain.network import AnyOf
from fiveguard.domain.sites import Categorical
from fiveguard.modelio.validate_assets import AssetChecks

MAX_LISTED = 50
"""Problems of one kind listed one by one before the rest are counted in one line."""


class SiteRowChecks(AssetChecks):
    """The rows of the site files: duplicate ids, then each column's values."""

    def report_site_duplicates(self, site_ids: list[str], declared: set[str]) -> None:
        """Each duplicate site id at its row; past the first ones, a count of the rest."""
        seen: set[str] = set()
        duplicates: list[int] = []
        for row, ident in enumerate(site_ids):
            if ident in seen or ident in declared:
                duplicates.append(row)
            seen.add(ident)
        for row in duplicates[:MAX_LISTED]:
            self.at_site(row, "id", f"duplicate asset id {site_ids[row]!r}")
        if len(duplicates) > MAX_LISTED:
            row = duplicates[MAX_LISTED]
            self.at_site(
                row,
                "id",
                f"… and {len(duplicates) - MAX_LISTED:,} more duplicate asset ids from here on",
            )

    # -- CSV site rows, column by column
    def check_site_rows(self) -> None:
        sites = self.sites
        if not len(sites):
            return

        def used(column: str) -> dict[Any, int]:
            categorical: Categorical[Any] = getattr(sites, column)
            return categorical.used()

        def rows_using(column: str, value: Any) -> int:
            categorical: Categorical[Any] = getattr(sites, column)
            code = categorical.categories.index(value)
            return int(np.count_nonzero(categorical.codes == code))

        single: list[tuple[str, Callable[[Any], Iterable[tuple[str, str]]]]] = [
            (
                "operator",
                lambda v: [
                    *self.asset_field_problems(operator=v),
                    *self.mvno_asset_problems(v, None),
                ],
            ),
            ("kind", self.site_kind_problems),
            ("region", lambda v: self.asset_field_problems(region=v)),
            ("critical_services", lambda v: self.asset_field_problems(services=v)),
            ("managed_by", lambda v: self.asset_field_problems(managed_by=v)),
        ]
        for column, check in single:
            for value, row in used(column).items():
                for field, message in check(value):
                    self.at_site(row, field, message, rows_using(column, value))
        # product against the kind of each row: check each (product, kind) pair once
        found = _Grouped()
        for p_code, k_code, row, count in _pairs(sites.product.codes, sites.kind.codes):
            kind = sites.kind.categories[k_code] if k_code >= 0 else None
            for field, message in self.product_problems(sites.product.categories[p_code], kind):
                found.add(field, message, row, count)
        # shared_with against each row's own operator: pairs again
        for s_code, o_code, row, count in _pairs(sites.shared_with.codes, sites.operator.codes):
            operator = sites.operator.categories[o_code] if o_code >= 0 else None
            for field, message in self.asset_field_problems(
                operator=operator, shared_with=sites.shared_with.categories[s_code]
            ):
                if field == "shared_with":
                    found.add(field, message, row, count)
        # wireline access is never shared: shared_with against each row's kind
        for _shared, k_code, row, count in _pairs(sites.shared_with.codes, sites.kind.codes):
            kind = sites.kind.categories[k_code] if k_code >= 0 else None
            info = self.cat.asset_kinds.get(kind) if kind is not None else None
            if info is not None and info.is_access and not info.is_radio:
                found.add(
                    "shared_with",
                    f"RAN sharing is between radio assets; a {kind} is wireline access: "
                    "leave shared_with empty",
                    row,
                    count,
                )
        for field, message, row, count in found.problems():
            self.at_site(row, field, message, count)
        for pattern, row in used("requires").items():
            for requirement in pattern:
                members = requirement.any if isinstance(requirement, AnyOf) else (requirement,)
                for member in members:
                    if member not in self.assets:
                        self.broken_references = True
                        self.at_site(
                            row,
                            "requires",
                            f"{member!r} is not a declared asset",
                            rows_using("requires", pattern),
                        )
                short = self.pool_capacity_problem(requirement)
                if short:
                    self.at_site(row, "requires", short, rows_using("requires", pattern))
        for column in ("installed", "purchased"):
            for date, row in used(column).items():
                late = self.late_date_problem(column, date)
                if late:
                    self.at_site(row, column, late, rows_using(column, date))
        self.check_site_purchase_order()
        self.check_site_numbers()
        self.check_site_self_references()

    def check_site_purchase_order(self) -> None:
        """No purchase after the installation: each pair of dates once, at its first row."""
        installed, purchased = self.sites.installed, self.sites.purchased
        codes = np.stack([installed.codes, purchased.codes], axis=1)
        pairs, first, counts = np.unique(codes, axis=0, return_index=True, return_counts=True)
        for (i_code, p_code), row, count in zip(
            pairs.tolist(), first.tolist(), counts.tolist(), strict=True
        ):
            if i_code < 0 or p_code < 0:
                continue
            message = self.purchase_order_problem(
                installed.categories[i_code], purchased.categories[p_code]
            )
            if message:
                self.at_site(int(row), "purchased", message, int(count))

    def site_kind_problems(self, kind: str) -> Iterable[tuple[str, str]]:
        info = self.cat.asset_kinds.get(kind)
        if info is None:
            yield "kind", self.unknown_kind(kind)
        elif not info.is_access:
            yield (
                "kind",
                "site files list access assets (radio, or wireline: wireline.olt, "
                f"wireline.cmts, wireline.dslam); {kind!r} is in the {info.domain.value} domain",
            )

    def site_radio_rows(self) -> npt.NDArray[np.bool_]:
        """Per site row, whether its kind is a radio kind (the others are wireline access,
        or a kind already reported)."""
        kinds = self.sites.kind
        flags = [
            k in self.cat.asset_kinds and self.cat.asset_kinds[k].is_radio for k in kinds.categories
        ]
        return np.asarray([*flags, False], dtype=bool)[kinds.codes]

    def check_site_numbers(self) -> None:
        sites = self.sites
        limits = self.cat.limits
        radio = self.site_radio_rows()
        checks = [
            (
                "sites",
                sites.sites > limits.max_sites_per_asset,
                f"absurd number of sites (limit {limits.max_sites_per_asset:,})",
            ),
            (
                "population",
                (sites.sites > 0)
                & (
                    sites.population > sites.sites.astype(np.int64) * limits.max_population_per_site
                ),
                "absurd population for the number of sites "
                f"(limit {limits.max_population_per_site:,} per site)",
            ),
            (
                "battery_hours",
                np.nan_to_num(sites.battery_hours) > limits.max_battery_hours,
                f"absurd battery autonomy (limit {limits.max_battery_hours:g} h)",
            ),
            (
                "sites",
                radio & (sites.sites == 0) & (sites.population > 0),
                "a radio asset serving people needs at least one site",
            ),
        ]
        for column, mask, message in checks:
            bad = np.flatnonzero(mask)
            for row in bad[:20].tolist():
                self.at_site(row, column, message)
        regionless = np.flatnonzero(radio & (sites.region.codes < 0))
        for row in regionless[:20].tolist():
            self.at_site(row, "region", "a radio asset needs the region it serves")

    def check_site_self_references(self) -> None:
        """A site row naming itself in requires or managed_by (only site ids can)."""
        sites = self.sites

        def rows_of(ids: Iterable[str]) -> Iterable[int]:
            for ident in ids:
                row = self.assets.get(ident, -1) - self.n_written_assets
                if 0 <= row < len(sites):
                    yield row

        for code, pattern in enumerate(sites.requires.categories):
            members = {m for r in pattern for m in (r.any if isinstance(r, AnyOf) else (r,))}
            for row in rows_of(members):
                if sites.requires.codes[row] == code:
                    self.at_site(row, "requires", "an asset cannot require itself")
        for code, manager in enumerate(sites.managed_by.categories):
            for row in rows_of((manager,)):
                if sites.managed_by.codes[row] == code:
                    self.at_site(row, "managed_by", "an asset cannot manage itself")


def _pairs(
    first: npt.NDArray[np.int32], second: npt.NDArray[np.int32]
) -> Iterator[tuple[int, int, int, int]]:
    """Each pair of codes the rows hold, with a first code (-1 is none): the two codes,
    the first row holding the pair and the number of rows holding it."""
    pairs, rows, counts = np.unique(
        np.stack([first, second], axis=1), axis=0, return_index=True, return_counts=True
    )
    for (a, b), row, count in zip(pairs.tolist(), rows.tolist(), counts.tolist(), strict=True):
        if a >= 0:
            yield a, b, row, count


class _Grouped:
    """Problems found per pair of values, merged by message: each reported once, at its
    first row, with the rows of every pair that gave it."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], tuple[int, int]] = {}

    def add(self, field: str, message: str, row: int, count: int) -> None:
        first, total = self.found.get((field, message), (row, 0))
        self.found[(field, message)] = (min(first, row), total + count)

    def problems(self) -> Iterator[tuple[str, str, int, int]]:
        for (field, message), (row, count) in self.found.items():
            yield field, message, row, count
