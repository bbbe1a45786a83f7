"""Checks of RAN sharing: the core functions each sharing operator's customers need.

On a radio asset shared between operators (``shared_with``), each operator's customers
need the radio and their own operator's core: the ``requires`` entries whose members are
all core functions (kinds in the ``core`` domain) of that operator. Every other entry
(backhaul, transport …) is the site's, needed by everyone on it. So an entry of core
functions must be one sharing operator's, and a shared asset that lists one operator's
core lists each one's; otherwise the customers of an operator left out would be taken to
need no core at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Domain
from fiveguard.domain.table import AssetTable
from fiveguard.modelio.validate_base import CheckerBase

Where = int | None
"""The ``requires`` entry a problem is at (its index), or the whole list (None)."""


class SharingChecks(CheckerBase):
    """The ``requires`` of shared radio assets, on the resolved asset table."""

    def check_shared_cores(self, table: AssetTable) -> None:
        kinds = self.cat.asset_kinds
        domain = [kinds[k].domain if k in kinds else None for k in table.kinds] + [None]
        radio = np.asarray([d is Domain.RAN for d in domain])[table.kind]
        shared = np.flatnonzero(radio & (np.diff(table.shared_ptr) > 0))
        declared = shared[shared < table.n_declared]
        for row in declared.tolist():
            path: tuple[str | int, ...] = ("assets", self.sources.file_index("assets", row))
            for entry, message in self.shared_core_problems(table, row, domain):
                self.at((*path, "requires", *(() if entry is None else (entry,))), message)
        self._check_site_rows(table, shared[shared >= table.n_declared] - table.n_declared, domain)

    def _check_site_rows(
        self, table: AssetTable, rows: npt.NDArray[np.int64], domain: Sequence[Domain | None]
    ) -> None:
        """Each distinct (operator, requires, shared_with) of the site rows once, at its
        first row, with the number of rows sharing it."""
        if rows.size == 0:
            return
        sites = self.sites
        combos = np.stack(
            [sites.operator.codes[rows], sites.requires.codes[rows], sites.shared_with.codes[rows]],
            axis=1,
        )
        _, first, counts = np.unique(combos, axis=0, return_index=True, return_counts=True)
        for row, count in sorted(zip(rows[first].tolist(), counts.tolist(), strict=True)):
            for _, message in self.shared_core_problems(table, table.n_declared + row, domain):
                self.at_site(row, "requires", message, count)

    def shared_core_problems(
        self, table: AssetTable, row: int, domain: Sequence[Domain | None]
    ) -> Iterator[tuple[Where, str]]:
        """What is wrong with the core functions a shared radio asset lists."""
        operators = [o.id for o in self.doc.operators]
        host = operators[table.operator[row]]
        named = table.shared_with[table.shared_ptr[row] : table.shared_ptr[row + 1]]
        guests = [operators[g] for g in named.tolist()]
        sharing = list(dict.fromkeys([host, *guests]))
        who = f"{host} runs it, shared with {', '.join(g for g in sharing if g != host)}"
        listed: list[str] = []
        for j, e in enumerate(range(table.req_ptr[row], table.req_ptr[row + 1])):
            members = table.members[table.entry_ptr[e] : table.entry_ptr[e + 1]].tolist()
            if not members or not all(domain[table.kind[m]] is Domain.CORE for m in members):
                continue
            owners = list(dict.fromkeys(operators[table.operator[m]] for m in members))
            ids = [str(table.ids[m]) for m in members]
            if len(owners) > 1:
                whose = ", ".join(
                    f"{i} is {operators[table.operator[m]]}'s"
                    for i, m in zip(ids, members, strict=True)
                )
                yield (
                    j,
                    f"an any: group of core functions of several operators ({whose}): on a "
                    "shared radio asset each operator's customers need their own operator's "
                    "core, so give each operator's core functions entries of their own",
                )
            elif owners[0] not in sharing:
                yield (
                    j,
                    f"{ids[0]!r} is a core function of {owners[0]}, which does not share this "
                    f"radio asset ({who}): list the core functions of the sharing operators "
                    f"only, or add {owners[0]} to shared_with",
                )
            elif owners[0] not in listed:
                listed.append(owners[0])
        missing = [o for o in sharing if o not in listed]
        if listed and missing:
            yield (
                None,
                f"lists core functions of {', '.join(listed)} but none of "
                f"{', '.join(missing)} ({who}): each operator's customers on a shared radio "
                f"asset need their own operator's core, so list {', '.join(missing)}'s too "
                "(e.g. the AMF pool and the UPF serving the site's region)",
            )
