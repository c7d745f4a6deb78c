"""``/orgs/{org}/supplier-requests``, ``/orgs/{org}/customer-requests`` and the public
``/supplier-answers/{token}`` (issue 15 item 4, decision 0065), on SQLite and PostgreSQL.

Organisations and hand calculation: :mod:`srkit` (spend S1 42 %, S2 34 %, S3 15 %, S4 6 %,
S5 3 % of ¥1 000 000; scope "top 95 % ∪ strategic" = all five).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from livekit import live_server
from serverkit import PASSWORD, Server, owner_client
from srkit import BUYER, FY, SELLER, buyer_and_seller

B = f"/api/v1/orgs/{BUYER}/supplier-requests"
S = f"/api/v1/orgs/{SELLER}/customer-requests"
FULL = {
    "scope1_t": 1000,
    "scope2_market_t": 500,
    "verified": True,
    "verification_standard": "ISO 14064-3",
    "sbti_status": "committed",
    "sbti_date": "2023-09-01",
    "public_target": {"base_year": 2020, "target_year": 2030, "reduction_pct": 40},
    "re_tracking": True,
    "re_target": {"pct": 100, "year": 2030},
    "allocated_to_customer_t": 12.5,
    "allocation_method": "revenue_share",
}


def _open(buyer: Any) -> tuple[int, dict[str, int], dict[str, str]]:
    """Open the FY2023/24 campaign; (campaign id, request id by code, token by code)."""
    r = buyer.post(f"{B}/campaigns", json={"fiscal_year": FY, "due_on": "2024-09-30"})
    assert r.status_code == 201, r.text
    camp = r.json()
    reqs = buyer.get(f"{B}/requests", params={"campaign": camp["id"]}).json()
    ids = {q["supplier_code"]: q["id"] for q in reqs}
    toks = buyer.post(f"{B}/campaigns/{camp['id']}/tokens", json={"days": 30})
    assert toks.status_code == 201, toks.text
    return camp["id"], ids, {t["supplier_code"]: t["token"] for t in toks.json()}


def _answer_accept(buyer: Any, anon: Any, token: str, rid: int, answer: dict[str, Any]) -> None:
    assert anon.post(f"/api/v1/supplier-answers/{token}", json=answer).status_code == 201
    newest = buyer.get(f"{B}/requests/{rid}/responses").json()[0]
    assert buyer.post(f"{B}/responses/{newest['id']}/accept").status_code == 200


def test_campaign_answers_and_coverage(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(workers=0)
    buyer, _seller = buyer_and_seller(srv)
    from fastapi.testclient import TestClient

    anon = TestClient(srv.app)
    camp_id, ids, tokens = _open(buyer)
    camp = buyer.get(f"{B}/campaigns/{camp_id}").json()
    assert camp["scope_rule_text"] == "top 95 % of spend ∪ strategic"
    assert sorted(ids) == ["S1", "S2", "S3", "S4", "S5"]
    reqs = {q["supplier_code"]: q for q in buyer.get(f"{B}/requests").json()}
    assert reqs["S4"]["reasons"] == ["spend"]
    assert reqs["S5"]["reasons"] == ["strategic"]
    assert reqs["S1"]["spend"] == pytest.approx(420_000)
    # a second campaign of the same year and kind: 409
    assert buyer.post(f"{B}/campaigns", json={"fiscal_year": FY}).status_code == 409

    form = anon.get(f"/api/v1/supplier-answers/{tokens['S1']}")
    assert form.status_code == 200, form.text
    assert form.json()["supplier_code"] == "S1"
    assert form.json()["latest"] is None
    # S1 answers everything (42 % of spend), S3 only verified (15 %)
    _answer_accept(buyer, anon, tokens["S1"], ids["S1"], FULL)
    _answer_accept(
        buyer,
        anon,
        tokens["S3"],
        ids["S3"],
        {"scope1_t": 5, "scope2_market_t": 1, "verified": True},
    )
    cov = buyer.get(f"{B}/coverage", params={"fiscal_year": FY}).json()
    # hand calculation: SBT 420 000 / 1 000 000; verified (S1 + S3) 570 000 / 1 000 000
    assert cov["denominator_text"] == "S = all spend (5 suppliers) = 1e+06"
    assert cov["properties"]["sbt_committed_or_set"]["fraction"] == "21/50"  # 42/100
    assert cov["properties"]["verified"]["fraction"] == "57/100"
    assert cov["properties"]["sbt_committed_or_set"]["goal_pct"] == 95.0
    assert cov["sbti_checks"]["sbt_committed_or_set"]["conformant"] is False
    assert "sr.sbti.no_year" in cov["sbti_checks"]["sbt_committed_or_set"]["failures"]
    resp = buyer.get(f"{B}/coverage", params={"fiscal_year": FY, "denominator": "respondents"})
    # respondents S1 + S3 = 570 000: SBT 420/570 = 14/19
    assert resp.json()["properties"]["sbt_committed_or_set"]["fraction"] == "14/19"

    # a decided answer is not decided again
    newest = buyer.get(f"{B}/requests/{ids['S3']}/responses").json()[0]
    assert buyer.post(f"{B}/responses/{newest['id']}/accept").status_code == 409
    # S3 revises its accepted answer (no longer verified): the accepted version keeps counting
    # until the buyer accepts the revision — verified 57/100, then S1 only: 21/50
    revision = {"scope1_t": 5, "scope2_market_t": 1, "verified": False}
    r = anon.post(f"/api/v1/supplier-answers/{tokens['S3']}", json=revision)
    assert r.status_code == 201
    mid = buyer.get(f"{B}/coverage", params={"fiscal_year": FY}).json()
    assert mid["properties"]["verified"]["fraction"] == "57/100"
    v2 = buyer.get(f"{B}/requests/{ids['S3']}/responses").json()[0]
    assert (v2["version"], v2["status"]) == (2, "submitted")
    assert buyer.post(f"{B}/responses/{v2['id']}/accept").status_code == 200
    after = buyer.get(f"{B}/coverage", params={"fiscal_year": FY}).json()
    assert after["properties"]["verified"]["fraction"] == "21/50"
    # S4 answers, is returned with a reason, answers again with an SBT target, is accepted
    r = anon.post(
        f"/api/v1/supplier-answers/{tokens['S4']}",
        json={"sbti_status": "committed", "sbti_date": "2024-01-01"},
    )
    assert r.status_code == 201
    v1 = buyer.get(f"{B}/requests/{ids['S4']}/responses").json()[0]
    r = buyer.post(f"{B}/responses/{v1['id']}/return", json={"reason": "no inventory given"})
    assert r.status_code == 200
    assert r.json()["status"] == "returned"
    form = anon.get(f"/api/v1/supplier-answers/{tokens['S4']}").json()
    assert form["status"] == "returned"
    assert form["return_reason"] == "no inventory given"
    _answer_accept(
        buyer,
        anon,
        tokens["S4"],
        ids["S4"],
        {"scope1_t": 2, "scope2_market_t": 1, "sbti_status": "targets_set"},
    )
    versions = buyer.get(f"{B}/requests/{ids['S4']}/responses").json()
    assert [(v["version"], v["status"]) for v in versions] == [(2, "accepted"), (1, "returned")]
    cov2 = buyer.get(f"{B}/coverage", params={"fiscal_year": FY}).json()
    # SBT committed or set: S1 + S4 = 480 000 / 1 000 000 = 12/25
    assert cov2["properties"]["sbt_committed_or_set"]["fraction"] == "12/25"
    assert cov2["properties"]["sbt_targets_set"]["fraction"] == "3/50"  # S4 only: 60 000
    hist = buyer.get(f"{B}/coverage/history").json()
    assert [h["fiscal_year"] for h in hist] == [FY]
    assert hist[0]["pct"]["sbt_committed_or_set"] == pytest.approx(48.0)
    # SBTi-conformant goal
    g = buyer.put(
        f"{B}/goals/sbt_targets_set",
        json={
            "goal_pct": 70,
            "goal_year": 2029,
            "basis": "emissions",
            "categories": ["1"],
            "submission_year": 2024,
        },
    )
    assert g.status_code == 200, g.text
    cov3 = buyer.get(f"{B}/coverage", params={"fiscal_year": FY}).json()
    assert cov3["sbti_checks"]["sbt_targets_set"] == {
        "conformant": True,
        "failures": [],
        "notes": [],
    }
    # maturity: S5 is the strategic supplier (no answer yet): level 1, review in a quarter
    m = buyer.post(f"{B}/maturity/reviews", json={"on": "2024-01-15"})
    assert m.status_code == 201, m.text
    assert [(x["supplier_code"], x["level"], x["next_review"]) for x in m.json()] == [
        ("S5", 1, "2024-04-15")
    ]
    m = buyer.post(f"{B}/maturity/reviews", json={"on": "2024-01-15", "supplier_codes": ["S1"]})
    # inventory, verified, a public target (level 4); committed is not validated (no level 5)
    assert m.json()[0]["level"] == 4


def test_isolation_of_every_endpoint(server_factory: Callable[..., Server]) -> None:
    """Another organisation reads or changes nothing of the buyer's, through its own path or
    the buyer's; a token opens its own request only; an unknown, replaced or expired token
    opens nothing; a supplier organisation not named by the register cannot push."""
    from fastapi.testclient import TestClient
    from sqlalchemy import update

    from lingtan.adapters.store.models import utcnow
    from lingtan.adapters.store.scoping import request_session, tenant_session
    from lingtan.adapters.store.supplier_requests import SupplierAnswerToken
    from lingtan.adapters.store.tenancy import organisation_by_slug

    srv = server_factory(workers=0)
    buyer, seller = buyer_and_seller(srv)
    camp, ids, tokens = _open(buyer)
    anon = TestClient(srv.app)
    assert anon.post(f"/api/v1/supplier-answers/{tokens['S1']}", json=FULL).status_code == 201
    resp_id = buyer.get(f"{B}/requests/{ids['S1']}/responses").json()[0]["id"]
    other = owner_client(srv, "owner@other.example", "other")
    oth = "/api/v1/orgs/other/supplier-requests"
    # through its own organisation's path: the buyer's ids are not found
    for path in (
        f"{oth}/campaigns/{camp}",
        f"{oth}/requests/{ids['S1']}",
        f"{oth}/requests/{ids['S1']}/responses",
        f"{oth}/responses/{resp_id}",
    ):
        assert other.get(path).status_code == 404, path
    for path, body in (
        (f"{oth}/responses/{resp_id}/accept", None),
        (f"{oth}/responses/{resp_id}/return", {"reason": "x"}),
        (f"{oth}/campaigns/{camp}/tokens", {}),
        (f"{oth}/campaigns/{camp}/close", None),
        (f"{oth}/requests/{ids['S1']}/responses", {"answer": {}}),
    ):
        assert other.post(path, json=body).status_code == 404, path
    assert other.get(f"{oth}/requests").json() == []
    assert other.get(f"{oth}/campaigns").json() == []
    assert other.get(f"{oth}/maturity").json() == []
    # through the buyer's path: not a member, 404 on every endpoint
    for path in (
        "/campaigns",
        f"/campaigns/{camp}",
        "/requests",
        f"/requests/{ids['S1']}",
        f"/requests/{ids['S1']}/responses",
        f"/responses/{resp_id}",
        "/goals",
        f"/coverage?fiscal_year={FY}",
        "/coverage/history",
        "/maturity",
    ):
        assert other.get(f"{B}{path}").status_code == 404, path
    for path, body in (
        ("/campaigns", {"fiscal_year": "FY2024/25"}),
        (f"/campaigns/{camp}/tokens", {}),
        (f"/responses/{resp_id}/accept", None),
        (f"/responses/{resp_id}/return", {"reason": "x"}),
        ("/maturity/reviews", {}),
    ):
        assert other.post(f"{B}{path}", json=body).status_code == 404, path
    assert other.put(f"{B}/goals/verified", json={"goal_pct": 90}).status_code == 404
    # the buyer's coverage and answers were not changed by any of it
    assert buyer.get(f"{B}/responses/{resp_id}").json()["status"] == "submitted"
    # the supplier side: "other" is named by no supplier row; it sees and pushes nothing
    assert other.get("/api/v1/orgs/other/customer-requests").json() == []
    r = other.post(f"/api/v1/orgs/other/customer-requests/{ids['S2']}/push", json={})
    assert r.status_code == 404
    # the seller is named for S2 only: S1's request is not found for it
    listed = seller.get(S).json()
    assert [(x["request_id"], x["customer_slug"]) for x in listed] == [(ids["S2"], BUYER)]
    assert seller.post(f"{S}/{ids['S1']}/push", json={}).status_code == 404
    # the seller's own members cannot read the buyer's requests directly
    assert seller.get(f"{B}/requests").status_code == 404
    # tokens: each opens its own request only
    f1 = anon.get(f"/api/v1/supplier-answers/{tokens['S1']}").json()
    f2 = anon.get(f"/api/v1/supplier-answers/{tokens['S2']}").json()
    assert (f1["supplier_code"], f2["supplier_code"]) == ("S1", "S2")
    assert f2["latest"] is None  # S1's answer is not visible with S2's token
    bad = "sr_" + "A" * 43
    assert anon.get(f"/api/v1/supplier-answers/{bad}").status_code == 404
    assert anon.post(f"/api/v1/supplier-answers/{bad}", json=FULL).status_code == 404
    # a new token replaces the old one
    new = buyer.post(f"{B}/campaigns/{camp}/tokens", json={"request_ids": [ids["S3"]]}).json()
    assert [t["supplier_code"] for t in new] == ["S3"]
    assert anon.get(f"/api/v1/supplier-answers/{tokens['S3']}").status_code == 404
    assert anon.get(f"/api/v1/supplier-answers/{new[0]['token']}").status_code == 200
    # an expired token opens nothing
    with request_session(srv.engine) as db:
        org = organisation_by_slug(db, BUYER)
        assert org is not None
        org_id = int(org.id)
    with tenant_session(srv.engine, org_id, actor="tests") as db:
        db.execute(update(SupplierAnswerToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert anon.get(f"/api/v1/supplier-answers/{tokens['S2']}").status_code == 404
    # a viewer of the buyer reads but may not decide
    from serverkit import add_user

    add_user(srv.engine, "viewer@buyer.example", {BUYER: "viewer"})
    viewer = srv.login("viewer@buyer.example")
    assert viewer.get(f"{B}/requests").status_code == 200
    assert viewer.post(f"{B}/responses/{resp_id}/accept").status_code == 403


def test_push_from_a_second_organisation_over_http(
    server_factory: Callable[..., Server], db_url: str
) -> None:
    """The supplier runs lingtan itself: a member of ``seller`` lists the request addressed to
    it and pushes its newest inventory, with 10 % of its Scope 1+2 allocated to the buyer by
    revenue share (CDP SM1), over HTTP against a running ``lingtan serve``; the buyer accepts
    it, and both audit logs record the push."""
    srv = server_factory(workers=0)
    buyer, seller = buyer_and_seller(srv)
    _camp, ids, _tokens = _open(buyer)
    inv = seller.get(f"/api/v1/orgs/{SELLER}/inventories/FY2024-25").json()
    # the seller's totals, rounded to 1 kg in the document
    s1, s2m = inv["totals_tco2e"]["scope1"], inv["totals_tco2e"]["scope2_market"]
    env = {"LINGTAN_SECRET": "live-test", "LINGTAN_WORKERS": "0"}
    with live_server(db_url, srv.data_dir, env=env) as live:
        with httpx.Client(base_url=live.base, timeout=60) as web:
            login = web.post(
                "/api/v1/auth/login", json={"email": "owner@seller.example", "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            web.headers["X-CSRF-Token"] = login.headers["x-csrf-token"]
            listed = web.get(S)
            assert listed.status_code == 200, listed.text
            assert [x["supplier_code"] for x in listed.json()] == ["S2"]
            r = web.post(
                f"{S}/{ids['S2']}/push",
                json={
                    "revenue_share_pct": 10,
                    "pcf_ids": ["urn:pact:seller:1"],
                    "extra": {"verified": True, "re_tracking": True},
                },
            )
            assert r.status_code == 201, r.text
            pushed = r.json()
        with httpx.Client(base_url=live.base, timeout=60) as web:
            login = web.post(
                "/api/v1/auth/login", json={"email": "owner@buyer.example", "password": PASSWORD}
            )
            web.headers["X-CSRF-Token"] = login.headers["x-csrf-token"]
            got = web.get(f"{B}/requests/{ids['S2']}/responses").json()
            assert len(got) == 1
            ans = got[0]
            assert ans["channel"] == "push"
            assert ans["source"]["organisation"] == SELLER
            assert s2m > 0
            assert ans["answer"]["scope2_market_t"] == pytest.approx(s2m, abs=1e-3)
            # allocated = (Scope 1 + Scope 2 market) × 10 %
            assert ans["answer"]["allocated_to_customer_t"] == pytest.approx(
                (s1 + s2m) * 0.10, abs=1e-3
            )
            assert ans["answer"]["allocation_method"] == "revenue_share"
            assert ans["answer"]["pcf_ids"] == ["urn:pact:seller:1"]
            assert ans["answer"]["reporting_period"] == "FY2024/25"
            assert web.post(f"{B}/responses/{ans['id']}/accept").status_code == 200
            cov = web.get(f"{B}/coverage", params={"fiscal_year": FY}).json()
            assert cov["properties"]["verified"]["fraction"] == "17/50"  # S2: 340 000 / 1 000 000
            audit_b = web.get(f"/api/v1/orgs/{BUYER}/audit", params={"limit": 200}).json()
    assert pushed["customer_slug"] == BUYER
    assert pushed["version"] == 1
    actions = [e["action"] for e in _entries(audit_b)]
    assert "supplier_response.push_received" in actions
    audit_s = seller.get(f"/api/v1/orgs/{SELLER}/audit", params={"limit": 200}).json()
    assert "supplier_response.push_sent" in [e["action"] for e in _entries(audit_s)]
    # the seller's chain and the buyer's verify
    assert seller.get(f"/api/v1/orgs/{SELLER}/audit/verify").json()["ok"] is True
    assert buyer.get(f"/api/v1/orgs/{BUYER}/audit/verify").json()["ok"] is True


def _entries(doc: Any) -> list[dict[str, Any]]:
    return list(doc["entries"] if isinstance(doc, dict) else doc)
