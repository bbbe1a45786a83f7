"""The national assessment as the exchange needs it: assessed, simulated with the assessed
product quality, and the compiled network kept for the what-ifs of the summary."""

from __future__ import annotations

from fiveguard.app.assessment import PACKAGED, assess_with_policy
from fiveguard.assess.engine import Engine
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.model import NetworkModel


def national_assessment(
    model: NetworkModel,
    catalogue: Catalogue,
    policy: RestrictionPolicy | None,
    *,
    policy_origin: str = "preset",
    catalogue_label: str = PACKAGED,
    trials: int = 0,
    seed: int = 0,
) -> tuple[Assessment, Engine]:
    """Assess ``model`` and, for ``trials`` > 0, add a Monte Carlo run of that many years
    (product quality as the assurance evidence left it), as ``fiveguard assess`` does."""
    done = assess_with_policy(
        model,
        catalogue,
        policy,
        policy_origin=policy_origin,
        label=catalogue_label,
        trials=trials,
        seed=seed,
    )
    return done.assessment, done.engine


def read_assessment(raw: bytes, file: str, model: NetworkModel) -> Assessment:
    """An assessment JSON (``assessment.json``) of ``model``: parsed, type-checked and
    matched to the model (country, date, suppliers), every problem located."""
    from pydantic import ValidationError

    from fiveguard.domain.errors import InputError, Location, Problem
    from fiveguard.exchange.jsonio import parse_strict, validation_problems

    data = parse_strict(raw, file, len(raw) + 1)
    try:
        assessment = Assessment.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, file)) from None
    scope = model.document.scope
    info = assessment.metadata.model
    problems = []
    if (info.country, info.as_of) != (scope.country, scope.as_of):
        problems.append(
            Problem(
                Location(file, path="metadata.model"),
                f"an assessment of {info.country} as of {info.as_of}, but the model is "
                f"{scope.country} as of {scope.as_of}: give the assessment of this model",
            )
        )
    unknown = [s.id for s in assessment.suppliers if s.id not in model.suppliers]
    if unknown:
        problems.append(
            Problem(
                Location(file, path="suppliers"),
                f"supplier(s) not in the model: {', '.join(unknown)}; give the assessment "
                "of this model",
            )
        )
    if problems:
        raise InputError(problems)
    return assessment
