"""Log in, log out, the start page; one's password and sessions; invitation and reset links
(decision 0034).

- ``/login``: throttled per account and per client address (ASVS V2.2.1): a locked login is
  answered 429 with ``Retry-After``, the right password included;
- ``/account``: change one's password (the current one asked again: V2.1.6; every other
  session ends: V3.3.3) and log out everywhere (V3.3.4); enrol the optional second factor
  (TOTP: the password asked, the secret shown as text, ``otpauth://`` URI and QR code, one code
  confirms: V2.8.1), get its ten single-use recovery codes once (V2.6.1, V2.6.2), new ones or
  disable it with the password and a code. When the server requires a second factor of the
  user's role (``LINGTAN_REQUIRE_SECOND_FACTOR``), every other page redirects here until then;
- ``/invitations/{secret}``: accept an invitation — a new address chooses its own name and
  password; an address with an account accepts logged in as it, with no password;
- ``/reset/{secret}``: set a new password with a single-use reset link.

The pages that need no session (login, invitation, reset) tie their CSRF token to a
``lingtan_login`` cookie set when the form is shown; link pages send ``Referrer-Policy:
no-referrer`` so that the secret in their address does not leak to another site.
"""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.api.errors import http_status
from lingtan.adapters.services import accounts
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import recovery_codes, totp
from lingtan.adapters.web import backend, csrf
from lingtan.adapters.web.rendering import render
from lingtan.adapters.web.session import PageUser

