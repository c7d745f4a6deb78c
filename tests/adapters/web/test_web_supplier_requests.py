"""The data-request pages (issue 15 item 4, decision 0065): the supplier's own answer form
reached by its token (public, zh-CN/en, CSRF per form), the campaign status page and the
coverage page, whose five figures change when one supplier's answer changes.

Organisations and spend: :mod:`srkit` (S1 42 %, S2 34 %, S3 15 %, S4 6 %, S5 3 % of
¥1 000 000).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

from serverkit import Server, owner_client
from srkit import BUYER, FY, buyer_and_seller

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

B = f"/api/v1/orgs/{BUYER}/supplier-requests"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _csrf(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def _tile(html: str, prop: str) -> str:
    """The figure of a coverage tile (its exact fraction)."""
    m = re.search(rf'id="tile-{prop}".*?data-fraction="([^"]*)"', html, re.S)
    assert m, prop
    return m.group(1)


def _answer(phone: TestClient, token: str, fields: dict[str, str]) -> Any:
    form = phone.get(f"/supplier-answer/{token}")
    assert form.status_code == 200, form.text
    return phone.post(f"/supplier-answer/{token}", data={"csrf_token": _csrf(form.text), **fields})


def test_answer_form_and_coverage(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(workers=0)
    buyer, _seller = buyer_and_seller(srv)
    camp = buyer.post(f"{B}/campaigns", json={"fiscal_year": FY}).json()["id"]
    # the campaign page: five requests, and the links issued from it (shown once)
    page = buyer.get(f"/o/{BUYER}/suppliers/requests?lang=en")
    assert page.status_code == 200, page.text
    assert 'id="request-S5"' in page.text
    got = buyer.post(
        f"/o/{BUYER}/suppliers/requests/{camp}/tokens", data={"csrf_token": _csrf(page.text)}
    )
    assert got.status_code == 200, got.text
    tokens = dict(
        re.findall(
            r"<tr><td>(S\d)</td><td class=\"mono\"><a href=\"[^\"]*/supplier-answer/"
            r"(sr_[A-Za-z0-9_-]+)\"",
            got.text,
        )
    )
    assert sorted(tokens) == ["S1", "S2", "S3", "S4", "S5"]

    # the supplier's form: public (no login, no navigation of the buyer), both languages
    phone = TestClient(srv.app)
    zh = phone.get(f"/supplier-answer/{tokens['S1']}", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 200
    assert "气候数据请求" in zh.text
    assert f"/o/{BUYER}/" not in zh.text  # no link into the buyer's organisation
    assert zh.headers["referrer-policy"] == "no-referrer"
    en = phone.get(f"/supplier-answer/{tokens['S1']}?lang=en")
    assert "Climate data request" in en.text
    assert 'name="viewport"' in en.text  # usable on a phone
    # CSRF per form: a post without the form's token is refused and changes nothing
    r = phone.post(f"/supplier-answer/{tokens['S1']}", data={"scope1_t": "1"})
    assert r.status_code == 403
    assert buyer.get(f"{B}/requests/{_rid(buyer, 'S1')}/responses").json() == []
    # a refused field is shown beside the field, in the page's language
    r = _answer(phone, tokens["S1"], {"scope1_t": "-5"})
    assert r.status_code == 422
    assert 'id="scope1_t-error"' in r.text
    # S1 answers: SBT committed, verified, public target, tracks RE, RE target
    r = _answer(
        phone,
        tokens["S1"],
        {
            "scope1_t": "1,000",
            "scope2_market_t": "500",
            "verified": "yes",
            "verification_standard": "ISO 14064-3",
            "public_target_type": "absolute",
            "public_target_base_year": "2020",
            "public_target_target_year": "2030",
            "public_target_reduction_pct": "40",
            "sbti_status": "committed",
            "sbti_date": "2023-09-01",
            "re_tracking": "yes",
            "re_target_pct": "100",
            "re_target_year": "2030",
            "allocated_to_customer_t": "12.5",
            "allocation_method": "revenue_share",
            "pcf_ids": "urn:pact:s1:1",
        },
    )
    assert r.status_code == 200, r.text
    assert 'id="done"' in r.text
    # S2 answers without an SBT
    assert (
        _answer(phone, tokens["S2"], {"scope1_t": "10", "scope2_market_t": "5"}).status_code == 200
    )
    _decide(buyer, "S1", "accept")
    _decide(buyer, "S2", "accept")
    cov = buyer.get(f"/o/{BUYER}/suppliers/coverage?fy={FY}&lang=en")
    assert cov.status_code == 200, cov.text
    # hand calculation: SBT S1 = 420 000 / 1 000 000 = 21/50 (42 %); verified S1 = 21/50;
    # public targets S1; tracks RE S1; RE targets S1
    assert _tile(cov.text, "sbt_committed_or_set") == "21/50"
    assert _tile(cov.text, "verified") == "21/50"
    assert "5 suppliers, total 1,000,000.00 CNY" in cov.text  # the denominator, in words
    assert 'class="goal-line"' in cov.text  # the 95 % goal line of the SBT tile
    assert "not SBTi-conformant" in cov.text  # "95 %, no year"

    # S2 changes its answer: accepted answers are final, so the buyer opens next year's …
    # here: S4 answers, is returned, answers again with an SBT commitment and is accepted
    assert (
        _answer(phone, tokens["S4"], {"scope1_t": "1", "scope2_market_t": "1"}).status_code == 200
    )
    _decide(buyer, "S4", "return", reason="please add your SBTi status")
    form = phone.get(f"/supplier-answer/{tokens['S4']}?lang=en")
    assert "please add your SBTi status" in form.text
    assert 'value="1"' in form.text  # the returned answer fills the form again
    r = _answer(
        phone,
        tokens["S4"],
        {
            "scope1_t": "1",
            "scope2_market_t": "1",
            "sbti_status": "targets_set",
            "sbti_date": "2024-02-01",
        },
    )
    assert r.status_code == 200
    _decide(buyer, "S4", "accept")
    cov = buyer.get(f"/o/{BUYER}/suppliers/coverage?fy={FY}&lang=en")
    # SBT committed or set: S1 + S4 = 480 000 / 1 000 000 = 12/25 (48 %)
    assert _tile(cov.text, "sbt_committed_or_set") == "12/25"
    assert _tile(cov.text, "verified") == "21/50"  # unchanged
    zh = buyer.get(f"/o/{BUYER}/suppliers/coverage?fy={FY}&lang=zh-CN")
    assert "承诺制定或已制定科学碳目标" in zh.text
    # an accepted answer may be revised while the campaign is open (the buyer accepts again)
    done = phone.get(f"/supplier-answer/{tokens['S1']}?lang=en")
    assert 'id="revise"' in done.text
    assert 'id="answer-form"' in done.text
    # an unknown token: a 404 page, no form
    assert phone.get("/supplier-answer/sr_" + "x" * 43).status_code == 404


def test_pages_of_another_organisation_are_not_found(server_factory: Callable[..., Server]) -> None:
    srv = server_factory(workers=0)
    buyer, _seller = buyer_and_seller(srv)
    buyer.post(f"{B}/campaigns", json={"fiscal_year": FY})
    other = owner_client(srv, "owner@other.example", "other")
    for path in ("suppliers/requests", f"suppliers/coverage?fy={FY}"):
        assert other.get(f"/o/{BUYER}/{path}").status_code == 404, path
    page = other.get("/o/other/suppliers/requests")
    assert page.status_code == 200
    assert "S1" not in page.text


def _rid(buyer: TestClient, code: str) -> int:
    rows = buyer.get(f"{B}/requests").json()
    return int(next(r["id"] for r in rows if r["supplier_code"] == code))


def _decide(buyer: TestClient, code: str, decision: str, reason: str = "") -> None:
    page = buyer.get(f"/o/{BUYER}/suppliers/requests")
    resp = buyer.get(f"{B}/requests/{_rid(buyer, code)}/responses").json()[0]["id"]
    r = buyer.post(
        f"/o/{BUYER}/suppliers/requests/responses/{resp}/{decision}",
        data={"csrf_token": _csrf(page.text), "reason": reason},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_answer_form_on_a_phone(
    server_factory: Callable[..., Server], db_url: str, browser: Any
) -> None:
    """The supplier fills its form in Chromium on a phone-size screen against a running
    ``lingtan serve``: nothing wider than the screen, the answer sent, the thanks shown.
    Screenshot: ``test-artifacts/web/supplier-answer-phone.png``."""
    from pathlib import Path

    from livekit import live_server

    srv = server_factory(workers=0)
    buyer, _seller = buyer_and_seller(srv)
    camp = buyer.post(f"{B}/campaigns", json={"fiscal_year": FY}).json()["id"]
    token = buyer.post(f"{B}/campaigns/{camp}/tokens", json={}).json()[0]["token"]
    env = {"LINGTAN_SECRET": "live-test", "LINGTAN_WORKERS": "0"}
    with live_server(db_url, srv.data_dir, env=env) as live:
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = ctx.new_page()
        page.goto(f"{live.base}/supplier-answer/{token}")
        assert "气候数据请求" in page.title()
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"the form is {wide} px wider than the phone's screen"
        page.fill("#scope1_t", "120")
        page.fill("#scope2_market_t", "30")
        page.check("#verified")
        page.select_option("#verification_standard", "ISO 14064-3")
        page.click("#send")
        page.wait_for_selector("#done")
        artifacts = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "supplier-answer-phone.png"), full_page=True)
        ctx.close()
    got = buyer.get(f"{B}/requests/{_rid(buyer, 'S1')}/responses").json()
    assert got[0]["answer"]["scope1_t"] == 120.0
    assert got[0]["answer"]["verification_standard"] == "ISO 14064-3"
