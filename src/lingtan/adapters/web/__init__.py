"""The web app: server-rendered pages (Jinja2 + HTMX), charts with the vendored ECharts, zh-CN
and en (DESIGN.md, adapters/web).

:func:`mount_web` adds the pages and ``/static`` to the API's FastAPI app
(``lingtan.adapters.server.app.create_app`` calls it). Nothing is fetched from a CDN: htmx and
ECharts are served from ``static/vendor/`` (``tools/vendor_web_assets.sh``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def mount_web(app: FastAPI) -> None:
    """Include the pages' router, serve ``/static`` and answer the pages' errors (login
    needed → 302 to /login; any other error → an HTML error page with the navigation,
    :mod:`lingtan.adapters.web.errors`)."""
    from lingtan.adapters.web import errors
    from lingtan.adapters.web.pages import router

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # error pages inside the layout, with the navigation (decision 0056); API paths keep JSON
    errors.install(app)


__all__ = ["STATIC_DIR", "mount_web"]
