"""Organisations (tenants), users, memberships and the permission matrix of the roles.

An organisation is a tenant: every tenant-owned row belongs to exactly one (:mod:`.scoping`).
A user may belong to several organisations, with one role in each:

==========  ====  ==========  =========  ==============  ==========
role        read  read_audit  edit_data  manage_members  manage_org
==========  ====  ==========  =========  ==============  ==========
owner       yes   yes         yes        yes             yes
admin       yes   yes         yes        yes             no
analyst     yes   no          yes        no              no
viewer      yes   no          no         no              no
auditor     yes   yes         no         no              no
==========  ====  ==========  =========  ==============  ==========

"read" covers inventories, lineage (down to the activity rows), factors, imports and
quarantined rows; an auditor (ISO 14064-3 verifier) reads everything including the audit log
and changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, false, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now

Action = Literal["read", "read_audit", "edit_data", "manage_members", "manage_org"]
ACTIONS: tuple[Action, ...] = ("read", "read_audit", "edit_data", "manage_members", "manage_org")


class Role(StrEnum):
    """A member's role in one organisation."""

    OWNER = "owner"
    ADMIN = "admin"
    ANALYST = "analyst"
    VIEWER = "viewer"
    AUDITOR = "auditor"


PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.OWNER: frozenset(ACTIONS),
    Role.ADMIN: frozenset({"read", "read_audit", "edit_data", "manage_members"}),
    Role.ANALYST: frozenset({"read", "edit_data"}),
    Role.VIEWER: frozenset({"read"}),
    Role.AUDITOR: frozenset({"read", "read_audit"}),
}


def can(role: Role | str, action: str) -> bool:
    """True when ``role`` may perform ``action`` (one of :data:`ACTIONS`).

    Raises:
        ValueError: unknown role or action.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return action in PERMISSIONS[Role(role)]


class Organisation(Base):
    """A tenant: a company or group running its carbon programme in lingtan.

    ``workspace_path`` is its workspace folder (Parquet batches, snapshots, lingtan.yaml)."""

    __tablename__ = "organisation"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    workspace_path: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class User(Base):
    """A person who logs in (argon2 password hash; :mod:`.auth`)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(10), default="zh-CN")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: when the user last set their password (None: never since the account was made)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: optional second factor (:mod:`.totp`): the secret, whether it is confirmed, last step used
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: sha256 digests of the unused recovery codes, a JSON list (:mod:`.recovery_codes`)
    totp_recovery: Mapped[str | None] = mapped_column(Text, nullable=True)


class Membership(Base):
    """A user's role in one organisation."""

    __tablename__ = "membership"
    __audited__ = True

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


def organisation_by_slug(db: Session, slug: str) -> Organisation | None:
    """The organisation named ``slug``."""
    return db.scalar(select(Organisation).where(Organisation.slug == slug))


def membership(db: Session, user_id: int, organisation_id: int) -> Membership | None:
    """The user's membership of an organisation (None = not a member)."""
    return db.get(Membership, (user_id, organisation_id))


def memberships_of(db: Session, user_id: int) -> list[tuple[Organisation, Role]]:
    """The organisations a user belongs to, by name, with the role in each."""
    rows = db.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user_id)
        .order_by(Organisation.name, Organisation.id)
    )
    return [(org, Role(role)) for org, role in rows]


def members_of(db: Session, organisation_id: int) -> list[tuple[User, Role]]:
    """The users of an organisation, by email, with their roles."""
    rows = db.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id)
        .order_by(User.email)
    )
    return [(user, Role(role)) for user, role in rows]


def user_by_email(db: Session, email: str) -> User | None:
    """The user with this e-mail address (case-insensitive)."""
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def normalise_email(email: str) -> str:
    """E-mail addresses are compared in lower case, without surrounding blanks."""
    return email.strip().lower()
