"""``GET /api/v1/orgs/{org}/inclusion/{programme}/report`` (decision 0092) on the kit's
programme (:mod:`inclusion_member_kit`): the hand-checked figures, a period, a backwards period
(422), an unknown programme (404)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from inclusion_events_kit import new_workspace
from inclusion_member_kit import CODE, seed

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "incl"
URL = f"/api/v1/orgs/{ORG}/inclusion/{CODE}/report"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import organisation_by_slug

    root = tmp_path_factory.mktemp("api-inclusion-report")
    app = single_org_app(root, new_workspace(root / "orgs" / ORG), ORG)
    engine = make_engine(f"sqlite:///{root / 'server.db'}")
    with system_session(engine) as db:
        org = organisation_by_slug(db, ORG)
        assert org is not None
        org_id = int(org.id)
    with tenant_session(engine, org_id, actor="tests") as db:
        seed(db)
    engine.dispose()
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        yield c


def test_report(client: TestClient) -> None:
    r = client.get(URL)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["points"]["outstanding"] == 47
    assert doc["kg_by_counts_as"]["avoided"] == 3.5
    march = client.get(URL, params={"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert march["events_total"] == 4
    assert march["active_accounts"] == 2
    assert march["period"] == {"start": "2026-03-01", "end": "2026-03-31"}


def test_refusals(client: TestClient) -> None:
    r = client.get(URL, params={"from": "2026-04-01", "to": "2026-03-01"})
    assert r.status_code == 422
    assert client.get(URL, params={"from": "March"}).status_code == 422
    assert client.get(f"/api/v1/orgs/{ORG}/inclusion/nope/report").status_code == 404
