"""``GET /api/v1/orgs/{org}/overview`` (issue 19 item 6, decision 0101) on a one-year workspace.

Hand calculation: the workspace's own factor set ``zc`` (tests/certkit.py) gives the grid
0.5 kg CO2 per kWh; one electricity row of 200 MWh in May 2024 → FY2024/25 Scope 2
location-based = 200,000 kWh × 0.5 kg/kWh = 100 t CO2e. One fiscal year: the trend forecast
says "not enough data" (5 needed), never a fit."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from certkit import FACTORS
from lingtan.adapters.services.control_tower import TILES

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "tower"
URL = f"/api/v1/orgs/{ORG}/overview"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from lingtan.adapters.io.importer import import_file
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.store.workspace import init_workspace, open_workspace

    root = tmp_path_factory.mktemp("api-tower")
    folder = root / "orgs" / ORG
    init_workspace(folder, organisation="Tower Co", region="CN", start_month=4).engine.dispose()
    cfg = folder / "lingtan.yaml"
    text = re.sub(r"factor_sets: \[[^\]]*\]", "factor_sets: [zc]", cfg.read_text("utf-8"))
    cfg.write_text(text, "utf-8")
    (folder / "factors").mkdir(exist_ok=True)
    (folder / "factors" / "zc.csv").write_text(FACTORS, encoding="utf-8")
    elec = root / "electricity.csv"
    elec.write_text("site,date,period_end,quantity,unit\nHQ,2024-05-01,2024-05-31,200,MWh\n")
    ws = open_workspace(folder)
    assert import_file(ws, elec, template="electricity").rows_accepted == 1
    calculate_year(ws, "FY2024/25")
    ws.engine.dispose()
    app = single_org_app(root, folder, ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_overview(client: TestClient) -> None:
    r = client.get(URL)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["fiscal_year"] == "FY2024/25"
    assert [t["key"] for t in doc["tiles"]] == list(TILES)
    inv = doc["tiles"][0]
    figures = {f["key"]: f for f in inv["figures"]}
    assert figures["total_location"]["value"] == pytest.approx(100.0)  # 200 MWh × 0.5 kg/kWh
    assert figures["total_location"]["unit"] == "t CO2e"
    assert figures["total_location"]["label"] == "tower.fig.total_location"
    products = next(t for t in doc["tiles"] if t["key"] == "products")
    assert products["status"] == "not_available"  # no product family: said, nothing invented
    assert products["reason"] == "tower.reason.no_products"
    assert products["figures"] == []
    total = doc["forecast"]["series"]["total_market"]
    assert (total["status"], total["n"], total["points"]) == ("not_enough_data", 1, [])
    assert doc["forecast"]["bau"]["reason"] == "tower.reason.no_targets"


def test_refusals(client: TestClient) -> None:
    r = client.get(URL, params={"fiscal_year": "not a year"})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "fiscal_year")
    assert client.get(URL, params={"fiscal_year": "FY2023/24"}).json()["tiles"][0]["reason"] == (
        "tower.reason.no_inventory_year"
    )
    assert client.get("/api/v1/orgs/nobody/overview").status_code == 404
    client.cookies.clear()
    assert client.get(URL).status_code == 401
