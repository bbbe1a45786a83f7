"""Where each part of a parsed model came from, so later checks can locate problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fiveguard.domain.errors import Location
from fiveguard.domain.sites import SiteTable
from fiveguard.modelio.csvsites import SiteFileLocator
from fiveguard.modelio.yamlsource import YamlSource

if TYPE_CHECKING:
    from fiveguard.modelio.evidence_store import StoredRecord


@dataclass
class Sources:
    """Where each part of a model came from, to locate problems found later."""

    yaml: YamlSource
    site_locators: list[SiteFileLocator] = field(default_factory=list)
    raw_ids: dict[str, list[str]] = field(default_factory=dict)
    """Ids declared in each section, including items that failed validation."""
    scope_ok: bool = False
    stored_evidence: dict[int, StoredRecord] = field(default_factory=dict)
    """Evidence records read from evidence directories, by their index in ``evidence``."""

    def site(self, row: int, column: str | None, sites: SiteTable) -> Location:
        """Location of a cell of the combined site table."""
        file_index = int(sites.file_of_row[row]) if len(sites.file_of_row) else 0
        locator = self.site_locators[file_index]
        first = sum(len(loc.lines) for loc in self.site_locators[:file_index])
        return locator.locate(row - first, column)
