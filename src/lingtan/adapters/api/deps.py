"""Typed request dependencies: the store session, the caller, the organisation (tenant).

- :data:`DbDep`: a store session for the request (not yet scoped to an organisation);
- :data:`CurrentUser`: the user of a bearer token (``Authorization: Bearer lt_…``) or of the
  session cookie (``lingtan_session``; ``__Host-lingtan_session`` over https:
  :mod:`.session_cookie`); 401 otherwise; 403 ``second_factor_required`` while the server
  requires a second factor of the user's role and they have none (outside the enrolment);
- :data:`Tenant`: the organisation named by the ``{org}`` path parameter, after checking the
  caller is a member (404 otherwise, so that another organisation's existence is not revealed;
  a token only opens its own organisation) — from here on the session is scoped to it;
- :func:`require`: the tenant, when the caller's role allows an action (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from lingtan.adapters.api.csrf_api import check_cookie_request
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.session_cookie import session_id
from lingtan.adapters.api.store_slots import store_slot
from lingtan.adapters.services import TenantContext, open_tenant
from lingtan.adapters.services.errors import forbidden
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import second_factor
from lingtan.adapters.store.auth import (
    SCOPES,
    SESSION_COOKIE,
    TOKEN_SCOPE_KEY,
    token_grant,
    user_for_web_session,
)
from lingtan.adapters.store.bootstrap import SLUG_PATTERN
from lingtan.adapters.store.scoping import ACTOR_KEY, request_session
from lingtan.adapters.store.tenancy import Action, User, can

bearer_scheme = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer lt_…`")


class SessionCookie(APIKeyCookie):
    """The session cookie as the OpenAPI document names it, read under the server's name for
    it (``__Host-`` prefixed over https: :func:`.session_cookie.cookie_name`, ASVS V3.4.4)."""

    async def __call__(self, request: HTTPConnection) -> str | None:
        return self.check_api_key(session_id(request))


cookie_scheme = SessionCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description=(
        f"Browser session (POST /auth/login); named `__Host-{SESSION_COOKIE}` when the server"
        " is served over https"
    ),
)


def get_engine(request: Request) -> Engine:
    """The store engine of the app."""
    engine: Engine = request.app.state.engine
    return engine


def get_settings(request: Request) -> ServerSettings:
    """The server settings of the app."""
    settings: ServerSettings = request.app.state.settings
    return settings


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[ServerSettings, Depends(get_settings)]


def get_db(_slot: Annotated[None, Depends(store_slot)], engine: EngineDep) -> Iterator[Session]:
    """A store session for one request (services commit what they change), on the request's
    one connection: every store access of the request (its workspace's sessions, bookkeeping
    writes) uses it, and the request holds a slot (:mod:`.store_slots`) while it does, so that
    no request waits for a second connection (decision 0038)."""
    with engine.connect() as conn, request_session(conn) as db:
        yield db


DbDep = Annotated[Session, Depends(get_db)]


#: what a user who must still enrol a second factor may reach (``LINGTAN_REQUIRE_SECOND_FACTOR``)
ENROLMENT_PATHS = ("/api/v1/auth/me", "/api/v1/auth/logout", "/api/v1/auth/totp/")


def _enrolled(request: Request, db: Session, user: User) -> User:
    """``user``, unless the server requires a second factor of one of their roles and they have
    none: then 403 ``second_factor_required`` outside :data:`ENROLMENT_PATHS` (ASVS V2.8)."""
    roles = get_settings(request).require_second_factor
    exempt = request.url.path.startswith(ENROLMENT_PATHS)
    if roles and not exempt and second_factor.missing(db, user, roles):
        raise ApiError(
            403,
            "second_factor_required",
            "enrol a second factor first (POST /auth/totp/setup, then /auth/totp/enable)",
        )
    return user


def get_current_user(
    request: Request,
    db: DbDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> User:
    """The caller: bearer token first, else the session cookie.

    Raises:
        ApiError: 401 when neither identifies an enabled user.
    """
    request.state.token_organisation_id = None
    if bearer is not None:
        found = token_grant(db, bearer.credentials)
        if found is None:
            raise ApiError(401, "unauthorized", "invalid, expired or revoked API token")
        user, org, scope = found
        db.info[TOKEN_SCOPE_KEY] = scope  # ASVS V3.5: the lesser of scope and role (require)
        request.state.token_organisation_id = org.id
        db.info[ACTOR_KEY] = f"{user.email} (token)"
        return _enrolled(request, db, user)
    if cookie:
        user_or_none = user_for_web_session(db, cookie)
        if user_or_none is not None:
            check_cookie_request(request, cookie)  # CSRF, ASVS V4.2.2 (decision 0035)
            db.info[ACTOR_KEY] = user_or_none.email
            return _enrolled(request, db, user_or_none)
    raise ApiError(401, "unauthorized", "log in (session cookie) or send a bearer token")


CurrentUser = Annotated[User, Depends(get_current_user)]
OrgSlug = Annotated[str, Path(description="Organisation slug", pattern=SLUG_PATTERN, max_length=60)]


def get_tenant(
    request: Request,
    org: OrgSlug,
    user: CurrentUser,
    db: DbDep,
    engine: EngineDep,
    settings: SettingsDep,
) -> TenantContext:
    """The organisation of the request, checked, and the caller's role in it; scopes ``db``.

    Raises:
        ApiError: 404 when the organisation does not exist, the caller is not a member, or
            the token belongs to another organisation.
    """
    return open_tenant(
        db,
        user,
        org,
        engine=engine,
        settings=settings,
        actor=str(db.info.get(ACTOR_KEY, user.email)),
        token_organisation_id=getattr(request.state, "token_organisation_id", None),
    )


Tenant = Annotated[TenantContext, Depends(get_tenant)]


def require(action: Action) -> Callable[[TenantContext, Session], TenantContext]:
    """A dependency giving the tenant when the caller's role allows ``action`` (403 if not)."""

    def check(tenant: Tenant, db: DbDep) -> TenantContext:
        if not can(tenant.role, action):
            raise forbidden(f"role {tenant.role.value} may not {action.replace('_', ' ')}")
        scope = db.info.get(TOKEN_SCOPE_KEY)
        if scope is not None and action not in SCOPES[scope]:
            raise forbidden(f"a {scope} token may not {action.replace('_', ' ')}")
        if action in ("edit_data", "manage_members"):  # read-only while deletion is pending
            from lingtan.adapters.services.lifecycle import refuse_if_pending

            refuse_if_pending(db, tenant.organisation_id)
        return tenant

    check.__name__ = f"require_{action}"
    return check


Reader = Annotated[TenantContext, Depends(require("read"))]
Editor = Annotated[TenantContext, Depends(require("edit_data"))]
AuditReader = Annotated[TenantContext, Depends(require("read_audit"))]
MemberManager = Annotated[TenantContext, Depends(require("manage_members"))]
OrgManager = Annotated[TenantContext, Depends(require("manage_org"))]
