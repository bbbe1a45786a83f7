"""Checks across a model: ids, references, plausibility, dependency cycles.

Each check reports where the offending value is written. This module runs them in order
and holds the checks of the model's sections (scope, regions, suppliers, products,
operators) and of the resolved asset table; the assets, the site rows and the records
have modules of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import Problem
from fiveguard.domain.graph import topological_levels
from fiveguard.domain.network import ModelDocument, Operator
from fiveguard.domain.sharing import operator_view
from fiveguard.domain.sites import SiteTable
from fiveguard.domain.table import AssetTable, build_asset_table
from fiveguard.modelio.hints import country_hint
from fiveguard.modelio.sources import Sources
from fiveguard.modelio.validate_graph import CheckGraph, check_graph
from fiveguard.modelio.validate_records import RecordChecks
from fiveguard.modelio.validate_served import ServedChecks
from fiveguard.modelio.validate_sharing import SharingChecks
from fiveguard.modelio.validate_sites import SiteRowChecks


class _Checker(SiteRowChecks, RecordChecks, SharingChecks, ServedChecks):
    """Every check, in the order its problems are reported."""

    def run(self) -> list[Problem]:
        self.check_duplicates()
        self.check_scope()
        self.check_regions()
        self.check_suppliers()
        self.check_products()
        self.check_operators()
        self.check_declared_assets()
        self.check_site_rows()
        self.check_records()
        self.check_evidence()
        graph = self.check_graph()
        self.check_population(graph)
        self.check_subscribers(graph)
        self.check_cycles(graph)
        self.table = self.resolved_table()
        if self.table is not None:
            self.check_shared_cores(self.table)
            self.check_colocated_sites(self.table)
            self.check_national_roaming_hosts(self.table)
        return self.problems

    def check_duplicates(self) -> None:
        for section, ids in self.sources.raw_ids.items():
            if section == "assets":
                continue
            seen: set[str] = set()
            for index, ident in enumerate(ids):
                if ident is None:
                    continue
                if ident in seen:
                    self.at((section, index, "id"), f"duplicate id {ident!r} in {section}")
                seen.add(ident)
        # assets: YAML-declared and CSV rows share one namespace
        raw_assets = self.sources.raw_ids.get("assets", [])
        for index, ident in enumerate(raw_assets):
            if ident is None:
                continue
            if ident in self.assets:
                self.at(("assets", index, "id"), f"duplicate asset id {ident!r}")
            else:
                self.assets[ident] = index
        first = self.n_written_assets
        site_ids = self.sites.id.tolist()
        declared = dict(self.assets)
        self.assets.update(zip(site_ids, range(first, first + len(site_ids)), strict=True))
        if len(self.assets) < len(declared) + len(site_ids):
            self.assets.update(declared)  # on a clash, references mean the YAML asset
            self.report_site_duplicates(site_ids, set(declared))

    def check_scope(self) -> None:
        if self.sources.scope_ok:
            self.known_country(("scope", "country"), self.doc.scope.country)

    def known_country(self, path: tuple[str | int, ...], code: str) -> None:
        countries = self.cat.countries
        if code not in countries.names:
            hint = country_hint(code, countries.aliases, countries.names)
            self.at(path, f"unknown country code {code!r} (expected ISO 3166-1 alpha-2){hint}")

    def check_regions(self) -> None:
        limit = self.cat.limits.max_region_population
        for i, region in enumerate(self.doc.regions):
            if region.population > limit:
                self.at_item(
                    "regions",
                    i,
                    ("population",),
                    f"absurd population {region.population:,} (limit {limit:,}, catalogue "
                    "limits.max_region_population)",
                )

    def check_suppliers(self) -> None:
        for i, supplier in enumerate(self.doc.suppliers):
            self.known_country(
                ("suppliers", self.sources.file_index("suppliers", i), "headquarters"),
                supplier.headquarters,
            )
            for factor in type(supplier.profile).model_fields:
                score = getattr(supplier.profile, factor)
                if score is None:
                    continue
                for j, ref in enumerate(score.evidence):
                    if ref not in self.evidence:
                        self.at_item(
                            "suppliers",
                            i,
                            ("profile", factor, "evidence", j),
                            f"{ref!r} is not a declared evidence record",
                        )

    def check_products(self) -> None:
        for i, product in enumerate(self.doc.products):
            if product.supplier not in self.suppliers:
                self.at_item(
                    "products", i, ("supplier",), f"{product.supplier!r} is not a declared supplier"
                )
            if product.kind not in self.cat.asset_kinds:
                self.at_item(
                    "products",
                    i,
                    ("kind",),
                    self.unknown_kind(product.kind),
                )
            for j, version in enumerate(product.versions):
                if version in product.versions[:j]:
                    self.at_item(
                        "products", i, ("versions", j), f"version {version!r} listed twice"
                    )

    def check_operators(self) -> None:
        limit = self.cat.limits.max_subscribers
        for i, operator in enumerate(self.doc.operators):
            for j, partner in enumerate(operator.roaming):
                if partner == operator.id:
                    self.at_item(
                        "operators", i, ("roaming", j), "an operator cannot roam on itself"
                    )
                elif partner not in self.operators:
                    self.at_item(
                        "operators", i, ("roaming", j), f"{partner!r} is not a declared operator"
                    )
            lines = operator.lines
            if lines is not None and lines.total != operator.subscribers:
                self.at_item(
                    "operators",
                    i,
                    ("lines",),
                    f"personal {lines.personal:,} + business {lines.business:,} + iot "
                    f"{lines.iot:,} = {lines.total:,} lines, but subscribers is "
                    f"{operator.subscribers:,}: the lines by type add up to the subscribers",
                )
            for field, message in self.mvno_problems(operator):
                self.at_item("operators", i, (field,), message)
            for path, message, warning in self.national_roaming_problems(operator):
                (self.warn_item if warning else self.at_item)("operators", i, path, message)
            if operator.subscribers > limit:
                self.at_item(
                    "operators",
                    i,
                    ("subscribers",),
                    f"absurd number of subscribers {operator.subscribers:,} (limit {limit:,})",
                )
            if operator.country is not None:
                self.known_country(
                    ("operators", self.sources.file_index("operators", i), "country"),
                    operator.country,
                )

    def mvno_problems(self, operator: Operator) -> Iterable[tuple[str, str]]:
        """An MVNO's host must be a declared operator running a network of its own; an
        MVNO's customers roam where its host's do, and nobody roams onto an MVNO."""
        host = operator.hosted_by
        if host is not None:
            if host == operator.id:
                yield "hosted_by", "an operator cannot host itself"
            elif host not in self.operators:
                yield "hosted_by", f"{host!r} is not a declared operator"
            elif host in self.hosts:
                yield (
                    "hosted_by",
                    f"{host!r} is itself an MVNO (hosted by {self.hosts[host]!r}): name the "
                    "operator whose network the customers use",
                )
            if operator.roaming:
                yield (
                    "roaming",
                    f"an MVNO's customers roam where its host's do; list the partners on {host!r}",
                )
        for partner in operator.roaming:
            if partner in self.hosts:
                yield (
                    "roaming",
                    f"{partner!r} is an MVNO, with no network to roam onto: name its host "
                    f"{self.hosts[partner]!r}",
                )

    # -- whole-model checks on the resolved table
    def resolved_table(self) -> AssetTable | None:
        if self.broken_references or any(
            "duplicate asset id" in p.message or "not a declared" in p.message
            for p in self.problems
        ):
            return None
        try:
            return build_asset_table(self.doc, self.sites)
        except KeyError:
            return None

    def check_graph(self) -> CheckGraph:
        """What the whole-model checks need, from every reference that resolves."""
        return check_graph(
            [(self.sources.file_index("assets", i), a) for i, a in enumerate(self.doc.assets)],
            self.n_written_assets,
            self.sites,
            self.assets,
            {o.id: i for i, o in enumerate(self.doc.operators)},
            {r.id: i for i, r in enumerate(self.doc.regions)},
            self.cat,
        )

    def check_population(self, graph: CheckGraph) -> None:
        radio = graph.radio & (graph.region >= 0) & ~graph.repeats
        served = np.bincount(
            graph.region[radio], weights=graph.population[radio], minlength=len(self.doc.regions)
        )
        for i, region in enumerate(self.doc.regions):
            if served[i] > region.population:
                self.at_item(
                    "regions",
                    i,
                    ("population",),
                    f"radio assets in {region.id} serve {int(served[i]):,} people, more than its "
                    f"population of {region.population:,}",
                )

    def check_subscribers(self, graph: CheckGraph) -> None:
        """A warning where an operator's subscribers and the people its radio serves (its
        share of shared sites included) are far apart."""
        operators = self.doc.operators
        view = operator_view(
            graph.operator,
            *self.with_national_roaming(graph),
            [o.people_subscribers for o in operators],
        )
        known = view.operator >= 0
        served = np.bincount(
            view.operator[known],
            weights=(graph.population * (graph.radio & ~graph.repeats))[view.row[known]]
            * view.share[known],
            minlength=len(operators),
        )
        factor = self.cat.limits.warn_subscribers_vs_served
        for i, operator in enumerate(operators):
            people = round(float(served[i]))
            hosted = sum(o.people_subscribers for o in operators if o.hosted_by == operator.id)
            subscribers = operator.people_subscribers + hosted
            if people == 0 or factor * min(subscribers, people) >= max(subscribers, people):
                continue  # no radio people to compare with, or close enough
            low, high = sorted((subscribers, people))
            apart = f"a factor of {high / low:.1f} apart; " if low else ""
            self.warn_item(
                "operators",
                i,
                ("subscribers",),
                f"{subscribers:,} subscribers"
                + (" on personal and business lines" if operator.lines else "")
                + (f" (with {hosted:,} of the MVNOs it hosts)" if hosted else "")
                + f", but the radio assets of {operator.id} serve "
                f"{people:,} people ({apart}the catalogue's limits.warn_subscribers_vs_served "
                f"is {factor:g}): both count the operator's users, and shared sites split "
                "their people by subscribers; check both figures",
            )

    def check_cycles(self, graph: CheckGraph) -> None:
        for field, (ptr, targets) in (
            ("requires", graph.requires),
            ("managed_by", graph.managed_by),
        ):
            levels = topological_levels(len(graph), ptr, targets)
            if levels.cycle is None:
                continue
            names = [self.asset_name(node) for node in levels.cycle]
            chain = " → ".join([*names, names[0]])
            first = levels.cycle[0]
            message = f"dependency cycle through {field}: {chain}"
            if first < self.n_written_assets:
                self.at(("assets", first, field), message)
            else:
                self.at_site(first - self.n_written_assets, field, message)

    def asset_name(self, node: int) -> str:
        """The id of a node of the check graph, as written."""
        if node < self.n_written_assets:
            return self.sources.raw_ids["assets"][node] or f"assets[{node}]"
        return str(self.sites.id[node - self.n_written_assets])


def validate(
    document: ModelDocument, sites: SiteTable, sources: Sources, catalogue: Catalogue
) -> tuple[list[Problem], AssetTable | None]:
    """Every cross-reference and plausibility problem of a parsed model, and the
    resolved asset table when references allowed building it."""
    checker = _Checker(document, sites, sources, catalogue)
    problems = checker.run()
    return problems, checker.table
