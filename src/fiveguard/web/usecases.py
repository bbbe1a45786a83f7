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

    The read, assess and record steps are :mod:`fiveguard.app.record`'s, as the command
    line runs them, but the model is read in one transaction and the run recorded in
    another, with the assessment in between outside any: a SQLite record stays open to
    everyone else (and to this job's progress) while it runs.
    """
    from fiveguard.app import record

    progress(10, "reading and validating the model from the record")
    with db.transaction() as session:
        snapshot = snapshots.get_snapshot(session, principal, snapshot_id)
        plan = record.plan_assessment(
            session, principal, snapshot, catalogue, policy=policy, trials=trials, seed=seed
        )
        model = record.read_planned_model(session, principal, plan, catalogue)
    years = plan.trials
    progress(40, "assessing" + (f" and simulating {years:,} years" if years else ""))
    assessment = record.assess_planned(model, catalogue, plan)
    progress(90, "recording the result")
    with db.transaction() as session:
        run = record.record_run(session, principal, plan, assessment)
    return run.id


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
    name = PurePosixPath(upload.name.replace("\\", "/")).name or "evidence.json"
    text = decode(upload.content, name)
    data = parse_json(text, name)
    try:
        record = TypeAdapter(Evidence).validate_python(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, Evidence, JsonLocator(text, name), ())) from None
    return record_evidence(session, principal, record, tlp)


PART_SUFFIXES = (".yaml", ".yml")


def replace_uploaded_part(
    session: Any,
    principal: Principal,
    slice_id: int,
    part: UploadedFile,
    sites: UploadedFile | None,
) -> Any:
    """Replace an operator's part with uploaded files (the part's YAML, and its site rows
    when it has some), as ``fiveguard store part replace`` does: checked to hold only the
    operator's own entry, assets and site rows, every problem located in the files as
    they were named; kept as the part's next draft version."""
    from fiveguard.store.slices import replace_part

    require(principal, Action.IMPORT, "replace its part")  # before reading any input
    part_name = PurePosixPath(part.name.replace("\\", "/")).name
    if not part_name.lower().endswith(PART_SUFFIXES) or part_name.startswith("."):
        raise InputError.at(
            f"expected the part's YAML file (part.yaml), got {part.name!r}", "upload", path="part"
        )
    sites_name = None
    if sites is not None:
        sites_name = PurePosixPath(sites.name.replace("\\", "/")).name
        if not sites_name.lower().endswith(".csv") or sites_name.startswith("."):
            raise InputError.at(
                f"expected the part's site rows (sites.csv), got {sites.name!r}",
                "upload",
                path="sites",
            )
        if sites_name == part_name:
            raise InputError.at("the two files have the same name", "upload", path="sites")
    work = Path(tempfile.mkdtemp(prefix="fiveguard-part-"))
    try:
        (work / part_name).write_bytes(part.content)
        sites_path = None
        if sites is not None and sites_name is not None:
            sites_path = work / sites_name
            sites_path.write_bytes(sites.content)
        try:
            return replace_part(session, principal, slice_id, work / part_name, sites_path)
        except (ForbiddenError, NotFoundError):
            raise
        except InputError as exc:
            raise InputError([_relocated(p, work) for p in exc.problems]) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def exported_part(session: Any, principal: Principal, slice_id: int) -> tuple[str, bytes]:
    """An operator's part as a zip of ``part.yaml`` (and ``sites.csv``), as ``fiveguard
    store part export`` writes them, and the zip's file name (an audited export)."""
    import io
    import zipfile

    from fiveguard.store.slices import export_slice, get_slice

    view = get_slice(session, principal, slice_id)
    work = Path(tempfile.mkdtemp(prefix="fiveguard-part-export-"))
    try:
        part_file = export_slice(session, principal, slice_id, work / "part")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in sorted(part_file.parent.iterdir()):
                archive.writestr(item.name, item.read_bytes())
        return f"part-{view.id}-{view.operator_id}-v{view.version}.zip", buffer.getvalue()
    finally:
        shutil.rmtree(work, ignore_errors=True)
