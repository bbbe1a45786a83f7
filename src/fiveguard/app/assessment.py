"""The national risk assessment of a model, as ``fiveguard assess``, the demo, the export
of a national summary and the record give it: the policy chosen, the assessment, the
files it read, and a Monte Carlo run of simulated years with product quality as the
assurance evidence left it (or a simulation given)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fiveguard.assess.engine import Engine
from fiveguard.assess.results import Assessment, InputFile
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.model import NetworkModel
from fiveguard.simulate.results import SimulationResult, SupplierEvent

PACKAGED = "packaged"


@dataclass(frozen=True)
class AssessedModel:
    """The assessment; the simulation behind its ``simulation`` summary (None when no
    simulated year was asked for); and the engine as prepared for the assessment, whose
    compiled network the what-ifs of a national summary reuse."""

    assessment: Assessment
    simulated: tuple[SimulationResult, tuple[SupplierEvent, ...]] | None
    engine: Engine


def catalogue_label(override: object | None) -> str:
    """How an assessment names the catalogue in force: packaged, or with a file merged."""
    return f"packaged, with {override} merged over it" if override else PACKAGED


def assess_model(
    model: NetworkModel,
    catalogue: Catalogue,
    policy: str | None,
    *,
    label: str = PACKAGED,
    trials: int = 0,
    seed: int = 0,
    parameter_draws: int = 0,
    simulated: tuple[SimulationResult, Sequence[SupplierEvent]] | None = None,
    inputs: tuple[InputFile, ...] = (),
) -> AssessedModel:
    """``fiveguard assess``: assess ``model`` under ``policy`` (a preset id, a policy
    file, ``none``, or None for the catalogue's default). The simulation summary comes
    from ``simulated`` when given, else from a run of ``trials`` years (none for 0)
    seeded ``seed``, its rates drawn ``parameter_draws`` times when that is above 0
    (:mod:`fiveguard.simulate.uncertainty`); ``inputs`` (the files read, with digests)
    go into its metadata."""
    from fiveguard.app.choices import resolve_policy

    chosen, origin = resolve_policy(policy, catalogue)
    return assess_with_policy(
        model,
        catalogue,
        chosen,
        policy_origin=origin,
        label=label,
        trials=trials,
        seed=seed,
        parameter_draws=parameter_draws,
        simulated=simulated,
        inputs=inputs,
    )


def assess_with_policy(
    model: NetworkModel,
    catalogue: Catalogue,
    policy: RestrictionPolicy | None,
    *,
    policy_origin: str,
    label: str = PACKAGED,
    trials: int = 0,
    seed: int = 0,
    parameter_draws: int = 0,
    simulated: tuple[SimulationResult, Sequence[SupplierEvent]] | None = None,
    inputs: tuple[InputFile, ...] = (),
) -> AssessedModel:
    """As :func:`assess_model`, with the policy already chosen."""
    from fiveguard.assess.assessment import assess
    from fiveguard.assess.engine import prepare_engine, simulation_summary
    from fiveguard.assess.quality import quality_for_simulation
    from fiveguard.simulate import simulate, worst_supplier_events

    engine = prepare_engine(model, catalogue)
    assessment = assess(
        model, catalogue, policy, policy_origin=policy_origin, catalogue_label=label, engine=engine
    )
    if inputs:
        metadata = assessment.metadata.model_copy(update={"inputs": inputs})
        assessment = assessment.model_copy(update={"metadata": metadata})
    if simulated is None and trials > 0:
        # the what-ifs needed the engine first; the Monte Carlo takes product quality as
        # the assessment moved it (the sources are derived again, the network is kept)
        quality = engine.with_quality(quality_for_simulation(assessment.suppliers))
        if parameter_draws:
            from fiveguard.simulate.uncertainty import simulate_with_uncertainty

            result = simulate_with_uncertainty(quality, catalogue, trials, seed, parameter_draws)
        else:
            result = simulate(quality, catalogue, trials, seed, workers=1)
        simulated = (result, worst_supplier_events(model, catalogue, compiled=quality.compiled))
    if simulated is None:
        return AssessedModel(assessment, None, engine)
    result, worst = simulated
    summary = simulation_summary(result, worst, catalogue=catalogue)
    assessment = assessment.model_copy(update={"simulation": summary})
    return AssessedModel(assessment, (result, tuple(worst)), engine)