router = APIRouter()
SecretPath = Annotated[str, Path(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
PasswordField = Annotated[str, Form(max_length=512)]
#: a one-time code (6 digits) or a recovery code (``xxxx-xxxx-xxxx``)
CodeField = Annotated[str, Form(max_length=20)]


def _safe_next(url: str | None) -> str:
    """Only a local path may be a redirect target (no open redirect to another site)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


def _settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


def _set_session(request: Request, response: Response, sid: str) -> None:
    https = request.url.scheme == "https"  # __Host- prefixed over https (ASVS V3.4.4)
    backend.set_session_cookie(response, _settings(request), sid, https_request=https)


def _anonymous_form(
    request: Request, template: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A form that may be posted without a session: its CSRF token is tied to a
    ``lingtan_login`` cookie set here when there is neither cookie yet."""
    nonce = None if csrf.binding(request) else csrf.new_login_nonce()
    response = render(
        request,
        template,
        csrf_token=csrf.token(request, nonce),
        status_code=status_code,
        **context,
    )
    if nonce is not None:
        response.set_cookie(
            csrf.LOGIN_COOKIE,
            nonce,
            max_age=csrf.LOGIN_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The login form (its CSRF token is tied to a ``lingtan_login`` cookie set here)."""
    return _anonymous_form(request, "login.html", next=_safe_next(next), email="", error=None)


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: backend.DbDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=512)],
    next: Annotated[str, Form(max_length=2000)] = "/",
    otp: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Check the password (and the one-time code of an account with a second factor;
    throttled); on success start a new server-side session (cookie) and redirect."""
    try:
        user = accounts.login(
            db, _settings(request), email, password, _address(request), otp or None
        )
    except accounts.LoginThrottledError as exc:
        locked = render(
            request,
            "login.html",
            next=_safe_next(next),
            email=email,
            error="accounts.login.locked",
            error_args={"seconds": exc.retry_after},
            status_code=429,
        )
        locked.headers["Retry-After"] = str(exc.retry_after)
        return locked
    except ServiceError as exc:
        return render(
            request,
            "login.html",
            next=_safe_next(next),
            email=email,
            error="accounts.otp.required" if exc.code == "otp_required" else "login.failed",
            status_code=401,
        )
    sid = accounts.start_session(db, _settings(request), user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_session(request, response, sid)
    return response


@router.post("/logout", response_model=None)
def logout(request: Request, db: backend.DbDep) -> Response:
    """End the session (server side) and forget the cookie."""
    backend.end_session(db, backend.session_id(request))
    response = RedirectResponse("/login", status_code=303)
    backend.delete_session_cookie(response, _settings(request))
    return response


@router.get("/", response_model=None)
def start(request: Request, db: backend.DbDep, user: PageUser) -> Response:
    """The dashboard of the user's only organisation, or the list to choose from."""
    orgs = backend.organisations(db, user)
    if len(orgs) == 1:
        return RedirectResponse(f"/o/{orgs[0].slug}/dashboard", status_code=302)
    return render(request, "orgs.html", user=user, orgs=orgs)


# -- one's own account -----------------------------------------------------------------------------


def _account_page(
    request: Request,
    db: Any,
    user: Any,
    *,
    error: str = "",
    status_code: int = 200,
    enrolment: dict[str, str] | None = None,
    codes: list[str] | None = None,
) -> HTMLResponse:
    done = request.query_params.get("done")
    need = request.query_params.get("need") == "second_factor"
    return render(
        request,
        "account.html",
        user=user,
        orgs=backend.organisations(db, user),
        done=done if done in ("password", "totp_off") else None,
        need_second_factor=need and not user.totp_enabled,
        enrolment=enrolment,
        recovery_codes=codes,
        recovery_left=recovery_codes.remaining(user) if user.totp_enabled else 0,
        error=error,
        status_code=status_code,
    )


def _enrolment(user: Any) -> dict[str, str]:
    """What the enrolment step shows: the secret grouped by four for typing, the
    ``otpauth://`` URI as text and as an inline SVG QR code (a ``data:`` URI, CSP-safe)."""
    secret: str = user.totp_secret
    uri = totp.provisioning_uri(secret, user.email)
    return {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "uri": uri,
        "qr": segno.make(uri, error="m").svg_data_uri(scale=4),
    }


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, db: backend.DbDep, user: PageUser) -> HTMLResponse:
    """One's account: change the password, log out everywhere."""
    return _account_page(request, db, user)


@router.post("/account/password", response_model=None)
def change_password(
    request: Request,
    db: backend.DbDep,
    user: PageUser,
    current_password: PasswordField,
    new_password: PasswordField,
    new_password2: PasswordField,
) -> Response:
    """Change one's password: every session ends; this browser gets a new one."""
    if new_password != new_password2:
        return _account_page(request, db, user, error="accounts.mismatch", status_code=422)
    try:
        accounts.change_password(
            db, _settings(request), user, current_password, new_password, _address(request)
        )
    except ServiceError as exc:
        key = {403: "accounts.current_wrong", 429: "accounts.login.locked_short"}.get(
            http_status(exc), "accounts.weak"
        )
        return _account_page(request, db, user, error=key, status_code=http_status(exc))
    response = RedirectResponse("/account?done=password", status_code=303)
    _set_session(request, response, accounts.start_session(db, _settings(request), user))
    return response


# -- the optional second factor (decision 0034; ASVS V2.8, V2.6) -------------------------------


@router.post("/account/totp/setup", response_model=None)
def totp_setup(
    request: Request, db: backend.DbDep, user: PageUser, current_password: PasswordField
) -> Response:
    """Start enrolling (the password asked again): show the new secret and a code field."""
    try:
        accounts.totp_setup(db, _settings(request), user, current_password, _address(request))
    except ServiceError as exc:
        key = {403: "accounts.current_wrong", 429: "accounts.login.locked_short"}.get(
            http_status(exc), "accounts.totp.enabled_already"
        )
        return _account_page(request, db, user, error=key, status_code=http_status(exc))
    return _account_page(request, db, user, enrolment=_enrolment(user))


@router.post("/account/totp/enable", response_model=None)
def totp_enable(request: Request, db: backend.DbDep, user: PageUser, code: CodeField) -> Response:
    """Confirm one code: the second factor is in force; its recovery codes are shown once."""
    try:
        codes = accounts.totp_enable(db, user, code)
    except ServiceError as exc:
        if http_status(exc) == 403:  # wrong code: the same secret again
            return _account_page(
                request,
                db,
                user,
                error="accounts.totp.code_wrong",
                status_code=403,
                enrolment=_enrolment(user),
            )
        return _account_page(request, db, user, error="accounts.totp.start_first", status_code=409)
    return _account_page(request, db, user, codes=codes)


@router.post("/account/totp/recovery-codes", response_model=None)
def totp_recovery_codes(
    request: Request,
    db: backend.DbDep,
    user: PageUser,
    current_password: PasswordField,
    code: CodeField,
) -> Response:
    """Ten new recovery codes (password and a current code), shown once."""
    try:
        codes = accounts.totp_recovery_codes(
            db, _settings(request), user, current_password, code, _address(request)
        )
    except ServiceError as exc:
        return _account_page(
            request, db, user, error=_totp_error(exc), status_code=http_status(exc)
        )
    return _account_page(request, db, user, codes=codes)


@router.post("/account/totp/disable", response_model=None)
def totp_disable(
    request: Request,
    db: backend.DbDep,
    user: PageUser,
    current_password: PasswordField,
    code: CodeField,
) -> Response:
    """Remove the second factor and its recovery codes (password and a current code)."""
    try:
        accounts.totp_disable(
            db, _settings(request), user, current_password, code, _address(request)
        )
    except ServiceError as exc:
        return _account_page(
            request, db, user, error=_totp_error(exc), status_code=http_status(exc)
        )
    return RedirectResponse("/account?done=totp_off", status_code=303)


def _totp_error(exc: ServiceError) -> str:
    return {403: "accounts.totp.password_or_code", 429: "accounts.login.locked_short"}.get(
        http_status(exc), "accounts.totp.none"
    )


@router.post("/account/logout-all", response_model=None)
def logout_all(request: Request, db: backend.DbDep, user: PageUser) -> Response:
    """End every session of the user (this one included)."""
    from lingtan.adapters.store.auth import end_all_sessions

    end_all_sessions(db, user.id)
    response = RedirectResponse("/login", status_code=303)
    backend.delete_session_cookie(response, _settings(request))
    return response


# -- invitation links ------------------------------------------------------------------------------


def _invitation_page(
    request: Request, db: Any, secret: str, *, error: str = "", status_code: int = 200
) -> HTMLResponse:
    try:
        info = accounts.invitation_info(db, secret)
    except ServiceError:
        return _anonymous_form(
            request, "invitation.html", info=None, error="accounts.link_invalid", status_code=404
        )
    user = backend.user_for_session(db, backend.session_id(request))
    return _anonymous_form(
        request,
        "invitation.html",
        info=info,
        user=user,
        secret=secret,
        error=error,
        status_code=status_code,
    )


@router.get("/invitations/{secret}", response_class=HTMLResponse)
def invitation(request: Request, db: backend.DbDep, secret: SecretPath) -> HTMLResponse:
    """An invitation: a form for a new address, an accept button for the account's owner."""
    return _invitation_page(request, db, secret)


@router.post("/invitations/{secret}", response_model=None)
def accept_invitation(
    request: Request,
    db: backend.DbDep,
    secret: SecretPath,
    name: Annotated[str, Form(max_length=200)] = "",
    password: PasswordField = "",
    password2: PasswordField = "",
) -> Response:
    """Accept: a new account with the password chosen here (and logged in), or the logged-in
    account of the address joins."""
    caller = backend.user_for_session(db, backend.session_id(request))
    if password and password != password2:
        return _invitation_page(request, db, secret, error="accounts.mismatch", status_code=422)
    try:
        user = accounts.accept_invitation(
            db, secret, caller=caller, name=name, password=password or None
        )
    except ServiceError as exc:
        key = {
            401: "accounts.invite.login_first",
            403: "accounts.invite.other_account",
            404: "accounts.link_invalid",
            409: "accounts.invite.member_already",
        }.get(http_status(exc), "accounts.weak")
        return _invitation_page(request, db, secret, error=key, status_code=http_status(exc))
    response = RedirectResponse("/", status_code=303)
    if caller is None:
        _set_session(request, response, accounts.start_session(db, _settings(request), user))
    return response


# -- reset links -----------------------------------------------------------------------------------


def _reset_page(
    request: Request, db: Any, secret: str, *, error: str = "", status_code: int = 200
) -> HTMLResponse:
    try:
        account = accounts.reset_account(db, secret)
    except ServiceError:
        return _anonymous_form(
            request, "reset.html", email=None, error="accounts.link_invalid", status_code=404
        )
    return _anonymous_form(
        request,
        "reset.html",
        email=account.email,
        secret=secret,
        error=error,
        status_code=status_code,
    )


@router.get("/reset/{secret}", response_class=HTMLResponse)
def reset_form(request: Request, db: backend.DbDep, secret: SecretPath) -> HTMLResponse:
    """A reset link: choose a new password."""
    return _reset_page(request, db, secret)


@router.post("/reset/{secret}", response_model=None)
def reset_password(
    request: Request,
    db: backend.DbDep,
    secret: SecretPath,
    new_password: PasswordField,
    new_password2: PasswordField,
) -> Response:
    """Set the new password; every session and API token of the account ends."""
    if new_password != new_password2:
        return _reset_page(request, db, secret, error="accounts.mismatch", status_code=422)
    try:
        accounts.use_reset_link(db, secret, new_password)
    except ServiceError as exc:
        key = "accounts.link_invalid" if http_status(exc) == 404 else "accounts.weak"
        return _reset_page(request, db, secret, error=key, status_code=http_status(exc))
    response = RedirectResponse("/login?reset=1", status_code=303)
    backend.delete_session_cookie(response, _settings(request))
    return response
