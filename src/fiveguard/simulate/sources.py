"""Monte Carlo event sources and their annual probabilities, each traced to its parameters.

Sources, one Bernoulli trial per year each:

- per supplier, a malicious update: probability from the supplier's profile by the
  catalogue's rule; it reaches each operator with the probability left by that operator's
  measures (TM07 …), and is sabotage with the catalogue's share;
- per release (a product version, or the equal versions of a supplier's products built on
  one ``platform``), a common-mode fault: probability from the supplier's product quality
  (as assurance evidence moved it, when the caller gives that), one per release and
  declared supplier (two states' declarations of one company keep each their own); the
  versions of a release draw from one stream (:mod:`fiveguard.simulate.streams`), so
  they fault together; it
  reaches each operator running it with the catalogue's reach (the record's share of
  faults reaching several operators), the probability divided by that reach so that each
  operator's deployment keeps the level's probability;
- per operator, a misconfiguration taking down one of its core or transport assets,
  chosen uniformly; lowered by the operator's measures;
- per operator, a change pushed to every asset of one kind and a limit reached on every
  asset of one product, at the incident record's rates (:mod:`fiveguard.simulate.pushes`);
- per power area (a region, or a part of it of the catalogue's ``area_population``; see
  :mod:`fiveguard.simulate.areas`), a power loss with a log-normal duration;
- per asset, an independent failure: probability by the domain of its kind, lowered by
  the operator's measures.

Every probability comes with its :class:`Step` list: the catalogue parameters and measure
effects that produced it, named by their path in the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from fiveguard.catalog.rates import (
    annual_probability,
    posterior_mean,
    share_mean,
    shared_events,
)
from fiveguard.catalog.rule_checks import as_text_path, simulation_checks
from fiveguard.domain.base import Level
from fiveguard.domain.catalogue import Catalogue, Domain, ProductFaultParameters
from fiveguard.domain.errors import InputError, Location, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.network import Supplier
from fiveguard.simulate.areas import area_label, area_probability, base_probability
from fiveguard.simulate.compile import CompiledNetwork
from fiveguard.simulate.measures import OperatorEffects
from fiveguard.simulate.priors import FLAT, battery_priors
from fiveguard.simulate.pushes import GroupSource, group_sources
from fiveguard.simulate.streams import StreamKeys, stream_keys

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)
QUALITY = "product_quality"
NAMED_SIGNALS = 5  # signals named in a derivation step; the rest counted

Quality = Mapping[str, tuple[Level, str]]
"""Supplier id → its product quality after assurance evidence, and how it got there in
words (e.g. "raised from medium by ev-1"): what the assessment made of the evidence, given
by the caller so that this package needs nothing from :mod:`fiveguard.assess`."""


@dataclass(frozen=True)
class EvidenceSignal:
    """One assurance signal as the simulation reads it: its kind, where it came from, the
    supplier and the deployed versions (``PRODUCT@VERSION``) it concerns, and whether it
    raises or lowers risk."""

    kind: str
    source: str
    supplier: str
    versions: tuple[str, ...]
    direction: str


@dataclass(frozen=True)
class AssuranceEvidence:
    """A model's assurance signals, handed to the simulation by the assessment
    (:func:`fiveguard.assess.quality.assessed_quality`); the catalogue's
    ``simulation.evidence`` rule says which signal moves which rate."""

    signals: tuple[EvidenceSignal, ...]


@dataclass(frozen=True)
class Step:
    """One step of a probability's derivation: a named parameter (or measure effect), its
    value, and what it does."""

    parameter: str
    value: str
    note: str


Derivation = tuple[Step, ...]


@dataclass(frozen=True, eq=False)
class ProbabilityGroups:
    """Sources grouped by equal probability: the sources of ``values[i]`` are
    ``order[starts[i] : starts[i] + counts[i]]``, ascending."""

    values: FloatArray
    order: IntArray
    starts: IntArray
    counts: IntArray

    @classmethod
    def of(cls, probability: FloatArray) -> ProbabilityGroups:
        values, inverse = np.unique(probability, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable").astype(np.int64)
        counts = np.bincount(inverse, minlength=values.shape[0]).astype(np.int64)
        return cls(values.astype(np.float64), order, np.cumsum(counts) - counts, counts)


@dataclass(frozen=True, eq=False)
class EventSources:
    """Every event source of a model. Arrays are indexed like the compiled model's
    suppliers (S), versions (P), operators (K), regions (R) and assets (N)."""

    update_probability: FloatArray  # (S,)
    update_reach: FloatArray  # (K,) probability an update lands at the operator
    sabotage_share: float
    fault_probability: FloatArray  # (P,)
    misconfiguration_probability: FloatArray  # (K,)
    misconfiguration_ptr: IntArray  # (K+1,) into misconfiguration_targets
    misconfiguration_targets: IntArray  # asset indices
    power_probability: FloatArray  # (A,) per power area (compiled.area_region)
    power_median_hours: float
    power_sigma: float
    failure_probability: FloatArray  # (N,)
    failure_groups: ProbabilityGroups  # the same, grouped once for the sampler
    update_steps: tuple[Derivation, ...]
    fault_steps: tuple[Derivation, ...]
    misconfiguration_steps: tuple[Derivation, ...]
    power_steps: tuple[Derivation, ...]  # (A,)
    keys: StreamKeys  # canonical keys of suppliers, versions and operators (streams.py)
    fault_reach: float = 1.0  # probability a version's fault reaches each operator running it
    change_push: GroupSource | None = None  # per operator, a change pushed to one kind
    limit_reached: GroupSource | None = None  # per operator, a limit of one product reached
    # failures counted per site (asset_failure.per_site): rows of several sites, their
    # sites and per-site probability; these rows are left out of failure_groups
    site_asset: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_count: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    site_probability: FloatArray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))


def parameter_problems(catalogue: Catalogue) -> list[Problem]:
    """References in ``simulation`` that types cannot check: factors and measures.

    The catalogue loader reports these at their line; this guards catalogues built in code.
    """
    return [
        Problem(Location(file="catalogue", path=as_text_path(paths[0])), message)
        for paths, message in simulation_checks(catalogue)
    ]


def event_sources(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    effects: OperatorEffects,
    quality: Quality | AssuranceEvidence | None = None,
) -> EventSources:
    """The event sources of a model, with probabilities from the catalogue and measures.

    ``quality`` is either the model's assurance evidence (:class:`AssuranceEvidence`),
    which moves rates by the catalogue's ``simulation.evidence`` rule (a version's fault
    rate by evaluations of that version, a supplier's update rate by its security
    evidence), or suppliers' product quality given outright (:data:`Quality`): when the
    catalogue's product-fault rule reads ``product_quality``, a supplier in it is taken at
    that level instead of its score in the model, for every version of its products.
    """
    problems = parameter_problems(catalogue)
    if problems:
        raise InputError(problems)
    params = catalogue.simulation
    suppliers = model.suppliers
    evidence = quality if isinstance(quality, AssuranceEvidence) else None
    given = None if isinstance(quality, AssuranceEvidence) else quality
    deployed: dict[int, list[str]] = {}
    for v, s in enumerate(compiled.version_supplier.tolist()):
        deployed.setdefault(s, []).append(compiled.versions[v])
    update = [
        _with_security_evidence(
            update_probability(suppliers[supplier], catalogue),
            supplier,
            deployed.get(s, []),
            evidence,
            catalogue,
        )
        for s, supplier in enumerate(compiled.suppliers)
    ]
    update_tail = _update_tail_steps(catalogue, compiled, effects)
    faults = [
        fault_probability(
            suppliers[compiled.suppliers[s]] if s >= 0 else None,
            catalogue,
            quality=given,
            evidence=evidence,
            version=compiled.versions[v],
        )
        for v, s in enumerate(compiled.version_supplier.tolist())
    ]
    keys = stream_keys(model, compiled.suppliers, compiled.versions)
    faults = _one_probability_per_release(faults, keys.versions, compiled.version_supplier.tolist())
    targets, ptr = _misconfiguration_targets(model, catalogue, compiled)
    base = params.misconfiguration.annual_probability
    misconfiguration = base * effects.misconfiguration * (np.diff(ptr) > 0)
    duration = params.power_loss.duration
    failure = _failure_probability(model, catalogue, compiled, effects)
    site_asset = np.zeros(0, dtype=np.int64)
    whole = failure
    if params.asset_failure.per_site:
        site_asset = np.flatnonzero(model.table.sites > 1).astype(np.int64)
        whole = failure.copy()
        whole[site_asset] = 0.0
    pushes = group_sources(
        model, catalogue, compiled, effects, list(asset_domains(model, catalogue))
    )
    return EventSources(
        update_probability=np.asarray([p for p, _ in update], dtype=np.float64),
        update_reach=effects.reach.copy(),
        sabotage_share=params.supplier_update.sabotage_share,
        fault_probability=np.asarray([p for p, _ in faults], dtype=np.float64),
        misconfiguration_probability=misconfiguration.astype(np.float64),
        misconfiguration_ptr=ptr,
        misconfiguration_targets=targets,
        power_probability=area_probability(catalogue, compiled.area_residents),
        power_median_hours=duration.median_hours,
        power_sigma=duration.sigma,
        failure_probability=failure,
        failure_groups=ProbabilityGroups.of(whole),
        update_steps=tuple((*steps, *update_tail) for _, steps in update),
        fault_steps=tuple(steps for _, steps in faults),
        misconfiguration_steps=tuple(
            _misconfiguration_steps(catalogue, effects, operator, int(ptr[k + 1] - ptr[k]))
            for k, operator in enumerate(compiled.operators)
        ),
        power_steps=_power_steps(model, catalogue, compiled, effects),
        keys=keys,
        fault_reach=fault_reach(catalogue),
        change_push=pushes[0],
        limit_reached=pushes[1],
        site_asset=site_asset,
        site_count=model.table.sites[site_asset].astype(np.int64),
        site_probability=failure[site_asset].astype(np.float64),
    )


def _one_probability_per_release(
    faults: list[tuple[float, Derivation]], keys: tuple[str, ...], suppliers: list[int]
) -> list[tuple[float, Derivation]]:
    """Each version with its release's probability and derivation: the first of its
    versions' of the same declared supplier (equal unless evidence was given per version).

    Versions of one key declared under different suppliers (two states' declarations of
    one registered supplier, as in a merged model) keep each their own supplier's
    probability: they still draw the same numbers, so the state that scores the supplier
    higher sees the same faults and more, and a merged run equals the states' runs
    summed trial by trial."""
    first: dict[tuple[int, str], tuple[float, Derivation]] = {}
    return [
        first.setdefault((supplier, key), fault)
        for key, supplier, fault in zip(keys, suppliers, faults, strict=True)
    ]


def _update_tail_steps(
    catalogue: Catalogue, compiled: CompiledNetwork, effects: OperatorEffects
) -> Derivation:
    """The steps every supplier's update shares: the sabotage share, the reach per operator."""
    share = Step(
        "simulation.supplier_update.sabotage_share",
        f"{catalogue.simulation.supplier_update.sabotage_share:g}",
        "share of malicious updates that also take the compromised assets down",
    )
    reach = tuple(
        Step(
            f"reach at {operator}",
            f"{effects.reach[k]:.4g}",
            "; ".join(a.describe() for a in effects.of(operator, "supplier-update-reach"))
            or "no measure lowers it",
        )
        for k, operator in enumerate(compiled.operators)
    )
    return (share, *reach)


