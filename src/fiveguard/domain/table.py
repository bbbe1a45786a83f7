"""All assets of a model as one set of arrays: the common input of every engine.

Rows ``0 … n_declared-1`` are the assets declared in the YAML document, in order; the
rest are the CSV site rows, in order. Every reference is resolved to an index once here,
so engines group, filter and propagate with NumPy instead of looping over objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from fiveguard.domain.base import split_product_ref
from fiveguard.domain.graph import ragged_ranges, row_of_entry
from fiveguard.domain.network import AnyOf, Asset

if TYPE_CHECKING:
    import datetime as dt

    from fiveguard.domain.network import ModelDocument
    from fiveguard.domain.sites import Categorical, SiteTable

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]

NAT = np.datetime64("NaT", "D")


class UnresolvedReferenceError(KeyError):
    """Raised when a table is built from a model that has not been validated."""


@dataclass(frozen=True, eq=False)
class AssetTable:
    """Every asset as a row. Index columns use -1 for "none".

    ``requires`` is a two-level CSR: asset ``i`` has entries ``req_ptr[i]:req_ptr[i+1]``;
    entry ``e`` has members ``members[entry_ptr[e]:entry_ptr[e+1]]`` and is satisfied
    while any member is up (a plain id is an entry with one member).
    """

    ids: npt.NDArray[np.object_]
    n_declared: int
    position: Mapping[str, int]
    kinds: tuple[str, ...]
    kind: Int32Array
    operator: Int32Array
    product_versions: tuple[str, ...]
    product_version: Int32Array
    product: Int32Array
    supplier: Int32Array
    region: Int32Array
    sites: Int64Array
    population: Int64Array
    sensitive: npt.NDArray[np.bool_]
    battery_hours: npt.NDArray[np.float64]
    installed: npt.NDArray[np.datetime64]
    purchased: npt.NDArray[np.datetime64]
    managed_by: Int32Array
    req_ptr: Int64Array
    entry_ptr: Int64Array
    members: Int32Array
    entry_is_group: npt.NDArray[np.bool_]
    service_ids: tuple[str, ...]
    service_ptr: Int64Array
    services: Int32Array
    shared_ptr: Int64Array
    shared_with: Int32Array
    site_ids: tuple[str, ...]
    site: Int32Array
    """Per asset, the physical site it stands on (an index into ``site_ids``), -1 for none."""

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    @property
    def entry_asset(self) -> Int64Array:
        """For each requires entry, the asset it belongs to."""
        return row_of_entry(self.req_ptr)

    def dependency_edges(self) -> tuple[Int64Array, Int32Array]:
        """The requires graph flattened: asset → every member of each of its entries."""
        member_entry = row_of_entry(self.entry_ptr)
        owner = self.entry_asset[member_entry]
        counts = np.bincount(owner, minlength=len(self))
        ptr = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        # entries are stored in asset order, so members already are too
        return ptr, self.members

    def repeats_site(self) -> npt.NDArray[np.bool_]:
        """Per asset, whether it names a ``site`` an earlier asset named: radio assets on
        one site share its people and sites, which count once, at the site's first."""
        named = np.flatnonzero(self.site >= 0)
        _, first = np.unique(self.site[named], return_index=True)
        out = self.site >= 0
        out[named[first]] = False
        return out

    def management_edges(self) -> tuple[Int64Array, Int32Array]:
        """The managed_by graph: each asset → its manager (at most one)."""
        has = self.managed_by >= 0
        ptr = np.zeros(len(self) + 1, dtype=np.int64)
        np.cumsum(has, out=ptr[1:])
        return ptr, self.managed_by[has]


class _Indexer:
    """Maps names to dense indices, in first-seen order."""

    def __init__(self, names: Sequence[str] = ()) -> None:
        self.index: dict[str, int] = {name: i for i, name in enumerate(names)}

    def __call__(self, name: str | None) -> int:
        if name is None:
            return -1
        return self.index.setdefault(name, len(self.index))

    def names(self) -> tuple[str, ...]:
        return tuple(self.index)


