"""Site exposure, hazard indicators, vulnerability curves (issue 17 item 5, decision 0083). New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("site_exposure", "hazard_indicator", "vulnerability_curve")


def upgrade() -> None:
    """Create ``site_exposure``, ``hazard_indicator`` and ``vulnerability_curve``."""
    op.create_table(
        "site_exposure",
        *head("site_exposure"),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("asset_value", sa.Double(), nullable=False),
        sa.Column("revenue_per_day", sa.Double(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("bi_days", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "site", name="uq_site_exposure_organisation_id_site"
        ),
    )
    op.create_table(
        "hazard_indicator",
        *head("hazard_indicator"),
        sa.Column("site", sa.String(80), nullable=False),
        sa.Column("hazard", sa.String(40), nullable=False),
        sa.Column("pathway", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("return_period", sa.Double(), nullable=True),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "vulnerability_curve",
        *head("vulnerability_curve"),
        sa.Column("hazard", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("points", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "hazard", name="uq_vulnerability_curve_organisation_id_hazard"
        ),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])
    op.create_index(
        "ix_hazard_indicator_pathway_year",
        "hazard_indicator",
        ["organisation_id", "pathway", "year"],
    )


def downgrade() -> None:
    """Drop the three tables, in reverse order."""
    op.drop_index("ix_hazard_indicator_pathway_year", table_name="hazard_indicator")
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
