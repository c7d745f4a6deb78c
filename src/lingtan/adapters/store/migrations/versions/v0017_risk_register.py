"""The risk and opportunity register, the scoring matrix, reviews (issue 17 item 1–2). New tables
only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
