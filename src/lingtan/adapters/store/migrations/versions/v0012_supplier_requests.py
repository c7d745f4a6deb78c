"""Climate data requests to suppliers (issue 15 item 4, decision 0065): campaigns, requests,
responses (every version), answer tokens (hashes), maturity assessments, coverage goals and
coverage snapshots. New tables only: the upgrade is the same on SQLite and PostgreSQL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
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


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> Any:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}", ondelete=ondelete
    )


def upgrade() -> None:
    """Create the seven tables."""
    t = "supplier_campaign"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("questionnaire_version", sa.String(40), nullable=False),
        sa.Column("scope_rule", sa.JSON(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint(
            "organisation_id",
            "fiscal_year",
            "kind",
            name=f"uq_{t}_organisation_id_fiscal_year_kind",
        ),
    )
    op.create_index(f"ix_{t}_organisation_id", t, ["organisation_id"])

    t = "supplier_request"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("spend", sa.Double(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _fk(t, "campaign_id", "supplier_campaign"),
        _fk(t, "supplier_id", "supplier"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("campaign_id", "supplier_id", name=f"uq_{t}_campaign_id_supplier_id"),
    )
    for c in ("organisation_id", "campaign_id", "supplier_id"):
        op.create_index(f"ix_{t}_{c}", t, [c])

    t = "supplier_response"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        _fk(t, "request_id", "supplier_request"),
        _fk(t, "supplier_id", "supplier"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("request_id", "version", name=f"uq_{t}_request_id_version"),
    )
    for c in ("organisation_id", "request_id", "supplier_id"):
        op.create_index(f"ix_{t}_{c}", t, [c])

    t = "supplier_answer_token"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        _fk(t, "request_id", "supplier_request"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("request_id", name=f"uq_{t}_request_id"),
        sa.UniqueConstraint("token_hash", name=f"uq_{t}_token_hash"),
    )
    op.create_index(f"ix_{t}_organisation_id", t, ["organisation_id"])

    t = "supplier_maturity"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("criteria_met", sa.JSON(), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("assessed_by", sa.String(200), nullable=False),
        _fk(t, "supplier_id", "supplier"),
        _fk(t, "response_id", "supplier_response", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    for c in ("organisation_id", "supplier_id"):
        op.create_index(f"ix_{t}_{c}", t, [c])

    t = "supplier_coverage_goal"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("property", sa.String(30), nullable=False),
        sa.Column("goal_pct", sa.Double(), nullable=False),
        sa.Column("goal_year", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(10), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("submission_year", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("organisation_id", "property", name=f"uq_{t}_organisation_id_property"),
    )
    op.create_index(f"ix_{t}_organisation_id", t, ["organisation_id"])

    t = "supplier_coverage_snapshot"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        *_org(t),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("basis", sa.String(10), nullable=False),
        sa.Column("denominator", sa.String(12), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("inputs_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    for c in ("organisation_id", "fiscal_year"):
        op.create_index(f"ix_{t}_{c}", t, [c])


def downgrade() -> None:
    """Drop the seven tables (dependants first)."""
    for t in (
        "supplier_coverage_snapshot",
        "supplier_coverage_goal",
        "supplier_maturity",
        "supplier_answer_token",
        "supplier_response",
        "supplier_request",
        "supplier_campaign",
    ):
        op.drop_table(t)
