"""Cross-site request forgery protection of the pages' forms (OWASP CSRF Prevention Cheat Sheet,
"signed double-submit cookie").

Every POST form carries a hidden ``csrf_token`` (HTMX requests may send it as the
``X-CSRF-Token`` header instead). The token is an HMAC-SHA256, keyed with the server secret
(``LINGTAN_SECRET``), of the browser's session cookie — or, before logging in, of a random
``lingtan_login`` cookie the login page sets — so a page of another site cannot know it, and a
token is good only for the session it was issued to. A POST to a page without the right token is
refused with 403 and changes nothing. (The session cookie is ``SameSite=Lax`` as well.)
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from lingtan.adapters.api import csrf_api
from lingtan.adapters.api.session_cookie import session_id

FIELD = "csrf_token"
HEADER = "x-csrf-token"
#: cookie binding the login form's token before there is a session
LOGIN_COOKIE = "lingtan_login"
LOGIN_COOKIE_MAX_AGE = 24 * 3600  # [s]
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfError(Exception):
    """A state-changing request to a page without a valid CSRF token."""


def sign(secret: str, binding: str) -> str:
    """The token of ``binding`` (a session or login cookie value): HMAC-SHA256 hex — the same
    token the JSON API asks of cookie-authenticated changes (``api/csrf_api.py``)."""
    return csrf_api.sign(secret, binding)


def _secret(request: Request) -> str:
    return str(request.app.state.settings.secret)


def binding(request: Request) -> str | None:
    """What a token of this request is tied to: the session cookie, else the login cookie."""
    return session_id(request) or request.cookies.get(LOGIN_COOKIE) or None


def new_login_nonce() -> str:
    """A fresh value for the :data:`LOGIN_COOKIE`."""
    return secrets.token_urlsafe(24)


def token(request: Request, bound_to: str | None = None) -> str:
    """The token the forms of this page carry ("" when nothing binds it yet)."""
    b = bound_to or binding(request)
    return sign(_secret(request), b) if b else ""


async def check(request: Request) -> None:
    """Page dependency: refuse a POST (any unsafe method) whose token is missing or wrong.

    Raises:
        CsrfError: answered with a 403 page.
    """
    if request.method in _SAFE:
        return
    sent = request.headers.get(HEADER)
    if not sent:
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    b = binding(request)
    if not sent or not b or not hmac.compare_digest(sent, sign(_secret(request), b)):
        raise CsrfError(request.url.path)
