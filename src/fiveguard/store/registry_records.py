"""The product registry in the record: suppliers, products, versions with their artefact
digests and labs (reference data, one row each), the lab records about product versions
and the verified attestations they came from.

Evidence about a product version is held once: a lab record is one row per content,
shared (a :class:`~fiveguard.store.tables.Share`) with every other organisation that
imports the same record, and an attestation one row per payload. Every entry keeps its
file as it was read or written (a blob), so :func:`export_registry` gives back a
registry the file commands read, byte for byte.

Who sees what is :mod:`fiveguard.store.access`'s (:func:`~fiveguard.store.access.visible_lab`
and :func:`~fiveguard.store.access.sees_registry`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fiveguard.domain.errors import COMMAND_LINE, InputError, Location, Problem
from fiveguard.domain.lab import LabFinding, LabRecord, PracticeReview, versions_of
from fiveguard.domain.parties import OrganisationKind, Tlp, most_restrictive
from fiveguard.domain.registry import Lab, RegistryProduct, RegistrySupplier
from fiveguard.modelio.registry_files import ATTESTATIONS, SUFFIX, RegistryFiles
from fiveguard.store import audit
from fiveguard.store.access import (
    KINDS,
    REGISTRY_READERS,
    require,
    sees_registry,
    visible_lab,
)
from fiveguard.store.blobs import blob_bytes, store_bytes
from fiveguard.store.common import ForbiddenError, NotFoundError, now
from fiveguard.store.principal import Action, Principal
from fiveguard.store.tables import (
    LabAttestationRow,
    LabRecordRow,
    LabRecordVersion,
    NamedRecipient,
    Organisation,
    RegistryArtefactRow,
    RegistryLabRow,
    RegistryProductRow,
    RegistrySupplierRow,
    RegistryVersionRow,
    Share,
)

if TYPE_CHECKING:
    from fiveguard.exchange.keyring import KeyringBody
    from fiveguard.lab.attestation import Accepted

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "suppliers": TypeAdapter(RegistrySupplier),
    "products": TypeAdapter(RegistryProduct),
    "labs": TypeAdapter(Lab),
    "records": TypeAdapter(LabRecord),
}
EntryRow = RegistrySupplierRow | RegistryProductRow | RegistryLabRow
E = TypeVar("E", RegistrySupplierRow, RegistryProductRow, RegistryLabRow)
L = TypeVar("L", LabRecordRow, LabAttestationRow)
_ENTRY_TABLES: dict[str, type[EntryRow]] = {
    "suppliers": RegistrySupplierRow,
    "products": RegistryProductRow,
    "labs": RegistryLabRow,
}


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class RegistryImport:
    """What an import did: rows added per kind, entries and records already held, records
    newly shared with the importer, and records left out (id → why)."""

    added: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("suppliers", "products", "labs", "records"), 0)
    )
    attestations: int = 0
    unchanged: int = 0
    updated: list[str] = field(default_factory=list)
    """Products that gained versions (or artefact digests)."""
    shared: int = 0
    skipped: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- import


def import_registry(
    session: Session,
    principal: Principal,
    files: RegistryFiles,
    *,
    tlp: Tlp = Tlp.AMBER,
) -> RegistryImport:
    """Load a file registry (read and checked by
    :func:`~fiveguard.modelio.registry_files.read_registry`) into the record, in the
    caller's transaction. Refused, naming every problem where it stands, when an entry
    differs from the one the record holds (an import adds entries and a product's versions;
    it changes nothing), when an attested record is no longer what its stored envelope
    holds, or when a file changed while it was imported.

    Records entered by hand (not attested) are a lab's working copy: kept only when the
    importer is that lab, labelled ``tlp``; otherwise listed as skipped.
    """
    from fiveguard.modelio.registry_files import attestation_integrity

    require(principal, Action.IMPORT, "import a registry")
    if principal.organisation_kind not in REGISTRY_READERS:
        raise ForbiddenError(
            f"{principal.organisation} is a {principal.organisation_kind}: the registry is "
            "imported by authorities, operators and labs"
        )
    problems: list[Problem] = []
    raw: dict[tuple[str, str], bytes] = {}
    for section in ("suppliers", "products", "labs", "records"):
        for ident, entry in sorted(getattr(files.registry, section).items()):
            data = _file_bytes(files, section, ident, entry, problems)
            if data is not None:
                raw[(section, ident)] = data
    for ident, why in sorted(attestation_integrity(files).items()):
        if why is not None:
            problems.append(files.problem("records", ident, ("attestation",), why))
    if problems:
        raise InputError(problems)
    done = RegistryImport()
    for section in ("suppliers", "labs", "products"):
        for ident, entry in sorted(getattr(files.registry, section).items()):
            _put_entry(session, principal, files, section, entry, raw[(section, ident)], done)
    envelopes: dict[str, LabAttestationRow] = {}
    for ident, record in sorted(files.registry.records.items()):
        stamp = record.attestation
        if stamp is None:
            if principal.organisation != record.lab or (
                principal.organisation_kind != OrganisationKind.EVALUATION_LAB
            ):
                done.skipped[ident] = (
                    "entered by hand, not attested: only its lab keeps a working copy in the record"
                )
                continue
            label, attestation = tlp, None
        else:
            if stamp.envelope not in envelopes:
                envelope = (files.root / stamp.envelope).read_bytes()
                envelopes[stamp.envelope] = put_attestation(
                    session, principal, envelope, stamp.signer, stamp.verified_on, done
                )
            label, attestation = stamp.tlp, envelopes[stamp.envelope]
        put_record(session, principal, record, raw[("records", ident)], label, attestation, done)
    if not (any(done.added.values()) or done.attestations or done.shared or done.updated):
        return done  # nothing new: nothing written, nothing to log
    audit.append(
        session,
        principal,
        "registry.import",
        kind="registry",
        detail={
            "from": files.label,
            "added": done.added,
            "attestations": done.attestations,
            "unchanged": done.unchanged,
            "updated": done.updated,
            "shared": done.shared,
            "skipped": sorted(done.skipped),
        },
    )
    return done


def _file_bytes(
    files: RegistryFiles, section: str, ident: str, entry: BaseModel, problems: list[Problem]
) -> bytes | None:
    """The entry's file as it is now, refused when it no longer reads as the entry read."""
    path = files.path_of(section, ident)
    try:
        data = path.read_bytes()
        again = _entry(section, data)
    except (OSError, InputError, ValidationError) as exc:
        problems.append(files.problem(section, ident, (), f"cannot be read again: {exc}"))
        return None
    if again != entry:
        problems.append(files.problem(section, ident, (), "changed while it was imported"))
        return None
    return data


