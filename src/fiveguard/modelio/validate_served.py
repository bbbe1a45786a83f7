"""Checks of who is served where: radio assets standing on one site, and permanent
national roaming.

Radio assets naming the same ``site`` (a 4G and a 5G radio on one mast, two vendors'
radios on one site) are one site: one operator's, in one region, with one population
and one count of sites written on each of them, and shared alike. An operator's
``national_roaming`` names a host running a radio network in each of its regions, and
what of the operator's own network its customers still need there.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from fiveguard.domain.graph import ragged_ranges
from fiveguard.domain.network import AnyOf, Operator
from fiveguard.domain.sharing import national_roaming_guests, with_guests
from fiveguard.domain.table import AssetTable
from fiveguard.modelio.validate_base import CheckerBase
from fiveguard.modelio.validate_graph import CheckGraph

MAX_LISTED = 50
"""Co-location problems listed one by one per field before the rest are counted."""

Path = tuple[str | int, ...]


class ServedChecks(CheckerBase):
    """Co-located radio assets and national roaming."""

    # -- national roaming, on the document
    def national_roaming_problems(self, operator: Operator) -> Iterable[tuple[Path, str, bool]]:
        """(path under the operator, message, is a warning) for each problem of its
        ``national_roaming``."""
        if not operator.national_roaming:
            return
        if operator.hosted_by is not None:
            yield (
                ("national_roaming",),
                f"an MVNO's customers use its host's network everywhere; list national "
                f"roaming on {operator.hosted_by!r}",
                False,
            )
            return
        by_id = {o.id: o for o in self.doc.operators}
        seen: dict[str, int] = {}
        for j, agreement in enumerate(operator.national_roaming):
            host = agreement.host
            at: Path = ("national_roaming", j)
            if host == operator.id:
                yield (*at, "host"), "an operator cannot roam on itself", False
            elif host not in self.operators:
                yield (*at, "host"), f"{host!r} is not a declared operator", False
            elif host in self.hosts:
                yield (
                    (*at, "host"),
                    f"{host!r} is an MVNO, with no radio network of its own: name its host "
                    f"{self.hosts[host]!r}",
                    False,
                )
            for k, region in enumerate(agreement.regions):
                if region not in self.regions:
                    yield (*at, "regions", k), f"{region!r} is not a declared region", False
                elif region in seen:
                    yield (
                        (*at, "regions", k),
                        f"{operator.id}'s customers in {region} are already served by national "
                        f"roaming (national_roaming[{seen[region]}]): one host per region",
                        False,
                    )
                else:
                    seen[region] = j
                    chained = by_id.get(host)
                    if chained is not None and any(
                        region in a.regions for a in chained.national_roaming
                    ):
                        yield (
                            (*at, "regions", k),
                            f"{host}'s own customers in {region} are on national roaming: "
                            f"name the operator whose radio serves {region}",
                            False,
                        )
            yield from self._guest_requirement_problems(operator, j)

    def _guest_requirement_problems(
        self, operator: Operator, j: int
    ) -> Iterable[tuple[Path, str, bool]]:
        agreement = operator.national_roaming[j]
        at: Path = ("national_roaming", j)
        if not agreement.requires:
            yield (
                at,
                f"national roaming on {agreement.host} lists nothing {operator.id}'s "
                f"customers need of {operator.id}'s own network: they are taken to need only "
                "the host's; name at least its subscriber database (HSS/UDM) in requires",
                True,
            )
        declared = {a.id: a.operator for a in self.doc.assets}
        for k, entry in enumerate(agreement.requires):
            members = entry.any if isinstance(entry, AnyOf) else (entry,)
            for m, member in enumerate(members):
                where = (*at, "requires", k, "any", m) if isinstance(entry, AnyOf) else (
                    *at, "requires", k,
                )  # fmt: skip
                owner = self._operator_of(member, declared)
                if member not in self.assets:
                    self.broken_references = True
                    yield where, f"{member!r} is not a declared asset", False
                elif owner is not None and owner != operator.id:
                    yield (
                        where,
                        f"{member!r} is {owner}'s: requires names what {operator.id}'s "
                        f"customers need of {operator.id}'s own network (the host's radio and "
                        "what it needs come with the host)",
                        False,
                    )

    def _operator_of(self, ident: str, declared: dict[str, str]) -> str | None:
        if ident in declared:
            return declared[ident]
        index = self.assets.get(ident)
        if index is None or index < self.n_written_assets:
            return None
        return self.sites.operator.value(index - self.n_written_assets)

    def with_national_roaming(
        self, graph: CheckGraph
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The RAN-sharing partners of each node, with the guests its network operators
        take on by national roaming in its region added (radio nodes only)."""
        return with_guests(
            graph.operator,
            graph.region,
            graph.radio,
            *graph.shared_with,
            national_roaming_guests(self.doc.operators, [r.id for r in self.doc.regions]),
        )

    # -- on the resolved table
    def check_national_roaming_hosts(self, table: AssetTable) -> None:
        """Every region of a national roaming agreement has a radio asset of its host
        (its own, or one shared with it)."""
        radio = self._radio(table)
        operators = {o.id: i for i, o in enumerate(self.doc.operators)}
        regions = {r.id: i for i, r in enumerate(self.doc.regions)}
        served = set(zip(table.operator[radio].tolist(), table.region[radio].tolist(), strict=True))
        shared = np.flatnonzero(radio & (np.diff(table.shared_ptr) > 0))
        partner_rows = np.repeat(shared, np.diff(table.shared_ptr)[shared])
        partners = table.shared_with[ragged_ranges(table.shared_ptr, shared)]
        served |= set(zip(partners.tolist(), table.region[partner_rows].tolist(), strict=True))
        for i, guest in enumerate(self.doc.operators):
            for j, agreement in enumerate(guest.national_roaming):
                host = operators.get(agreement.host)
                for k, region in enumerate(agreement.regions):
                    if host is None or region not in regions:
                        continue
                    if (host, regions[region]) not in served:
                        self.at_item(
                            "operators",
                            i,
                            ("national_roaming", j, "regions", k),
                            f"{agreement.host} runs no radio asset in {region} (of its own or "
                            f"shared with it): {guest.id}'s customers there would have no "
                            "network to use",
                        )

    def check_colocated_sites(self, table: AssetTable) -> None:
        """Radio assets naming one site agree on what the site is."""
        named = np.flatnonzero(table.site >= 0)
        if named.size == 0:
            return
        radio = self._radio(table)
        for index in named[~radio[named]][:MAX_LISTED].tolist():
            kind = table.kinds[table.kind[index]]
            self._at_asset(
                table,
                index,
                "site",
                f"site groups radio assets standing on one site; a {kind} is not a radio "
                "asset: leave site out",
            )
        named = named[radio[named]]
        site = table.site[named]
        _, first_at = np.unique(site, return_index=True)
        first = np.full(len(table.site_ids), -1, dtype=np.int64)
        first[site[first_at]] = named[first_at]
        ref = first[site]
        # partners compared as sets, only where one of the two has any (most have none)
        counts = np.diff(table.shared_ptr)
        either = np.flatnonzero((counts[named] > 0) | (counts[ref] > 0))
        partners = {
            int(i): frozenset(
                table.shared_with[table.shared_ptr[i] : table.shared_ptr[i + 1]].tolist()
            )
            for i in np.unique(np.concatenate([named[either], ref[either]])).tolist()
        }
        shared_differs = np.zeros(named.size, dtype=bool)
        shared_differs[either] = [
            partners[a] != partners[b]
            for a, b in zip(named[either].tolist(), ref[either].tolist(), strict=True)
        ]
        operators = [o.id for o in self.doc.operators]
        regions = [r.id for r in self.doc.regions]

        def name_of(codes: Iterable[int], names: list[str]) -> str:
            return ", ".join(names[c] for c in sorted(codes)) or "nobody"

        checks: list[tuple[str, npt.NDArray[np.bool_]]] = [
            ("operator", table.operator[named] != table.operator[ref]),
            ("region", table.region[named] != table.region[ref]),
            ("population", table.population[named] != table.population[ref]),
            ("sites", table.sites[named] != table.sites[ref]),
            ("shared_with", shared_differs),
        ]
        for field, differs in checks:
            for index, first_index in list(
                zip(named[differs].tolist(), ref[differs].tolist(), strict=True)
            )[:MAX_LISTED]:
                site_id = table.site_ids[table.site[index]]
                other = str(table.ids[first_index])
                if field == "operator":
                    said = operators[table.operator[first_index]]
                    why = (
                        "the radio assets of one site are one operator's (a site shared "
                        "between operators names the others in shared_with)"
                    )
                elif field == "region":
                    said = regions[table.region[first_index]]
                    why = "the radio assets of one site serve one region"
                elif field == "population":
                    said = f"{int(table.population[first_index]):,} people"
                    why = (
                        "the radio assets of one site serve one population, written on each "
                        "of them and counted once"
                    )
                elif field == "sites":
                    count = int(table.sites[first_index])
                    said = f"{count:,} site{'' if count == 1 else 's'}"
                    why = "the radio assets of one site stand for one count of sites, counted once"
                else:
                    said = f"shared with {name_of(partners[first_index], operators)}"
                    why = "the radio assets of one site are shared alike"
                self._at_asset(
                    table,
                    index,
                    field,
                    f"site {site_id!r} is {said} as {other!r} gives it: {why}",
                )
        self._check_site_capacity(table, named)

    def _check_site_capacity(self, table: AssetTable, named: npt.NDArray[np.int64]) -> None:
        """The radio assets of a site carry its whole load together (their capacities
        add up to at least 1), as the members of an ``any:`` pool must: else the site's
        people would lose service in part with nothing failed."""
        capacity = self.asset_capacities(table)
        site = table.site[named]
        total = np.bincount(site, weights=capacity[named], minlength=len(table.site_ids))
        radios_on = np.bincount(site, minlength=len(table.site_ids))
        short = np.flatnonzero((total < 1 - 1e-9) & (radios_on > 1))
        for code in short[:MAX_LISTED].tolist():
            radios = named[site == code]
            listed = ", ".join(f"{table.ids[i]} {capacity[i]:g}" for i in radios.tolist())
            self._at_asset(
                table,
                int(radios[-1]),
                "capacity",
                f"the radio assets of site {table.site_ids[code]!r} carry {total[code]:g} of "
                f"its load together ({listed}); they must be able to carry all of it "
                "(capacities adding up to at least 1) with every radio up",
            )

    def asset_capacities(self, table: AssetTable) -> npt.NDArray[np.float64]:
        """Each asset's capacity: its own where written, else its kind's (1 for an
        unknown kind, reported elsewhere)."""
        kinds = self.cat.asset_kinds
        by_kind = [kinds[k].capacity if k in kinds else 1.0 for k in table.kinds]
        capacity = np.asarray([*by_kind, 1.0], dtype=np.float64)[table.kind]
        for i, asset in enumerate(self.doc.assets[: table.n_declared]):
            if asset.capacity is not None:
                capacity[i] = asset.capacity
        rows = self.sites.capacity
        given = np.flatnonzero(~np.isnan(rows))
        capacity[table.n_declared + given] = rows[given]
        return capacity

    def _at_asset(self, table: AssetTable, index: int, field: str, message: str) -> None:
        if index < table.n_declared:
            self.at_item("assets", index, (field,), message)
        else:
            self.at_site(index - table.n_declared, field, message)

    def _radio(self, table: AssetTable) -> npt.NDArray[np.bool_]:
        kinds = self.cat.asset_kinds
        flags = [k in kinds and kinds[k].is_radio for k in table.kinds]
        return np.asarray([*flags, False], dtype=bool)[table.kind]
