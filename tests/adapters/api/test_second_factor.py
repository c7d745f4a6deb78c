"""The second factor's recovery codes (ASVS V2.6.1, V2.6.2) and the server setting that makes a
second factor compulsory for some roles (``LINGTAN_REQUIRE_SECOND_FACTOR``, ASVS V2.8), on
SQLite and PostgreSQL (``server_factory``)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pyotp

from serverkit import PASSWORD, Server, TestClient, add_user, owner_client

API = "/api/v1"


def test_recovery_codes_and_required_second_factor(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(require_second_factor=("owner", "admin"))
    owner = owner_client(srv, "a@acme.example", "acme")  # created before the rule bites
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    viewer = srv.login("v@acme.example")
    assert viewer.get(f"{API}/orgs/acme").status_code == 200  # not a listed role
    r = owner.get(f"{API}/orgs/acme")
    assert (r.status_code, r.json()["error"]["code"]) == (403, "second_factor_required")
    assert owner.get(f"{API}/auth/me").status_code == 200  # allowed: who am I, enrolment
    r = owner.post(f"{API}/auth/totp/setup", json={"current_password": PASSWORD})
    secret = r.json()["secret"]
    now = time.time()
    r = owner.post(f"{API}/auth/totp/enable", json={"code": pyotp.TOTP(secret).at(now)})
    assert r.status_code == 200, r.text
    codes = r.json()["recovery_codes"]
    assert len(set(codes)) == 10
    assert owner.get(f"{API}/orgs/acme").status_code == 200  # enrolled: everything again
    # a recovery code logs in once in place of the one-time code
    guest = TestClient(srv.app)
    body = {"email": "a@acme.example", "password": PASSWORD}
    assert guest.post(f"{API}/auth/login", json={**body, "otp": codes[0]}).status_code == 200
    assert guest.post(f"{API}/auth/login", json={**body, "otp": codes[0]}).status_code == 401
    # new codes (password and a code): the old ones end
    r = owner.post(
        f"{API}/auth/totp/recovery-codes",
        json={"current_password": PASSWORD, "code": codes[1]},
    )
    assert r.status_code == 200, r.text
    fresh = r.json()["recovery_codes"]
    assert guest.post(f"{API}/auth/login", json={**body, "otp": codes[2]}).status_code == 401
    assert guest.post(f"{API}/auth/login", json={**body, "otp": fresh[0]}).status_code == 200
    # disabling brings the rule back
    r = owner.post(
        f"{API}/auth/totp/disable", json={"current_password": PASSWORD, "code": fresh[1]}
    )
    assert r.status_code == 204, r.text
    assert owner.get(f"{API}/orgs/acme").status_code == 403
    assert guest.post(f"{API}/auth/login", json={**body, "otp": fresh[2]}).status_code == 200
    # the password asked again is throttled like a login (ASVS V2.2.1): 5 failures lock
    wrong = {"current_password": "not the password"}
    tries = [owner.post(f"{API}/auth/totp/setup", json=wrong).status_code for _ in range(6)]
    assert tries == [403] * 5 + [429]