def _entry(section: str, data: bytes) -> Any:
    """An entry from its file's bytes, read as the registry's reader reads it."""
    from fiveguard.modelio.yamlsource import decode, parse_yaml

    return _ADAPTERS[section].validate_python(parse_yaml(decode(data, section), section).data)


def _parsed(session: Session, section: str, digest: str) -> Any:
    return _entry(section, blob_bytes(session, digest))


def _put_entry(
    session: Session,
    principal: Principal,
    files: RegistryFiles,
    section: str,
    entry: Any,
    data: bytes,
    done: RegistryImport,
) -> None:
    table = _ENTRY_TABLES[section]
    held = cast(
        "EntryRow | None",
        session.execute(select(table).where(table.entry_id == entry.id)).scalar_one_or_none(),
    )
    digest = hashlib.sha256(data).hexdigest()
    if held is None:
        put_entry(session, principal, section, entry, store_bytes(session, data))
        done.added[section] += 1
        return
    if held.source_digest == digest:
        done.unchanged += 1
        return
    before = _parsed(session, section, held.source_digest)
    if before == entry:
        done.unchanged += 1
        return
    if isinstance(entry, RegistryProduct) and isinstance(held, RegistryProductRow):
        why = _product_change(before, entry)
        if why is None:
            held.source_digest = store_bytes(session, data)
            _put_versions(session, held.id, entry)
            done.updated.append(entry.id)
            return
    else:
        why = "the record holds it with other content"
    raise InputError(
        [
            files.problem(
                section,
                entry.id,
                (),
                f"{why} (added by {held.created_by} on {held.created_at[:10]}); an import adds "
                "entries and versions, and changes none",
            )
        ]
    )


