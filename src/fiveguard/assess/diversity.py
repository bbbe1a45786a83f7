"""Supplier diversity: shares, the Herfindahl–Hirschman index, single-supplier dependencies
and nation-wide concentration, per group of the network (catalogue ``diversity.groups``).

Shares are of the attributed quantity: assets naming no product are counted apart as
*unattributed*. Per-operator figures count the operator's own assets (a radio site it
hosts for a sharing partner counts for the host). The HHI is the sum of squared
percentage shares: 10,000 for one supplier, 10,000/n for n equal suppliers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fiveguard.assess.context import NATIONAL, Prepared, weight_column
from fiveguard.assess.results import (
    Concentration,
    Dependency,
    Diversity,
    ShareTable,
    SupplierShare,
)
from fiveguard.domain.catalogue import DiversityGroup, HhiBands

FloatArray = npt.NDArray[np.float64]


def hhi(quantities: Sequence[float] | FloatArray) -> float:
    """Herfindahl–Hirschman index of quantities: Σ (100 · share)², 0–10,000 (0 when empty)."""
    values = np.asarray(quantities, dtype=np.float64)
    total = values.sum()
    if total <= 0:
        return 0.0
    shares = 100.0 * values / total
    return float(np.square(shares).sum())


def band(index: float, bands: HhiBands) -> str:
    """``high`` from ``high_from``, ``moderate`` from ``moderate_from``, else unconcentrated."""
    if index >= bands.high_from:
        return "high"
    if index >= bands.moderate_from:
        return "moderate"
    return "unconcentrated"


def quantities(
    prep: Prepared, mask: npt.NDArray[np.bool_], weight: str
) -> tuple[FloatArray, FloatArray]:
    """Quantity per (operator, supplier) of the rows in ``mask``, and per operator the
    quantity of rows naming no product. Shapes (operators, suppliers) and (operators,)."""
    n_ops, n_sup = prep.n_operators, prep.n_suppliers
    rows = np.flatnonzero(mask)
    w = weight_column(prep, weight)[rows]
    sup = prep.supplier[rows]
    column = np.where(sup >= 0, sup, n_sup)
    counts = np.bincount(
        prep.operator[rows] * (n_sup + 1) + column, weights=w, minlength=n_ops * (n_sup + 1)
    )
    cells: FloatArray = counts.astype(np.float64, copy=False).reshape(n_ops, n_sup + 1)
    return cells[:, :n_sup], cells[:, n_sup]


def assess_diversity(prep: Prepared) -> Diversity:
    """Share tables for every group, scope and weight; dependencies and concentrations."""
    rules = prep.catalogue.assessment.diversity
    tables: list[ShareTable] = []
    dependencies: list[Dependency] = []
    concentrations: list[Concentration] = []
    for group in rules.groups:
        targeted = prep.rows_matching(group.targets)
        for weight in group.weights:
            per_op, unattributed = quantities(prep, targeted, weight)
            group_tables = _tables(prep, group, None, weight, per_op, unattributed)
            tables.extend(group_tables)
            if group.single_supplier_check and weight == group.weights[0]:
                dependencies.extend(_dependencies(group, group_tables))
            concentrations.extend(
                _concentrations(prep, group, weight, per_op, rules.national_concentration)
            )
        if group.by_kind:
            tables.extend(_by_kind(prep, group, targeted))
    return Diversity(
        hhi_scale=(
            "Herfindahl–Hirschman index: the sum of the squared percentage shares of the "
            "suppliers, from near 0 (many small suppliers) to 10,000 (one supplier). "
            + rules.hhi.source
        ),
        hhi_bands={"moderate_from": rules.hhi.moderate_from, "high_from": rules.hhi.high_from},
        tables=tuple(tables),
        single_supplier=tuple(dependencies),
        national_concentration=tuple(concentrations),
    )


def _by_kind(
    prep: Prepared, group: DiversityGroup, targeted: npt.NDArray[np.bool_]
) -> list[ShareTable]:
    out: list[ShareTable] = []
    kinds = np.unique(prep.table.kind[targeted])
    for kind in kinds.tolist():
        mask = targeted & (prep.table.kind == kind)
        per_op, unattributed = quantities(prep, mask, group.weights[0])
        out.extend(
            _tables(prep, group, prep.table.kinds[kind], group.weights[0], per_op, unattributed)
        )
    return out


def _tables(
    prep: Prepared,
    group: DiversityGroup,
    kind: str | None,
    weight: str,
    per_op: FloatArray,
    unattributed: FloatArray,
) -> list[ShareTable]:
    """The national table first, then one per operator that has any of the group."""
    bands = prep.catalogue.assessment.diversity.hhi
    scopes = [(NATIONAL, per_op.sum(axis=0), float(unattributed.sum()))]
    scopes += [
        (prep.operator_ids[k], per_op[k], float(unattributed[k])) for k in range(prep.n_operators)
    ]
    out = []
    for scope, row, missing in scopes:
        total = float(row.sum())
        if total <= 0 and missing <= 0:
            continue
        order = np.argsort(-row, kind="stable")
        shares = tuple(
            SupplierShare(
                supplier=prep.supplier_ids[s], quantity=float(row[s]), share=float(row[s] / total)
            )
            for s in order.tolist()
            if row[s] > 0
        )
        index = hhi(row)
        out.append(
            ShareTable(
                group=group.id,
                title=group.title + (f": {kind}" if kind else ""),
                kind=kind,
                scope=scope,
                weight=weight,
                total=total,
                unattributed=missing,
                shares=shares,
                suppliers=len(shares),
                hhi=index,
                band=band(index, bands),
            )
        )
    return out


def _dependencies(group: DiversityGroup, tables: Sequence[ShareTable]) -> list[Dependency]:
    out = []
    for table in tables:
        if table.suppliers != 1:
            continue
        only = table.shares[0]
        whose = "the country" if table.scope == NATIONAL else table.scope
        unit = {"sites": "radio sites", "population": "people served", "assets": "assets"}
        out.append(
            Dependency(
                group=group.id,
                title=group.title,
                scope=table.scope,
                supplier=only.supplier,
                quantity=only.quantity,
                weight=table.weight,
                text=(
                    f"{group.title} of {whose} comes from one supplier, {only.supplier} "
                    f"({only.quantity:,.0f} {unit[table.weight]})"
                    + (
                        f"; {table.unattributed:,.0f} more name no product"
                        if table.unattributed
                        else ""
                    )
                ),
            )
        )
    return out


def _concentrations(
    prep: Prepared, group: DiversityGroup, weight: str, per_op: FloatArray, threshold: float
) -> list[Concentration]:
    national = per_op.sum(axis=0)
    total = float(national.sum())
    if total <= 0:
        return []
    out = []
    for s in np.flatnonzero(national / total > threshold).tolist():
        share = float(national[s] / total)
        operators = tuple(prep.operator_ids[k] for k in np.flatnonzero(per_op[:, s]).tolist())
        out.append(
            Concentration(
                group=group.id,
                title=group.title,
                kind=None,
                weight=weight,
                supplier=prep.supplier_ids[s],
                share=share,
                threshold=threshold,
                operators=operators,
                text=(
                    f"{prep.supplier_ids[s]} holds {share:.1%} of {group.title} "
                    f"nationally by {weight} (threshold {threshold:.0%}), across "
                    f"{len(operators)} operator{'s' if len(operators) != 1 else ''}: "
                    f"{', '.join(operators)}"
                ),
            )
        )
    return out
