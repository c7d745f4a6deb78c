"""The supplier register (issue 15, decision 0063): ``supplier`` and the tables that describe
one supplier. New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``supplier`` and its contacts, sites and onboarding checks."""
    op.create_table(
        "supplier",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("legal_name", sa.String(300), nullable=False),
        sa.Column("name_zh", sa.String(300), nullable=True),
        sa.Column("uscc", sa.String(18), nullable=True),
        sa.Column("duns", sa.String(9), nullable=True),
        sa.Column("company_ids", sa.JSON(), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("tier", sa.String(2), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("strategic", sa.Boolean(), nullable=False),
        sa.Column("key_tier1", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_reason", sa.String(500), nullable=True),
        sa.Column("linked_org", sa.String(60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_organisation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_supplier_organisation_id_code"),
    )
    op.create_index("ix_supplier_organisation_id", "supplier", ["organisation_id"])
    _child(
        "supplier_contact",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(200), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
    )
    _child(
        "supplier_site",
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        unique="code",
    )
    _child(
        "supplier_onboarding_check",
        sa.Column("item", sa.String(40), nullable=False),
        sa.Column("result", sa.String(4), nullable=False),
        sa.Column("version", sa.String(40), nullable=True),
        sa.Column("evidence_sha256", sa.String(64), nullable=True),
        sa.Column("evidence_name", sa.String(255), nullable=True),
        sa.Column("checked_by", sa.String(200), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        unique="item",
    )


#: the tables that describe one supplier, newest first (dropped in this order)
_CHILDREN = ("supplier_onboarding_check", "supplier_site", "supplier_contact")


def _child(name: str, *columns: sa.Column[object], unique: str | None = None) -> None:
    """Create a table of one supplier's rows: ``id``, ``organisation_id`` (the tenant),
    ``supplier_id`` (→ ``supplier.id``, deleted with it), ``columns``, unique ``(supplier_id,
    unique)`` when given."""
    extra: list[sa.UniqueConstraint] = []
    if unique is not None:
        extra.append(
            sa.UniqueConstraint("supplier_id", unique, name=f"uq_{name}_supplier_id_{unique}")
        )
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=f"fk_{name}_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=f"fk_{name}_supplier_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        *extra,
    )
    op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])
    op.create_index(f"ix_{name}_supplier_id", name, ["supplier_id"])


def downgrade() -> None:
    """Drop the supplier tables."""
    for name in _CHILDREN:
        op.drop_index(f"ix_{name}_supplier_id", table_name=name)
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
    op.drop_index("ix_supplier_organisation_id", table_name="supplier")
    op.drop_table("supplier")
