"""Accounts belong to their owners (issue 11 item 1, decision 0034; ASVS V2.5, V3): members
join by invitation, no organisation sets or learns a password, and the shared-account takeover
of issue 11 is impossible — on SQLite and PostgreSQL (the ``server_factory`` fixture)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import text

from serverkit import PASSWORD, Server, TestClient, owner_client

API = "/api/v1"
X = "x@shared.example"
A_KNOWS = "a-chose-this-password"
X_OWN = "only x knows this one"


def _secret(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def _invite(client: TestClient, org: str, email: str, role: str = "viewer") -> dict[str, Any]:
    r = client.post(f"{API}/orgs/{org}/invitations", json={"email": email, "role": role})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _accept(srv: Server, url: str, **body: Any) -> Any:
    return TestClient(srv.app).post(
        f"{API}/auth/invitations/accept", json={"token": _secret(url), **body}
    )


def _login(srv: Server, email: str, password: str) -> Any:
    return TestClient(srv.app).post(
        f"{API}/auth/login", json={"email": email, "password": password}
    )


def test_takeover_through_a_shared_account_is_impossible(
    server_factory: Callable[..., Server],
) -> None:
    """Issue 11: A adds x@ with a password A knows; B later adds x@; A's owner logs in as x@
    and reads B's audit log. Now: A cannot give x@ a password at all (no such route; the
    invitation is accepted by whoever holds the link), and B's invitation of an existing
    account needs that account logged in *and* B's link, which A never sees."""
    srv = server_factory()
    a = owner_client(srv, "a@acme.example", "acme")
    b = owner_client(srv, "b@bravo.example", "bravo")
    # the old route that created accounts with the adding organisation's password is gone
    r = a.post(f"{API}/orgs/acme/members", json={"email": X, "role": "viewer", "password": A_KNOWS})
    assert r.status_code == 405
    # the worst A can do: invite x@ and accept the link itself, choosing the password
    inv_a = _invite(a, "acme", X)
    assert "token_hash" not in inv_a
    assert inv_a["state"] == "pending"
    assert _accept(srv, inv_a["accept_url"], password=A_KNOWS).status_code == 200
    # B invites x@ later: the account exists, so B's link sets no password and needs a login
    inv_b = _invite(b, "bravo", X, "analyst")
    view = TestClient(srv.app).get(f"{API}/auth/invitations/{_secret(inv_b['accept_url'])}")
    assert view.json()["account_exists"] is True
    r = _accept(srv, inv_b["accept_url"], password="b-chose-a-password")
    assert r.status_code == 422  # an existing account keeps its password
    r = _accept(srv, inv_b["accept_url"])
    assert r.status_code == 401  # only the account's owner, logged in, accepts
    assert _login(srv, X, "b-chose-a-password").status_code == 401
    # A's owner logs in as x@ (the password A chose) and tries to read B: nothing is there
    xa = srv.login(X, A_KNOWS)
    assert [o["slug"] for o in xa.get(f"{API}/auth/me").json()["organisations"]] == ["acme"]
    for path in ("/orgs/bravo/audit", "/orgs/bravo/members", "/orgs/bravo"):
        r = xa.get(API + path)
        assert r.status_code == 404, (path, r.status_code)
    # A cannot issue a reset link for a member of B either (next test), nor reach B's link:
    # invitations are listed without secrets, and only to B's managers
    assert _secret(inv_b["accept_url"]) not in b.get(f"{API}/orgs/bravo/invitations").text
    assert a.get(f"{API}/orgs/bravo/invitations").status_code == 404
    # the store keeps only the sha256 of invitation secrets
    with srv.engine.connect() as conn:
        hashes = conn.execute(text("SELECT token_hash FROM invitation")).scalars().all()
    assert _secret(inv_b["accept_url"]) not in hashes
    assert len(hashes) == 2


