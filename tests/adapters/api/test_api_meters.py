"""Meters, readings (the gateway endpoint) and production volumes over the JSON API (issue 16,
decision 0078): create, read, change and import meters; post readings as NDJSON and as CSV
(stored once, duplicates counted, refused rows named, a wrong content type 415); data gaps;
production rows."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

import pytest
from test_api_energy import logged_in, own_store_app

from energykit import SITE, prepare_energy_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient
ORG = "meters"
BASE = f"/api/v1/orgs/{ORG}"
GRID = {"code": "M-GRID", "site": SITE, "carrier": "electricity", "unit": "kWh",
        "source": "grid", "tz": "Asia/Shanghai"}  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-meters")
    folder = prepare_energy_workspace(root / "orgs" / ORG)
    yield from logged_in(own_store_app(root, folder, ORG))


def ndjson(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def test_meter_crud(client: TestClient) -> None:
    c = client
    r = c.post(f"{BASE}/meters", json=GRID)
    assert r.status_code == 201, r.text
    m = r.json()
    assert (m["code"], m["carrier"], m["measures"], m["interval_minutes"]) == (
        "M-GRID", "electricity", "consumption", 15)  # fmt: skip
    again = c.post(f"{BASE}/meters", json=GRID)
    assert again.status_code == 409, again.text
    bad = c.post(f"{BASE}/meters", json={**GRID, "code": "M-X", "carrier": "coal"})
    assert bad.status_code == 422
    r = c.patch(f"{BASE}/meters/M-GRID", json={"name": "Main incomer"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Main incomer"
    assert c.get(f"{BASE}/meters/M-GRID").json()["name"] == "Main incomer"
    assert c.get(f"{BASE}/meters/NOPE").status_code == 404
    codes = [x["code"] for x in c.get(f"{BASE}/meters", params={"site": SITE}).json()]
    assert "M-GRID" in codes
    assert c.get(f"{BASE}/meters", params={"site": "ELSEWHERE"}).json() == []


def test_meter_import_and_export(client: TestClient) -> None:
    c = client
    good = b"code,site,carrier,unit,measures\nM-GAS,HF,natural_gas,m3,consumption\n"
    r = c.post(f"{BASE}/meters/import", files={"file": ("meters.csv", good, "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == ["M-GAS"]
    bad = b"code,site,carrier,unit\nM-BAD,HF,coal,t\n"
    r = c.post(f"{BASE}/meters/import", files={"file": ("bad.csv", bad, "text/csv")})
    assert r.status_code == 422
    assert "bad.csv" in r.json()["error"]["message"]
    assert c.get(f"{BASE}/meters/M-BAD").status_code == 404
    out = c.get(f"{BASE}/meters/export", params={"format": "csv"})
    assert out.status_code == 200
    assert b"M-GAS" in out.content


def test_readings_ndjson_csv_and_gaps(client: TestClient) -> None:
    c = client
    if c.get(f"{BASE}/meters/M-GRID").status_code == 404:
        assert c.post(f"{BASE}/meters", json=GRID).status_code == 201
    # four 15-minute intervals of 1 January 2024, local time (UTC+8), 2.5 kWh each
    rows = [{"meter": "M-GRID", "ts": f"2024-01-01T00:{m:02d}:00+08:00", "value": 2.5}
            for m in (0, 15, 30, 45)]  # fmt: skip
    headers = {"content-type": "application/x-ndjson"}
    r = c.post(f"{BASE}/readings", content=ndjson(rows), headers=headers)
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["accepted"] == 4
    assert rep["meters"] == ["M-GRID"]
    assert rep["rejected"] == []
    # the same readings again: stored once (nothing new accepted)
    rep2 = c.post(f"{BASE}/readings", content=ndjson(rows), headers=headers).json()
    assert rep2["accepted"] == 0
    assert rep2["already"] or rep2["duplicates"] == 4
    # CSV body with an unknown meter's row: all or nothing — the row named, nothing stored
    csv = (
        b"meter,ts,value\nM-GRID,2024-01-01T01:00:00+08:00,3\nNO-SUCH,2024-01-01T01:15:00+08:00,3\n"
    )
    r = c.post(
        f"{BASE}/readings",
        content=csv,
        headers={"content-type": "text/csv"},
        params={"filename": "gateway.csv"},
    )
    assert r.status_code == 200, r.text
    rep3 = r.json()
    assert rep3["accepted"] == 0
    assert rep3["rejected_count"] == 1
    assert [(x["file"], x["row"], x["field"]) for x in rep3["rejected"]] == [
        ("gateway.csv", 3, "meter")
    ]
    # the next two intervals, as CSV
    csv = (
        b"meter,ts,value\nM-GRID,2024-01-01T01:00:00+08:00,3\nM-GRID,2024-01-01T01:15:00+08:00,3\n"
    )
    r = c.post(f"{BASE}/readings", content=csv, headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 2
    # a body of another type is refused unread
    r = c.post(f"{BASE}/readings", content=b"x", headers={"content-type": "application/xml"})
    assert r.status_code == 415
    r = c.post(f"{BASE}/readings", content=b"", headers=headers)
    assert r.status_code == 422
    # gaps of 1 January (local): 96 intervals, 6 read → the rest missing
    gaps = c.get(
        f"{BASE}/readings/gaps",
        params={"start": "2024-01-01", "end": "2024-01-01", "meter": "M-GRID"},
    ).json()  # fmt: skip
    assert gaps
    assert all(g["meter"] == "M-GRID" for g in gaps)
    assert sum(g["missing_intervals"] for g in gaps) == 96 - 6
    r = c.get(f"{BASE}/readings/gaps", params={"start": "2024-02-01", "end": "2024-01-01"})
    assert r.status_code == 422


def test_production(client: TestClient) -> None:
    c = client
    body = {"site": SITE, "line": "L1", "product_type": "notebook", "month": "2024-01-15",
            "units": 1000}  # fmt: skip
    r = c.post(f"{BASE}/production", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["month"] == "2024-01-01"
    rows = c.get(f"{BASE}/production", params={"site": SITE}).json()
    assert [(x["product_type"], x["units"]) for x in rows] == [("notebook", 1000.0)]
    bad = c.post(f"{BASE}/production", json={**body, "units": -1})
    assert bad.status_code == 422
