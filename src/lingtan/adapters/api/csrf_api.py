"""Cross-site request forgery protection of the JSON API (OWASP ASVS 4.0.3 V4.2.2, V13.2.3;
OWASP CSRF Prevention Cheat Sheet: "signed double-submit" token and origin verification).

The API accepts two credentials. A bearer token (``Authorization: Bearer lt_…``) is never sent
by a browser on its own, so a request carrying one cannot be forged by another site: such
requests are exempt. The session cookie (``lingtan_session``, ``__Host-lingtan_session`` over
https: :mod:`.session_cookie`) *is* sent by the browser with a request a
page of another site makes, so a state-changing request (POST, PUT, PATCH, DELETE)
authenticated by the cookie must prove that it comes from someone who could read the session's
token:

- it must carry the header ``X-CSRF-Token`` with the session's token — HMAC-SHA256, keyed with
  the server secret, of the session cookie (:func:`sign`; the same token the web pages put in
  their forms and HTMX headers, so a page's script may call the API). A custom header cannot be
  sent cross-site without a CORS pre-flight, which this server never grants. Without it:
  403 ``csrf_failed``, nothing changed;
- the token is handed to a cookie client in the ``X-CSRF-Token`` header of the response that
  sets the session cookie (``POST /api/v1/auth/login``), see :class:`ApiCsrfMiddleware`.

In addition, every state-changing API request without a bearer token whose ``Origin`` header
names another origin than the server's (``ServerSettings.base_url`` or the request's own
``Host``), or whose ``Sec-Fetch-Site`` says ``cross-site`` / ``same-site``, is refused with 403
``csrf_origin`` before anything reads its body. This also covers the login route (login CSRF:
another site cannot sign a browser in to the attacker's account).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lingtan.adapters.api.errors import ApiError
from lingtan.adapters.store.auth import SESSION_COOKIE

HEADER = "x-csrf-token"
#: the API's path prefix (the web pages have their own CSRF check, web/csrf.py)
API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def sign(secret: str, binding: str) -> str:
    """The CSRF token of ``binding`` (a session or login cookie value): HMAC-SHA256 hex."""
    msg = f"lingtan-csrf:{binding}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def check_cookie_request(request: Request, cookie: str) -> None:
    """Refuse a state-changing request authenticated by the session ``cookie`` unless it
    carries the session's token in ``X-CSRF-Token`` (ASVS V4.2.2).

    Raises:
        ApiError: 403 ``csrf_failed``.
    """
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(HEADER, "")
    expected = sign(str(request.app.state.settings.secret), cookie)
    if not sent or not hmac.compare_digest(sent, expected):
        raise ApiError(
            403,
            "csrf_failed",
            "a cookie-authenticated change needs the X-CSRF-Token header (given by the login "
            "response) or a bearer token",
        )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_origin(scope: Scope, base_url: str) -> bool:
    """Whether a request says it was sent by a page of another origin (``Origin`` header,
    else ``Sec-Fetch-Site``); a request saying nothing (not a browser) is not."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    origin = headers.get("origin")
    if origin is not None:
        own = {_origin(base_url)}
        host = headers.get("host")
        if host:
            own.add(f"{scope.get('scheme', 'http')}://{host}".lower())
        return origin.strip().lower() not in own
    return headers.get("sec-fetch-site", "same-origin") in ("cross-site", "same-site")


def _refusal() -> bytes:
    return json.dumps(
        {
            "error": {
                "code": "csrf_origin",
                "message": "a state-changing request from another site's page is refused",
                "field": None,
            }
        }
    ).encode()


def _session_set(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    """The session id a response sets in its ``Set-Cookie`` headers (cookie ``name``), if
    any."""
    for key, value in headers:
        if key.lower() != b"set-cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        jar.load(value.decode("latin-1"))
        morsel = jar.get(name)
        if morsel is not None and morsel.value and morsel.value != '""':
            return morsel.value
    return None


class ApiCsrfMiddleware:
    """Origin check of state-changing API requests without a bearer token, and the
    ``X-CSRF-Token`` header on the API response that sets a session cookie."""

    def __init__(
        self, app: ASGIApp, *, secret: str, base_url: str, session_cookie: str = SESSION_COOKIE
    ) -> None:
        self.app = app
        self.secret = secret
        self.base_url = base_url
        self.session_cookie = session_cookie  # its name: session_cookie.cookie_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        bearer = any(
            k.lower() == b"authorization" and v[:7].lower() == b"bearer "
            for k, v in scope["headers"]
        )
        if (
            scope["method"] not in SAFE_METHODS
            and not bearer
            and cross_origin(scope, self.base_url)
        ):
            body = _refusal()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_token(message: Message) -> None:
            if message["type"] == "http.response.start":
                sid = _session_set(list(message.get("headers", [])), self.session_cookie)
                if sid is not None:
                    token = sign(self.secret, sid).encode()
                    message["headers"] = [*message.get("headers", []), (b"x-csrf-token", token)]
            await send(message)

        await self.app(scope, receive, send_with_token)
