"""``/api/v1/orgs/{org}/inclusion/methodologies`` (decision 0087): list with labels and
confidence, show with citations, simulate with the arithmetic, load an own pack version
(201; 409 another content under the same version; 422 naming the field)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "incl"
BASE = f"/api/v1/orgs/{ORG}/inclusion/methodologies"
OWN = """\
id: acme.esign
title: Ours
publisher: Acme
region: CN
version: "1"
valid_from: 2024-01-01
formula: esign.paper
label: illustrative
actions: [office.esign]
citation: ours
licence: ours
double_counting: none
parameters:
  paper_per_page: {value: 5, unit: g/page, source: s, citation: c, confidence: assumption}
  ef_paper: {value: 1000, unit: kgCO2e/t, source: s, citation: c, confidence: assumption}
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    from lingtan.adapters.store.workspace import init_workspace

    root = tmp_path_factory.mktemp("api-meth")
    ws = root / "orgs" / ORG
    init_workspace(ws, organisation="Inclusion Co", region="CN").engine.dispose()
    app = single_org_app(root, ws, ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def test_list_show_simulate(client: TestClient) -> None:
    r = client.get(BASE)
    assert r.status_code == 200, r.text
    packs = {p["id"]: p for p in r.json()}
    assert packs["shenzhen.public-transport"]["label"] == "official"
    assert packs["lingtan.online-meeting"]["label"] == "lingtan-conservative"
    r = client.get(f"{BASE}/shenzhen.public-transport")
    params = {p["name"]: p for p in r.json()["parameters"]}
    assert (params["r.metro"]["value"], params["r.metro"]["confidence"]) == (46.7, "single-source")
    r = client.post(f"{BASE}/simulate", json={"action": "travel.metro", "quantity": 10,
                                              "region": "CN-GD/Shenzhen",
                                              "occurred_at": "2024-05-06T08:00:00"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["kg_co2e"] == pytest.approx(0.467)
    assert r.json()["trace"][-1]["formula"] == "ER = 0.0467 × 10 = 0.467"
    r = client.post(f"{BASE}/simulate", json={"action": "travel.walk", "quantity": 10,
                                              "duration_min": 20})  # fmt: skip
    assert r.status_code == 422
    assert "duration_min" in r.text
    assert (
        client.post(
            f"{BASE}/simulate", json={"action": "travel.teleport", "quantity": 1}
        ).status_code
        == 422
    )
    assert client.get(f"{BASE}/nope").status_code == 404


def test_load(client: TestClient) -> None:
    r = client.post(BASE, files={"file": ("own.yaml", OWN.encode(), "application/yaml")})
    assert r.status_code == 201, r.text
    assert (r.json()["origin"], r.json()["label"]) == ("loaded", "illustrative")
    r = client.post(BASE, files={"file": ("own.yaml", OWN.replace("1000", "900").encode(),
                                          "application/yaml")})  # fmt: skip
    assert r.status_code == 409
    r = client.post(BASE, files={"file": ("bad.yaml", OWN.replace("g/page", "g/pkm").encode(),
                                          "application/yaml")})  # fmt: skip
    assert r.status_code == 422
    assert "parameters.paper_per_page.unit" in r.text
    r = client.post(f"{BASE}/simulate", json={"action": "office.esign", "quantity": 100})
    # the organisation's own pack covers the action in its region: it wins over the shipped
    # one; 100 pages × 5 g × 1000 kg/t = 0.5 kg
    assert (r.json()["pack_id"], r.json()["kg_co2e"]) == ("acme.esign", pytest.approx(0.5))
