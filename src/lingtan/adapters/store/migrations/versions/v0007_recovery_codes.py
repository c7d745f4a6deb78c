"""Recovery codes of the optional second factor (issue 11 item 2, decision 0034).

One new nullable column, ``user_account.totp_recovery`` (a JSON list of the sha256 digests of
the unused codes); batch mode so that SQLite rebuilds the table and PostgreSQL alters it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("totp_recovery", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("totp_recovery")
