"""Site energy over the JSON API (issue 16, decision 0078): the group and site indicators of a
fiscal year, the roll-up into the inventory and the reconciliation with a bill, on the
workspace of :mod:`energykit` (hand-checked figures there: C = 57 600 + 7 200 − 96 =
64 704 kWh, RE share = (7 200 + 10 000) / 64 704, tce 当量值 11.7825216).

The server runs on the workspace's own store (the kit's meters, production and assets are
rows of that store)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from appkit import OWNER, PASSWORD
from energykit import EXPECTED, SITE, build_energy_workspace, import_bill, own_store_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "energy"
BASE = f"/api/v1/orgs/{ORG}"
#: the February 2024 grid bill: meters 27 840 kWh; bill 28 118.4 kWh →
#: (27 840 − 28 118.4) / 28 118.4 = −278.4 / 28 118.4 = −0.0099009901 (within 2 %)
BILL_KWH = 28_118.4


def logged_in(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["X-CSRF-Token"]
        yield c


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-energy")
    folder = build_energy_workspace(root / "orgs" / ORG)
    import_bill(folder, BILL_KWH)
    yield from logged_in(own_store_app(root, folder, ORG))


def test_group_energy(client: TestClient) -> None:
    r = client.get(f"{BASE}/energy/FY2024")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["fiscal_year"] == "FY2024"
    assert [s["site"] for s in doc["sites"]] == [SITE]
    assert doc["consumption_kwh"] == pytest.approx(EXPECTED.consumption_kwh)
    assert doc["re_share"]["share"] == pytest.approx(EXPECTED.re_share)
    assert doc["tce"]["equivalent"] == pytest.approx(EXPECTED.tce_equivalent)


def test_site_energy(client: TestClient) -> None:
    doc = client.get(f"{BASE}/energy/FY2024/sites/{SITE}").json()
    assert doc["site"] == SITE
    b = doc["balance"]
    assert b["grid_import_kwh"] == pytest.approx(EXPECTED.grid_kwh)
    assert b["self_use_kwh"] == pytest.approx(EXPECTED.self_use_kwh)
    assert b["consumption_kwh"] == pytest.approx(EXPECTED.consumption_kwh)
    assert doc["tce"]["input_equivalent"]["tce"] == pytest.approx(EXPECTED.tce_input_equivalent)
    assert doc["pv"][0]["yield_kwh_per_kwp"] == pytest.approx(EXPECTED.pv_yield)
    assert doc["data_centres"][0]["pue"] == pytest.approx(EXPECTED.pue)
    assert len(doc["load_profile"]) == 24


def test_unknown_site_and_bad_year(client: TestClient) -> None:
    r = client.get(f"{BASE}/energy/FY2024/sites/NOWHERE")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert client.get(f"{BASE}/energy/FY1800").status_code == 422


def test_bills_then_rollup(client: TestClient) -> None:
    bills = client.get(f"{BASE}/energy/FY2024/bills").json()
    assert len(bills) == 1
    (check,) = bills
    assert (check["site"], check["month"]) == (SITE, "2024-02")
    assert check["meters"] == pytest.approx(EXPECTED.grid_feb)
    assert check["bill"] == pytest.approx(BILL_KWH)
    assert check["deviation"] == pytest.approx(-278.4 / 28_118.4)
    assert check["within"] is True
    r = client.post(f"{BASE}/energy/FY2024/rollup")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["fiscal_year"] == "FY2024"
    assert {b["template"] for b in doc["batches"]} == {"electricity", "fuel"}
    # February's grid row is in the bill: reconciled, not imported a second time
    assert [b["month"] for b in doc["bills"]] == ["2024-02"]
    # the same meters again: the same files (content hashes), nothing counted twice
    again = client.post(f"{BASE}/energy/FY2024/rollup").json()
    assert sorted(b["batch_id"] for b in again["batches"]) == sorted(
        b["batch_id"] for b in doc["batches"]
    )


def test_viewer_cannot_roll_up(client: TestClient) -> None:
    """Without a session the roll-up is refused before anything runs."""
    anon = TestClient(client.app)
    assert anon.post(f"{BASE}/energy/FY2024/rollup").status_code in (401, 403)
