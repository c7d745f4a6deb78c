"""Organisations, members and API tokens.

Members join only by invitation (:mod:`.accounts`, decision 0034): no function here creates an
account or sets a password."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lingtan.adapters.services.context import TenantContext, get_or_404
from lingtan.adapters.services.errors import conflict, forbidden, invalid, not_found
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import auth
from lingtan.adapters.store.auth import ApiToken
from lingtan.adapters.store.bootstrap import create_organisation as _create_org
from lingtan.adapters.store.models import utcnow
from lingtan.adapters.store.tenancy import (
    Membership,
    Organisation,
    Role,
    User,
    members_of,
    memberships_of,
    organisation_by_slug,
)
from lingtan.core.errors import WorkspaceError


def list_organisations(db: Session, user: User) -> list[tuple[Organisation, Role]]:
    """The organisations ``user`` belongs to, with the role in each (by name)."""
    return memberships_of(db, user.id)


def create_organisation(
    db: Session,
    user: User,
    *,
    slug: str,
    name: str,
    settings: ServerSettings,
    region: str = "CN",
    fiscal_year_start_month: int = 4,
) -> Organisation:
    """A new organisation (and its workspace folder) owned by ``user``.

    Raises:
        ServiceError: 409 when the slug is taken.
    """
    if organisation_by_slug(db, slug) is not None:
        raise conflict(f"organisation slug {slug!r} is taken", "slug")
    folder = (settings.data_dir / "orgs" / slug).resolve()
    if folder.exists():
        raise conflict(f"a workspace folder for {slug!r} exists already", "slug")
    try:
        org = _create_org(
            db,
            slug=slug,
            name=name,
            data_dir=settings.data_dir,
            region=region,
            start_month=fiscal_year_start_month,
        )
        db.add(Membership(user_id=user.id, organisation_id=org.id, role=Role.OWNER.value))
        db.commit()
    except WorkspaceError as exc:
        db.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise invalid(str(exc), "slug") from exc
    except BaseException:
        db.rollback()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return org


def rename_organisation(db: Session, tenant: TenantContext, name: str) -> Organisation:
    """Change the organisation's display name."""
    org = tenant.organisation
    org.name = name
    db.commit()
    return org


# -- members ------------------------------------------------------------------------------------


def list_members(db: Session, tenant: TenantContext) -> list[tuple[User, Role]]:
    """Members of the organisation, by e-mail."""
    return members_of(db, tenant.organisation_id)


def _owners(db: Session, organisation_id: int) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.role == Role.OWNER.value,
            )
        )
        or 0
    )


def _check_role_change(tenant: TenantContext, old: Role | None, new: Role | None) -> None:
    if Role.OWNER in (old, new) and tenant.role != Role.OWNER:
        raise forbidden("only an owner may grant or take away the owner role")


def _member(db: Session, tenant: TenantContext, user_id: int) -> Membership:
    return get_or_404(db, Membership, (user_id, tenant.organisation_id), f"member {user_id}")


def change_member_role(db: Session, tenant: TenantContext, user_id: int, role: Role) -> Membership:
    """Change a member's role (an organisation keeps at least one owner)."""
    m = _member(db, tenant, user_id)
    old = Role(m.role)
    _check_role_change(tenant, old, role)
    if old == Role.OWNER and role != Role.OWNER and _owners(db, tenant.organisation_id) <= 1:
        raise conflict("the organisation needs at least one owner", "role")
    m.role = role.value
    db.commit()
    return m


def remove_member(db: Session, tenant: TenantContext, user_id: int) -> None:
    """Remove a member (not the last owner); their tokens here are revoked."""
    m = _member(db, tenant, user_id)
    old = Role(m.role)
    _check_role_change(tenant, old, None)
    if old == Role.OWNER and _owners(db, tenant.organisation_id) <= 1:
        raise conflict("the organisation needs at least one owner")
    for tok in db.scalars(select(ApiToken).where(ApiToken.user_id == user_id)):
        if tok.revoked_at is None:
            tok.revoked_at = utcnow()
    db.delete(m)
    db.commit()


# -- tokens -------------------------------------------------------------------------------------


def list_tokens(db: Session, tenant: TenantContext) -> list[ApiToken]:
    """The caller's tokens in this organisation (every member's for owners and admins)."""
    q = select(ApiToken).order_by(ApiToken.id)
    if not tenant.can("manage_members"):
        q = q.where(ApiToken.user_id == tenant.user.id)
    return list(db.scalars(q))


def create_token(
    db: Session,
    tenant: TenantContext,
    name: str,
    *,
    scope: str = "admin",
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token of the caller in this organisation; returns it and the secret (once).

    A token may not make a token of a wider scope than its own (ASVS V3.5).

    Raises:
        ServiceError: 403 a wider scope than the calling token's.
    """
    calling = db.info.get(auth.TOKEN_SCOPE_KEY)
    if calling is not None and not auth.SCOPES[scope] <= auth.SCOPES[calling]:
        raise forbidden(f"a {calling} token may not make a {scope} token")
    expires = None if expires_in_days is None else utcnow() + timedelta(days=expires_in_days)
    secret = auth.create_token(
        db, tenant.user, tenant.organisation, name, scope=scope, expires_at=expires
    )
    tok = db.scalar(select(ApiToken).where(ApiToken.token_hash == auth._digest(secret)))
    assert tok is not None
    return tok, secret


def revoke_token(db: Session, tenant: TenantContext, token_id: int) -> ApiToken:
    """Revoke a token: one's own, or any member's for owners and admins.

    Raises:
        ServiceError: 404 no such token here (or another member's, for others).
    """
    tok = db.get(ApiToken, token_id)
    if tok is None or (tok.user_id != tenant.user.id and not tenant.can("manage_members")):
        raise not_found(f"token {token_id}")
    if tok.revoked_at is None:
        auth.revoke_token(db, token_id)
    return tok


def workspace_folder(tenant: TenantContext) -> Path:
    """The organisation's workspace folder (for pages that link files)."""
    path = tenant.organisation.workspace_path
    if not path:
        raise conflict("the organisation has no workspace folder")
    return Path(path)
