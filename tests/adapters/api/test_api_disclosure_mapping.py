"""``/api/v1/orgs/{org}/disclosure/…`` (decision 0097): the bundled frameworks; the mapping of a
fiscal year computed now (one framework or all; the counts add up); a datapoint entered,
reviewed and approved moving the internal-carbon-price requirements from missing to partial to
complete; the refusals (422 naming the field, 409 approval before review, 404 unknown framework
or datapoint not entered); removal — on a new, empty workspace (no inventory: the inventory
facts are missing, never assumed)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "mapco"
BASE = f"/api/v1/orgs/{ORG}/disclosure"
PRICE = f"{BASE}/datapoints/FY2023-24/internal_carbon_price"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    from lingtan.adapters.store.workspace import init_workspace

    root = tmp_path_factory.mktemp("api-mapping")
    folder = root / "orgs" / ORG
    init_workspace(folder, organisation="Map Co", region="CN", start_month=4).engine.dispose()
    app = single_org_app(root, folder, ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def _status(client: TestClient, framework: str, ref: str) -> str:
    r = client.get(f"{BASE}/mapping/FY2023-24", params={"framework": framework})
    assert r.status_code == 200, r.text
    reqs = r.json()["frameworks"][0]["requirements"]
    return str(next(q["status"] for q in reqs if q["ref"] == ref))


def test_frameworks_and_mapping(client: TestClient) -> None:
    r = client.get(f"{BASE}/frameworks")
    assert r.status_code == 200, r.text
    fws = r.json()
    assert [f["key"] for f in fws] == ["ifrs_s2", "hkex", "cdp", "iso14064"]
    ifrs = fws[0]
    assert ifrs["licence"] == "disc_map.licence.ifrs_s2"
    p29f = next(q for q in ifrs["requirements"] if q["ref"] == "IFRS S2 29(f)")
    assert p29f["label"] == "disc_map.req.ifrs_s2.p29f"
    assert p29f["binds"] == ["mt.internal_carbon_price", "datapoint:internal_carbon_price"]
    r = client.get(f"{BASE}/mapping/FY2023-24")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["fiscal_year"], doc["snapshot_id"]) == ("FY2023/24", None)
    c = doc["counts"]
    assert (
        c["complete"] + c["partial"] + c["missing"]
        == c["total"]
        == sum(f["counts"]["total"] for f in doc["frameworks"])
    )
    s1 = next(q for q in doc["frameworks"][2]["requirements"] if q["ref"] == "CDP 7.6")
    assert s1["status"] == "missing"  # no inventory calculated: never assumed complete
    assert client.get(f"{BASE}/mapping/FY2023-24", params={"framework": "gri"}).status_code == 404
    assert client.get(f"{BASE}/mapping/FY2023-25").status_code == 422


def test_datapoint_review_moves_the_status(client: TestClient) -> None:
    assert _status(client, "hkex", "C2 D Metrics: internal carbon prices") == "missing"
    r = client.put(PRICE, json={"value": 80, "unit": "CNY/t CO2e", "text": "shadow price"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["unit"], r.json()["requirement"]) == (
        "entered", "CNY/t CO2e", "IFRS S2 29(f)")  # fmt: skip
    assert _status(client, "hkex", "C2 D Metrics: internal carbon prices") == "partial"
    r = client.post(f"{PRICE}/review", json={"status": "approved"})
    assert r.status_code == 409, r.text  # review comes first
    assert client.post(f"{PRICE}/review", json={"status": "reviewed"}).status_code == 200
    r = client.post(f"{PRICE}/review", json={"status": "approved"})
    assert r.status_code == 200, r.text
    assert r.json()["approved_by"]
    assert _status(client, "hkex", "C2 D Metrics: internal carbon prices") == "complete"
    # IFRS S2 29(f) binds the datapoint and the metrics-and-targets fact: the datapoint's own
    # binding is complete now, and the requirement combines it with the fact's statement
    r = client.get(f"{BASE}/mapping/FY2023-24", params={"framework": "ifrs_s2"})
    p29f = next(q for q in r.json()["frameworks"][0]["requirements"] if q["ref"] == "IFRS S2 29(f)")
    kinds = {b["kind"]: b["status"] for b in p29f["bindings"]}
    assert kinds["datapoint"] == "complete"
    assert p29f["status"] == ("complete" if kinds["fact"] == "complete" else "partial")
    listed = client.get(f"{BASE}/datapoints", params={"fiscal_year": "FY2023/24"}).json()
    assert [(d["key"], d["status"]) for d in listed] == [("internal_carbon_price", "approved")]
    assert client.delete(PRICE).status_code == 204
    assert client.delete(PRICE).status_code == 404


def test_refusals_name_the_field(client: TestClient) -> None:
    r = client.put(PRICE, json={"value": 80, "unit": "CNY"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "unit"
    r = client.put(PRICE, json={"value": -1, "unit": "CNY/t CO2e"})
    assert r.status_code == 422
    r = client.put(PRICE, json={"value": 1, "unit": "CNY/t CO2e", "extra": 1})
    assert r.status_code == 422  # an unknown field is refused
    r = client.put(f"{BASE}/datapoints/FY2023-24/carbon_budget", json={"value": 1, "unit": "CNY"})
    assert r.status_code == 422
    r = client.post(f"{PRICE}/review", json={"status": "reviewed"})
    assert r.status_code == 404  # not entered
