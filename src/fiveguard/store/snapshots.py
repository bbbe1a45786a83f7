"""Model snapshots: a model's files as imported (YAML, site CSVs, evidence records),
content-addressed and versioned by name within an organisation.

An import validates the model first (refusing it with every located problem), then
stores each file once as a blob keyed by its digest, in the caller's one transaction:
a million-site model is a handful of blobs, not a million rows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.model import NetworkModel
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.modelio.evidence_store import RECORD_SUFFIX, model_evidence_dirs
from fiveguard.modelio.load import load_model
from fiveguard.modelio.yamlsource import display_name, read_yaml
from fiveguard.store import audit
from fiveguard.store.access import get_visible, name_author, require, visible
from fiveguard.store.blobs import file_digest, read_blob, store_file
from fiveguard.store.common import ForbiddenError, NotFoundError, digest_of, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import ModelSnapshot, Organisation, SnapshotFile

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class ModelFile:
    path: str
    """Relative to the model file's directory, with '/' separators."""
    role: str
    digest: str
    size: int


@dataclass(frozen=True)
class SnapshotView:
    id: int
    organisation: str
    name: str
    version: int
    digest: str
    tlp: Tlp
    country: str
    title: str
    as_of: str
    assets: int
    site_rows: int
    created_by: str
    created_at: str
    files: tuple[ModelFile, ...] = ()
    unchanged: bool = False
    """True when the import found the same files as the latest version and wrote nothing."""


def _inside(base: Path, target: Path, shown: str, where: str) -> str:
    try:
        relative = target.resolve().relative_to(base.resolve())
    except ValueError:
        raise InputError.at(
            f"{str(target)!r} is outside the model's directory; a snapshot keeps the model's "
            "directory only: copy the file beside the model",
            shown,
            path=where,
        ) from None
    return relative.as_posix()


def model_files(
    model_path: Path, site_refs: tuple[str, ...], registry_dir: str | None = None
) -> list[tuple[str, str, Path]]:
    """Every file of a model: (relative path, role, path on disk). A product registry
    the model names (``registry.dir``) is kept whole, its lab records and the envelopes
    they were verified from included, so the snapshot assesses as the model does."""
    base = model_path.parent
    shown = display_name(model_path)
    found = [(model_path.name, "model", model_path)]
    if registry_dir is not None:
        root = base / registry_dir
        _inside(base, root, shown, "registry.dir")
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root).parts
                if path.is_file() and not any(part.startswith(".") for part in relative):
                    found.append((_inside(base, path, shown, "registry.dir"), "registry", path))
    for index, ref in enumerate(site_refs):
        path = Path(ref) if Path(ref).is_absolute() else base / ref
        found.append((_inside(base, path, shown, f"sites[{index}]"), "sites", path))
    for index, directory in enumerate(model_evidence_dirs(model_path)):
        _inside(base, directory, shown, f"evidence_dirs[{index}]")
        if directory.is_dir():
            for path in sorted(directory.glob(f"*{RECORD_SUFFIX}")):
                if not path.name.startswith("."):
                    found.append((_inside(base, path, shown, "evidence_dirs"), "evidence", path))
    unique = {rel: (rel, role, path) for rel, role, path in found}
    return sorted(unique.values())


def import_snapshot(
    session: Session,
    principal: Principal,
    model_path: Path,
    catalogue: Catalogue,
    *,
    name: str | None = None,
    tlp: Tlp = Tlp.AMBER,
) -> SnapshotView:
    """Validate the model and store its files as the next version of ``name`` (default:
    the model file's name without suffix) in the principal's organisation."""
    org_id = require(principal, Action.IMPORT, "import a model")
    if principal.organisation_kind == OrganisationKind.EU_COORDINATOR:
        raise ForbiddenError("the EU coordinator holds no national model; it receives summaries")
    registry_dir = _written_registry_dir(model_path)
    files = _digests(model_path, _written_site_refs(model_path), registry_dir)
    model = load_model(model_path, catalogue)  # every located problem, or a valid model
    again = model_files(model_path, model.document.sites, registry_dir)
    if [f.path for f in files] != [f[0] for f in again]:
        raise InputError.at("the model changed while it was being imported", files[0].path)
    name = name or model_path.stem
    digest = digest_of(
        {"fiveguard_snapshot": SNAPSHOT_FORMAT, "files": [f.__dict__ for f in files]}
    )
    latest = latest_version(session, org_id, name)
    if latest is not None and latest.digest == digest:
        return _view(session, latest, unchanged=True)
    base = model_path.parent
    for file in files:
        store_file(session, base / file.path, file.digest, file.size, file.path)
    snapshot = _add_snapshot(session, principal, model, files, name, digest, tlp, latest)
    audit.append(
        session,
        principal,
        "snapshot.import",
        kind="snapshot",
        object_id=snapshot.id,
        digest=digest,
        detail={"name": name, "version": snapshot.version, "tlp": tlp.value, "files": len(files)},
    )
    return _view(session, snapshot)