def test_a_member_of_two_organisations_keeps_the_one_password_they_set(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory()
    a = owner_client(srv, "a@acme.example", "acme")
    b = owner_client(srv, "b@bravo.example", "bravo")
    inv_a = _invite(a, "acme", X)
    # a new address must choose a password that passes the rules (ASVS V2.1.1, V2.1.7)
    assert _accept(srv, inv_a["accept_url"]).status_code == 422
    assert _accept(srv, inv_a["accept_url"], password="short").status_code == 422
    assert _accept(srv, inv_a["accept_url"], password="password123").status_code == 422
    r = _accept(srv, inv_a["accept_url"], name="Xi", password=X_OWN)
    assert r.status_code == 200, r.text
    assert "lingtan_session" in r.cookies  # logged in as the new account
    x_id = r.json()["user"]["id"]
    # single use
    assert _accept(srv, inv_a["accept_url"], password=X_OWN).status_code == 404
    # B invites the same person, who accepts logged in — with their own password only
    inv_b = _invite(b, "bravo", X, "analyst")
    other = owner_client(srv, "o@other.example", "other")
    r = other.post(f"{API}/auth/invitations/accept", json={"token": _secret(inv_b["accept_url"])})
    assert r.status_code == 403  # logged in as another account
    x = srv.login(X, X_OWN)
    r = x.post(f"{API}/auth/invitations/accept", json={"token": _secret(inv_b["accept_url"])})
    assert r.status_code == 200, r.text
    assert sorted(o["slug"] for o in r.json()["organisations"]) == ["acme", "bravo"]
    assert _login(srv, X, X_OWN).status_code == 200
    # neither organisation can reset the password of an account the other also has
    for client, org in ((a, "acme"), (b, "bravo")):
        r = client.post(f"{API}/orgs/{org}/members/{x_id}/reset-link")
        assert r.status_code == 403, r.text
    # x still logs in with the one password x chose
    assert _login(srv, X, X_OWN).status_code == 200


def test_invitations_expire_are_revoked_and_respect_roles(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(invitation_days=1)
    a = owner_client(srv, "a@acme.example", "acme")
    # an admin may not invite owners; a member cannot be invited again
    inv = _invite(a, "acme", "ad@acme.example", "admin")
    assert _accept(srv, inv["accept_url"], password=PASSWORD).status_code == 200
    ad = srv.login("ad@acme.example")
    r = ad.post(f"{API}/orgs/acme/invitations", json={"email": "o@acme.example", "role": "owner"})
    assert r.status_code == 403
    r = ad.post(f"{API}/orgs/acme/invitations", json={"email": "A@acme.example", "role": "viewer"})
    assert r.status_code == 409
    # revoked: the link stops working
    inv = _invite(ad, "acme", "r@acme.example")
    r = ad.delete(f"{API}/orgs/acme/invitations/{inv['id']}")
    assert (r.status_code, r.json()["state"]) == (200, "revoked")
    assert _accept(srv, inv["accept_url"], password=PASSWORD).status_code == 404
    # a new invitation of the same address voids the earlier pending one
    first = _invite(ad, "acme", "n@acme.example")
    second = _invite(ad, "acme", "n@acme.example")
    assert _accept(srv, first["accept_url"], password=PASSWORD).status_code == 404
    # expired (the expiry moved into the past in the store: no sleeping)
    with srv.engine.begin() as conn:
        conn.execute(
            text("UPDATE invitation SET expires_at = :t WHERE id = :i"),
            {"t": datetime(2000, 1, 1), "i": second["id"]},
        )
    assert _accept(srv, second["accept_url"], password=PASSWORD).status_code == 404
    states = {i["id"]: i["state"] for i in ad.get(f"{API}/orgs/acme/invitations").json()}
    assert states[first["id"]] == "revoked"
    assert states[second["id"]] == "expired"
    # every step is in the organisation's audit log, without the secrets
    audit = a.get(f"{API}/orgs/acme/audit").text
    assert "invitation.create" in audit
    assert "membership.create" in audit
    assert _secret(inv["accept_url"]) not in audit
    assert "token_hash" not in audit