def _power_steps(
    model: NetworkModel, catalogue: Catalogue, compiled: CompiledNetwork, effects: OperatorEffects
) -> tuple[Derivation, ...]:
    """Per power area: the probability, the duration, and what sets the autonomies a loss
    is compared with (the hours taken for unknown batteries, the hours measures add)."""
    params = catalogue.simulation.power_loss
    duration = params.duration
    t = model.table
    area = compiled.asset_area
    placed = area >= 0
    n_areas = compiled.area_region.shape[0]
    in_area = np.bincount(area[placed], minlength=n_areas)
    priors = battery_priors(model, catalogue)
    n_priors = len(priors.names)
    took = placed & (priors.prior >= 0)
    taken = (
        np.bincount(area[took] * n_priors + priors.prior[took], minlength=n_areas * n_priors)
        .reshape(n_areas, n_priors)
        .tolist()
    )
    present = np.zeros((n_areas, len(compiled.operators)), dtype=bool)
    present[area[placed], t.operator[placed]] = True
    probability = area_probability(catalogue, compiled.area_residents)
    counts = np.diff(compiled.area_ptr)
    out = []
    for a in range(n_areas):
        r = int(compiled.area_region[a])
        name = area_label(compiled.regions[r], a - int(compiled.area_ptr[r]), int(counts[r]))
        autonomy = tuple(
            Step(
                f"autonomy at {operator}",
                f"+{effects.extra_hours[k]:g} h",
                "; ".join(a.describe() for a in effects.of(operator, "power-autonomy"))
                or "no measure adds hours",
            )
            for k, operator in enumerate(compiled.operators)
            if present[a, k]
        )
        out.append(
            (
                *_area_steps(catalogue, compiled, a, float(probability[a])),
                Step(
                    "simulation.power_loss.duration",
                    f"log-normal, median {duration.median_hours:g} h, sigma {duration.sigma:g}",
                    "how long a loss lasts; assets with shorter autonomy go down",
                ),
                *(
                    Step(
                        priors.names[j],
                        f"{priors.values[j]:g} h",
                        f"the battery taken for the {taken[a][j]} of the {int(in_area[a])} "
                        f"assets in {name} whose battery_hours the model leaves out "
                        f"({priors.notes[j]})",
                    )
                    for j in range(n_priors)
                    if taken[a][j] or (n_priors == 1 and priors.names[j] == FLAT)
                ),
                *autonomy,
            )
        )
    return tuple(out)


