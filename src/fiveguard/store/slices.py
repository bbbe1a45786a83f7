"""Operator slices: an authority's national model split by operator. An operator sees
and may replace only its own part (its operator entry, assets and site rows), submits
it, and the authority merges it into the next version of the national model, recording
what changed. Slices are held by the operator and addressed to its authority."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard.domain.catalogue import Catalogue
from fiveguard.domain.errors import COMMAND_LINE, InputError
from fiveguard.domain.parties import OrganisationKind, Tlp
from fiveguard.modelio.yamlsource import parse_yaml, read_yaml
from fiveguard.store import audit
from fiveguard.store.access import get_visible, require, visible
from fiveguard.store.accounts import organisation_by_name
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import ForbiddenError, NotFoundError, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.slice_files import (
    check_part,
    check_part_sites,
    csv_bytes,
    csv_rows,
    dump_part,
    merged_document,
    read_national,
    write_merged,
)
from fiveguard.store.snapshots import SnapshotView, import_snapshot, latest_version
from fiveguard.store.tables import ModelSlice, ModelSnapshot, Organisation, Share


@dataclass(frozen=True)
class SliceView:
    id: int
    organisation: str
    operator_id: str
    national_id: int
    version: int
    status: str
    tlp: Tlp
    created_by: str
    created_at: str
    changes: dict[str, Any] | None = None


def _view(session: Session, row: ModelSlice) -> SliceView:
    org = session.get(Organisation, row.organisation_id)
    return SliceView(
        row.id,
        org.name if org else "?",
        row.operator_id,
        row.national_id,
        row.version,
        row.status,
        Tlp(row.tlp),
        row.created_by,
        row.created_at,
        json.loads(row.changes) if row.changes else None,
    )


def split_by_operator(
    session: Session, principal: Principal, snapshot_id: int, owners: Mapping[str, str]
) -> list[SliceView]:
    """Cut the authority's national snapshot into one part per operator id of the model,
    each held by the operator organisation ``owners`` names for it (one it supervises)."""
    org_id = require(principal, Action.IMPORT, "split a national model")
    national = get_visible(session, principal, ModelSnapshot, snapshot_id)
    if national.organisation_id != org_id or (
        principal.organisation_kind != OrganisationKind.NATIONAL_AUTHORITY
    ):
        raise NotFoundError("snapshot", snapshot_id)
    if national.tlp == Tlp.RED.value:
        raise InputError.at(
            "a TLP:RED model goes to named people only and is not split",
            COMMAND_LINE,
            path="--tlp",
        )
    files = read_national(session, national)
    made = []
    for operator_id, org_name in owners.items():
        if operator_id not in files.operator_ids():
            raise InputError.at(
                f"the model has no operator {operator_id!r}", COMMAND_LINE, path="--operator"
            )
        owner = organisation_by_name(session, org_name, "--operator")
        if owner.kind != OrganisationKind.OPERATOR or owner.supervisor_id != org_id:
            raise InputError.at(
                f"expected an operator {principal.organisation} supervises, got {org_name!r}",
                COMMAND_LINE,
                path="--operator",
            )
        part = dump_part(files.part(operator_id))
        sites = csv_bytes(files.header, files.rows_of(operator_id)) if files.header else None
        row = _add_version(session, principal, owner.id, national, operator_id, 1, part, sites)
        audit.append(
            session,
            principal,
            "slice.split",
            kind="slice",
            object_id=row.id,
            digest=row.part_digest,
            detail={"operator": operator_id, "to": org_name},
        )
        made.append(_view(session, row))
    return made


def _add_version(
    session: Session,
    principal: Principal,
    owner_id: int,
    national: ModelSnapshot,
    operator_id: str,
    version: int,
    part: bytes,
    sites: bytes | None,
) -> ModelSlice:
    row = ModelSlice(
        organisation_id=owner_id,
        national_id=national.id,
        authority_id=national.organisation_id,
        operator_id=operator_id,
        version=version,
        status="draft",
        part_digest=store_bytes(session, part),
        sites_digest=store_bytes(session, sites) if sites is not None else None,
        tlp=national.tlp,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
    )
    session.add(row)
    session.flush()
    # addressed to the authority, so it sees its operators' parts even when AMBER+STRICT
    session.add(
        Share(
            object_kind="slice",
            object_id=row.id,
            organisation_id=national.organisation_id,
            created_by=principal.actor,
            created_at=now(),
        )
    )
    session.flush()
    return row


def list_slices(session: Session, principal: Principal) -> list[SliceView]:
    rows = session.execute(
        select(ModelSlice).where(visible(principal, ModelSlice)).order_by(ModelSlice.id)
    ).scalars()
    return [_view(session, r) for r in rows]


def count_slices(session: Session, principal: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(ModelSlice).where(visible(principal, ModelSlice))
    ).scalar_one()


def get_slice(session: Session, principal: Principal, ident: int) -> SliceView:
    return _view(session, get_visible(session, principal, ModelSlice, ident))


def export_slice(session: Session, principal: Principal, ident: int, dest: Path) -> Path:
    """Write the part (``part.yaml``, and ``sites.csv`` when it has site rows) into the new
    directory ``dest``; return the part file. Audited when AMBER or stricter."""
    row = get_visible(session, principal, ModelSlice, ident)
    if dest.exists():
        raise InputError.at(f"{dest} exists already", COMMAND_LINE, path="--out")
    audit.audit_read(session, principal, row.tlp, "slice.export", "slice", row.id, row.part_digest)
    dest.mkdir(parents=True)
    (dest / "part.yaml").write_bytes(blob_bytes(session, row.part_digest))
    if row.sites_digest is not None:
        (dest / "sites.csv").write_bytes(blob_bytes(session, row.sites_digest))
    return dest / "part.yaml"


def _own_latest(session: Session, principal: Principal, ident: int, what: str) -> ModelSlice:
    row = get_visible(session, principal, ModelSlice, ident)
    if row.organisation_id != principal.organisation_id:
        raise ForbiddenError(f"only the operator holding a part may {what} it")
    latest = session.execute(
        select(func.max(ModelSlice.version)).where(
            ModelSlice.national_id == row.national_id, ModelSlice.operator_id == row.operator_id
        )
    ).scalar_one()
    if row.version != latest:
        raise InputError.at(
            f"slice {ident} is version {row.version}; the latest is {latest}",
            COMMAND_LINE,
            path="SLICE",
        )
    return row


def replace_part(
    session: Session,
    principal: Principal,
    ident: int,
    part_path: Path,
    sites_path: Path | None = None,
) -> SliceView:
    """The operator's new part: checked to hold only its own operator entry, assets and
    site rows (every problem located), kept as the next draft version."""
    require(principal, Action.IMPORT, "replace its part")
    row = _own_latest(session, principal, ident, "replace")
    source = read_yaml(part_path)
    problems = [*source.problems, *check_part(source, row.operator_id)]
    header = None
    if row.sites_digest is not None:
        header = parse_csv_header(blob_bytes(session, row.sites_digest))
    sites, site_problems = check_part_sites(sites_path, header, row.operator_id)
    problems.extend(site_problems)
    if problems:
        raise InputError(problems)
    national = session.get(ModelSnapshot, row.national_id)
    assert national is not None  # a foreign key
    new = _add_version(
        session,
        principal,
        row.organisation_id,
        national,
        row.operator_id,
        row.version + 1,
        dump_part(source.data),
        sites,
    )
    audit.append(
        session,
        principal,
        "slice.replace",
        kind="slice",
        object_id=new.id,
        digest=new.part_digest,
        detail={"operator": row.operator_id, "version": new.version},
    )
    return _view(session, new)


def parse_csv_header(data: bytes) -> list[str]:
    first = data.split(b"\n", 1)[0].decode("utf-8-sig").strip()
    return first.split(",")


def submit_part(session: Session, principal: Principal, ident: int) -> SliceView:
    """Submit the part to the authority (the operator's signing officer)."""
    require(principal, Action.SHARE, "submit its part to its authority")
    row = _own_latest(session, principal, ident, "submit")
    if row.status != "draft":
        raise InputError.at(f"slice {ident} is {row.status} already", COMMAND_LINE, path="SLICE")
    row.status = "submitted"
    session.flush()
    audit.append(
        session,
        principal,
        "slice.submit",
        kind="slice",
        object_id=row.id,
        digest=row.part_digest,
        detail={"operator": row.operator_id},
    )
    return _view(session, row)


def merge_part(
    session: Session, principal: Principal, ident: int, catalogue: Catalogue
) -> tuple[SliceView, SnapshotView]:
    """Merge a submitted part into the latest version of the national model: validated
    as a whole, kept as its next version, with what changed recorded on the slice."""
    org_id = require(principal, Action.IMPORT, "merge a part")
    row = get_visible(session, principal, ModelSlice, ident)
    if row.authority_id != org_id:
        raise ForbiddenError("the authority that split the model merges its parts")
    if row.status != "submitted":
        raise InputError.at(
            f"slice {ident} is {row.status}; expected a submitted part", COMMAND_LINE, path="SLICE"
        )
    first = session.get(ModelSnapshot, row.national_id)
    assert first is not None
    latest = latest_version(session, org_id, first.name)
    assert latest is not None  # the first version at least
    files = read_national(session, latest)
    part = parse_yaml(blob_bytes(session, row.part_digest).decode(), "part.yaml").data
    rows = _part_rows(session, row)
    document, changes = merged_document(files, row.operator_id, part, rows)
    with tempfile.TemporaryDirectory(prefix="fiveguard-merge-") as work:
        model_path = write_merged(session, latest, files, document, Path(work))
        merged = import_snapshot(
            session, principal, model_path, catalogue, name=latest.name, tlp=Tlp(latest.tlp)
        )
    row.status = "merged"
    row.merged_into = merged.id
    row.changes = json.dumps(changes)
    session.flush()
    audit.append(
        session,
        principal,
        "slice.merge",
        kind="slice",
        object_id=row.id,
        digest=merged.digest,
        detail={"operator": row.operator_id, "into": merged.version, **changes["counts"]},
    )
    return _view(session, row), merged


def _part_rows(session: Session, row: ModelSlice) -> list[list[str]]:
    if row.sites_digest is None:
        return []
    return csv_rows(blob_bytes(session, row.sites_digest))[1]
