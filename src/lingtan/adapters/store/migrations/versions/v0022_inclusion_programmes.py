"""Carbon-inclusion programmes, groups, accounts, partners, consent, member links (issue 18 item 1,
decision 0088). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, parent, stamps, unique

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = (
    "inclusion_programme",
    "inclusion_group",
    "inclusion_account",
    "inclusion_partner",
    "inclusion_consent",
    "inclusion_member_link",
)
#: (table, column) of the parent indexes
_INDEXES = (
    ("inclusion_group", "programme_id"),
    ("inclusion_account", "programme_id"),
    ("inclusion_consent", "account_id"),
    ("inclusion_consent", "partner_code"),
    ("inclusion_member_link", "account_id"),
)


def upgrade() -> None:
    """Create the six tables."""
    op.create_table(
        "inclusion_programme",
        *head("inclusion_programme"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("started", sa.Date(), nullable=True),
        sa.Column("points_per_kg", sa.Double(), nullable=False),
        sa.Column("engagement_points", sa.JSON(), nullable=False),
        sa.Column("caps", sa.JSON(), nullable=False),
        sa.Column("expiry_months", sa.Integer(), nullable=True),
        sa.Column("privacy_policy_version", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("subject_salt", sa.String(64), nullable=False),
        *stamps(),
        unique("inclusion_programme", "organisation_id", "code"),
    )
    op.create_table(
        "inclusion_group",
        *head("inclusion_group"),
        *parent("inclusion_group", "programme_id", "inclusion_programme"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("parent_code", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        unique("inclusion_group", "programme_id", "code"),
    )
    op.create_table(
        "inclusion_account",
        *head("inclusion_account"),
        *parent("inclusion_account", "programme_id", "inclusion_programme"),
        sa.Column("ref", sa.String(16), nullable=False),
        sa.Column("subject_hash", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("group_code", sa.String(40), nullable=True),
        sa.Column("site_code", sa.String(60), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("guardian_consent", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        unique("inclusion_account", "programme_id", "ref"),
        unique("inclusion_account", "programme_id", "subject_hash"),
    )
    op.create_table(
        "inclusion_partner",
        *head("inclusion_partner"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("hmac_secret", sa.String(128), nullable=False),
        sa.Column("allowed_actions", sa.JSON(), nullable=False),
        sa.Column("rate_per_s", sa.Double(), nullable=False),
        sa.Column("burst", sa.Integer(), nullable=False),
        sa.Column("callback_url", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        *stamps(),
        unique("inclusion_partner", "organisation_id", "code"),
    )
    op.create_table(
        "inclusion_consent",
        *head("inclusion_consent"),
        *parent("inclusion_consent", "account_id", "inclusion_account"),
        sa.Column("partner_code", sa.String(40), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("evidence", sa.String(500), nullable=False),
    )
    op.create_table(
        "inclusion_member_link",
        *head("inclusion_member_link"),
        *parent("inclusion_member_link", "account_id", "inclusion_account"),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        unique("inclusion_member_link", "token_hash"),
    )
    for table, column in _INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the six tables, in reverse order."""
    for table, column in reversed(_INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
