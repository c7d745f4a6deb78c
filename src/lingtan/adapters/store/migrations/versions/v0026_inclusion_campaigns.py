"""Carbon-inclusion rewards, redemptions, campaigns and frozen leaderboards (issue 18 item 5,
decision 0091). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, parent, stamps

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = (
    "inclusion_reward",
    "inclusion_redemption",
    "inclusion_campaign",
    "inclusion_leaderboard",
    "inclusion_leaderboard_row",
)
#: indexed columns besides ``organisation_id``: (table, column)
_INDEXES = (
    ("inclusion_reward", "programme_id"),
    ("inclusion_redemption", "programme_id"),
    ("inclusion_redemption", "account_id"),
    ("inclusion_redemption", "reward_id"),
    ("inclusion_campaign", "programme_id"),
    ("inclusion_leaderboard", "campaign_id"),
    ("inclusion_leaderboard_row", "leaderboard_id"),
)


def upgrade() -> None:
    """Create the five tables."""
    op.create_table(
        "inclusion_reward",
        *head("inclusion_reward"),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("points_cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("partner", sa.String(40), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *stamps(),
        sa.UniqueConstraint(
            "organisation_id",
            "programme_id",
            "code",
            name="uq_inclusion_reward_organisation_id_programme_id_code",
        ),
    )
    op.create_table(
        "inclusion_redemption",
        *head("inclusion_redemption"),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("account_ref", sa.String(40), nullable=False),
        *parent("inclusion_redemption", "reward_id", "inclusion_reward"),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entry_ref", sa.String(60), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint(
            "organisation_id", "code", name="uq_inclusion_redemption_organisation_id_code"
        ),
    )
    op.create_table(
        "inclusion_campaign",
        *head("inclusion_campaign"),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("eligible_actions", sa.JSON(), nullable=False),
        sa.Column("multipliers", sa.JSON(), nullable=False),
        sa.Column("team_rule", sa.String(8), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("prizes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=True),
        *stamps(),
        sa.UniqueConstraint(
            "organisation_id", "code", name="uq_inclusion_campaign_organisation_id_code"
        ),
    )
    op.create_table(
        "inclusion_leaderboard",
        *head("inclusion_leaderboard"),
        *parent("inclusion_leaderboard", "campaign_id", "inclusion_campaign"),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("team_rule", sa.String(8), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id",
            "campaign_id",
            "scope",
            name="uq_inclusion_leaderboard_organisation_id_campaign_id_scope",
        ),
    )
    op.create_table(
        "inclusion_leaderboard_row",
        *head("inclusion_leaderboard_row"),
        *parent("inclusion_leaderboard_row", "leaderboard_id", "inclusion_leaderboard"),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("attained_at", sa.DateTime(), nullable=False),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])
    for name, column in _INDEXES:
        op.create_index(f"ix_{name}_{column}", name, [column])


def downgrade() -> None:
    """Drop the five tables, in reverse order."""
    for name, column in reversed(_INDEXES):
        op.drop_index(f"ix_{name}_{column}", table_name=name)
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
