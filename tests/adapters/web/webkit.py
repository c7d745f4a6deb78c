"""Helpers of the web tests (imported by the tests; fixtures are in conftest.py): the real app on
a site's database, logging in through the login form (with its CSRF token), and reading the
CSRF token a page's forms carry."""

from __future__ import annotations

import re
import warnings
from typing import Any

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"  # conftest.PASSWORD
SECRET = "test-secret"
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def create_site_app(site: Any, **settings: Any) -> Any:
    """The server app (``lingtan.adapters.server.app.create_app``) on a :class:`Site`."""
    from lingtan.adapters.server.app import create_app
    from lingtan.adapters.services.settings import ServerSettings

    return create_app(
        ServerSettings(
            database_url=site.database_url,
            data_dir=site.root,
            workers=settings.pop("workers", 1),
            secret=SECRET,
            base_url="http://testserver",
            poll_interval_s=0.05,
            **settings,
        )
    )


def csrf_token(client: TestClient, page: str) -> str:
    """The CSRF token of the forms on ``page`` (GET)."""
    html = client.get(page, follow_redirects=True).text
    m = _TOKEN.search(html)
    assert m, f"{page} has no form with a CSRF token"
    return m.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Log ``client`` in as ``email`` through the login form."""
    client.cookies.clear()
    token = csrf_token(client, "/login")
    r = client.post(
        "/login",
        data={"email": email, "password": password, "next": "/", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "lingtan_session" in r.cookies


def send_api_token(client: TestClient) -> None:
    """Let a logged-in page client also change things through the JSON API: send the
    session's CSRF token in ``X-CSRF-Token``, as the pages' HTMX requests do (decision 0035).
    Page-form tests leave it out, so that a form without its token is still refused."""
    client.headers["X-CSRF-Token"] = csrf_token(client, "/")
