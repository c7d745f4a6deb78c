"""``/auth``: log in and out (browser session cookie), who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from lingtan.adapters.api import services
from lingtan.adapters.api.deps import CurrentUser, DbDep, SettingsDep
from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.api.routes.common import errors
from lingtan.adapters.api.schemas import LoginIn, MePublic, OrganisationPublic, UserPublic
from lingtan.adapters.store import auth as store_auth
from lingtan.adapters.store.auth import SESSION_COOKIE, SESSION_DAYS
from lingtan.adapters.store.tenancy import User

router = APIRouter(prefix="/auth", tags=["auth"])


def me_document(db: DbDep, user: User) -> MePublic:
    """The user and their organisations with roles."""
    orgs = [
        OrganisationPublic(id=o.id, slug=o.slug, name=o.name, created_at=o.created_at, role=role)
        for o, role in services.list_organisations(db, user)
    ]
    return MePublic(user=UserPublic.model_validate(user), organisations=orgs)


@router.post("/login", responses=errors(401, 422))
def login(body: LoginIn, response: Response, db: DbDep, settings: SettingsDep) -> MePublic:
    """Log in with e-mail and password; sets the ``lingtan_session`` cookie (HttpOnly,
    SameSite=Lax)."""
    user = store_auth.authenticate(db, body.email, body.password)
    if user is None:
        raise ApiError(401, "unauthorized", "wrong e-mail or password")
    sid = store_auth.create_web_session(db, user)
    response.set_cookie(
        SESSION_COOKIE,
        sid,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        path="/",
    )
    return me_document(db, user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, response: Response, db: DbDep) -> None:
    """End the browser session (no-op without one)."""
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        store_auth.end_web_session(db, sid)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", responses=errors(401))
def me(db: DbDep, user: CurrentUser) -> MePublic:
    """The logged-in user (session or token) and their organisations."""
    return me_document(db, user)
