"""The embedded store of lingtan 0.1: import batches, quarantined rows, snapshots, change
records and base-year versions, as ``Base.metadata.create_all`` made them before migrations
(a database made then is stamped at this revision and upgraded). Constraints carry the names
PostgreSQL gave them then, so that revision 0002 finds the same schema either way.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("template", sa.String(50), nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_accepted", sa.Integer, nullable=False),
        sa.Column("rows_rejected", sa.Integer, nullable=False),
        sa.Column("activities_file", sa.String(200), nullable=True),
        sa.Column("instruments_file", sa.String(200), nullable=True),
        sa.Column("source_file", sa.String(200), nullable=True),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("superseded_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="import_batch_pkey"),
        sa.UniqueConstraint("seq", name="import_batch_seq_key"),
    )
    op.create_table(
        "quarantined_row",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("field", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="quarantined_row_pkey"),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name="quarantined_row_batch_id_fkey"
        ),
    )
    op.create_index("ix_quarantined_row_batch_id", "quarantined_row", ["batch_id"])
    op.create_table(
        "snapshot",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("gwp_set", sa.String(10), nullable=False),
        sa.Column("consolidation", sa.String(30), nullable=False),
        sa.Column("total_market_t", sa.Float, nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        sa.Column("inventory", sa.JSON, nullable=False),
        sa.Column("emissions_file", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="snapshot_pkey"),
    )
    op.create_index("ix_snapshot_fiscal_year", "snapshot", ["fiscal_year"])
    op.create_table(
        "change_record",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("base_year_effect_t", sa.Float, nullable=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("applied_in_version", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="change_record_pkey"),
    )
    op.create_table(
        "base_year_version",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=True),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("total_t", sa.Float, nullable=False),
        sa.Column("adjustments_t", sa.Float, nullable=False),
        sa.Column("change_pct", sa.Float, nullable=False),
        sa.Column("threshold_pct", sa.Float, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="base_year_version_pkey"),
    )


def downgrade() -> None:
    for table in ("base_year_version", "change_record", "snapshot", "quarantined_row"):
        op.drop_table(table)
    op.drop_table("import_batch")