def build_asset_table(document: ModelDocument, sites: SiteTable) -> AssetTable:
    """Resolve every reference of a validated model into index arrays."""
    sites = sites.compacted()  # categories no row uses need not (and may not) resolve
    declared = document.assets
    ids, position = _ids_and_positions(declared, sites)
    operators = {o.id: i for i, o in enumerate(document.operators)}
    regions = {r.id: i for i, r in enumerate(document.regions)}
    kinds = _Indexer()
    versions = _Indexer()

    kind = _column([kinds(a.kind) for a in declared], _site_codes(sites.kind, kinds, "kind"))
    operator = _column(
        [_lookup(operators, a.operator, "operator") for a in declared],
        _site_codes(sites.operator, operators, "operator"),
    )
    product_version = _column(
        [versions(a.product) for a in declared], _site_codes(sites.product, versions, "product")
    )
    product_versions = versions.names()
    pv_product, pv_supplier = _product_and_supplier_of_versions(document, product_versions)
    region = _column(
        [_lookup(regions, a.region, "region") for a in declared],
        _site_codes(sites.region, regions, "region"),
    )
    managed_by = _column(
        [_lookup(position, a.managed_by, "asset") for a in declared],
        _site_codes(sites.managed_by, position, "asset"),
    )
    installed = _dates([a.installed for a in declared], sites.installed, len(sites))
    purchased = _dates([a.purchased for a in declared], sites.purchased, len(sites))
    req_ptr, entry_ptr, members, entry_is_group = _requirements(declared, sites, position)
    service_ids, service_ptr, service_col = _critical_services(declared, sites)
    shared_ptr, shared_col = _shared_with(declared, sites, operators)
    site_count, population, sensitive, battery_hours = _quantities(declared, sites)
    site_names = _Indexer()
    site = _column(
        [site_names(a.site) for a in declared], _site_codes(sites.site, site_names, "site")
    )

    return AssetTable(
        ids=ids,
        n_declared=len(declared),
        position=position,
        kinds=kinds.names(),
        kind=kind,
        operator=operator,
        product_versions=product_versions,
        product_version=product_version,
        product=pv_product[product_version],
        supplier=pv_supplier[product_version],
        region=region,
        sites=site_count,
        population=population,
        sensitive=sensitive,
        battery_hours=battery_hours,
        installed=installed,
        purchased=purchased,
        managed_by=managed_by,
        req_ptr=req_ptr,
        entry_ptr=entry_ptr,
        members=members,
        entry_is_group=entry_is_group,
        service_ids=service_ids,
        service_ptr=service_ptr,
        services=service_col,
        shared_ptr=shared_ptr,
        shared_with=shared_col,
        site_ids=site_names.names(),
        site=site,
    )


def _ids_and_positions(
    declared: Sequence[Asset], sites: SiteTable
) -> tuple[npt.NDArray[np.object_], dict[str, int]]:
    """Every asset id, declared ones first, and the row of each id."""
    ids = np.empty(len(declared) + len(sites), dtype=object)
    ids[: len(declared)] = [a.id for a in declared]
    ids[len(declared) :] = sites.id
    position: dict[str, int] = {str(name): i for i, name in enumerate(ids.tolist())}
    return ids, position


def _lookup(table: Mapping[str, int], name: str | None, what: str) -> int:
    """The index of ``name`` in ``table``, -1 for None; unknown names are a bug here."""
    if name is None:
        return -1
    try:
        return table[name]
    except KeyError:
        raise UnresolvedReferenceError(f"{what} {name!r}") from None


def _column(values: Sequence[int], site_part: Int32Array) -> Int32Array:
    """An index column: the declared assets' values, then the site rows'."""
    return np.concatenate([np.asarray(values, dtype=np.int32), site_part]).astype(np.int32)


