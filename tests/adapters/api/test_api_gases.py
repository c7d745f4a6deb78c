"""The API inventory carries the table by Kyoto gas and biogenic CO2 outside the scopes (GHG
Protocol Corporate Standard ch. 9; ISO 14064-1:2018 §9.3.1): the document, the breakdowns and
every download. Hand calculation: tests/biogenickit.py (Scope 1 2.0081 t CO2e, biogenic 0.5 t)."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterator

import pytest

from biogenickit import ORG, OWNER, PASSWORD, bio_server_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

BASE = f"/api/v1/orgs/{ORG}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = bio_server_app(tmp_path_factory.mktemp("api-gases"))
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_inventory_document_has_the_gas_table(client: TestClient) -> None:
    doc = client.get(f"{BASE}/inventories/FY2023-24").json()
    assert doc["totals_tco2e"]["scope1"] == 2.008  # 2.0081 t to 1 kg
    assert doc["totals_tco2e"]["biogenic_co2_outside_scopes"] == 0.5
    gases = doc["by_kyoto_gas"]
    assert gases["scopes"]["scope1"]["CO2"] == {"t_co2e": 2.0, "t_gas": 2.0}
    assert gases["biogenic_co2_t_outside_scopes"] == {"scope1": 0.5}
    assert doc["by_kyoto_gas_note"] is None
    for by in ("scope", "category", "gas"):  # biogenic CO2 in no breakdown of the scopes
        b = client.get(f"{BASE}/inventories/FY2023-24/breakdown", params={"by": by}).json()
        assert b["total_tco2e"] == pytest.approx(2.0081, abs=1e-6), by


def test_downloads_carry_it(client: TestClient) -> None:
    url = f"{BASE}/inventories/FY2023-24/download"
    doc = json.loads(client.get(url, params={"format": "json"}).content)
    assert doc["by_kyoto_gas"]["scopes"]["scope1"]["total_t_co2e"] == 2.008
    text = client.get(url, params={"format": "csv"}).content.decode("utf-8")
    rows = {(r["section"], r["key"]): r for r in csv.DictReader(io.StringIO(text))}
    assert float(rows[("kyoto_gas", "scope1.biogenic_co2_outside_scopes")]["tco2e"]) == 0.5