def _area_steps(
    catalogue: Catalogue, compiled: CompiledNetwork, area: int, probability: float
) -> Derivation:
    """How a power area's annual probability follows from the catalogue."""
    params = catalogue.simulation.power_loss
    base = base_probability(catalogue)
    if params.area_population is None:
        return (
            Step(
                "simulation.power_loss.annual_probability",
                f"{base.value:g}",
                "per region and year, whatever its size (no area_population)",
            ),
        )
    r = int(compiled.area_region[area])
    count = int(compiled.area_ptr[r + 1] - compiled.area_ptr[r])
    residents = float(compiled.area_residents[area])
    record: Derivation = ()
    if base.rate is not None:
        rate = base.rate
        record = (
            Step(
                f"simulation.power_loss.record_rate = {rate.rule.id}",
                f"{rate.mean:.3g} a year per million people → {base.value:.3g} per area",
                f"the incident record's posterior mean (incidents.rates.{rate.rule.id}: "
                f"{rate.summary()}) times the {params.area_population:,} residents of an "
                "area, as an annual probability; each such incident is taken as the power "
                "loss of one area",
            ),
        )
    return (
        Step(
            "simulation.power_loss.area_population",
            f"{params.area_population:,}",
            f"residents one loss reaches: {compiled.regions[r]} is "
            + (f"cut into {count} power areas of {residents:,.0f}" if count > 1
               else f"one power area of {residents:,.0f}"),
        ),
        *record,
        Step(
            "simulation.power_loss.annual_probability",
            f"{base.value:.3g} → {probability:.3g}",
            f"per area of {params.area_population:,} residents and year, as a rate scaled "
            f"to this area's {residents:,.0f}: 1 − (1 − p)^({residents:,.0f} / "
            f"{params.area_population:,})",
        ),
    )  # fmt: skip


