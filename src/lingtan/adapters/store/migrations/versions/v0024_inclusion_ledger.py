"""Carbon-inclusion action events, their reductions and the hash-chained points ledger (issue 18
items 2–4, decision 0089). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

from lingtan.adapters.store.migrations.columns import head

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("inclusion_event", "inclusion_points_entry")
#: the named indexes (table, name, columns)
_INDEXES = (
    ("inclusion_event", "ix_inclusion_event_programme_account_at",
     ["programme_id", "account_id", "occurred_at"]),
    ("inclusion_event", "ix_inclusion_event_programme_status", ["programme_id", "status"]),
    ("inclusion_points_entry", "ix_inclusion_points_entry_account_seq", ["account_id", "seq"]),
)  # fmt: skip


def _head(name: str) -> list[SchemaItem]:
    """The tenant head, then ``programme_id`` and ``account_id`` (plain integers, indexed)."""
    return [
        *head(name),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    """Create the event and points-entry tables."""
    op.create_table(
        "inclusion_event",
        *_head("inclusion_event"),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(120), nullable=True),
        sa.Column("evidence_hash", sa.String(128), nullable=True),
        sa.Column("distance_km", sa.Double(), nullable=True),
        sa.Column("duration_min", sa.Double(), nullable=True),
        sa.Column("mode", sa.String(40), nullable=True),
        sa.Column("product", sa.String(80), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(120), nullable=True),
        sa.Column("kg_co2e", sa.Double(), nullable=False),
        sa.Column("counts_as", sa.String(16), nullable=False),
        sa.Column("pack_id", sa.String(80), nullable=True),
        sa.Column("pack_version", sa.String(40), nullable=True),
        sa.Column("params_hash", sa.String(64), nullable=True),
        sa.Column("trace", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("multiplier", sa.Double(), nullable=False),
        sa.Column("campaign_code", sa.String(40), nullable=True),
        sa.Column("review_note", sa.String(500), nullable=True),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "programme_id",
            "origin",
            "external_id",
            name="uq_inclusion_event_programme_id_origin_external_id",
        ),
    )
    op.create_table(
        "inclusion_points_entry",
        *_head("inclusion_points_entry"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(80), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Date(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "programme_id", "seq", name="uq_inclusion_points_entry_programme_id_seq"
        ),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])
    for table, index, columns in _INDEXES:
        op.create_index(index, table, columns)


def downgrade() -> None:
    """Drop the two tables, in reverse order."""
    for table, index, _columns in reversed(_INDEXES):
        op.drop_index(index, table_name=table)
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
