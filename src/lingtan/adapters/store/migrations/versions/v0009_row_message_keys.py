"""Rejected rows' reasons as catalogue keys with parameters (issue 13 item 4, decision 0053).

Two new nullable columns of ``quarantined_row``: ``message_key`` (the catalogue key of the
reason, ``row.site_unknown.close``) and ``message_params`` (JSON: its parameters), so that a
rejected row is shown in the reader's language. Rows written before keep their English
``reason`` and no key; batch mode so that SQLite rebuilds the table and PostgreSQL alters it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns."""
    with op.batch_alter_table("quarantined_row") as batch:
        batch.add_column(sa.Column("message_key", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("message_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the columns."""
    with op.batch_alter_table("quarantined_row") as batch:
        batch.drop_column("message_params")
        batch.drop_column("message_key")
