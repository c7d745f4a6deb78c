"""Carbon-inclusion rewards, redemptions, campaigns and frozen leaderboards (issue 18 item 5). New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
