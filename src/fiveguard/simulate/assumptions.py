"""What the simulation assumes about power autonomy, said where it acts.

A regional power loss takes down every asset in the region whose autonomy is shorter than
the loss. An asset's autonomy is its ``battery_hours`` or, where the model leaves it out,
the catalogue's prior for the domain of its kind (``simulation.power_loss.battery_priors``:
2 h for radio, 4 h for transport and wireline access, 24 h for core and data-centre
functions packaged; :mod:`fiveguard.simulate.priors`), plus the hours its operator's
measures add (TM11). Neither
is visible in the model file, so ``fiveguard whatif`` lists them for the regions of its
power losses and ``fiveguard validate`` for the whole model, each as a :class:`Step`: the
parameter or measure, its value, and which assets it applies to.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from fiveguard.domain.catalogue import Catalogue, Domain
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.measures import OperatorEffects, operator_effects
from fiveguard.simulate.priors import battery_priors
from fiveguard.simulate.results import Step

NAMED = 5
"""Assets other than radio named one by one in an assumption before the rest are counted."""


def power_assumptions(
    model: NetworkModel,
    catalogue: Catalogue,
    regions: Sequence[str] | None = None,
    effects: OperatorEffects | None = None,
) -> tuple[Step, ...]:
    """The autonomy assumptions acting on the assets in ``regions`` (every region when
    None): the battery taken where the model gives none, and the hours measures add."""
    t = model.table
    effects = effects if effects is not None else operator_effects(model, catalogue)
    ids = [r.id for r in model.document.regions]
    chosen = ids if regions is None else [r for r in ids if r in set(regions)]
    where = "with a region" if regions is None else "in " + ", ".join(chosen)
    placed = np.isin(t.region, [ids.index(r) for r in chosen])
    out = []
    unknown = np.flatnonzero(placed & np.isnan(t.battery_hours))
    if unknown.size:
        out.extend(_unknown_battery(model, catalogue, unknown, where))
    operators = [o.id for o in model.document.operators]
    for k in np.unique(t.operator[placed]).tolist():
        applied = effects.of(operators[k], "power-autonomy")
        if not applied:
            continue
        count = int(np.count_nonzero(placed & (t.operator == k)))
        out.append(
            Step(
                parameter=f"autonomy at {operators[k]}",
                value=f"+{effects.extra_hours[k]:g} h",
                note="; ".join(a.describe() for a in applied)
                + f"; added to the autonomy of each of {operators[k]}'s "
                f"{_count(count, 'asset')} {where}, battery known or not",
            )
        )
    return tuple(out)


def _unknown_battery(
    model: NetworkModel, catalogue: Catalogue, rows: npt.NDArray[np.int64], where: str
) -> list[Step]:
    """The battery taken for the assets ``rows`` whose battery the model leaves out: one
    step per prior taken (:mod:`fiveguard.simulate.priors`), with how many assets took it."""
    t = model.table
    priors = battery_priors(model, catalogue)
    kinds = catalogue.asset_kinds
    radio_kind = np.asarray(
        [k in kinds and kinds[k].domain is Domain.RAN for k in t.kinds] + [False], dtype=bool
    )
    out = []
    for j, _ in priors.counts(rows):
        mine = rows[priors.prior[rows] == j]
        others = mine[~radio_kind[t.kind[mine]]]
        radio = mine.size - others.size
        parts = [_count(radio, "radio asset")] if radio else []
        if others.size:
            named = ", ".join(f"{t.ids[i]} ({t.kinds[t.kind[i]]})" for i in others[:NAMED].tolist())
            more = f" and {others.size - NAMED:,} more" if others.size > NAMED else ""
            parts.append(f"{_count(others.size, 'other asset')}: {named}{more}")
        out.append(
            Step(
                parameter=priors.names[j],
                value=f"{priors.values[j]:g} h",
                note=f"the battery taken for {_count(mine.size, 'asset')} {where} whose "
                f"battery_hours the model leaves out ({'; '.join(parts)}): a power loss "
                "longer than that (plus the hours measures add) takes them down; "
                f"{priors.notes[j]}; give battery_hours where it is known",
            )
        )
    return out


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
