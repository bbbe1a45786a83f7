"""Use cases the web app needs that the application layer does not offer yet, written
as thin calls of the engines and the record so they can be replaced one for one by
``fiveguard.app`` functions when those arrive.

Each takes the record's session and the principal, as the store's functions do; the
access policy is the store's (:mod:`fiveguard.store.access`), never decided here.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from fiveguard.domain.catalogue import Catalogue, RestrictionPolicy
from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem
from fiveguard.domain.parties import Tlp
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import Database
from fiveguard.store.principal import Principal
from fiveguard.store.snapshots import SnapshotView, export_snapshot, import_snapshot

Progress = Callable[[int, str], None]
MODEL_SUFFIXES = (".yaml", ".yml")
UPLOAD_SUFFIXES = (*MODEL_SUFFIXES, ".csv", ".json")


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content: bytes


def policy_of(value: str | None, catalogue: Catalogue) -> tuple[RestrictionPolicy | None, str]:
    """A preset id, ``none``, or the catalogue's default (the web app takes no policy files)."""
    if value is None or value == "":
        default = catalogue.assessment.default_policy
        return (catalogue.policies[default], "default preset") if default else (None, "none")
    if value.lower() == "none":
        return None, "none"
    if value in catalogue.policies:
        return catalogue.policies[value], "preset"
    raise InputError.at(
        f"unknown policy {value!r}: expected a preset ({', '.join(catalogue.policies)}) or 'none'",
        "request",
        path="policy",
    )


def _safe_name(name: str, index: int) -> str:
    """An uploaded file's own name, without any directory, or a located refusal."""
    base = PurePosixPath(name.replace("\\", "/")).name
    if not base or base.startswith(".") or not base.lower().endswith(UPLOAD_SUFFIXES):
        raise InputError.at(
            f"expected a model file (.yaml), site tables (.csv) or evidence (.json), got {name!r}",
            "upload",
            path=f"files[{index}]",
        )
    return base


def import_uploaded_model(
    session: Any,
    principal: Principal,
    files: Sequence[UploadedFile],
    catalogue: Catalogue,
    *,
    name: str | None,
    tlp: Tlp,
) -> SnapshotView:
    """Validate the uploaded files (one model YAML and the site tables it names) and keep
    them as the next version of the snapshot; problems are located in the files as the
    user named them."""
    names = [_safe_name(f.name, i) for i, f in enumerate(files)]
    models = [n for n in names if n.lower().endswith(MODEL_SUFFIXES)]
    if len(models) != 1:
        raise InputError.at(
            f"expected exactly one model file (.yaml) among the files, got {len(models)}",
            "upload",
            path="files",
        )
    if len(set(names)) != len(names):
        raise InputError.at("two uploaded files have the same name", "upload", path="files")
    work = Path(tempfile.mkdtemp(prefix="fiveguard-upload-"))
    try:
        for file_name, file in zip(names, files, strict=True):
            (work / file_name).write_bytes(file.content)
        try:
            return import_snapshot(
                session,
                principal,
                work / models[0],
                catalogue,
                name=name or Path(models[0]).stem,
                tlp=tlp,
            )
        except (ForbiddenError, NotFoundError):
            raise
        except InputError as exc:
            raise InputError([_relocated(p, work) for p in exc.problems]) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _relocated(problem: Problem, work: Path) -> Problem:
    """The problem named in the uploaded file's own name, not the server's temporary path."""
    file = problem.location.file
    if file and file != COMMAND_LINE:
        prefix = str(work.resolve())
        for candidate in (prefix, str(work)):
            if file.startswith(candidate):
                file = file[len(candidate) :].lstrip("/\\")
        loc = problem.location
        return Problem(
            Location(file, loc.line, loc.col, loc.path), problem.message, problem.severity
        )
    return problem


def assess_snapshot(
    db: Database,
    principal: Principal,
    snapshot_id: int,
    catalogue: Catalogue,
    *,
    policy: str | None,
    trials: int,
    seed: int,
    progress: Progress,
) -> int:
    """Assess a recorded snapshot as the principal and record the run; its id.

    The snapshot is exported (an audited read) into a temporary directory, assessed
    outside any transaction (the record stays free for others meanwhile), and the result
    recorded in a second transaction.
    """
    from fiveguard.app.national import national_assessment
    from fiveguard.modelio.load import load_model
    from fiveguard.store.assessments import record_assessment

    chosen, origin = policy_of(policy, catalogue)
    work = Path(tempfile.mkdtemp(prefix="fiveguard-assess-"))
    try:
        progress(10, "reading the model from the record")
        with db.transaction() as session:
            model_path = export_snapshot(session, principal, snapshot_id, work / "model")
        progress(25, "validating the model")
        model = load_model(model_path, catalogue)
        progress(40, "assessing" + (f" and simulating {trials:,} years" if trials else ""))
        assessment, _engine = national_assessment(
            model, catalogue, chosen, policy_origin=origin, trials=trials, seed=seed
        )
        progress(90, "recording the result")
        with db.transaction() as session:
            run = record_assessment(
                session,
                principal,
                snapshot_id,
                assessment,
                catalogue_digest=assessment.metadata.catalogue_digest,
                policy=chosen.id if chosen else None,
                seed=seed if trials else None,
                trials=trials,
            )
        return run.id
    finally:
        shutil.rmtree(work, ignore_errors=True)
