"""The composition root of the server (decision 0045): the JSON API under ``/api/v1``, the web
pages, the store and the background-job worker, composed in this one place with plain imports.

``create_app`` migrates the store, mounts the API's routers and the web pages, installs the
middlewares, and starts ``settings.workers`` job threads for the app's lifetime. Run it with
``lingtan serve`` or any ASGI server (``uvicorn --factory lingtan.adapters.server.app:create_app``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from lingtan import __version__
from lingtan.adapters.api import docs_page, errors, limits, security_headers
from lingtan.adapters.api.router import API_PREFIX, DESCRIPTION, api_router
from lingtan.adapters.api.routes.inclusion_push import LEAN_ROUTE as PUSH_ROUTE
from lingtan.adapters.api.routes.pact import host_router as pact_host_router
from lingtan.adapters.server.mqtt import MqttListeners
from lingtan.adapters.server.worker import JobWorker
from lingtan.adapters.services.inclusion_settler import PushRuntime
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.store.db import make_engine, migrate
from lingtan.adapters.web import STATIC_DIR, mount_web


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

    # meter readings from MQTT: one listener thread per organisation with an mqtt.yaml (0072)
    listeners = MqttListeners(engine, settings.mqtt_url) if settings.mqtt_url else None
    # partners' push: write-ahead file, settler, callbacks (issue 18, decision 0090)
    push = PushRuntime(engine, settings.data_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker.start()
        push.recover()  # leftovers of a stopped process; else started by the first push
        if listeners is not None:
            listeners.start()
        try:
            yield
        finally:
            if listeners is not None:
                listeners.stop()
            push.stop()
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
    app.state.mqtt = listeners
    app.state.inclusion_push = push
    errors.install(app)
    docs_page.install(app, f"{API_PREFIX}/docs", static_dir=STATIC_DIR)  # Swagger UI: web's
    app.include_router(api_router(), prefix=API_PREFIX)
    app.router.routes.insert(0, PUSH_ROUTE)  # partners' push: first, lean (decision 0090)
    app.include_router(pact_host_router)  # PACT host API at the root: /auth/token, /2, /3 (0068)
    mount_web(app)  # the pages and /static
    # before routing and authentication: the limits (ASVS V12.1.1, decision 0037), then — the
    # outermost layer, so that a 413 or 429 carries them too — the browser protections, which
    # never read a body (ASVS V14.4, V4.2.2; decision 0035)
    limits.install(app, settings)
    security_headers.install(app, settings)
    return app
