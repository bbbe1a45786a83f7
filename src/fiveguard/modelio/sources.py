"""Where each part of a parsed model came from, so later checks can locate problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fiveguard.domain.errors import Location
from fiveguard.domain.sites import SiteTable
from fiveguard.modelio.csvsites import SiteFileLocator
from fiveguard.modelio.yamlsource import YamlSource

if TYPE_CHECKING:
    from fiveguard.domain.registry import RegistryView
    from fiveguard.modelio.evidence_store import StoredRecord


@dataclass
class Sources:
    """Where each part of a model came from, to locate problems found later."""

    yaml: YamlSource
    site_locators: list[SiteFileLocator] = field(default_factory=list)
    raw_ids: dict[str, list[str | None]] = field(default_factory=dict)
    """The id of each item of each section as written, in file order, including items
    that failed validation (None for an item without a textual id): index ``i`` here is
    item ``i`` of the file."""
    positions: dict[str, list[int]] = field(default_factory=dict)
    """For each section, the index in the file of each item that passed validation: the
    document leaves failed items out, so its ``i``-th item is the file's
    ``positions[section][i]``-th."""
    scope_ok: bool = False
    stored_evidence: dict[int, StoredRecord] = field(default_factory=dict)
    """Evidence records read from evidence directories or the product registry, by their
    index in ``evidence``."""
    registry: RegistryView | None = None
    """The product registry the model reads, once read."""

    def declared_ids(self, section: str) -> set[str]:
        """The ids written in ``section``, valid items or not."""
        return {ident for ident in self.raw_ids.get(section, ()) if ident is not None}

    def file_index(self, section: str, index: int) -> int:
        """Where the document's ``index``-th item of ``section`` is written in the file."""
        positions = self.positions.get(section)
        return positions[index] if positions is not None and index < len(positions) else index

    def site(self, row: int, column: str | None, sites: SiteTable) -> Location:
        """Location of a cell of the combined site table."""
        file_index = int(sites.file_of_row[row]) if len(sites.file_of_row) else 0
        locator = self.site_locators[file_index]
        first = sum(len(loc.lines) for loc in self.site_locators[:file_index])
        return locator.locate(row - first, column)
