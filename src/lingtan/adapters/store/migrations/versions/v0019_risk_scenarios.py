"""Scenario data sets and scenario runs (issue 17 item 4, decision 0082). New tables only: the
upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("risk_scenario", "risk_scenario_run")


def upgrade() -> None:
    """Create ``risk_scenario`` and ``risk_scenario_run``."""
    op.create_table(
        "risk_scenario",
        *head("risk_scenario"),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("warming", sa.Double(), nullable=False),
        sa.Column("pathway", sa.String(40), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("licence", sa.String(300), nullable=False),
        sa.Column("edition", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "code", name="uq_risk_scenario_organisation_id_code"
        ),
    )
    op.create_table(
        "risk_scenario_run",
        *head("risk_scenario_run"),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("scenario_code", sa.String(60), nullable=False),
        sa.Column("scenario_sha256", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("warming", sa.Double(), nullable=False),
        sa.Column("pathway", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(8), nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("method_version", sa.String(20), nullable=False),
        sa.Column("lingtan_version", sa.String(40), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id", "run_id", name="uq_risk_scenario_run_organisation_id_run_id"
        ),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the two tables."""
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
