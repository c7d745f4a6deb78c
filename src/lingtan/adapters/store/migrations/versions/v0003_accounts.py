"""Accounts that belong to their owners: invitations, password-reset links, login throttling
and lockouts, session timeouts, token scopes and expiry (issue 11, decision 0034).

New tables: ``invitation`` (tenant-owned, audited), ``password_reset``, ``login_counter``,
``login_lockout``. New columns: ``web_session.last_seen_at`` and ``idle_s`` (idle timeout of
the session, 7200 s for sessions made before), ``api_token.scope`` (``admin`` for tokens made
before: they keep granting the user's role) and ``expires_at``,
``user_account.password_changed_at``, ``totp_secret``, ``totp_enabled``, ``totp_last_step``.
Columns are added with ``batch_alter_table`` (SQLite copies the table when it must; PostgreSQL
alters it in place).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the account tables and add the session, token and user columns."""
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name="fk_invitation_organisation_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["user_account.id"], name="fk_invitation_invited_by",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["user_account.id"], name="fk_invitation_accepted_by",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_invitation"),
        sa.UniqueConstraint("token_hash", name="uq_invitation_token_hash"),
    )  # fmt: skip
    op.create_index("ix_invitation_organisation_id", "invitation", ["organisation_id"])
    op.create_index("ix_invitation_email", "invitation", ["email"])
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("issued_by", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_password_reset_user_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_password_reset"),
        sa.UniqueConstraint("token_hash", name="uq_password_reset_token_hash"),
    )  # fmt: skip
    op.create_index("ix_password_reset_user_id", "password_reset", ["user_id"])
    op.create_table(
        "login_counter",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("key", sa.String(254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key", name="pk_login_counter"),
    )
    op.create_table(
        "login_lockout",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("key", sa.String(254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_login_lockout_user_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_login_lockout"),
    )  # fmt: skip
    op.create_index("ix_login_lockout_user_id", "login_lockout", ["user_id"])
    op.create_index("ix_login_lockout_created_at", "login_lockout", ["created_at"])
    with op.batch_alter_table("web_session") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("idle_s", sa.Integer(), nullable=False, server_default=sa.text("7200"))
        )
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("scope", sa.String(10), nullable=False, server_default="admin"))
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("password_changed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("totp_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop the columns and tables of :func:`upgrade`."""
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled")
        batch.drop_column("totp_secret")
        batch.drop_column("password_changed_at")
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("scope")
    with op.batch_alter_table("web_session") as batch:
        batch.drop_column("idle_s")
        batch.drop_column("last_seen_at")
    op.drop_index("ix_login_lockout_created_at", table_name="login_lockout")
    op.drop_index("ix_login_lockout_user_id", table_name="login_lockout")
    op.drop_table("login_lockout")
    op.drop_table("login_counter")
    op.drop_index("ix_password_reset_user_id", table_name="password_reset")
    op.drop_table("password_reset")
    op.drop_index("ix_invitation_email", table_name="invitation")
    op.drop_index("ix_invitation_organisation_id", table_name="invitation")
    op.drop_table("invitation")
