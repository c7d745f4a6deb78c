"""Verification records of an edition: verifier, standard, assurance level, findings (issue 19 item
2).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
