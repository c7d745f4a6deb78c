"""Disclosure editions (frozen document, state, supersession) and narratives (issue 19 items 1,
3; decision 0096). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, unique

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("disclosure_edition", "disclosure_narrative")
#: indexed columns besides ``organisation_id``: (table, column)
_INDEXES = (
    ("disclosure_edition", "fiscal_year"),
    ("disclosure_edition", "content_sha"),
)


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "disclosure_edition",
        *head("disclosure_edition"),
        sa.Column("edition_id", sa.String(64), nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("content_sha", sa.String(64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("supersedes", sa.String(64), nullable=True),
        sa.Column("superseded_by", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        unique("disclosure_edition", "organisation_id", "edition_id"),
    )
    op.create_table(
        "disclosure_narrative",
        *head("disclosure_narrative"),
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        unique("disclosure_narrative", "organisation_id", "key", "lang"),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])
    for name, column in _INDEXES:
        op.create_index(f"ix_{name}_{column}", name, [column])


def downgrade() -> None:
    """Drop the two tables, in reverse order."""
    for name, column in reversed(_INDEXES):
        op.drop_index(f"ix_{name}_{column}", table_name=name)
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
