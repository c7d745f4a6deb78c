"""Supplier reviews over the API (decision 0064): a rating under 45 opens a plan due 90 days
later; the plan closes with its items; a re-rating records the score change; audits, the
audit-coverage set A from imported spend, audits due, suspension and waivers; scorecards; and
cross-tenant isolation of every endpoint (organisation "bravo" reaches none of "acme"'s rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from lingtan.adapters.store.scoping import request_session, tenant_session
from lingtan.adapters.store.suppliers import Supplier
from lingtan.adapters.store.tenancy import Organisation
from serverkit import Server, TestClient, owner_client

API = "/api/v1/orgs"

#: spend rows (Scope 3 category 1, CNY of 2023, FY2023/24 = April 2023 – March 2024):
#: S-A 14 000, S-B 5 000, S-C 1 000, none 500 → supplier spend 20 000; A: S-A 70 %, + S-B 95 %
#: (≥ 95 %: reached) → A = {S-A, S-B}; S-C (5 %) is outside.
SPEND_CSV = (
    b"date,code,amount,currency,price_year,category,site,supplier\n"
    b"2023-06-01,spend.naics.111110,10000,CNY,2023,1,TJ01,S-A\n"
    b"2023-07-01,spend.naics.111110,4000,CNY,2023,1,TJ01,S-A\n"
    b"2023-08-01,spend.naics.111110,5000,CNY,2023,1,TJ01,S-B\n"
    b"2023-09-01,spend.naics.111110,1000,CNY,2023,1,TJ01,S-C\n"
    b"2023-10-01,spend.naics.111110,500,CNY,2023,1,TJ01,\n"
)


def _org_id(srv: Server, slug: str) -> int:
    with request_session(srv.engine) as db:
        org = db.scalar(select(Organisation).where(Organisation.slug == slug))
        assert org is not None
        return int(org.id)


def add_suppliers(srv: Server, slug: str, codes: dict[str, str]) -> None:
    """Suppliers ``{code: status}`` of organisation ``slug``, written to the store directly
    (the register's own API is tested with the register)."""
    with tenant_session(srv.engine, _org_id(srv, slug)) as db:
        for code, status in codes.items():
            db.add(Supplier(code=code, legal_name=f"{code} Co", country="CN", status=status,
                            company_ids=[], categories=["pcb"]))  # fmt: skip
        db.commit()


@pytest.fixture
def world(server_factory: Callable[..., Server]) -> dict[str, Any]:
    from lingtan.adapters.server.worker import run_pending

    srv = server_factory(workers=0)
    a = owner_client(srv, "a@acme.example")
    b = owner_client(srv, "b@bravo.example", "bravo")
    add_suppliers(srv, "acme", {"S-A": "approved", "S-B": "approved", "S-C": "onboarding"})
    add_suppliers(srv, "bravo", {"S-A": "approved"})
    r = a.post(
        f"{API}/acme/sites",
        json={"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"},
    )
    assert r.status_code == 201, r.text
    r = a.post(f"{API}/acme/imports?template=spend",
               files={"file": ("spend.csv", SPEND_CSV, "text/csv")})  # fmt: skip
    assert r.status_code in (201, 202), r.text
    run_pending(srv.engine)
    return {"srv": srv, "a": a, "b": b}


def test_a_rating_under_45_opens_a_plan_due_90_days_later(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    r = a.post(
        f"{API}/acme/suppliers/S-A/ratings",
        json={"provider": "EcoVadis", "score": 41, "rated_on": "2024-01-15"},
    )
    assert r.status_code == 201, r.text
    cap = r.json()["cap"]
    # 2024-01-15 + 90 days = 2024-04-14 (16 + 29 + 31 = 76 days to 31 March, 14 more)
    assert (cap["opened"], cap["due"]) == ("2024-01-15", "2024-04-14")
    assert cap["score_before"] == 41
    # exactly 45 opens none
    r = a.post(
        f"{API}/acme/suppliers/S-B/ratings",
        json={"provider": "EcoVadis", "score": 45, "rated_on": "2024-01-15"},
    )
    assert r.json()["cap"] is None
    # an item, closed with evidence on 2024-04-01: the plan is closed (on time)
    cap_id = cap["id"]
    r = a.post(
        f"{API}/acme/suppliers/S-A/caps/{cap_id}/items",
        json={"finding": "overtime", "action": "second shift", "owner": "HR"},
    )
    assert r.status_code == 201, r.text
    item = r.json()["items"][0]
    assert item["due"] == "2024-04-14"
    r = a.post(
        f"{API}/acme/suppliers/S-A/caps/{cap_id}/items/{item['id']}/close",
        json={"closed_on": "2024-04-01", "evidence": "sha256:ab12"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["closed_on"]) == ("closed", "2024-04-01")
    # the re-rating records the change: 41 → 45.7, +4.7
    r = a.post(
        f"{API}/acme/suppliers/S-A/ratings",
        json={"provider": "EcoVadis", "score": 45.7, "rated_on": "2024-06-01"},
    )
    assert r.json()["cap"] is None
    assert r.json()["rerated"][0]["score_change"] == pytest.approx(4.7)
    k = a.get(f"{API}/acme/supplier-caps/kpis", params={"today": "2024-06-02"}).json()
    assert (k["decided"], k["closed_on_time"], k["closed_on_time_pct"]) == (1, 1, 100.0)
    assert k["mean_score_change"] == pytest.approx(4.7)


def test_overdue_plans_are_listed(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    a.post(
        f"{API}/acme/suppliers/S-B/ratings",
        json={"provider": "EcoVadis", "score": 30, "rated_on": "2024-01-15"},
    )
    on_due = a.get(f"{API}/acme/supplier-caps", params={"overdue": True, "today": "2024-04-14"})
    assert on_due.json() == []
    late = a.get(f"{API}/acme/supplier-caps", params={"overdue": True, "today": "2024-04-15"})
    assert [(c["supplier"], c["status"]) for c in late.json()] == [("S-B", "overdue")]


def test_the_audit_coverage_set_is_a(world: dict[str, Any]) -> None:
    """A = {S-A, S-B} (see SPEND_CSV). S-A audited 2022-06-01 (RBA VAP, within 24 months of
    2024-03-31), S-B never: audited share = 14 000 / 20 500 (all spend, the row without a
    supplier included) = 68.29 %."""
    a: TestClient = world["a"]
    r = a.post(
        f"{API}/acme/suppliers/S-A/audits",
        json={"scheme": "rba_vap", "audited_on": "2022-06-01", "score": 160},
    )
    assert r.status_code == 201, r.text
    cov = a.get(f"{API}/acme/supplier-audits/coverage", params={"fiscal_year": "FY2023/24"})
    assert cov.status_code == 200, cov.text
    c = cov.json()
    assert [m["supplier"] for m in c["members"]] == ["S-A", "S-B"]
    assert c["set_share_pct"] == pytest.approx(95.0)
    assert c["total_spend"] == pytest.approx(20500)
    assert c["audited_share_pct"] == pytest.approx(100 * 14000 / 20500)
    assert c["gaps"] == ["S-B"]
    # due within six months of 2024-04-01: S-B (never audited, at once); S-A due 2024-06-01
    due = a.get(f"{API}/acme/supplier-audits/due",
                params={"fiscal_year": "FY2023-24", "today": "2024-04-01"}).json()  # fmt: skip
    assert [(d["supplier"], d["due"], d["overdue"]) for d in due] == [
        ("S-B", None, True),
        ("S-A", "2024-06-01", False),
    ]


def test_a_late_priority_finding_suspends_unless_waived(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    r = a.post(f"{API}/acme/suppliers/S-B/audits", json={
        "scheme": "rba_vap", "audited_on": "2024-01-10",
        "findings": [{"ref": "P1", "severity": "priority", "section": "A1", "due": "2024-03-01"}],
    })  # fmt: skip
    assert r.status_code == 201, r.text
    finding = r.json()["findings"][0]["id"]
    check = a.get(f"{API}/acme/supplier-audits/suspensions", params={"today": "2024-03-02"})
    assert [t["supplier"] for t in check.json()["triggered"]] == ["S-B"]
    w = a.post(f"{API}/acme/suppliers/S-B/waivers", json={
        "finding_id": finding, "reason": "remediation under way",
        "granted_on": "2024-03-02", "until": "2024-03-31"})  # fmt: skip
    assert w.status_code == 201, w.text
    assert w.json()["granted_by"]  # who granted it is kept
    waived = a.post(f"{API}/acme/supplier-audits/suspensions", params={"today": "2024-03-15"})
    assert waived.json()["suspended"] == []
    late = a.post(f"{API}/acme/supplier-audits/suspensions", params={"today": "2024-04-01"})
    assert late.json()["suspended"] == ["S-B"]
    with tenant_session(world["srv"].engine, _org_id(world["srv"], "acme")) as db:
        assert db.scalar(select(Supplier.status).where(Supplier.code == "S-B")) == "suspended"


def test_a_scorecard_is_computed(world: dict[str, Any]) -> None:
    a: TestClient = world["a"]
    a.post(
        f"{API}/acme/suppliers/S-A/ratings",
        json={"provider": "EcoVadis", "score": 58, "rated_on": "2024-02-01"},
    )
    r = a.post(
        f"{API}/acme/suppliers/S-A/scorecards",
        json={"period": "2024Q1", "values": {"ghg_inventory": 1}},
    )
    assert r.status_code == 201, r.text
    card = r.json()
    by = {s["code"]: s for s in card["scores"]}
    assert by["ecovadis_score"]["value"] == 58  # from the rating: 55–64 → 80
    assert by["ecovadis_score"]["score"] == 80
    # weights of the default set sum to 85: (5 · 80 + 4 · 100) / 85 = 800 / 85 = 9.41
    assert card["total"] == pytest.approx(800 / 85)
    assert card["grade"] == "D"
    assert len(card["scores"]) == 30
    bad = a.post(
        f"{API}/acme/suppliers/S-A/scorecards", json={"period": "2024Q1", "values": {"nope": 1}}
    )
    assert bad.status_code == 422


def test_the_kpi_set_in_force_is_the_default(world: dict[str, Any]) -> None:
    doc = world["a"].get(f"{API}/acme/supplier-kpis").json()
    assert len(doc["kpi"]) == 30
    assert sum(k["weight"] for k in doc["kpi"]) == pytest.approx(85)
    assert [b["grade"] for b in doc["band"]] == ["A", "B", "C", "D"]


def _acme_objects(a: TestClient) -> dict[str, int]:
    r = a.post(
        f"{API}/acme/suppliers/S-A/ratings",
        json={"provider": "EcoVadis", "score": 30, "rated_on": "2024-01-15"},
    ).json()
    cap = r["cap"]["id"]
    item = a.post(
        f"{API}/acme/suppliers/S-A/caps/{cap}/items",
        json={"finding": "f", "action": "a", "owner": "o"},
    ).json()["items"][0]["id"]
    audit = a.post(f"{API}/acme/suppliers/S-A/audits", json={
        "scheme": "rba_vap", "audited_on": "2024-01-10",
        "findings": [{"severity": "priority", "due": "2024-03-01"}]}).json()  # fmt: skip
    return {"cap": cap, "item": item, "audit": audit["id"], "finding": audit["findings"][0]["id"]}


def test_cross_tenant_isolation_of_every_endpoint(world: dict[str, Any]) -> None:
    """Bravo's owner, on acme's organisation (403/404) and on its own with acme's ids (404),
    reads and changes nothing of acme's; bravo's own lists stay empty."""
    a: TestClient = world["a"]
    b: TestClient = world["b"]
    ids = _acme_objects(a)
    before = {
        "caps": a.get(f"{API}/acme/suppliers/S-A/caps").json(),
        "audits": a.get(f"{API}/acme/suppliers/S-A/audits").json(),
        "ratings": a.get(f"{API}/acme/suppliers/S-A/ratings").json(),
    }
    close = {"closed_on": "2024-02-01", "evidence": "x"}
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("get", "suppliers/S-A/ratings", None),
        ("post", "suppliers/S-A/ratings", {"provider": "X", "score": 10, "rated_on": "2024-01-01"}),
        ("get", "suppliers/S-A/caps", None),
        ("post", "suppliers/S-A/caps", {"trigger": "grade", "opened": "2024-01-01",
                                        "due": "2024-02-01"}),
        ("get", f"suppliers/S-A/caps/{ids['cap']}", None),
        ("post", f"suppliers/S-A/caps/{ids['cap']}/items",
         {"finding": "x", "action": "x", "owner": "x"}),
        ("post", f"suppliers/S-A/caps/{ids['cap']}/items/{ids['item']}/close", close),
        ("get", "suppliers/S-A/audits", None),
        ("post", "suppliers/S-A/audits", {"scheme": "other", "audited_on": "2024-01-01"}),
        ("post", f"suppliers/S-A/audits/{ids['audit']}/findings/{ids['finding']}/close", close),
        ("get", "suppliers/S-A/waivers", None),
        ("post", "suppliers/S-A/waivers", {"finding_id": ids["finding"], "reason": "x"}),
        ("get", "suppliers/S-A/scorecards", None),
        ("post", "suppliers/S-A/scorecards", {"period": "2024Q1"}),
        ("get", "supplier-caps?overdue=true", None),
        ("get", "supplier-caps/kpis", None),
        ("get", "supplier-audits/coverage?fiscal_year=FY2023/24", None),
        ("get", "supplier-audits/due?fiscal_year=FY2023/24", None),
        ("get", "supplier-audits/suspensions", None),
        ("get", "supplier-kpis", None),
        ("post", "supplier-audits/suspensions", None),
    ]  # fmt: skip
    for method, path, body in calls:
        on_acme = getattr(b, method)(f"{API}/acme/{path}", **({"json": body} if body else {}))
        assert on_acme.status_code in (403, 404), (method, path, on_acme.text)
        own = getattr(b, method)(f"{API}/bravo/{path}", **({"json": body} if body else {}))
        if f"/{ids['cap']}" in path or f"/{ids['audit']}/" in path or ("waivers" in path and body):
            assert own.status_code == 404, (method, path, own.text)
    # bravo's writes on its own S-A created bravo's rows only; acme's are as they were
    after = {
        "caps": a.get(f"{API}/acme/suppliers/S-A/caps").json(),
        "audits": a.get(f"{API}/acme/suppliers/S-A/audits").json(),
        "ratings": a.get(f"{API}/acme/suppliers/S-A/ratings").json(),
    }
    assert after == before
    assert all(c["supplier"] == "S-A" for c in b.get(f"{API}/bravo/supplier-caps").json())
    assert {c["id"] for c in b.get(f"{API}/bravo/supplier-caps").json()}.isdisjoint(
        {c["id"] for c in before["caps"]}
    )
