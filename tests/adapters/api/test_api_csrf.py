"""CSRF protection of the JSON API (OWASP ASVS 4.0.3 V4.2.2, V13.2.3; decision 0035): a change
authenticated by the session cookie needs the session's ``X-CSRF-Token`` (handed out by the
login response); a bearer token is exempt; a state-changing request a page of another site
sends (``Origin`` / ``Sec-Fetch-Site``) is refused before its body is read, login included."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lingtan.adapters.api.csrf_api import sign
from serverkit import PASSWORD, Server, TestClient, add_user, owner_client

API = "/api/v1"
EVIL = {"Origin": "https://evil.example"}


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)


def _cookie_only(srv: Server, email: str) -> TestClient:
    """A client logged in by cookie that does not send the CSRF header."""
    c = srv.login(email)
    del c.headers["X-CSRF-Token"]
    return c


def test_cookie_changes_need_the_token(server: Server) -> None:
    owner = owner_client(server, "owner@acme.example")
    c = _cookie_only(server, "owner@acme.example")
    # the login response's token is the session's (the same as the web pages' token)
    assert owner.headers["X-CSRF-Token"] == sign("test", owner.cookies["lingtan_session"])
    site = {"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"}
    for headers in ({}, {"X-CSRF-Token": "0" * 64}):
        r = c.post(f"{API}/orgs/acme/sites", json=site, headers=headers)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "csrf_failed"
    codes = [s["code"] for s in c.get(f"{API}/orgs/acme/sites").json()]  # reads need no token
    assert "TJ01" not in codes  # nothing was made
    r = owner.post(f"{API}/orgs/acme/sites", json=site)
    assert r.status_code == 201, r.text
    site_id = r.json()["id"]
    r = c.delete(f"{API}/orgs/acme/sites/{site_id}")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_failed")
    r = c.patch(f"{API}/orgs/acme", json={"name": "Renamed"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_failed")
    assert owner.delete(f"{API}/orgs/acme/sites/{site_id}").status_code == 204


def test_bearer_tokens_are_exempt(server: Server) -> None:
    owner = owner_client(server, "owner@acme.example")
    r = owner.post(f"{API}/orgs/acme/tokens", json={"name": "ci"})
    assert r.status_code == 201, r.text
    bearer = server.bearer(r.json()["token"])
    site = {"code": "SH01", "name": "Shanghai", "entity_code": "MAIN", "region": "CN-SH"}
    r = bearer.post(f"{API}/orgs/acme/sites", json=site, headers=EVIL)
    assert r.status_code == 201, r.text


def test_cross_site_requests_are_refused_before_anything(server: Server) -> None:
    add_user(server.engine, "someone@acme.example")
    anon = TestClient(server.app)
    body = {"email": "someone@acme.example", "password": PASSWORD}
    for headers in (EVIL, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}):
        r = anon.post(f"{API}/auth/login", json=body, headers=headers)  # login CSRF
        assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_origin")
        assert "lingtan_session" not in r.cookies
    owner = owner_client(server, "owner@acme.example")
    r = owner.patch(f"{API}/orgs/acme", json={"name": "Evil"}, headers=EVIL)  # token or not
    assert (r.status_code, r.json()["error"]["code"]) == (403, "csrf_origin")
    assert owner.get(f"{API}/orgs/acme/sites", headers=EVIL).status_code == 200  # reads pass
    for headers in ({"Origin": "http://testserver"}, {"Sec-Fetch-Site": "same-origin"}):
        r = anon.post(f"{API}/auth/login", json=body, headers=headers)
        assert r.status_code == 200, r.text
