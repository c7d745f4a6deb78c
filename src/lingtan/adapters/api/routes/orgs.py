"""``/orgs``: organisations, their members (joined by invitation), API tokens and lockouts."""

from __future__ import annotations

from fastapi import APIRouter, status

from lingtan.adapters import services
from lingtan.adapters.api.deps import (
    CurrentUser,
    DbDep,
    MemberManager,
    OrgManager,
    Reader,
    SettingsDep,
)
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath, errors
from lingtan.adapters.api.schemas.accounts import (
    InvitationCreate,
    InvitationCreatedPublic,
    InvitationPublic,
    LockoutPublic,
    ResetLinkPublic,
)
from lingtan.adapters.api.schemas.orgs import (
    MemberPublic,
    MemberUpdate,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    TokenCreate,
    TokenCreatedPublic,
    TokenPublic,
)
from lingtan.adapters.services import accounts
from lingtan.adapters.store.invitations import Invitation
from lingtan.adapters.store.tenancy import Role

router = APIRouter(prefix="/orgs", tags=["organisations"])


@router.get("", responses=errors(401))
def list_organisations(db: DbDep, user: CurrentUser) -> list[OrganisationPublic]:
    """The caller's organisations, with the role in each."""
    return [
        OrganisationPublic(id=o.id, slug=o.slug, name=o.name, created_at=o.created_at, role=r)
        for o, r in services.list_organisations(db, user)
    ]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(401, 409, 422))
def create_organisation(
    body: OrganisationCreate, db: DbDep, user: CurrentUser, settings: SettingsDep
) -> OrganisationPublic:
    """A new organisation with its workspace; the caller becomes its owner."""
    org = services.create_organisation(
        db,
        user,
        slug=body.slug,
        name=body.name,
        settings=settings,
        region=body.region.upper(),
        fiscal_year_start_month=body.fiscal_year_start_month,
    )
    return OrganisationPublic(
        id=org.id, slug=org.slug, name=org.name, created_at=org.created_at, role=Role.OWNER
    )


@router.get("/{org}", responses=READ_ERRORS)
def get_organisation(tenant: Reader) -> OrganisationPublic:
    """One organisation (the caller's role included)."""
    o = tenant.organisation
    return OrganisationPublic(
        id=o.id, slug=o.slug, name=o.name, created_at=o.created_at, role=tenant.role
    )


@router.patch("/{org}", responses=WRITE_ERRORS)
def update_organisation(
    body: OrganisationUpdate, db: DbDep, tenant: OrgManager
) -> OrganisationPublic:
    """Rename the organisation (owner)."""
    o = services.rename_organisation(db, tenant, body.name)
    return OrganisationPublic(
        id=o.id, slug=o.slug, name=o.name, created_at=o.created_at, role=tenant.role
    )


@router.get("/{org}/members", responses=READ_ERRORS)
def list_members(db: DbDep, tenant: Reader) -> list[MemberPublic]:
    """Members and their roles."""
    return [
        MemberPublic(user_id=u.id, email=u.email, name=u.name, role=r)
        for u, r in services.list_members(db, tenant)
    ]


