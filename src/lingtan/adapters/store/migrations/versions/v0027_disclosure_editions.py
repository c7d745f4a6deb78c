"""Disclosure editions, their pinned inputs and rendered artefacts, narratives (issue 19 items 1,
3).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
