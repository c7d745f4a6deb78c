"""``/api/v1/orgs/{org}/disclosure/verification`` (decision 0098): a verification record of a
year's snapshot (the newest by default, or one named by prefix), refused with the field named
(unknown fields, a wrong level, a year without a snapshot, a second record of one snapshot, a
snapshot of another year), findings raised and closed with evidence (not before they were
raised, not twice), the statement file stored with its SHA-256 and given back, on the
workspace of :mod:`disclosure_ghg_kit`."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from disclosure_ghg_kit import BASE, YEAR, build_ghg_workspace

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "ghg"
URL = f"/api/v1/orgs/{ORG}/disclosure/verification"
RECORD = {
    "fiscal_year": YEAR,
    "verifier": "Verifier Co",
    "standard": "ISO 14064-3:2019",
    "level": "reasonable",
    "materiality_pct": 5,
    "coverage": ["S1", "S2"],
    "opinion": "unmodified",
    "statement_date": "2024-06-30",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-verification")
    app = single_org_app(root, build_ghg_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def test_record_findings_and_statement(client: TestClient) -> None:
    assert client.post(URL, json={**RECORD, "colour": "blue"}).status_code == 422
    assert client.post(URL, json={**RECORD, "level": "high"}).status_code == 422
    r = client.post(URL, json={**RECORD, "fiscal_year": "FY2019/20"})
    assert r.status_code == 409, r.text  # no snapshot of that year
    assert "fiscal_year" in r.text
    r = client.post(URL, json=RECORD)
    assert r.status_code == 201, r.text
    rec = r.json()
    assert (rec["fiscal_year"], rec["coverage"], rec["findings"]) == (YEAR, ["S1", "S2"], [])
    assert client.post(URL, json=RECORD).status_code == 409  # one record per snapshot
    r = client.post(URL, json={**RECORD, "fiscal_year": BASE, "snapshot_id": rec["snapshot_id"]})
    assert r.status_code == 422, r.text  # that snapshot is of FY2023/24
    assert "snapshot_id" in r.text
    rid = rec["id"]
    r = client.post(f"{URL}/{rid}/findings", json={"text": "Meter", "raised_on": "2024-05-10"})
    assert r.status_code == 201, r.text
    assert r.json()["open"] is True
    bad = {"evidence": "certificate", "closed_on": "2024-05-01"}
    r = client.post(f"{URL}/{rid}/findings/1/close", json=bad)
    assert r.status_code == 422, r.text
    assert "closed_on" in r.text
    done = {"evidence": "certificate", "closed_on": "2024-06-01"}
    assert client.post(f"{URL}/{rid}/findings/1/close", json=done).status_code == 200
    assert client.post(f"{URL}/{rid}/findings/1/close", json=done).status_code == 409
    assert client.post(f"{URL}/{rid}/findings/9/close", json=done).status_code == 404
    assert client.get(f"{URL}/{rid}/statement").status_code == 404  # none attached yet
    data = b"%PDF-1.4 statement"
    r = client.post(f"{URL}/{rid}/statement",
                    files={"file": ("../Statement 2024.pdf", data, "application/pdf")})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["statement_sha256"] == hashlib.sha256(data).hexdigest()
    assert r.json()["statement_name"] == "Statement_2024.pdf"
    got = client.get(f"{URL}/{rid}/statement")
    assert (got.status_code, got.content) == (200, data)
    r = client.patch(f"{URL}/{rid}", json={"opinion": "qualified"})
    assert r.json()["opinion"] == "qualified"
    (listed,) = client.get(URL, params={"fiscal_year": YEAR}).json()
    assert listed["findings"][0]["evidence"] == "certificate"
    assert client.get(f"{URL}/999").status_code == 404
