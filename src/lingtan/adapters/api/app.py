"""The lingtan server application: JSON API under ``/api/v1`` (and the web pages, when the
web package is installed), the store, and the background-job worker.

``create_app`` migrates the store, mounts the routers, and starts ``settings.workers`` job
threads for the app's lifetime. Run it with ``lingtan serve`` or any ASGI server
(``uvicorn --factory lingtan.adapters.api.app:create_app``).
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from lingtan import __version__
from lingtan.adapters.api import docs_page, errors, limits, security_headers
from lingtan.adapters.api.routes import (
    audit,
    auth,
    boundary,
    factors,
    imports,
    inventories,
    orgs,
    products,
    reconcile,
    targets,
)
from lingtan.adapters.api.routes import lifecycle as lifecycle_routes  # issue 11: export, deletion
from lingtan.adapters.api.routes import oidc as oidc_routes  # issue 11: OpenID Connect (0040)
from lingtan.adapters.api.routes.common import GLOBAL_ERRORS
from lingtan.adapters.api.settings import ServerSettings
from lingtan.adapters.api.worker import JobWorker
from lingtan.adapters.store.db import make_engine, migrate

API_PREFIX = "/api/v1"

DESCRIPTION = """\
The lingtan (零碳) API: greenhouse-gas inventories (GHG Protocol Scope 1–3, ISO 14064-1) for
manufacturers, per organisation.

Authenticate with the session cookie (`POST /api/v1/auth/login`: `lingtan_session`,
`__Host-lingtan_session` when served over https) or an API token
(`Authorization: Bearer lt_…`, created with `POST /api/v1/orgs/{org}/tokens`). Masses are
t CO2e. Errors are `{"error": {"code", "message", "field"}}` with a stable `code`.
"""


def api_router() -> APIRouter:
    """Every router of the JSON API (without the ``/api/v1`` prefix)."""
    router = APIRouter(responses=GLOBAL_ERRORS)  # on every route (decision 0038)
    for module in (auth, orgs, boundary, factors, imports, inventories, targets, products, audit,
                   reconcile):  # fmt: skip
        router.include_router(module.router)
    router.include_router(lifecycle_routes.router)
    router.include_router(oidc_routes.router)
    return router


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The server app: store migrated, API mounted, job worker started with the app."""
    settings = settings or ServerSettings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # pool sized to the request slots and job threads; SQLite in WAL mode (decision 0038)
    engine = make_engine(settings.store_url, pool_size=settings.pool_size, sqlite_wal=True)
    migrate(engine)
    worker = JobWorker(
        engine,
        threads=settings.workers,
        poll_interval_s=settings.poll_interval_s,
        stale_after_s=settings.stale_after_s,
        time_budget_s=settings.job_time_budget_s,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker.start()
        try:
            yield
        finally:
            worker.stop()

    app = FastAPI(
        title="lingtan",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by docs_page: Swagger UI vendored, no CDN (decision 0035)
        redoc_url=None,
        lifespan=lifespan,
        **limits.fastapi_options(),  # multipart files / fields limits (decision 0037)
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.worker = worker
    errors.install(app)
    docs_page.install(app, f"{API_PREFIX}/docs")
    app.include_router(api_router(), prefix=API_PREFIX)
    _mount_web(app)
    # before routing and authentication: the limits (ASVS V12.1.1, decision 0037), then — the
    # outermost layer, so that a 413 or 429 carries them too — the browser protections, which
    # never read a body (ASVS V14.4, V4.2.2; decision 0035)
    limits.install(app, settings)
    security_headers.install(app, settings)
    return app


def _mount_web(app: FastAPI) -> None:
    """Mount the web pages and static files when the web package is present."""
    try:
        web = importlib.import_module("lingtan.adapters.web")
    except ModuleNotFoundError:
        return
    mount = getattr(web, "mount_web", None)
    if mount is not None:
        mount(app)
