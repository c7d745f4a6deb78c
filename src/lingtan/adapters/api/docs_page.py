"""The API's documentation page ``/api/v1/docs``: Swagger UI served by the server itself.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script: it fails on
a server without internet access and under the Content-Security-Policy (``script-src
'self'``, decision 0035). This page loads the vendored ``swagger-ui-dist`` files
(``web/static/vendor/swagger-ui``, ``tools/vendor_web_assets.sh``) and the start script
``web/static/js/swagger-init.js``, which the web pages serve under ``/static``. The API does not
import the web package (the layers, decision 0045): the composition root passes the static
folder. Without it, or without the vendored files, there is no page; the OpenAPI document
``/api/v1/openapi.json`` is always served.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

PAGE = """<!doctype html>
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


def install(app: FastAPI, path: str, *, static_dir: Path | None) -> None:
    """Serve the documentation page at ``path`` when ``static_dir`` (the folder served under
    ``/static``) holds the vendored Swagger UI."""
    if (
        static_dir is None
        or not (static_dir / "vendor" / "swagger-ui" / "swagger-ui-bundle.js").is_file()
    ):
        return
    html = PAGE.format(title=escape(app.title), openapi=escape(app.openapi_url or ""))

    @app.get(path, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(html)