# ---------------------------------------------------------------------------- per supplier


def _factor_level(supplier: Supplier, factor: str, unknown: Level) -> tuple[Level, bool]:
    score = getattr(supplier.profile, factor, None)
    return (score.score, True) if score is not None else (unknown, False)


def update_probability(supplier: Supplier, catalogue: Catalogue) -> tuple[float, Derivation]:
    """Annual probability of a malicious update by ``supplier``, and how it follows."""
    rule = catalogue.simulation.supplier_update
    levels = [_factor_level(supplier, f, rule.unknown_level) for f in rule.factors]
    ranks = [level.rank for level, _ in levels]
    combined = float(np.mean(ranks)) if rule.combine == "mean" else float(max(ranks))
    level = (
        Level.HIGH
        if combined >= rule.high_from
        else Level.MEDIUM
        if combined >= rule.medium_from
        else Level.LOW
    )
    scored = ", ".join(
        f"{f} {lv.value}" + ("" if known else " (unscored)")
        for f, (lv, known) in zip(rule.factors, levels, strict=True)
    )
    probability = rule.annual_probability.of(level)
    return probability, (
        Step(
            "simulation.supplier_update.factors",
            scored,
            f"unscored factors count as {rule.unknown_level.value} "
            "(simulation.supplier_update.unknown_level)",
        ),
        Step(
            f"simulation.supplier_update.combine = {rule.combine}",
            f"{combined:.3g} → {level.value}",
            f"ranks low 1, medium 2, high 3; medium from {rule.medium_from:g}, "
            f"high from {rule.high_from:g}",
        ),
        Step(
            f"simulation.supplier_update.annual_probability.{level.value}",
            f"{probability:g}",
            "annual probability of a malicious update",
        ),
    )


