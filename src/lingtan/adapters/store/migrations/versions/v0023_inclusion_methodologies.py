"""Carbon-inclusion methodology packs loaded by an organisation (issue 18 item 2, decision 0087).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``inclusion_methodology``."""
    op.create_table(
        "inclusion_methodology",
        *head("inclusion_methodology"),
        sa.Column("pack_id", sa.String(80), nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("label", sa.String(30), nullable=False),
        sa.Column("region", sa.String(40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint(
            "organisation_id",
            "pack_id",
            "version",
            name="uq_inclusion_methodology_organisation_id_pack_id_version",
        ),
    )
    op.create_index(
        "ix_inclusion_methodology_organisation_id", "inclusion_methodology", ["organisation_id"]
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("inclusion_methodology")
