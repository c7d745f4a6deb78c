"""Carbon-inclusion programmes, groups, accounts, partners, consent, member links (issue 18 item 1).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables (filled in by the slice's owner)."""


def downgrade() -> None:
    """Drop them, in reverse order."""
