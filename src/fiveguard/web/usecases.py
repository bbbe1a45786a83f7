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
from fiveguard.store import snapshots
from fiveguard.store.access import require
from fiveguard.store.common import ForbiddenError, NotFoundError
from fiveguard.store.database import Database
from fiveguard.store.principal import Action, Principal
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


def assess_recorded(
    db: Database,
    principal: Principal,
    snapshot_id: int,
    catalogue: Catalogue,
    *,
    policy: str | None,
    trials: int | None,
    seed: int,
    progress: Progress,
) -> int:
    """Assess a recorded snapshot as the principal and record the run as ``fiveguard store
    assess`` does (the same inputs kept, so ``store reproduce`` gives it again); its id.

    Unlike :func:`fiveguard.app.record.assess_snapshot`, which is one unit of work, the
    model is read in one transaction and the run recorded in another, with the assessment
    in between outside any: a SQLite record stays open to everyone else (and to this
    job's progress) while it runs. The policy, trials and run context follow that
    function's rules exactly; a test reproduces a run made here.
    """
    import dataclasses

    from fiveguard.app.choices import chosen_trials
    from fiveguard.app.national import national_assessment
    from fiveguard.app.record import PACKAGED, _recorded_policy
    from fiveguard.modelio.load import load_model
    from fiveguard.store.assessments import record_assessment

    chosen, origin, recorded = _recorded_policy(policy, catalogue)
    years = chosen_trials(trials, catalogue.simulation.assess_trials, catalogue)
    work = Path(tempfile.mkdtemp(prefix="fiveguard-assess-"))
    try:
        progress(10, "reading the model from the record")
        with db.transaction() as session:
            view = snapshots.get_snapshot(session, principal, snapshot_id)
            path = export_snapshot(
                session, principal, snapshot_id, work / "model", action="snapshot.assess"
            )
        context = {
            "source": f"record {view.organisation}/{view.name} v{view.version}",
            "policy_origin": origin,
            "catalogue": PACKAGED,
        }
        progress(25, "validating the model")
        model = dataclasses.replace(load_model(path, catalogue), source=context["source"])
        progress(40, "assessing" + (f" and simulating {years:,} years" if years else ""))
        assessment, _engine = national_assessment(
            model,
            catalogue,
            chosen,
            policy_origin=origin,
            catalogue_label=PACKAGED,
            trials=years,
            seed=seed,
        )
        progress(90, "recording the result")
        with db.transaction() as session:
            run = record_assessment(
                session,
                principal,
                snapshot_id,
                assessment,
                catalogue_digest=assessment.metadata.catalogue_digest,
                policy=recorded,
                seed=seed,
                trials=years,
                context=context,
            )
        return run.id
    finally:
        shutil.rmtree(work, ignore_errors=True)


MAX_EVENTS = 50
"""The most events one what-if request may combine (bounded work per request)."""


