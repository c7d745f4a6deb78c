"""Supplier projects, programmes and training (issue 15 items 6–7, decision 0067): programmes,
projects, their programme memberships and measurements, training events and attendance. New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _org(table: str) -> list[Any]:
    """The tenant column and its foreign key (``TenantOwned``)."""
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=f"fk_{table}_organisation_id",
            ondelete="CASCADE",
        ),
    ]


def _fk(table: str, column: str, target: str) -> Any:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}", ondelete="CASCADE"
    )


def _id() -> Any:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _indexes(table: str, *columns: str) -> None:
    for c in ("organisation_id", *columns):
        op.create_index(f"ix_{table}_{c}", table, [c])


def upgrade() -> None:
    """Create the six tables."""
    t = "supplier_programme"
    op.create_table(
        t,
        _id(),
        *_org(t),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("organisation_id", "code", name=f"uq_{t}_organisation_id_code"),
    )
    _indexes(t)

    t = "supplier_project"
    op.create_table(
        t,
        _id(),
        *_org(t),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("type", sa.String(30), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("capex_cny", sa.Double(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("life_years", sa.Integer(), nullable=False),
        sa.Column("ex_ante", sa.JSON(), nullable=False),
        sa.Column("ex_ante_t_per_year", sa.Double(), nullable=True),
        sa.Column("factor_basis", sa.Text(), nullable=False),
        sa.Column("basis_factor", sa.Double(), nullable=True),
        sa.Column("attribution_pct", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk(t, "supplier_id", "supplier"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("organisation_id", "code", name=f"uq_{t}_organisation_id_code"),
    )
    _indexes(t, "supplier_id")

    t = "supplier_project_programme"
    op.create_table(
        t,
        _id(),
        *_org(t),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        _fk(t, "project_id", "supplier_project"),
        _fk(t, "programme_id", "supplier_programme"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("project_id", "programme_id", name=f"uq_{t}_project_id_programme_id"),
    )
    _indexes(t, "project_id", "programme_id")

    t = "supplier_project_measurement"
    op.create_table(
        t,
        _id(),
        *_org(t),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("t_co2e", sa.Double(), nullable=False),
        sa.Column("electricity_mwh", sa.Double(), nullable=False),
        sa.Column("savings", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk(t, "project_id", "supplier_project"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    _indexes(t, "project_id")

    t = "supplier_training_event"
    op.create_table(
        t,
        _id(),
        *_org(t),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("organiser", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("organisation_id", "code", name=f"uq_{t}_organisation_id_code"),
    )
    _indexes(t)

    t = "supplier_attendance"
    op.create_table(
        t,
        _id(),
        *_org(t),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("supplier_code", sa.String(60), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("person_key", sa.String(200), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _fk(t, "event_id", "supplier_training_event"),
        _fk(t, "supplier_id", "supplier"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint(
            "event_id",
            "supplier_code",
            "person_key",
            name=f"uq_{t}_event_id_supplier_code_person_key",
        ),
    )
    _indexes(t, "event_id", "supplier_id")


def downgrade() -> None:
    """Drop the six tables (children first)."""
    for t, cols in (
        ("supplier_attendance", ("event_id", "supplier_id")),
        ("supplier_training_event", ()),
        ("supplier_project_measurement", ("project_id",)),
        ("supplier_project_programme", ("project_id", "programme_id")),
        ("supplier_project", ("supplier_id",)),
        ("supplier_programme", ()),
    ):
        for c in ("organisation_id", *cols):
            op.drop_index(f"ix_{t}_{c}", table_name=t)
        op.drop_table(t)
