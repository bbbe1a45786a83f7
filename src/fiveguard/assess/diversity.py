"""Supplier diversity: shares, the Herfindahl–Hirschman index, single-supplier dependencies
and nation-wide concentration, per group of the network (catalogue ``diversity.groups``).

Shares are of the attributed quantity: assets naming no product are counted apart as
*unattributed*; a group none of whose assets names a product has no HHI. Per-operator
figures are the operator's view (:class:`~fiveguard.assess.context.OperatorView`): its
own assets and the radio assets other operators share with it, a shared site counting
as a whole site and its people split by subscribers. National figures count every asset
once. The HHI is the sum of squared percentage shares: 10,000 for one supplier, 10,000/n
for n equal suppliers.

Radio assets naming one ``site`` share its sites and people. By sites and by people, a
site of the group is split equally between the suppliers of its radios in the group
(assets naming no product counting as one more, *unattributed*), a supplier counted once
however many of its radios the site carries: the shares sum to 100 % and the total plus
the unattributed quantity is the group's sites (or people), each once. By assets, every
asset counts one. (A supplier's footprint, in :mod:`.profiles`, counts a two-supplier
site whole in both footprints: it answers who is exposed, not who holds what share.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.assess.common_mode import common_mode_groups
from fiveguard.assess.context import NATIONAL, Prepared, plural, weight_column
from fiveguard.assess.results import (
    Concentration,
    Dependency,
    Diversity,
    ShareTable,
    SupplierShare,
)
from fiveguard.domain.catalogue import DiversityGroup, HhiBands

FloatArray = npt.NDArray[np.float64]
NO_SUPPLIER_BAND = "no-attributed-supplier"
UNITS = {"sites": "radio site", "population": "person", "assets": "asset"}
PLURAL_UNITS = {"sites": "radio sites", "population": "people", "assets": "assets"}


def hhi(quantities: Sequence[float] | FloatArray) -> float | None:
    """Herfindahl–Hirschman index of quantities: Σ (100 · share)², 0–10,000.

    ``None`` when nothing is attributed: an empty market has no concentration (0 would
    claim many tiny suppliers, the opposite of knowing none).
    """
    values = np.asarray(quantities, dtype=np.float64)
    total = values.sum()
    if total <= 0:
        return None
    shares = 100.0 * values / total
    return float(np.square(shares).sum())


def band(index: float | None, bands: HhiBands) -> str:
    """The 2010 Horizontal Merger Guidelines' wording: ``high`` above ``high_above``,
    ``moderate`` from ``moderate_from`` up to it, else unconcentrated; no index, no band."""
    if index is None:
        return NO_SUPPLIER_BAND
    if index > bands.high_above:
        return "high"
    if index >= bands.moderate_from:
        return "moderate"
    return "unconcentrated"


def count(n: float, weight: str) -> str:
    """A quantity with its unit: ``1 radio site``, ``12,000 people``, ``3 assets``; a part
    of a site split between suppliers with one decimal (``2.5 radio sites``)."""
    if weight == "sites" and n != round(n):
        return f"{n:,.1f} {PLURAL_UNITS[weight]}"
    return plural(n, UNITS[weight], PLURAL_UNITS[weight])


@dataclass(frozen=True)
class Quantities:
    """Quantities of one group and weight. Per operator (its view) and nationally (each
    asset once): attributed per supplier, unattributed, and the part shared in by others."""

    per_op: FloatArray  # (operators, suppliers)
    unattributed: FloatArray  # (operators,)
    shared_in: FloatArray  # (operators,) quantity on rows other operators host
    national: FloatArray  # (suppliers,)
    national_unattributed: float
    own_per_op: FloatArray  # (operators, suppliers): the operator's own assets only


def quantities(prep: Prepared, mask: npt.NDArray[np.bool_], weight: str) -> Quantities:
    """Quantities of the rows in ``mask`` by ``weight`` (vectorised over rows)."""
    n_ops, n_sup = prep.n_operators, prep.n_suppliers
    width = n_sup + 1
    base = weight_column(prep, weight)
    column = np.where(prep.supplier >= 0, prep.supplier, n_sup)

    def cells(rows: npt.NDArray[np.int64], ops: npt.NDArray[np.int64], w: FloatArray) -> FloatArray:
        counts = np.bincount(ops * width + column[rows], weights=w, minlength=n_ops * width)
        return counts.astype(np.float64, copy=False).reshape(n_ops, width)

    if weight != "assets":
        base = base * site_split(prep.table.site, column, mask)
    own_rows = np.flatnonzero(mask)
    own = cells(own_rows, prep.operator[own_rows], base[own_rows])
    national = own.sum(axis=0)
    if prep.has_sharing:
        view = prep.view
        entries = np.flatnonzero(mask[view.row])
        rows = view.row[entries]
        w = base[rows] * (view.share[entries] if weight == "population" else 1.0)
        seen = cells(rows, view.operator[entries], w)
        guest = view.guest[entries]
        shared_in: FloatArray = np.bincount(
            view.operator[entries][guest], weights=w[guest], minlength=n_ops
        ).astype(np.float64)
    else:
        seen, shared_in = own, np.zeros(n_ops, dtype=np.float64)
    return Quantities(
        per_op=seen[:, :n_sup],
        unattributed=seen[:, n_sup],
        shared_in=shared_in,
        national=national[:n_sup],
        national_unattributed=float(national[n_sup]),
        own_per_op=own[:, :n_sup],
    )


def site_split(
    site: npt.NDArray[np.integer], column: npt.NDArray[np.integer], mask: npt.NDArray[np.bool_]
) -> FloatArray:
    """Per row, the part of its site's sites and people it counts for, among the rows in
    ``mask``: a site's first row of each distinct ``column`` (supplier, or the unattributed
    column) gets 1 / the number of distinct columns on the site, its other rows 0; a row
    naming no site gets 1. Rows outside ``mask`` get 0."""
    out = mask.astype(np.float64)
    named = np.flatnonzero(mask & (site >= 0))
    if not named.size:
        return out
    width = int(column.max()) + 1
    keys = site[named].astype(np.int64) * width + column[named]
    _, first = np.unique(keys, return_index=True)
    firsts = named[first]
    distinct = np.bincount(site[firsts], minlength=int(site.max()) + 1)
    out[named] = 0.0
    out[firsts] = 1.0 / distinct[site[firsts]]
    return out


def assess_diversity(prep: Prepared) -> Diversity:
    """Share tables for every group, scope and weight; dependencies, concentrations and
    redundancy groups running one version."""
    rules = prep.catalogue.assessment.diversity
    tables: list[ShareTable] = []
    dependencies: list[Dependency] = []
    concentrations: list[Concentration] = []
    for group in rules.groups:
        targeted = prep.rows_matching(group.targets)
        for weight in group.weights:
            q = quantities(prep, targeted, weight)
            group_tables = _tables(prep, group, None, weight, q)
            tables.extend(group_tables)
            if group.single_supplier_check and weight == group.weights[0]:
                dependencies.extend(_dependencies(prep, group, group_tables, q))
            concentrations.extend(
                _concentrations(prep, group, weight, q, rules.national_concentration)
            )
        if group.by_kind:
            tables.extend(_by_kind(prep, group, targeted))
    return Diversity(
        hhi_scale=(
            "Herfindahl–Hirschman index: the sum of the squared percentage shares of the "
            "suppliers, from near 0 (many small suppliers) to 10,000 (one supplier); none "
            "when no asset of the group names a product. " + rules.hhi.source
        ),
        hhi_bands={"moderate_from": rules.hhi.moderate_from, "high_above": rules.hhi.high_above},
        sharing_rule=(
            "An operator's figures count its own assets and the radio assets other operators "
            "share with it (shared_with): a shared site is a whole site of each network, and "
            "its people are split between the operators sharing it in proportion to their "
            "subscribers. National figures count every asset once. The what-ifs count an "
            "operator's people the same way: its customers on a shared site are its part of "
            "the site's people."
            + (
                " Radio assets on one site share its sites and people: by sites and by "
                "people, the site is split equally between the suppliers of its radios "
                "(those naming no product counting as one more, unattributed), so the "
                "shares sum to 100 % and each site and person counts once."
                if bool((prep.table.site >= 0).any())
                else ""
            )
        ),
        tables=tuple(tables),
        single_supplier=tuple(dependencies),
        national_concentration=tuple(concentrations),
        common_mode=common_mode_groups(prep),
    )


def _by_kind(
    prep: Prepared, group: DiversityGroup, targeted: npt.NDArray[np.bool_]
) -> list[ShareTable]:
    out: list[ShareTable] = []
    kinds = np.unique(prep.table.kind[targeted])
    for kind in kinds.tolist():
        mask = targeted & (prep.table.kind == kind)
        q = quantities(prep, mask, group.weights[0])
        out.extend(_tables(prep, group, prep.table.kinds[kind], group.weights[0], q))
    return out


def _tables(
    prep: Prepared, group: DiversityGroup, kind: str | None, weight: str, q: Quantities
) -> list[ShareTable]:
    """The national table first, then one per operator that has any of the group."""
    bands = prep.catalogue.assessment.diversity.hhi
    scopes = [(NATIONAL, q.national, q.national_unattributed, 0.0)]
    scopes += [
        (prep.operator_ids[k], q.per_op[k], float(q.unattributed[k]), float(q.shared_in[k]))
        for k in range(prep.n_operators)
    ]
    out = []
    for scope, row, missing, shared in scopes:
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
                unattributed_share=missing / (total + missing),
                shared_in=shared,
                shares=shares,
                suppliers=len(shares),
                hhi=index,
                band=band(index, bands),
            )
        )
    return out


def _dependencies(
    prep: Prepared, group: DiversityGroup, tables: Sequence[ShareTable], q: Quantities
) -> list[Dependency]:
    out = []
    for table in tables:
        whose = "the country" if table.scope == NATIONAL else table.scope
        if table.suppliers == 1:
            only = table.shares[0]
            shared = (
                f", {count(table.shared_in, table.weight)} of them shared by other operators"
                if table.shared_in
                else ""
            )
            out.append(
                Dependency(
                    group=group.id,
                    title=group.title,
                    scope=table.scope,
                    supplier=only.supplier,
                    quantity=only.quantity,
                    weight=table.weight,
                    network="served",
                    text=(
                        f"{group.title} of {whose} comes from one supplier, {only.supplier} "
                        f"({count(only.quantity, table.weight)}{shared})"
                        + (
                            f"; {count(table.unattributed, table.weight)} more name no product"
                            if table.unattributed
                            else ""
                        )
                    ),
                )
            )
        elif table.scope != NATIONAL and table.shared_in:
            out.extend(_own_dependency(prep, group, table, q))
    return out


def _own_dependency(
    prep: Prepared, group: DiversityGroup, table: ShareTable, q: Quantities
) -> list[Dependency]:
    """An operator whose own assets of the group have one supplier, although the assets
    other operators share with it bring more: reported, with both figures."""
    k = prep.operator_ids.index(table.scope)
    own = q.own_per_op[k]
    present = np.flatnonzero(own > 0)
    if present.size != 1:
        return []
    supplier = prep.supplier_ids[int(present[0])]
    others = ", ".join(s.supplier for s in table.shares if s.supplier != supplier)
    return [
        Dependency(
            group=group.id,
            title=group.title,
            scope=table.scope,
            supplier=supplier,
            quantity=float(own[present[0]]),
            weight=table.weight,
            network="own",
            text=(
                f"{group.title} that {table.scope} runs itself comes from one supplier, "
                f"{supplier} ({count(float(own[present[0]]), table.weight)}); the "
                f"{count(table.shared_in, table.weight)} other operators share with it add "
                f"{others}"
            ),
        )
    ]


def _concentrations(
    prep: Prepared, group: DiversityGroup, weight: str, q: Quantities, threshold: float
) -> list[Concentration]:
    national = q.national
    total = float(national.sum())
    if total <= 0:
        return []
    out = []
    for s in np.flatnonzero(national / total > threshold).tolist():
        share = float(national[s] / total)
        operators = tuple(prep.operator_ids[k] for k in np.flatnonzero(q.per_op[:, s]).tolist())
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
                    f"{plural(len(operators), 'operator')}: {', '.join(operators)}"
                ),
            )
        )
    return out
