"""``/api/v1/orgs/{org}/disclosure/editions…`` and ``…/narratives…`` (decision 0096) on
:mod:`disclosure_editions_kit`'s workspace: build (201, then 200 for the same data), get with its
document (id = its hash) and file links, publish, new data refused (409) until restated with a
reason (422 without), the restatement published supersedes the first, diff, narratives (set,
list, fields, remove, refused key), unknown edition 404, bad prefix 422."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from disclosure_editions_kit import YEAR, build_editions_workspace
from lingtan.core.hashing import canonical_sha256

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "ed"
BASE = f"/api/v1/orgs/{ORG}/disclosure"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-editions")
    app = single_org_app(root, build_editions_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        c.headers["Accept-Language"] = "en"
        yield c


def test_editions(client: TestClient) -> None:
    r = client.post(f"{BASE}/editions", json={"fiscal_year": "FY2023-24"})
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["state"], first["created"], first["fiscal_year"]) == ("draft", True, YEAR)
    r = client.post(f"{BASE}/editions", json={"fiscal_year": YEAR, "publish": True})
    assert r.status_code == 200, r.text
    assert (r.json()["edition_id"], r.json()["state"]) == (first["edition_id"], "published")
    got = client.get(f"{BASE}/editions/{first['edition_id'][:8]}").json()
    assert canonical_sha256(got["document"]) == first["edition_id"]
    assert len(got["files"]) == 6
    html = client.get(f"{BASE}/editions/{first['edition_id']}/files/en/html")
    assert html.status_code == 200, html.text
    assert html.headers["content-type"].startswith("text/html")
    assert first["edition_id"][:12] in html.headers["content-disposition"]
    assert client.get(f"{BASE}/editions/{first['edition_id']}/files/fr/html").status_code == 422
    assert [e["edition_id"] for e in client.get(f"{BASE}/editions").json()] == [first["edition_id"]]
    assert client.get(f"{BASE}/editions", params={"fiscal_year": "FY2022-23"}).json() == []
    # new content: a narrative entered after publication
    assert (
        client.put(f"{BASE}/narratives/strategy/en", json={"text": "Transition first."}).status_code
        == 200
    )
    r = client.post(f"{BASE}/editions", json={"fiscal_year": YEAR})
    assert r.status_code == 409
    assert r.json()["error"]["field"] == "supersedes"
    r = client.post(
        f"{BASE}/editions", json={"fiscal_year": YEAR, "supersedes": first["edition_id"]}
    )
    assert (r.status_code, r.json()["error"]["field"]) == (422, "reason")
    r = client.post(f"{BASE}/editions", json={"fiscal_year": YEAR, "bogus": 1})
    assert r.status_code == 422
    restate = {"fiscal_year": YEAR, "supersedes": first["edition_id"], "reason": "strategy text"}
    r = client.post(f"{BASE}/editions", json=restate)
    assert r.status_code == 201, r.text
    new = r.json()
    assert "narratives" in new["changed"]
    r = client.post(f"{BASE}/editions/{new['edition_id']}/publish")
    assert r.status_code == 200, r.text
    old = client.get(f"{BASE}/editions/{first['edition_id']}").json()
    assert (old["state"], old["superseded_by"]) == ("superseded", new["edition_id"])
    assert client.post(f"{BASE}/editions/{first['edition_id']}/publish").status_code == 409
    d = client.get(f"{BASE}/editions/{first['edition_id']}/diff/{new['edition_id']}").json()
    assert "narratives" in d["changed"]
    assert d["narratives"] == [{"key": "strategy", "lang": "en", "before": None,
                                "after": "Transition first."}]  # fmt: skip
    assert d["b"]["supersedes"] == first["edition_id"]
    assert client.get(f"{BASE}/editions/{'0' * 12}").status_code == 404
    assert client.get(f"{BASE}/editions/xyz").status_code == 422


def test_narratives(client: TestClient) -> None:
    r = client.put(f"{BASE}/narratives/governance/zh-CN", json={"text": "董事会监督气候事宜。"})
    assert r.status_code == 200, r.text
    assert r.json()["text"] == "董事会监督气候事宜。"
    assert (
        client.put(f"{BASE}/narratives/governance/en", json={"text": "Board."}).status_code == 200
    )
    rows = client.get(f"{BASE}/narratives").json()
    assert {(n["key"], n["lang"]) for n in rows} >= {("governance", "en"), ("governance", "zh-CN")}
    fields = [f["key"] for f in client.get(f"{BASE}/narratives/fields").json()]
    assert fields[0] == "organisation"
    assert "lineage_appendix" in fields
    r = client.put(f"{BASE}/narratives/governance/en", json={"text": ""})
    assert (r.status_code, r.json()) == (200, None)
    r = client.put(f"{BASE}/narratives/preface/en", json={"text": "x"})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "key")
    assert client.put(f"{BASE}/narratives/governance/fr", json={"text": "x"}).status_code == 422
