"""``/api/v1/orgs/{org}/risks/aspects`` (decision 0081): create, rate, change, filter and
remove aspects; the refusals (422 naming the field, 409 a code taken, 404); the significance
configuration re-rating every aspect; monitoring records and the aspects due; the CSV import
and export; an aspect taken from a register risk — on the workspace of
:mod:`risk_aspects_kit` (site HQ, KPI ``KPI-RE``, register risk ``CR-01``; hand calculations
there)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from appkit import OWNER, PASSWORD, single_org_app
from risk_aspects_kit import (
    KPI,
    LOW,
    OVERALL,
    RISK,
    SCORES,
    SITE,
    add_risk,
    build_aspects_workspace,
)

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "aspects"
BASE = f"/api/v1/orgs/{ORG}/risks/aspects"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import Organisation

    root = tmp_path_factory.mktemp("api-aspects")
    app = single_org_app(root, build_aspects_workspace(root / "orgs" / ORG), ORG)
    engine = make_engine(f"sqlite:///{root / 'server.db'}")
    with system_session(engine) as db:
        org_id = db.scalar(select(Organisation.id).where(Organisation.slug == ORG))
    assert org_id is not None
    with tenant_session(engine, org_id, actor="tests") as db:
        add_risk(db)
    engine.dispose()
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def test_round_trip(client: TestClient) -> None:
    body = {"code": "API-1", "aspect": "Workplace energy", "site": SITE, **SCORES,
            "objectives": [{"text": "90 % RE", "kpi": KPI}], "risk_code": RISK}  # fmt: skip
    r = client.post(BASE, json=body)
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["overall"] == pytest.approx(OVERALL)  # 3.6 × 13 / 3
    assert (a["significant"], a["reason"], a["rated"]) == (True, "threshold", True)
    assert a["objectives"] == [{"text": "90 % RE", "kpi": KPI}]
    r = client.put(f"{BASE}/{a['id']}/scores", json={k.split("_", 1)[1]: v for k, v in LOW.items()})
    assert r.status_code == 200, r.text
    assert (r.json()["overall"], r.json()["significant"]) == (6.0, False)  # 2 × 3
    r = client.patch(f"{BASE}/{a['id']}", json={"condition": "emergency", "site": None})
    assert r.status_code == 200, r.text
    assert (r.json()["condition"], r.json()["site"]) == ("emergency", None)
    listed = client.get(BASE, params={"condition": "emergency"}).json()
    assert [x["code"] for x in listed] == ["API-1"]
    assert client.get(BASE, params={"risk_code": RISK}).json()[0]["id"] == a["id"]
    assert client.delete(f"{BASE}/{a['id']}").status_code == 204
    assert client.get(f"{BASE}/{a['id']}").status_code == 404


def test_refusals(client: TestClient) -> None:
    r = client.post(BASE, json={"aspect": "Water", "site": "ELSEWHERE"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "site"
    assert "ELSEWHERE" in r.json()["error"]["message"]
    r = client.post(BASE, json={"aspect": "Water", "e_quantity": 3})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "e_scope"
    r = client.post(BASE, json={"aspect": "Water", "e_quantity": 6})
    assert r.status_code == 422  # the schema's range
    r = client.post(BASE, json={"aspect": "Water", "objectives": [{"text": "x", "kpi": "NO"}]})
    assert r.status_code == 422
    assert client.post(BASE, json={"aspect": "W", "code": "DUP"}).status_code == 201
    r = client.post(BASE, json={"aspect": "W", "code": "DUP"})
    assert r.status_code == 409
    assert client.get(f"{BASE}/999999").status_code == 404


def test_config_rerates(client: TestClient) -> None:
    c = client.get(f"{BASE}/config").json()
    assert (c["threshold"], c["aggregate"], c["default"]) == (9.0, "mean", True)
    assert "lingtan's default" in c["label"]
    r = client.post(BASE, json={"code": "CFG", "aspect": "Paper", **LOW})  # overall 6
    assert r.json()["significant"] is False
    r = client.put(f"{BASE}/config", json={"threshold": 6})
    assert r.status_code == 200, r.text
    assert (r.json()["default"], r.json()["label"]) == (False, None)
    assert r.json()["rerated"] >= 1
    got = client.get(BASE, params={"significant": True}).json()
    assert "CFG" in [x["code"] for x in got]
    assert client.put(f"{BASE}/config", json={"threshold": 9}).status_code == 200


def test_monitoring_and_due(client: TestClient) -> None:
    a = client.post(BASE, json={"code": "MON", "aspect": "Energy", **SCORES}).json()
    due = {d["code"]: d for d in client.get(f"{BASE}/due").json()}
    assert due["MON"]["last"] is None
    r = client.post(f"{BASE}/{a['id']}/monitoring",
                    json={"findings": "on plan", "status": "on_track"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert OWNER in r.json()["checked_by"]  # the signed-in user by default
    assert "MON" not in {d["code"] for d in client.get(f"{BASE}/due").json()}
    recs = client.get(f"{BASE}/{a['id']}/monitoring").json()
    assert [x["findings"] for x in recs] == ["on plan"]
    r = client.post(f"{BASE}/{a['id']}/monitoring", json={"checked_on": "2999-01-01"})
    assert r.status_code == 422


def test_import_export_and_from_risk(client: TestClient) -> None:
    csv = b"code,aspect,condition\nIMP-1,Packaging,normal\n"
    r = client.post(f"{BASE}/import", files={"file": ("sea.csv", csv, "text/csv")})
    assert r.status_code == 201, r.text
    assert len(r.json()["created"]) == 1
    r = client.post(f"{BASE}/import", files={"file": ("sea.csv", csv + b"X,,odd\n", "text/csv")})
    assert r.status_code == 422
    assert "sea.csv, row 3, column aspect" in r.json()["error"]["message"]
    r = client.get(f"{BASE}/export")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert b"IMP-1,Packaging" in r.content
    r = client.post(f"{BASE}/from-risk", json={"risk_code": RISK})
    assert r.status_code == 201, r.text
    assert r.json()["risk_code"] == RISK
    assert client.post(f"{BASE}/from-risk", json={"risk_code": "CR-404"}).status_code == 422