def _product_change(before: RegistryProduct, after: RegistryProduct) -> str | None:
    """None when ``after`` only adds versions (or digests to a version that had none)."""
    if (before.supplier, before.name, before.kind) != (after.supplier, after.name, after.kind):
        return "the record holds it with another supplier, name or kind"
    for old in before.versions:
        new = after.version(old.version)
        if new is None:
            return f"version {old.version} is in the record and not in this file"
        if old.released not in (None, new.released) or (
            old.artefacts and old.artefacts != new.artefacts
        ):
            return f"version {old.version} is in the record with other artefacts or release date"
    return None


def put_entry(
    session: Session, principal: Principal, section: str, entry: Any, digest: str
) -> EntryRow:
    """A new supplier, product (with its versions) or lab row."""
    common = {
        "entry_id": entry.id,
        "source_digest": digest,
        "created_by": principal.actor,
        "created_at": now(),
    }
    row: EntryRow
    if isinstance(entry, RegistrySupplier):
        row = RegistrySupplierRow(
            **common, name=entry.name, lei=entry.lei, registry_id=entry.registry_id
        )
    elif isinstance(entry, Lab):
        row = RegistryLabRow(
            **common, name=entry.name, kind=entry.kind.value, country=entry.country
        )
    else:
        supplier = _entry_row(session, RegistrySupplierRow, entry.supplier)
        row = RegistryProductRow(
            **common, supplier_id=supplier.id, name=entry.name, kind=entry.kind
        )
    session.add(row)
    session.flush()
    if isinstance(entry, RegistryProduct):
        _put_versions(session, row.id, entry)
    return row


def _put_versions(session: Session, product_id: int, entry: RegistryProduct) -> None:
    held = {
        v.version: v
        for v in session.execute(
            select(RegistryVersionRow).where(RegistryVersionRow.product_id == product_id)
        ).scalars()
    }
    for version in entry.versions:
        row = held.get(version.version)
        if row is None:
            row = RegistryVersionRow(
                product_id=product_id, version=version.version, released=version.released
            )
            session.add(row)
            session.flush()
        else:
            row.released = version.released
        known = set(
            session.execute(
                select(RegistryArtefactRow.name).where(RegistryArtefactRow.version_id == row.id)
            ).scalars()
        )
        session.add_all(
            RegistryArtefactRow(version_id=row.id, name=a.name, sha256=a.sha256)
            for a in version.artefacts
            if a.name not in known
        )
    session.flush()


def _entry_row(session: Session, table: type[E], ident: str) -> E:
    row = session.execute(select(table).where(table.entry_id == ident)).scalar_one_or_none()
    if row is None:  # the file registry was checked: its entries are imported first
        raise InputError.at(f"{ident!r} is not in the record's registry", COMMAND_LINE)
    return row


def _share_with(
    session: Session, principal: Principal, kind: str, ident: int, holder: int, tlp: str
) -> bool:
    """Give the importer the object another organisation holds; whether that was new."""
    org = principal.organisation_id
    assert org is not None
    new = False
    if holder != org:
        had = session.execute(
            select(Share.id).where(
                Share.object_kind == kind, Share.object_id == ident, Share.organisation_id == org
            )
        ).first()
        if had is None:
            session.add(
                Share(
                    object_kind=kind,
                    object_id=ident,
                    organisation_id=org,
                    created_by=principal.actor,
                    created_at=now(),
                )
            )
            new = True
    _name(session, principal, kind, ident, tlp)
    session.flush()
    return new


def _name(session: Session, principal: Principal, kind: str, ident: int, tlp: str) -> None:
    """The importer of a TLP:RED object is one of its named people (a token names none)."""
    if tlp != Tlp.RED.value or principal.user_id is None or principal.token is not None:
        return
    if session.get(NamedRecipient, (kind, ident, principal.user_id)) is None:
        session.add(NamedRecipient(object_kind=kind, object_id=ident, user_id=principal.user_id))


