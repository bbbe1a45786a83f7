"""The web exchange's tables: keyrings kept in the record, objects prepared to be sent
(the outbox workflow), and their deliveries into inboxes on the instance.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keyring_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["digest"], ["blob.digest"], name=op.f("fk_keyring_record_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_keyring_record_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyring_record")),
    )
    with op.batch_alter_table("keyring_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_keyring_record_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "outgoing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.String(length=64), nullable=False),
        sa.Column("payload_digest", sa.String(length=64), nullable=False),
        sa.Column("signed_digest", sa.String(length=64), nullable=True),
        sa.Column("envelope_id", sa.Integer(), nullable=True),
        sa.Column("signed_by", sa.String(length=72), nullable=True),
        sa.Column("signed_at", sa.String(length=32), nullable=True),
        sa.Column("sent_by", sa.String(length=72), nullable=True),
        sa.Column("sent_at", sa.String(length=32), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('prepared', 'signed', 'sent')", name=op.f("ck_outgoing_status")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_outgoing_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["envelope_id"], ["envelope.id"], name=op.f("fk_outgoing_envelope_id_envelope")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_outgoing_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["payload_digest"], ["blob.digest"], name=op.f("fk_outgoing_payload_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["assessment_run.id"], name=op.f("fk_outgoing_run_id_assessment_run")
        ),
        sa.ForeignKeyConstraint(
            ["signed_digest"], ["blob.digest"], name=op.f("fk_outgoing_signed_digest_blob")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing")),
    )
    with op.batch_alter_table("outgoing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outgoing_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outgoing_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=72), nullable=True),
        sa.Column("imported_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["digest"], ["blob.digest"], name=op.f("fk_delivery_digest_blob")),
        sa.ForeignKeyConstraint(
            ["envelope_id"], ["envelope.id"], name=op.f("fk_delivery_envelope_id_envelope")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_delivery_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["outgoing_id"], ["outgoing.id"], name=op.f("fk_delivery_outgoing_id_outgoing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("outgoing_id", "organisation_id", name=op.f("uq_delivery_outgoing_id")),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_delivery_outgoing_id"), ["outgoing_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_outgoing_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_organisation_id"))

    op.drop_table("delivery")
    with op.batch_alter_table("outgoing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_organisation_id"))

    op.drop_table("outgoing")
    with op.batch_alter_table("keyring_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_keyring_record_organisation_id"))

    op.drop_table("keyring_record")
