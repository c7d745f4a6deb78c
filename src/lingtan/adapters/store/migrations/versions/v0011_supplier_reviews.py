"""Supplier reviews (issue 15 items 2–3, decision 0064): KPI set versions, scorecards,
external ratings, corrective action plans and items, audits and findings, waivers. New tables
only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: the tables in creation order (each after the tables it references)
TABLES = (
    "supplier_kpi_set",
    "supplier_scorecard",
    "supplier_rating",
    "supplier_cap",
    "supplier_cap_item",
    "supplier_audit",
    "supplier_audit_finding",
    "supplier_waiver",
)


def upgrade() -> None:
    """Create the supplier review tables."""
    op.create_table(
        "supplier_kpi_set",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(60), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_kpi_set_organisation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_kpi_set"),
        sa.UniqueConstraint(
            "organisation_id", "version", name="uq_supplier_kpi_set_organisation_id_version"
        ),
    )
    op.create_index("ix_supplier_kpi_set_organisation_id", "supplier_kpi_set", ["organisation_id"])
    op.create_table(
        "supplier_scorecard",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("kpi_set_version", sa.String(60), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(10), nullable=False),
        sa.Column("multiplier", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_scorecard_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name="fk_supplier_scorecard_supplier_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_scorecard"),
        sa.UniqueConstraint(
            "organisation_id",
            "supplier_id",
            "period",
            name="uq_supplier_scorecard_organisation_id_supplier_id_period",
        ),
    )
    op.create_index(
        "ix_supplier_scorecard_organisation_id", "supplier_scorecard", ["organisation_id"]
    )
    op.create_index("ix_supplier_scorecard_supplier_id", "supplier_scorecard", ["supplier_id"])
    op.create_table(
        "supplier_rating",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(100), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("evidence", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_rating_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name="fk_supplier_rating_supplier_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_rating"),
    )
    op.create_index("ix_supplier_rating_organisation_id", "supplier_rating", ["organisation_id"])
    op.create_index("ix_supplier_rating_supplier_id", "supplier_rating", ["supplier_id"])
    op.create_table(
        "supplier_cap",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("rerating_id", sa.Integer(), nullable=True),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("score_before", sa.Float(), nullable=True),
        sa.Column("score_after", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_cap_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name="fk_supplier_cap_supplier_id", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["supplier_rating.id"],
            name="fk_supplier_cap_rating_id",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rerating_id"],
            ["supplier_rating.id"],
            name="fk_supplier_cap_rerating_id",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_cap"),
    )
    op.create_index("ix_supplier_cap_organisation_id", "supplier_cap", ["organisation_id"])
    op.create_index("ix_supplier_cap_supplier_id", "supplier_cap", ["supplier_id"])
    op.create_table(
        "supplier_cap_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cap_id", sa.Integer(), nullable=False),
        sa.Column("finding", sa.String(500), nullable=False),
        sa.Column("action", sa.String(500), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_cap_item_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cap_id"], ["supplier_cap.id"], name="fk_supplier_cap_item_cap_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_cap_item"),
    )
    op.create_index(
        "ix_supplier_cap_item_organisation_id", "supplier_cap_item", ["organisation_id"]
    )
    op.create_index("ix_supplier_cap_item_cap_id", "supplier_cap_item", ["cap_id"])
    op.create_table(
        "supplier_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(60), nullable=True),
        sa.Column("scheme", sa.String(20), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("auditor", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_audit_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier.id"],
            name="fk_supplier_audit_supplier_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_audit"),
    )
    op.create_index("ix_supplier_audit_organisation_id", "supplier_audit", ["organisation_id"])
    op.create_index("ix_supplier_audit_supplier_id", "supplier_audit", ["supplier_id"])
    op.create_table(
        "supplier_audit_finding",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(60), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("section", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_audit_finding_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["supplier_audit.id"],
            name="fk_supplier_audit_finding_audit_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_audit_finding"),
        sa.UniqueConstraint(
            "organisation_id",
            "audit_id",
            "ref",
            name="uq_supplier_audit_finding_organisation_id_audit_id_ref",
        ),
    )
    op.create_index(
        "ix_supplier_audit_finding_organisation_id", "supplier_audit_finding", ["organisation_id"]
    )
    op.create_index("ix_supplier_audit_finding_audit_id", "supplier_audit_finding", ["audit_id"])
    op.create_table(
        "supplier_waiver",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_supplier_waiver_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["supplier_audit_finding.id"],
            name="fk_supplier_waiver_finding_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_supplier_waiver"),
    )
    op.create_index("ix_supplier_waiver_organisation_id", "supplier_waiver", ["organisation_id"])
    op.create_index("ix_supplier_waiver_finding_id", "supplier_waiver", ["finding_id"])


def downgrade() -> None:
    """Drop the supplier review tables (their indexes go with them)."""
    for table in reversed(TABLES):
        op.drop_table(table)
