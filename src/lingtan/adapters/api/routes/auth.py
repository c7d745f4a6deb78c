"""``/auth``: log in and out (browser session cookie), who am I, one's password, invitation and
reset links (decision 0034).

Logins are throttled per account and per client address (429 with ``Retry-After``: ASVS
V2.2.1); every login starts a new session id (V3.2.1); a password change ends every other
session (V3.3.3); ``/auth/logout-all`` ends every session of the user (V3.3.4).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from lingtan.adapters import services
from lingtan.adapters.api.csrf_api import check_cookie_request
from lingtan.adapters.api.deps import CurrentUser, DbDep, SettingsDep
from lingtan.adapters.api.errors import ApiError, error_response
from lingtan.adapters.api.routes.common import errors
from lingtan.adapters.api.schemas.accounts import (
    InvitationAcceptanceCreate,
    InvitationOfferPublic,
    LoginCreate,
    MePublic,
    PasswordChangeCreate,
    PasswordResetCreate,
    RecoveryCodesPublic,
    SessionsEndedPublic,
    TotpCodeCreate,
    TotpProofCreate,
    TotpSecretPublic,
    TotpSetupCreate,
    UserPublic,
)
from lingtan.adapters.api.schemas.orgs import OrganisationPublic
from lingtan.adapters.api.session_cookie import (
    delete_session_cookie,
    session_id,
    set_session_cookie,
)
from lingtan.adapters.services import accounts
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import auth as store_auth
from lingtan.adapters.store.tenancy import Role, User

router = APIRouter(prefix="/auth", tags=["auth"])


def me_document(db: DbDep, user: User) -> MePublic:
    """The user and their organisations with roles."""
    orgs = [
        OrganisationPublic(id=o.id, slug=o.slug, name=o.name, created_at=o.created_at, role=role)
        for o, role in services.list_organisations(db, user)
    ]
    return MePublic(user=UserPublic.model_validate(user), organisations=orgs)


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a reverse proxy: the proxy's,
    unless the server runs with uvicorn's ``--proxy-headers``; docs/server.md)."""
    return request.client.host if request.client else ""


def throttled(exc: accounts.LoginThrottledError) -> JSONResponse:
    """The 429 answer of a locked login, with ``Retry-After`` [s]."""
    r = error_response(429, exc.code, exc.message)
    r.headers["Retry-After"] = str(exc.retry_after)
    return r


def _set_session(response: Response, sid: str, settings: ServerSettings) -> None:
    set_session_cookie(response, settings, sid)


@router.post("/login", responses=errors(401, 422, 429), response_model=MePublic)
def login(
    body: LoginCreate, request: Request, response: Response, db: DbDep, settings: SettingsDep
) -> MePublic | JSONResponse:
    """Log in with e-mail and password; sets the session cookie ``lingtan_session`` (HttpOnly,
    SameSite=Lax; ``__Host-lingtan_session``, Secure, when the server is served over https).
    Too many failures lock the account or the client address for a while (429 with
    ``Retry-After``; the right password is refused too until then)."""
    try:
        user = accounts.login(
            db, settings, body.email, body.password, client_address(request), body.otp
        )
    except accounts.LoginThrottledError as exc:
        return throttled(exc)
    _set_session(response, accounts.start_session(db, settings, user), settings)
    return me_document(db, user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, response: Response, db: DbDep, settings: SettingsDep) -> None:
    """End the browser session (no-op without one)."""
    sid = session_id(request)
    if sid:
        store_auth.end_web_session(db, sid)
    delete_session_cookie(response, settings)


@router.post("/logout-all", responses=errors(401))
def logout_all(
    response: Response, db: DbDep, user: CurrentUser, settings: SettingsDep
) -> SessionsEndedPublic:
    """End every web session of the caller, this one included (API tokens stay: revoke them
    under ``/orgs/{org}/tokens``)."""
    ended = store_auth.end_all_sessions(db, user.id)
    delete_session_cookie(response, settings)
    return SessionsEndedPublic(ended=ended)


@router.get("/me", responses=errors(401))
def me(db: DbDep, user: CurrentUser) -> MePublic:
    """The logged-in user (session or token) and their organisations."""
    return me_document(db, user)


@router.post("/password", responses=errors(401, 403, 422, 429), response_model=SessionsEndedPublic)
def change_password(
    body: PasswordChangeCreate,
    request: Request,
    response: Response,
    db: DbDep,
    user: CurrentUser,
    settings: SettingsDep,
) -> SessionsEndedPublic | JSONResponse:
    """Change one's own password (8 to 128 characters, any Unicode; the current password is
    asked again). Every web session of the user ends; a browser session that asked gets a new
    one. API tokens are kept (revoke them under ``/orgs/{org}/tokens``)."""
    try:
        ended = accounts.change_password(
            db, settings, user, body.current_password, body.new_password, client_address(request)
        )
    except accounts.LoginThrottledError as exc:
        return throttled(exc)
    if session_id(request) and request.headers.get("authorization") is None:
        _set_session(response, accounts.start_session(db, settings, user), settings)
    return SessionsEndedPublic(ended=ended)


