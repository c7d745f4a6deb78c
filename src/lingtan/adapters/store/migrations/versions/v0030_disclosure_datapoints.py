"""Disclosure datapoints entered by hand (internal carbon price …) and their review (issue 19 item
3).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
