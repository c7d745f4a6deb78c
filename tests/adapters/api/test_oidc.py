"""OpenID Connect sign-in (decision 0040) against a real local provider (oidc_provider.py),
on SQLite and PostgreSQL: an identity is linked only by its signed-in owner, never by e-mail;
an unlinked identity, a replayed state, another browser's state and every wrong ID token
(audience, nonce, signature, expiry, issuer, alg none) are refused; an identity of
organisation A's provider cannot be linked by someone who is not A's member; the client secret
never appears in an answer or in the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from lingtan.adapters.services import oidc
from oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, RunningProvider
from serverkit import Server, TestClient, add_user, owner_client

API = "/api/v1"


@pytest.fixture(scope="module")
def idp() -> Iterator[Provider]:
    with RunningProvider() as provider:
        yield provider


@pytest.fixture
def site(
    server_factory: Callable[..., Server], idp: Provider, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """acme (owner a@, with the provider configured) and bravo (owner b@)."""
    monkeypatch.setenv(oidc.PRIVATE_ISSUERS_ENV, "1")  # the provider is on 127.0.0.1
    idp.misbehave, idp.subject = None, "alice-at-idp"
    oidc._cache.clear()
    srv = server_factory(workers=0)
    a = owner_client(srv, "a@acme.example")
    b = owner_client(srv, "b@bravo.example", "bravo")
    body = {
        "issuer": idp.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "display_name": "Acme SSO",
    }
    r = a.put(f"{API}/orgs/acme/identity-provider", json=body)
    assert r.status_code == 200, r.text
    return {"srv": srv, "a": a, "b": b}


def through_provider(client: TestClient, start: str) -> httpx.Response:
    """Follow a sign-in from ``start`` through the provider back to the callback; the
    callback's answer (not followed)."""
    r = client.get(start, follow_redirects=False)
    assert r.status_code == 302, r.text
    at_idp = httpx.get(r.headers["location"], follow_redirects=False)
    assert at_idp.status_code == 302, at_idp.text
    return client.get(at_idp.headers["location"], follow_redirects=False)


def me(client: TestClient) -> str | None:
    r = client.get(f"{API}/auth/me")
    return str(r.json()["user"]["email"]) if r.status_code == 200 else None


def test_link_then_sign_in(site: dict[str, Any], idp: Provider) -> None:
    srv: Server = site["srv"]
    a: TestClient = site["a"]
    # the provider's settings never show the secret
    shown = a.get(f"{API}/orgs/acme/identity-provider")
    assert shown.status_code == 200
    assert CLIENT_SECRET not in shown.text
    assert shown.json()["redirect_uri"] == "http://testserver/auth/oidc/callback"
    # a, signed in with the password, links the identity
    r = through_provider(a, "/auth/oidc/acme/login?link=1&next=/o/acme/dashboard")
    assert (r.status_code, r.headers["location"]) == (303, "/o/acme/dashboard"), r.text
    assert a.get(f"{API}/orgs/acme/identity-provider").json()["linked_identities"] == 1
    # a new browser signs in through the provider as a, to a local next only
    c = TestClient(srv.app)
    r = through_provider(c, "/auth/oidc/acme/login?next=//evil.example/x")
    assert (r.status_code, r.headers["location"]) == (303, "/")
    assert "lingtan_session" in r.cookies
    assert me(c) == "a@acme.example"
    # the same callback again, with the binding cookie kept (replay of state and code):
    # refused, nobody signed in
    replay = TestClient(srv.app)
    start = replay.get("/auth/oidc/acme/login", follow_redirects=False)
    binding = start.cookies["lingtan_oidc"]
    back = httpx.get(start.headers["location"], follow_redirects=False).headers["location"]
    assert replay.get(back, follow_redirects=False).status_code == 303
    thief = TestClient(srv.app)
    thief.cookies.set("lingtan_oidc", binding, path="/auth/oidc")
    r = thief.get(back, follow_redirects=False)
    assert r.status_code == 400
    assert "lingtan_session" not in r.cookies
    # the audit log has the provider and the link, never the secret
    log = a.get(f"{API}/orgs/acme/audit", params={"limit": 500})
    assert log.status_code == 200
    assert CLIENT_SECRET not in log.text
    actions = {e["action"] for e in log.json()}
    assert {"identity_provider.create", "external_identity.create"} <= actions
    assert "external_identity.login" in actions
    unlinked_and_foreign_state_refused(srv, idp)


