"""``/api/v1/orgs/{org}/risks/governance`` (decision 0084): bodies, meetings with their agenda
(month-level and unpublished dates), the CSV import and export, roles, remuneration links
checked against the targets file's KPIs, the frequency check and the records view, on the
workspace of :mod:`risk_governance_kit`."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from risk_governance_kit import KPI, MEETINGS_CSV, YEAR, build_governance_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "gov"
BASE = f"/api/v1/orgs/{ORG}/risks/governance"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-governance")
    app = single_org_app(root, build_governance_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def _ensure(client: TestClient, code: str) -> None:
    """Body ``code`` (an EOC), whichever test runs first."""
    r = client.post(f"{BASE}/bodies", json={"code": code, "kind": "esg_executive_committee",
                                            "name": f"ESG EOC {code}"})  # fmt: skip
    assert r.status_code in (201, 409), r.text


def test_bodies_meetings_check(client: TestClient) -> None:
    r = client.post(f"{BASE}/bodies", json={"code": "t1", "kind": "esg_executive_committee",
                                            "name": "ESG EOC"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["per_year"], r.json()["counts"]) == (4, "meetings")
    assert client.post(f"{BASE}/bodies", json={"code": "t1", "kind": "other",
                                               "name": "x"}).status_code == 409  # fmt: skip
    r = client.patch(f"{BASE}/bodies/t1", json={"chair": "CLCRO"})
    assert r.json()["chair"] == "CLCRO"
    r = client.post(f"{BASE}/meetings", json={
        "body": "t1", "title": "Q1", "date": "2023-05",
        "agenda": [{"topic": "targets", "climate": True, "text": "SBT update"}],
        "decisions": ["approved"]})  # fmt: skip
    assert r.status_code == 201, r.text
    m = r.json()
    assert (m["precision"], m["date_text"], m["fiscal_year"], m["climate_items"]) == (
        "month", "2023-05", YEAR, 1)  # fmt: skip
    r = client.post(f"{BASE}/meetings", json={"body": "t1", "title": "undated"})
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "fiscal_year"
    r = client.patch(f"{BASE}/meetings/{m['id']}", json={"title": "EOC Q1"})
    assert r.json()["title"] == "EOC Q1"
    checks = client.get(f"{BASE}/check", params={"fiscal_year": "FY2023-24"}).json()
    mine = next(c for c in checks if c["body"] == "t1")
    # one meeting in Apr–Jun of the 4 required: held 1, gaps Jul–Sep, Oct–Dec, Jan–Mar
    assert (mine["held"], mine["status"], len(mine["gaps"])) == (
        1, "not_evidenced", 3)  # fmt: skip
    assert client.get(f"{BASE}/meetings/999999").status_code == 404
    assert client.delete(f"{BASE}/meetings/{m['id']}").status_code == 204
    assert client.delete(f"{BASE}/bodies/t1").status_code == 204
    assert client.get(f"{BASE}/bodies/t1").status_code == 404


def test_import_export(client: TestClient) -> None:
    _ensure(client, "eoc")
    data = MEETINGS_CSV.encode()
    r = client.post(f"{BASE}/meetings/import",
                    files={"file": ("m.csv", data + b"eoc,,,x,,,,,\n", "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert "m.csv, row 5, column fiscal_year" in r.json()["error"]["message"]
    r = client.post(f"{BASE}/meetings/import", files={"file": ("m.csv", data, "text/csv")})
    assert r.status_code == 201, r.text
    assert len(r.json()["created"]) == 3
    r = client.get(f"{BASE}/meetings/export", params={"fiscal_year": YEAR})
    assert r.status_code == 200
    assert "EOC Q2" in r.content.decode("utf-8-sig")
    listed = client.get(f"{BASE}/meetings", params={"body": "eoc"}).json()
    assert [m["title"] for m in listed] == ["EOC Q1", "EOC Q2", "EOC Q4"]


def test_roles_pay_links_summary(client: TestClient) -> None:
    _ensure(client, "eoc")
    r = client.post(f"{BASE}/roles", json={"title": "CLCRO", "reports_to": "Executive Committee",
                                           "chairs": ["eoc"]})  # fmt: skip
    assert r.status_code == 201, r.text
    role = r.json()
    assert client.patch(f"{BASE}/roles/{role['id']}", json={"holder": "A. Person"}).json()[
        "holder"] == "A. Person"  # fmt: skip
    r = client.post(f"{BASE}/roles", json={"title": "x", "chairs": ["nope"]})
    assert r.status_code == 422
    r = client.post(f"{BASE}/pay-links", json={"fiscal_year": YEAR, "population": "executives",
                                               "kpi_id": KPI, "share_pct": 12.5})  # fmt: skip
    assert r.status_code == 201, r.text
    r = client.post(f"{BASE}/pay-links", json={"fiscal_year": YEAR, "population": "executives",
                                               "kpi_id": "NOPE"})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["field"] == "kpi_id"
    s = client.get(f"{BASE}/summary", params={"fiscal_year": YEAR}).json()
    assert s["fiscal_year"] == YEAR
    assert (s["start"], s["end"]) == ("2023-04-01", "2024-03-31")
    assert [p["share_pct"] for p in s["pay_links"]] == [12.5]
    assert [r["title"] for r in s["roles"]] == ["CLCRO"]
    assert client.get(f"{BASE}/summary", params={"fiscal_year": "2024"}).status_code == 200
    assert client.delete(f"{BASE}/roles/{role['id']}").status_code == 204
