"""Values the model leaves out, taken from documented priors of the catalogue.

An asset's battery (``battery_hours``) is often unknown. Taking it as none would make every
power loss take such an asset down at once (the worst case); taking it as long would hide
the risk. The catalogue's ``simulation.power_loss.battery_priors`` gives, per group of
domains (radio, transport and wireline access, core and data centre), the autonomy taken
for an asset of that domain whose battery the model does not give, each with its source or
marked editorial. ``unknown_battery_hours``, when a catalogue sets it, is taken for every
unknown battery instead, whatever its kind. A kind the catalogue does not know takes the
shortest prior (nothing unknown is read as long-lived).

This module is the one place those values are resolved; the compiled network's autonomy,
the power sources' derivations and the stated assumptions all read :func:`battery_priors`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

FLAT = "simulation.power_loss.unknown_battery_hours"
"""The parameter named when one value is taken for every unknown battery."""


@dataclass(frozen=True, eq=False)
class BatteryPriors:
    """Each asset's battery in hours, known or taken from a prior.

    ``hours``: ``(N,)`` the battery (the model's, else the prior's); ``prior``: ``(N,)``
    the index into ``names`` of the prior taken, -1 where the model gives the battery;
    ``names``: each prior's parameter path; ``values``: its hours; ``notes``: where each
    value comes from.
    """

    hours: FloatArray
    prior: IntArray
    names: tuple[str, ...]
    values: tuple[float, ...]
    notes: tuple[str, ...]

    def counts(self, rows: IntArray | None = None) -> list[tuple[int, int]]:
        """``(prior, assets)`` for each prior taken by the assets ``rows`` (all when None),
        in the order of ``names``, leaving out priors no asset took."""
        taken = self.prior if rows is None else self.prior[rows]
        counts = np.bincount(taken[taken >= 0], minlength=len(self.names))
        return [(i, int(c)) for i, c in enumerate(counts.tolist()) if c]


def battery_priors(model: NetworkModel, catalogue: Catalogue) -> BatteryPriors:
    """Each asset's battery: the model's ``battery_hours``, else the catalogue's prior for
    the domain of its kind (or ``unknown_battery_hours`` for all, when set)."""
    params = catalogue.simulation.power_loss
    t = model.table
    known = t.battery_hours
    unknown = np.isnan(known)
    if params.unknown_battery_hours is not None or not params.battery_priors:
        flat = params.unknown_battery_hours or 0.0
        hours = np.where(unknown, flat, known).astype(np.float64)
        prior = np.where(unknown, 0, -1).astype(np.int64)
        note = (
            "the catalogue's one value for every battery the model leaves out"
            if params.unknown_battery_hours is not None
            else "no battery prior in the catalogue: an unknown battery is taken as none"
        )
        return BatteryPriors(hours, prior, (FLAT,), (flat,), (note,))
    ids = list(params.battery_priors)
    priors = [params.battery_priors[i] for i in ids]
    of_domain = {d: j for j, p in enumerate(priors) for d in p.domains}
    shortest = min(range(len(priors)), key=lambda j: priors[j].hours)
    kinds = catalogue.asset_kinds
    by_kind = np.asarray(
        [of_domain.get(kinds[k].domain, shortest) if k in kinds else shortest for k in t.kinds]
        + [shortest],
        dtype=np.int64,
    )
    prior = np.where(unknown, by_kind[t.kind], -1).astype(np.int64)
    values = np.asarray([p.hours for p in priors], dtype=np.float64)
    hours = np.where(unknown, values[np.maximum(prior, 0)], known).astype(np.float64)
    return BatteryPriors(
        hours,
        prior,
        tuple(f"simulation.power_loss.battery_priors.{i}" for i in ids),
        tuple(p.hours for p in priors),
        tuple(_note(p.domains, p.editorial, p.source) for p in priors),
    )


def _note(domains: tuple[Domain, ...], editorial: bool, source: str) -> str:
    named = ", ".join(d.value for d in domains)
    return f"for {named} assets whose battery_hours the model leaves out; " + (
        f"editorial: {source}" if editorial else source
    )
