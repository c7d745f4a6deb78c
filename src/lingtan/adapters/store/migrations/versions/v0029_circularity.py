"""Circularity ledgers: materials, packaging, returnable assets, take-back, approved recyclers
(issue 19 item 5, decision 0100).
New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

from lingtan.adapters.store.migrations.columns import head, stamps, unique

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = ("circ_material", "circ_packaging", "circ_returnable", "circ_takeback", "circ_recycler")


def _provenance() -> list[SchemaItem]:
    """The columns every ledger row has (``store.circularity._Provenance``)."""
    return [
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.Column("source_file", sa.String(255), nullable=True),
        sa.Column("source_row", sa.Integer(), nullable=True),
        *stamps(),
    ]


def upgrade() -> None:
    """Create the five tables."""
    op.create_table(
        "circ_material",
        *head("circ_material"),
        sa.Column("year", sa.String(12), nullable=False),
        sa.Column("material", sa.String(20), nullable=False),
        sa.Column("product_line", sa.String(120), nullable=True),
        sa.Column("gross_kg", sa.Double(), nullable=True),
        sa.Column("net_kg", sa.Double(), nullable=False),
        sa.Column("certificate", sa.String(200), nullable=True),
        sa.Column("supplier", sa.String(120), nullable=True),
        sa.Column("ef_virgin", sa.Double(), nullable=True),
        sa.Column("ef_recycled", sa.Double(), nullable=True),
        sa.Column("ef_source", sa.String(300), nullable=True),
        *_provenance(),
    )
    op.create_table(
        "circ_packaging",
        *head("circ_packaging"),
        sa.Column("year", sa.String(12), nullable=False),
        sa.Column("line", sa.String(120), nullable=False),
        sa.Column("material", sa.String(20), nullable=False),
        sa.Column("kg_per_unit_before", sa.Double(), nullable=False),
        sa.Column("kg_per_unit_after", sa.Double(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        *_provenance(),
    )
    op.create_table(
        "circ_returnable",
        *head("circ_returnable"),
        sa.Column("asset_kind", sa.String(12), nullable=False),
        sa.Column("programme", sa.String(120), nullable=False),
        sa.Column("site", sa.String(80), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.Column("lost", sa.Integer(), nullable=True),
        *_provenance(),
    )
    op.create_table(
        "circ_takeback",
        *head("circ_takeback"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("programme", sa.String(20), nullable=False),
        sa.Column("customer", sa.String(200), nullable=True),
        sa.Column("device_category", sa.String(20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("kg", sa.Double(), nullable=True),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("recycler", sa.String(40), nullable=True),
        sa.Column("sanitisation_cert", sa.String(200), nullable=True),
        sa.Column("recycling_cert", sa.String(200), nullable=True),
        sa.Column("residual_value", sa.Double(), nullable=True),
        *_provenance(),
    )
    op.create_table(
        "circ_recycler",
        *head("circ_recycler"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("region", sa.String(80), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("supplier_audit", sa.Date(), nullable=True),
        sa.Column("environmental_audit", sa.Date(), nullable=True),
        sa.Column("document_approval", sa.Date(), nullable=True),
        sa.Column("contract_terms", sa.Boolean(), nullable=False),
        sa.Column("oecd_export_ok", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        *_provenance(),
        unique("circ_recycler", "organisation_id", "code"),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the five tables, in reverse order."""
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
