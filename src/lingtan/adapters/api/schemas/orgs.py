"""Organisations, their members and API tokens (``/orgs``, ``/orgs/{org}/members``,
``/orgs/{org}/tokens``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from lingtan.adapters.api.schemas.common import (
    Email,
    FromAttributes,
    Name,
    OptionalName,
    Password,
    Region,
    Slug,
    UtcDateTime,
)
from lingtan.adapters.store.tenancy import Role

# -- organisations ----------------------------------------------------------------------------


class OrganisationPublic(FromAttributes):
    """An organisation, with the caller's role in it."""

    id: int
    slug: str
    name: str
    created_at: UtcDateTime
    role: Role | None = None


class OrganisationCreate(BaseModel):
    """A new organisation; the caller becomes its owner."""

    slug: Slug
    name: Name
    region: Region = "CN"
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 4


class OrganisationUpdate(BaseModel):
    """Rename an organisation."""

    name: Name


# -- members ----------------------------------------------------------------------------------


class MemberCreate(BaseModel):
    """Add a user (by e-mail) with a role; a new user needs a password."""

    email: Email
    role: Role
    name: OptionalName = ""
    password: Password | None = None


class MemberUpdate(BaseModel):
    """Change a member's role."""

    role: Role


class MemberPublic(BaseModel):
    """A member of the organisation."""

    user_id: int
    email: str
    name: str
    role: Role


# -- API tokens -------------------------------------------------------------------------------


class TokenCreate(BaseModel):
    """A new API token (belongs to the caller, in one organisation). It grants the lesser of
    its ``scope`` and the caller's role (decision 0034); ``expires_in_days`` (optional) ends
    it."""

    name: Name
    scope: Literal["read", "write", "admin"] = "admin"
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class TokenPublic(FromAttributes):
    """An API token (never the secret)."""

    id: int
    name: str
    prefix: str
    user_id: int
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    scope: str
    expires_at: UtcDateTime | None


class TokenCreatedPublic(TokenPublic):
    """A token just created: ``token`` is shown this once."""

    token: str
