"""What every engine of the assessment reads, prepared once: per-row arrays and lookups.

Engines compute on the :class:`~fiveguard.domain.table.AssetTable` (one row per asset,
YAML-declared assets first, then CSV site rows) with NumPy; this module adds the
catalogue's view of each row (domain, criticality, target matching), each operator's view
of the network with RAN sharing (:class:`OperatorView`), and the assets depending on
others (:func:`dependents`), so that no engine loops over assets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, Criticality, Domain, RuleTargets
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.sharing import (
    OperatorView,
    national_roaming_guests,
    operator_view,
    with_guests,
)
from fiveguard.domain.table import AssetTable

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

NATIONAL = "national"
"""The scope name of national figures (operators are named by their ids)."""


def plural(n: float, noun: str, many: str | None = None) -> str:
    """``1 asset``, ``2 assets``, ``1,250 radio sites``: a count with its noun."""
    word = noun if n == 1 else (many or noun + "s")
    return f"{n:,.0f} {word}"


def article(word: str) -> str:
    """``a high``, ``an unknown``, ``a low``: ``word`` with its indefinite article (by its
    first letter, which is right for the level words and ids the texts use)."""
    return f"{'an' if word[:1].lower() in ('a', 'e', 'i', 'o', 'u') else 'a'} {word}"


@dataclass(frozen=True, eq=False)
class Prepared:
    """A model and the catalogue, with per-row arrays the engines share."""

    model: NetworkModel
    catalogue: Catalogue

    @property
    def table(self) -> AssetTable:
        return self.model.table

    @property
    def as_of(self) -> dt.date:
        return self.model.document.scope.as_of

    @cached_property
    def operator_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.model.document.operators)

    @cached_property
    def supplier_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.model.document.suppliers)

    @property
    def n_operators(self) -> int:
        return len(self.operator_ids)

    @property
    def n_suppliers(self) -> int:
        return len(self.supplier_ids)

    @cached_property
    def kind_domain(self) -> tuple[Domain, ...]:
        """Domain of each kind index of the table."""
        return tuple(self.catalogue.asset_kinds[k].domain for k in self.table.kinds)

    @cached_property
    def domain(self) -> npt.NDArray[np.int8]:
        """Per row: index of its domain in ``list(Domain)``."""
        order = list(Domain)
        per_kind = np.asarray([order.index(d) for d in self.kind_domain] + [0], dtype=np.int8)
        return per_kind[self.table.kind]

    def in_domains(self, *domains: Domain) -> BoolArray:
        order = list(Domain)
        return np.isin(self.domain, [order.index(d) for d in domains])

    @cached_property
    def radio(self) -> BoolArray:
        """Rows of the radio access network."""
        return self.in_domains(Domain.RAN)

    @cached_property
    def critical(self) -> BoolArray:
        """Rows whose kind is critical by default (core, management, LI, IP core …)."""
        per_kind = np.asarray(
            [
                self.catalogue.asset_kinds[k].criticality is Criticality.CRITICAL
                for k in self.table.kinds
            ]
            + [False],
            dtype=bool,
        )
        return per_kind[self.table.kind]

    @cached_property
    def supplier(self) -> IntArray:
        """Per row: supplier index, -1 for an asset naming no product."""
        return self.table.supplier.astype(np.int64)

    @cached_property
    def operator(self) -> IntArray:
        return self.table.operator.astype(np.int64)

    @cached_property
    def national_population(self) -> int:
        """Residents of the regions; when the model gives none, the people its radio serves."""
        regions = sum(r.population for r in self.model.document.regions)
        if regions > 0:
            return regions
        return int(self.table.population[self.radio].sum())

    @cached_property
    def view(self) -> OperatorView:
        """Every operator's rows, RAN sharing included (see :class:`OperatorView`)."""
        return operator_view(
            self.operator,
            *self._partners,
            [o.people_subscribers for o in self.model.document.operators],
        )

    @cached_property
    def _partners(self) -> tuple[IntArray, IntArray]:
        """Each row's sharing partners, national roaming guests included."""
        table = self.table
        doc = self.model.document
        return with_guests(
            table.operator,
            table.region,
            self.radio,
            table.shared_ptr,
            table.shared_with,
            national_roaming_guests(doc.operators, [r.id for r in doc.regions]),
        )

    @cached_property
    def has_sharing(self) -> bool:
        return bool(self._partners[1].size)

    def own_rows(self, scope: int | None) -> BoolArray:
        """Rows of an operator (its own assets), or every row for the national scope."""
        if scope is None:
            return np.ones(len(self.table), dtype=bool)
        result: BoolArray = self.operator == scope
        return result

    def view_rows(self, scope: int | None) -> BoolArray:
        """Rows an operator's users depend on: its own and those shared with it."""
        return self._view(scope)[0]

    def shared_in(self, scope: int | None) -> BoolArray:
        """Rows of other operators shared with ``scope`` (none nationally)."""
        return self._view(scope)[2]

    def people(self, scope: int | None) -> FloatArray:
        """Per row: the people it serves attributed to ``scope`` (all of them nationally;
        for an operator, its share of each row in its view, 0 elsewhere)."""
        return self._view(scope)[1]

    def _view(self, scope: int | None) -> tuple[BoolArray, FloatArray, BoolArray]:
        cache = self._views
        if scope in cache:
            return cache[scope]
        table = self.table
        n = len(table)
        if scope is None:
            result = (
                np.ones(n, dtype=bool),
                table.population.astype(np.float64),
                np.zeros(n, dtype=bool),
            )
        elif not self.has_sharing:
            own = self.operator == scope
            result = (
                own,
                np.where(own, table.population, 0).astype(np.float64),
                np.zeros(n, dtype=bool),
            )
        else:
            view = self.view
            mine = view.operator == scope
            rows = view.row[mine]
            mask = np.zeros(n, dtype=bool)
            mask[rows] = True
            people = np.zeros(n, dtype=np.float64)
            people[rows] = table.population[rows] * view.share[mine]
            shared = np.zeros(n, dtype=bool)
            shared[view.row[mine & view.guest]] = True
            result = (mask, people, shared)
        cache[scope] = result
        return result

    @cached_property
    def _views(self) -> dict[int | None, tuple[BoolArray, FloatArray, BoolArray]]:
        return {}

    def hosts_of(self, rows: BoolArray) -> tuple[str, ...]:
        """The operators owning some of ``rows``, in model order."""
        present = np.unique(self.operator[rows])
        return tuple(self.operator_ids[k] for k in present.tolist())

    @cached_property
    def member_owner(self) -> IntArray:
        """For each member of a requires entry, the row whose entry it is."""
        from fiveguard.domain.graph import row_of_entry

        ptr, _ = self.table.dependency_edges()
        return row_of_entry(ptr)

    def kinds_matching(self, targets: RuleTargets) -> BoolArray:
        """Per kind index of the table: whether ``targets`` cover the kind."""
        kinds = self.catalogue.asset_kinds
        return np.asarray([targets.covers(kinds[k]) for k in self.table.kinds], dtype=bool)

    def rows_matching(self, targets: RuleTargets) -> BoolArray:
        """Per row: whether ``targets`` cover the row's kind."""
        per_kind = np.concatenate([self.kinds_matching(targets), [False]])
        return per_kind[self.table.kind]

    def ids(self, rows: npt.NDArray[np.integer]) -> tuple[str, ...]:
        """Asset ids of some rows."""
        return tuple(str(x) for x in self.table.ids[rows].tolist())


