"""Checks across a model: ids, references, plausibility, dependency cycles.

Each check reports where the offending value is written. This module runs them in order
and holds the checks of the model's sections (scope, regions, suppliers, products,
operators) and of the resolved asset table; the assets, the site rows and the records
have modules of their own.
"""

from __future__ import annotations

import numpy as np

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.errors import Problem
from fiveguard.domain.graph import topological_levels
from fiveguard.domain.network import ModelDocument
from fiveguard.domain.sites import SiteTable
from fiveguard.domain.table import AssetTable, build_asset_table
from fiveguard.modelio.sources import Sources
from fiveguard.modelio.validate_records import RecordChecks
from fiveguard.modelio.validate_sharing import SharingChecks
from fiveguard.modelio.validate_sites import SiteRowChecks


class _Checker(SiteRowChecks, RecordChecks, SharingChecks):
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
        table = self.table = self.resolved_table()
        if table is not None:
            self.check_population(table)
            self.check_shared_cores(table)
            self.check_cycles(table)
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
        if code not in self.cat.countries.names:
            self.at(path, f"unknown country code {code!r} (expected ISO 3166-1 alpha-2)")

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

    def check_population(self, table: AssetTable) -> None:
        radio_kinds = np.asarray(
            [
                self.cat.asset_kinds[k].domain is Domain.RAN if k in self.cat.asset_kinds else False
                for k in table.kinds
            ]
            + [False],
            dtype=bool,
        )
        radio = radio_kinds[table.kind] & (table.region >= 0)
        served = np.bincount(
            table.region[radio], weights=table.population[radio], minlength=len(self.doc.regions)
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

    def check_cycles(self, table: AssetTable) -> None:
        for what, (ptr, targets), field in (
            ("requires", table.dependency_edges(), "requires"),
            ("managed_by", table.management_edges(), "managed_by"),
        ):
            levels = topological_levels(len(table), ptr, targets)
            if levels.cycle is None:
                continue
            if len(levels.cycle) == 1:
                continue  # an asset naming itself, already reported where it does so
            names = [str(table.ids[i]) for i in levels.cycle]
            chain = " → ".join([*names, names[0]])
            first = levels.cycle[0]
            message = f"dependency cycle through {what}: {chain}"
            if first < table.n_declared:
                self.at_item("assets", first, (field,), message)
            else:
                self.at_site(first - table.n_declared, field, message)


def validate(
    document: ModelDocument, sites: SiteTable, sources: Sources, catalogue: Catalogue
) -> tuple[list[Problem], AssetTable | None]:
    """Every cross-reference and plausibility problem of a parsed model, and the
    resolved asset table when references allowed building it."""
    checker = _Checker(document, sites, sources, catalogue)
    problems = checker.run()
    return problems, checker.table
