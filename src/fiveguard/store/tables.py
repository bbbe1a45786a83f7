"""The record's tables (SQLAlchemy 2 declarative mapping).

The pydantic domain knows nothing of these classes: use-case modules map rows to the
plain result types of :mod:`fiveguard.store.views`. Times are ISO 8601 UTC text
(``2026-11-21T10:00:00.000000Z``), exact and portable between SQLite and PostgreSQL,
and ordered as text. Large content (model files, results, envelopes) lives in blobs
keyed by their SHA-256 digest, stored once however often it is referenced.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
DIGEST = 64  # hex SHA-256
NAME = 64
TIME = 32


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organisation(Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[str] = mapped_column(String(TIME))


class UserAccount(Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    instance_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(TIME))


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[str] = mapped_column(String(TIME))


class ApiToken(Base):
    """A token's secret is never stored: only its SHA-256 (the secret is 256 random
    bits, so a plain digest cannot be reversed by guessing)."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(NAME), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(DIGEST), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(TIME))
    expires_at: Mapped[str] = mapped_column(String(TIME))
    revoked_at: Mapped[str | None] = mapped_column(String(TIME))


class Blob(Base):
    """Content stored once, keyed by its SHA-256; the bytes are in :class:`BlobChunk`."""

    __tablename__ = "blob"
    digest: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)


class BlobChunk(Base):
    """Blobs are written and read in chunks, so a large site file never has to be held
    in memory whole (nor hit a driver's limit on one value)."""

    __tablename__ = "blob_chunk"
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class _Owned:
    """Columns every object of an organisation carries: who holds it, its TLP label,
    who wrote it and when."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tlp: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(NAME + 8))
    created_by_user: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[str] = mapped_column(String(TIME))


class ModelSnapshot(_Owned, Base):
    __tablename__ = "model_snapshot"
    __table_args__ = (UniqueConstraint("organisation_id", "name", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(DIGEST), index=True)
    country: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(500))
    as_of: Mapped[str] = mapped_column(String(10))
    assets: Mapped[int] = mapped_column(Integer)
    site_rows: Mapped[int] = mapped_column(Integer)


class SnapshotFile(Base):
    __tablename__ = "snapshot_file"
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("model_snapshot.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"), index=True)
    size: Mapped[int] = mapped_column(BigInteger)


class AssessmentRun(_Owned, Base):
    __tablename__ = "assessment_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("model_snapshot.id"), index=True)
    inputs: Mapped[str] = mapped_column(Text)
    catalogue_digest: Mapped[str] = mapped_column(String(DIGEST))
    policy: Mapped[str | None] = mapped_column(String(500))
    seed: Mapped[int | None] = mapped_column(BigInteger)
    trials: Mapped[int] = mapped_column(Integer)
    fiveguard_version: Mapped[str] = mapped_column(String(32))
    result_digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))


class EvidenceEntry(_Owned, Base):
    __tablename__ = "evidence_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(64))
    product: Mapped[str | None] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))


class Envelope(_Owned, Base):
    """An exchange envelope as received or sent: its bytes verbatim (a blob), the parsed
    statement, and its labels (:class:`EnvelopeLabel`)."""

    __tablename__ = "envelope"
    __table_args__ = (
        UniqueConstraint("organisation_id", "direction", "digest"),
        CheckConstraint("direction IN ('inbox', 'outbox')", name="direction"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    origin: Mapped[str] = mapped_column(String(NAME))
    sequence: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)


class EnvelopeLabel(Base):
    """The TLP label of a section of an envelope's summary."""

    __tablename__ = "envelope_label"
    envelope_id: Mapped[int] = mapped_column(ForeignKey("envelope.id"), primary_key=True)
    section: Mapped[str] = mapped_column(String(200), primary_key=True)
    tlp: Mapped[str] = mapped_column(String(16))


