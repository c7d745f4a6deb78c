"""``/api/v1/orgs/{org}/risks`` (issue 17 items 1–2, decision 0080): the register (create,
filter, change, review), the matrix (a change re-rates every item), the heat map, reviews due,
the file (import all or nothing, export read back) and another organisation's 404, on SQLite
and PostgreSQL (``db_url``)."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest

from serverkit import Server, owner_client

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

BASE = "/api/v1/orgs/acme/risks"


@pytest.fixture
def server(server_factory: Callable[..., Server]) -> Server:
    return server_factory(workers=0)


def _item(c: TestClient, code: str, **extra: object) -> dict[str, object]:
    body = {"code": code, "kind": "risk", "category": "policy_legal", "driver": "carbon_pricing",
            "title": f"{code} title", **extra}  # fmt: skip
    r = c.post(BASE, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_register_matrix_heatmap_due_file(server: Server) -> None:
    c = owner_client(server, "owner@acme.example")
    site = {"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"}
    assert c.post("/api/v1/orgs/acme/sites", json=site).status_code == 201
    a = _item(
        c,
        "T-1",
        likelihood=3,
        consequences={"finance": 4, "compliance": 2},
        horizons=["short"],
        links={"sites": ["TJ01"]},
        last_reviewed="2024-01-15",
    )
    assert (a["score"], a["band"]) == (12.0, "high")  # 3 × max(4, 2)
    assert a["next_review"] == "2025-01-15"  # high: + 12 months
    _item(c, "T-2", category="reputation", driver="stakeholder_expectations")
    # refusals name the field
    r = c.post(BASE, json={"code": "matrix", "kind": "risk", "category": "market",
                           "driver": "consumer_behaviour", "title": "x"})  # fmt: skip
    assert (r.status_code, r.json()["error"]["field"]) == (422, "code")
    r = c.post(BASE, json={"code": "X1", "kind": "risk", "category": "market",
                           "driver": "carbon_pricing", "title": "x"})  # fmt: skip
    assert (r.status_code, r.json()["error"]["field"]) == (422, "driver")
    r = c.post(BASE, json={"code": "X2", "kind": "risk", "category": "market",
                           "driver": "consumer_behaviour", "title": "x",
                           "links": {"sites": ["NOPE"]}})  # fmt: skip
    assert (r.status_code, r.json()["error"]["field"]) == (422, "sites")
    assert (
        c.post(
            BASE,
            json={
                "code": "T-1",
                "kind": "risk",
                "category": "market",
                "driver": "consumer_behaviour",
                "title": "x",
            },
        ).status_code
        == 409
    )
    # filters
    assert [i["code"] for i in c.get(BASE, params={"band": "unrated"}).json()] == ["T-2"]
    assert [i["code"] for i in c.get(BASE, params={"q": "t-1"}).json()] == ["T-1"]
    assert c.get(BASE, params={"band": "huge"}).status_code == 422
    # review: 4 × 5 = 20 very high, next review + 6 months
    r = c.post(f"{BASE}/T-2/reviews", json={"likelihood": 4, "consequences": {"reputation": 5},
                                            "reviewed": "2024-02-29", "note": "GRMC"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["score"], r.json()["band"]) == (20.0, "very_high")
    t2 = c.get(f"{BASE}/T-2").json()
    assert (t2["last_reviewed"], t2["next_review"]) == ("2024-02-29", "2024-08-29")
    assert len(c.get(f"{BASE}/T-2/reviews").json()) == 1
    # heat map: counts equal the rated items
    hm = c.get(f"{BASE}/heatmap").json()
    counts = {(x["likelihood"], x["consequence"]): x["count"] for x in hm["cells"] if x["count"]}
    assert counts == {(3, 4): 1, (4, 5): 1}
    assert hm["rated"] == 2
    assert hm["unrated"] == 0
    assert len(hm["cells"]) == 4 * 5
    # matrix: mean re-rates T-1 to 3 × (4 + 2) / 2 = 9 medium
    m = c.get(f"{BASE}/matrix").json()
    assert (m["aggregation"], m["bands_source"]) == ("max", "lingtan")
    r = c.put(f"{BASE}/matrix", json={"aggregation": "mean"})
    assert r.status_code == 200, r.text
    assert r.json()["rerated"] == 2
    assert (c.get(f"{BASE}/T-1").json()["score"], c.get(f"{BASE}/T-1").json()["band"]) == (
        9.0, "medium")  # fmt: skip
    assert c.put(f"{BASE}/matrix", json={"likelihood_levels": 3}).status_code == 422
    # due on a day: T-2 next 2024-08-29 overdue on 2024-09-01; T-1 2025-01-15 not due
    due = c.get(f"{BASE}/due", params={"on": "2024-09-01"}).json()
    assert [(d["code"], d["overdue"]) for d in due] == [("T-2", True)]
    # update
    r = c.patch(f"{BASE}/T-1", json={"owner": "Li Wei", "key_unit": True})
    assert r.status_code == 200
    assert r.json()["next_review"] == "2024-04-15"  # + 3 months
    assert c.patch(f"{BASE}/T-1", json={"category": "market"}).status_code == 422
    # file: export, import back (all updated), a wrong file refused whole
    csv = c.get(f"{BASE}/export").content
    assert csv.startswith(b"\xef\xbb\xbfcode,kind,category,driver,title")
    r = c.post(f"{BASE}/import", files={"file": ("risks.csv", csv, "text/csv")})
    assert r.status_code == 201, r.text
    assert r.json() == {"created": [], "updated": ["T-1", "T-2"]}
    xlsx = c.get(f"{BASE}/export", params={"format": "xlsx"}).content
    assert xlsx[:2] == b"PK"
    bad = csv.replace(b"T-1,risk,policy_legal", b"T-3,risk,nonsense")
    r = c.post(f"{BASE}/import", files={"file": ("risks.csv", bad, "text/csv")})
    assert r.status_code == 422
    assert "risks.csv, row 2, column category" in r.json()["error"]["message"]
    assert [i["code"] for i in c.get(BASE).json()] == ["T-1", "T-2"]


def test_another_organisation_gets_404(server: Server) -> None:
    a = owner_client(server, "owner@acme.example")
    _item(a, "T-1")
    b = owner_client(server, "owner@bravo.example", "bravo")
    for method, url, kw in (
        ("GET", BASE, {}),
        ("POST", BASE, {"json": {"code": "E", "kind": "risk", "category": "market",
                                 "driver": "consumer_behaviour", "title": "E"}}),
        ("GET", f"{BASE}/T-1", {}),
        ("PATCH", f"{BASE}/T-1", {"json": {"title": "Hacked"}}),
        ("POST", f"{BASE}/T-1/reviews", {"json": {"likelihood": 1}}),
        ("GET", f"{BASE}/T-1/reviews", {}),
        ("GET", f"{BASE}/matrix", {}),
        ("PUT", f"{BASE}/matrix", {"json": {"aggregation": "mean"}}),
        ("GET", f"{BASE}/heatmap", {}),
        ("GET", f"{BASE}/due", {}),
        ("GET", f"{BASE}/export", {}),
        ("POST", f"{BASE}/import", {"files": {"file": ("r.csv", b"code\n", "text/csv")}}),
    ):  # fmt: skip
        r = b.request(method, url, **kw)
        assert r.status_code == 404, (method, url, r.text)
    # bravo's own item of the same code is bravo's: acme's untouched
    r = b.post("/api/v1/orgs/bravo/risks", json={"code": "T-1", "kind": "risk",
                                                 "category": "market",
                                                 "driver": "consumer_behaviour",
                                                 "title": "B"})  # fmt: skip
    assert r.status_code == 201
    assert a.get(f"{BASE}/T-1").json()["title"] == "T-1 title"
