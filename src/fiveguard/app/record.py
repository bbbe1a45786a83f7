"""Assessments in the record: assess a stored model snapshot and record the run with
everything needed to give it again; reproduce a recorded run and check that the result
is the same, byte for byte (as canonical JSON)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from fiveguard import __version__
from fiveguard.app.choices import NO_POLICY, chosen_trials
from fiveguard.app.national import national_assessment
from fiveguard.assess.assessment import catalogue_digest
from fiveguard.assess.results import Assessment
from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.errors import COMMAND_LINE, InputError, Problem
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import Tlp, most_restrictive
from fiveguard.modelio.load import load_model
from fiveguard.store import assessments, registry_records, slices, snapshots
from fiveguard.store.access import require
from fiveguard.store.assessments import RunView
from fiveguard.store.common import canonical
from fiveguard.store.principal import Action, Principal
from fiveguard.store.registry_records import write_registry
from fiveguard.store.snapshots import SnapshotView

PACKAGED = "packaged"


@dataclass(frozen=True)
class RecordedAssessment:
    """A run just recorded, the assessment itself, and the snapshot it was made from."""

    run: RunView
    assessment: Assessment
    snapshot: SnapshotView
    warnings: tuple[Problem, ...]
    """What loading the model found probably wrong, though it is usable."""


@dataclass(frozen=True)
class Reproduction:
    """A recorded run given again: the digest the result had then and has now."""

    run: RunView
    result_digest: str | None
    """The digest of the result given again (None when it could not be given again)."""
    problem: str | None

    @property
    def same(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class RunPlan:
    """What an assessment of a recorded snapshot will run, decided before it runs: the
    snapshot, the policy (and what the run records of it), the simulated years, the seed,
    the TLP label and the run's context (all that ``store reproduce`` needs)."""

    snapshot: SnapshotView
    policy: RestrictionPolicy | None
    recorded_policy: str
    trials: int
    seed: int
    tlp: Tlp | None
    context: dict[str, Any]


def plan_assessment(
    session: Session,
    principal: Principal,
    snapshot: SnapshotView,
    catalogue: Catalogue,
    *,
    policy: str | None = None,
    trials: int | None = None,
    seed: int = 0,
    tlp: Tlp | None = None,
    catalogue_label: str = PACKAGED,
    record_registry: bool = False,
) -> RunPlan:
    """The read step: check the principal may run, resolve the policy (a preset id or
    ``none``) and the years (default: the catalogue's), and fix the run's context.
    ``record_registry``: a model that names a product registry reads the record's (as
    the principal sees it today) in place of the one the snapshot keeps."""
    require(principal, Action.RUN, "record an assessment")
    chosen, origin, recorded = recorded_policy(policy, catalogue)
    years = chosen_trials(trials, catalogue.simulation.assess_trials, catalogue)
    source = f"record {snapshot.organisation}/{snapshot.name} v{snapshot.version}"
    context: dict[str, Any] = {
        "source": source,
        "policy_origin": origin,
        "catalogue": catalogue_label,
    }
    if record_registry:
        context.update(registry_records.record_registry(session, principal, snapshot.id))
    if "registry" in context:  # the run carries at least the labels of the lab records used
        used = Tlp(context["registry"]["tlp"])
        tlp = most_restrictive([tlp or snapshot.tlp, used]) if used.rank > Tlp.GREEN.rank else tlp
    return RunPlan(snapshot, chosen, recorded, years, seed, tlp, context)


def read_planned_model(
    session: Session, principal: Principal, plan: RunPlan, catalogue: Catalogue
) -> NetworkModel:
    """The snapshot's model, read from the record (an audited read) under the name the
    run records."""
    return read_snapshot_model(
        session, principal, plan.snapshot.id, catalogue, plan.context, "assess"
    )


def assess_planned(model: NetworkModel, catalogue: Catalogue, plan: RunPlan) -> Assessment:
    """The assess step, outside any transaction: the assessment as ``fiveguard assess``
    makes it."""
    return assess_model(model, catalogue, plan.policy, plan.context, plan.trials, plan.seed)


def record_run(
    session: Session, principal: Principal, plan: RunPlan, assessment: Assessment
) -> RunView:
    """The record step: keep the run with everything needed to give it again."""
    return assessments.record_assessment(
        session,
        principal,
        plan.snapshot.id,
        assessment,
        catalogue_digest=assessment.metadata.catalogue_digest,
        policy=plan.recorded_policy,
        seed=plan.seed,
        trials=plan.trials,
        tlp=plan.tlp,
        context=plan.context,
    )


def assess_snapshot(
    session: Session,
    principal: Principal,
    name: str,
    catalogue: Catalogue,
    *,
    holder: str | None = None,
    version: int | None = None,
    policy: str | None = None,
    trials: int | None = None,
    seed: int = 0,
    tlp: Tlp | None = None,
    catalogue_label: str = PACKAGED,
    record_registry: bool = False,
) -> RecordedAssessment:
    """Assess the snapshot ``name`` (held by ``holder``, default the principal's
    organisation; its latest version unless ``version``) as ``fiveguard assess`` does,
    with ``trials`` simulated years (default: the catalogue's), and record the run — the
    read, assess and record steps in one unit of work (the web app runs them in two
    transactions with the assessment between, outside any)."""
    require(principal, Action.RUN, "record an assessment")
    snapshot = snapshots.find_snapshot(session, principal, name, holder=holder, version=version)
    plan = plan_assessment(
        session,
        principal,
        snapshot,
        catalogue,
        policy=policy,
        trials=trials,
        seed=seed,
        tlp=tlp,
        catalogue_label=catalogue_label,
        record_registry=record_registry,
    )
    model = read_planned_model(session, principal, plan, catalogue)
    assessment = assess_planned(model, catalogue, plan)
    run = record_run(session, principal, plan, assessment)
    return RecordedAssessment(run, assessment, snapshot, model.notes + model.warnings)


