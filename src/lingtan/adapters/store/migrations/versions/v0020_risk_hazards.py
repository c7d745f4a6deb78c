"""Site exposure, hazard indicators, vulnerability curves (issue 17 item 5). New tables only: the
upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
