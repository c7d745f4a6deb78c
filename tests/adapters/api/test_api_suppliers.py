"""The API's inventory by supplier (decision 0044): ``GET …/breakdown?by=supplier`` and the
inventory document's ``by_supplier_tco2e``. Workspace and hand calculation: :mod:`supplierkit`
(S-A 7 t, S-B 3 t, unattributed 1 t; total 11 t CO2e)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from supplierkit import BY_SUPPLIER_T, TOTAL_T, build_supplier_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "suppliers"
BASE = f"/api/v1/orgs/{ORG}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-suppliers")
    app = single_org_app(root, build_supplier_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_breakdown_by_supplier(client: TestClient) -> None:
    r = client.get(f"{BASE}/inventories/FY2023-24/breakdown", params={"by": "supplier"})
    assert r.status_code == 200, r.text
    b = r.json()
    assert b["by"] == "supplier"
    assert b["total_tco2e"] == pytest.approx(TOTAL_T)
    got = {row["key"]: row["tco2e"] for row in b["rows"]}
    assert got == pytest.approx(BY_SUPPLIER_T)
    shares = {row["key"]: row["share_pct"] for row in b["rows"]}
    assert shares == pytest.approx({"S-A": 100 * 7 / 11, "S-B": 100 * 3 / 11,
                                    "unattributed": 100 * 1 / 11}, abs=1e-4)  # fmt: skip


def test_breakdown_by_product_is_all_unattributed(client: TestClient) -> None:
    """The spend file names no product: everything is unattributed."""
    b = client.get(f"{BASE}/inventories/FY2023-24/breakdown", params={"by": "product"}).json()
    assert [(row["key"], row["tco2e"]) for row in b["rows"]] == [("unattributed", TOTAL_T)]


def test_inventory_document_and_rows(client: TestClient) -> None:
    doc = client.get(f"{BASE}/inventories/FY2023-24").json()
    assert doc["by_supplier_tco2e"] == pytest.approx(BY_SUPPLIER_T)
    assert "by_product_tco2e" not in doc
    per: dict[str, float] = {}
    for row in doc["aggregate_rows"]:
        key = row["supplier"] or "unattributed"
        per[key] = per.get(key, 0.0) + row["tco2e"]
    assert per == pytest.approx(BY_SUPPLIER_T)


@pytest.mark.parametrize(("supplier", "tco2e"), sorted(BY_SUPPLIER_T.items()))
def test_explain_one_supplier(client: TestClient, supplier: str, tco2e: float) -> None:
    """Lineage of one supplier's figure: its rows recomputed add up to the breakdown's figure
    (S-A 7 t = rows 2 and 3; S-B 3 t; unattributed 1 t = the row without a supplier)."""
    snap = client.get(f"{BASE}/snapshots", params={"fiscal_year": "FY2023-24"}).json()[0]["id"]
    r = client.get(f"{BASE}/snapshots/{snap}/explain", params={"supplier": supplier})
    assert r.status_code == 200, r.text
    ex = r.json()
    assert ex["recomputed_t"] == pytest.approx(tco2e)
    assert ex["reported_t"] == pytest.approx(tco2e)
    assert ex["matches"] is True
