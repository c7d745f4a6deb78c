"""Governance bodies, meetings, roles, remuneration links (issue 17 item 6, decision 0084). New
tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lingtan.adapters.store.migrations.columns import head, parent, stamps

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

#: the tables, in creation order (dropped in reverse)
_TABLES = (
    "governance_body",
    "governance_meeting",
    "governance_agenda_item",
    "governance_role",
    "governance_pay_link",
)


def upgrade() -> None:
    """Create the five governance tables."""
    op.create_table(
        "governance_body",
        *head("governance_body"),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("parent", sa.String(40), nullable=True),
        sa.Column("chair", sa.String(300), nullable=True),
        sa.Column("established", sa.String(40), nullable=True),
        sa.Column("mandate", sa.String(2000), nullable=True),
        sa.Column("per_year", sa.Integer(), nullable=True),
        sa.Column("counts", sa.String(20), nullable=False),
        sa.Column("frequency_source", sa.String(300), nullable=True),
        sa.Column("source", sa.String(500), nullable=True),
        *stamps(),
        sa.UniqueConstraint(
            "organisation_id", "code", name="uq_governance_body_organisation_id_code"
        ),
    )
    op.create_table(
        "governance_meeting",
        *head("governance_meeting"),
        *parent("governance_meeting", "body_id", "governance_body"),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(16), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("decisions", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("note", sa.String(500), nullable=True),
        *stamps(),
    )
    op.create_index("ix_governance_meeting_body_id", "governance_meeting", ["body_id"])
    op.create_table(
        "governance_agenda_item",
        *head("governance_agenda_item"),
        *parent("governance_agenda_item", "meeting_id", "governance_meeting"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("climate", sa.Boolean(), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
    )
    op.create_index(
        "ix_governance_agenda_item_meeting_id", "governance_agenda_item", ["meeting_id"]
    )
    op.create_table(
        "governance_role",
        *head("governance_role"),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("holder", sa.String(300), nullable=True),
        sa.Column("responsibilities", sa.String(2000), nullable=True),
        sa.Column("climate_responsible", sa.Boolean(), nullable=False),
        sa.Column("reports_to", sa.String(300), nullable=True),
        sa.Column("chairs", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(500), nullable=True),
        *stamps(),
    )
    op.create_table(
        "governance_pay_link",
        *head("governance_pay_link"),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("population", sa.String(300), nullable=False),
        sa.Column("kpi_id", sa.String(80), nullable=True),
        sa.Column("kpi_label", sa.String(300), nullable=False),
        sa.Column("share_pct", sa.Double(), nullable=True),
        sa.Column("body", sa.String(40), nullable=True),
        sa.Column("description", sa.String(2000), nullable=True),
        sa.Column("source", sa.String(500), nullable=True),
        *stamps(),
    )
    for name in _TABLES:
        op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])


def downgrade() -> None:
    """Drop the five tables, in reverse order."""
    op.drop_index("ix_governance_agenda_item_meeting_id", table_name="governance_agenda_item")
    op.drop_index("ix_governance_meeting_body_id", table_name="governance_meeting")
    for name in reversed(_TABLES):
        op.drop_index(f"ix_{name}_organisation_id", table_name=name)
        op.drop_table(name)
