"""The web app: server-rendered pages (Jinja2 + HTMX), charts with the vendored ECharts, zh-CN
and en (DESIGN.md, adapters/web).

:func:`mount_web` adds the pages and ``/static`` to the API's FastAPI app
(``lingtan.adapters.server.app.create_app`` calls it). Nothing is fetched from a CDN: htmx and
ECharts are served from ``static/vendor/`` (``tools/vendor_web_assets.sh``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def mount_web(app: FastAPI) -> None:
    """Include the pages' router, serve ``/static`` and answer the pages' own errors (login
    needed → 302 to /login; not found / not allowed / no CSRF token → an HTML error page)."""
    from lingtan.adapters.web.csrf import CsrfError
    from lingtan.adapters.web.pages import router
    from lingtan.adapters.web.rendering import render
    from lingtan.adapters.web.session import LoginRequiredError, PageError

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequiredError)
        if request.headers.get("hx-request"):  # HTMX follows HX-Redirect, not a 302 body
            return Response(status_code=401, headers={"HX-Redirect": exc.location})
        return RedirectResponse(exc.location, status_code=302)

    async def page_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, PageError)
        return render(
            request,
            "error.html",
            status_code=exc.status,
            title=exc.title,
            message=exc.message,
            detail=exc.detail,
        )

    async def csrf_error(request: Request, exc: Exception) -> HTMLResponse:
        assert isinstance(exc, CsrfError)
        return render(
            request, "error.html", status_code=403, title="error.csrf", message="error.csrf_text"
        )

    app.add_exception_handler(LoginRequiredError, login_required)
    app.add_exception_handler(PageError, page_error)
    app.add_exception_handler(CsrfError, csrf_error)


__all__ = ["STATIC_DIR", "mount_web"]
