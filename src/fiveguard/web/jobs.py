"""Background jobs: an assessment runs in a worker thread while the caller polls its
progress. The job's row is written in the request's transaction; the work starts once
that transaction has committed.

A job is seen by members of its organisation who may see its snapshot (the store's
policy decides that), and by no one else.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import InputError
from fiveguard.store.access import get_visible, require, visible
from fiveguard.store.common import NotFoundError, now
from fiveguard.store.database import Database
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import ModelSnapshot, WebJob
from fiveguard.web.usecases import assess_snapshot, policy_of

log = logging.getLogger("fiveguard.web.jobs")
MAX_TRIALS = 100_000
"""The most Monte Carlo years one web request may ask for (a bounded amount of work)."""


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    status: str
    """queued, running, done or failed"""
    progress: int
    """Percent, 0–100."""
    stage: str
    snapshot_id: int | None
    run_id: int | None
    error: str | None
    created_by: str
    created_at: str
    finished_at: str | None


def _view(row: WebJob) -> JobView:
    return JobView(
        row.id,
        row.kind,
        row.status,
        row.progress,
        row.stage,
        row.snapshot_id,
        row.run_id,
        row.error,
        row.created_by,
        row.created_at,
        row.finished_at,
    )


def _visible(principal: Principal) -> Any:
    org = principal.organisation_id
    return (WebJob.organisation_id == org) & WebJob.snapshot_id.in_(
        select(ModelSnapshot.id).where(visible(principal, ModelSnapshot))
    )


def create_assessment_job(
    session: Session,
    principal: Principal,
    catalogue: Catalogue,
    snapshot_id: int,
    *,
    policy: str | None,
    trials: int,
    seed: int,
) -> JobView:
    """Queue an assessment of a snapshot the principal may see (refused, located, when
    the role does not allow running one or the inputs are wrong)."""
    org_id = require(principal, Action.RUN, "run an assessment")
    get_visible(session, principal, ModelSnapshot, snapshot_id)
    policy_of(policy, catalogue)  # refuse an unknown policy now, not in the background
    if not 0 <= trials <= MAX_TRIALS:
        raise InputError.at(
            f"expected 0 to {MAX_TRIALS:,} trials, got {trials}", "request", path="trials"
        )
    row = WebJob(
        organisation_id=org_id,
        kind="assessment",
        status="queued",
        progress=0,
        stage="waiting for a worker",
        snapshot_id=snapshot_id,
        run_id=None,
        params=json.dumps({"policy": policy, "trials": trials, "seed": seed}),
        error=None,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
        finished_at=None,
    )
    session.add(row)
    session.flush()
    return _view(row)


def get_job(session: Session, principal: Principal, ident: int) -> JobView:
    if principal.instance_admin or not principal.may(Action.READ):
        raise NotFoundError("job", ident)  # as for every object the caller may not see
    row = session.execute(
        select(WebJob).where(WebJob.id == ident, _visible(principal))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError("job", ident)
    return _view(row)


def list_jobs(session: Session, principal: Principal, limit: int = 50) -> list[JobView]:
    if principal.instance_admin or not principal.may(Action.READ):
        return []
    rows = session.execute(
        select(WebJob).where(_visible(principal)).order_by(WebJob.id.desc()).limit(limit)
    ).scalars()
    return [_view(r) for r in rows]


class JobRunner:
    """Runs queued jobs in worker threads, writing progress to the record as it goes."""

    def __init__(self, db: Database, catalogue: Catalogue, workers: int) -> None:
        self.db = db
        self.catalogue = catalogue
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fiveguard-job")

    def abandon_unfinished(self) -> None:
        """Jobs left queued or running by a server that stopped are marked failed."""
        with self.db.transaction() as session:
            session.execute(
                update(WebJob)
                .where(WebJob.status.in_(("queued", "running")))
                .values(
                    status="failed",
                    error="the server stopped before the job finished: submit it again",
                    finished_at=now(),
                )
            )

    def start(self, job_id: int, principal: Principal) -> None:
        self._pool.submit(self._run, job_id, principal)

    def _set(self, job_id: int, **values: Any) -> None:
        with self.db.transaction() as session:
            session.execute(update(WebJob).where(WebJob.id == job_id).values(**values))

    def _run(self, job_id: int, principal: Principal) -> None:
        with self.db.transaction() as session:
            row = session.get(WebJob, job_id)
            assert row is not None and row.snapshot_id is not None
            params = json.loads(row.params)
            snapshot_id = row.snapshot_id
        self._set(job_id, status="running", progress=5, stage="starting")
        try:
            run_id = assess_snapshot(
                self.db,
                principal,
                snapshot_id,
                self.catalogue,
                policy=params["policy"],
                trials=params["trials"],
                seed=params["seed"],
                progress=lambda pct, stage: self._set(job_id, progress=pct, stage=stage),
            )
        except InputError as exc:
            self._fail(job_id, "; ".join(str(p) for p in exc.problems[:20]))
        except Exception:  # a bug: keep the server up, say so, log the traceback
            log.exception("job %s failed", job_id)
            self._fail(job_id, "the assessment failed inside fiveguard (see the server log)")
        else:
            self._set(
                job_id, status="done", progress=100, stage="done", run_id=run_id, finished_at=now()
            )

    def _fail(self, job_id: int, message: str) -> None:
        self._set(job_id, status="failed", stage="failed", error=message[:4000], finished_at=now())

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
