"""Password change and reset, sessions and API tokens (issue 11 items 2–5, decision 0034;
ASVS V2.1, V2.5, V3.2, V3.3, V3.5) — on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import select, text, update
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app as cli
from lingtan.adapters.store import auth, totp
from lingtan.adapters.store.bootstrap import create_user
from lingtan.adapters.store.db import migrate
from lingtan.adapters.store.scoping import system_session
from lingtan.adapters.store.tenancy import User
from serverkit import PASSWORD, Server, TestClient, add_user, owner_client

API = "/api/v1"
NEW = "a brand new passphrase"


def _secret(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def test_password_change_ends_the_other_sessions(server_factory: Callable[..., Server]) -> None:
    srv = server_factory()
    owner_client(srv, "a@acme.example", "acme")
    here, there = srv.login("a@acme.example"), srv.login("a@acme.example")
    token = here.post(f"{API}/orgs/acme/tokens", json={"name": "ci"}).json()["token"]
    body = {"current_password": "wrong password", "new_password": NEW}
    assert here.post(f"{API}/auth/password", json=body).status_code == 403
    body = {"current_password": PASSWORD, "new_password": "1234567"}
    assert here.post(f"{API}/auth/password", json=body).status_code == 422
    body = {"current_password": PASSWORD, "new_password": "a" * 129}
    assert here.post(f"{API}/auth/password", json=body).status_code == 422
    r = here.post(f"{API}/auth/password", json={"current_password": PASSWORD, "new_password": NEW})
    assert r.status_code == 200, r.text
    assert r.json()["ended"] >= 3  # owner_client's, here's and there's sessions
    assert "lingtan_session" in r.cookies  # this browser got a new session
    here.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
    assert here.get(f"{API}/auth/me").status_code == 200
    assert there.get(f"{API}/auth/me").status_code == 401  # the other session ended
    # API tokens are kept by a change (decision 0034; a reset revokes them)
    assert srv.bearer(token).get(f"{API}/auth/me").status_code == 200
    guest = TestClient(srv.app)
    assert (
        guest.post(
            f"{API}/auth/login", json={"email": "a@acme.example", "password": PASSWORD}
        ).status_code
        == 401
    )
    assert srv.login("a@acme.example", NEW).get(f"{API}/auth/me").status_code == 200
    # log out everywhere
    r = here.post(f"{API}/auth/logout-all")
    assert r.status_code == 200
    assert r.json()["ended"] >= 2
    assert here.get(f"{API}/auth/me").status_code == 401


def test_reset_links_of_admins_and_of_the_operator(
    server_factory: Callable[..., Server], db_url: str
) -> None:
    srv = server_factory()
    owner = owner_client(srv, "a@acme.example", "acme")
    add_user(srv.engine, "ad@acme.example", {"acme": "admin"})
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    ids = {m["email"]: m["user_id"] for m in owner.get(f"{API}/orgs/acme/members").json()}
    admin = srv.login("ad@acme.example")
    viewer = srv.login("v@acme.example")
    v_token = viewer.post(f"{API}/orgs/acme/tokens", json={"name": "v"}).json()["token"]
    # an admin may not reset an owner, nor anyone their own; a viewer may not issue links
    assert (
        admin.post(f"{API}/orgs/acme/members/{ids['a@acme.example']}/reset-link").status_code == 403
    )
    assert (
        admin.post(f"{API}/orgs/acme/members/{ids['ad@acme.example']}/reset-link").status_code
        == 403
    )
    assert (
        viewer.post(f"{API}/orgs/acme/members/{ids['v@acme.example']}/reset-link").status_code
        == 403
    )
    r = admin.post(f"{API}/orgs/acme/members/{ids['v@acme.example']}/reset-link")
    assert r.status_code == 201, r.text
    link = r.json()["reset_url"]
    assert link.startswith("http://testserver/reset/")
    guest = TestClient(srv.app)
    assert (
        guest.post(
            f"{API}/auth/reset", json={"token": _secret(link), "new_password": "short"}
        ).status_code
        == 422
    )
    r = guest.post(f"{API}/auth/reset", json={"token": _secret(link), "new_password": NEW})
    assert r.status_code == 200, r.text
    # used up; every session and token of the account ended; the new password works
    assert (
        guest.post(
            f"{API}/auth/reset", json={"token": _secret(link), "new_password": NEW}
        ).status_code
        == 404
    )
    assert viewer.get(f"{API}/auth/me").status_code == 401
    assert srv.bearer(v_token).get(f"{API}/auth/me").status_code == 401
    assert srv.login("v@acme.example", NEW).get(f"{API}/auth/me").status_code == 200
    assert "user_account.reset_link" in owner.get(f"{API}/orgs/acme/audit").text
    # the operator's CLI: a link for any account, or a password set on the store
    runner = CliRunner()
    r = runner.invoke(cli, ["users", "reset-password", "a@acme.example", "--database", db_url,
                            "--base-url", "https://lt.example"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "https://lt.example/reset/" in r.output
    first = owner.get(f"{API}/auth/me")
    assert first.status_code == 200
    r = runner.invoke(
        cli,
        ["users", "reset-password", "a@acme.example", "--set", "--database", db_url],
        env={"LINGTAN_PASSWORD": "set by the operator"},
    )
    assert r.exit_code == 0, r.output
    assert owner.get(f"{API}/auth/me").status_code == 401
    assert (
        srv.login("a@acme.example", "set by the operator").get(f"{API}/auth/me").status_code == 200
    )
    r = runner.invoke(cli, ["users", "reset-password", "nobody@x.example", "--database", db_url])
    assert r.exit_code == 1


def test_token_scopes_and_expiry(server_factory: Callable[..., Server]) -> None:
    srv = server_factory()
    owner = owner_client(srv, "a@acme.example", "acme")
    add_user(srv.engine, "v@acme.example", {"acme": "viewer"})
    read = owner.post(f"{API}/orgs/acme/tokens", json={"name": "r", "scope": "read"}).json()
    assert (read["scope"], read["expires_at"]) == ("read", None)
    rc = srv.bearer(read["token"])
    assert rc.get(f"{API}/orgs/acme/entities").status_code == 200
    assert rc.post(f"{API}/orgs/acme/entities", json={"code": "N", "name": "N"}).status_code == 403
    assert (
        rc.post(f"{API}/orgs/acme/tokens", json={"name": "x", "scope": "admin"}).status_code == 403
    )
    write = owner.post(
        f"{API}/orgs/acme/tokens", json={"name": "w", "scope": "write", "expires_in_days": 30}
    ).json()
    assert write["expires_at"] is not None
    wc = srv.bearer(write["token"])
    assert wc.post(f"{API}/orgs/acme/entities", json={"code": "N", "name": "N"}).status_code == 201
    r = wc.post(f"{API}/orgs/acme/invitations", json={"email": "q@acme.example", "role": "viewer"})
    assert r.status_code == 403  # a write token manages no members
    # an admin token of a viewer grants a viewer's rights (the lesser of scope and role)
    v = srv.login("v@acme.example")
    vt = v.post(f"{API}/orgs/acme/tokens", json={"name": "v", "scope": "admin"}).json()["token"]
    vc = srv.bearer(vt)
    assert vc.post(f"{API}/orgs/acme/entities", json={"code": "M", "name": "M"}).status_code == 403
    # expired: refused
    with srv.engine.begin() as conn:
        conn.execute(
            text("UPDATE api_token SET expires_at = :t WHERE id = :i"),
            {"t": datetime(2000, 1, 1), "i": write["id"]},
        )
    assert wc.get(f"{API}/auth/me").status_code == 401
    listed = {t["name"]: t for t in owner.get(f"{API}/orgs/acme/tokens").json()}
    assert listed["r"]["scope"] == "read"
    assert listed["w"]["expires_at"].startswith("2000")


def _session_at(db: Any, user: Any, t0: datetime) -> str:
    """A session (1 day absolute, 30 min idle) that started at ``t0``."""
    sid = auth.create_web_session(db, user, days=1, idle_minutes=30)
    db.execute(
        update(auth.WebSession)
        .where(auth.WebSession.id == auth._digest(sid))
        .values(created_at=t0, last_seen_at=t0, expires_at=t0 + timedelta(days=1))
    )
    db.commit()
    return sid


def test_session_idle_and_absolute_timeouts(db_url: str, engines: Callable[[str], Engine]) -> None:
    engine = engines(db_url)
    migrate(engine)
    t0 = datetime(2030, 1, 1, 8)
    with system_session(engine) as db:
        user = create_user(db, "s@x.example", PASSWORD)
        sid = _session_at(db, user, t0)
        assert auth.user_for_web_session(db, sid, now=t0 + timedelta(minutes=29)) is not None
        # that use moved last_seen_at (written at most once a minute)
        seen = db.scalar(
            select(auth.WebSession.last_seen_at).where(auth.WebSession.id == auth._digest(sid))
        )
        assert seen == t0 + timedelta(minutes=29)
        assert auth.user_for_web_session(db, sid, now=t0 + timedelta(minutes=58)) is not None
        assert auth.user_for_web_session(db, sid, now=t0 + timedelta(minutes=89)) is None  # idle
        # absolute: ends after a day even when used every 20 minutes
        other = _session_at(db, user, t0)
        ends = next(
            n for n in range(1, 100)
            if auth.user_for_web_session(db, other, now=t0 + timedelta(minutes=20 * n)) is None
        )  # fmt: skip
        assert ends == 72  # 24 h


def test_second_factor(server_factory: Callable[..., Server], db_url: str) -> None:
    """Optional TOTP (RFC 6238; ASVS V2.8.1, V2.8.4): enrol, then a login needs a code, and a
    code is accepted once."""
    srv = server_factory()
    owner = owner_client(srv, "a@acme.example", "acme")
    r = owner.post(f"{API}/auth/totp/setup", json={"current_password": "wrong password"})
    assert r.status_code == 403
    r = owner.post(f"{API}/auth/totp/setup", json={"current_password": PASSWORD})
    assert r.status_code == 200, r.text
    secret = r.json()["secret"]
    assert r.json()["otpauth_uri"].startswith("otpauth://totp/lingtan:a%40acme.example")
    assert owner.post(f"{API}/auth/totp/enable", json={"code": "000000"}).status_code in (200, 403)
    now = time.time()
    code = pyotp.TOTP(secret).at(now)
    r = owner.post(f"{API}/auth/totp/enable", json={"code": code})
    assert r.status_code in (200, 409)  # 409: "000000" happened to be the current code
    guest = TestClient(srv.app)
    body = {"email": "a@acme.example", "password": PASSWORD}
    r = guest.post(f"{API}/auth/login", json=body)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "otp_required")
    assert guest.post(f"{API}/auth/login", json={**body, "otp": code}).status_code == 401  # used
    following = pyotp.TOTP(secret).at(now + 30)  # the next step's code (one step of drift)
    assert guest.post(f"{API}/auth/login", json={**body, "otp": following}).status_code == 200
    assert guest.post(f"{API}/auth/login", json={**body, "otp": following}).status_code == 401
    # the store's rule, with the clock given: within one step either side, each step once
    with system_session(srv.engine) as db:
        user = db.scalar(select(User).where(User.email == "a@acme.example"))
        assert user is not None
        user.totp_last_step = None
        t = 1_900_000_000.0
        assert not totp.check_code(user, pyotp.TOTP(secret).at(t - 90), at=t)  # too old
        assert totp.check_code(user, pyotp.TOTP(secret).at(t - 30), at=t)
        assert not totp.check_code(user, pyotp.TOTP(secret).at(t - 30), at=t)  # replay
        assert totp.check_code(user, pyotp.TOTP(secret).at(t), at=t)
    # a lost authenticator: the operator removes the factor
    r = CliRunner().invoke(
        cli, ["users", "reset-password", "a@acme.example", "--remove-second-factor",
              "--database", db_url],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert guest.post(f"{API}/auth/login", json=body).status_code == 200
