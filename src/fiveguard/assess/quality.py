"""Product quality after assurance evidence, as the simulation takes it.

The assessment moves a supplier's ``product_quality`` with its assurance signals
(:func:`fiveguard.assess.profiles.adjust_quality`); the simulation's product-fault
probability reads the same factor. :func:`quality_for_simulation` hands the moved level
to :func:`fiveguard.simulate.prepare` (``quality=``), with the evidence in words, so one
report never says "high" in its profiles and simulates "medium".

- A supplier whose product quality no signal moved is left out: the simulation reads its
  score in the model (or its rule's level for an unscored factor), as without evidence.
- A moved factor that stays unknown (not scored; evidence bounds it on one side) is taken
  at its highest possible level: unknown is never read as low.
"""

from __future__ import annotations

from collections.abc import Sequence

from fiveguard.assess.context import Prepared
from fiveguard.assess.profiles import QUALITY, assess_suppliers
from fiveguard.assess.results import AssuranceSignal, SupplierAssessment
from fiveguard.assess.signals import evidence_signals
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.model import NetworkModel

__all__ = ["assessed_quality", "quality_for_simulation"]

NAMED_SOURCES = 5  # evidence ids named in a reason; the rest counted


def quality_for_simulation(
    suppliers: Sequence[SupplierAssessment],
) -> dict[str, tuple[Level, str]]:
    """Supplier id → (product quality after assurance evidence, how, in words), for every
    supplier whose product quality signals moved (see the module's docstring)."""
    out: dict[str, tuple[Level, str]] = {}
    for s in suppliers:
        factor = next((f for f in s.factors if f.factor == QUALITY), None)
        if factor is None or not factor.moved_by:
            continue
        moved = [sig for sig in s.signals if sig.id in factor.moved_by]
        verb = "lowered" if moved and all(sig.direction == "lower" for sig in moved) else "raised"
        by = _sources(moved) or ", ".join(factor.moved_by)
        if factor.effective is None:
            bound = factor.lowest if verb == "raised" else factor.highest
            side = "at least" if verb == "raised" else "at most"
            reason = (
                f"not scored; evidence {by} puts it {side} {bound.value}, "
                "counted at its highest possible level"
            )
            out[s.id] = (factor.highest, reason)
        elif factor.effective is factor.scored:
            word = "raising" if verb == "raised" else "lowering"
            reason = f"already {factor.effective.value}, the end of the scale; {word} evidence {by}"
            out[s.id] = (factor.effective, reason)
        else:
            scored = factor.scored.value if factor.scored else "unscored"
            out[s.id] = (factor.effective, f"{verb} from {scored} by {by}")
    return out


def assessed_quality(
    model: NetworkModel,
    catalogue: Catalogue,
    extra_signals: Sequence[AssuranceSignal] = (),
) -> dict[str, tuple[Level, str]]:
    """:func:`quality_for_simulation` of the model's supplier profiles, from its evidence
    (and ``extra_signals``), without the rest of the assessment."""
    signals = (*evidence_signals(model, catalogue), *extra_signals)
    suppliers, _ = assess_suppliers(Prepared(model, catalogue), signals)
    return quality_for_simulation(suppliers)


def _sources(signals: Sequence[AssuranceSignal]) -> str:
    ids = list(dict.fromkeys(sig.source for sig in signals))
    named = ", ".join(ids[:NAMED_SOURCES])
    return named + (f" and {len(ids) - NAMED_SOURCES} more" if len(ids) > NAMED_SOURCES else "")
