"""Log in, log out, and the start page (the user's organisations)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lingtan.adapters.web import backend, csrf
from lingtan.adapters.web.rendering import render
from lingtan.adapters.web.session import PageUser

router = APIRouter()


def _safe_next(url: str | None) -> str:
    """Only a local path may be a redirect target (no open redirect to another site)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/"
    return url


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """The login form (its CSRF token is tied to a ``lingtan_login`` cookie set here)."""
    nonce = None if csrf.binding(request) else csrf.new_login_nonce()
    response = render(
        request,
        "login.html",
        next=_safe_next(next),
        email="",
        error=None,
        csrf_token=csrf.token(request, nonce),
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
    return response


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: backend.DbDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password; on success start a server-side session (cookie) and redirect."""
    user = backend.authenticate(db, email, password)
    if user is None:
        return render(
            request,
            "login.html",
            next=_safe_next(next),
            email=email,
            error="login.failed",
            status_code=401,
        )
    sid = backend.start_session(db, user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        backend.SESSION_COOKIE,
        sid,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=backend.SESSION_MAX_AGE,
    )
    return response


@router.post("/logout", response_model=None)
def logout(request: Request, db: backend.DbDep) -> Response:
    """End the session (server side) and forget the cookie."""
    backend.end_session(db, request.cookies.get(backend.SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(backend.SESSION_COOKIE)
    return response


@router.get("/", response_model=None)
def start(request: Request, db: backend.DbDep, user: PageUser) -> Response:
    """The dashboard of the user's only organisation, or the list to choose from."""
    orgs = backend.organisations(db, user)
    if len(orgs) == 1:
        return RedirectResponse(f"/o/{orgs[0].slug}/dashboard", status_code=302)
    return render(request, "orgs.html", user=user, orgs=orgs)