def fault_probability(
    supplier: Supplier | None,
    catalogue: Catalogue,
    *,
    quality: Quality | None = None,
    evidence: AssuranceEvidence | None = None,
    version: str | None = None,
) -> tuple[float, Derivation]:
    """Annual probability of a common-mode fault of one version of ``supplier``'s product.

    With ``quality`` naming the supplier and the rule reading ``product_quality``, the
    level is the one given there. With ``evidence`` and ``version``, the level moves only
    with the catalogue's availability signals that name that version (see
    :func:`event_sources`).
    """
    rule = catalogue.simulation.product_fault
    moved = (
        quality.get(supplier.id)
        if quality is not None and supplier is not None and rule.factor == QUALITY
        else None
    )
    evidence_steps: Derivation = ()
    if moved is None and evidence is not None and version is not None and rule.factor == QUALITY:
        moved, evidence_steps = _availability_evidence(supplier, version, evidence, catalogue)
    if moved is not None:
        level, reason = moved
        value = f"{level.value} (after assurance evidence: {reason})"
        note = "the supplier's product quality after its assurance evidence"
    else:
        if supplier is None:
            level, known = rule.unknown_level, False
        else:
            level, known = _factor_level(supplier, rule.factor, rule.unknown_level)
        value = level.value + ("" if known else " (unscored)")
        note = f"the supplier's score; unscored counts as {rule.unknown_level.value}"
    probability = rule.annual_probability.of(level)
    steps: Derivation = (
        Step(f"simulation.product_fault.factor = {rule.factor}", value, note),
        Step(
            f"simulation.product_fault.annual_probability.{level.value}",
            f"{probability:g}",
            "annual probability of a fault stopping every asset on the version",
        ),
    )
    if moved is not None and supplier is not None and evidence_steps:
        steps = (*steps, *evidence_steps)
    elif moved is not None and supplier is not None:
        steps = (*steps, _evidence_step(supplier, rule, level, moved[1]))
    elif evidence_steps:
        steps = (*steps, *evidence_steps)
    if rule.record_rate is not None and rule.annual_probability.medium > 0:
        probability, steps = _scaled_to_record(probability, rule, catalogue, steps)
    return _spread_over_reach(probability, catalogue, steps)


def fault_reach(catalogue: Catalogue) -> float:
    """The probability that a version's fault reaches each operator running the version:
    the posterior mean of ``simulation.product_fault.reach_share``, else 1."""
    share_id = catalogue.simulation.product_fault.reach_share
    if share_id is None:
        return 1.0
    return share_mean(catalogue.incidents, catalogue.incidents.shares[share_id])


def _spread_over_reach(
    probability: float, catalogue: Catalogue, steps: Derivation
) -> tuple[float, Derivation]:
    """The version's fault probability when each fault reaches each operator with
    probability r: the deployment's divided by r (at most 1), so that one operator's
    deployment fails with ``probability`` a year whatever r."""
    share_id = catalogue.simulation.product_fault.reach_share
    if share_id is None or probability <= 0:
        return probability, steps
    record = catalogue.incidents
    rule = record.shares[share_id]
    reach = share_mean(record, rule)
    events, shared = shared_events(record, rule)
    version = min(1.0, probability / reach)
    return version, (
        *steps,
        Step(
            f"simulation.product_fault.reach_share = {share_id}",
            f"reach {reach:.2g} → version {version:.3g}",
            f"a fault reaches each operator running the version with probability {reach:.2g} "
            f"(incidents.shares.{share_id}: {len(shared)} of {len(events)} product-fault "
            f"events in the record reached several operators, {rule.prior.name} prior); the "
            f"version's annual probability is the deployment's divided by {reach:.2g}, so "
            "each operator's deployment keeps the probability above",
        ),
    )


