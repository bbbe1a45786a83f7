"""Per region, how much of the people its radio serves depend on high-risk suppliers.

For the briefing's map: drawn only when the model gives region outlines. The share is of
the people served by the region's radio sites (each site's people, as the model counts
them) whose radio comes from a supplier the assessment profiles as high; people on radio
from a supplier of unknown profile, or naming no product, are counted and said apart,
never folded into either side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel


@dataclass(frozen=True)
class RegionDependency:
    """One region: its outline and the people its radio serves, by supplier profile."""

    id: str
    name: str
    outline: tuple[tuple[float, float], ...]
    served: int
    high_risk: int
    unknown: int

    @property
    def share(self) -> float | None:
        """People on high-risk radio as a share of those served; None without radio."""
        return self.high_risk / self.served if self.served else None

    @property
    def note(self) -> str:
        if not self.served:
            return "no radio site in the model"
        note = (
            f"{self.high_risk:,} of {self.served:,} people served ({self.share:.0%}) on radio "
            "from a high-risk supplier"
        )
        if self.unknown:
            note += f"; {self.unknown:,} on radio of unknown profile or naming no product"
        return note


def region_dependency(
    model: NetworkModel, catalogue: Catalogue, assessment: Assessment
) -> tuple[RegionDependency, ...]:
    """Every region with an outline (none when the model gives no outline)."""
    from fiveguard.assess.context import Prepared

    regions = model.document.regions
    if not any(r.outline for r in regions):
        return ()
    table = model.table
    radio = Prepared(model, catalogue).radio & (table.region >= 0)
    profiles = {s.id: s.profile for s in assessment.suppliers}
    order = [profiles.get(s.id, "unknown") for s in model.document.suppliers]
    high = np.asarray([p == "high" for p in order] + [False])
    unknown = np.asarray([p == "unknown" for p in order] + [True])  # -1: no product
    supplier = table.supplier[radio]
    region = table.region[radio]
    people = table.population[radio]
    n = len(regions)
    served = np.bincount(region, weights=people, minlength=n)
    on_high = np.bincount(region, weights=people * high[supplier], minlength=n)
    on_unknown = np.bincount(region, weights=people * unknown[supplier], minlength=n)
    return tuple(
        RegionDependency(
            id=r.id,
            name=r.name,
            outline=r.outline,
            served=int(served[i]),
            high_risk=int(on_high[i]),
            unknown=int(on_unknown[i]),
        )
        for i, r in enumerate(regions)
        if r.outline
    )
