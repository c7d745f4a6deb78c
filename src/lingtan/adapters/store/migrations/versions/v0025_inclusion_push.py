"""Carbon-inclusion partner push: receipts, settlement callbacks, pull connectors (issue 18 item 6).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
