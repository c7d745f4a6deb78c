"""Column helpers shared by the migrations (v0015 onwards): one copy of the tenant head, the
timestamps, the parent key and the named unique constraint, so that each revision lists only
its own columns. The constraint names they give are those of the models
(``pk_<table>``, ``fk_<table>_<column>``, ``uq_<table>_<columns>``).

A revision imports them at upgrade time; changing one changes only revisions not yet applied,
so keep what they emit as it is (the migration test compares the schema with the models).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.schema import SchemaItem


def head(name: str) -> list[SchemaItem]:
    """``id`` and ``organisation_id`` (→ ``organisation.id``, deleted with it) of table ``name``."""
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=f"fk_{name}_organisation_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    ]


def stamps() -> list[SchemaItem]:
    """``created_at`` and ``updated_at`` (naive UTC, both required)."""
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def parent(name: str, column: str, table: str) -> list[SchemaItem]:
    """``column`` of table ``name`` → ``table.id`` (required, deleted with it)."""
    return [
        sa.Column(column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            [column], [f"{table}.id"], name=f"fk_{name}_{column}", ondelete="CASCADE"
        ),
    ]


def unique(name: str, *columns: str) -> sa.UniqueConstraint:
    """The unique constraint ``uq_<name>_<columns joined by _>`` on ``columns`` of ``name``."""
    return sa.UniqueConstraint(*columns, name=f"uq_{name}_{'_'.join(columns)}")
