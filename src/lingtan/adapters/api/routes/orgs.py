"""``/orgs``: organisations, their members and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from lingtan.adapters.api import services
from lingtan.adapters.api.deps import (
    CurrentUser,
    DbDep,
    MemberManager,
    OrgManager,
    Reader,
    SettingsDep,
)
from lingtan.adapters.api.routes.common import READ_ERRORS, WRITE_ERRORS, IdPath, errors
from lingtan.adapters.api.schemas import (
    MemberCreate,
    MemberPublic,
    MemberUpdate,
    OrganisationCreate,
    OrganisationPublic,
    OrganisationUpdate,
    TokenCreate,
    TokenCreated,
    TokenPublic,
)
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


@router.post("/{org}/members", status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS)
def add_member(body: MemberCreate, db: DbDep, tenant: MemberManager) -> MemberPublic:
    """Give a user (by e-mail) a role; an unknown e-mail creates the user (password
    required). Only an owner grants the owner role."""
    u, r = services.add_member(
        db, tenant, email=body.email, role=body.role, name=body.name, password=body.password
    )
    return MemberPublic(user_id=u.id, email=u.email, name=u.name, role=r)


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
def create_token(body: TokenCreate, db: DbDep, tenant: Reader) -> TokenCreated:
    """A new API token of the caller in this organisation; the secret is shown once."""
    tok, secret = services.create_token(db, tenant, body.name)
    return TokenCreated(**TokenPublic.model_validate(tok).model_dump(), token=secret)


@router.delete("/{org}/tokens/{token_id}", responses=WRITE_ERRORS)
def revoke_token(token_id: IdPath, db: DbDep, tenant: Reader) -> TokenPublic:
    """Revoke a token (one's own; owners and admins: any member's)."""
    return TokenPublic.model_validate(services.revoke_token(db, tenant, token_id))
