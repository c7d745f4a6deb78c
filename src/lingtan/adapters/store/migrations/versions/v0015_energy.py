"""Site energy (issue 16, decision 0071): meters, cumulative-meter state, reading batches,
production volumes and energy assets. New tables only: the upgrade is the same on SQLite and
PostgreSQL (readings themselves are Parquet files in the workspace).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, stamps

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = (
    "energy_meter",
    "energy_meter_state",
    "energy_reading_batch",
    "energy_production",
    "energy_asset",
)


def upgrade() -> None:
    """Create the five energy tables."""
    op.create_table(
        "energy_meter",
        *head("energy_meter"),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("carrier", sa.String(30), nullable=False),
        sa.Column("unit", sa.String(30), nullable=False),
        sa.Column("measures", sa.String(30), nullable=False),
        sa.Column("source", sa.String(20), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("value_kind", sa.String(12), nullable=False),
        sa.Column("parent", sa.String(80), nullable=True),
        sa.Column("billing", sa.Boolean(), nullable=False),
        sa.Column("building", sa.String(80), nullable=True),
        sa.Column("line", sa.String(80), nullable=True),
        sa.Column("multiplier", sa.Double(), nullable=False),
        sa.Column("tz", sa.String(60), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("protocol_tag", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        *stamps(),
        sa.UniqueConstraint("organisation_id", "code", name="uq_energy_meter_organisation_id_code"),
    )
    op.create_table(
        "energy_meter_state",
        *head("energy_meter_state"),
        sa.Column("meter", sa.String(80), nullable=False),
        sa.Column("last_ts", sa.DateTime(), nullable=False),
        sa.Column("last_register", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "meter", name="uq_energy_meter_state_organisation_id_meter"
        ),
    )
    op.create_table(
        "energy_reading_batch",
        *head("energy_reading_batch"),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("origin", sa.String(500), nullable=False),
        sa.Column("received", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("meters", sa.JSON(), nullable=False),
        sa.Column("first_ts", sa.DateTime(), nullable=True),
        sa.Column("last_ts", sa.DateTime(), nullable=True),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.Column("superseded_by", sa.String(64), nullable=True),
        sa.UniqueConstraint(
            "organisation_id",
            "batch_id",
            name="uq_energy_reading_batch_organisation_id_batch_id",
        ),
    )
    op.create_table(
        "energy_production",
        *head("energy_production"),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("line", sa.String(80), nullable=True),
        sa.Column("product_type", sa.String(80), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("units", sa.Double(), nullable=False),
        sa.Column("comparable", sa.Boolean(), nullable=False),
        sa.Column("standard_hours", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id",
            "site",
            "line",
            "product_type",
            "month",
            name="uq_energy_production_key",
        ),
    )
    op.create_table(
        "energy_asset",
        *head("energy_asset"),
        sa.Column("code", sa.String(80), nullable=False),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kwp", sa.Double(), nullable=True),
        sa.Column("kwh", sa.Double(), nullable=True),
        sa.Column("kw", sa.Double(), nullable=True),
        sa.Column("rte", sa.Double(), nullable=True),
        sa.Column("commissioned", sa.Date(), nullable=True),
        sa.Column("ownership", sa.String(10), nullable=False),
        sa.Column("emc_treatment", sa.String(20), nullable=True),
        sa.Column("degradation_pct", sa.Double(), nullable=True),
        sa.Column("meters", sa.JSON(), nullable=False),
        *stamps(),
        sa.UniqueConstraint("organisation_id", "code", name="uq_energy_asset_organisation_id_code"),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the five energy tables."""
    for name in reversed(_TABLES):
        op.drop_table(name)
