"""Carbon-inclusion action events, their reductions and the hash-chained points ledger (issue 18
items 2–4). New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
