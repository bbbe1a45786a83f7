"""Compiling a model once into the arrays every simulation runs on.

Assets that behave identically under every event that is not aimed at one asset are
merged into an *asset class*: same operator, region, product version, manager,
requirements, effective battery autonomy, critical services and radio-or-not, and nothing
depends on them (no asset requires or is managed by them). A national model of a million
radio sites has some tens of thousands of classes; events aimed at one asset of a class
(its own failure, a forced ``asset-down``) are applied to that asset only, at the metrics
stage (see :mod:`fiveguard.simulate.metrics`). ``group_assets=False`` keeps one class per
asset; results are the same, only slower, and the tests check that they are.

Classes are numbered by topological level of the ``requires`` graph, then by requirement
pattern, then by manager, so that each level is a contiguous range and every step of the
kernel works on contiguous slices (:mod:`fiveguard.simulate.plan`). ``any:`` groups with
two or more members are computed once per distinct group and stored as extra rows after
the classes (rows ``C + g``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.graph import ragged_ranges
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.table import AssetTable
from fiveguard.simulate.measures import OperatorEffects, operator_effects
from fiveguard.simulate.plan import (
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
from fiveguard.simulate.ragged import column_ids, row_ids

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """A model as arrays. ``N`` assets, ``C`` classes, ``K`` operators, ``R`` regions.

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
    asset_population: IntArray
    asset_sites: IntArray
    asset_radio: BoolArray
    asset_battery: FloatArray  # effective autonomy: battery (or the default) + measures
    # classes (C,)
    class_size: IntArray
    class_population: IntArray
    class_sites: IntArray
    class_radio: BoolArray
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
    # regional power: per region, the distinct autonomies of its classes, ascending
    power_ptr: IntArray  # (R+1,)
    power_hours: FloatArray
    # roaming: partners[o, p] when o's users can fall back to p's radio network
    partners: BoolArray  # (K, K)
    radio_order: IntArray  # radio classes with a region, sorted by (operator, region)
    radio_ptr: IntArray  # (K*R+1,) into radio_order
    # critical services: classes carrying each service
    service_ptr: IntArray  # (S+1,)
    service_classes: IntArray

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
    battery = autonomy(t, catalogue, effects)
    n_regions = len(doc.regions)

    asset_class, order, starts = _group(t, radio, battery, n_regions, group_assets)
    rep = order[starts]
    classes = _Classes(t, asset_class, order, starts, rep, radio, battery)
    entries = class_entries(t, rep, asset_class)
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
    level = level[old_of_new]
    pattern = pattern[old_of_new]
    managed_level = managed_level[old_of_new]
    asset_class = new_of_old[asset_class]

    levels, n_groups = requires_plan(level, pattern, entries, classes.n)
    power_ptr, power_hours, power_row = _power_rows(classes.region, classes.battery, n_regions)
    radio_order, radio_ptr = _radio_cells(classes, len(doc.operators), n_regions)
    service_ptr, service_classes = _service_index(classes, len(t.service_ids))
    versions = t.product_versions
    return CompiledNetwork(
        operators=tuple(o.id for o in doc.operators),
        regions=tuple(r.id for r in doc.regions),
        suppliers=tuple(s.id for s in doc.suppliers),
        versions=versions,
        services=t.service_ids,
        version_supplier=_version_suppliers(t, len(versions)),
        asset_class=asset_class,
        asset_operator=t.operator.astype(np.int64),
        asset_population=t.population.astype(np.int64),
        asset_sites=t.sites.astype(np.int64),
        asset_radio=radio,
        asset_battery=battery,
        class_size=classes.size,
        class_population=classes.population,
        class_sites=classes.sites,
        class_radio=classes.radio,
        class_operator=classes.operator,
        class_region=classes.region,
        class_supplier=classes.supplier,
        class_version=classes.version,
        class_manager=classes.manager,
        class_power_row=power_row,
        class_service_ptr=classes.service_ptr,
        class_services=classes.services,
        managed_levels=managed_runs(managed_level, classes.manager),
        requires_levels=levels,
        n_groups=n_groups,
        power_ptr=power_ptr,
        power_hours=power_hours,
        partners=_partners(model),
        radio_order=radio_order,
        radio_ptr=radio_ptr,
        service_ptr=service_ptr,
        service_classes=service_classes,
    )


def autonomy(t: AssetTable, catalogue: Catalogue, effects: OperatorEffects) -> FloatArray:
    """Each asset's power autonomy in hours: its battery (or the catalogue's default when
    the model leaves it out) plus the hours its operator's measures add."""
    unknown = catalogue.simulation.power_loss.unknown_battery_hours
    battery = np.where(np.isnan(t.battery_hours), unknown, t.battery_hours)
    return np.asarray(battery + effects.extra_hours[np.maximum(t.operator, 0)], dtype=np.float64)


def _partners(model: NetworkModel) -> BoolArray:
    operators = {o.id: i for i, o in enumerate(model.document.operators)}
    partners = np.zeros((len(operators), len(operators)), dtype=bool)
    for i, o in enumerate(model.document.operators):
        for p in o.roaming:
            if p in operators:
                partners[i, operators[p]] = True
    return partners


