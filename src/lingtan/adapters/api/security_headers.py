"""Security headers on every response (OWASP ASVS 4.0.3 V14.4, OWASP Secure Headers Project).

A pure ASGI middleware (it never reads a body) adds to every HTTP response:

- ``Content-Security-Policy`` (ASVS V14.4.3): scripts, styles, fonts, connections and forms
  from the server's own origin only; no inline script, no ``eval``, no plugins, no
  ``<base>``, no framing (``frame-ancestors 'none'``, ASVS V14.4.7). Pictures may also be
  ``data:`` URLs (ECharts' "save as image"). Inline *style attributes* set by ECharts' tooltip
  markup are allowed (``style-src-attr 'unsafe-inline'``); ``<style>`` elements are not. The
  ``<script type="application/json">`` data blocks of the pages are data, never executed.
- ``X-Content-Type-Options: nosniff`` (ASVS V14.4.4), ``Referrer-Policy:
  strict-origin-when-cross-origin`` (ASVS V14.4.6), ``X-Frame-Options: DENY`` (for browsers
  without ``frame-ancestors``), ``Cross-Origin-Opener-Policy: same-origin``, and a
  ``Permissions-Policy`` that turns off powerful features the app never uses;
- ``Strict-Transport-Security`` (ASVS V14.4.5) only when the server is served over HTTPS
  (``ServerSettings.base_url`` starts with ``https://``): over plain HTTP it would be ignored
  and would mislead.

- ``Cache-Control: no-store`` (ASVS V8.1.1, V8.2.1) on every answer to a request that carries
  credentials (the session cookie or an ``Authorization`` header): an organisation's pages,
  figures and files are kept by no browser or proxy cache. Static files and public claim pages
  (no credentials) stay cacheable.

A header a route already set is left as it is, so a route may give its page its own policy.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store.auth import SESSION_COOKIE

#: The Content-Security-Policy of every page and API answer.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
#: Browser features none of the pages uses.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)
#: One year, subdomains included (the server owns its host name when it is on HTTPS).
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    """The headers added to every response (``https``: the server is served over TLS)."""
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"permissions-policy", PERMISSIONS_POLICY.encode()),
    ]
    if https:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


class SecurityHeadersMiddleware:
    """Add :func:`security_headers` to every HTTP response (ASVS V14.4)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        private = _has_credentials(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if private and b"cache-control" not in present:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, settings: ServerSettings) -> None:
    """Install the browser protections of the app: these headers on every response and the
    API's CSRF origin check (:mod:`lingtan.adapters.api.csrf_api`)."""
    from lingtan.adapters.api.csrf_api import ApiCsrfMiddleware
    from lingtan.adapters.api.session_cookie import cookie_name

    app.add_middleware(
        ApiCsrfMiddleware,
        secret=settings.secret,
        base_url=settings.base_url,
        session_cookie=cookie_name(settings),
    )
    app.add_middleware(SecurityHeadersMiddleware, https=settings.cookie_secure)


def _has_credentials(scope: Scope) -> bool:
    """True when the request carries a session cookie or an ``Authorization`` header."""
    for key, value in scope.get("headers", []):
        if key == b"authorization":
            return True
        # the name over http and, as its suffix, the ``__Host-`` name over https
        if key == b"cookie" and SESSION_COOKIE.encode() in value:
            return True
    return False
