"""Job messages as catalogue keys with parameters (issue 13 item 3, decision 0052).

One new nullable column, ``job.message_params`` (JSON: the counts and stage of a progress
message whose catalogue key is in ``job.message``); batch mode so that SQLite rebuilds the table
and PostgreSQL alters it. Rows written before keep their English ``message`` and no parameters.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column."""
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("message_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("job") as batch:
        batch.drop_column("message_params")