def unlinked_and_foreign_state_refused(srv: Server, idp: Provider) -> None:
    """An unlinked identity claiming a@'s verified address, and another browser's state."""
    c = TestClient(srv.app, cookies={"lingtan_lang": "en"})
    # an identity nobody linked — even one whose e-mail claim names an existing account
    idp.subject = "mallory-at-idp"
    r = through_provider(c, "/auth/oidc/acme/login")
    assert r.status_code == 403
    assert "not linked to a lingtan account" in r.text
    assert "lingtan_session" not in r.cookies
    assert me(c) is None
    # a state started in another browser (no binding cookie here): refused
    other = TestClient(srv.app)
    start = other.get("/auth/oidc/acme/login", follow_redirects=False)
    back = httpx.get(start.headers["location"], follow_redirects=False).headers["location"]
    zh = TestClient(srv.app, cookies={"lingtan_lang": "zh-CN"})
    r = zh.get(back, follow_redirects=False)
    assert r.status_code == 400
    assert "另一个浏览器" in r.text
    # the provider's "no" and an organisation without a provider
    assert c.get("/auth/oidc/callback?error=access_denied").status_code == 403
    assert c.get("/auth/oidc/bravo/login", follow_redirects=False).status_code == 502
    # the login page's organisation form leads to the organisation's sign-in, locally only
    r = c.get("/auth/oidc/start?org=Acme&next=https://evil.example")
    assert r.status_code == 200
    assert 'href="/auth/oidc/acme/login?next=%2F"' in r.text
    assert "Continue to Acme SSO" in r.text
    assert c.get("/auth/oidc/start?org=../x", follow_redirects=False).status_code == 502


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_wrong_id_tokens_are_refused(
    site: dict[str, Any], idp: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    srv: Server = site["srv"]
    assert through_provider(site["a"], "/auth/oidc/acme/login?link=1").status_code == 303
    for mode in ("aud", "nonce", "key", "expired", "iss", "none"):
        idp.misbehave = mode
        c = TestClient(srv.app)
        r = through_provider(c, "/auth/oidc/acme/login")
        assert r.status_code == 502, (mode, r.status_code)
        assert "lingtan_session" not in r.cookies, mode
        assert me(c) is None, mode
    idp.misbehave = None  # and the well-behaved provider still signs a in, after a key
    idp.rotate()  # rotation too (the cached key set is fetched again for the new kid)
    c = TestClient(srv.app)
    assert through_provider(c, "/auth/oidc/acme/login").status_code == 303
    assert me(c) == "a@acme.example"
    # without LINGTAN_OIDC_PRIVATE_ISSUERS, only a public https issuer is accepted (no SSRF)
    monkeypatch.delenv(oidc.PRIVATE_ISSUERS_ENV)
    a = site["a"]
    base = {"client_id": "x", "client_secret": "y", "display_name": "IdP"}
    for issuer in ("http://idp.example", "https://127.0.0.1:8443", "https://10.1.2.3",
                   "https://u:p@idp.example", "https://idp.example/?q=1"):  # fmt: skip
        r = a.put(f"{API}/orgs/acme/identity-provider", json={**base, "issuer": issuer})
        assert r.status_code in (409, 422), (issuer, r.text)  # policy 409, schema 422
    assert a.get(f"{API}/orgs/acme/identity-provider").json()["issuer"] == idp.issuer


def test_only_members_link_and_sign_in(site: dict[str, Any], idp: Provider) -> None:
    srv: Server = site["srv"]
    b: TestClient = site["b"]
    # b (bravo's owner, not acme's member) cannot link an identity of acme's provider
    r = b.get("/auth/oidc/acme/login?link=1", follow_redirects=False)
    assert r.status_code == 403
    assert b.get(f"{API}/orgs/acme/identity-provider").status_code == 404
    # linking needs a session: without one, the login page first
    r = TestClient(srv.app).get("/auth/oidc/acme/login?link=1", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"].startswith("/login?next=")
    # a member links, then leaves acme: the identity no longer signs in
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    v = srv.login("v@acme.example")
    idp.subject = "victor-at-idp"
    assert through_provider(v, "/auth/oidc/acme/login?link=1").status_code == 303
    # the same identity cannot be linked by another account (a@) as well
    assert through_provider(site["a"], "/auth/oidc/acme/login?link=1").status_code == 403
    vid = next(
        m["user_id"]
        for m in site["a"].get(f"{API}/orgs/acme/members").json()
        if m["email"] == "v@acme.example"
    )
    assert site["a"].delete(f"{API}/orgs/acme/members/{vid}").status_code == 204
    c = TestClient(srv.app)
    assert through_provider(c, "/auth/oidc/acme/login").status_code == 403
    assert me(c) is None
    # the provider is the owner's to change: a viewer may not; a removed provider signs no one
    add_user(srv.engine, "w@acme.example", {"acme": "viewer"})
    w = srv.login("w@acme.example")
    assert w.delete(f"{API}/orgs/acme/identity-provider").status_code == 403
    assert site["a"].delete(f"{API}/orgs/acme/identity-provider").status_code == 204
    assert c.get("/auth/oidc/acme/login", follow_redirects=False).status_code == 502


def test_refusal_messages_exist_in_both_languages() -> None:
    from lingtan.adapters.i18n.messages import LOCALES, catalogue

    reasons = ("expired", "browser", "provider", "unlinked", "not_member", "taken", "denied")
    for locale in LOCALES:
        cat = catalogue(locale)
        keys = ["oidc.refused.title", *(f"oidc.refused.{r}" for r in reasons)]
        assert [k for k in keys if not cat.get(k)] == [], locale
