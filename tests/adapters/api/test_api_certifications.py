"""``/api/v1/orgs/{org}/certificates`` (decision 0077): the register (create, filter, change,
withdraw, remove), evidence files by sha256, the schemes, reminders, the CSV import and the
zero-carbon assessment, on the workspace of :mod:`certkit` (HQ: 100 t CO2e location-based in
FY2024/25; 8 credits retired for the site)."""

from __future__ import annotations

import hashlib
import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from certkit import SITE, build_cert_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "certs"
BASE = f"/api/v1/orgs/{ORG}/certificates"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-certs")
    app = single_org_app(root, build_cert_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]  # cookie changes need it (0035)
        yield c


def _body(**kw: object) -> dict[str, object]:
    return {"subject_kind": "site", "subject_id": SITE, "scheme": "leed_om", "level": "gold",
            "issuer": "USGBC", "issued": "2024-01-01", "valid_until": "2029-01-01",
            **kw}  # fmt: skip


def test_register_round_trip(client: TestClient) -> None:
    r = client.post(BASE, json=_body())
    assert r.status_code == 201, r.text
    cert = r.json()
    assert cert["state"] == "valid"
    data = b"%PDF leed gold"
    r = client.put(f"{BASE}/{cert['id']}/evidence",
                   files={"file": ("leed.pdf", data, "application/pdf")})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["evidence_sha256"] == hashlib.sha256(data).hexdigest()
    assert client.get(f"{BASE}/{cert['id']}/evidence").content == data
    r = client.patch(f"{BASE}/{cert['id']}", json={"status": "withdrawn"})
    assert r.json()["state"] == "withdrawn"
    listed = client.get(BASE, params={"state": "withdrawn"}).json()
    assert [c["id"] for c in listed] == [cert["id"]]
    assert client.delete(f"{BASE}/{cert['id']}").status_code == 204
    assert client.get(f"{BASE}/{cert['id']}").status_code == 404


def test_refusals(client: TestClient) -> None:
    r = client.post(BASE, json=_body(level="diamond"))
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "level"
    r = client.post(BASE, json=_body(scheme="nope"))
    assert r.status_code == 422  # not in the schema's list
    r = client.post(BASE, json=_body(subject_id="ELSEWHERE"))
    assert r.status_code == 422
    assert "ELSEWHERE" in r.json()["error"]["message"]


def test_schemes_and_reminders(client: TestClient) -> None:
    schemes = {s["code"]: s for s in client.get(f"{BASE}/schemes").json()}
    assert schemes["zero_carbon_factory_cieccpa"]["name_zh"].startswith("零碳工厂")
    soon = (datetime.now(UTC).date() + timedelta(days=20)).isoformat()
    r = client.post(BASE, json=_body(scheme="iso50001", level=None, valid_until=soon))
    cert_id = r.json()["id"]
    due = client.get(f"{BASE}/reminders").json()
    mine = next(d for d in due if d["id"] == cert_id)
    assert (mine["days_left"], mine["window"], mine["expired"]) == (20, 30, False)


def test_import(client: TestClient) -> None:
    csv = b"subject_kind,subject_id,scheme,issuer,issued\nsite,HQ,green_factory,MIIT,2023-01-01\n"
    r = client.post(f"{BASE}/import", files={"file": ("c.csv", csv, "text/csv")})
    assert r.status_code == 201, r.text
    assert len(r.json()["created"]) == 1
    r = client.post(f"{BASE}/import", files={"file": ("c.csv", csv + b"x,,,,\n", "text/csv")})
    assert r.status_code == 422
    assert "c.csv, row 3" in r.json()["error"]["message"]


def test_zero_carbon(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "lingtan.adapters.services.energy_indicators", None)
    monkeypatch.setitem(sys.modules, "lingtan.adapters.services.energy_savings", None)
    body = {"site": SITE, "fiscal_year": "FY2024-25", "basis": "location", "grid_factor": 0.5,
            "r_own_t": 92}  # fmt: skip
    r = client.post(f"{BASE}/zero-carbon", json=body)
    assert r.status_code == 201, r.text
    a = r.json()
    # E_base = 100 + 92 = 192; share = 92 / (92 + 8) = 0.92; net = 192 − 92 − 0 − 8 = 92 > 0
    assert a["e_base_t"] == pytest.approx(192.0)
    assert a["share_own"] == pytest.approx(0.92)
    assert a["net_t"] == pytest.approx(92.0)
    assert a["share_ok"] is True
    assert a["passed"] is False
    assert a["basis"]["emissions"] == "location"
    listed = client.get(f"{BASE}/zero-carbon", params={"fiscal_year": "FY2024/25"}).json()
    assert [(x["site"], x["fiscal_year"]) for x in listed] == [(SITE, "FY2024/25")]
    r = client.post(f"{BASE}/zero-carbon", json={**body, "site": "NOPE"})
    assert r.status_code == 422
