"""Compiling a model once into the arrays every simulation runs on.

Assets that behave identically under every event that is not aimed at one asset are
merged into an *asset class*: same operator, region, product version, manager,
requirements, effective battery autonomy, critical services, access kind (radio,
wireline or none) and operators served, and nothing depends on them (no asset requires
or is managed by them). A national model of a million radio sites has some tens of
thousands of classes; events aimed at one asset of a class (its own failure, a forced
``asset-down``) are applied to that asset only, at the metrics stage (see
:mod:`fiveguard.simulate.metrics`). ``group_assets=False`` keeps one class per asset;
results are the same, only slower, and the tests check that they are.

RAN sharing (:mod:`fiveguard.simulate.sharing`): a class of shared radio assets is their
*radio* (what everyone on them needs); each of its served parts is one more row after the
classes, with no asset of its own, requiring the radio's row and its operator's core
entries, and carrying that operator's people. An unshared radio class serves its people
itself, as does a class of wireline access assets. Rows that serve people are the
*serving rows*; only radio ones roam onto partners or carry their roaming users.

Classes are numbered by topological level of the ``requires`` graph, then by requirement
pattern, then by manager, so that each level is a contiguous range and every step of the
kernel works on contiguous slices (:mod:`fiveguard.simulate.plan`). ``any:`` groups with
two or more members are computed once per distinct group and stored as extra rows after
the classes (rows ``C + g``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.graph import ragged_ranges, row_of_entry
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.table import AssetTable
from fiveguard.simulate.areas import power_areas
from fiveguard.simulate.capacity import CapacityPlan, capacity_plan
from fiveguard.simulate.measures import OperatorEffects, operator_effects
from fiveguard.simulate.plan import (
    Entries,
    ManagedLevel,
    RequiresLevel,
    class_entries,
    managed_levels_of,
    managed_runs,
    patterns_of,
    ptr_of,
    requires_levels_of,
    requires_plan,
)
from fiveguard.simulate.priors import battery_priors
from fiveguard.simulate.ragged import column_ids, row_ids
from fiveguard.simulate.services import ServiceRules, compile_rules, service_kind_keys
from fiveguard.simulate.sharing import Agreement, ServedParts, agreements, served_parts

RADIO_ACCESS = 2
"""Access code of a radio asset (0: not access, 1: wireline); see :func:`_ordered_classes`."""

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """A model as arrays. ``N`` assets, ``C`` rows (asset classes, then the served parts
    of shared ones), ``K`` operators, ``R`` regions.

    Index columns use -1 for "none". Every array is NumPy; nothing refers back to the
    model's objects, so the whole value pickles cheaply to worker processes.
    """

    operators: tuple[str, ...]
    regions: tuple[str, ...]
    suppliers: tuple[str, ...]
    versions: tuple[str, ...]
    services: tuple[str, ...]
    version_supplier: IntArray  # (P,)
    # assets (N,)
    asset_class: IntArray
    asset_operator: IntArray
    asset_sites: IntArray
    asset_area: IntArray  # power area (simulate/areas.py), -1 without a region
    asset_battery: FloatArray  # effective autonomy: battery (or the default) + measures
    asset_part_ptr: IntArray  # (N+1,) into asset_part_people: the asset's served parts
    asset_part_people: IntArray  # part k of an asset is served by its class's k-th row
    # classes (C,)
    class_size: IntArray  # 0 for a served part's row
    class_sites: IntArray
    class_people: IntArray  # people a serving row serves, 0 elsewhere
    class_serves: BoolArray  # serving rows: unshared access classes and served parts
    class_roams: BoolArray  # serving rows of radio access: their users can roam
    class_site: IntArray  # a served part's class (its radio), -1 elsewhere
    class_part_ptr: IntArray  # (C+1,) into class_part_rows: each class's serving rows
    class_part_rows: IntArray
    class_operator: IntArray
    class_region: IntArray
    class_supplier: IntArray
    class_version: IntArray
    class_manager: IntArray
    class_power_row: IntArray
    class_service_ptr: IntArray  # (C+1,)
    class_services: IntArray
    # propagation
    managed_levels: tuple[ManagedLevel, ...]
    requires_levels: tuple[RequiresLevel, ...]
    n_groups: int
    # regional power: per power area (simulate/areas.py; one per region unless the
    # catalogue sets an area size), the distinct autonomies of its classes, ascending
    power_ptr: IntArray  # (A+1,)
    power_hours: FloatArray
    area_region: IntArray  # (A,) the region of each power area
    area_ptr: IntArray  # (R+1,) the areas of region r: area_ptr[r] … area_ptr[r+1]-1
    area_residents: FloatArray  # (A,)
    # roaming: partners[o, p] when o's users can fall back to p's radio network
    partners: BoolArray  # (K, K)
    serving_order: IntArray  # roaming rows with a region, sorted by (operator, region)
    serving_ptr: IntArray  # (K*R+1,) into serving_order
    shared_classes: IntArray  # classes whose serving rows are served parts, ascending
    # critical services: classes carrying each service
    service_ptr: IntArray  # (S+1,)
    service_classes: IntArray
    # per-service loss and roaming rules (fiveguard.simulate.services)
    service_rules: ServiceRules
    # pools with capacity and signalling storms (fiveguard.simulate.capacity)
    capacity: CapacityPlan | None = None

    @property
    def n_assets(self) -> int:
        return int(self.asset_class.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.class_size.shape[0])

    @property
    def class_group(self) -> IntArray:
        """Operator-and-region cell of each class: ``op * (R+1) + region + 1``."""
        return self.class_operator * (len(self.regions) + 1) + self.class_region + 1


def radio_kinds(table: AssetTable, catalogue: Catalogue) -> BoolArray:
    """Per asset, whether its kind is in the radio access network domain."""
    flags = [
        k in catalogue.asset_kinds and catalogue.asset_kinds[k].domain is Domain.RAN
        for k in table.kinds
    ]
    return np.asarray([*flags, False], dtype=bool)[table.kind]


def access_kinds(table: AssetTable, catalogue: Catalogue) -> BoolArray:
    """Per asset, whether its kind serves people directly (radio or wireline access)."""
    flags = [k in catalogue.asset_kinds and catalogue.asset_kinds[k].is_access for k in table.kinds]
    return np.asarray([*flags, False], dtype=bool)[table.kind]


def compile_network(
    model: NetworkModel,
    catalogue: Catalogue,
    *,
    effects: OperatorEffects | None = None,
    group_assets: bool = True,
) -> CompiledNetwork:
    """Compile a checked model: asset classes, levels, power thresholds, roaming."""
    t = model.table
    doc = model.document
    effects = effects if effects is not None else operator_effects(model, catalogue)
    radio = radio_kinds(t, catalogue)
    access = access_kinds(t, catalogue)
    battery = autonomy(model, catalogue, effects)
    n_regions = len(doc.regions)
    params = catalogue.simulation
    # telling the radio from the core matters to roaming and to emergency calls
    split_radio = bool((params.roaming and params.roaming.only_when_radio_down) or params.services)
    parts = served_parts(model, catalogue, access, split_radio)
    deals = agreements(model)
    areas = power_areas(model, catalogue)

    classes, asset_class, levels, n_groups, managed = _ordered_classes(
        t,
        access.astype(np.int8) + radio.astype(np.int8),
        battery,
        parts,
        n_regions,
        group_assets,
        deals,
        areas.asset_area,
        service_kind_keys(model, catalogue),
        # rows whose sites fail one by one carry their own served share: a class alone
        np.flatnonzero(t.sites > 1) if params.asset_failure.per_site else None,
    )
    power_ptr, power_hours, power_row = _power_rows(
        np.where(classes.size > 0, classes.area, -1), classes.battery, areas.region.shape[0]
    )
    serving_order, serving_ptr = _serving_cells(classes, len(doc.operators), n_regions)
    part_ptr, part_rows = _part_rows(classes)
    service_ptr, service_classes = _service_index(classes, len(t.service_ids))
    versions = t.product_versions
    # a site's radios carry neither its people nor its sites: the site's rows do
    colocated = colocated_radios(t, radio)
    asset_sites = t.sites.astype(np.int64)
    asset_sites[colocated] = 0
    part_people = parts.people.copy()
    part_people[ragged_ranges(parts.ptr, colocated)] = 0
    compiled = CompiledNetwork(
        operators=tuple(o.id for o in doc.operators),
        regions=tuple(r.id for r in doc.regions),
        suppliers=tuple(s.id for s in doc.suppliers),
        versions=versions,
        services=t.service_ids,
        version_supplier=_version_suppliers(t, len(versions)),
        asset_class=asset_class,
        asset_operator=t.operator.astype(np.int64),
        asset_sites=asset_sites,
        asset_area=areas.asset_area,
        asset_battery=battery,
        asset_part_ptr=parts.ptr,
        asset_part_people=part_people,
        class_size=classes.size,
        class_sites=classes.sites,
        class_people=classes.people,
        class_serves=classes.serves,
        class_roams=classes.roams,
        class_site=classes.site,
        class_part_ptr=part_ptr,
        class_part_rows=part_rows,
        class_operator=classes.operator,
        class_region=classes.region,
        class_supplier=classes.supplier,
        class_version=classes.version,
        class_manager=classes.manager,
        class_power_row=power_row,
        class_service_ptr=classes.service_ptr,
        class_services=classes.services,
        managed_levels=managed,
        requires_levels=levels,
        n_groups=n_groups,
        power_ptr=power_ptr,
        power_hours=power_hours,
        area_region=areas.region,
        area_ptr=areas.ptr,
        area_residents=areas.residents,
        partners=_partners(model),
        serving_order=serving_order,
        serving_ptr=serving_ptr,
        shared_classes=np.unique(classes.site[classes.site >= 0]),
        service_ptr=service_ptr,
        service_classes=service_classes,
        service_rules=compile_rules(model, catalogue, asset_class),
    )
    return replace(
        compiled,
        capacity=capacity_plan(
            model,
            catalogue,
            n_classes=compiled.n_classes,
            asset_class=asset_class,
            class_operator=compiled.class_operator,
            class_people=compiled.class_people,
            class_serves=compiled.class_serves,
            class_site=compiled.class_site,
            requires_levels=levels,
        ),
    )


def _ordered_classes(
    t: AssetTable,
    access: npt.NDArray[np.int8],
    battery: FloatArray,
    parts: ServedParts,
    n_regions: int,
    group_assets: bool,
    deals: tuple[Agreement, ...],
    asset_area: IntArray,
    kind_key: IntArray,
    alone: IntArray | None = None,
) -> tuple[_Classes, IntArray, tuple[RequiresLevel, ...], int, tuple[ManagedLevel, ...]]:
    """The classes (and part rows) in kernel order, each asset's class, and the kernel's
    plan of the ``requires`` and ``managed_by`` levels. ``access`` per asset: 0 none, 1
    wireline, 2 radio; ``kind_key``: per asset, its kind where services tell it apart."""
    # what national roaming guests need, and the radios of a site, are depended on by
    # rows without an asset, so each stands alone in its class
    colocated = colocated_radios(t, access == RADIO_ACCESS)
    pinned = np.concatenate(
        [
            np.asarray([m for d in deals for e in d.requires for m in e], dtype=np.int64),
            colocated,
            alone if alone is not None else np.zeros(0, dtype=np.int64),
        ]
    )
    asset_class, order, starts = _group(
        t, access, battery, n_regions, group_assets, parts, pinned, asset_area, kind_key
    )
    rep = order[starts]
    classes = _Classes(t, asset_class, order, starts, rep, access, battery, parts, asset_area)
    entries = class_entries(t, rep, asset_class)
    classes, entries = _with_parts(classes, entries, t, rep, asset_class, parts, deals)
    classes, entries = _with_sites(classes, entries, t, asset_class, parts, colocated)
    level = requires_levels_of(classes.n, entries)
    managed_level = managed_levels_of(classes.manager)
    pattern = patterns_of(entries, classes.n)
    # renumber classes by requires level, then requirement pattern, then manager, so that
    # the classes sharing a pattern or a manager are runs of consecutive rows
    new_of_old = np.empty(classes.n, dtype=np.int64)
    old_of_new = np.lexsort((classes.manager, pattern, level))
    new_of_old[old_of_new] = np.arange(classes.n, dtype=np.int64)
    classes = classes.renumbered(old_of_new, new_of_old)
    entries = entries.renumbered(old_of_new, new_of_old)
    levels, n_groups = requires_plan(level[old_of_new], pattern[old_of_new], entries, classes.n)
    managed = managed_runs(managed_level[old_of_new], classes.manager)
    return classes, new_of_old[asset_class], levels, n_groups, managed


def autonomy(model: NetworkModel, catalogue: Catalogue, effects: OperatorEffects) -> FloatArray:
    """Each asset's power autonomy in hours: its battery (or the catalogue's prior for its
    kind when the model leaves it out, :mod:`fiveguard.simulate.priors`) plus the hours its
    operator's measures add."""
    t = model.table
    battery = battery_priors(model, catalogue).hours
    return np.asarray(battery + effects.extra_hours[np.maximum(t.operator, 0)], dtype=np.float64)


