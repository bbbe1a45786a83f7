"""A loaded national model: the YAML document, its CSV site rows, and derived indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from fiveguard.domain.errors import Problem
from fiveguard.domain.network import (
    Asset,
    ModelDocument,
    Operator,
    Product,
    Region,
    Supplier,
)
from fiveguard.domain.registry import RegistryView
from fiveguard.domain.sites import SiteTable
from fiveguard.domain.table import AssetTable, asset_of_row, build_asset_table


@dataclass(frozen=True, eq=False)
class NetworkModel:
    """What engines work on. ``source`` names the file it came from, for messages;
    ``notes`` say what reading it did that a user should know, though nothing is wrong
    (columns of a site file that were ignored)."""

    document: ModelDocument
    sites: SiteTable = field(default_factory=SiteTable.empty)
    source: str | None = None
    notes: tuple[Problem, ...] = ()
    """What the reading left aside without harm (e.g. site columns fiveguard does not read)."""
    warnings: tuple[Problem, ...] = ()
    """Values the checks found probably wrong, though the model is usable (located)."""
    registry: RegistryView | None = None
    """The product registry whose lab records the evidence includes, when it reads one."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NetworkModel):
            return NotImplemented
        return self.document == other.document and self.sites.equals(other.sites)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"NetworkModel(source={self.source!r}, country={self.document.scope.country!r}, "
            f"assets={len(self.document.assets)}, site_rows={len(self.sites)})"
        )

    @cached_property
    def table(self) -> AssetTable:
        """Every asset (declared and CSV rows) as resolved index arrays."""
        return build_asset_table(self.document, self.sites)

    @cached_property
    def suppliers(self) -> dict[str, Supplier]:
        return {s.id: s for s in self.document.suppliers}

    @cached_property
    def products(self) -> dict[str, Product]:
        return {p.id: p for p in self.document.products}

    @cached_property
    def operators(self) -> dict[str, Operator]:
        return {o.id: o for o in self.document.operators}

    @cached_property
    def regions(self) -> dict[str, Region]:
        return {r.id: r for r in self.document.regions}

    def asset(self, row: int) -> Asset:
        """The asset at a row of :attr:`table`."""
        return asset_of_row(self.table, self.document, self.sites, row)

    @property
    def asset_count(self) -> int:
        return len(self.document.assets) + len(self.sites)
