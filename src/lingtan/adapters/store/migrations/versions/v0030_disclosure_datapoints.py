"""Disclosure datapoints entered by hand (internal carbon price …) and their review (issue 19 item
3, decision 0097).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, stamps, unique

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``disclosure_datapoint``."""
    op.create_table(
        "disclosure_datapoint",
        *head("disclosure_datapoint"),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("text", sa.String(2000), nullable=True),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.String(200), nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        *stamps(),
        unique("disclosure_datapoint", "organisation_id", "key", "fiscal_year"),
    )
    op.create_index(
        "ix_disclosure_datapoint_organisation_id", "disclosure_datapoint", ["organisation_id"]
    )


def downgrade() -> None:
    """Drop ``disclosure_datapoint``."""
    op.drop_index("ix_disclosure_datapoint_organisation_id", table_name="disclosure_datapoint")
    op.drop_table("disclosure_datapoint")