def split_model(
    session: Session,
    principal: Principal,
    name: str,
    owners: dict[str, str],
    *,
    version: int | None = None,
) -> list[slices.SliceView]:
    """Split the authority's own snapshot ``name`` (its latest version unless
    ``version``) by operator: one part per operator id of ``owners``, held by the operator
    organisation named for it."""
    snapshot = snapshots.find_snapshot(session, principal, name, version=version)
    return slices.split_by_operator(session, principal, snapshot.id, owners)


def reproduce_run(
    session: Session, principal: Principal, ident: int, catalogue: Catalogue
) -> Reproduction:
    """Give the recorded run ``ident`` again from what the record keeps (the snapshot's
    files, the policy, trials and seed) and compare the result with the recorded one.
    It must be the same fiveguard version and catalogue; the difference is named when not."""
    run = assessments.get_assessment(session, principal, ident)
    if run.fiveguard_version != __version__:
        return Reproduction(
            run,
            None,
            f"recorded by fiveguard {run.fiveguard_version}; this is {__version__}: "
            "reproduce it with that version",
        )
    in_force = catalogue_digest(catalogue)
    if in_force != run.catalogue_digest:
        return Reproduction(
            run,
            None,
            f"the catalogue in force ({in_force[:12]}) is not the one the run used "
            f"({run.catalogue_digest[:12]}): give the same --catalog",
        )
    context: dict[str, Any] = run.inputs.get("run") or {}
    if not context:
        return Reproduction(
            run, None, "recorded from a result computed elsewhere: nothing kept says how to run it"
        )
    chosen, _, _ = recorded_policy(run.policy, catalogue)
    model = read_snapshot_model(
        session, principal, run.snapshot_id, catalogue, context, "reproduce"
    )
    assessment = assess_model(model, catalogue, chosen, context, run.trials, run.seed or 0)
    digest = hashlib.sha256(canonical(assessment.model_dump(mode="json"))).hexdigest()
    if digest == run.result_digest:
        return Reproduction(run, digest, None)
    recorded = assessments.read_assessment_result(session, principal, ident)
    where = first_difference(recorded, assessment.model_dump(mode="json")) or "(the whole result)"
    return Reproduction(run, digest, f"the result differs from the recorded one at {where}")


def recorded_policy(value: str | None, cat: Catalogue) -> tuple[RestrictionPolicy | None, str, str]:
    """The policy, its origin, and what the run records of it: a preset id or ``none``.
    A policy file is refused: the record would not keep it, so the run could not be given
    again."""
    if value is None:
        default = cat.assessment.default_policy
        if default is None:
            return None, "none", NO_POLICY
        return cat.policies[default], "default preset", default
    if value.lower() == NO_POLICY:
        return None, "none", NO_POLICY
    if value in cat.policies:
        return cat.policies[value], "preset", value
    raise InputError.at(
        f"expected a restriction-policy preset ({', '.join(cat.policies)}) or 'none', got "
        f"{value!r}: a recorded run names its policy so that it can be given again, and the "
        "record keeps no policy files",
        COMMAND_LINE,
        path="--policy",
    )


def read_snapshot_model(
    session: Session,
    principal: Principal,
    snapshot_id: int,
    catalogue: Catalogue,
    context: dict[str, Any],
    purpose: str,
) -> NetworkModel:
    """The snapshot's model, its files written out to a private directory and read under
    the name the run records (so the result does not depend on where)."""
    source = str(context["source"])
    with tempfile.TemporaryDirectory(prefix="fiveguard-snapshot-") as work:
        root = Path(work) / "model"
        path = snapshots.export_snapshot(
            session, principal, snapshot_id, root, action=f"snapshot.{purpose}"
        )
        registry_dir = None
        if "registry" in context:  # the record's registry, as the run first read it
            registry_dir = write_registry(session, context["registry"]["files"], Path(work) / "reg")
        model = load_model(path, catalogue, registry_dir)
        registry = model.registry
        if registry is not None and registry_dir is not None:
            registry = dataclasses.replace(registry, label=context["registry"]["label"])
        elif registry is not None:  # named by where it is in the snapshot, not on this disk
            inside = Path(os.path.relpath(Path(registry.label).resolve(), root.resolve()))
            registry = dataclasses.replace(registry, label=f"{source}: {inside.as_posix()}")
    return dataclasses.replace(model, source=source, registry=registry)


def assess_model(
    model: NetworkModel,
    catalogue: Catalogue,
    policy: RestrictionPolicy | None,
    context: dict[str, Any],
    trials: int,
    seed: int,
) -> Assessment:
    """The assessment of a model read from the record, labelled as the run's context says."""
    assessment, _ = national_assessment(
        model,
        catalogue,
        policy,
        policy_origin=str(context["policy_origin"]),
        catalogue_label=str(context["catalogue"]),
        trials=trials,
        seed=seed,
    )
    return assessment


def first_difference(before: Any, after: Any, path: str = "") -> str | None:
    """The JSON path of the first place where two JSON values differ, or None."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if key not in before or key not in after:
                return f"{path}.{key}".lstrip(".")
            found = first_difference(before[key], after[key], f"{path}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(before, list) and isinstance(after, list):
        for index, (one, other) in enumerate(zip(before, after, strict=False)):
            found = first_difference(one, other, f"{path}[{index}]")
            if found is not None:
                return found
        return None if len(before) == len(after) else f"{path} (length)".lstrip(".")
    return None if before == after else (path.lstrip(".") or "(the whole result)")