@router.get("/invitations/{token}", responses=errors(404))
def invitation(token: str, db: DbDep) -> InvitationOfferPublic:
    """What an invitation link offers (organisation, address, role; whether the address has an
    account — then accept it logged in as that account)."""
    info = accounts.invitation_info(db, token)
    return InvitationOfferPublic(
        organisation=info.organisation.name,
        email=info.invitation.email,
        role=Role(info.invitation.role),
        expires_at=info.invitation.expires_at,
        account_exists=info.account is not None,
    )


@router.post("/invitations/accept", responses=errors(401, 403, 404, 409, 422))
def accept_invitation(
    body: InvitationAcceptanceCreate,
    request: Request,
    response: Response,
    db: DbDep,
    settings: SettingsDep,
) -> MePublic:
    """Accept an invitation. A new address sends ``name`` and ``password`` (its own choice)
    and is logged in; an address with an account must be logged in as it (session or token)
    and sends no password."""
    caller = _optional_user(request, db)
    user = accounts.accept_invitation(
        db, body.token, caller=caller, name=body.name, password=body.password
    )
    if caller is None:
        _set_session(response, accounts.start_session(db, settings, user), settings)
    return me_document(db, user)


def _optional_user(request: Request, db: DbDep) -> User | None:
    auth_header = request.headers.get("authorization", "")
    if auth_header.lower().startswith("bearer "):
        found = store_auth.user_for_token(db, auth_header[7:].strip())
        if found is None:
            raise ApiError(401, "unauthorized", "invalid or revoked API token")
        return found[0]
    sid = session_id(request)
    user = store_auth.user_for_web_session(db, sid) if sid else None
    if user is not None and sid:
        check_cookie_request(request, sid)  # CSRF of cookie-authenticated calls (0035)
    return user


@router.post("/reset", responses=errors(404, 422))
def reset_password(
    body: PasswordResetCreate, response: Response, db: DbDep, settings: SettingsDep
) -> MePublic:
    """Set a new password with a single-use reset link's secret; every web session of the
    account ends and every API token of it is revoked. Log in afterwards."""
    user = accounts.use_reset_link(db, body.token, body.new_password)
    delete_session_cookie(response, settings)
    return me_document(db, user)


@router.post("/totp/setup", responses=errors(401, 403, 409, 422, 429))
def totp_setup(
    body: TotpSetupCreate, request: Request, db: DbDep, user: CurrentUser, settings: SettingsDep
) -> TotpSecretPublic:
    """Start enrolling the optional second factor (TOTP, RFC 6238): a new secret for an
    authenticator app, in force after ``POST /auth/totp/enable`` with one code."""
    secret, uri = accounts.totp_setup(
        db, settings, user, body.current_password, client_address(request)
    )
    return TotpSecretPublic(secret=secret, otpauth_uri=uri)


@router.post("/totp/enable", responses=errors(401, 403, 409, 422))
def totp_enable(body: TotpCodeCreate, db: DbDep, user: CurrentUser) -> RecoveryCodesPublic:
    """Put the second factor in force (from now on a login also needs ``otp``); answers its ten
    single-use recovery codes, shown this once (ASVS V2.6.2)."""
    return RecoveryCodesPublic(recovery_codes=accounts.totp_enable(db, user, body.code))


@router.post("/totp/recovery-codes", responses=errors(401, 403, 409, 422, 429))
def totp_recovery_codes(
    body: TotpProofCreate, request: Request, db: DbDep, user: CurrentUser, settings: SettingsDep
) -> RecoveryCodesPublic:
    """Ten new recovery codes in place of the earlier ones (password and a current code;
    wrong ones count as failed logins)."""
    codes = accounts.totp_recovery_codes(
        db, settings, user, body.current_password, body.code, client_address(request)
    )
    return RecoveryCodesPublic(recovery_codes=codes)


@router.post(
    "/totp/disable",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 409, 422, 429),
)
def totp_disable(
    body: TotpProofCreate, request: Request, db: DbDep, user: CurrentUser, settings: SettingsDep
) -> None:
    """Remove the second factor and its recovery codes (password and a current code, or a
    recovery code; wrong ones count as failed logins)."""
    accounts.totp_disable(
        db, settings, user, body.current_password, body.code, client_address(request)
    )