def weight_column(prep: Prepared, weight: str) -> FloatArray:
    """Per row: 1 for ``assets``, its radio sites or the people it serves."""
    table = prep.table
    if weight == "sites":
        return table.sites.astype(np.float64)
    if weight == "population":
        return table.population.astype(np.float64)
    return np.ones(len(table), dtype=np.float64)


def dependents(prep: Prepared, seeds: BoolArray) -> BoolArray:
    """Rows depending on a seed row, directly or through other rows; seeds included.

    A row depends on every member of its ``requires`` entries (each member of an ``any:``
    group counts: what one member does reaches the row) and on its manager
    (``managed_by``). One vectorised step per link of the longest chain.
    """
    table = prep.table
    members = table.members
    owner = prep.member_owner
    parent = table.managed_by.astype(np.int64)
    managed = np.flatnonzero(parent >= 0)
    flagged = seeds.copy()
    while True:
        reached = np.zeros(len(table), dtype=bool)
        reached[owner[flagged[members]]] = True
        reached[managed[flagged[parent[managed]]]] = True
        fresh = reached & ~flagged
        if not fresh.any():
            return flagged
        flagged |= fresh


def managed_via(prep: Prepared, manager_rows: BoolArray) -> BoolArray:
    """Rows managed, directly or through a chain of managers, by one of ``manager_rows``.

    Pointer doubling along ``managed_by``: after step k each row knows whether any of its
    first 2^k managers is flagged, so a chain of any length takes a handful of
    vectorised steps (and a cycle cannot loop forever).
    """
    parent = prep.table.managed_by.astype(np.int64)
    has = parent >= 0
    flagged = np.zeros(len(parent), dtype=bool)
    flagged[has] = manager_rows[parent[has]]
    for _ in range(64):
        has = parent >= 0
        if not has.any():
            break
        rows = np.flatnonzero(has)
        flagged[rows] |= flagged[parent[rows]]
        parent[rows] = parent[parent[rows]]
    return flagged
