"""Checks across a model: ids, references, plausibility, dependency cycles.

Each check reports where the offending value is written. Site rows are checked column
by column: a bad value used by many rows is reported once, at its first row, with the
number of rows that share it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Container, Iterable, Sequence
from typing import Any

import numpy as np

from fiveguard.domain.base import split_product_ref
from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.errors import Problem
from fiveguard.domain.evidence import (
    Certificate,
    Equivalence,
    Evaluation,
    Finding,
    Sbom,
    VulnerabilityScan,
)
from fiveguard.domain.graph import topological_levels
from fiveguard.domain.network import (
    AnyOf,
    Asset,
    ControlRecord,
    MeasureRecord,
    ModelDocument,
    RiskOverride,
)
from fiveguard.domain.sites import Categorical, SiteTable
from fiveguard.domain.table import AssetTable, build_asset_table
from fiveguard.modelio.sources import Sources

MAX_LISTED = 50
"""Problems of one kind listed one by one before the rest are counted in one line."""


class _Checker:
    def __init__(
        self, document: ModelDocument, sites: SiteTable, sources: Sources, catalogue: Catalogue
    ) -> None:
        self.doc = document
        self.sites = sites
        self.sources = sources
        self.cat = catalogue
        self.problems: list[Problem] = []
        self.regions = sources.declared_ids("regions")
        self.suppliers = sources.declared_ids("suppliers")
        self.operators = sources.declared_ids("operators")
        self.evidence = sources.declared_ids("evidence") | {
            stored.record.id for stored in sources.stored_evidence.values()
        }
        self.products = {p.id: p for p in document.products}
        self.product_ids = sources.declared_ids("products")
        self.n_written_assets = len(sources.raw_ids.get("assets", ()))
        """Assets written in the YAML file, valid or not: site row ``r`` is asset
        ``n_written_assets + r`` of :attr:`assets`."""
        self.assets: dict[str, int] = {}
        """Every asset id, YAML or site row, and its index (see ``n_written_assets``)."""
        self.declared_kinds: dict[str, str] = {}
        for asset in reversed(document.assets):  # the first of duplicates wins
            self.declared_kinds[asset.id] = asset.kind
        self.broken_references = False
        self.table: AssetTable | None = None

    # -- reporting
    def at(self, path: tuple[str | int, ...], message: str) -> None:
        """A problem at ``path`` as written in the file (indexes count every item)."""
        self.problems.append(self.sources.yaml.problem(path, message))

    def at_item(self, section: str, index: int, rest: tuple[str | int, ...], message: str) -> None:
        """A problem with the ``index``-th item of a section of the *document*, which
        leaves out items that failed validation: located at that item in the file."""
        self.at((section, self.sources.file_index(section, index), *rest), message)

    def at_site(self, row: int, column: str, message: str, count: int = 1) -> None:
        if count > 1:
            message += f" ({count:,} rows)"
        self.problems.append(Problem(self.sources.site(row, column, self.sites), message))

    # -- the checks
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

    def report_site_duplicates(self, site_ids: list[str], declared: set[str]) -> None:
        """Each duplicate site id at its row; past the first ones, a count of the rest."""
        seen: set[str] = set()
        duplicates: list[int] = []
        for row, ident in enumerate(site_ids):
            if ident in seen or ident in declared:
                duplicates.append(row)
            seen.add(ident)
        for row in duplicates[:MAX_LISTED]:
            self.at_site(row, "id", f"duplicate asset id {site_ids[row]!r}")
        if len(duplicates) > MAX_LISTED:
            row = duplicates[MAX_LISTED]
            self.at_site(
                row,
                "id",
                f"… and {len(duplicates) - MAX_LISTED:,} more duplicate asset ids from here on",
            )

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

    def unknown_kind(self, kind: str) -> str:
        """The message for a kind the catalogue does not have, with the nearest one."""
        near = difflib.get_close_matches(kind, list(self.cat.asset_kinds), n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return f"unknown asset kind {kind!r}; {hint}see 'fiveguard catalog kinds'"

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

    # -- assets declared in YAML
    def check_declared_assets(self) -> None:
        for i, asset in enumerate(self.doc.assets):
            path: tuple[str | int, ...] = ("assets", self.sources.file_index("assets", i))
            for field, message in self.asset_field_problems(
                ident=asset.id,
                operator=asset.operator,
                kind=asset.kind,
                product=asset.product,
                region=asset.region,
                managed_by=asset.managed_by,
                services=asset.critical_services,
                shared_with=asset.shared_with,
            ):
                self.at((*path, field), message)
            for j, requirement in enumerate(asset.requires):
                members = requirement.any if isinstance(requirement, AnyOf) else (requirement,)
                for k, member in enumerate(members):
                    where = (
                        (*path, "requires", j, "any", k)
                        if isinstance(requirement, AnyOf)
                        else (*path, "requires", j)
                    )
                    wrong = self.member_problem(asset.id, member)
                    if wrong:
                        self.at(where, wrong)
            for field, message in self.number_problems(
                asset.kind, asset.sites, asset.population, asset.battery_hours
            ):
                self.at((*path, field), message)
            for field, message in self.non_radio_problems(asset):
                self.at((*path, field), message)
            if asset.installed is not None:
                late = self.installed_problem(asset.installed)
                if late:
                    self.at((*path, "installed"), late)

    def non_radio_problems(self, asset: Asset) -> Iterable[tuple[str, str]]:
        """Fields that only a radio asset can have, on an asset of another known kind."""
        info = self.cat.asset_kinds.get(asset.kind)
        if info is None or info.is_radio:
            return
        domain = f"a {asset.kind} is in the {info.domain.value} domain"
        if asset.sites:
            yield "sites", f"sites counts the radio sites of a radio asset; {domain}: leave it out"
        if asset.population:
            yield (
                "population",
                "population counts the people a radio asset serves (the people depending on "
                f"other assets are counted from the radio assets requiring them); {domain}: "
                "leave it out",
            )
        if asset.shared_with:
            yield (
                "shared_with",
                f"RAN sharing is between radio assets; {domain}: leave shared_with out",
            )

    def installed_problem(self, installed: dt.date) -> str | None:
        """An installation date after the date the model describes."""
        if not self.sources.scope_ok or installed <= self.doc.scope.as_of:
            return None
        return (
            f"installed {installed.isoformat()}, after the model's as_of "
            f"{self.doc.scope.as_of.isoformat()}: the model describes the networks as of "
            "that date, so everything in it is installed by then"
        )

    def asset_field_problems(
        self,
        *,
        ident: str | None = None,
        operator: str | None = None,
        kind: str | None = None,
        product: str | None = None,
        region: str | None = None,
        managed_by: str | None = None,
        services: Sequence[str] | None = None,
        shared_with: Sequence[str] | None = None,
    ) -> Iterable[tuple[str, str]]:
        """Reference problems of one asset's fields (None = not checked here)."""
        if operator is not None and operator not in self.operators:
            self.broken_references = True
            yield "operator", f"{operator!r} is not a declared operator"
        kind_info = self.cat.asset_kinds.get(kind) if kind is not None else None
        if kind is not None and kind_info is None:
            yield "kind", self.unknown_kind(kind)
        if product is not None:
            yield from self.product_problems(product, kind)
        if region is not None and region not in self.regions:
            self.broken_references = True
            yield "region", f"{region!r} is not a declared region"
        if region is None and kind_info is not None and kind_info.is_radio and ident is not None:
            yield "region", "a radio asset needs the region it serves"
        if managed_by is not None:
            manager = self.asset_kind(managed_by)
            if managed_by not in self.assets:
                self.broken_references = True
                yield "managed_by", f"{managed_by!r} is not a declared asset"
            elif managed_by == ident:
                yield "managed_by", "an asset cannot manage itself"
            elif manager is not None and not manager.is_management:
                yield (
                    "managed_by",
                    f"{managed_by!r} is a {manager.id}, not a management asset "
                    "(expected a kind in the management or orchestration domain)",
                )
        for service in services or ():
            if service not in self.cat.critical_services:
                yield "critical_services", f"unknown critical service {service!r}"
        for partner in shared_with or ():
            if partner not in self.operators:
                self.broken_references = True
                yield "shared_with", f"{partner!r} is not a declared operator"
            elif partner == operator:
                yield "shared_with", "an asset cannot be shared with its own operator"

    def product_problems(self, ref: str, kind: str | None) -> Iterable[tuple[str, str]]:
        name, version = split_product_ref(ref)
        product = self.products.get(name)
        if name not in self.product_ids:
            self.broken_references = True
            yield "product", f"{name!r} is not a declared product"
        elif product is not None and version not in product.versions:
            yield (
                "product",
                f"version {version!r} of {name!r} is not declared; declared versions: "
                f"{', '.join(product.versions)}",
            )
        if (
            product is not None
            and kind is not None
            and product.kind != kind
            # an unknown kind on either side is reported where it is written; a mismatch
            # would only repeat the typo
            and kind in self.cat.asset_kinds
            and product.kind in self.cat.asset_kinds
        ):
            yield "product", f"{name!r} is a {product.kind} product, the asset is a {kind}"

    def asset_kind(self, ident: str) -> Any:
        """The catalogue kind of asset ``ident``; None when unknown (not declared, not
        valid, or of a kind the catalogue does not have)."""
        index = self.assets.get(ident)
        if index is None:
            return None
        if index < self.n_written_assets:
            kind = self.declared_kinds.get(ident)  # None when the asset failed validation
        else:
            kind = self.sites.kind.value(index - self.n_written_assets)
        return self.cat.asset_kinds.get(kind) if kind else None

    def member_problem(self, owner: str, member: str) -> str | None:
        if member == owner:
            return "an asset cannot require itself"
        if member not in self.assets:
            self.broken_references = True
            return f"{member!r} is not a declared asset"
        return None

    def number_problems(
        self, kind: str, sites: int, population: int, battery: float | None
    ) -> Iterable[tuple[str, str]]:
        limits = self.cat.limits
        if sites > limits.max_sites_per_asset:
            yield (
                "sites",
                f"absurd number of sites {sites:,} (limit {limits.max_sites_per_asset:,})",
            )
        info = self.cat.asset_kinds.get(kind)
        if info is not None and info.is_radio and population > 0 and sites == 0:
            yield (
                "sites",
                f"a radio asset serving {population:,} people needs at least one site "
                "(sites defaults to 0 in YAML, 1 in site files)",
            )
        if sites and population > sites * limits.max_population_per_site:
            yield (
                "population",
                f"absurd population {population:,} for {sites:,} site(s) (limit "
                f"{limits.max_population_per_site:,} per site)",
            )
        if battery is not None and battery > limits.max_battery_hours:
            yield (
                "battery_hours",
                f"absurd battery autonomy {battery:g} h (limit {limits.max_battery_hours:g} h)",
            )

    # -- CSV site rows, column by column
    def check_site_rows(self) -> None:
        sites = self.sites
        if not len(sites):
            return

        def used(column: str) -> dict[Any, int]:
            categorical: Categorical[Any] = getattr(sites, column)
            return categorical.used()

        def rows_using(column: str, value: Any) -> int:
            categorical: Categorical[Any] = getattr(sites, column)
            code = categorical.categories.index(value)
            return int(np.count_nonzero(categorical.codes == code))

        single: list[tuple[str, Callable[[Any], Iterable[tuple[str, str]]]]] = [
            ("operator", lambda v: self.asset_field_problems(operator=v)),
            ("kind", self.site_kind_problems),
            ("region", lambda v: self.asset_field_problems(region=v)),
            ("critical_services", lambda v: self.asset_field_problems(services=v)),
            ("managed_by", lambda v: self.asset_field_problems(managed_by=v)),
        ]
        for column, check in single:
            for value, row in used(column).items():
                for field, message in check(value):
                    self.at_site(row, field, message, rows_using(column, value))
        # product against the kind of each row: check each (product, kind) pair once
        pairs = np.unique(
            np.stack([sites.product.codes, sites.kind.codes], axis=1), axis=0, return_index=True
        )
        for (p_code, k_code), row in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            if p_code < 0:
                continue
            kind = sites.kind.categories[k_code] if k_code >= 0 else None
            for field, message in self.product_problems(sites.product.categories[p_code], kind):
                self.at_site(int(row), field, message)
        # shared_with against each row's own operator: pairs again
        for value, row in used("shared_with").items():
            for field, message in self.asset_field_problems(
                operator=sites.operator.value(row), shared_with=value
            ):
                if field == "shared_with":
                    self.at_site(row, field, message)
        for pattern, row in used("requires").items():
            for requirement in pattern:
                members = requirement.any if isinstance(requirement, AnyOf) else (requirement,)
                for member in members:
                    if member not in self.assets:
                        self.broken_references = True
                        self.at_site(
                            row,
                            "requires",
                            f"{member!r} is not a declared asset",
                            rows_using("requires", pattern),
                        )
        for installed, row in used("installed").items():
            late = self.installed_problem(installed)
            if late:
                self.at_site(row, "installed", late, rows_using("installed", installed))
        self.check_site_numbers()
        self.check_site_self_references()

    def site_kind_problems(self, kind: str) -> Iterable[tuple[str, str]]:
        info = self.cat.asset_kinds.get(kind)
        if info is None:
            yield "kind", self.unknown_kind(kind)
        elif not info.is_radio:
            yield (
                "kind",
                f"site files list radio assets; {kind!r} is in the {info.domain.value} domain",
            )

    def check_site_numbers(self) -> None:
        sites = self.sites
        limits = self.cat.limits
        checks = [
            (
                "sites",
                sites.sites > limits.max_sites_per_asset,
                f"absurd number of sites (limit {limits.max_sites_per_asset:,})",
            ),
            (
                "population",
                (sites.sites > 0)
                & (
                    sites.population > sites.sites.astype(np.int64) * limits.max_population_per_site
                ),
                "absurd population for the number of sites "
                f"(limit {limits.max_population_per_site:,} per site)",
            ),
            (
                "battery_hours",
                np.nan_to_num(sites.battery_hours) > limits.max_battery_hours,
                f"absurd battery autonomy (limit {limits.max_battery_hours:g} h)",
            ),
            (
                "sites",
                (sites.sites == 0) & (sites.population > 0),
                "a radio asset serving people needs at least one site",
            ),
        ]
        for column, mask, message in checks:
            bad = np.flatnonzero(mask)
            for row in bad[:20].tolist():
                self.at_site(row, column, message)
        regionless = np.flatnonzero(sites.region.codes < 0)
        for row in regionless[:20].tolist():
            self.at_site(row, "region", "a radio asset needs the region it serves")

    def check_site_self_references(self) -> None:
        """A site row naming itself in requires or managed_by (only site ids can)."""
        sites = self.sites

        def rows_of(ids: Iterable[str]) -> Iterable[int]:
            for ident in ids:
                row = self.assets.get(ident, -1) - self.n_written_assets
                if 0 <= row < len(sites):
                    yield row

        for code, pattern in enumerate(sites.requires.categories):
            members = {m for r in pattern for m in (r.any if isinstance(r, AnyOf) else (r,))}
            for row in rows_of(members):
                if sites.requires.codes[row] == code:
                    self.at_site(row, "requires", "an asset cannot require itself")
        for code, manager in enumerate(sites.managed_by.categories):
            for row in rows_of((manager,)):
                if sites.managed_by.codes[row] == code:
                    self.at_site(row, "managed_by", "an asset cannot manage itself")

    # -- measure, control and override records
    def check_records(self) -> None:
        records: list[
            tuple[
                str,
                str,
                Sequence[MeasureRecord | ControlRecord | RiskOverride],
                Container[str],
                str,
            ]
        ] = [
            ("measures", "measure", self.doc.measures, self.cat.measures, "toolbox measure"),
            (
                "controls",
                "requirement",
                self.doc.controls,
                self.cat.controls.requirements(),
                "ENISA requirement",
            ),
            ("overrides", "risk", self.doc.overrides, self.cat.risks, "risk"),
        ]
        for section, key, items, known, what in records:
            for i, record in enumerate(items):
                value = getattr(record, key)
                if value not in known:
                    self.at_item(section, i, (key,), f"unknown {what} {value!r}")
                if record.operator is not None and record.operator not in self.operators:
                    self.at_item(
                        section, i, ("operator",), f"{record.operator!r} is not a declared operator"
                    )
                for j, ref in enumerate(getattr(record, "evidence", ())):
                    if ref not in self.evidence:
                        self.at_item(
                            section,
                            i,
                            ("evidence", j),
                            f"{ref!r} is not a declared evidence record",
                        )
        for i, override in enumerate(self.doc.overrides):
            if override.likelihood is None and override.impact is None:
                self.at_item(
                    "overrides", i, (), "an override needs a likelihood, an impact or both"
                )
        seen: dict[tuple[str, str | None], int] = {}
        for i, measure in enumerate(self.doc.measures):
            pair = (measure.measure, measure.operator)
            if pair in seen:
                self.at_item(
                    "measures",
                    i,
                    (),
                    f"{measure.measure} for {measure.operator or 'national'} "
                    f"is already recorded at "
                    f"measures[{self.sources.file_index('measures', seen[pair])}]",
                )
            seen[pair] = i

    def check_evidence(self) -> None:
        for i, record in enumerate(self.doc.evidence):
            if record.subject is not None and not self.is_subject(record.subject):
                self.at_evidence(
                    i,
                    ("subject",),
                    f"{record.subject!r} is not a declared supplier, operator, asset, product or "
                    "PRODUCT@VERSION",
                )
            refs: Sequence[str] = ()
            field = ""
            if isinstance(record, Evaluation | Certificate):
                refs, field = record.products, "products"
            elif isinstance(record, Finding):
                refs, field = record.affected, "affected"
                if not refs and record.subject not in self.suppliers:
                    self.at_evidence(
                        i,
                        ("affected",),
                        "a finding without affected versions must name a supplier as its "
                        f"subject (it then concerns every version of that supplier); "
                        f"{record.subject!r} is not a declared supplier",
                    )
            elif isinstance(record, Equivalence | Sbom | VulnerabilityScan):
                refs, field = (record.product,), "product"
            for j, ref in enumerate(refs):
                for _, message in self.product_problems(ref, None):
                    self.at_evidence(i, (field, j) if field != "product" else (field,), message)

    def at_evidence(self, index: int, rest: tuple[str | int, ...], message: str) -> None:
        """A problem with evidence record ``index``: in the model file or its stored file."""
        stored = self.sources.stored_evidence.get(index)
        if stored is not None:
            self.problems.append(stored.problem(rest, message))
        else:
            self.at_item("evidence", index, rest, message)

    def is_subject(self, subject: str) -> bool:
        if "@" in subject:
            return not list(self.product_problems(subject, None))
        return (
            subject in self.suppliers
            or subject in self.operators
            or subject in self.product_ids
            or subject in self.assets
            or subject in self.regions
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
