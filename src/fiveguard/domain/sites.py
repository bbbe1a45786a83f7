"""Radio sites held column-wise: a national model can list a million of them.

A :class:`SiteTable` row means what an :class:`~fiveguard.domain.network.Asset` with
the same fields means. Columns whose values repeat (operator, kind, product, region,
``requires`` …) are :class:`Categorical`: small tuples of distinct values plus an
``int32`` code per row, so a million rows cost a few tens of megabytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from fiveguard.domain.network import AnyOf, Asset

T = TypeVar("T", bound=Hashable)

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]


@dataclass(frozen=True, eq=False)
class Categorical(Generic[T]):
    """A column of repeated values: ``categories[codes[i]]``, code -1 for "none".

    "None" and the empty tuple are both stored as -1, so that a column means the same
    whichever way it was built.
    """

    codes: Int32Array
    categories: tuple[T, ...]

    @classmethod
    def from_values(cls, values: Sequence[T | None]) -> Categorical[T]:
        index: dict[T, int] = {}
        codes = np.fromiter(
            (-1 if v is None or v == () else index.setdefault(v, len(index)) for v in values),
            dtype=np.int32,
            count=len(values),
        )
        return cls(codes, tuple(index))

    @classmethod
    def constant(cls, value: T | None, n: int) -> Categorical[T]:
        if value is None or value == ():
            return cls(np.full(n, -1, dtype=np.int32), ())
        return cls(np.zeros(n, dtype=np.int32), (value,))

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def value(self, row: int) -> T | None:
        code = int(self.codes[row])
        return None if code < 0 else self.categories[code]

    def values(self) -> Iterator[T | None]:
        cats = self.categories
        return (None if c < 0 else cats[c] for c in self.codes.tolist())

    def used(self) -> dict[T, int]:
        """Each category actually used, with the first row that uses it."""
        present, first = np.unique(self.codes, return_index=True)
        return {
            self.categories[c]: int(r)
            for c, r in zip(present.tolist(), first.tolist(), strict=True)
            if c >= 0
        }

    def remap(self, mapping: Sequence[int]) -> Int32Array:
        """Codes translated through ``mapping`` (category index → new index); -1 kept."""
        table = np.asarray([*mapping, -1], dtype=np.int32)
        return table[self.codes]

    def compact(self) -> Categorical[T]:
        """The same column without categories that no row uses."""
        used = np.bincount(self.codes + 1, minlength=len(self.categories) + 1)[1:] > 0
        if used.all():
            return self
        mapping = np.where(used, np.cumsum(used) - 1, -1).tolist()
        kept = tuple(c for c, u in zip(self.categories, used.tolist(), strict=True) if u)
        return Categorical(self.remap(mapping), kept)

    def equals(self, other: Categorical[T]) -> bool:
        if len(self) != len(other):
            return False
        position = {v: i for i, v in enumerate(self.categories)}
        mapping = [position.get(v, -2) for v in other.categories]
        return bool(np.array_equal(other.remap(mapping), self.codes))


@dataclass(frozen=True, eq=False)
class SiteTable:
    """Radio assets listed in CSV files, one row each, stored by column."""

    id: ObjectArray
    operator: Categorical[str]
    kind: Categorical[str]
    product: Categorical[str]
    name: Categorical[str]
    region: Categorical[str]
    sites: Int32Array
    population: Int64Array
    critical_services: Categorical[tuple[str, ...]]
    sensitive: BoolArray
    battery_hours: FloatArray
    requires: Categorical[tuple[str | AnyOf, ...]]
    capacity: FloatArray
    """A row's capacity as a pool member or on a site of several radios (0 excluded to 1),
    NaN where not given: its kind's."""
    managed_by: Categorical[str]
    shared_with: Categorical[tuple[str, ...]]
    site: Categorical[str]
    """The physical site a row's radio stands on, shared with co-located rows; none: its own."""
    installed: Categorical[dt.date]
    purchased: Categorical[dt.date]
    latitude: FloatArray
    """Degrees north (−90 to 90), NaN where not given: carried for maps, read by no engine."""
    longitude: FloatArray
    """Degrees east (−180 to 180), NaN where not given."""
    files: tuple[str, ...] = ()
    file_of_row: npt.NDArray[np.int16] = field(default_factory=lambda: np.zeros(0, np.int16))
    line_of_row: Int32Array = field(default_factory=lambda: np.zeros(0, np.int32))

    CATEGORICAL = (
        "operator",
        "kind",
        "product",
        "name",
        "region",
        "critical_services",
        "requires",
        "managed_by",
        "shared_with",
        "site",
        "installed",
        "purchased",
    )
    NUMERIC = (
        "sites",
        "population",
        "sensitive",
        "battery_hours",
        "capacity",
        "latitude",
        "longitude",
    )

    def __len__(self) -> int:
        return int(self.id.shape[0])

    @classmethod
    def empty(cls) -> SiteTable:
        return cls.from_assets(())

    @classmethod
    def from_assets(cls, assets: Sequence[Asset]) -> SiteTable:
        """Build a table from asset objects (for small tables and tests)."""
        n = len(assets)
        return cls(
            id=np.array([a.id for a in assets], dtype=object),
            operator=Categorical.from_values([a.operator for a in assets]),
            kind=Categorical.from_values([a.kind for a in assets]),
            product=Categorical.from_values([a.product for a in assets]),
            name=Categorical.from_values([a.name for a in assets]),
            region=Categorical.from_values([a.region for a in assets]),
            sites=np.array([a.sites for a in assets], dtype=np.int32).reshape(n),
            population=np.array([a.population for a in assets], dtype=np.int64).reshape(n),
            critical_services=Categorical.from_values([a.critical_services for a in assets]),
            sensitive=np.array([a.sensitive for a in assets], dtype=bool).reshape(n),
            battery_hours=np.array(
                [np.nan if a.battery_hours is None else a.battery_hours for a in assets],
                dtype=np.float64,
            ).reshape(n),
            requires=Categorical.from_values([a.requires for a in assets]),
            capacity=np.array(
                [np.nan if a.capacity is None else a.capacity for a in assets], dtype=np.float64
            ).reshape(n),
            managed_by=Categorical.from_values([a.managed_by for a in assets]),
            shared_with=Categorical.from_values([a.shared_with for a in assets]),
            site=Categorical.from_values([a.site for a in assets]),
            installed=Categorical.from_values([a.installed for a in assets]),
            purchased=Categorical.from_values([a.purchased for a in assets]),
            latitude=np.full(n, np.nan),
            longitude=np.full(n, np.nan),
        )

    @classmethod
    def concat(cls, tables: Sequence[SiteTable]) -> SiteTable:
        """One table holding the rows of several, in order (several CSV files)."""
        if len(tables) == 1:
            return tables[0]
        if not tables:
            return cls.empty()

        def cat(name: str) -> Categorical[Any]:
            index: dict[Any, int] = {}
            parts = []
            for t in tables:
                column: Categorical[Any] = getattr(t, name)
                mapping = [index.setdefault(v, len(index)) for v in column.categories]
                parts.append(column.remap(mapping))
            return Categorical(np.concatenate(parts).astype(np.int32), tuple(index))

        files: list[str] = []
        file_parts = []
        for t in tables:
            file_parts.append(t.file_of_row + len(files))
            files.extend(t.files)
        columns: dict[str, Any] = {name: cat(name) for name in cls.CATEGORICAL}
        columns.update(
            {name: np.concatenate([getattr(t, name) for t in tables]) for name in cls.NUMERIC}
        )
        return cls(
            id=np.concatenate([t.id for t in tables]),
            **columns,
            files=tuple(files),
            file_of_row=np.concatenate(file_parts).astype(np.int16),
            line_of_row=np.concatenate([t.line_of_row for t in tables]).astype(np.int32),
        )

    def compacted(self) -> SiteTable:
        """The same rows with every categorical column free of unused categories."""
        return dataclasses.replace(
            self, **{name: getattr(self, name).compact() for name in self.CATEGORICAL}
        )

    def asset(self, row: int) -> Asset:
        """Row ``row`` as an :class:`Asset` (for explanations and reports)."""
        battery = float(self.battery_hours[row])
        capacity = float(self.capacity[row])
        return Asset(
            id=str(self.id[row]),
            operator=self.operator.value(row) or "",
            kind=self.kind.value(row) or "",
            product=self.product.value(row),
            name=self.name.value(row),
            region=self.region.value(row),
            sites=int(self.sites[row]),
            population=int(self.population[row]),
            critical_services=self.critical_services.value(row) or (),
            sensitive=bool(self.sensitive[row]),
            battery_hours=None if np.isnan(battery) else battery,
            requires=self.requires.value(row) or (),
            capacity=None if np.isnan(capacity) else capacity,
            managed_by=self.managed_by.value(row),
            shared_with=self.shared_with.value(row) or (),
            site=self.site.value(row),
            installed=self.installed.value(row),
            purchased=self.purchased.value(row),
        )

    def where(self, row: int) -> tuple[str | None, int | None]:
        """The CSV file and line a row was read from, when known."""
        if row < len(self.line_of_row) and self.files:
            return self.files[int(self.file_of_row[row])], int(self.line_of_row[row])
        return None, None

    def equals(self, other: SiteTable) -> bool:
        """Same rows with the same values (where they were read from does not matter)."""
        if len(self) != len(other) or not np.array_equal(self.id, other.id):
            return False
        for name in self.CATEGORICAL:
            if not getattr(self, name).equals(getattr(other, name)):
                return False
        return (
            np.array_equal(self.sites, other.sites)
            and np.array_equal(self.population, other.population)
            and np.array_equal(self.sensitive, other.sensitive)
            and np.array_equal(self.battery_hours, other.battery_hours, equal_nan=True)
            and np.array_equal(self.capacity, other.capacity, equal_nan=True)
            and np.array_equal(self.latitude, other.latitude, equal_nan=True)
            and np.array_equal(self.longitude, other.longitude, equal_nan=True)
        )