def put_attestation(
    session: Session,
    principal: Principal,
    envelope: bytes,
    signer: str,
    verified_on: dt.date,
    done: RegistryImport,
) -> LabAttestationRow:
    """The attestation row of a verified envelope: held once, shared with each importer."""
    from fiveguard.lab.attestation import read_statement
    from fiveguard.lab.signing import read_envelope

    parsed = read_envelope(envelope, "attestation")
    statement = read_statement(parsed, "attestation")
    payload = hashlib.sha256(parsed.payload).hexdigest()
    p = statement.predicate
    kind = KINDS[LabAttestationRow]
    held = session.execute(
        select(LabAttestationRow).where(LabAttestationRow.payload_sha256 == payload)
    ).scalar_one_or_none()
    if held is not None:
        if _share_with(session, principal, kind, held.id, held.organisation_id, held.tlp):
            done.shared += 1
        return held
    embargoes = [
        r.embargo_until
        for r in p.records
        if isinstance(r, LabFinding) and r.embargo_until is not None
    ]
    row = LabAttestationRow(
        organisation_id=principal.organisation_id,
        tlp=p.tlp.value,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
        payload_sha256=payload,
        digest=store_bytes(session, envelope),
        lab_id=_entry_row(session, RegistryLabRow, p.lab.id).id,
        signer=signer,
        issued_at=_time(p.issued_at),
        verified_on=verified_on.isoformat(),
        embargo_until=max(embargoes).isoformat() if embargoes else None,
    )
    session.add(row)
    session.flush()
    _name(session, principal, kind, row.id, row.tlp)
    audit.append(
        session,
        principal,
        "attestation.import",
        kind=kind,
        object_id=row.id,
        digest=row.digest,
        detail={"lab": p.lab.id, "signer": signer, "tlp": p.tlp.value, "payload": payload},
    )
    done.attestations += 1
    return row


def put_record(
    session: Session,
    principal: Principal,
    record: LabRecord,
    data: bytes,
    tlp: Tlp,
    attestation: LabAttestationRow | None,
    done: RegistryImport,
) -> LabRecordRow:
    """The row of a lab record's file: held once per content, shared with each importer."""
    kind = KINDS[LabRecordRow]
    digest = store_bytes(session, data)
    held = session.execute(
        select(LabRecordRow).where(
            LabRecordRow.record_id == record.id, LabRecordRow.source_digest == digest
        )
    ).scalar_one_or_none()
    if held is not None:
        if _share_with(session, principal, kind, held.id, held.organisation_id, held.tlp):
            done.shared += 1
        else:
            done.unchanged += 1
        return held
    product = getattr(record, "product", None)
    product_row = _entry_row(session, RegistryProductRow, product) if product else None
    supplier_row = (
        _entry_row(session, RegistrySupplierRow, record.supplier)
        if isinstance(record, PracticeReview)
        else None
    )
    embargo = record.embargo_until if isinstance(record, LabFinding) else None
    row = LabRecordRow(
        organisation_id=principal.organisation_id,
        tlp=tlp.value,
        created_by=principal.actor,
        created_by_user=principal.user_id,
        created_at=now(),
        record_id=record.id,
        type=record.type,
        lab_id=_entry_row(session, RegistryLabRow, record.lab).id,
        product_id=product_row.id if product_row else None,
        supplier_id=supplier_row.id if supplier_row else None,
        attestation_id=attestation.id if attestation else None,
        issued_at=_time(record.attestation.issued_at) if record.attestation else None,
        embargo_until=embargo.isoformat() if embargo else None,
        source_digest=digest,
    )
    session.add(row)
    session.flush()
    _, versions = versions_of(record)
    if product_row is not None and versions:
        ids = session.execute(
            select(RegistryVersionRow.id).where(
                RegistryVersionRow.product_id == product_row.id,
                RegistryVersionRow.version.in_(versions),
            )
        ).scalars()
        session.add_all(LabRecordVersion(record_id=row.id, version_id=v) for v in ids)
    _name(session, principal, kind, row.id, row.tlp)
    session.flush()
    audit.append(
        session,
        principal,
        "lab-record.import",
        kind=kind,
        object_id=row.id,
        digest=digest,
        detail={"record": record.id, "type": record.type, "lab": record.lab, "tlp": tlp.value},
    )
    done.added["records"] += 1
    return row


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class LabRecordView:
    id: int
    record_id: str
    type: str
    lab: str
    organisation: str
    tlp: Tlp
    signer: str | None
    """The lab whose verified attestation it came from (None: a lab's working copy)."""
    issued_at: str | None
    embargo_until: str | None
    created_by: str
    created_at: str


