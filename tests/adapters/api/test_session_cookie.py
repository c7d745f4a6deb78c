"""The session cookie is ``__Host-lingtan_session`` when the server is served over https.

ASVS 4.0.3 V3.4.4 (the ``__Host-`` prefix), V3.4.1 (Secure), V3.4.5 (path ``/``). Over http
(every other test) it stays ``lingtan_session``. One function (``api/session_cookie.py``,
``cookie_name``) decides the name; the API, the pages and the CSRF checks read and write the
cookie through that module.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from lingtan.adapters.api.session_cookie import cookie_name
from lingtan.adapters.services.settings import ServerSettings
from serverkit import PASSWORD, add_user

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

API = "/api/v1"
BASE = "https://lingtan.example"
HOST_COOKIE = "__Host-lingtan_session"
EMAIL = "owner@acme.example"


def _settings(db_url: str, data_dir: Path, base_url: str) -> ServerSettings:
    return ServerSettings(
        database_url=db_url, data_dir=data_dir, workers=0, secret="test", base_url=base_url
    )


@pytest.fixture
def https_app(db_url: str, tmp_path: Path) -> Iterator[object]:
    from lingtan.adapters.server.app import create_app

    app = create_app(_settings(db_url, tmp_path / "data", BASE))
    add_user(app.state.engine, EMAIL)
    yield app
    app.state.engine.dispose()


def _attributes(set_cookie: str) -> set[str]:
    """The attribute names of one ``Set-Cookie`` header, lower case (``secure``, ``path=/``)."""
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def _session_header(set_cookies: list[str]) -> str:
    (header,) = [h for h in set_cookies if "lingtan_session" in h]
    return header


def test_the_name_follows_the_base_url(tmp_path: Path) -> None:
    assert cookie_name(_settings("sqlite://", tmp_path, BASE)) == HOST_COOKIE
    assert cookie_name(_settings("sqlite://", tmp_path, "http://localhost:8000")) == (
        "lingtan_session"
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the store plays no part
def test_over_https_the_api_login_sets_a_host_cookie(https_app: object) -> None:
    with TestClient(https_app, base_url=BASE) as c:
        r = c.post(f"{API}/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert r.status_code == 200
        header = _session_header(r.headers.get_list("set-cookie"))
        assert header.startswith(f"{HOST_COOKIE}=")
        attributes = _attributes(header)
        assert {"secure", "path=/", "httponly", "samesite=lax"} <= attributes
        assert not any(a.startswith("domain") for a in attributes)
        assert c.get(f"{API}/auth/me").json()["user"]["email"] == EMAIL  # the next request
        sid = c.cookies[HOST_COOKIE]
        # the CSRF token of the session is handed over and accepted with the __Host- cookie
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        assert c.post(f"{API}/orgs", json={"slug": "acme", "name": "Acme"}).status_code == 201
        # the http name is not read on an https server
        with TestClient(https_app, base_url=BASE, cookies={"lingtan_session": sid}) as other:
            assert other.get(f"{API}/auth/me").status_code == 401
        r = c.post(f"{API}/auth/logout")
        assert r.status_code == 204
        gone = _session_header(r.headers.get_list("set-cookie"))
        assert gone.startswith(f"{HOST_COOKIE}=")
        assert {"secure", "path=/"} <= _attributes(gone)
        with TestClient(https_app, base_url=BASE, cookies={HOST_COOKIE: sid}) as again:
            assert again.get(f"{API}/auth/me").status_code == 401  # ended on the server


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_over_https_the_login_page_sets_a_host_cookie(https_app: object) -> None:
    with TestClient(https_app, base_url=BASE) as c:
        page = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
        assert token
        r = c.post(
            "/login",
            data={"email": EMAIL, "password": PASSWORD, "next": "/", "csrf_token": token[1]},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        header = _session_header(r.headers.get_list("set-cookie"))
        assert header.startswith(f"{HOST_COOKIE}=")
        assert {"secure", "path=/", "httponly"} <= _attributes(header)
        assert c.get("/account", follow_redirects=False).status_code == 200  # signed in
        assert c.get(f"{API}/auth/me").status_code == 200  # the API reads the same cookie
