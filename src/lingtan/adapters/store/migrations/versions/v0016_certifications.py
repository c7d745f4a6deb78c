"""Certificates and zero-carbon assessments (issue 16, decision 0077). New tables only: the
upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, stamps

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("certificate", "zero_carbon_assessment")


def upgrade() -> None:
    """Create ``certificate`` and ``zero_carbon_assessment``."""
    op.create_table(
        "certificate",
        *head("certificate"),
        sa.Column("subject_kind", sa.String(12), nullable=False),
        sa.Column("subject_id", sa.String(80), nullable=False),
        sa.Column("scheme", sa.String(40), nullable=False),
        sa.Column("level", sa.String(60), nullable=True),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("number", sa.String(120), nullable=True),
        sa.Column("issued", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("evidence_sha256", sa.String(64), nullable=True),
        sa.Column("evidence_name", sa.String(255), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        *stamps(),
    )
    op.create_table(
        "zero_carbon_assessment",
        *head("zero_carbon_assessment"),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("e_base_t", sa.Double(), nullable=False),
        sa.Column("r_own_t", sa.Double(), nullable=False),
        sa.Column("g_t", sa.Double(), nullable=False),
        sa.Column("c_t", sa.Double(), nullable=False),
        sa.Column("share_own", sa.Double(), nullable=True),
        sa.Column("net_t", sa.Double(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("threshold", sa.Double(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("assessed_by", sa.String(300), nullable=False),
        sa.Column("assessed_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id",
            "site",
            "fiscal_year",
            name="uq_zero_carbon_assessment_organisation_id_site_fiscal_year",
        ),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the two tables."""
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