def _record_view(session: Session, row: LabRecordRow) -> LabRecordView:
    org = session.get(Organisation, row.organisation_id)
    lab = session.get(RegistryLabRow, row.lab_id)
    attestation = session.get(LabAttestationRow, row.attestation_id) if row.attestation_id else None
    return LabRecordView(
        row.id,
        row.record_id,
        row.type,
        lab.entry_id if lab else "?",
        org.name if org else "?",
        Tlp(row.tlp),
        attestation.signer if attestation else None,
        row.issued_at,
        row.embargo_until,
        row.created_by,
        row.created_at,
    )


def list_lab_records(
    session: Session, principal: Principal, today: dt.date | None = None
) -> list[LabRecordView]:
    """The lab records the principal may see (metadata: not an audited read)."""
    rows = session.execute(
        select(LabRecordRow)
        .where(visible_lab(principal, LabRecordRow, today or today_utc()))
        .order_by(LabRecordRow.id)
    ).scalars()
    return [_record_view(session, row) for row in rows]


def count_lab_records(session: Session, principal: Principal, today: dt.date | None = None) -> int:
    return session.execute(
        select(func.count())
        .select_from(LabRecordRow)
        .where(visible_lab(principal, LabRecordRow, today or today_utc()))
    ).scalar_one()