def _availability_evidence(
    supplier: Supplier | None, version: str, evidence: AssuranceEvidence, catalogue: Catalogue
) -> tuple[tuple[Level, str] | None, Derivation]:
    """The level a version's availability evidence leaves, with the step saying which
    signals moved it and by how much, or which signals of the version did not and why."""
    rule = catalogue.simulation.evidence
    fault = catalogue.simulation.product_fault
    about = [sig for sig in evidence.signals if version in sig.versions]
    if rule is None or not about:
        return None, ()
    kinds = set(rule.availability_signals)
    moving = [sig for sig in about if sig.kind in kinds and sig.direction in ("raise", "lower")]
    other = [sig for sig in about if sig not in moving]
    steps: list[Step] = []
    level: tuple[Level, str] | None = None
    if moving and rule.availability_steps:
        raising = [sig for sig in moving if sig.direction == "raise"]
        chosen = raising or moving
        sign = 1 if raising else -1
        if supplier is not None:
            scored, known = _factor_level(supplier, fault.factor, fault.unknown_level)
        else:
            scored, known = fault.unknown_level, False
        # an unknown level is taken at its highest possible: raising leaves it there
        rank = min(3, max(1, scored.rank + sign * rule.availability_steps))
        if not known and sign > 0:
            rank = scored.rank
        after = _level_of_rank(rank)
        before_p = fault.annual_probability.of(scored)
        after_p = fault.annual_probability.of(after)
        factor = f"× {after_p / before_p:.3g}" if before_p > 0 else "from 0"
        named = ", ".join(f"{sig.source} ({sig.kind})" for sig in chosen)
        verb = "raised" if sign > 0 else "lowered"
        reason = (
            f"{verb} from {scored.value}{'' if known else ' (unscored)'} by {named}"
            if after is not scored
            else f"already {scored.value}{'' if known else ' (unscored)'}, where {named} "
            f"would move it; not moved"
        )
        level = (after, reason)
        steps.append(
            Step(
                f"assurance evidence on {version}'s faults",
                f"{factor} ({scored.value}{'' if known else ', unscored'} {before_p:g} → "
                f"{after.value} {after_p:g})",
                f"{reason}: an evaluation of this version moves its fault rate "
                "(simulation.evidence.availability_signals); no other version's",
            )
        )
    if other:
        named = ", ".join(f"{sig.source} ({sig.kind})" for sig in other)
        steps.append(
            Step(
                f"assurance evidence on {version}, not moving its faults",
                f"{len(other)} signal{'' if len(other) == 1 else 's'}",
                f"{named}: security evidence, which moves the supplier's update rate, not "
                "the fault rate (simulation.evidence)",
            )
        )
    return level, tuple(steps)


def _level_of_rank(rank: int) -> Level:
    return LEVELS[rank - 1]


def _with_security_evidence(
    update: tuple[float, Derivation],
    supplier: str,
    versions: list[str],
    evidence: AssuranceEvidence | None,
    catalogue: Catalogue,
) -> tuple[float, Derivation]:
    """A supplier's update probability moved by its security evidence (the catalogue's
    ``simulation.evidence``): × ``security_raise`` for any raising signal on a deployed
    version, else × ``security_lower`` when lowering signals cover every deployed one."""
    rule = catalogue.simulation.evidence
    probability, steps = update
    if evidence is None or rule is None:
        return update
    mine = [
        sig
        for sig in evidence.signals
        if sig.supplier == supplier and set(sig.versions) & set(versions)
    ]
    raising = [sig for sig in mine if sig.direction == "raise"]
    lowering = [sig for sig in mine if sig.direction == "lower"]
    covered = {v for sig in lowering for v in sig.versions}
    if raising:
        factor, chosen, what = rule.security_raise, raising, "security_raise"
    elif lowering and covered >= set(versions):
        factor, chosen, what = rule.security_lower, lowering, "security_lower"
    else:
        return update
    moved = min(1.0, probability * factor)
    named = ", ".join(f"{sig.source} ({sig.kind})" for sig in chosen[:NAMED_SIGNALS])
    more = f" and {len(chosen) - NAMED_SIGNALS} more" if len(chosen) > NAMED_SIGNALS else ""
    return moved, (
        *steps,
        Step(
            f"simulation.evidence.{what}",
            f"× {factor:g} ({probability:g} → {moved:.3g})",
            f"assurance evidence on {supplier}'s deployed versions: {named}{more}; security "
            "evidence moves the update rate, not the fault rate of its products",
        ),
    )