def _site_codes(
    cat: Categorical[str], resolve: Mapping[str, int] | _Indexer, what: str
) -> Int32Array:
    """A site column's codes turned into indices, resolving each category once."""
    if isinstance(resolve, _Indexer):
        return cat.remap([resolve(v) for v in cat.categories])
    return cat.remap([_lookup(resolve, v, what) for v in cat.categories])


def _product_and_supplier_of_versions(
    document: ModelDocument, product_versions: Sequence[str]
) -> tuple[Int32Array, Int32Array]:
    """Each ``PRODUCT@VERSION``'s product and supplier index, then -1 for "no product"."""
    suppliers = {s.id: i for i, s in enumerate(document.suppliers)}
    products = {p.id: i for i, p in enumerate(document.products)}
    product_supplier = {p.id: suppliers.get(p.supplier, -1) for p in document.products}
    pv_product = np.asarray(
        [_lookup(products, split_product_ref(r)[0], "product") for r in product_versions] + [-1],
        dtype=np.int32,
    )
    pv_supplier = np.asarray(
        [product_supplier.get(split_product_ref(r)[0], -1) for r in product_versions] + [-1],
        dtype=np.int32,
    )
    return pv_product, pv_supplier


def _dates(
    declared: Sequence[dt.date | None], column: Categorical[dt.date], n_sites: int
) -> npt.NDArray[np.datetime64]:
    """A date per asset (installation, purchase), NaT where unknown: the declared assets'
    values, then the site column's."""
    return np.concatenate(
        [
            np.array([d or NAT for d in declared], dtype="datetime64[D]"),
            np.array([*column.categories, NAT], dtype="datetime64[D]")[column.codes]
            if n_sites
            else np.zeros(0, dtype="datetime64[D]"),
        ]
    )