def _visible_row(
    session: Session, principal: Principal, table: type[L], ident: int, today: dt.date
) -> L:
    found = session.execute(
        select(table).where(table.id == ident, visible_lab(principal, table, today))
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(KINDS[table], ident)
    return found


def read_lab_record(
    session: Session, principal: Principal, ident: int, today: dt.date | None = None
) -> bytes:
    """The record's file (audited when AMBER or stricter)."""
    row = _visible_row(session, principal, LabRecordRow, ident, today or today_utc())
    audit.audit_read(
        session,
        principal,
        row.tlp,
        "lab-record.read",
        KINDS[LabRecordRow],
        row.id,
        row.source_digest,
    )
    return blob_bytes(session, row.source_digest)


def read_attestation(
    session: Session, principal: Principal, ident: int, today: dt.date | None = None
) -> bytes:
    """The envelope as received (audited when AMBER or stricter)."""
    row = _visible_row(session, principal, LabAttestationRow, ident, today or today_utc())
    audit.audit_read(
        session,
        principal,
        row.tlp,
        "attestation.read",
        KINDS[LabAttestationRow],
        row.id,
        row.digest,
    )
    return blob_bytes(session, row.digest)


def list_attestations(
    session: Session, principal: Principal, today: dt.date | None = None
) -> list[int]:
    return list(
        session.execute(
            select(LabAttestationRow.id)
            .where(visible_lab(principal, LabAttestationRow, today or today_utc()))
            .order_by(LabAttestationRow.id)
        ).scalars()
    )


# ---------------------------------------------------------------------------- export


def _latest(rows: Iterable[LabRecordRow]) -> dict[str, LabRecordRow]:
    """Per record id, the row from the latest attestation (else the working copy)."""
    out: dict[str, LabRecordRow] = {}
    for row in rows:
        held = out.get(row.record_id)
        if held is None or (row.issued_at or "", row.id) > (held.issued_at or "", held.id):
            out[row.record_id] = row
    return out


def registry_files(
    session: Session, principal: Principal, today: dt.date | None = None, *, audited: bool = True
) -> dict[str, bytes]:
    """:func:`registry_digests`, each file's bytes."""
    found = registry_digests(session, principal, today, audited=audited)
    return {name: blob_bytes(session, digest) for name, digest in found.items()}


def registry_digests(
    session: Session, principal: Principal, today: dt.date | None = None, *, audited: bool = True
) -> dict[str, str]:
    """The registry the principal may see, as files (relative path → blob digest): every entry
    for those who read the registry (else the entries the records shown refer to), the
    latest visible row of each lab record, and the visible envelopes those came from.
    Reads of AMBER-or-stricter records and envelopes are audited (``audited``: unless
    the registry is read only to check something against it, its content not shown)."""
    if principal.organisation_id is None or not principal.may(Action.READ):
        require(principal, Action.READ, "read the registry")
    day = today or today_utc()
    records = _latest(
        session.execute(
            select(LabRecordRow)
            .where(visible_lab(principal, LabRecordRow, day))
            .order_by(LabRecordRow.id)
        ).scalars()
    )
    out: dict[str, str] = {}
    wanted: dict[str, set[int]] = {"suppliers": set(), "products": set(), "labs": set()}
    for ident, row in sorted(records.items()):
        out[f"records/{ident}{SUFFIX}"] = row.source_digest
        if audited:
            audit.audit_read(
                session,
                principal,
                row.tlp,
                "lab-record.export",
                KINDS[LabRecordRow],
                row.id,
                row.source_digest,
            )
        wanted["labs"].add(row.lab_id)
        if row.product_id is not None:
            wanted["products"].add(row.product_id)
        if row.supplier_id is not None:
            wanted["suppliers"].add(row.supplier_id)
    attested = {r.attestation_id for r in records.values() if r.attestation_id is not None}
    if attested:
        for envelope in session.execute(
            select(LabAttestationRow).where(
                LabAttestationRow.id.in_(attested), visible_lab(principal, LabAttestationRow, day)
            )
        ).scalars():
            name = f"{ATTESTATIONS}/{envelope.payload_sha256}.dsse.json"
            out[name] = envelope.digest
            if audited:
                audit.audit_read(
                    session,
                    principal,
                    envelope.tlp,
                    "attestation.export",
                    KINDS[LabAttestationRow],
                    envelope.id,
                    envelope.digest,
                )
    everything = sees_registry(principal)
    products = session.execute(
        select(RegistryProductRow).where(
            RegistryProductRow.id.is_not(None)
            if everything
            else RegistryProductRow.id.in_(wanted["products"])
        )
    ).scalars()
    for product in products:
        wanted["suppliers"].add(product.supplier_id)
        out[f"products/{product.entry_id}{SUFFIX}"] = product.source_digest
    suppliers = session.execute(
        select(RegistrySupplierRow).where(
            RegistrySupplierRow.id.is_not(None)
            if everything
            else RegistrySupplierRow.id.in_(wanted["suppliers"])
        )
    ).scalars()
    labs = session.execute(
        select(RegistryLabRow).where(
            RegistryLabRow.id.is_not(None) if everything else RegistryLabRow.id.in_(wanted["labs"])
        )
    ).scalars()
    for section, entries in (("suppliers", list(suppliers)), ("labs", list(labs))):
        for entry in entries:
            out[f"{section}/{entry.entry_id}{SUFFIX}"] = entry.source_digest
    return dict(sorted(out.items()))


def export_registry(
    session: Session, principal: Principal, out: Path, today: dt.date | None = None
) -> list[Path]:
    """Write :func:`registry_files` into ``out`` (a new or empty directory), all files or
    none."""
    from fiveguard.modelio.registry_files import write_files
    from fiveguard.modelio.yamlsource import display_name

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError.at(
            "expected a new or empty directory to export the registry into", display_name(out)
        )
    found = registry_files(session, principal, today)
    if not found:
        raise NotFoundError("registry entry", "to export", where="--user")
    files = {out / name: data for name, data in found.items()}
    write_files(files)
    return list(files)


def stored_registry(
    session: Session, principal: Principal, today: dt.date | None = None
) -> RegistryFiles:
    """The registry the principal may see, in memory, to check an import against (not a
    content read: nothing of it is shown)."""
    from fiveguard.domain.registry import Registry

    found = registry_files(session, principal, today, audited=False)
    registry = Registry()
    for name, data in found.items():
        section, _, file = name.partition("/")
        if section in _ADAPTERS:
            entry = _entry(section, data)
            getattr(registry, section)[file.removesuffix(SUFFIX)] = entry
    return RegistryFiles(Path("record"), registry)


@dataclass(frozen=True)
class AttestationImport:
    accepted: Accepted
    """The verified attestation."""
    done: RegistryImport


def import_attestation(
    session: Session,
    principal: Principal,
    raw: bytes,
    file: str,
    keyring: KeyringBody,
    *,
    now_at: dt.datetime,
    verified_on: dt.date,
) -> AttestationImport:
    """Verify a lab's signed attestation (every check of ``lab import``, against the
    registry the principal sees in the record) and keep it, with its records, in the
    record, as the principal's organisation imports it (its name is its id in the keyring;
    the TLP rules apply to it). Held once: an attestation the record has already is shared
    with the importer, its records as first recorded."""
    from fiveguard.lab.attestation import accept
    from fiveguard.modelio.registry_files import entry_yaml
    from fiveguard.registry.check import registry_problems

    require(principal, Action.IMPORT, "import a lab attestation")
    if principal.organisation_kind not in REGISTRY_READERS:
        raise ForbiddenError(
            f"{principal.organisation} is a {principal.organisation_kind}: lab attestations "
            "are imported by authorities, operators and labs"
        )
    if not sees_registry(principal):
        raise ForbiddenError(
            f"{principal.actor} may not read the registry an attestation is checked against: "
            "a token needs the read scope as well as import"
        )
    files = stored_registry(session, principal, now_at.date())
    # The organisation's name in the record is its id in the keyring; one that is not in
    # the keyring imports what anyone may (CLEAR, GREEN), as an importer who names no one.
    member = principal.organisation and keyring.organisation(principal.organisation)
    importer = principal.organisation if member else None
    # the record imports as the user's organisation, never as an --as of the command line
    outside = (
        f"the record imports as {principal.actor}'s organisation, {principal.organisation}, "
        f"which is not an organisation of the keyring (version {keyring.version})"
    )
    accepted = accept(
        raw, file, keyring, files.registry, now=now_at, importer=importer, no_importer=outside
    )
    held = session.execute(
        select(LabAttestationRow).where(LabAttestationRow.payload_sha256 == accepted.payload_sha256)
    ).scalar_one_or_none()
    day = dt.date.fromisoformat(held.verified_on) if held is not None else verified_on
    stored = f"{ATTESTATIONS}/{accepted.payload_sha256}.dsse.json"
    records = accepted.records(stored, day)
    for record in records:
        files.registry.records[record.id] = record
    problems = [
        Problem(Location(file, path=f"payload.predicate.records ({p.id})"), p.message)
        for p in registry_problems(files.registry)
        if p.section == "records" and p.id in {r.id for r in records}
    ]
    if problems:
        raise InputError(problems)
    done = RegistryImport()
    attestation = put_attestation(session, principal, raw, accepted.signed.organisation, day, done)
    for record in records:
        data = entry_yaml(record).encode("utf-8")
        put_record(session, principal, record, data, accepted.predicate.tlp, attestation, done)
    return AttestationImport(accepted, done)


def write_registry(session: Session, digests: dict[str, str], root: Path) -> Path:
    """Write the registry files named by :func:`registry_digests` from their blobs into
    ``root`` (a private working directory), as they were when the digests were taken."""
    from fiveguard.modelio.registry_files import write_files

    files: dict[Path, str | bytes] = {}
    for name, digest in digests.items():
        relative = Path(name)
        if relative.parent.as_posix() not in (*_ADAPTERS, ATTESTATIONS) or relative.name in (
            "",
            "..",
        ):
            raise InputError.at(f"not a registry file: {name!r}", COMMAND_LINE)
        files[root / relative] = blob_bytes(session, digest)
    root.mkdir(parents=True, exist_ok=True)
    if files:
        write_files(files)
    return root


def record_registry(session: Session, principal: Principal, snapshot_id: int) -> dict[str, Any]:
    """For an assessment of a stored snapshot whose model names a product registry (the
    snapshot does not keep its files): the record's registry as the principal sees it
    today, by the digests of its files (so the run can be given again from the same
    files), and the name the assessment gives its source. Empty when the model names
    none."""
    from fiveguard.store.snapshots import get_snapshot

    view = get_snapshot(session, principal, snapshot_id)
    model = next((f for f in view.files if f.role == "model"), None)
    if model is None:
        return {}
    try:
        document = yaml.safe_load(blob_bytes(session, model.digest).decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(document, dict) or "registry" not in document:
        return {}
    day = today_utc()
    files = registry_digests(session, principal, day, audited=False)
    digests = list(files.values())
    labels = [
        *session.execute(
            select(LabRecordRow.tlp).where(
                LabRecordRow.source_digest.in_(digests),
                visible_lab(principal, LabRecordRow, day),
            )
        ).scalars(),
        *session.execute(
            select(LabAttestationRow.tlp).where(
                LabAttestationRow.digest.in_(digests),
                visible_lab(principal, LabAttestationRow, day),
            )
        ).scalars(),
    ]
    return {
        "registry": {
            "label": f"the record's product registry as {principal.organisation} saw it on {day}",
            "files": files,
            "tlp": most_restrictive([Tlp(t) for t in labels] or [Tlp.CLEAR]).value,
        }
    }