def _partners(model: NetworkModel) -> BoolArray:
    """``partners[o, p]``: o's users can fall back to p's radio network; an MVNO's users
    where its host's can."""
    operators = {o.id: i for i, o in enumerate(model.document.operators)}
    partners = np.zeros((len(operators), len(operators)), dtype=bool)
    for i, o in enumerate(model.document.operators):
        for p in o.roaming:
            if p in operators:
                partners[i, operators[p]] = True
    for i, o in enumerate(model.document.operators):
        if o.hosted_by in operators:
            partners[i] |= partners[operators[o.hosted_by]]
    return partners


# ---------------------------------------------------------------------------- classes


def _group(
    t: AssetTable,
    access: npt.NDArray[np.int8],
    battery: FloatArray,
    n_regions: int,
    group_assets: bool,
    parts: ServedParts,
    pinned: IntArray,
    asset_area: IntArray,
    kind_key: IntArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Class of each asset, the assets sorted by class, and where each class starts.
    ``pinned`` assets are depended on by rows without an asset: each is a class alone."""
    n = len(t)
    if not group_assets or n == 0:
        ident = np.arange(n, dtype=np.int64)
        return ident, ident, ident
    # an asset's requirements as one sequence: each member, tagged when it opens an entry
    opens = np.zeros(t.members.shape[0], dtype=np.int64)
    opens[t.entry_ptr[:-1][np.diff(t.entry_ptr) > 0]] = 1
    pattern, _ = row_ids(t.entry_ptr[t.req_ptr], t.members.astype(np.int64) * 2 + opens)
    services, _ = row_ids(t.service_ptr, t.services)
    sharing = np.full(n, -1, dtype=np.int64)  # whose customers a shared asset serves
    shared = np.flatnonzero(parts.shared)
    if shared.size:
        served = parts.operator[ragged_ranges(parts.ptr, shared)]
        sharing[shared] = row_ids(ptr_of(parts.count[shared]), served)[0]
    depended = np.zeros(n, dtype=bool)
    depended[t.members] = True
    depended[t.managed_by[t.managed_by >= 0]] = True
    depended[pinned] = True
    # autonomy matters only where a regional power loss can reach the asset; equal
    # float64 values have equal bit patterns (no NaN or -0.0 can occur here)
    autonomy = np.where(t.region >= 0, battery, -1.0).view(np.int64)
    cell = (access.astype(np.int64) * (n_regions + 1) + t.region + 1) * (
        len(t.product_versions) + 1
    ) + (t.product_version + 1)
    alone = np.where(depended, np.arange(n, dtype=np.int64), -1)
    ids, _ = column_ids(
        [
            cell,
            t.operator,
            autonomy,
            asset_area,
            services,
            t.managed_by,
            pattern,
            sharing,
            alone,
            kind_key,
        ]
    )
    order = np.argsort(ids, kind="stable").astype(np.int64)
    change = np.ones(n, dtype=bool)
    change[1:] = ids[order][1:] != ids[order][:-1]
    starts = np.flatnonzero(change)
    asset_class = np.empty(n, dtype=np.int64)
    asset_class[order] = np.cumsum(change) - 1
    return asset_class, order, starts


class _Classes:
    """Per-class columns, taken from each class's first asset (its representative); then
    the rows of served parts (see :func:`_with_parts`)."""

    COLUMNS = (
        "size", "sites", "people", "serves", "roams", "part", "operator", "region",
        "supplier", "version", "battery", "area",
    )  # fmt: skip
    """Columns renumbered as they are; ``site`` and ``manager`` name rows, so are mapped."""

    def __init__(
        self,
        t: AssetTable,
        asset_class: IntArray,
        order: IntArray,
        starts: IntArray,
        rep: IntArray,
        access: npt.NDArray[np.int8],
        battery: FloatArray,
        parts: ServedParts,
        asset_area: IntArray,
    ) -> None:
        self.n = int(starts.shape[0])
        self.size = np.diff(np.append(starts, asset_class.shape[0])).astype(np.int64)
        self.sites = _sum_by_class(t.sites, order, starts)
        self.serves = (access[rep] > 0) & ~parts.split[rep]
        self.roams = access[rep] == RADIO_ACCESS
        # an unshared class serves its operator's part, all its people but its MVNOs'
        own = np.zeros(asset_class.shape[0], dtype=np.int64)
        has = parts.count > 0
        own[has] = parts.people[parts.ptr[:-1][has]]
        self.people = np.where(self.serves, _sum_by_class(own, order, starts), 0)
        self.part = np.where(self.serves, 0, -1).astype(np.int64)
        self.site = np.full(self.n, -1, dtype=np.int64)
        self.operator = t.operator[rep].astype(np.int64)
        self.region = t.region[rep].astype(np.int64)
        self.supplier = t.supplier[rep].astype(np.int64)
        self.version = t.product_version[rep].astype(np.int64)
        self.battery = battery[rep]
        self.area = asset_area[rep].astype(np.int64)
        manager = t.managed_by[rep].astype(np.int64)
        self.manager = np.where(manager >= 0, asset_class[np.maximum(manager, 0)], -1)
        # each service once per class, even when an asset lists it twice
        n_services = max(len(t.service_ids), 1)
        owner = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(t.service_ptr)[rep])
        services = t.services[ragged_ranges(t.service_ptr, rep)].astype(np.int64)
        pairs = np.unique(owner * n_services + services)
        self.service_ptr = ptr_of(np.bincount(pairs // n_services, minlength=self.n))
        self.services = pairs % n_services

    def with_parts(
        self, site: IntArray, part: IntArray, operator: IntArray, people: IntArray
    ) -> _Classes:
        """These classes and, after them, one row per served part of a shared class
        (``site``): no asset, no event of its own, that operator's people."""
        u = site.shape[0]
        out = object.__new__(_Classes)
        out.n = self.n + u
        none = np.full(u, -1, dtype=np.int64)
        zero = np.zeros(u, dtype=np.int64)
        added = {
            "size": zero, "sites": zero, "people": people, "serves": np.ones(u, dtype=bool),
            "roams": self.roams[site], "part": part, "operator": operator,
            "region": self.region[site], "supplier": none, "version": none,
            "battery": np.zeros(u), "manager": none, "site": site, "area": self.area[site],
        }  # fmt: skip
        for name, values in added.items():
            setattr(out, name, np.concatenate([getattr(self, name), values]))
        out.service_ptr = np.concatenate([self.service_ptr, np.full(u, self.service_ptr[-1])])
        out.services = self.services
        return out

    def with_rows(
        self,
        operator: IntArray,
        region: IntArray,
        people: IntArray,
        sites: IntArray,
        serves: BoolArray,
    ) -> _Classes:
        """These classes and, after them, rows with no asset and no event of their own
        (a site's rows): their own part 0, radio, without manager or services."""
        u = operator.shape[0]
        out = object.__new__(_Classes)
        out.n = self.n + u
        none = np.full(u, -1, dtype=np.int64)
        added = {
            "size": np.zeros(u, dtype=np.int64), "sites": sites, "people": people,
            "serves": serves, "roams": np.ones(u, dtype=bool),
            "part": np.where(serves, 0, -1).astype(np.int64), "operator": operator,
            "region": region, "supplier": none, "version": none, "battery": np.zeros(u),
            "manager": none, "site": none, "area": none,
        }  # fmt: skip
        for name, values in added.items():
            setattr(out, name, np.concatenate([getattr(self, name), values]))
        out.service_ptr = np.concatenate([self.service_ptr, np.full(u, self.service_ptr[-1])])
        out.services = self.services
        return out

    def renumbered(self, old_of_new: IntArray, new_of_old: IntArray) -> _Classes:
        out = object.__new__(_Classes)
        out.n = self.n
        for name in self.COLUMNS:
            setattr(out, name, getattr(self, name)[old_of_new])
        for name in ("manager", "site"):
            rows = getattr(self, name)
            setattr(out, name, np.where(rows >= 0, new_of_old[np.maximum(rows, 0)], -1)[old_of_new])
        counts = np.diff(self.service_ptr)[old_of_new]
        out.services = self.services[ragged_ranges(self.service_ptr, old_of_new)]
        out.service_ptr = ptr_of(counts)
        return out


def _with_parts(
    classes: _Classes,
    entries: Entries,
    t: AssetTable,
    rep: IntArray,
    asset_class: IntArray,
    parts: ServedParts,
    deals: tuple[Agreement, ...],
) -> tuple[_Classes, Entries]:
    """Classes of shared radio assets become their radio; each of their served parts
    becomes a row ``C + u`` requiring the radio's row and its operator's core entries. An
    unshared class keeps serving its operator's part itself. An MVNO's part becomes a row
    requiring its host's part's row (and nothing else). An unshared radio class split
    from its part (see :mod:`fiveguard.simulate.sharing`) becomes its radio too, but what
    requires it needs its part's row: the radio and its core, as before the split."""
    count = parts.count[rep]
    split = np.flatnonzero((count > 1) | parts.split[rep])
    if split.size == 0:
        return classes, entries
    n = classes.n
    skip = np.where(parts.split[rep[split]], 0, 1)  # parts served by the class itself
    made = count[split] - skip
    site = np.repeat(split, made)  # (U,) the class whose part each new row is
    part = _within(made) + np.repeat(skip, made)
    first = np.full(n, -1, dtype=np.int64)  # where each split class's part p is first + p
    first[split] = n + np.cumsum(made) - made - skip
    own = np.zeros(n, dtype=np.int64)  # the parts a class serves itself (0 or 1)
    own[split] = skip
    # a part row's people: that part of every asset of the class
    owner = row_of_entry(parts.ptr)
    cls = asset_class[owner]
    slot = np.arange(owner.size, dtype=np.int64) - parts.ptr[owner]
    mine = (first[cls] >= 0) & (slot >= own[cls])
    people = np.bincount(
        first[cls[mine]] + slot[mine] - n, weights=parts.people[mine], minlength=site.size
    )
    operator = parts.operator[parts.ptr[rep[site]] + part]
    classes = classes.with_parts(site, part, operator, np.rint(people).astype(np.int64))
    # the radio keeps the entries that are nobody's core; a part row gets its operator's
    # core entries and one new entry: the radio's row, or for an MVNO its host's part row
    whose = parts.entry_part[ragged_ranges(t.req_ptr, rep)]
    holder = np.repeat(np.arange(n, dtype=np.int64), np.diff(entries.ptr))
    radio = whose < 0
    new_rows = n + np.arange(site.size, dtype=np.int64)
    rides = parts.rides[parts.ptr[rep[site]] + part]
    target = np.where(rides < own[site], site, first[site] + rides)
    rows = np.concatenate([holder[radio], first[holder[~radio]] + whose[~radio], new_rows])
    new_ids = entries.member_ptr.shape[0] - 1 + np.arange(site.size, dtype=np.int64)
    ids = np.concatenate([entries.ids[radio], entries.ids[~radio], new_ids])
    last = entries.member_ptr[-1]
    member_ptr = np.concatenate(
        [entries.member_ptr, last + 1 + np.arange(site.size, dtype=np.int64)]
    )
    alone = np.zeros(n, dtype=bool)  # split classes of unshared assets: dependents need all
    alone[split] = parts.split[rep[split]] & ~parts.shared[rep[split]]
    members = entries.member_class
    members = np.where(alone[members], first[members], members)
    member_class = np.concatenate([members, target])
    # a national roaming guest's row also needs its agreement's entries (one entry id per
    # entry of an agreement, shared by all its rows)
    deal = parts.agreement[parts.ptr[rep[site]] + part]
    guest = np.flatnonzero(deal >= 0)
    if guest.size:
        per_deal = np.asarray([len(d.requires) for d in deals], dtype=np.int64)
        first_id = member_ptr.shape[0] - 1 + np.cumsum(per_deal) - per_deal
        spans = per_deal[deal[guest]]
        rows = np.concatenate([rows, np.repeat(new_rows[guest], spans)])
        ids = np.concatenate([ids, np.repeat(first_id[deal[guest]], spans) + _within(spans)])
        sizes = np.asarray([len(e) for d in deals for e in d.requires], dtype=np.int64)
        members = np.asarray([m for d in deals for e in d.requires for m in e], dtype=np.int64)
        member_ptr = np.concatenate([member_ptr, member_ptr[-1] + np.cumsum(sizes)])
        # an unshared radio split into part rows is needed whole, as by any dependent
        needed = asset_class[members]
        member_class = np.concatenate(
            [member_class, np.where(alone[needed], first[needed], needed)]
        )
    order = np.argsort(rows, kind="stable")
    return classes, Entries(
        ptr_of(np.bincount(rows, minlength=n + site.size)),
        ids[order],
        member_ptr,
        member_class,
    )


def colocated_radios(t: AssetTable, radio: BoolArray) -> IntArray:
    """The radio assets standing on a site with another radio asset (``site``), sorted
    by site, then asset."""
    named = np.flatnonzero(radio & (t.site >= 0))
    named = named[np.argsort(t.site[named], kind="stable")]
    counts = np.bincount(t.site[named], minlength=len(t.site_ids))
    return named[counts[t.site[named]] > 1].astype(np.int64)


def _with_sites(
    classes: _Classes,
    entries: Entries,
    t: AssetTable,
    asset_class: IntArray,
    parts: ServedParts,
    colocated: IntArray,
) -> tuple[_Classes, Entries]:
    """Radio assets standing on one site (each a class alone) share its people and sites:
    per served part of the site, one row carrying that part's people (the split of the
    site's population), requiring ``any:`` of that part's rows on the site's radios; and
    one row carrying the site's sites, requiring ``any:`` of the site's part rows, so the
    site counts as down once, when it serves nobody. The radios' own rows keep serving,
    with no people, and their classes count no sites."""
    if colocated.size == 0:
        return classes, entries
    n = classes.n
    # each serving row by (class, part)
    serving = np.flatnonzero(classes.serves)
    owner = np.where(classes.site[serving] >= 0, classes.site[serving], serving)
    width = int(parts.count.max()) + 1
    key = owner * width + classes.part[serving]
    order = np.argsort(key)
    key, serving = key[order], serving[order]

    def row_of(cls: IntArray, part: IntArray) -> IntArray:
        return serving[np.searchsorted(key, cls * width + part)]

    site = t.site[colocated]
    change = np.ones(site.size, dtype=bool)
    change[1:] = site[1:] != site[:-1]
    first = colocated[change]  # (G,) each site's first radio
    radios = np.diff(np.append(np.flatnonzero(change), site.size))  # (G,)
    count = parts.count[first]  # parts per site
    g = first.size
    # part rows: site j's parts in order
    part_site = np.repeat(np.arange(g, dtype=np.int64), count)
    part_k = _within(count)
    slot = parts.ptr[first[part_site]] + part_k
    u = part_site.size
    part_rows = n + np.arange(u, dtype=np.int64)
    site_rows = n + u + np.arange(g, dtype=np.int64)
    # zero the radios' people and sites: the site's rows carry them
    radio_cls = asset_class[colocated]
    carried = np.zeros(classes.n, dtype=bool)
    carried[radio_cls] = True
    carried |= (classes.site >= 0) & carried[np.maximum(classes.site, 0)]
    classes.people = np.where(carried, 0, classes.people)
    classes.sites = np.where(carried, 0, classes.sites)
    classes = classes.with_rows(
        operator=np.concatenate([parts.operator[slot], t.operator[first].astype(np.int64)]),
        region=t.region[np.concatenate([first[part_site], first])].astype(np.int64),
        people=np.concatenate([parts.people[slot], np.zeros(g, dtype=np.int64)]),
        sites=np.concatenate([np.zeros(u, dtype=np.int64), t.sites[first].astype(np.int64)]),
        serves=np.concatenate([np.ones(u, dtype=bool), np.zeros(g, dtype=bool)]),
    )
    # a part row needs any of its part's rows on the site's radios
    start = np.cumsum(radios) - radios
    members_per = radios[part_site]
    member_radio = np.repeat(start[part_site], members_per) + _within(members_per)
    part_members = row_of(radio_cls[member_radio], np.repeat(part_k, members_per))
    base = entries.member_ptr.shape[0] - 1
    ids = np.concatenate([base + np.arange(u + g, dtype=np.int64)])
    sizes = np.concatenate([members_per, count])
    member_class = np.concatenate([entries.member_class, part_members, part_rows])
    member_ptr = np.concatenate([entries.member_ptr, entries.member_ptr[-1] + np.cumsum(sizes)])
    holder = np.repeat(np.arange(n, dtype=np.int64), np.diff(entries.ptr))
    rows = np.concatenate([holder, part_rows, site_rows])
    all_ids = np.concatenate([entries.ids, ids])
    order = np.argsort(rows, kind="stable")
    return classes, Entries(
        ptr_of(np.bincount(rows, minlength=n + u + g)), all_ids[order], member_ptr, member_class
    )


def _within(spans: IntArray) -> IntArray:
    """``0 … spans[i]-1`` for each ``i``, concatenated."""
    total = int(spans.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(spans) - spans, spans)


def _sum_by_class(values: npt.NDArray[np.integer], order: IntArray, starts: IntArray) -> IntArray:
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.add.reduceat(values[order].astype(np.int64), starts)


def _version_suppliers(t: AssetTable, n_versions: int) -> IntArray:
    out = np.full(n_versions, -1, dtype=np.int64)
    used = t.product_version >= 0
    out[t.product_version[used]] = t.supplier[used]
    return out


# ------------------------------------------------------------------ power, radio, services


def _power_rows(
    region: IntArray, battery: FloatArray, n_regions: int
) -> tuple[IntArray, FloatArray, IntArray]:
    """Distinct autonomies per power area (``region``: each class's area, ascending) and
    each class's row among them."""
    row = np.full(region.shape[0], -1, dtype=np.int64)
    regional = np.flatnonzero(region >= 0)
    order = regional[np.lexsort((battery[regional], region[regional]))]
    change = np.ones(order.shape[0], dtype=bool)
    change[1:] = (region[order][1:] != region[order][:-1]) | (
        battery[order][1:] != battery[order][:-1]
    )
    row[order] = np.cumsum(change) - 1
    firsts = order[change]
    counts = np.bincount(region[firsts], minlength=n_regions)
    return ptr_of(counts), battery[firsts].astype(np.float64), row


def _serving_cells(
    classes: _Classes, n_operators: int, n_regions: int
) -> tuple[IntArray, IntArray]:
    """Serving rows of radio access with a region (those whose users roam, and onto which
    partners' users roam), sorted by operator then region, with cell pointers."""
    rows = np.flatnonzero(classes.serves & classes.roams & (classes.region >= 0))
    cell = classes.operator[rows] * n_regions + classes.region[rows]
    order = np.argsort(cell, kind="stable")
    counts = np.bincount(cell, minlength=n_operators * n_regions)
    return rows[order], ptr_of(counts)


def _part_rows(classes: _Classes) -> tuple[IntArray, IntArray]:
    """Each class's serving rows in part order: itself for an unshared radio class, its
    part rows for a shared one, none for the others."""
    rows = np.flatnonzero(classes.serves)
    owner = np.where(classes.site[rows] >= 0, classes.site[rows], rows)
    order = np.lexsort((classes.part[rows], owner))
    return ptr_of(np.bincount(owner, minlength=classes.n)), rows[order]


def _service_index(classes: _Classes, n_services: int) -> tuple[IntArray, IntArray]:
    owner = np.repeat(np.arange(classes.n, dtype=np.int64), np.diff(classes.service_ptr))
    order = np.lexsort((owner, classes.services))
    counts = np.bincount(classes.services, minlength=n_services)
    return ptr_of(counts), owner[order]
