"""``/api/v1/orgs/{org}/inclusion/…`` (decision 0088): programmes and their rules, groups with
counts only, pseudonymous accounts, guardian consent in a school programme, partners whose
secret is returned once, consents granted and revoked, member links, export and deletion
(PIPL), unknown fields refused, a viewer may read but not change."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from inclusion_programmes_kit import EMPLOYEE, PARTNER, SCHOOL, build_inclusion_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "incl"
BASE = f"/api/v1/orgs/{ORG}/inclusion"
VIEWER = "viewer@lingtan.invalid"


def _login(c: TestClient, email: str) -> None:
    r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]


@pytest.fixture(scope="module")
def app_root(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> tuple[object, Path]:
    from lingtan.adapters.store.bootstrap import create_user
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session

    root = tmp_path_factory.mktemp("api-inclusion-programmes")
    app = single_org_app(root, build_inclusion_workspace(root / "orgs" / ORG), ORG)
    engine = make_engine(f"sqlite:///{root / 'server.db'}")
    with system_session(engine, actor="tests") as db:
        create_user(db, VIEWER, PASSWORD, "Viewer", memberships={ORG: "viewer"})
    engine.dispose()
    return app, root


@pytest.fixture(scope="module")
def client(app_root: tuple[object, Path]) -> Iterator[TestClient]:
    with TestClient(app_root[0]) as c:  # type: ignore[arg-type]
        _login(c, OWNER)
        for path, body in (("programmes", EMPLOYEE), ("programmes", SCHOOL),
                           ("partners", PARTNER)):  # fmt: skip
            r = c.post(f"{BASE}/{path}", json=body)
            assert r.status_code == 201, r.text
            if path == "partners":
                assert r.json()["hmac_secret"].startswith("ips_")
        yield c


def test_programmes_and_rules(client: TestClient) -> None:
    r = client.get(f"{BASE}/programmes")
    assert [p["code"] for p in r.json()] == ["emp", "school"]  # by start date
    p = client.get(f"{BASE}/programmes/emp").json()
    assert (p["points_per_kg"], p["engagement_points"], p["expiry_months"]) == (
        10.0, {"learn.quiz": 5}, 24)  # fmt: skip
    assert "subject_salt" not in p
    caps = {"travel.bus": {"per_day": 9, "per_month": 5}}
    r = client.patch(f"{BASE}/programmes/emp", json={"caps": caps})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "caps.travel.bus"
    r = client.patch(f"{BASE}/programmes/emp", json={"points_per_kg": 12})
    assert r.json()["points_per_kg"] == 12.0
    assert r.json()["caps"]["travel.metro"] == {"per_day": 50, "per_month": 600}  # kept
    r = client.post(f"{BASE}/programmes", json={**EMPLOYEE, "code": "x", "colour": "red"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "colour"
    assert client.post(f"{BASE}/programmes", json=EMPLOYEE).status_code == 409
    assert client.get(f"{BASE}/programmes/nope").status_code == 404


def test_accounts_groups_consent_privacy(client: TestClient) -> None:
    r = client.post(f"{BASE}/school/groups", json={"code": "c1", "kind": "class", "name": "一班"})
    assert r.status_code == 201, r.text
    r = client.post(f"{BASE}/school/accounts", json={"subject": "S1", "group": "c1"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "guardian_consent"
    for i in range(2):
        r = client.post(f"{BASE}/school/accounts", json={"subject": f"S{i}", "group": "c1",
                                                         "guardian_consent": True})  # fmt: skip
        assert r.status_code == 201, r.text
    g = client.get(f"{BASE}/school/groups/c1").json()
    assert (g["members"], g["active"], g["kind"]) == (2, 2, "class")
    assert "refs" not in g
    r = client.post(f"{BASE}/emp/accounts", json={"subject": "E77", "site": "SZ01"})
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    assert ref.startswith("m-")
    assert "E77" not in r.text
    assert "subject_hash" not in r.json()
    acc = f"{BASE}/emp/accounts/{ref}"
    assert client.get(acc).json()["site"] == "SZ01"
    r = client.post(f"{acc}/consents", json={"partner": "zz", "scopes": ["travel.metro"],
                                             "evidence": "app 3.1"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "live"
    r = client.post(f"{acc}/consents", json={"partner": "zz", "scopes": ["learn.quiz"]})
    assert r.status_code == 422  # the partner is not allowed quizzes
    r = client.post(f"{acc}/member-link", json={})
    assert r.status_code == 201, r.text
    assert r.json()["path"] == "/m/" + r.json()["token"]
    partner = client.get(f"{BASE}/partners/zz").json()
    assert partner["consents"] == {"live": 1, "revoked": 0, "expired": 0}
    assert "hmac_secret" not in partner
    data = client.get(f"{acc}/export").json()
    assert data["account"]["ref"] == ref
    assert [c["partner"] for c in data["consents"]] == ["zz"]
    assert client.delete(acc).status_code == 204
    after = client.get(acc).json()
    assert after["status"] == "deleted"
    assert [c["state"] for c in client.get(f"{acc}/consents").json()] == ["revoked"]
    r = client.post(f"{acc}/consents/revoke", json={"partner": "zz"})
    assert r.json() == {"revoked": 0}
    r = client.post(f"{BASE}/partners/zz/status", json={"status": "suspended"})
    assert r.json()["status"] == "suspended"
    assert client.get(f"{BASE}/emp/accounts/m-aaaaaaaaaa").status_code == 404


def test_viewer_reads_but_cannot_change(app_root: tuple[object, Path]) -> None:
    with TestClient(app_root[0]) as c:  # type: ignore[arg-type]
        _login(c, VIEWER)
        assert c.get(f"{BASE}/programmes").status_code == 200
        r = c.post(f"{BASE}/programmes", json={**EMPLOYEE, "code": "v"})
        assert r.status_code == 403
        assert c.post(f"{BASE}/partners", json={**PARTNER, "code": "v"}).status_code == 403
