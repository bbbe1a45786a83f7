"""The state every check of a model shares: the model, its declared ids, and where to
report a problem."""

from __future__ import annotations

import difflib

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import Problem, ProblemSeverity
from fiveguard.domain.network import ModelDocument
from fiveguard.domain.sites import SiteTable
from fiveguard.domain.table import AssetTable
from fiveguard.modelio.sources import Sources


class CheckerBase:
    """What the model declares, looked up by id, and the problems found so far."""

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
        self.hosts = {o.id: o.hosted_by for o in document.operators if o.hosted_by is not None}
        """Each MVNO and the operator hosting it."""
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
        self.declared_capacity: dict[str, float | None] = {}
        for asset in reversed(document.assets):  # the first of duplicates wins
            self.declared_kinds[asset.id] = asset.kind
            self.declared_capacity[asset.id] = asset.capacity
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

    def warn_item(
        self, section: str, index: int, rest: tuple[str | int, ...], message: str
    ) -> None:
        """A warning (the model stays usable) about the ``index``-th item of a section of
        the document, located as :meth:`at_item` locates a problem."""
        where = self.sources.yaml.locate((section, self.sources.file_index(section, index), *rest))
        self.problems.append(Problem(where, message, ProblemSeverity.WARNING))

    def at_site(self, row: int, column: str, message: str, count: int = 1) -> None:
        if count > 1:
            message += f" ({count:,} rows)"
        self.problems.append(Problem(self.sources.site(row, column, self.sites), message))

    # -- messages more than one check gives
    def unknown_kind(self, kind: str) -> str:
        """The message for a kind the catalogue does not have, with the nearest one."""
        near = difflib.get_close_matches(kind, list(self.cat.asset_kinds), n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        return f"unknown asset kind {kind!r}; {hint}see 'fiveguard catalog kinds'"
