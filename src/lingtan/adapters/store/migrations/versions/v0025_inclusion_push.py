"""Carbon-inclusion partner push: receipts, settlement callbacks, pull connectors (issue 18 item 6,
decision 0090). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("inclusion_push_receipt", "inclusion_push_callback", "inclusion_pull_source")


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "inclusion_push_receipt",
        *head("inclusion_push_receipt"),
        sa.Column("programme_code", sa.String(40), nullable=False),
        sa.Column("partner_code", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(100), nullable=False),
        sa.Column("account_ref", sa.String(60), nullable=True),
        sa.Column("action", sa.String(60), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(120), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("kg_co2e", sa.Double(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id",
            "programme_code",
            "partner_code",
            "external_id",
            name="uq_inclusion_push_receipt_key",
        ),
    )
    op.create_table(
        "inclusion_push_callback",
        *head("inclusion_push_callback"),
        sa.Column("partner_code", sa.String(40), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
    )
    op.create_index(
        "ix_inclusion_push_callback_due", "inclusion_push_callback", ["status", "next_at"]
    )
    op.create_table(
        "inclusion_pull_source",
        *head("inclusion_pull_source"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("programme_code", sa.String(40), nullable=False),
        sa.Column("partner_code", sa.String(40), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("cursor", sa.String(200), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "code", name="uq_inclusion_pull_source_organisation_id_code"
        ),
    )
    for table in _TABLES:
        op.create_index(f"ix_{table}_organisation_id", table, ["organisation_id"])


def downgrade() -> None:
    """Drop them, in reverse order."""
    for table in reversed(_TABLES):
        op.drop_table(table)
