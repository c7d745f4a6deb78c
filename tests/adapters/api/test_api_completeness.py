"""The API carries the completeness of an inventory (issue 10 item 1): the inventory document,
the snapshot list, the trend, breakdowns and every download (JSON, CSV, XLSX)."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from completenesskit import ORG, OWNER, PASSWORD, incomplete_server_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

BASE = f"/api/v1/orgs/{ORG}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = incomplete_server_app(tmp_path_factory.mktemp("api-completeness"))
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_inventory_document_and_snapshots_say_incomplete(client: TestClient) -> None:
    doc = client.get(f"{BASE}/inventories/FY2023-24").json()
    assert doc["status"] == "incomplete"
    c = doc["completeness"]
    assert c["rows_not_calculated"] == 1
    assert c["basis"] == {"material.gadget [t]": 12.0}
    assert c["groups"][0]["what_to_add"].startswith("an emission factor for material.gadget")
    (snap,) = client.get(f"{BASE}/snapshots").json()
    assert snap["status"] == "incomplete"
    assert snap["rows_not_calculated"] == 1
    trend = client.get(f"{BASE}/inventories").json()["trend"]
    assert trend[0]["status"] == "incomplete"
    b = client.get(f"{BASE}/inventories/FY2023-24/breakdown", params={"by": "scope"}).json()
    assert b["status"] == "incomplete"


def test_every_download_carries_it(client: TestClient, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    url = f"{BASE}/inventories/FY2023-24/download"
    doc = json.loads(client.get(url, params={"format": "json"}).content)
    assert doc["completeness"]["status"] == "incomplete"
    text = client.get(url, params={"format": "csv"}).content.decode("utf-8")
    first = next(csv.DictReader(io.StringIO(text)))
    assert first["section"] == "completeness"
    assert first["key"].startswith("status: incomplete: 1 activity rows not calculated")
    path = tmp_path / "inv.xlsx"
    path.write_bytes(client.get(url, params={"format": "xlsx"}).content)
    wb = load_workbook(path)
    lines = [r[1] for r in wb["Completeness"].iter_rows(min_row=2, values_only=True)]
    assert lines[0].startswith("status: incomplete")
