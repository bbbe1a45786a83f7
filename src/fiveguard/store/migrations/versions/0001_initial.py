"""The initial record: organisations, people, snapshots, runs, evidence, envelopes, audit.

The audit tables are append-only: triggers refuse UPDATE and DELETE on every row (and
TRUNCATE on PostgreSQL), so a change to the chain needs someone to drop the triggers
first — which `fiveguard audit verify` then detects in the chain itself.

Revision ID: 0001
Revises:
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upto_seq", sa.Integer(), nullable=False),
        sa.Column("merkle_root", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.String(length=200), nullable=True),
        sa.Column("signature", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=72), nullable=False),
        sa.Column("organisation", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_kind", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.String(length=200), nullable=True),
        sa.Column("object_digest", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_log_prev_hash")),
        sa.UniqueConstraint("row_hash", name=op.f("uq_audit_log_row_hash")),
    )
    op.create_table(
        "blob",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_blob")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_supervisor_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_supervisor_id"), ["supervisor_id"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("instance_admin", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("name", name=op.f("uq_user_account_name")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_api_token_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_api_token_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("public_id", name=op.f("uq_api_token_public_id")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_token_secret_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_token_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "blob_chunk",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"], ["blob.digest"], name=op.f("fk_blob_chunk_digest_blob")
        ),
        sa.PrimaryKeyConstraint("digest", "part", name=op.f("pk_blob_chunk")),
    )
    op.create_table(
        "envelope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("direction IN ('inbox', 'outbox')", name=op.f("ck_envelope_direction")),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_envelope_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(["digest"], ["blob.digest"], name=op.f("fk_envelope_digest_blob")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_envelope_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_envelope")),
        sa.UniqueConstraint(
            "organisation_id", "direction", "digest", name=op.f("uq_envelope_organisation_id")
        ),
    )
    with op.batch_alter_table("envelope", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_envelope_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "evidence_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_evidence_entry_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["digest"], ["blob.digest"], name=op.f("fk_evidence_entry_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_evidence_entry_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_entry")),
    )
    with op.batch_alter_table("evidence_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_entry_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_membership_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_membership_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "organisation_id", name=op.f("uq_membership_user_id")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)

    op.create_table(
        "model_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("as_of", sa.String(length=10), nullable=False),
        sa.Column("assets", sa.Integer(), nullable=False),
        sa.Column("site_rows", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_model_snapshot_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_model_snapshot_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_snapshot")),
        sa.UniqueConstraint(
            "organisation_id", "name", "version", name=op.f("uq_model_snapshot_organisation_id")
        ),
    )
    with op.batch_alter_table("model_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_snapshot_digest"), ["digest"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_model_snapshot_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "named_recipient",
        sa.Column("object_kind", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_named_recipient_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint(
            "object_kind", "object_id", "user_id", name=op.f("pk_named_recipient")
        ),
    )
    op.create_table(
        "share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_kind", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_share_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share")),
        sa.UniqueConstraint(
            "object_kind", "object_id", "organisation_id", name=op.f("uq_share_object_kind")
        ),
    )
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "assessment_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("catalogue_digest", sa.String(length=64), nullable=False),
        sa.Column("policy", sa.String(length=500), nullable=True),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("fiveguard_version", sa.String(length=32), nullable=False),
        sa.Column("result_digest", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_assessment_run_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_assessment_run_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["result_digest"], ["blob.digest"], name=op.f("fk_assessment_run_result_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["model_snapshot.id"],
            name=op.f("fk_assessment_run_snapshot_id_model_snapshot"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_run")),
    )
    with op.batch_alter_table("assessment_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_run_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_run_snapshot_id"), ["snapshot_id"], unique=False
        )

    op.create_table(
        "envelope_label",
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=200), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["envelope_id"], ["envelope.id"], name=op.f("fk_envelope_label_envelope_id_envelope")
        ),
        sa.PrimaryKeyConstraint("envelope_id", "section", name=op.f("pk_envelope_label")),
    )
    op.create_table(
        "snapshot_file",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"], ["blob.digest"], name=op.f("fk_snapshot_file_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["model_snapshot.id"],
            name=op.f("fk_snapshot_file_snapshot_id_model_snapshot"),
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "path", name=op.f("pk_snapshot_file")),
    )
    with op.batch_alter_table("snapshot_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_file_digest"), ["digest"], unique=False)
    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("snapshot_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_file_digest"))

    op.drop_table("snapshot_file")
    op.drop_table("envelope_label")
    with op.batch_alter_table("assessment_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_run_snapshot_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_run_organisation_id"))

    op.drop_table("assessment_run")
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_organisation_id"))

    op.drop_table("share")
    op.drop_table("named_recipient")
    with op.batch_alter_table("model_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_snapshot_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_model_snapshot_digest"))

    op.drop_table("model_snapshot")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))
        batch_op.drop_index(batch_op.f("ix_membership_organisation_id"))

    op.drop_table("membership")
    with op.batch_alter_table("evidence_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_entry_organisation_id"))

    op.drop_table("evidence_entry")
    with op.batch_alter_table("envelope", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_envelope_organisation_id"))

    op.drop_table("envelope")
    op.drop_table("blob_chunk")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_organisation_id"))

    op.drop_table("api_token")
    op.drop_table("user_account")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_supervisor_id"))

    op.drop_table("organisation")
    op.drop_table("blob")
    op.drop_table("audit_log")
    op.drop_table("audit_checkpoint")


APPEND_ONLY = ("audit_log", "audit_checkpoint")


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION fiveguard_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'fiveguard: % is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fiveguard_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION fiveguard_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'fiveguard: {table} is append-only: "
                f"{event} refused'); END"
            )


def _drop_append_only_triggers() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
    if postgres:
        op.execute("DROP FUNCTION fiveguard_append_only()")