def _evidence_step(
    supplier: Supplier, rule: ProductFaultParameters, level: Level, reason: str
) -> Step:
    """How much assurance evidence moved the rate: the level the supplier's score gives,
    the level after evidence, and the factor between their probabilities."""
    scored, known = _factor_level(supplier, rule.factor, rule.unknown_level)
    before = rule.annual_probability.of(scored)
    after = rule.annual_probability.of(level)
    factor = f"× {after / before:.3g}" if before > 0 else "from 0"
    return Step(
        f"assurance evidence on {supplier.id}'s product faults",
        f"{factor} ({scored.value}{'' if known else ', unscored'} {before:g} → "
        f"{level.value} {after:g})",
        f"{reason}; the level moves the fault rate of every version of the supplier's products",
    )


def _scaled_to_record(
    probability: float, rule: ProductFaultParameters, catalogue: Catalogue, steps: Derivation
) -> tuple[float, Derivation]:
    """``probability`` scaled so that the medium level is the record rate's posterior mean."""
    assert rule.record_rate is not None
    record = catalogue.incidents
    mean = posterior_mean(record, record.rates[rule.record_rate])
    scale = annual_probability(mean) / rule.annual_probability.medium
    scaled = min(1.0, probability * scale)
    return scaled, (
        *steps,
        Step(
            f"simulation.product_fault.record_rate = {rule.record_rate}",
            f"× {scale:.3g} → {scaled:.3g}",
            f"the incident record's posterior mean ({annual_probability(mean):.3g} a year, "
            f"incidents.rates.{rule.record_rate}) sets the medium level; this level keeps "
            "its ratio to medium",
        ),
    )


# ------------------------------------------------------------------ per operator and asset


def asset_domains(model: NetworkModel, catalogue: Catalogue) -> list[Domain | None]:
    """The domain of each asset kind of the table (``None`` for a kind not catalogued)."""
    kinds = catalogue.asset_kinds
    return [kinds[k].domain if k in kinds else None for k in model.table.kinds]


def _misconfiguration_targets(
    model: NetworkModel, catalogue: Catalogue, compiled: CompiledNetwork
) -> tuple[IntArray, IntArray]:
    wanted = set(catalogue.simulation.misconfiguration.target_domains)
    in_scope = np.asarray([d in wanted for d in asset_domains(model, catalogue)] + [False])
    assets = np.flatnonzero(in_scope[model.table.kind])
    operator = compiled.asset_operator[assets]
    order = np.argsort(operator, kind="stable")
    counts = np.bincount(operator, minlength=len(compiled.operators))
    ptr = np.zeros(len(compiled.operators) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return assets[order].astype(np.int64), ptr


def _misconfiguration_steps(
    catalogue: Catalogue, effects: OperatorEffects, operator: str, targets: int
) -> Derivation:
    params = catalogue.simulation.misconfiguration
    applied = effects.of(operator, "misconfiguration")
    return (
        Step(
            "simulation.misconfiguration.annual_probability",
            f"{params.annual_probability:g}",
            f"per operator; one of its {targets} core or transport assets, chosen uniformly"
            + ("" if targets else " (none, so the source is off)"),
        ),
        *(Step(f"measure {a.measure} at {operator}", f"× {a.value:g}", a.describe())
          for a in applied),
    )  # fmt: skip


def _failure_probability(
    model: NetworkModel,
    catalogue: Catalogue,
    compiled: CompiledNetwork,
    effects: OperatorEffects,
) -> FloatArray:
    table = catalogue.simulation.asset_failure.annual_probability
    by_kind = np.asarray(
        [table.get(d, 0.0) if d is not None else 0.0 for d in asset_domains(model, catalogue)]
        + [0.0],
        dtype=np.float64,
    )
    return by_kind[model.table.kind] * effects.asset_failure[compiled.asset_operator]


def failure_steps(
    catalogue: Catalogue, effects: OperatorEffects, domain: Domain, operator: str
) -> Derivation:
    """How the failure probability of an asset of ``domain`` at ``operator`` follows."""
    base = catalogue.simulation.asset_failure.annual_probability.get(domain, 0.0)
    return (
        Step(
            f"simulation.asset_failure.annual_probability.{domain.value}",
            f"{base:g}",
            "per asset and year",
        ),
        *(Step(f"measure {a.measure} at {operator}", f"× {a.value:g}", a.describe())
          for a in effects.of(operator, "asset-failure")),
    )  # fmt: skip
