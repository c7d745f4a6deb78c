"""The API's explain route shows an accepted supplier allocation used as a supplier-specific
factor in category 1 (issue 15 item 5, decision 0066).

Workspace: :mod:`supplierkit` (``xo/steel`` 0.5 kg CO2 / USD of 2023; S-A 14 000 USD, S-B
6 000 USD, 2 000 USD without supplier), calculated with S-A's accepted allocation of 3.5 t CO2e
(response #7, revenue share): EF = 1000 × 3.5 / 14 000 = 0.25 kg CO2e / USD, so S-A's figure is
10 000 × 0.25 + 4 000 × 0.25 = 3 500 kg = 3.5 t (spend-based it was 7 t); S-B 3 t and 1 t
unattributed unchanged; category 1 = 7.5 t, 3.5 / 7.5 = 46.667 % from primary data. The
allocation is handed to the calculation through the service's ``accepted_for`` seam.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import datetime

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from lingtan.adapters.services import supplier_factors as service
from lingtan.modules.suppliers.requests import AcceptedAllocation
from supplierkit import YEAR, build_supplier_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "supplierfactors"
BASE = f"/api/v1/orgs/{ORG}"
ACCEPTED = [AcceptedAllocation("S-A", YEAR, 3.5, "revenue_share", 7, datetime(2024, 6, 1))]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-supplier-factors")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service, "accepted_for", lambda ws, period: list(ACCEPTED))
        folder = build_supplier_workspace(root / "orgs" / ORG)
    app = single_org_app(root, folder, ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_explain_shows_the_supplier_specific_factor(client: TestClient) -> None:
    snap = client.get(f"{BASE}/snapshots", params={"fiscal_year": "FY2023-24"}).json()[0]["id"]
    r = client.get(
        f"{BASE}/snapshots/{snap}/explain",
        params={"scope": 3, "category": 1, "supplier": "S-A"},
    )
    assert r.status_code == 200, r.text
    ex = r.json()
    assert ex["recomputed_t"] == pytest.approx(3.5)
    assert ex["matches"] is True
    assert {row["match"] for row in ex["rows"]} == {"supplier_specific"}
    assert {row["tier"] for row in ex["rows"]} == {"supplier_specific"}
    (factor,) = ex["factors"]
    assert factor["set"] == "supplier-specific"
    assert factor["value"] == pytest.approx(0.25)
    assert factor["unit"] == "kg/USD"
    prov = factor["supplier_specific"]
    assert prov["response_id"] == 7
    assert prov["supplier"] == "S-A"
    assert prov["allocation_method"] == "revenue_share"
    assert prov["denominator"] == pytest.approx(14_000.0)
    # the other suppliers keep the spend-based factor
    r = client.get(f"{BASE}/snapshots/{snap}/explain", params={"supplier": "S-B"})
    ex = r.json()
    assert ex["recomputed_t"] == pytest.approx(3.0)
    assert [f["factor_id"] for f in ex["factors"]] == ["xo/steel"]
    assert "supplier_specific" not in ex["factors"][0]


def test_inventory_category1_by_supplier_and_primary_share(client: TestClient) -> None:
    doc = client.get(f"{BASE}/inventories/FY2023-24").json()
    assert doc["scope3_category1_by_supplier_tco2e"] == pytest.approx(
        {"S-A": 3.5, "S-B": 3.0, "unattributed": 1.0}
    )
    assert doc["scope3_category1_primary_share_pct"] == pytest.approx(100 * 3.5 / 7.5, abs=1e-4)
