"""``GET /orgs/{org}/factors``: Chinese names, kg CO2e per unit under the organisation's GWP set
(hand calculation in tests/factorkit.py), the real count and paging (decision 0055); and an
import naming its fuel in Chinese counts as the English name does."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import single_org_app
from factorkit import (
    CO2E_PER_L_AR5,
    CO2E_PER_L_AR6,
    ORG,
    OWNER,
    PASSWORD,
    SCOPE1_T,
    build_factor_workspace,
)

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

BASE = f"/api/v1/orgs/{ORG}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-factors")
    app = single_org_app(root, build_factor_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_chinese_name_finds_the_own_diesel_with_co2e_per_litre(client: TestClient) -> None:
    r = client.get(f"{BASE}/factors", params={"q": "柴油", "set": "test-diesel"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total_groups"] == 1
    assert body["gwp_set"] == "AR5"
    assert "AR5" in body["gwp_source"]
    g = body["groups"][0]
    assert (g["activity_type"], g["name_zh"], g["region"], g["unit"]) == (
        "fuel.diesel",
        "柴油",
        "CN",
        "L",
    )
    assert g["co2e_per_unit"] == pytest.approx(CO2E_PER_L_AR5, abs=1e-9)
    assert [f["gas"] for f in g["factors"]] == ["CH4", "CO2", "N2O"]
    r = client.get(f"{BASE}/factors", params={"q": "柴油", "set": "test-diesel", "gwp": "AR6"})
    assert r.json()["groups"][0]["co2e_per_unit"] == pytest.approx(CO2E_PER_L_AR6, abs=1e-9)
    assert client.get(f"{BASE}/factors", params={"q": "x", "gwp": "AR9"}).status_code == 422


def test_chinese_fuel_names_were_imported_as_diesel(client: TestClient) -> None:
    doc = client.get(f"{BASE}/inventories/FY2023-24").json()
    assert doc["totals_tco2e"]["scope1"] == pytest.approx(SCOPE1_T, abs=0.0005)


def test_total_is_every_match_and_pages_cover_it(client: TestClient) -> None:
    first = client.get(f"{BASE}/factors", params={"q": "电力", "limit": 40}).json()
    total = first["total_groups"]
    assert total > 100  # the bundled grid factors of many countries: no cap at 100
    seen: list[tuple[str, str, str, str, str]] = []
    for offset in range(0, total, 40):
        page = client.get(f"{BASE}/factors", params={"q": "电力", "limit": 40, "offset": offset})
        body = page.json()
        assert body["total_groups"] == total
        assert body["offset"] == offset
        seen += [
            (g["activity_type"], g["region"], g["unit"], g["set_name"], g["valid_from"])
            for g in body["groups"]
        ]
    assert len(seen) == total == len(set(seen))  # every match once, across the pages
    assert seen[0][0] == "electricity.grid"  # the type named 电力 first
    big = client.get(f"{BASE}/factors", params={"q": "电力", "limit": 500}).json()
    assert len(big["groups"]) == min(total, 500)
