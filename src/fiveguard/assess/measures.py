"""The status of each toolbox measure in each scope, as the model records it.

An operator's status of a measure is its own record if it has one, else the national
record, else *unrecorded*. The national status is the national record if there is one;
otherwise, when operators record the measure, the least advanced operator's status (an
operator without a record counts as unrecorded), since a national figure should not look
better than the network that lags.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fiveguard.assess.context import NATIONAL
from fiveguard.assess.results import MeasureLinks
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import MeasureRecord, MeasureStatus

UNRECORDED = "unrecorded"
PROGRESS = {
    UNRECORDED: 0,
    MeasureStatus.NOT_STARTED.value: 1,
    MeasureStatus.PLANNED.value: 2,
    MeasureStatus.IN_PROGRESS.value: 3,
    MeasureStatus.IMPLEMENTED.value: 4,
}
DONE = frozenset({MeasureStatus.IMPLEMENTED.value, MeasureStatus.NOT_APPLICABLE.value})


@dataclass(frozen=True)
class ResolvedStatus:
    """A measure's status in a scope and where it comes from."""

    status: str
    source: str  # operator | national | operators | none
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class MeasureBook:
    """Look-ups of measure records by (measure, operator); ``None`` is national."""

    model: NetworkModel

    @cached_property
    def records(self) -> dict[tuple[str, str | None], MeasureRecord]:
        # a later record of the same measure and scope wins, as in the file's order
        return {(r.measure, r.operator): r for r in self.model.document.measures}

    @cached_property
    def operator_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.model.document.operators)

    def status(self, measure: str, scope: str) -> ResolvedStatus:
        """The measure's status for an operator id, or for ``national``."""
        if scope == NATIONAL:
            return self._national(measure)
        own = self.records.get((measure, scope))
        if own is not None:
            return ResolvedStatus(own.status.value, "operator", own.evidence)
        national = self.records.get((measure, None))
        if national is not None:
            return ResolvedStatus(national.status.value, "national", national.evidence)
        return ResolvedStatus(UNRECORDED, "none")

    def _national(self, measure: str) -> ResolvedStatus:
        national = self.records.get((measure, None))
        if national is not None:
            return ResolvedStatus(national.status.value, "national", national.evidence)
        per_operator = [self.records.get((measure, op)) for op in self.operator_ids]
        if not any(per_operator):
            return ResolvedStatus(UNRECORDED, "none")
        statuses = [
            r.status.value if r is not None else UNRECORDED
            for r in per_operator
            if r is None or r.status is not MeasureStatus.NOT_APPLICABLE
        ]
        if not statuses:
            return ResolvedStatus(MeasureStatus.NOT_APPLICABLE.value, "operators")
        weakest = min(statuses, key=lambda s: PROGRESS[s])
        evidence = tuple(e for r in per_operator if r is not None for e in r.evidence)
        return ResolvedStatus(weakest, "operators", evidence)


def measure_links(catalogue: Catalogue) -> MeasureLinks:
    """Whose links say which measures each risk calls for (the catalogue's
    ``risk_measures``), for every part of the result that says a risk calls for one."""
    links = catalogue.risk_measures
    return MeasureLinks(label=links.label, provenance=links.provenance)
