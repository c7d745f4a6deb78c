"""``/api/v1/orgs/{org}/circularity`` (decision 0100): a ledger's round trip (create, read,
change, list by year, remove), refusals naming the field, an import refused with every wrong
cell (file, row, column) and nothing written, a good import, the template and export, and the
eight KPIs computed from the rows (arithmetic in the comments)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "circ"
BASE = f"/api/v1/orgs/{ORG}/circularity"
TAKEBACK = (
    "day,programme,device_category,count,kg,route,recycler,sanitisation_cert\n"
    "2023-06-01,ars,notebook,100,250,recycle,R1,NIST-1\n"
    "2023-09-01,ars,desktop,60,600,recycle,R2,\n"
    "2024-02-01,trade_in,phone,40,,reuse,,NIST-3\n"
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from lingtan.adapters.store.workspace import init_workspace

    root = tmp_path_factory.mktemp("api-circ")
    folder = root / "orgs" / ORG
    init_workspace(folder, organisation="Circ Co", region="CN", start_month=4).engine.dispose()
    with TestClient(single_org_app(root, folder, ORG)) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def test_ledger_round_trip_and_refusals(client: TestClient) -> None:
    body = {"code": "R1", "name": "Recycler one", "region": "CN-TJ", "services": ["recycling"],
            "supplier_audit": "2022-01-01", "environmental_audit": "2022-02-01",
            "document_approval": "2022-03-01", "contract_terms": True,
            "oecd_export_ok": True}  # fmt: skip
    r = client.post(f"{BASE}/recyclers", json=body)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert client.post(f"{BASE}/recyclers", json=body).status_code == 409  # code taken
    r = client.patch(f"{BASE}/recyclers/{rid}", json={"expires": "2026-01-01"})
    assert r.json()["expires"] == "2026-01-01"
    r = client.post(f"{BASE}/recyclers", json={**body, "code": "R3", "oecd_export_ok": False})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "oecd_export_ok"
    r = client.post(f"{BASE}/materials", json={"year": "2023", "material": "pcc",
                                               "net_kg": 500, "gross_kg": 100})  # fmt: skip
    assert (r.status_code, r.json()["error"]["field"]) == (422, "net_kg")
    assert client.post(f"{BASE}/materials", json={"year": "2023", "material": "gold",
                                                  "net_kg": 1}).status_code == 422  # fmt: skip
    extra = {"year": "2023", "material": "pcc", "net_kg": 1, "colour": "red"}
    assert client.post(f"{BASE}/materials", json=extra).status_code == 422  # unknown field
    mat = {"year": "2023", "material": "pcc", "net_kg": 400, "gross_kg": 1000,
           "ef_virgin": 2.5, "ef_recycled": 0.5, "ef_source": "set v1"}  # fmt: skip
    r = client.post(f"{BASE}/materials", json=mat)
    assert r.status_code == 201, r.text
    assert r.json()["avoided_kg_co2e"] == pytest.approx(800.0)  # 400 × (2.5 − 0.5)
    mid = r.json()["id"]
    assert [
        m["id"] for m in client.get(f"{BASE}/materials", params={"year": "FY2023-24"}).json()
    ] == [mid]
    assert client.get(f"{BASE}/materials", params={"year": "FY2024-25"}).json() == []
    assert client.delete(f"{BASE}/materials/{mid}").status_code == 204
    assert client.get(f"{BASE}/materials/{mid}").status_code == 404


def test_import_refused_then_accepted_and_kpis(client: TestClient) -> None:
    bad = TAKEBACK.replace("2023-09-01,ars,desktop,60", "2023-13-01,ars,desktop,sixty")
    r = client.post(f"{BASE}/takeback/import", files={"file": ("tb.csv", bad, "text/csv")})
    assert r.status_code == 422
    message = r.json()["error"]["message"]
    assert "tb.csv, row 3, column day:" in message
    assert "tb.csv, row 3, column count:" in message
    assert client.get(f"{BASE}/takeback").json() == []  # nothing written
    r = client.post(f"{BASE}/takeback/import", files={"file": ("tb.csv", TAKEBACK, "text/csv")})
    assert r.status_code == 201, r.text
    assert len(r.json()["created"]) == 3
    r = client.get(f"{BASE}/kpis", params={"year": "FY2023-24"})
    assert r.status_code == 200, r.text
    f = {x["key"]: x for x in r.json()["figures"]}
    assert f["takeback_devices"]["value"] == 200  # 100 + 60 + 40
    assert f["takeback_mass"]["value"] == pytest.approx(0.85)  # (250 + 600) kg
    assert f["data_destruction_share"]["value"] == pytest.approx(70.0)  # (100 + 40) / 200
    # routed to a recycler: 160; R1 approved (100), R2 unknown: 100 / 160 = 62.5 %
    assert f["recycler_coverage"]["value"] == pytest.approx(62.5)
    assert f["packaging_avoided"]["value"] is None
    assert f["packaging_avoided"]["reason"] == "circ.na.no_rows"
    tpl = client.get(f"{BASE}/packaging/template")
    assert tpl.status_code == 200
    assert tpl.headers["content-type"].startswith("text/csv")
    out = client.get(f"{BASE}/takeback/export", params={"format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert out.splitlines()[0].startswith("day,programme,customer")
    assert len(out.splitlines()) == 4
