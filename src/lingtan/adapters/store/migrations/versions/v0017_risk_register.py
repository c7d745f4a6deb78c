"""The risk and opportunity register, the scoring matrix, reviews (issue 17 item 1–2, decision
0080). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, stamps

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("risk_item", "risk_review", "risk_matrix")


def upgrade() -> None:
    """Create ``risk_item``, ``risk_review`` and ``risk_matrix``."""
    op.create_table(
        "risk_item",
        *head("risk_item"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("driver", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.String(4000), nullable=True),
        sa.Column("horizons", sa.JSON(), nullable=False),
        sa.Column("value_chain", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("owner_unit", sa.String(200), nullable=True),
        sa.Column("key_unit", sa.Boolean(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("consequences", sa.JSON(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("band", sa.String(20), nullable=True),
        sa.Column("response", sa.String(12), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("financial", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        *stamps(),
        sa.UniqueConstraint("organisation_id", "code", name="uq_risk_item_organisation_id_code"),
    )
    op.create_table(
        "risk_review",
        *head("risk_review"),
        sa.Column("item_code", sa.String(40), nullable=False),
        sa.Column("reviewed", sa.Date(), nullable=False),
        sa.Column("reviewer", sa.String(300), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("consequences", sa.JSON(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("band", sa.String(20), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "risk_matrix",
        *head("risk_matrix"),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(300), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("organisation_id", name="uq_risk_matrix_organisation_id"),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the three tables, in reverse order."""
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