# ---------------------------------------------------------------------------- classes


def _group(
    t: AssetTable,
    radio: BoolArray,
    battery: FloatArray,
    n_regions: int,
    group_assets: bool,
) -> tuple[IntArray, IntArray, IntArray]:
    """Class of each asset, the assets sorted by class, and where each class starts."""
    n = len(t)
    if not group_assets or n == 0:
        ident = np.arange(n, dtype=np.int64)
        return ident, ident, ident
    # an asset's requirements as one sequence: each member, tagged when it opens an entry
    opens = np.zeros(t.members.shape[0], dtype=np.int64)
    opens[t.entry_ptr[:-1][np.diff(t.entry_ptr) > 0]] = 1
    pattern, _ = row_ids(t.entry_ptr[t.req_ptr], t.members.astype(np.int64) * 2 + opens)
    services, _ = row_ids(t.service_ptr, t.services)
    depended = np.zeros(n, dtype=bool)
    depended[t.members] = True
    depended[t.managed_by[t.managed_by >= 0]] = True
    # autonomy matters only where a regional power loss can reach the asset; equal
    # float64 values have equal bit patterns (no NaN or -0.0 can occur here)
    autonomy = np.where(t.region >= 0, battery, -1.0).view(np.int64)
    cell = (radio.astype(np.int64) * (n_regions + 1) + t.region + 1) * (
        len(t.product_versions) + 1
    ) + (t.product_version + 1)
    alone = np.where(depended, np.arange(n, dtype=np.int64), -1)
    ids, _ = column_ids([cell, t.operator, autonomy, services, t.managed_by, pattern, alone])
    order = np.argsort(ids, kind="stable").astype(np.int64)
    change = np.ones(n, dtype=bool)
    change[1:] = ids[order][1:] != ids[order][:-1]
    starts = np.flatnonzero(change)
    asset_class = np.empty(n, dtype=np.int64)
    asset_class[order] = np.cumsum(change) - 1
    return asset_class, order, starts


class _Classes:
    """Per-class columns, taken from each class's first asset (its representative)."""

    def __init__(
        self,
        t: AssetTable,
        asset_class: IntArray,
        order: IntArray,
        starts: IntArray,
        rep: IntArray,
        radio: BoolArray,
        battery: FloatArray,
    ) -> None:
        self.n = int(starts.shape[0])
        self.size = np.diff(np.append(starts, asset_class.shape[0])).astype(np.int64)
        self.population = _sum_by_class(t.population, order, starts)
        self.sites = _sum_by_class(t.sites, order, starts)
        self.radio = radio[rep]
        self.operator = t.operator[rep].astype(np.int64)
        self.region = t.region[rep].astype(np.int64)
        self.supplier = t.supplier[rep].astype(np.int64)
        self.version = t.product_version[rep].astype(np.int64)
        self.battery = battery[rep]
        manager = t.managed_by[rep].astype(np.int64)
        self.manager = np.where(manager >= 0, asset_class[np.maximum(manager, 0)], -1)
        # each service once per class, even when an asset lists it twice
        n_services = max(len(t.service_ids), 1)
        owner = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(t.service_ptr)[rep])
        services = t.services[ragged_ranges(t.service_ptr, rep)].astype(np.int64)
        pairs = np.unique(owner * n_services + services)
        self.service_ptr = ptr_of(np.bincount(pairs // n_services, minlength=self.n))
        self.services = pairs % n_services

    def renumbered(self, old_of_new: IntArray, new_of_old: IntArray) -> _Classes:
        out = object.__new__(_Classes)
        out.n = self.n
        for name in ("size", "population", "sites", "radio", "operator", "region"):
            setattr(out, name, getattr(self, name)[old_of_new])
        for name in ("supplier", "version", "battery"):
            setattr(out, name, getattr(self, name)[old_of_new])
        out.manager = np.where(self.manager >= 0, new_of_old[np.maximum(self.manager, 0)], -1)[
            old_of_new
        ]
        counts = np.diff(self.service_ptr)[old_of_new]
        out.services = self.services[ragged_ranges(self.service_ptr, old_of_new)]
        out.service_ptr = ptr_of(counts)
        return out


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
    """Distinct autonomies per region (ascending) and each class's row among them."""
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


def _radio_cells(classes: _Classes, n_operators: int, n_regions: int) -> tuple[IntArray, IntArray]:
    """Radio classes with a region, sorted by operator then region, with cell pointers."""
    radio = np.flatnonzero(classes.radio & (classes.region >= 0))
    cell = classes.operator[radio] * n_regions + classes.region[radio]
    order = np.argsort(cell, kind="stable")
    counts = np.bincount(cell, minlength=n_operators * n_regions)
    return radio[order], ptr_of(counts)


def _service_index(classes: _Classes, n_services: int) -> tuple[IntArray, IntArray]:
    owner = np.repeat(np.arange(classes.n, dtype=np.int64), np.diff(classes.service_ptr))
    order = np.lexsort((owner, classes.services))
    counts = np.bincount(classes.services, minlength=n_services)
    return ptr_of(counts), owner[order]
