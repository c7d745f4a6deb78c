"""Sign-in with an organisation's identity provider (OpenID Connect; decision 0040).

- ``GET /auth/oidc/{org}/login?next=…`` starts a sign-in at the organisation's provider;
  ``&link=1``, signed in with a password session, starts the linking of one's own account to
  one's identity there (the only way an identity is ever linked: never by e-mail address).
- ``GET /auth/oidc/callback?code=…&state=…`` is where the provider sends the browser back:
  a sign-in starts a new session (ASVS V3.2.1) and goes to ``next`` (a local path only,
  V5.1.5); a link goes back to ``next``.

Both are plain GET navigations, so the ``lingtan_oidc`` cookie (HttpOnly, SameSite=Lax, only
sent to ``/auth/oidc``, 10 minutes) that binds a started sign-in to the browser that started it
comes back with the provider's redirect (RFC 9700 §4.7.1: no login CSRF, no injected code).
Refusals are error pages from the catalogue (``oidc.*`` keys), in zh-CN and en.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from lingtan.adapters.services import accounts, oidc
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store import federation
from lingtan.adapters.store.bootstrap import SLUG_PATTERN
from lingtan.adapters.store.tenancy import organisation_by_slug
from lingtan.adapters.web import backend
from lingtan.adapters.web.rendering import render
from lingtan.adapters.web.session import LoginRequiredError, PageError, safe_next

log = logging.getLogger("lingtan.oidc")
router = APIRouter()
COOKIE_PATH = "/auth/oidc"


def _settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def _secure(request: Request) -> bool:
    return _settings(request).cookie_secure or request.url.scheme == "https"


def refused(reason: str) -> PageError:
    """The error page of a refused sign-in (``oidc.refused.<reason>``)."""
    status = {"expired": 400, "browser": 400, "provider": 502, "unlinked": 403}.get(reason, 403)
    return PageError(status, "oidc.refused.title", f"oidc.refused.{reason}")


@router.get("/auth/oidc/start", response_model=None)
def oidc_start(
    request: Request,
    db: backend.DbDep,
    org: Annotated[str, Query(max_length=60)] = "",
    next: Annotated[str, Query(max_length=2000)] = "/",
) -> Response:
    """The login page's "organisation sign-in" form: a page naming the organisation's provider
    with a link to its sign-in. (A link, not a redirect: the pages' ``form-action 'self'``
    policy would stop a form submission that is redirected to the provider.)"""
    slug = org.strip().lower()
    found = organisation_by_slug(db, slug) if re.fullmatch(SLUG_PATTERN, slug) else None
    idp = federation.provider_of(db, found.id) if found is not None else None
    if idp is None:
        raise refused("provider")
    return render(
        request,
        "oidc_start.html",
        provider=idp.display_name,
        login_url=oidc.login_page_url(slug, safe_next(next)),
    )


@router.get("/auth/oidc/{org}/login", response_model=None)
def oidc_login(
    request: Request,
    db: backend.DbDep,
    org: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=60)],
    next: Annotated[str, Query(max_length=2000)] = "/",
    link: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    """Send the browser to the organisation's provider (or, with ``link=1``, link the
    signed-in account: a login is asked first)."""
    target = safe_next(next)
    user = None
    if link:
        user = backend.user_for_session(db, backend.session_id(request))
        if user is None:
            raise LoginRequiredError(f"/auth/oidc/{org}/login?link=1")
    try:
        started = oidc.begin_login(db, _settings(request), org, next_url=target, link_user=user)
    except oidc.SignInRefusedError as exc:
        log.info("oidc start refused for %s: %s", org, exc)
        raise refused("provider" if exc.reason == "provider" else exc.reason) from exc
    response = RedirectResponse(started.authorization_url, status_code=302)
    response.set_cookie(
        oidc.BROWSER_COOKIE,
        started.browser_secret,
        max_age=int(federation.STATE_MINUTES * 60),
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/auth/oidc/callback", response_model=None)
def oidc_callback(
    request: Request,
    db: backend.DbDep,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Complete the sign-in (or link) the provider sends the browser back with."""
    if error or not code or not state:
        if state:  # the provider said no: forget the started sign-in
            federation.take_state(db, state)
        raise refused("denied")
    sid = backend.session_id(request)
    signed_in = backend.user_for_session(db, sid)
    try:
        done = oidc.finish_login(
            db,
            _settings(request),
            code=code,
            state=state,
            browser_secret=request.cookies.get(oidc.BROWSER_COOKIE),
            signed_in=signed_in,
        )
    except oidc.SignInRefusedError as exc:
        log.info("oidc sign-in refused (%s): %s", exc.reason, exc)
        raise refused(exc.reason) from exc
    response = RedirectResponse(safe_next(done.next_url), status_code=303)
    response.delete_cookie(oidc.BROWSER_COOKIE, path=COOKIE_PATH)
    response.headers["Referrer-Policy"] = "no-referrer"
    if not done.linked:
        backend.end_session(db, sid)  # whoever was signed in here before is signed out
        backend.set_session_cookie(
            response,
            _settings(request),
            accounts.start_session(db, _settings(request), done.user),
            https_request=request.url.scheme == "https",
        )
    return response
