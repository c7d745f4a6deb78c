"""OpenID Connect sign-in (issue 11 item 2, decision 0040).

New tables, nothing existing is rebuilt (the same upgrade on SQLite and PostgreSQL):

- ``identity_provider``: an organisation's provider (issuer, client id and secret, name);
- ``external_identity``: (issuer, subject) at an organisation's provider, linked to a user;
- ``oidc_login_state``: pending sign-ins, keyed by the sha256 of their ``state``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "identity_provider",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("client_id", sa.String(255), nullable=False),
        sa.Column("client_secret", sa.String(500), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"],
            name="fk_identity_provider_organisation_id", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_identity_provider"),
        sa.UniqueConstraint("organisation_id", name="uq_identity_provider_organisation_id"),
    )  # fmt: skip
    op.create_index(
        "ix_identity_provider_organisation_id", "identity_provider", ["organisation_id"]
    )
    op.create_table(
        "external_identity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issuer", sa.String(500), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name="fk_external_identity_user_id",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"],
            name="fk_external_identity_organisation_id", ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_external_identity"),
        sa.UniqueConstraint(
            "organisation_id", "issuer", "subject",
            name="uq_external_identity_organisation_id_issuer_subject",
        ),
    )  # fmt: skip
    op.create_index("ix_external_identity_user_id", "external_identity", ["user_id"])
    op.create_index(
        "ix_external_identity_organisation_id", "external_identity", ["organisation_id"]
    )
    op.create_table(
        "oidc_login_state",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("browser_hash", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("next_url", sa.String(2000), nullable=False),
        sa.Column("link_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"],
            name="fk_oidc_login_state_organisation_id", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["link_user_id"], ["user_account.id"], name="fk_oidc_login_state_link_user_id",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_login_state"),
    )  # fmt: skip
    op.create_index("ix_oidc_login_state_organisation_id", "oidc_login_state", ["organisation_id"])
    op.create_index("ix_oidc_login_state_expires_at", "oidc_login_state", ["expires_at"])


def downgrade() -> None:
    """Drop the three tables (configured providers and links are lost)."""
    op.drop_table("oidc_login_state")
    op.drop_table("external_identity")
    op.drop_table("identity_provider")
