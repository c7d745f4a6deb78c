"""Significant environmental aspects and their monitoring (issue 17 item 3, decision 0081). New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, stamps

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("env_aspect", "env_aspect_monitoring", "env_aspect_config")


def upgrade() -> None:
    """Create ``env_aspect``, ``env_aspect_monitoring`` and ``env_aspect_config``."""
    op.create_table(
        "env_aspect",
        *head("env_aspect"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("aspect", sa.String(300), nullable=False),
        sa.Column("activity", sa.String(300), nullable=True),
        sa.Column("site", sa.String(80), nullable=True),
        sa.Column("condition", sa.String(12), nullable=False),
        sa.Column("value_chain", sa.String(20), nullable=True),
        *[
            sa.Column(name, sa.Integer(), nullable=True)
            for name in (
                "e_quantity",
                "e_scope",
                "e_frequency",
                "e_severity",
                "e_control",
                "b_reputation",
                "b_compliance",
                "b_management",
            )
        ],
        sa.Column("env", sa.Double(), nullable=True),
        sa.Column("bus", sa.Double(), nullable=True),
        sa.Column("overall", sa.Double(), nullable=True),
        sa.Column("significant", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=True),
        sa.Column("objectives", sa.JSON(), nullable=False),
        sa.Column("risk_code", sa.String(40), nullable=True),
        sa.Column("fiscal_year", sa.String(20), nullable=True),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        *stamps(),
        sa.UniqueConstraint("organisation_id", "code", name="uq_env_aspect_organisation_id_code"),
    )
    op.create_table(
        "env_aspect_monitoring",
        *head("env_aspect_monitoring"),
        sa.Column("aspect_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checked_by", sa.String(200), nullable=False),
        sa.Column("findings", sa.String(2000), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["aspect_id"],
            ["env_aspect.id"],
            name="fk_env_aspect_monitoring_aspect_id",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_env_aspect_monitoring_aspect_id", "env_aspect_monitoring", ["aspect_id"])
    op.create_table(
        "env_aspect_config",
        *head("env_aspect_config"),
        sa.Column("threshold", sa.Double(), nullable=False),
        sa.Column("aggregate", sa.String(8), nullable=False),
        sa.Column("any_factor_at", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("organisation_id", name="uq_env_aspect_config_organisation_id"),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the three tables, in reverse order."""
    op.drop_index("ix_env_aspect_monitoring_aspect_id", table_name="env_aspect_monitoring")
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
