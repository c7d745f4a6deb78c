"""``/api/v1/orgs/{org}/risks/sites`` (decision 0083): exposure records, indicator imports (CSV
and OS-Climate physrisk JSON, all or nothing), curves, EAD and BI per site and for the group,
the ¶29(c) shares, on the workspace of :mod:`risk_hazards_kit` (hand calculation there)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

import risk_hazards_kit as kit
from appkit import OWNER, PASSWORD, single_org_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "hazards"
BASE = f"/api/v1/orgs/{ORG}/risks/sites"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-hazards")
    app = single_org_app(root, kit.prepare(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def test_exposure_and_risks(client: TestClient) -> None:
    r = client.post(
        f"{BASE}/exposure/import",
        files={"file": ("exposure.csv", kit.EXPOSURE_CSV.encode(), "text/csv")},
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"written": 2}
    r = client.post(
        f"{BASE}/indicators/import", files={"file": ("h.csv", kit.HAZARDS_CSV.encode(), "text/csv")}
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"created": 7, "replaced": 0}
    doc = client.get(f"{BASE}/risks", params={"pathway": kit.PATHWAY, "year": kit.YEAR}).json()
    assert doc["group"]["ead"] == pytest.approx(kit.GROUP_EAD)
    assert doc["group"]["bi"] == pytest.approx(kit.GROUP_BI)
    wh = next(s for s in doc["sites"] if s["site"] == "WH")
    assert wh["losses"][0]["fraction"] == pytest.approx(0.03435)
    shares = client.get(
        f"{BASE}/shares", params={"pathway": kit.PATHWAY, "year": kit.YEAR, "hazard": "heat"}
    ).json()
    assert shares[0]["sites_above"] == ["SZ"]
    assert shares[0]["assets_share"] == pytest.approx(1 / 3)
    assert client.get(f"{BASE}/layers").json() == [{"pathway": "SSP5-8.5", "year": 2050}]
    listed = client.get(f"{BASE}/indicators", params={"site": "SZ", "hazard": "heat"}).json()
    assert [(i["value"], i["unit"], i["return_period"]) for i in listed] == [(40, "days/yr", None)]


def test_put_get_delete_exposure(client: TestClient) -> None:
    body = {
        "latitude": 39.9,
        "longitude": 116.4,
        "asset_value": 1e8,
        "revenue_per_day": 1e5,
        "currency": "CNY",
        "bi_days": 30,
    }
    r = client.put(f"{BASE}/exposure/HQ", json=body)
    assert r.status_code == 200, r.text
    assert client.get(f"{BASE}/exposure/HQ").json()["latitude"] == 39.9
    r = client.put(f"{BASE}/exposure/ELSEWHERE", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "site"
    r = client.put(f"{BASE}/exposure/HQ", json={**body, "latitude": 91})
    assert r.status_code == 422
    r = client.put(f"{BASE}/exposure/HQ", json={**body, "colour": "red"})
    assert r.status_code == 422  # unknown fields refused
    assert client.delete(f"{BASE}/exposure/HQ").status_code == 204
    assert client.get(f"{BASE}/exposure/HQ").status_code == 404


def test_import_refusals_and_physrisk(client: TestClient) -> None:
    bad = kit.HAZARDS_CSV + "WH,heat,SSP5-8.5,2050,10,1,days/yr,x\n"
    r = client.post(
        f"{BASE}/indicators/import", files={"file": ("h.csv", bad.encode(), "text/csv")}
    )
    assert r.status_code == 422
    assert "h.csv, row 9, column return_period" in r.json()["error"]["message"]
    r = client.post(
        f"{BASE}/indicators/import",
        files={"file": ("p.json", kit.PHYSRISK_JSON.encode(), "application/json")},
    )
    assert r.status_code == 201, r.text
    assert r.json()["created"] == 4


def test_curves(client: TestClient) -> None:
    curves = {c["hazard"]: c for c in client.get(f"{BASE}/curves").json()}
    assert curves["riverine_flood"]["default"] is True
    r = client.put(
        f"{BASE}/curves/typhoon_wind",
        json={"points": [[20, 0], [80, 1]], "label": "own", "source": "insurer"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["default"] is False
    r = client.put(
        f"{BASE}/curves/typhoon_wind",
        json={"points": [[20, 0.5], [80, 0.1]], "label": "own", "source": "x"},
    )
    assert r.status_code == 422
    r = client.put(
        f"{BASE}/curves/heat", json={"points": [[0, 0], [1, 1]], "label": "x", "source": "x"}
    )
    assert r.status_code == 422
    assert client.delete(f"{BASE}/curves/typhoon_wind").status_code == 204
