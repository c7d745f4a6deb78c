"""Organisations (tenants), users, memberships, tokens, web sessions, entities, sites, factor
sets, jobs and the audit log; the embedded tables gain ``organisation_id``.

Where a content hash was the primary key (import batches, snapshots), the key becomes
(organisation_id, hash): two organisations may import the same file. The five tables of 0001
are rebuilt (renamed aside, created anew, rows copied, old ones dropped), which works the same on
SQLite and PostgreSQL. Rows already present are given to one organisation: the one described by
``config.attributes["legacy_organisation"]`` (slug, name, workspace_path), created here.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LEGACY = ("import_batch", "quarantined_row", "snapshot", "change_record", "base_year_version")
LEGACY_INDEXES = {
    "quarantined_row": "ix_quarantined_row_batch_id",
    "snapshot": "ix_snapshot_fiscal_year",
}
COLUMNS = {
    "import_batch": (
        "id", "seq", "file_name", "template", "rows_read", "rows_accepted", "rows_rejected",
        "activities_file", "instruments_file", "source_file", "imported_at", "superseded_by",
    ),
    "quarantined_row": ("id", "batch_id", "row", "field", "reason", "value", "resolved_by"),
    "snapshot": (
        "id", "fiscal_year", "created_at", "gwp_set", "consolidation", "total_market_t",
        "inputs", "inventory", "emissions_file",
    ),
    "change_record": (
        "id", "kind", "description", "effective", "base_year_effect_t", "recorded_at",
        "applied_in_version",
    ),
    "base_year_version": (
        "id", "fiscal_year", "version", "snapshot_id", "total_t", "adjustments_t",
        "change_pct", "threshold_pct", "reason", "detail", "created_at",
    ),
}  # fmt: skip


def _org_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organisation_id"], ["organisation.id"], name=f"fk_{table}_organisation_id",
        ondelete="CASCADE",
    )  # fmt: skip


def _org_col() -> sa.Column[Any]:
    return sa.Column("organisation_id", sa.Integer(), nullable=False)


def _org_index(table: str) -> None:
    op.create_index(f"ix_{table}_organisation_id", table, ["organisation_id"], unique=False)


def _tenancy_tables() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("workspace_path", sa.String(1000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisation"),
        sa.UniqueConstraint("slug", name="uq_organisation_slug"),
    )
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("locale", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
        sa.UniqueConstraint("email", name="uq_user_account_email"),
    )
    op.create_table(
        "membership",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name="fk_membership_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_membership_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "organisation_id", name="pk_membership"),
    )  # fmt: skip
    _org_index("membership")
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_web_session_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_web_session"),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"], unique=False)
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        _org_col(),
        _org_fk("api_token"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_api_token_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    _org_index("api_token")
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"], unique=False)


def _server_tables() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        _org_col(),
        _org_fk("audit_entry"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
        sqlite_autoincrement=True,
    )
    _org_index("audit_entry")
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("progress", sa.Double(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=True),
        sa.Column("worker", sa.String(100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _org_col(),
        _org_fk("job"),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
        sqlite_autoincrement=True,
    )
    _org_index("job")
    op.create_index("ix_job_status", "job", ["status"], unique=False)
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_code", sa.String(60), nullable=True),
        sa.Column("ownership_pct", sa.Double(), nullable=False),
        sa.Column("operational_control", sa.Boolean(), nullable=False),
        sa.Column("financial_control", sa.Boolean(), nullable=False),
        sa.Column("country", sa.String(10), nullable=False),
        _org_col(),
        _org_fk("entity"),
        sa.PrimaryKeyConstraint("id", name="pk_entity"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_entity_organisation_id_code"),
    )
    _org_index("entity")
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("entity_code", sa.String(60), nullable=False),
        sa.Column("region", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        _org_col(),
        sa.ForeignKeyConstraint(
            ["organisation_id", "entity_code"], ["entity.organisation_id", "entity.code"],
            name="fk_site_organisation_id_entity_code",
        ),
        _org_fk("site"),
        sa.PrimaryKeyConstraint("id", name="pk_site"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_site_organisation_id_code"),
    )  # fmt: skip
    _org_index("site")
    op.create_table(
        "factor_set",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("publisher", sa.String(300), nullable=False),
        sa.Column("dataset", sa.String(300), nullable=False),
        sa.Column("edition", sa.String(100), nullable=False),
        sa.Column("licence", sa.String(100), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("factors", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _org_col(),
        _org_fk("factor_set"),
        sa.PrimaryKeyConstraint("id", name="pk_factor_set"),
        sa.UniqueConstraint("organisation_id", "name", name="uq_factor_set_organisation_id_name"),
    )
    _org_index("factor_set")


def _workspace_tables() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("template", sa.String(50), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("activities_file", sa.String(200), nullable=True),
        sa.Column("instruments_file", sa.String(200), nullable=True),
        sa.Column("source_file", sa.String(200), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_by", sa.String(64), nullable=True),
        _org_col(),
        _org_fk("import_batch"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_import_batch"),
        sa.UniqueConstraint("organisation_id", "seq", name="uq_import_batch_organisation_id_seq"),
    )
    _org_index("import_batch")
    op.create_table(
        "quarantined_row",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        _org_col(),
        sa.ForeignKeyConstraint(
            ["organisation_id", "batch_id"], ["import_batch.organisation_id", "import_batch.id"],
            name="fk_quarantined_row_organisation_id_batch_id", ondelete="CASCADE",
        ),
        _org_fk("quarantined_row"),
        sa.PrimaryKeyConstraint("id", name="pk_quarantined_row"),
    )  # fmt: skip
    op.create_index("ix_quarantined_row_batch_id", "quarantined_row", ["batch_id"], unique=False)
    _org_index("quarantined_row")
    op.create_table(
        "snapshot",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("gwp_set", sa.String(10), nullable=False),
        sa.Column("consolidation", sa.String(30), nullable=False),
        sa.Column("total_market_t", sa.Double(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("inventory", sa.JSON(), nullable=False),
        sa.Column("emissions_file", sa.String(200), nullable=False),
        _org_col(),
        _org_fk("snapshot"),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_snapshot"),
    )
    op.create_index("ix_snapshot_fiscal_year", "snapshot", ["fiscal_year"], unique=False)
    _org_index("snapshot")
    op.create_table(
        "change_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("base_year_effect_t", sa.Double(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("applied_in_version", sa.Integer(), nullable=True),
        _org_col(),
        _org_fk("change_record"),
        sa.PrimaryKeyConstraint("id", name="pk_change_record"),
    )
    _org_index("change_record")
    op.create_table(
        "base_year_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fiscal_year", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.String(64), nullable=False),
        sa.Column("total_t", sa.Double(), nullable=False),
        sa.Column("adjustments_t", sa.Double(), nullable=False),
        sa.Column("change_pct", sa.Double(), nullable=False),
        sa.Column("threshold_pct", sa.Double(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _org_col(),
        _org_fk("base_year_version"),
        sa.PrimaryKeyConstraint("id", name="pk_base_year_version"),
    )
    _org_index("base_year_version")


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")
    return s or "default"


def _legacy_organisation(conn: sa.Connection) -> int | None:
    """Create the organisation that receives the existing rows (None when there are none)."""
    if not any(conn.execute(sa.text(f"SELECT 1 FROM _legacy_{t} LIMIT 1")).first() for t in LEGACY):
        return None
    spec: dict[str, Any] = dict(context.config.attributes.get("legacy_organisation") or {})
    name = str(spec.get("name") or "Default organisation")
    conn.execute(
        sa.text(
            "INSERT INTO organisation (slug, name, workspace_path, created_at) "
            "VALUES (:slug, :name, :path, :at)"
        ),
        {
            "slug": str(spec.get("slug") or _slug(name)),
            "name": name,
            "path": spec.get("workspace_path"),
            "at": datetime.now(UTC).replace(tzinfo=None),
        },
    )
    return int(conn.execute(sa.text("SELECT max(id) FROM organisation")).scalar_one())


def upgrade() -> None:
    conn = op.get_bind()
    for table, index in LEGACY_INDEXES.items():
        op.drop_index(index, table_name=table)
    for table in LEGACY:
        op.rename_table(table, f"_legacy_{table}")
    _tenancy_tables()
    _server_tables()
    _workspace_tables()
    org = _legacy_organisation(conn)
    if org is not None:
        for table in LEGACY:
            cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
            conn.execute(
                sa.text(
                    f"INSERT INTO {table} (organisation_id, {cols}) "
                    f"SELECT :org, {cols} FROM _legacy_{table}"
                ),
                {"org": org},
            )
        if conn.dialect.name == "postgresql":
            for table in ("quarantined_row", "change_record", "base_year_version"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce(max(id), 0) + 1, false) FROM {table}"
                    )
                )
    for table in reversed(LEGACY):
        op.drop_table(f"_legacy_{table}")


def downgrade() -> None:
    raise NotImplementedError("lingtan does not downgrade a store; restore a backup instead")