@router.post("/{org}/invitations", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def invite_member(
    body: InvitationCreate, db: DbDep, tenant: MemberManager
) -> InvitationCreatedPublic:
    """Invite an e-mail address with a role (only an owner invites owners). The answer holds
    the single-use accept link, shown this once: pass it on to the person (lingtan sends no
    mail). A new address chooses its own password there; an existing account joins only when
    its owner, logged in, accepts. No organisation sets or learns a password."""
    inv, url = accounts.invite_member(db, tenant, email=body.email, role=body.role)
    return InvitationCreatedPublic(**_invitation(inv).model_dump(), accept_url=url)


def _invitation(inv: Invitation) -> InvitationPublic:
    return InvitationPublic(
        id=inv.id,
        email=inv.email,
        role=Role(inv.role),
        created_at=inv.created_at,
        expires_at=inv.expires_at,
        accepted_at=inv.accepted_at,
        revoked_at=inv.revoked_at,
        state=inv.state(),  # type: ignore[arg-type]
    )


@router.get("/{org}/invitations", responses=WRITE_ERRORS)
def list_invitations(db: DbDep, tenant: MemberManager) -> list[InvitationPublic]:
    """The organisation's invitations, newest first (owners and admins)."""
    return [_invitation(i) for i in accounts.list_invitations(db, tenant)]


@router.delete("/{org}/invitations/{invitation_id}", responses=WRITE_ERRORS)
def revoke_invitation(invitation_id: IdPath, db: DbDep, tenant: MemberManager) -> InvitationPublic:
    """Revoke a pending invitation (its link stops working)."""
    return _invitation(accounts.revoke_invitation(db, tenant, invitation_id))


@router.post(
    "/{org}/members/{user_id}/reset-link",
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def member_reset_link(user_id: IdPath, db: DbDep, tenant: MemberManager) -> ResetLinkPublic:
    """A single-use password-reset link for a member, shown once: pass it on to them (the
    admin never sets or learns the password). Only for an account all of whose organisations
    the caller manages members of (owners: only by owners); using it ends every session and
    revokes every API token of the account."""
    user, url, expires = accounts.issue_reset_link(db, tenant, user_id)
    return ResetLinkPublic(user_id=user.id, email=user.email, expires_at=expires, reset_url=url)


@router.get("/{org}/lockouts", responses=WRITE_ERRORS)
def member_lockouts(db: DbDep, tenant: MemberManager) -> list[LockoutPublic]:
    """Temporary lockouts of members' accounts after failed logins (last 30 days, newest
    first; owners and admins)."""
    return [
        LockoutPublic(
            user_id=lock.user_id,
            email=email,
            address=lock.address,
            failures=lock.failures,
            created_at=lock.created_at,
            locked_until=lock.locked_until,
        )
        for lock, email in accounts.member_lockouts(db, tenant)
    ]


@router.patch("/{org}/members/{user_id}", responses=WRITE_ERRORS)
def update_member(
    user_id: IdPath, body: MemberUpdate, db: DbDep, tenant: MemberManager
) -> MemberPublic:
    """Change a member's role (the organisation keeps at least one owner)."""
    services.change_member_role(db, tenant, user_id, body.role)
    for u, r in services.list_members(db, tenant):
        if u.id == user_id:
            return MemberPublic(user_id=u.id, email=u.email, name=u.name, role=r)
    raise AssertionError("member vanished")  # pragma: no cover


@router.delete(
    "/{org}/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=WRITE_ERRORS
)
def remove_member(user_id: IdPath, db: DbDep, tenant: MemberManager) -> None:
    """Remove a member (their tokens here are revoked)."""
    services.remove_member(db, tenant, user_id)


@router.get("/{org}/tokens", responses=READ_ERRORS)
def list_tokens(db: DbDep, tenant: Reader) -> list[TokenPublic]:
    """The caller's API tokens here (every member's for owners and admins)."""
    return [TokenPublic.model_validate(t) for t in services.list_tokens(db, tenant)]


@router.post("/{org}/tokens", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def create_token(body: TokenCreate, db: DbDep, tenant: Reader) -> TokenCreatedPublic:
    """A new API token of the caller in this organisation, with a scope (``read``, ``write``,
    ``admin``: it grants the lesser of the scope and the caller's role) and an optional expiry;
    the secret is shown once."""
    tok, secret = services.create_token(
        db, tenant, body.name, scope=body.scope, expires_in_days=body.expires_in_days
    )
    return TokenCreatedPublic(**TokenPublic.model_validate(tok).model_dump(), token=secret)


@router.delete("/{org}/tokens/{token_id}", responses=WRITE_ERRORS)
def revoke_token(token_id: IdPath, db: DbDep, tenant: Reader) -> TokenPublic:
    """Revoke a token (one's own; owners and admins: any member's)."""
    return TokenPublic.model_validate(services.revoke_token(db, tenant, token_id))
