"""Verification records of an organisation's fiscal-year inventory and their findings (issue 19
item 2; decision 0098). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, parent, stamps, unique

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("disclosure_verification", "disclosure_verification_finding")


def upgrade() -> None:
    """Create the two verification tables."""
    op.create_table(
        "disclosure_verification",
        *head("disclosure_verification"),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("verifier", sa.String(300), nullable=False),
        sa.Column("standard", sa.String(40), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("materiality_pct", sa.Double(), nullable=True),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("opinion", sa.String(20), nullable=False),
        sa.Column("statement_date", sa.Date(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("statement_name", sa.String(300), nullable=True),
        sa.Column("statement_sha256", sa.String(64), nullable=True),
        sa.Column("statement_path", sa.String(500), nullable=True),
        *stamps(),
        sa.UniqueConstraint(  # the default name is longer than PostgreSQL's 63 characters
            "organisation_id",
            "fiscal_year",
            "snapshot_id",
            name="uq_disclosure_verification_org_year_snapshot",
        ),
    )
    op.create_table(
        "disclosure_verification_finding",
        *head("disclosure_verification_finding"),
        *parent("disclosure_verification_finding", "verification_id", "disclosure_verification"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.String(2000), nullable=True),
        *stamps(),
        unique("disclosure_verification_finding", "verification_id", "number"),
    )
    op.create_index(
        "ix_disclosure_verification_finding_verification_id",
        "disclosure_verification_finding",
        ["verification_id"],
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the two tables, in reverse order."""
    op.drop_index(
        "ix_disclosure_verification_finding_verification_id",
        table_name="disclosure_verification_finding",
    )
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