def _quantities(
    declared: Sequence[Asset], sites: SiteTable
) -> tuple[Int64Array, Int64Array, npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    """Sites, population, sensitivity and battery hours per asset (NaN: no battery)."""
    site_count = np.concatenate([[a.sites for a in declared], sites.sites]).astype(np.int64)
    population = np.concatenate([[a.population for a in declared], sites.population]).astype(
        np.int64
    )
    sensitive = np.concatenate([[a.sensitive for a in declared], sites.sensitive]).astype(bool)
    battery_hours = np.concatenate(
        [
            [np.nan if a.battery_hours is None else a.battery_hours for a in declared],
            sites.battery_hours,
        ]
    ).astype(np.float64)
    return site_count, population, sensitive, battery_hours


def _critical_services(
    declared: Sequence[Asset], sites: SiteTable
) -> tuple[tuple[str, ...], Int64Array, Int32Array]:
    """The services named, in first-seen order, and each asset's as a list column."""
    services = _Indexer()
    ptr, column = _list_column(
        [[services(s) for s in a.critical_services] for a in declared],
        [[services(s) for s in p] for p in sites.critical_services.categories],
        sites.critical_services.codes,
    )
    return services.names(), ptr, column


def _shared_with(
    declared: Sequence[Asset], sites: SiteTable, operators: Mapping[str, int]
) -> tuple[Int64Array, Int32Array]:
    """The operators each asset is shared with, as a list column of operator indices."""
    return _list_column(
        [[_lookup(operators, o, "operator") for o in a.shared_with] for a in declared],
        [[_lookup(operators, o, "operator") for o in p] for p in sites.shared_with.categories],
        sites.shared_with.codes,
    )


def _requirements(
    declared: Sequence[Asset], sites: SiteTable, position: Mapping[str, int]
) -> tuple[Int64Array, Int64Array, Int32Array, npt.NDArray[np.bool_]]:
    """The requires two-level CSR, from per-asset (or per-pattern) entry lists."""

    def resolve(reqs: Sequence[str | AnyOf]) -> list[list[int]]:
        return [
            [_lookup(position, m, "asset") for m in (r.any if isinstance(r, AnyOf) else (r,))]
            for r in reqs
        ]

    def group_flags(reqs: Sequence[str | AnyOf]) -> list[bool]:
        return [isinstance(r, AnyOf) for r in reqs]

    decl_entries = [resolve(a.requires) for a in declared]
    decl_groups = [group_flags(a.requires) for a in declared]
    pattern_entries = [resolve(p) for p in sites.requires.categories]
    pattern_groups = [group_flags(p) for p in sites.requires.categories]
    return _two_level_csr(
        decl_entries, decl_groups, pattern_entries, pattern_groups, sites.requires.codes
    )


def _ptr(counts: npt.NDArray[np.integer]) -> Int64Array:
    ptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


def _list_column(
    declared: Sequence[Sequence[int]], patterns: Sequence[Sequence[int]], codes: Int32Array
) -> tuple[Int64Array, Int32Array]:
    """CSR of per-row lists: declared rows listed directly, site rows via pattern codes."""
    pat_counts = np.asarray([len(p) for p in patterns] + [0], dtype=np.int64)
    pat_ptr = _ptr(pat_counts)
    pat_flat = np.asarray([v for p in patterns for v in p], dtype=np.int32)
    site_counts = pat_counts[codes]
    counts = np.concatenate([np.asarray([len(d) for d in declared], dtype=np.int64), site_counts])
    ptr = _ptr(counts)
    site_part = pat_flat[ragged_ranges(pat_ptr, np.where(codes < 0, len(patterns), codes))]
    flat = np.concatenate([np.asarray([v for d in declared for v in d], dtype=np.int32), site_part])
    return ptr, flat.astype(np.int32)


def _two_level_csr(
    decl_entries: Sequence[Sequence[Sequence[int]]],
    decl_groups: Sequence[Sequence[bool]],
    pattern_entries: Sequence[Sequence[Sequence[int]]],
    pattern_groups: Sequence[Sequence[bool]],
    codes: Int32Array,
) -> tuple[Int64Array, Int64Array, Int32Array, npt.NDArray[np.bool_]]:
    # Entries as a list column (each entry an id), then members of each entry.
    entry_lists: list[list[int]] = []
    decl_entry_ids: list[list[int]] = []
    decl_flags: list[bool] = []
    for entries, flags in zip(decl_entries, decl_groups, strict=True):
        decl_entry_ids.append(list(range(len(entry_lists), len(entry_lists) + len(entries))))
        entry_lists.extend(list(e) for e in entries)
        decl_flags.extend(flags)
    pat_entry_ids: list[list[int]] = []
    pat_flags: list[bool] = []
    for entries, flags in zip(pattern_entries, pattern_groups, strict=True):
        pat_entry_ids.append(list(range(len(entry_lists), len(entry_lists) + len(entries))))
        entry_lists.extend(list(e) for e in entries)
        pat_flags.extend(flags)
    # every asset row → list of "template entry" ids
    req_ptr, template = _list_column(decl_entry_ids, pat_entry_ids, codes)
    template_ptr = _ptr(np.asarray([len(e) for e in entry_lists], dtype=np.int64))
    template_members = np.asarray([m for e in entry_lists for m in e], dtype=np.int32)
    template64 = template.astype(np.int64)
    entry_ptr = _ptr(template_ptr[template64 + 1] - template_ptr[template64])
    members = template_members[ragged_ranges(template_ptr, template64)]
    is_group = np.asarray(decl_flags + pat_flags, dtype=bool)
    return req_ptr, entry_ptr, members.astype(np.int32), is_group[template64]


def asset_of_row(table: AssetTable, document: ModelDocument, sites: SiteTable, row: int) -> Asset:
    """The asset at ``row`` as an object, whether declared in YAML or read from CSV."""
    if row < table.n_declared:
        return document.assets[row]
    return sites.asset(row - table.n_declared)
