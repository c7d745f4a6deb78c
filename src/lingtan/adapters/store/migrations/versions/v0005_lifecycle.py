"""Data lifecycle: organisation deletion with a grace period and the system audit chain
(issue 11, decision 0039).

- ``organisation_deletion``: a pending deletion request (one per organisation at most);
- ``system_audit_entry``: the hash chain of events that outlive an organisation (deletion
  requested, cancelled, purged), owned by no organisation.

Both are new tables: nothing existing is rebuilt, so the upgrade is the same on SQLite and
PostgreSQL (no batch mode needed).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``organisation_deletion`` and ``system_audit_entry``."""
    op.create_table(
        "organisation_deletion",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name="fk_organisation_deletion_organisation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name="pk_organisation_deletion"),
    )
    op.create_table(
        "system_audit_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_system_audit_entry"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    """Drop both tables (pending deletion requests and the system chain are lost)."""
    op.drop_table("system_audit_entry")
    op.drop_table("organisation_deletion")
