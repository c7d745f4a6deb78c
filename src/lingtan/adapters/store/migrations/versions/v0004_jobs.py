"""Jobs exactly once and fair: an index for per-organisation fairness (issue 11, decision 0036).

``ix_job_organisation_id_started_at`` on ``job (organisation_id, started_at)``: the claim orders
queued jobs by when their organisation last had a job started (least recently served first),
one index probe per organisation. Claiming itself needs no new column (PostgreSQL serialises
claims with a transaction-scoped advisory lock; SQLite's single UPDATE is atomic). A new index
only: the same on SQLite and PostgreSQL, no batch mode needed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "ix_job_organisation_id_started_at"


def upgrade() -> None:
    """Create the fairness index."""
    op.create_index(INDEX, "job", ["organisation_id", "started_at"], unique=False)


def downgrade() -> None:
    """Drop the fairness index."""
    op.drop_index(INDEX, table_name="job")