class Share(Base):
    """An object addressed or granted to another organisation."""

    __tablename__ = "share"
    __table_args__ = (UniqueConstraint("object_kind", "object_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(NAME + 8))
    created_at: Mapped[str] = mapped_column(String(TIME))


class NamedRecipient(Base):
    """A person who may see a TLP:RED object (its author is always one)."""

    __tablename__ = "named_recipient"
    object_kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)


class AuditEntry(Base):
    """One link of the audit chain. Triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(TIME))
    actor: Mapped[str] = mapped_column(String(NAME + 8))
    organisation: Mapped[str | None] = mapped_column(String(NAME))
    action: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(200))
    object_digest: Mapped[str | None] = mapped_column(String(DIGEST))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(DIGEST), unique=True)
    row_hash: Mapped[str] = mapped_column(String(DIGEST), unique=True)


class AuditCheckpoint(Base):
    """A Merkle root over the chain's first ``upto_seq`` rows, optionally signed."""

    __tablename__ = "audit_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upto_seq: Mapped[int] = mapped_column(Integer)
    merkle_root: Mapped[str] = mapped_column(String(DIGEST))
    created_at: Mapped[str] = mapped_column(String(TIME))
    created_by: Mapped[str] = mapped_column(String(NAME + 8))
    organisation: Mapped[str | None] = mapped_column(String(NAME))
    key_id: Mapped[str | None] = mapped_column(String(200))
    signature: Mapped[str | None] = mapped_column(Text)


class ModelSlice(_Owned, Base):
    """An operator's part of an authority's national model (its operator entry, assets
    and site rows), held by the operator, versioned as the operator replaces it, and
    merged by the authority into the next version of the national model."""

    __tablename__ = "model_slice"
    __table_args__ = (
        UniqueConstraint("national_id", "operator_id", "version"),
        CheckConstraint("status IN ('draft', 'submitted', 'merged')", name="status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    national_id: Mapped[int] = mapped_column(ForeignKey("model_snapshot.id"), index=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    operator_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    part_digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    sites_digest: Mapped[str | None] = mapped_column(ForeignKey("blob.digest"))
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("model_snapshot.id"))
    changes: Mapped[str | None] = mapped_column(Text)


# ---------------------------------------------------------------------------- the registry


class _Entry:
    """Columns of a registry entry: its canonical id, the entry's file as it was read or
    written (a blob, so an export gives it back byte for byte), who added it and when.
    Registry entries are reference data shared by every organisation that may read the
    registry; they carry no TLP label."""

    entry_id: Mapped[str] = mapped_column(String(200), unique=True)
    source_digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    created_by: Mapped[str] = mapped_column(String(NAME + 8))
    created_at: Mapped[str] = mapped_column(String(TIME))


class RegistrySupplierRow(_Entry, Base):
    __tablename__ = "registry_supplier"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    lei: Mapped[str | None] = mapped_column(String(20), index=True)
    registry_id: Mapped[str | None] = mapped_column(String(100), index=True)


class RegistryProductRow(_Entry, Base):
    __tablename__ = "registry_product"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("registry_supplier.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(200))


class RegistryVersionRow(Base):
    """A product version: the thing evidence is about, held once for every model that
    deploys it."""

    __tablename__ = "registry_version"
    __table_args__ = (UniqueConstraint("product_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("registry_product.id"))
    version: Mapped[str] = mapped_column(String(200))
    released: Mapped[str | None] = mapped_column(String(10))


class RegistryArtefactRow(Base):
    """A build artefact's digest of a version; attestations are bound to these."""

    __tablename__ = "registry_artefact"
    version_id: Mapped[int] = mapped_column(ForeignKey("registry_version.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(DIGEST), index=True)


class RegistryLabRow(_Entry, Base):
    """A lab of the registry; its ``entry_id`` is also its organisation's name in the
    record and in the exchange's keyring."""

    __tablename__ = "registry_lab"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))


class LabAttestationRow(_Owned, Base):
    """A lab's signed attestation as verified on import: the envelope verbatim (a blob),
    its signer and label, and the latest embargo of the findings it carries."""

    __tablename__ = "lab_attestation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payload_sha256: Mapped[str] = mapped_column(String(DIGEST), unique=True)
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    lab_id: Mapped[int] = mapped_column(ForeignKey("registry_lab.id"), index=True)
    signer: Mapped[str] = mapped_column(String(NAME))
    issued_at: Mapped[str] = mapped_column(String(TIME))
    verified_on: Mapped[str] = mapped_column(String(10))
    embargo_until: Mapped[str | None] = mapped_column(String(10))


class LabRecordRow(_Owned, Base):
    """A lab record (evaluation, finding, practice review, equivalence check) as its file
    reads (a blob), held once however many organisations it reaches (a :class:`Share`
    each); a later attestation of the same record is a new row."""

    __tablename__ = "lab_record"
    __table_args__ = (UniqueConstraint("record_id", "source_digest"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(32))
    lab_id: Mapped[int] = mapped_column(ForeignKey("registry_lab.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("registry_product.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("registry_supplier.id"))
    attestation_id: Mapped[int | None] = mapped_column(ForeignKey("lab_attestation.id"))
    issued_at: Mapped[str | None] = mapped_column(String(TIME))
    embargo_until: Mapped[str | None] = mapped_column(String(10))
    source_digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))


class LabRecordVersion(Base):
    """Which product versions a lab record is about."""

    __tablename__ = "lab_record_version"
    record_id: Mapped[int] = mapped_column(ForeignKey("lab_record.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("registry_version.id"), primary_key=True)


class WebSession(Base):
    """A signed-in person's web session, kept on the server: the cookie carries a random
    secret whose SHA-256 is ``id``; signing out or expiry removes the row."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(DIGEST), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    csrf_token: Mapped[str] = mapped_column(String(DIGEST))
    created_at: Mapped[str] = mapped_column(String(TIME))
    expires_at: Mapped[str] = mapped_column(String(TIME))


class LoginAttempt(Base):
    """A sign-in attempt, kept to limit guessing (per user name and per client)."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(NAME), index=True)
    client: Mapped[str] = mapped_column(String(NAME), index=True)
    at: Mapped[str] = mapped_column(String(TIME), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class WebJob(Base):
    """A long task (an assessment) run in the background for an organisation, with its
    progress; when done it names what it recorded."""

    __tablename__ = "web_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    progress: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(200))
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("model_snapshot.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_run.id"))
    params: Mapped[str] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(NAME + 8))
    created_by_user: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[str] = mapped_column(String(TIME))
    finished_at: Mapped[str | None] = mapped_column(String(TIME))


class KeyringRecord(Base):
    """A keyring an organisation trusts, kept in the record as uploaded (its bytes a blob):
    verified on upload, its anchor pinned by the first one kept, and a version in force
    older than one kept before refused. The organisation's latest row is the one in use."""

    __tablename__ = "keyring_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(String(DIGEST))
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    created_by: Mapped[str] = mapped_column(String(NAME + 8))
    created_at: Mapped[str] = mapped_column(String(TIME))


class Outgoing(_Owned, Base):
    """An object prepared to leave the organisation: the exact unsigned envelope an
    analyst prepared (a blob), the signatures gathered so far, and where it went. Its
    states (prepared, signed, sent) are enforced by :mod:`fiveguard.app.outbox`."""

    __tablename__ = "outgoing"
    __table_args__ = (CheckConstraint("status IN ('prepared', 'signed', 'sent')", name="status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_run.id"))
    recipients: Mapped[str] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(Integer)
    bundle_id: Mapped[str] = mapped_column(String(NAME))
    payload_digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    signed_digest: Mapped[str | None] = mapped_column(ForeignKey("blob.digest"))
    envelope_id: Mapped[int | None] = mapped_column(ForeignKey("envelope.id"))
    signed_by: Mapped[str | None] = mapped_column(String(NAME + 8))
    signed_at: Mapped[str | None] = mapped_column(String(TIME))
    sent_by: Mapped[str | None] = mapped_column(String(NAME + 8))
    sent_at: Mapped[str | None] = mapped_column(String(TIME))


class Delivery(Base):
    """A signed envelope delivered on this instance into a recipient organisation's inbox,
    waiting for its analyst to verify and import it (then ``envelope_id`` names the
    inbox's copy)."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("outgoing_id", "organisation_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("outgoing.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    digest: Mapped[str] = mapped_column(ForeignKey("blob.digest"))
    origin: Mapped[str] = mapped_column(String(NAME))
    tlp: Mapped[str] = mapped_column(String(16))
    envelope_id: Mapped[int | None] = mapped_column(ForeignKey("envelope.id"))
    created_at: Mapped[str] = mapped_column(String(TIME))
    imported_by: Mapped[str | None] = mapped_column(String(NAME + 8))
    imported_at: Mapped[str | None] = mapped_column(String(TIME))
