"""The model's assets as arrays for the whole-model checks, built from what resolves.

The whole-model checks (dependency cycles, people served per region and per operator)
must run even when other problems were found, so that one run lists every problem. They
therefore do not use the engines' :class:`~fiveguard.domain.table.AssetTable`, which
needs every reference resolved: here a reference that does not resolve (reported where it
is written) is simply left out, and an asset that failed validation has no edges and
serves no one.

Nodes are numbered as :attr:`CheckerBase.assets` numbers assets: the assets written in
the YAML file by their place there, then the site rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.graph import ragged_ranges
from fiveguard.domain.network import AnyOf, Asset
from fiveguard.domain.sites import Categorical, SiteTable

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Csr = tuple[Int64Array, Int32Array]
"""Node ``i``'s list is ``values[ptr[i]:ptr[i+1]]``."""


@dataclass(frozen=True, eq=False)
class CheckGraph:
    """Per node: the resolved parts of each asset the checks need (-1: none or unknown)."""

    requires: Csr
    """Every member of every ``requires`` entry, itself left out."""
    managed_by: Csr
    """The manager, itself left out."""
    operator: Int32Array
    """Index in the document's operators."""
    region: Int32Array
    """Index in the document's regions."""
    radio: BoolArray
    population: Int64Array
    shared_with: Csr
    """Operator indices of the RAN-sharing partners."""
    repeats: BoolArray
    """Assets naming a ``site`` an earlier asset named: its people and sites are the
    site's, counted once, at the first."""

    def __len__(self) -> int:
        return int(self.operator.shape[0])


def check_graph(
    declared: Sequence[tuple[int, Asset]],
    n_written: int,
    sites: SiteTable,
    ids: Mapping[str, int],
    operators: Mapping[str, int],
    regions: Mapping[str, int],
    catalogue: Catalogue,
) -> CheckGraph:
    """The graph of ``n_written`` YAML nodes, of which ``declared`` (node, asset) passed
    validation, then the site rows; ``ids``, ``operators`` and ``regions`` resolve names
    (an unknown name is left out)."""
    written: list[Asset | None] = [None] * n_written
    for node, asset in declared:
        written[node] = asset
    radio_kinds = {kind for kind, info in catalogue.asset_kinds.items() if info.is_radio}
    return CheckGraph(
        requires=_without_self(
            _lists([_members(a.requires) if a else [] for a in written], sites.requires, ids)
        ),
        managed_by=_without_self(
            _lists(
                [[a.managed_by] if a and a.managed_by else [] for a in written],
                sites.managed_by,
                ids,
            )
        ),
        operator=_column([a.operator if a else None for a in written], sites.operator, operators),
        region=_column([a.region if a else None for a in written], sites.region, regions),
        radio=np.concatenate(
            [
                np.asarray([a is not None and a.kind in radio_kinds for a in written], dtype=bool),
                np.asarray([k in radio_kinds for k in sites.kind.categories] + [False])[
                    sites.kind.codes
                ],
            ]
        ),
        population=np.concatenate(
            [
                np.asarray([a.population if a else 0 for a in written], dtype=np.int64),
                sites.population.astype(np.int64),
            ]
        ),
        shared_with=_lists(
            [list(a.shared_with) if a else [] for a in written], sites.shared_with, operators
        ),
        repeats=_repeats([a.site if a else None for a in written], sites.site),
    )


def _repeats(written: Sequence[str | None], column: Categorical[str]) -> BoolArray:
    """Per node, whether its site was named by an earlier node."""
    names = {v: i for i, v in enumerate(dict.fromkeys(v for v in written if v))}
    for v in column.categories:
        names.setdefault(v, len(names))
    codes = np.concatenate(
        [
            np.asarray([names[v] if v else -1 for v in written], dtype=np.int64),
            column.remap([names[v] for v in column.categories]).astype(np.int64),
        ]
    )
    named = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[named], return_index=True)
    out = codes >= 0
    out[named[first]] = False
    return out


def _members(requires: Sequence[str | AnyOf] | str) -> list[str]:
    """The asset ids a ``requires`` list names (any group or not); a manager's id."""
    if isinstance(requires, str):
        return [requires]
    return [m for r in requires for m in (r.any if isinstance(r, AnyOf) else (r,))]


def _column(
    written: Sequence[str | None], column: Categorical[str], index: Mapping[str, int]
) -> Int32Array:
    """Indices of the names in ``written`` then in the site column; -1 where unknown."""
    return np.concatenate(
        [
            np.asarray([index.get(v, -1) if v else -1 for v in written], dtype=np.int32),
            column.remap([index.get(v, -1) for v in column.categories]),
        ]
    )


def _lists(
    written: Sequence[Sequence[str]],
    column: Categorical[str] | Categorical[tuple[str, ...]] | Categorical[tuple[str | AnyOf, ...]],
    index: Mapping[str, int],
) -> Csr:
    """A list per node: the YAML nodes' names, then the names of each site row's category
    (an id, or a tuple of ids or requirements), as indices; unknown names are left out."""

    def resolve(names: Sequence[str]) -> list[int]:
        return [index[name] for name in names if name in index]

    per_category = [resolve(_members(category)) for category in column.categories]
    pattern_ptr = _ptr(np.asarray([len(p) for p in per_category] + [0], dtype=np.int64))
    pattern_values = np.asarray([v for p in per_category for v in p], dtype=np.int32)
    codes = np.where(column.codes < 0, len(per_category), column.codes)
    resolved = [resolve(names) for names in written]
    counts = np.concatenate(
        [np.asarray([len(r) for r in resolved], dtype=np.int64), np.diff(pattern_ptr)[codes]]
    )
    values = np.concatenate(
        [
            np.asarray([v for r in resolved for v in r], dtype=np.int32),
            pattern_values[ragged_ranges(pattern_ptr, codes)],
        ]
    )
    return _ptr(counts), values.astype(np.int32)


def _ptr(counts: npt.NDArray[np.integer]) -> Int64Array:
    ptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


def _without_self(lists: Csr) -> Csr:
    """The lists without a node naming itself (reported where it does so)."""
    ptr, values = lists
    owner = np.repeat(np.arange(len(ptr) - 1, dtype=np.int64), np.diff(ptr))
    keep = values != owner
    return _ptr(np.bincount(owner[keep], minlength=len(ptr) - 1)), values[keep]
