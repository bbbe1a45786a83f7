"""Assurance evidence as the simulation takes it.

The assessment reads a model's evidence records as assurance signals
(:mod:`fiveguard.assess.signals`) and moves a supplier's ``product_quality`` with them in
its profiles (:func:`fiveguard.assess.profiles.adjust_quality`). The simulation applies
its own rule to the same signals (the catalogue's ``simulation.evidence``): a version's
fault rate moves only with an evaluation of that version, and a supplier's security
evidence moves the rate of its malicious or compromised updates.
:func:`quality_for_simulation` hands the signals over
(:class:`~fiveguard.simulate.sources.AssuranceEvidence`), so both read one set of
evidence and the derivation of every rate names the signals that moved it.

Signals that neither raise nor lower, or concern no deployed version, are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from fiveguard.assess.results import AssuranceSignal, SupplierAssessment
from fiveguard.assess.signals import evidence_signals
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.sources import AssuranceEvidence, EvidenceSignal

__all__ = ["assessed_quality", "quality_for_simulation"]


def quality_for_simulation(suppliers: Sequence[SupplierAssessment]) -> AssuranceEvidence:
    """The assurance signals of ``suppliers`` that raise or lower, on deployed versions,
    for the simulation's evidence rule (see the module's docstring)."""
    return _evidence([sig for s in suppliers for sig in s.signals])


def _evidence(signals: Sequence[AssuranceSignal]) -> AssuranceEvidence:
    return AssuranceEvidence(
        tuple(
            EvidenceSignal(
                kind=sig.kind,
                source=sig.source,
                supplier=sig.supplier,
                versions=sig.deployed,
                direction=sig.direction,
            )
            for sig in signals
            if sig.direction in ("raise", "lower") and sig.deployed
        )
    )


def assessed_quality(
    model: NetworkModel,
    catalogue: Catalogue,
    extra_signals: Sequence[AssuranceSignal] = (),
) -> AssuranceEvidence:
    """The model's assurance signals from its evidence (and ``extra_signals``) for the
    simulation, without the rest of the assessment."""
    return _evidence((*evidence_signals(model, catalogue), *extra_signals))
