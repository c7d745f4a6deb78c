"""Error pages that keep the navigation (issue 13, decision 0056).

Every error a browser meets on the web app — the pages' own (:class:`PageError`: 404, 403, 400,
409), a form sent without its CSRF token, a path that does not exist, a query the page cannot
use, a service error that reached a page, an internal error — is answered with ``error.html``
inside the normal layout, in the user's language: with the signed-in user and, when the URL is
one of their organisation's (``/o/<slug>/…``), that organisation's menu. JSON API paths
(``/api/…``) keep the API's JSON errors: :func:`install` wraps the handlers the API installed and
passes their requests through.

Who is signed in is read from what the page's dependencies found (``request.state``, set by
:mod:`lingtan.adapters.web.session`), else — for errors raised before them: unknown paths,
CSRF — from the session cookie, with a store connection of its own.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from lingtan.adapters.i18n.validation import validation_message
from lingtan.adapters.services.boundary import SetupError
from lingtan.adapters.services.errors import ServiceError
from lingtan.adapters.web.rendering import OrgView, render, translator

log = logging.getLogger(__name__)

Handler = Callable[[Request, Any], Awaitable[Response] | Response]
_ORG_PATH = re.compile(r"^/o/([^/]+)(?:/|$)")
#: the error page's title and text for an HTTP status
_PAGES: dict[int, tuple[str, str]] = {
    400: ("error.bad_request", "error.bad_request_text"),
    403: ("error.forbidden", "error.forbidden_text"),
    404: ("error.not_found", "error.not_found_text"),
    405: ("error.bad_request", "error.bad_request_text"),
    409: ("setup.error.conflict", "setup.error.conflict_text"),
    413: ("setup.error.too_large", "setup.error.too_large_text"),
    422: ("error.bad_request", "error.bad_request_text"),
    423: ("setup.error.busy", "setup.error.busy_text"),
    500: ("setup.error.internal", "setup.error.internal_text"),
}


@dataclass(frozen=True)
class UserView:
    """The signed-in user as the layout shows them (the top bar's e-mail)."""

    email: str


@dataclass(frozen=True)
class Frame:
    """What the layout around an error needs: the user, their organisations and, when the URL
    is one of them, the organisation (its menu is shown)."""

    user: UserView | None = None
    org: OrgView | None = None
    orgs: tuple[OrgView, ...] = ()


def remember(request: Request, *, user: Any = None, orgs: Any = None, org: Any = None) -> None:
    """Note who the page is for (called by the pages' dependencies), for an error page."""
    if user is not None:
        request.state.web_user = UserView(str(user.email))
    if orgs is not None:
        request.state.web_orgs = tuple(orgs)
    if org is not None:
        request.state.web_org = org


def is_page(request: Request) -> bool:
    """True for a web page's path (not the JSON API, not a static file)."""
    return not request.url.path.startswith(("/api/", "/static/")) and request.url.path != "/api"


def _lookup(request: Request) -> Frame:
    """The frame from the session cookie (a store connection of its own)."""
    from lingtan.adapters.api.session_cookie import session_id
    from lingtan.adapters.store.scoping import request_session
    from lingtan.adapters.web import backend

    sid = session_id(request)
    engine = getattr(request.app.state, "engine", None)
    if not sid or engine is None:
        return Frame()
    with engine.connect() as conn, request_session(conn) as db:
        user = backend.user_for_session(db, sid)
        if user is None:
            return Frame()
        return Frame(UserView(str(user.email)), None, tuple(backend.organisations(db, user)))


def frame(request: Request) -> Frame:
    """The signed-in user, their organisations and the URL's organisation (if theirs)."""
    state = request.state
    user = getattr(state, "web_user", None)
    orgs: tuple[OrgView, ...] = getattr(state, "web_orgs", ())
    if user is None:
        try:
            found = _lookup(request)
        except Exception:  # an error page never fails because the store does
            log.warning("error page: could not read the session", exc_info=True)
            return Frame()
        user, orgs = found.user, found.orgs
    org = getattr(state, "web_org", None)
    m = _ORG_PATH.match(request.url.path)
    if org is None and m is not None:
        org = next((o for o in orgs if o.slug == m.group(1)), None)
    return Frame(user, org, orgs)


def error_page(
    request: Request, status: int, title: str, message: str, detail: str = ""
) -> HTMLResponse:
    """``error.html`` with the layout and navigation of the signed-in user (HTTP ``status``)."""
    f = frame(request)
    return render(
        request,
        "error.html",
        user=f.user,
        org=f.org,
        orgs=f.orgs,
        status_code=status,
        title=title,
        message=message,
        detail=detail,
    )


def status_page(request: Request, status: int, detail: str = "") -> HTMLResponse:
    """The error page of an HTTP ``status``."""
    title, message = _PAGES.get(status, _PAGES[500 if status >= 500 else 400])
    return error_page(request, status, title, message, detail)


def install(app: FastAPI) -> None:
    """Answer the pages' errors with error pages; leave the API's JSON errors as they are."""
    from lingtan.adapters.api.errors import http_status
    from lingtan.adapters.web.csrf import CsrfError
    from lingtan.adapters.web.session import LoginRequiredError, PageError

    def passing(exc_class: type[Exception], page: Handler) -> None:
        """Route ``exc_class`` to ``page`` on page paths, to the API's handler elsewhere."""
        api = app.exception_handlers.get(exc_class)

        async def handler(request: Request, exc: Any) -> Response:
            use = page if is_page(request) or api is None else api
            result = use(request, exc)
            if isinstance(result, Response):
                return result
            return await result

        app.add_exception_handler(exc_class, handler)

    def login_required(request: Request, exc: Any) -> Response:
        assert isinstance(exc, LoginRequiredError)
        if request.headers.get("hx-request"):  # HTMX follows HX-Redirect, not a 302 body
            return Response(status_code=401, headers={"HX-Redirect": exc.location})
        return RedirectResponse(exc.location, status_code=302)

    def page_error(request: Request, exc: Any) -> Response:
        assert isinstance(exc, PageError)
        return error_page(request, exc.status, exc.title, exc.message, exc.detail)

    def csrf_error(request: Request, _exc: Any) -> Response:
        return error_page(request, 403, "error.csrf", "error.csrf_text")

    def http_error(request: Request, exc: Any) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        response = status_page(request, exc.status_code)
        response.headers.update(exc.headers or {})  # 405's Allow (RFC 9110 §15.5.6)
        return response

    def validation_error(request: Request, exc: Any) -> Response:
        assert isinstance(exc, RequestValidationError)
        return status_page(request, 400, validation_message(exc.errors(), translator(request))[0])

    def service_error(request: Request, exc: Any) -> Response:
        assert isinstance(exc, ServiceError)
        # the reason in the user's language where the service gave its catalogue key; the
        # English message stays in the log (decision 0054: one language at a time)
        log.info("service error on page %s: %s", request.url.path, exc.message)
        detail = translator(request)(exc.key, **exc.params) if isinstance(exc, SetupError) else ""
        return status_page(request, http_status(exc), detail)

    def internal_error(request: Request, exc: Any) -> Response:
        ref = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
        return status_page(request, 500, translator(request)("setup.error.reference", ref=ref))

    app.add_exception_handler(LoginRequiredError, login_required)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(CsrfError, csrf_error)
    passing(StarletteHTTPException, http_error)
    passing(RequestValidationError, validation_error)
    passing(ServiceError, service_error)
    passing(Exception, internal_error)
