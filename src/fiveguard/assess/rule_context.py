"""What the register's rules read: the prepared model, profiles, signals, diversity and
measures, with the per-scope masks and per-supplier flags they share.

A scope is an operator index, or ``None`` for the whole country. An operator's scope is
its view of the network (:class:`~fiveguard.assess.context.OperatorView`): its own assets
and the radio assets other operators share with it, with its share of their people.

Unknown levels are never read as low: a supplier whose profile (or product quality) is
unknown counts at its highest possible level, and the facts say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from fiveguard.assess.context import (
    NATIONAL,
    BoolArray,
    FloatArray,
    Prepared,
    dependents,
    managed_via,
)
from fiveguard.assess.diversity import site_split
from fiveguard.assess.measures import MeasureBook
from fiveguard.assess.profiles import SupplierLevels
from fiveguard.assess.results import AssuranceSignal, Diversity, SupplierAssessment

HIGH = 3
SupplierFlags = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Basis:
    """Suppliers that are (``certain``) or could be (``possible``) at high risk on one
    basis — their profile, or their product quality — and the words for them."""

    name: str
    certain: SupplierFlags
    possible: SupplierFlags
    words: str

    @property
    def one(self) -> str:
        """``words`` for a single supplier: "a supplier whose profile is or could be high"."""
        return "a supplier " + self.words.removeprefix("suppliers ")

    @property
    def unknown(self) -> SupplierFlags:
        """Could be high, but not certainly: the level is unknown."""
        result: SupplierFlags = self.possible & ~self.certain
        return result


@dataclass(frozen=True, eq=False)
class RuleContext:
    """What the rules read: the prepared model, profiles, signals, diversity, measures."""

    prep: Prepared
    levels: SupplierLevels
    suppliers: tuple[SupplierAssessment, ...]
    signals: tuple[AssuranceSignal, ...]
    diversity: Diversity
    measures: MeasureBook
    _short_autonomy: dict[float, tuple[BoolArray, BoolArray]] = field(
        default_factory=dict, repr=False
    )
    _managed: dict[str, BoolArray] = field(default_factory=dict, repr=False)
    _reach: dict[int, BoolArray] = field(default_factory=dict, repr=False)

    def rows(self, scope: int | None) -> BoolArray:
        """Rows of a scope: an operator's view (own and shared-in assets), or every row."""
        return self.prep.view_rows(scope)

    def own_rows(self, scope: int | None) -> BoolArray:
        """An operator's own assets (what it configures), or every row."""
        return self.prep.own_rows(scope)

    def people(self, scope: int | None) -> FloatArray:
        """Per row: the people it serves attributed to the scope."""
        return self.prep.people(scope)

    def scope_name(self, scope: int | None) -> str:
        return NATIONAL if scope is None else self.prep.operator_ids[scope]

    def whose(self, scope: int | None) -> str:
        return "the country" if scope is None else self.prep.operator_ids[scope]

    def shared_note(self, scope: int | None, mask: BoolArray, what: str = "radio sites") -> str:
        """`` (N of them shared with OP by HOST)`` when ``mask`` holds shared-in rows."""
        if scope is None:
            return ""
        shared = mask & self.prep.shared_in(scope)
        if not shared.any():
            return ""
        table = self.prep.table
        once = site_split(table.site, np.zeros(len(shared), dtype=np.int64), shared)
        number = int(table.sites @ once) if what == "radio sites" else shared.sum()
        hosts = ", ".join(self.prep.hosts_of(shared))
        return f" ({number:,} of them {what} {hosts} shares with {self.whose(scope)})"

    @cached_property
    def profile(self) -> Basis:
        return Basis(
            "profile",
            certain=self.levels.profile_lowest >= HIGH,
            possible=self.levels.profile_highest >= HIGH,
            words="suppliers whose profile is or could be high",
        )

    @cached_property
    def quality(self) -> Basis:
        return Basis(
            "product quality",
            certain=self.levels.quality_lowest >= HIGH,
            possible=self.levels.quality_highest >= HIGH,
            words="suppliers whose product quality is or could be high risk",
        )

    def basis(self, name: str | None) -> Basis:
        return self.quality if name == "product_quality" else self.profile

    def of_suppliers(self, flags: SupplierFlags) -> BoolArray:
        """Per row: its supplier is flagged."""
        sup = self.prep.supplier
        padded = np.concatenate([flags, [False]])
        result: BoolArray = padded[np.where(sup >= 0, sup, len(flags))]
        return result

    def under(self, basis: Basis, possible: bool = True) -> BoolArray:
        """Rows managed, directly or through other managers, by a flagged supplier."""
        key = f"{basis.name}:{possible}"
        if key not in self._managed:
            flags = basis.possible if possible else basis.certain
            self._managed[key] = managed_via(self.prep, self.of_suppliers(flags))
        return self._managed[key]

    def reach_of(self, supplier: int) -> BoolArray:
        """Rows within reach of the assets ``supplier`` runs: those assets and every row
        depending on them, directly or transitively, through ``requires`` (any member of an
        ``any:`` group counts) and ``managed_by`` — what ``people_depending`` of a
        violation counts. Computed once per supplier."""
        cached = self._reach.get(supplier)
        if cached is None:
            cached = self._reach[supplier] = dependents(self.prep, self.prep.supplier == supplier)
        return cached

    def reach(self, flags: SupplierFlags) -> BoolArray:
        """Rows within reach (:meth:`reach_of`) of any flagged supplier's assets."""
        result = np.zeros(len(self.prep.table), dtype=bool)
        for s in np.flatnonzero(flags).tolist():
            result |= self.reach_of(s)
        return result

    def short_autonomy(self, hours: float) -> tuple[BoolArray, BoolArray]:
        """Radio rows below ``hours`` of autonomy (none recorded counts as short), and
        those with none recorded; computed once per threshold."""
        cached = self._short_autonomy.get(hours)
        if cached is None:
            battery = self.prep.table.battery_hours
            unknown = self.prep.radio & np.isnan(battery)
            short = self.prep.radio & (unknown | (np.nan_to_num(battery, nan=0.0) < hours))
            cached = self._short_autonomy[hours] = (short, unknown)
        return cached

    def sample(self, mask: BoolArray, limit: int = 5) -> tuple[str, ...]:
        return self.prep.ids(np.flatnonzero(mask)[:limit])

    def supplier_names(self, flags: SupplierFlags) -> list[str]:
        return [self.prep.supplier_ids[s] for s in np.flatnonzero(flags).tolist()]