def latest_version(session: Session, organisation_id: int, name: str) -> ModelSnapshot | None:
    """The newest version of the organisation's snapshot ``name``."""
    return session.execute(
        select(ModelSnapshot)
        .where(ModelSnapshot.organisation_id == organisation_id, ModelSnapshot.name == name)
        .order_by(ModelSnapshot.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def _add_snapshot(
    session: Session,
    principal: Principal,
    model: NetworkModel,
    files: list[ModelFile],
    name: str,
    digest: str,
    tlp: Tlp,
    latest: ModelSnapshot | None,
) -> ModelSnapshot:
    document = model.document
    snapshot = ModelSnapshot(
        organisation_id=principal.organisation_id,
        name=name,
        version=(latest.version + 1) if latest else 1,
        digest=digest,
        tlp=tlp.value,
        country=document.scope.country,
        title=document.scope.name,
        as_of=document.scope.as_of.isoformat(),
        assets=model.asset_count,
        site_rows=len(model.sites),
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
    )
    session.add(snapshot)
    session.flush()
    session.add_all(
        SnapshotFile(
            snapshot_id=snapshot.id, path=f.path, role=f.role, digest=f.digest, size=f.size
        )
        for f in files
    )
    name_author(session, principal, "snapshot", snapshot.id, tlp)
    session.flush()
    return snapshot


def _written_site_refs(model_path: Path) -> tuple[str, ...]:
    """The site files the model names, read before it is validated (so their digests
    are taken first, and the files stored are the files validated)."""
    data = read_yaml(model_path).data
    raw = data.get("sites") if isinstance(data, dict) else None
    refs = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return tuple(r for r in refs if isinstance(r, str) and r)


def _written_registry_dir(model_path: Path) -> str | None:
    """The product registry directory the model names, read before it is validated."""
    data = read_yaml(model_path).data
    raw = data.get("registry") if isinstance(data, dict) else None
    found = raw.get("dir", ".") if isinstance(raw, dict) else None
    return found if isinstance(found, str) and found else None


def _digests(
    model_path: Path, site_refs: tuple[str, ...], registry_dir: str | None = None
) -> list[ModelFile]:
    """Digests of the model's files that exist (a missing one is reported, located, by
    the validation that follows)."""
    out = []
    for relative, role, path in model_files(model_path, site_refs, registry_dir):
        if not path.is_file():
            continue
        try:
            digest, size = file_digest(path)
        except OSError as exc:
            raise InputError.at(
                f"cannot read {relative}: {exc.strerror or exc}", display_name(model_path)
            ) from None
        out.append(ModelFile(relative, role, digest, size))
    return out


def _view(session: Session, row: ModelSnapshot, unchanged: bool = False) -> SnapshotView:
    org = session.get(Organisation, row.organisation_id)
    files = session.execute(
        select(SnapshotFile).where(SnapshotFile.snapshot_id == row.id).order_by(SnapshotFile.path)
    ).scalars()
    return SnapshotView(
        row.id,
        org.name if org else "?",
        row.name,
        row.version,
        row.digest,
        Tlp(row.tlp),
        row.country,
        row.title,
        row.as_of,
        row.assets,
        row.site_rows,
        row.created_by,
        row.created_at,
        tuple(ModelFile(f.path, f.role, f.digest, f.size) for f in files),
        unchanged,
    )


def list_snapshots(
    session: Session, principal: Principal, name: str | None = None
) -> list[SnapshotView]:
    """The snapshots this principal may see (metadata only: not audited as a read)."""
    query = select(ModelSnapshot).where(visible(principal, ModelSnapshot))
    if name is not None:
        query = query.where(ModelSnapshot.name == name)
    rows = session.execute(query.order_by(ModelSnapshot.id)).scalars()
    return [_view(session, row) for row in rows]


def count_snapshots(session: Session, principal: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(ModelSnapshot).where(visible(principal, ModelSnapshot))
    ).scalar_one()


def get_snapshot(session: Session, principal: Principal, ident: int) -> SnapshotView:
    return _view(session, get_visible(session, principal, ModelSnapshot, ident))


def find_snapshot(
    session: Session,
    principal: Principal,
    name: str,
    *,
    holder: str | None = None,
    version: int | None = None,
) -> SnapshotView:
    """The snapshot ``name`` held by ``holder`` (default: the principal's organisation),
    its latest version unless ``version`` is given; missing and not visible alike."""
    org = holder or principal.organisation
    query = (
        select(ModelSnapshot)
        .join(Organisation, Organisation.id == ModelSnapshot.organisation_id)
        .where(
            ModelSnapshot.name == name,
            Organisation.name == org,
            visible(principal, ModelSnapshot),
        )
    )
    if version is not None:
        query = query.where(ModelSnapshot.version == version)
    row = session.execute(
        query.order_by(ModelSnapshot.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        shown = f"{org}/{name}" + (f" v{version}" if version is not None else "")
        raise NotFoundError("snapshot", shown, where="MODEL_NAME")
    return _view(session, row)


def export_snapshot(
    session: Session,
    principal: Principal,
    ident: int,
    dest: Path,
    *,
    action: str = "snapshot.export",
) -> Path:
    """Write the snapshot's files into the new directory ``dest`` (all or nothing) and
    return the model file's path there. Audited (as ``action``) when AMBER or stricter."""
    row = get_visible(session, principal, ModelSnapshot, ident)
    if dest.exists():
        raise InputError.at(f"{dest} exists already", COMMAND_LINE, path="--out")
    view = _view(session, row)
    audit.audit_read(session, principal, row.tlp, action, "snapshot", row.id, row.digest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=dest.parent))
    try:
        for file in view.files:
            target = work / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as stream:
                for chunk in read_blob(session, file.digest):
                    stream.write(chunk)
        os.replace(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    model = next(f for f in view.files if f.role == "model")
    return dest / model.path
