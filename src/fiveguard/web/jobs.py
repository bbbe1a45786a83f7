"""Background jobs: an assessment runs in a worker thread while the caller polls its
progress. The job's row is written in the request's transaction; the work starts once
that transaction has committed.

A job is seen by members of its organisation who may see its snapshot (the store's
policy decides that), and by no one else.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
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
from fiveguard.web.usecases import assess_recorded, policy_of

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
    trials: int | None,
    seed: int,
) -> JobView:
    """Queue an assessment of a snapshot the principal may see (refused, located, when
    the role does not allow running one or the inputs are wrong)."""
    org_id = require(principal, Action.RUN, "run an assessment")
    get_visible(session, principal, ModelSnapshot, snapshot_id)
    policy_of(policy, catalogue)  # refuse an unknown policy now, not in the background
    if trials is not None and not 0 <= trials <= MAX_TRIALS:
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
    """Runs queued jobs in worker processes (an assessment is CPU-bound Python: in a thread
    it would hold the interpreter lock and starve the server's requests), each writing
    its progress to the record as it goes."""

    def __init__(self, db: Database, catalogue: Catalogue, workers: int) -> None:
        self.db = db
        self.catalogue = catalogue
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

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
        if self._pool is None:  # started on first use: spawned, so no server thread is copied
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        url = self.db.url.render_as_string(hide_password=False)
        future = self._pool.submit(run_job, url, job_id, principal, self.catalogue)
        future.add_done_callback(lambda done: self._lost(job_id, done))

    def _lost(self, job_id: int, done: Future[None]) -> None:
        """A worker that died (killed, out of memory) leaves its job marked failed."""
        if done.cancelled() or done.exception() is not None:
            log.error("job %s: its worker ended: %r", job_id, done.exception())
            _set(
                self.db,
                job_id,
                status="failed",
                stage="failed",
                finished_at=now(),
                error="the worker running this job stopped: submit it again",
            )

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _set(db: Database, job_id: int, **values: Any) -> None:
    with db.transaction() as session:
        session.execute(update(WebJob).where(WebJob.id == job_id).values(**values))


def run_job(url: str, job_id: int, principal: Principal, catalogue: Catalogue) -> None:
    """A job, in a worker process: its own connection to the record, its progress and
    its outcome written there (a bad input or a bug is the job's failure, not the
    worker's)."""
    from fiveguard.store.database import connect
    from fiveguard.store.location import database_url

    db = connect(database_url(url))
    try:
        with db.transaction() as session:
            row = session.get(WebJob, job_id)
            assert row is not None and row.snapshot_id is not None
            params = json.loads(row.params)
            snapshot_id = row.snapshot_id
        _set(db, job_id, status="running", progress=5, stage="starting")
        try:
            run_id = assess_recorded(
                db,
                principal,
                snapshot_id,
                catalogue,
                policy=params["policy"],
                trials=params["trials"],
                seed=params["seed"],
                progress=lambda pct, stage: _set(db, job_id, progress=pct, stage=stage),
            )
        except InputError as exc:
            _fail(db, job_id, "; ".join(str(p) for p in exc.problems[:20]))
        except Exception:  # a bug: say so in the job, log the traceback
            log.exception("job %s failed", job_id)
            _fail(db, job_id, "the assessment failed inside fiveguard (see the server log)")
        else:
            _set(
                db,
                job_id,
                status="done",
                progress=100,
                stage="done",
                run_id=run_id,
                finished_at=now(),
            )
    finally:
        db.close()


def _fail(db: Database, job_id: int, message: str) -> None:
    _set(db, job_id, status="failed", stage="failed", error=message[:4000], finished_at=now())
