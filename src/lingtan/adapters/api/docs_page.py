"""The API's documentation pages, served by the server itself: Swagger UI at ``/api/v1/docs`` and
ReDoc at ``/api/v1/redoc`` (``/docs`` and ``/redoc`` redirect there).

FastAPI's own pages load Swagger UI and ReDoc from a CDN (and ReDoc's fonts from Google) and
start them with inline scripts: they fail on a server without internet access and under the
Content-Security-Policy (``script-src 'self'``, decision 0035). These pages load only
same-origin files: the vendored ``swagger-ui-dist`` and ``redoc`` bundles
(``web/static/vendor/swagger-ui``, ``web/static/vendor/redoc``; ``tools/vendor_web_assets.sh``,
pinned and integrity-checked npm packages, decision 0058) and the start scripts
``web/static/js/swagger-init.js`` and ``web/static/js/redoc-init.js``, which the web pages serve
under ``/static``. The API does not import the web package (the layers, decision 0045): the
composition root passes the static folder. Without it, or without the vendored files, there is
no page; the OpenAPI document ``/api/v1/openapi.json`` is always served.

ReDoc styles its components with generated ``<style>`` elements and runs its search in a worker
made from a ``blob:`` URL, so its page carries its own policy: the server's, plus
``style-src 'unsafe-inline'`` and ``worker-src blob:`` (no inline or remote script; the page
holds no organisation data). The routes are plain Starlette routes, outside the OpenAPI
document.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

#: the vendored files each page needs, relative to the static folder
SWAGGER_FILES = ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css")
REDOC_FILES = ("vendor/redoc/redoc.standalone.js",)

SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/js/swagger-init.js"></script>
</body>
</html>
"""
#: kept for callers of the earlier name
PAGE = SWAGGER_PAGE

REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="redoc" data-openapi="{openapi}"></div>
<script src="/static/vendor/redoc/redoc.standalone.js"></script>
<script src="/static/js/redoc-init.js"></script>
</body>
</html>
"""

#: the ReDoc page's own Content-Security-Policy (see the module docstring)
REDOC_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def _vendored(static_dir: Path | None, files: tuple[str, ...]) -> bool:
    return static_dir is not None and all((static_dir / f).is_file() for f in files)


def install(
    app: FastAPI, path: str, *, static_dir: Path | None, redoc_path: str | None = None
) -> None:
    """Serve Swagger UI at ``path`` and ReDoc at ``redoc_path`` (default: ``path``'s folder +
    ``/redoc``) when ``static_dir`` (the folder served under ``/static``) holds their vendored
    files; ``/docs`` and ``/redoc`` redirect to them."""
    title = escape(app.title)
    openapi = escape(app.openapi_url or "")
    if redoc_path is None:
        redoc_path = path.rsplit("/", 1)[0] + "/redoc"
    if _vendored(static_dir, SWAGGER_FILES):
        swagger_html = SWAGGER_PAGE.format(title=title, openapi=openapi)

        @app.get(path, include_in_schema=False)
        def api_docs() -> HTMLResponse:
            return HTMLResponse(swagger_html)

        if path != "/docs":
            app.add_route("/docs", _redirect(path), include_in_schema=False)
    if _vendored(static_dir, REDOC_FILES):
        redoc_html = REDOC_PAGE.format(title=title, openapi=openapi)

        async def api_redoc(_request: Request) -> Response:
            return HTMLResponse(redoc_html, headers={"Content-Security-Policy": REDOC_POLICY})

        app.add_route(redoc_path, api_redoc, include_in_schema=False)
        if redoc_path != "/redoc":
            app.add_route("/redoc", _redirect(redoc_path), include_in_schema=False)


def _redirect(target: str) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint answering with a redirect (307) to ``target``."""

    async def go(_request: Request) -> Response:
        return RedirectResponse(target, status_code=307)

    return go
