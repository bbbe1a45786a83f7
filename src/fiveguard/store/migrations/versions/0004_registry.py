"""The product registry in the record: suppliers, products, versions with their artefact
digests, labs, lab records and the verified attestations they came from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_lab",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("entry_id", sa.String(length=200), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_digest"], ["blob.digest"], name=op.f("fk_registry_lab_source_digest_blob")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_lab")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_registry_lab_entry_id")),
    )
    op.create_table(
        "registry_supplier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("lei", sa.String(length=20), nullable=True),
        sa.Column("registry_id", sa.String(length=100), nullable=True),
        sa.Column("entry_id", sa.String(length=200), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_digest"], ["blob.digest"], name=op.f("fk_registry_supplier_source_digest_blob")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_supplier")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_registry_supplier_entry_id")),
    )
    with op.batch_alter_table("registry_supplier", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_supplier_lei"), ["lei"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_registry_supplier_registry_id"), ["registry_id"], unique=False
        )

    op.create_table(
        "lab_attestation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.String(length=32), nullable=False),
        sa.Column("verified_on", sa.String(length=10), nullable=False),
        sa.Column("embargo_until", sa.String(length=10), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_lab_attestation_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["digest"], ["blob.digest"], name=op.f("fk_lab_attestation_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["lab_id"], ["registry_lab.id"], name=op.f("fk_lab_attestation_lab_id_registry_lab")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_lab_attestation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_attestation")),
        sa.UniqueConstraint("payload_sha256", name=op.f("uq_lab_attestation_payload_sha256")),
    )
    with op.batch_alter_table("lab_attestation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_attestation_lab_id"), ["lab_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lab_attestation_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "registry_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=200), nullable=True),
        sa.Column("entry_id", sa.String(length=200), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_digest"], ["blob.digest"], name=op.f("fk_registry_product_source_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["registry_supplier.id"],
            name=op.f("fk_registry_product_supplier_id_registry_supplier"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_product")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_registry_product_entry_id")),
    )
    with op.batch_alter_table("registry_product", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_product_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "lab_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("lab_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("attestation_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.String(length=32), nullable=True),
        sa.Column("embargo_until", sa.String(length=10), nullable=True),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=72), nullable=False),
        sa.Column("created_by_user", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["attestation_id"],
            ["lab_attestation.id"],
            name=op.f("fk_lab_record_attestation_id_lab_attestation"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user"],
            ["user_account.id"],
            name=op.f("fk_lab_record_created_by_user_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["lab_id"], ["registry_lab.id"], name=op.f("fk_lab_record_lab_id_registry_lab")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_lab_record_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["registry_product.id"],
            name=op.f("fk_lab_record_product_id_registry_product"),
        ),
        sa.ForeignKeyConstraint(
            ["source_digest"], ["blob.digest"], name=op.f("fk_lab_record_source_digest_blob")
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["registry_supplier.id"],
            name=op.f("fk_lab_record_supplier_id_registry_supplier"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_record")),
        sa.UniqueConstraint("record_id", "source_digest", name=op.f("uq_lab_record_record_id")),
    )
    with op.batch_alter_table("lab_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_record_lab_id"), ["lab_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lab_record_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lab_record_record_id"), ["record_id"], unique=False)

    op.create_table(
        "registry_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("released", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["registry_product.id"],
            name=op.f("fk_registry_version_product_id_registry_product"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_version")),
        sa.UniqueConstraint("product_id", "version", name=op.f("uq_registry_version_product_id")),
    )
    op.create_table(
        "lab_record_version",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["lab_record.id"],
            name=op.f("fk_lab_record_version_record_id_lab_record"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["registry_version.id"],
            name=op.f("fk_lab_record_version_version_id_registry_version"),
        ),
        sa.PrimaryKeyConstraint("record_id", "version_id", name=op.f("pk_lab_record_version")),
    )
    op.create_table(
        "registry_artefact",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["registry_version.id"],
            name=op.f("fk_registry_artefact_version_id_registry_version"),
        ),
        sa.PrimaryKeyConstraint("version_id", "name", name=op.f("pk_registry_artefact")),
    )
    with op.batch_alter_table("registry_artefact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registry_artefact_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registry_artefact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_artefact_sha256"))

    op.drop_table("registry_artefact")
    op.drop_table("lab_record_version")
    op.drop_table("registry_version")
    with op.batch_alter_table("lab_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_record_record_id"))
        batch_op.drop_index(batch_op.f("ix_lab_record_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_lab_record_lab_id"))

    op.drop_table("lab_record")
    with op.batch_alter_table("registry_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_product_supplier_id"))

    op.drop_table("registry_product")
    with op.batch_alter_table("lab_attestation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_attestation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_lab_attestation_lab_id"))

    op.drop_table("lab_attestation")
    with op.batch_alter_table("registry_supplier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_supplier_registry_id"))
        batch_op.drop_index(batch_op.f("ix_registry_supplier_lei"))

    op.drop_table("registry_supplier")
    op.drop_table("registry_lab")
