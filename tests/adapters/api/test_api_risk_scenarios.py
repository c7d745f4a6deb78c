"""``/api/v1/orgs/{org}/risks/scenarios`` (decision 0082): import, the bundled illustrative
sets, runs (hand-checked figures of :mod:`risk_scenarios_kit`), reproducibility, the
conclusion and the refusals."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from risk_scenarios_kit import (
    DIRECT,
    INDIRECT,
    MANIFEST,
    MANIFEST_HOT,
    SERIES,
    SERIES_HOT,
    YEAR,
    build_scenario_workspace,
)

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "scen"
BASE = f"/api/v1/orgs/{ORG}/risks/scenarios"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-scen")
    app = single_org_app(root, build_scenario_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def _import(client: TestClient, manifest: str, series: str) -> dict[str, object]:
    r = client.post(f"{BASE}/import", files={"manifest": ("m.yaml", manifest.encode()),
                                             "series": ("s.csv", series.encode())})  # fmt: skip
    assert r.status_code == 201, r.text
    got: dict[str, object] = r.json()
    return got


def test_import_run_and_conclusion(client: TestClient) -> None:
    s = _import(client, MANIFEST, SERIES)
    assert s["code"] == "kit-1"
    assert s["currency"] == "CNY"
    assert s["years"] == [2030, 2050]
    assert client.get(f"{BASE}/kit-1").json()["content_sha256"] == s["content_sha256"]
    body = {"scenario": "kit-1", "fiscal_year": YEAR, "years": [2030, 2040]}
    r = client.post(f"{BASE}/runs", json=body)
    assert r.status_code == 201, r.text
    run = r.json()
    for y in run["results"]:
        assert y["lines"]["direct_carbon"]["central"] == pytest.approx(DIRECT[y["year"]])
        assert y["lines"]["indirect_power"]["central"] == pytest.approx(INDIRECT[y["year"]])
    again = client.post(f"{BASE}/runs", json=body).json()
    assert again["run_id"] == run["run_id"]
    assert client.get(f"{BASE}/runs/{run['run_id'][:10]}").json()["run_id"] == run["run_id"]
    _import(client, MANIFEST_HOT, SERIES_HOT)
    client.post(f"{BASE}/runs", json={**body, "scenario": "kit-4"})
    c = client.get(f"{BASE}/conclusion", params={"fiscal_year": YEAR}).json()
    assert c["year"] == 2040
    assert c["opportunities_exceed"] is False
    assert [row["warming"] for row in c["rows"]] == [4.0, 1.5]
    assert "4" in c["text"]
    assert "1.5" in c["text"]
    listed = client.get(f"{BASE}/runs", params={"fiscal_year": YEAR}).json()
    assert {r["scenario"] for r in listed} == {"kit-1", "kit-4"}


def test_bundled_and_warming_levels(client: TestClient) -> None:
    r = client.post(f"{BASE}/bundled")
    assert r.status_code == 201
    assert all(s["illustrative"] for s in r.json())
    assert len(r.json()) == 4
    levels = client.get(f"{BASE}/warming-levels").json()
    assert {"scenario": "SSP5-8.5", "period": "2081-2100", "best": 4.4, "low": 3.3,
            "high": 5.7}.items() <= levels[4].items()  # fmt: skip


def test_refusals(client: TestClient) -> None:
    assert client.get(f"{BASE}/nope").status_code == 404
    assert client.get(f"{BASE}/runs/{'0' * 64}").status_code == 404
    r = client.post(f"{BASE}/runs", json={"scenario": "nope", "fiscal_year": YEAR})
    assert r.status_code == 404
    r = client.post(f"{BASE}/runs", json={"scenario": "kit-1", "fiscal_year": YEAR, "x": 1})
    assert r.status_code == 422
    _import(client, MANIFEST, SERIES)
    r = client.post(f"{BASE}/runs", json={"scenario": "kit-1", "fiscal_year": YEAR,
                                          "years": [2060]})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "year"
    r = client.post(f"{BASE}/import", files={"manifest": ("m.yaml", b"- a list"),
                                             "series": ("s.csv", SERIES.encode())})  # fmt: skip
    assert r.status_code == 422
