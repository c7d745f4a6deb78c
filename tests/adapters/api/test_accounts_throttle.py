"""Login throttling and temporary lockout (issue 11 item 2, decision 0034; ASVS V2.2.1):
counted in the store per account and per client address, growing delays, logged, shown to
owners and admins — on SQLite and PostgreSQL. No test sleeps: thresholds are small and the
store functions take ``now``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from lingtan.adapters.store import throttle
from lingtan.adapters.store.db import migrate
from serverkit import PASSWORD, Server, TestClient, add_user, owner_client

API = "/api/v1"


def test_200_wrong_passwords_are_throttled(
    server_factory: Callable[..., Server], caplog: pytest.LogCaptureFixture
) -> None:
    srv = server_factory(login_max_failures=5, login_max_failures_per_address=1000, lockout_s=60)
    owner = owner_client(srv, "a@acme.example", "acme")
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    guest = TestClient(srv.app)
    statuses: list[int] = []
    with caplog.at_level(logging.INFO, logger="lingtan.auth"):
        for i in range(200):
            r = guest.post(
                f"{API}/auth/login", json={"email": "v@acme.example", "password": f"wrong-{i}"}
            )
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert 0 < int(r.headers["Retry-After"]) <= 60
                assert r.json()["error"]["code"] == "too_many_requests"
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 195
    assert any("login lockout: account 'v@acme.example'" in m for m in caplog.messages)
    # every decision is logged (ASVS V7.1.3, V7.2.1), never the password tried
    assert sum("login failed: 'v@acme.example'" in m for m in caplog.messages) == 5
    assert sum("login refused while locked: 'v@acme.example'" in m for m in caplog.messages) == 195
    assert not any("wrong-" in m for m in caplog.messages)
    # the right password is refused while the account is locked
    r = guest.post(f"{API}/auth/login", json={"email": "v@acme.example", "password": PASSWORD})
    assert r.status_code == 429
    # other accounts are not locked by it
    assert srv.login("a@acme.example").get(f"{API}/auth/me").status_code == 200
    # owners and admins see the lockout of their member; viewers do not
    locks = owner.get(f"{API}/orgs/acme/lockouts").json()
    assert [(x["email"], x["failures"]) for x in locks] == [("v@acme.example", 5)]
    assert guest.get(f"{API}/orgs/acme/lockouts").status_code == 401


def test_one_client_address_is_throttled_across_accounts(
    server_factory: Callable[..., Server],
) -> None:
    srv = server_factory(login_max_failures=100, login_max_failures_per_address=6)
    add_user(srv.engine, "a@acme.example")
    guest = TestClient(srv.app)
    codes = [
        guest.post(
            f"{API}/auth/login", json={"email": f"u{i}@nowhere.example", "password": "wrong!!!"}
        ).status_code
        for i in range(8)
    ]
    assert codes == [401] * 6 + [429] * 2
    r = guest.post(f"{API}/auth/login", json={"email": "a@acme.example", "password": PASSWORD})
    assert r.status_code == 429  # the address is locked, whichever account it tries


def test_lockouts_grow_and_reset(db_url: str, engines: Callable[[str], Engine]) -> None:
    engine = engines(db_url)
    migrate(engine)
    policy = throttle.ThrottlePolicy(max_failures=2, lockout_s=10, lockout_max_s=25)
    t0 = datetime(2026, 1, 1, 12)

    def fail(at: datetime) -> float | None:
        return throttle.record_failure(engine, "p@x.example", "10.0.0.1", policy, now=at)

    assert fail(t0) is None
    assert fail(t0) == 10  # the second failure locks for 10 s
    assert throttle.retry_after(engine, "P@x.example ", "10.9.9.9", now=t0) == 10
    assert throttle.retry_after(engine, "p@x.example", "", now=t0 + timedelta(seconds=11)) is None
    t1 = t0 + timedelta(seconds=11)
    assert fail(t1) is None
    assert fail(t1) == 20  # doubled
    t2 = t1 + timedelta(seconds=21)
    fail(t2)
    assert fail(t2) == 25  # capped at lockout_max_s
    # old failures stop counting after the window
    t3 = t2 + timedelta(seconds=26)
    assert fail(t3) is None
    assert fail(t3 + timedelta(seconds=policy.window_s + 1)) is None
    # a successful login starts the account's streak again
    throttle.record_success(engine, "p@x.example")
    t4 = t3 + timedelta(seconds=policy.window_s + 2)
    assert fail(t4) is None
    assert fail(t4) == 10
