"""Carbon-inclusion methodology packs loaded by an organisation (issue 18 item 2). New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
