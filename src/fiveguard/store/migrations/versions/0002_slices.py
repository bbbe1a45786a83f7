"""Operator slices: an operator's part of an authority's national model.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_slice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("national_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("part_digest", sa.String(length=64), nullable=False),
        sa.Column("sites_digest", sa.String(length=64), nullable=True),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'merged')", name=op.f("ck_model_slice_status")
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["organisation.id"],
            name=op.f("fk_model_slice_authority_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_model_slice_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["model_snapshot.id"],
            name=op.f("fk_model_slice_merged_into_model_snapshot"),
        ),
        sa.ForeignKeyConstraint(
            ["national_id"],
            ["model_snapshot.id"],
            name=op.f("fk_model_slice_national_id_model_snapshot"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_model_slice_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["part_digest"], ["blob.digest"], name=op.f("fk_model_slice_part_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["sites_digest"], ["blob.digest"], name=op.f("fk_model_slice_sites_digest_blob")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_slice")),
        sa.UniqueConstraint(
            "national_id", "operator_id", "version", name=op.f("uq_model_slice_national_id")
        ),
    )
    with op.batch_alter_table("model_slice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_model_slice_national_id"), ["national_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_model_slice_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("model_slice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_slice_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_model_slice_national_id"))

    op.drop_table("model_slice")
