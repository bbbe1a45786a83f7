"""Assessment runs: a result computed elsewhere (the assessment engine), recorded with
everything needed to reproduce it — the snapshot and its files' digests, the catalogue's
digest, the policy, the seed and trials, and the fiveguard version."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard import __version__
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import Tlp
from fiveguard.store import audit
from fiveguard.store.access import get_visible, name_author, require, visible
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import canonical, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import (
    AssessmentRun,
    ModelSnapshot,
    Organisation,
    SnapshotFile,
)


@dataclass(frozen=True)
class RunView:
    id: int
    organisation: str
    snapshot_id: int
    snapshot_digest: str
    catalogue_digest: str
    policy: str | None
    seed: int | None
    trials: int
    fiveguard_version: str
    result_digest: str
    tlp: Tlp
    created_by: str
    created_at: str
    inputs: dict[str, Any]


def record_assessment(
    session: Session,
    principal: Principal,
    snapshot_id: int,
    result: BaseModel | Mapping[str, Any],
    *,
    catalogue_digest: str,
    policy: str | None,
    seed: int | None,
    trials: int,
    tlp: Tlp | None = None,
    fiveguard_version: str = __version__,
    context: Mapping[str, Any] | None = None,
) -> RunView:
    """Record an assessment already computed from the snapshot ``snapshot_id``.

    ``catalogue_digest`` is the digest the assessment itself reports for the catalogue in
    force (its ``metadata.catalogue_digest``), so there is one definition of it.

    The run carries at least the snapshot's TLP label (a view derived from it is at
    least as restricted). ``context`` is kept with the inputs as ``run``: what else the
    assessment was given (the name it read the model under, the policy's origin, the
    catalogue's label), so it can be given again.
    """
    org_id = require(principal, Action.RUN, "record an assessment")
    snapshot = get_visible(session, principal, ModelSnapshot, snapshot_id)
    label = _label(snapshot, tlp)
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else dict(result)
    result_digest = store_bytes(session, canonical(data))
    inputs = _inputs(session, snapshot)
    if context:
        inputs["run"] = dict(context)
    run = AssessmentRun(
        organisation_id=org_id,
        snapshot_id=snapshot.id,
        inputs=json.dumps(inputs),
        catalogue_digest=catalogue_digest,
        policy=policy,
        seed=seed,
        trials=trials,
        fiveguard_version=fiveguard_version,
        result_digest=result_digest,
        tlp=label.value,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
    )
    session.add(run)
    session.flush()
    name_author(session, principal, "assessment", run.id, label)
    audit.append(
        session,
        principal,
        "assessment.record",
        kind="assessment",
        object_id=run.id,
        digest=result_digest,
        detail=_described(run, snapshot),
    )
    return _view(session, run)


def _described(run: AssessmentRun, snapshot: ModelSnapshot) -> dict[str, Any]:
    """What the audit row says of a recorded run: everything needed to reproduce it."""
    return {
        "snapshot": snapshot.digest,
        "catalogue": run.catalogue_digest,
        "policy": run.policy,
        "seed": run.seed,
        "trials": run.trials,
        "tlp": run.tlp,
    }


def _label(snapshot: ModelSnapshot, given: Tlp | None) -> Tlp:
    """The run's label: as given, but never less restricted than its snapshot's."""
    label = given or Tlp(snapshot.tlp)
    if label.rank < Tlp(snapshot.tlp).rank:
        raise InputError.at(
            f"the assessment of a {Tlp(snapshot.tlp).marking} snapshot carries at least that "
            f"label, not {label.marking}",
            COMMAND_LINE,
            path="--tlp",
        )
    return label


def _inputs(session: Session, snapshot: ModelSnapshot) -> dict[str, Any]:
    """The digests of the snapshot and of each of its files."""
    files = session.execute(
        select(SnapshotFile.path, SnapshotFile.digest)
        .where(SnapshotFile.snapshot_id == snapshot.id)
        .order_by(SnapshotFile.path)
    ).all()
    return {"snapshot": snapshot.digest, "files": {path: digest for path, digest in files}}


def _view(session: Session, run: AssessmentRun) -> RunView:
    org = session.get(Organisation, run.organisation_id)
    inputs = json.loads(run.inputs)
    return RunView(
        run.id,
        org.name if org else "?",
        run.snapshot_id,
        inputs["snapshot"],
        run.catalogue_digest,
        run.policy,
        run.seed,
        run.trials,
        run.fiveguard_version,
        run.result_digest,
        Tlp(run.tlp),
        run.created_by,
        run.created_at,
        inputs,
    )


def list_assessments(session: Session, principal: Principal) -> list[RunView]:
    rows = session.execute(
        select(AssessmentRun).where(visible(principal, AssessmentRun)).order_by(AssessmentRun.id)
    ).scalars()
    return [_view(session, run) for run in rows]


def count_assessments(session: Session, principal: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(AssessmentRun).where(visible(principal, AssessmentRun))
    ).scalar_one()


def get_assessment(session: Session, principal: Principal, ident: int) -> RunView:
    return _view(session, get_visible(session, principal, AssessmentRun, ident))


def read_assessment_result(session: Session, principal: Principal, ident: int) -> Any:
    """The recorded result JSON (audited when AMBER or stricter)."""
    run = get_visible(session, principal, AssessmentRun, ident)
    audit.audit_read(
        session, principal, run.tlp, "assessment.read", "assessment", run.id, run.result_digest
    )
    return json.loads(blob_bytes(session, run.result_digest))
