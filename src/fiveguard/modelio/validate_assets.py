"""Checks of the assets declared in the model file, field by field, and the reference
checks that site rows and evidence records share with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from fiveguard.domain.base import split_product_ref
from fiveguard.domain.catalogue import ACCESS_DOMAINS, Domain
from fiveguard.domain.network import AnyOf, Asset
from fiveguard.modelio.hints import did_you_mean
from fiveguard.modelio.validate_base import CheckerBase


class AssetChecks(CheckerBase):
    """The assets declared in YAML; the problems of one asset's fields and references."""

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
            for j, requirement in enumerate(asset.requires):
                short = self.pool_capacity_problem(requirement)
                if short:
                    self.at((*path, "requires", j, "any"), short)
            for field, message in self.number_problems(
                asset.kind, asset.sites, asset.population, asset.battery_hours
            ):
                self.at((*path, field), message)
            for field, message in self.mvno_asset_problems(asset.operator, asset.kind):
                self.at((*path, field), message)
            for field, message in self.non_radio_problems(asset):
                self.at((*path, field), message)
            for field, date in (("installed", asset.installed), ("purchased", asset.purchased)):
                late = self.late_date_problem(field, date)
                if late:
                    self.at((*path, field), late)
            bought_late = self.purchase_order_problem(asset.installed, asset.purchased)
            if bought_late:
                self.at((*path, "purchased"), bought_late)

    def mvno_asset_problems(self, operator: str, kind: str | None) -> Iterable[tuple[str, str]]:
        """An MVNO runs no access or core asset: its customers use its host's. ``kind``
        None: a site row, which is radio."""
        info = self.cat.asset_kinds.get(kind) if kind is not None else None
        domain = Domain.RAN if kind is None else info.domain if info is not None else None
        if operator in self.hosts and domain in (*ACCESS_DOMAINS, Domain.CORE):
            yield (
                "operator",
                f"{operator!r} is an MVNO (hosted by {self.hosts[operator]!r}): its customers "
                f"use its host's radio and core, so it runs no {domain} asset; give the asset "
                "to the host",
            )

    def non_radio_problems(self, asset: Asset) -> Iterable[tuple[str, str]]:
        """Fields that only a radio asset can have, on an asset of another known kind
        (wireline access serves people and has sites too, but is never shared)."""
        info = self.cat.asset_kinds.get(asset.kind)
        if info is None or info.is_radio:
            return
        domain = f"a {asset.kind} is in the {info.domain.value} domain"
        if info.is_access:
            if asset.shared_with:
                yield (
                    "shared_with",
                    f"RAN sharing is between radio assets; {domain} (wireline access): "
                    "leave shared_with out",
                )
            return
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

    def late_date_problem(self, field: str, date: dt.date | None) -> str | None:
        """An installation or purchase date after the date the model describes."""
        if date is None or not self.sources.scope_ok or date <= self.doc.scope.as_of:
            return None
        verb = "bought" if field == "purchased" else "installed"
        return (
            f"{field} {date.isoformat()}, after the model's as_of "
            f"{self.doc.scope.as_of.isoformat()}: the model describes the networks as of "
            f"that date, so everything in it is {verb} by then"
        )

    @staticmethod
    def purchase_order_problem(installed: dt.date | None, purchased: dt.date | None) -> str | None:
        """A purchase date after the installation date."""
        if installed is None or purchased is None or purchased <= installed:
            return None
        return (
            f"purchased {purchased.isoformat()}, after it was installed "
            f"{installed.isoformat()}: equipment is bought before it is put in service"
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
            hint = did_you_mean(operator, self.operators)
            yield "operator", f"{operator!r} is not a declared operator{hint}"
        kind_info = self.cat.asset_kinds.get(kind) if kind is not None else None
        if kind is not None and kind_info is None:
            yield "kind", self.unknown_kind(kind)
        if product is not None:
            yield from self.product_problems(product, kind)
        if region is not None and region not in self.regions:
            self.broken_references = True
            hint = did_you_mean(region, self.regions)
            yield "region", f"{region!r} is not a declared region{hint}"
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
                hint = did_you_mean(partner, self.operators)
                yield "shared_with", f"{partner!r} is not a declared operator{hint}"
            elif partner == operator:
                yield "shared_with", "an asset cannot be shared with its own operator"
            elif partner in self.hosts:
                yield (
                    "shared_with",
                    f"{partner!r} is an MVNO: its customers are on its host's part of the "
                    f"site; share with {self.hosts[partner]!r} instead",
                )

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

    def written_capacity(self, ident: str, default: float) -> float:
        """Asset ``ident``'s capacity as written (YAML field or site-file column), else
        ``default``."""
        index = self.assets.get(ident)
        if index is not None and index >= self.n_written_assets:
            value = float(self.sites.capacity[index - self.n_written_assets])
            return default if np.isnan(value) else value
        own = self.declared_capacity.get(ident)
        return own if own is not None else default

    def pool_capacity_problem(self, requirement: object) -> str | None:
        """An ``any:`` pool whose members together carry less than its whole load: it
        would leave people without service with nothing failed."""
        if not isinstance(requirement, AnyOf):
            return None
        capacities = {}
        for member in requirement.any:
            kind = self.asset_kind(member)
            if kind is None:
                return None  # reported elsewhere
            capacities[member] = self.written_capacity(member, kind.capacity)
        total = sum(capacities.values())
        if total >= 1 - 1e-9:
            return None
        listed = ", ".join(f"{m} {c:g}" for m, c in capacities.items())
        return (
            f"the pool's members carry {total:g} of its load together ({listed}); an any: "
            "pool must be able to carry all of it (capacities adding up to at least 1) with "
            "every member up"
        )

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
