"""The browser session's cookie: its name and attributes, decided in one place.

Every reader and writer of the session cookie — the API's login and logout, the caller
dependency, the web pages, the CSRF checks — asks :func:`cookie_name` for its name and sets or
deletes it through :func:`set_session_cookie` / :func:`delete_session_cookie`:

* served over https (``ServerSettings.cookie_secure``: ``LINGTAN_BASE_URL=https://…``) the
  cookie is ``__Host-lingtan_session``, always ``Secure``, ``Path=/`` and without ``Domain``: a
  browser keeps a ``__Host-`` cookie only so, and then no sibling subdomain or plain-http page
  can set or overwrite it (cookie tossing, session fixation) — ASVS 4.0.3 V3.4.4, RFC 6265bis
  §4.1.3.2;
* over http (a local server) it is ``lingtan_session`` (a browser refuses a ``__Host-`` cookie
  without ``Secure``); ``Secure`` still when the request itself came over https.

Always ``HttpOnly`` (V3.4.2) and ``SameSite=Lax`` (V3.4.3). A server moved from http to https
no longer reads the old name: its users log in again.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.responses import Response

from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store.auth import SESSION_COOKIE

#: the prefix a browser honours only on a Secure, Path=/, host-only cookie
HOST_PREFIX = "__Host-"


def cookie_name(settings: ServerSettings) -> str:
    """The session cookie's name on this server: ``__Host-lingtan_session`` over https, else
    ``lingtan_session``."""
    return HOST_PREFIX + SESSION_COOKIE if settings.cookie_secure else SESSION_COOKIE


def _settings(conn: HTTPConnection) -> ServerSettings:
    settings: ServerSettings = conn.app.state.settings
    return settings


def session_id(conn: HTTPConnection) -> str | None:
    """The session id the request's cookie carries (None without one)."""
    return conn.cookies.get(cookie_name(_settings(conn))) or None


def set_session_cookie(
    response: Response, settings: ServerSettings, sid: str, *, https_request: bool = False
) -> None:
    """Send the session ``sid`` (``https_request``: the request came over https, which makes
    the cookie ``Secure`` on an http-configured server too)."""
    response.set_cookie(
        cookie_name(settings),
        sid,
        max_age=settings.session_days * 86400,
        path="/",
        secure=settings.cookie_secure or https_request,
        httponly=True,
        samesite="lax",
    )


def delete_session_cookie(response: Response, settings: ServerSettings) -> None:
    """Tell the browser to forget the session cookie (with the attributes it was set with: a
    ``__Host-`` cookie is replaced only by a ``Secure``, ``Path=/`` one)."""
    response.delete_cookie(
        cookie_name(settings),
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
