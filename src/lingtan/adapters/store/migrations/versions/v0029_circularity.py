"""Circularity ledgers: materials, packaging, returnable assets, take-back, approved recyclers
(issue 19 item 5).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
