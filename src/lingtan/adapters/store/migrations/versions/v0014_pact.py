"""The PACT host and client (issue 15 item 8, decision 0068): credentials, access tokens,
published footprint versions, received events and footprints pulled from other hosts. New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("pact_credential", "pact_token", "pact_footprint", "pact_event", "pact_received")


def _tenant(name: str) -> list[SchemaItem]:
    """``organisation_id`` (→ ``organisation.id``, deleted with it)."""
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=f"fk_{name}_organisation_id",
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    """Create the five PACT tables."""
    op.create_table(
        "pact_credential",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_tenant("pact_credential"),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("created_by", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pact_credential"),
        sa.UniqueConstraint("client_id", name="uq_pact_credential_client_id"),
    )
    op.create_table(
        "pact_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_tenant("pact_token"),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["pact_credential.id"],
            name="fk_pact_token_credential_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pact_token"),
        sa.UniqueConstraint("token_hash", name="uq_pact_token_token_hash"),
    )
    op.create_index("ix_pact_token_credential_id", "pact_token", ["credential_id"])
    op.create_table(
        "pact_footprint",
        sa.Column("id", sa.String(36), nullable=False),
        *_tenant("pact_footprint"),
        sa.Column("product_id", sa.String(80), nullable=False),
        sa.Column("configuration_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(300), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pact_footprint"),
        sa.UniqueConstraint(
            "organisation_id",
            "product_id",
            "configuration_id",
            "version",
            name="uq_pact_footprint_version",
        ),
    )
    op.create_table(
        "pact_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_tenant("pact_event"),
        sa.Column("credential_id", sa.Integer(), nullable=True),
        sa.Column("api_version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["pact_credential.id"],
            name="fk_pact_event_credential_id",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pact_event"),
    )
    op.create_index("ix_pact_event_credential_id", "pact_event", ["credential_id"])
    op.create_table(
        "pact_received",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_tenant("pact_received"),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("footprint_id", sa.String(36), nullable=False),
        sa.Column("api_version", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("spec_version", sa.String(20), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("company_name", sa.String(300), nullable=False),
        sa.Column("product_name", sa.String(300), nullable=False),
        sa.Column("product_ids", sa.JSON(), nullable=False),
        sa.Column("declared_unit", sa.String(30), nullable=False),
        sa.Column("declared_amount", sa.Float(), nullable=False),
        sa.Column("kg_per_declared_unit", sa.Float(), nullable=False),
        sa.Column("gwp_sets", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("pulled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name="fk_pact_received_supplier_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pact_received"),
        sa.UniqueConstraint(
            "organisation_id", "footprint_id", name="uq_pact_received_organisation_id_footprint_id"
        ),
    )
    op.create_index("ix_pact_received_supplier_id", "pact_received", ["supplier_id"])
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the five PACT tables."""
    for name in reversed(_TABLES):
        op.drop_table(name)