def whatif_snapshot(
    db: Database,
    principal: Principal,
    snapshot_id: int,
    catalogue: Catalogue,
    events: Sequence[str],
    *,
    mode: str | None,
    hours: float | None,
) -> Any:
    """The impact of ``events`` happening together on a recorded snapshot (a
    :class:`fiveguard.simulate.results.WhatIfResult`). Reading the model is an audited
    read; nothing is written besides."""
    from fiveguard.modelio.load import load_model
    from fiveguard.simulate import parse_event, whatif
    from fiveguard.simulate.events import Mode

    texts = [e.strip() for e in events if e.strip()]
    if not texts or len(texts) > MAX_EVENTS:
        raise InputError.at(
            f"expected 1 to {MAX_EVENTS} events, got {len(texts)}", "request", path="events"
        )
    chosen_mode = None
    if mode:
        try:
            chosen_mode = Mode(mode)
        except ValueError:
            raise InputError.at(
                f"expected mode espionage or sabotage, got {mode!r}", "request", path="mode"
            ) from None
    problems: list[Problem] = []
    parsed = []
    for index, text in enumerate(texts):
        try:
            parsed.append(parse_event(text, mode=chosen_mode, hours=hours))
        except InputError as exc:
            problems += [
                Problem(Location("request", path=f"events[{index}]"), p.message)
                for p in exc.problems
            ]
    if problems:
        raise InputError(problems)
    work = Path(tempfile.mkdtemp(prefix="fiveguard-whatif-"))
    try:
        with db.transaction() as session:
            model_path = export_snapshot(session, principal, snapshot_id, work / "model")
        model = load_model(model_path, catalogue)
        try:
            return whatif(model, catalogue, parsed)
        except InputError as exc:
            raise InputError(
                [Problem(Location("request", path="events"), p.message) for p in exc.problems]
            ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


VERIFY_CHECKS = (
    "size and strict JSON (canonical, no duplicate keys), the envelope's shape",
    "signatures by keys of the keyring in force, the origin's threshold met, each key "
    "valid when the summary was issued",
    "the payload type",
    "the statement and its national summary against their schema",
    "the origin is the signing organisation, of a kind that may sign it, of its country",
    "your organisation is a recipient (or the label lets it read)",
    "the sequence is greater than the last accepted from that origin (no replay)",
)
"""The checks of a received envelope, in the order they run (fiveguard.exchange.verify)."""


def file_received_upload(
    session: Any,
    principal: Principal,
    envelope: UploadedFile,
    keyring: UploadedFile | None,
    *,
    direction: str = "inbox",
) -> Any:
    """Verify an uploaded envelope against an uploaded keyring and file it in the
    principal's inbox (:func:`fiveguard.app.envelopes.file_received`), or, for one its
    organisation signed, its outbox (:func:`~fiveguard.app.envelopes.file_sent`); every
    problem located in the files as they were named. Without a keyring given, the one
    the organisation keeps in the record."""
    import datetime as dt

    from fiveguard.app.envelopes import file_received, file_sent

    # refused by role before any input is read: filing a sent one is a signing officer's act
    if direction == "outbox":
        require(principal, Action.SIGN, "file a sent envelope")
    else:
        require(principal, Action.IMPORT, "file a received envelope")
    envelope_name = PurePosixPath(envelope.name.replace("\\", "/")).name or "envelope"
    ring = keyring_of(session, principal, keyring)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    filing = file_sent if direction == "outbox" else file_received
    return filing(session, principal, envelope.content, envelope_name, ring, now=now)


def keyring_of(session: Any, principal: Principal, given: UploadedFile | None) -> Any:
    """The keyring uploaded with a request (verified), else the one the principal's
    organisation keeps in the record (a located problem when it keeps none)."""
    from fiveguard.exchange.keyring import read_keyring, verify_keyring
    from fiveguard.store.keyrings import kept_keyring

    if given is None or not given.content:
        return kept_keyring(session, principal)[1]
    name = PurePosixPath(given.name.replace("\\", "/")).name or "keyring"
    return verify_keyring(read_keyring(given.content, name), name)


def coordinated_view(session: Any, principal: Principal, keyring: UploadedFile | None) -> Any:
    """The coordinated view (:class:`fiveguard.exchange.coordinate.Coordination`) of the
    national summaries in the principal's inbox, each verified again against ``keyring``
    (every check, failing closed) — the keyring given, else the one kept in the record —
    for the principal's organisation as audience. Reading
    each envelope is an audited read; nothing is written besides."""
    import datetime as dt

    from fiveguard.exchange.coordinate import coordinate
    from fiveguard.exchange.verify import verify_all
    from fiveguard.store import envelopes

    require(principal, Action.READ, "build a coordinated view")
    ring = keyring_of(session, principal, keyring)
    inbox = envelopes.list_envelopes(session, principal, "inbox")
    if not inbox:
        raise InputError.at(
            "the inbox holds no national summary yet: file one first", "inbox", path="envelopes"
        )
    inputs = []
    for view in inbox:
        raw, _statement = envelopes.read_envelope(session, principal, view.id)
        inputs.append((f"inbox/{view.id}-{view.origin}.dsse.json", raw))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    organisation = str(principal.organisation)
    verified = verify_all(inputs, ring, now=now, as_org=organisation)
    return coordinate(verified, coordinator=organisation, audience=(organisation,), now=now)


def record_uploaded_evidence(
    session: Any, principal: Principal, upload: UploadedFile, tlp: Tlp
) -> Any:
    """Keep an uploaded evidence record (as ``fiveguard evidence sbom|vulns|vex|
    equivalence`` write them into a model's evidence directory) for the principal's
    organisation: strict JSON, checked against the evidence schema, every problem located
    in the file as it was named."""
    from pydantic import TypeAdapter, ValidationError

    from fiveguard.domain.evidence import Evidence
    from fiveguard.modelio.jsonsource import JsonLocator, parse_json
    from fiveguard.modelio.messages import problems_from
    from fiveguard.modelio.yamlsource import decode
    from fiveguard.store.evidence_records import record_evidence

    require(principal, Action.IMPORT, "record evidence")  # before reading any input
    name = PurePosixPath(upload.name.replace("\\\\", "/")).name or "evidence.json"
    text = decode(upload.content, name)
    data = parse_json(text, name)
    try:
        record = TypeAdapter(Evidence).validate_python(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, Evidence, JsonLocator(text, name), ())) from None
    return record_evidence(session, principal, record, tlp)
