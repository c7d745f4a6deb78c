"""The carbon-inclusion member page ``/m/{token}`` and the admin overview and report (decision
0092) in zh-CN and en: every section, logging an action with its arithmetic, redeeming,
revoking a consent, the export, the deletion, a refused form (CSRF, confirmation, numbers), an
unknown link; the admin pages' figures, period filter and CSV; a viewer reads, an outsider gets
404. Data: tests/inclusion_member_kit.py."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, csrf_token, login

from inclusion_member_kit import CODE, Seeded, seed_site
from lingtan.adapters.i18n.messages import Translator

Site = Any  # tests/adapters/web/conftest.py: Site
EN, ZH = Translator("en"), Translator("zh-CN")


@pytest.fixture(scope="module")
def seeded(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Site, Seeded, str]:
    site = site_factory(tmp_path_factory.mktemp("inclusion-member"))
    refs, token = seed_site(site.database_url, site.org)
    return site, refs, token


@pytest.fixture
def member(seeded: tuple[Site, Seeded, str]) -> Iterator[tuple[TestClient, str]]:
    """A browser without a login, on the member's link."""
    site, _refs, token = seeded
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c, token


def _post(c: TestClient, token: str, path: str, lang: str = "en", **data: str) -> Any:
    csrf = csrf_token(c, f"/m/{token}")
    return c.post(f"/m/{token}/{path}?lang={lang}", data={**data, "csrf_token": csrf})


def _balance(c: TestClient, token: str) -> int:
    m = re.search(r'id="im-balance">(\d+)<', c.get(f"/m/{token}").text)
    assert m
    return int(m.group(1))


def _section(html: str, name: str) -> str:
    m = re.search(rf'<section id="{name}".*?</section>', html, re.S)
    assert m, name
    return unescape(m.group(0))


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_member_page_sections(member: tuple[TestClient, str], lang: str) -> None:
    c, token = member
    t = EN if lang == "en" else ZH
    r = c.get(f"/m/{token}?lang={lang}")
    assert r.status_code == 200
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    html = unescape(r.text)
    assert f'<html lang="{lang}">' in html
    assert '<nav class="nav"' not in html  # no navigation of the organisation
    bal = _section(r.text, "balance")
    assert '<strong id="im-balance">7</strong>' in bal  # 5 + 12 − 10
    assert "1.20 kg" in bal
    assert "0.00 kg" in bal
    assert t("incl_member.kg.reduction") in bal
    assert t("incl_member.kg.avoided") in bal
    hist = _section(r.text, "history")
    assert t("incl_member.action.commute.metro") in hist
    assert "12 km × 0.1" in hist
    rewards = _section(r.text, "rewards")
    assert "环保杯" in rewards
    assert t("incl_member.cost", points=10) in rewards
    assert t("incl_member.leaderboard") in _section(r.text, "leaderboard")
    assert "zz" in _section(r.text, "consents")
    assert f"/m/{token}/export.json" in _section(r.text, "mydata")
    assert "E001" not in html  # the subject's own id is never shown


def test_unknown_link_is_404(member: tuple[TestClient, str]) -> None:
    c, _token = member
    r = c.get("/m/ml_" + "x" * 43 + "?lang=zh-CN")
    assert r.status_code == 404
    assert ZH("incl_member.err.link") in unescape(r.text)
    assert c.get("/m/bad!").status_code in (400, 404, 422)


def test_log_an_action_shows_its_arithmetic(member: tuple[TestClient, str]) -> None:
    c, token = member
    r = _post(c, token, "log", action="learn.quiz", quantity="1", unit="item",
              occurred_on="2026-03-20T10:00")  # fmt: skip
    assert r.status_code == 303
    assert "done=logged" in r.headers["location"]
    assert "event=" in r.headers["location"]
    page = c.get(r.headers["location"].split("#")[0] + "&lang=en")
    result = _section(page.text, "result")
    assert '<strong id="im-result-points">5</strong>' in result
    assert EN("incl_member.points_line", points=5, multiplier="1") in result
    assert '<strong id="im-balance">12</strong>' in page.text  # 7 + 5
    bad = _post(c, token, "log", lang="zh-CN", action="learn.quiz", quantity="abc", unit="item")
    assert bad.status_code == 422
    assert ZH("incl_member.err.number", field=ZH("incl_member.f.quantity")) in unescape(bad.text)
    wrong = _post(c, token, "log", action="no.such", quantity="1", unit="item")
    assert wrong.status_code == 422
    assert 'id="im-error"' in wrong.text


def test_forms_need_the_csrf_token(member: tuple[TestClient, str]) -> None:
    c, token = member
    c.get(f"/m/{token}")
    r = c.post(f"/m/{token}/redeem", data={"reward": "cup", "csrf_token": "x"})
    assert r.status_code == 403


def test_redeem_revoke_export(member: tuple[TestClient, str]) -> None:
    c, token = member
    _post(c, token, "log", action="learn.quiz", quantity="1", unit="item")  # + 5: ≥ 10 now
    before = _balance(c, token)
    r = _post(c, token, "redeem", reward="cup")
    assert r.status_code == 303
    assert "done=redeemed" in r.headers["location"]
    after = _balance(c, token)
    assert after == before - 10
    poor = _post(c, token, "redeem", reward="bike")  # 30 points: more than the balance
    assert poor.status_code == 422
    assert 'id="im-error"' in poor.text
    r = _post(c, token, "consents/revoke", lang="zh-CN", partner="zz")
    assert r.status_code == 303
    page = unescape(c.get(f"/m/{token}?lang=zh-CN&done=revoked").text)
    assert ZH("incl_member.done.revoked") in page
    consents = _section(page, "consents")
    assert ZH("incl_member.consent.revoked", on="|").split("|")[0] in consents
    assert "<button" not in consents  # nothing left to revoke
    data = c.get(f"/m/{token}/export.json")
    assert data.status_code == 200
    assert data.headers["content-type"].startswith("application/json")
    doc = json.loads(data.text)
    assert "E001" not in data.text
    assert doc  # the account, its consents and events (H2's export)


def test_admin_overview_and_report(seeded: tuple[Site, Seeded, str]) -> None:
    site, _refs, _token = seeded
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        for lang, t in (("en", EN), ("zh-CN", ZH)):
            r = c.get(f"/o/{site.org}/inclusion?lang={lang}")
            assert r.status_code == 200
            html = unescape(r.text)
            assert t("incl_member.overview.title") in html
            row = re.search(rf'<tr id="programme-{CODE}">(.*?)</tr>', html, re.S)
            assert row
            assert f"/o/{site.org}/inclusion/report/{CODE}" in row.group(1)
            assert 'aria-current="page"' in html  # the sub-menu's overview entry
            rep = c.get(f"/o/{site.org}/inclusion/report/{CODE}?from=2026-03-01&to=2026-03-31"
                        f"&lang={lang}")  # fmt: skip
            assert rep.status_code == 200
            text = unescape(rep.text)
            assert t("incl_member.report.category7") in text
            assert '<dd id="r-active">2</dd>' in text
            assert '<dd id="r-kg-avoided">3.500 kg CO₂e</dd>' in text
            assert '<dd id="r-kg-reduction">1.200 kg CO₂e</dd>' in text
        url = f"/o/{site.org}/inclusion/report/{CODE}"
        bad = c.get(f"{url}?from=2026-04-01&to=2026-03-01&lang=en")
        assert bad.status_code == 422
        assert EN("incl_member.err.period_order") in unescape(bad.text)
        csv = c.get(f"/o/{site.org}/inclusion/report/{CODE}.csv?from=2026-03-01&to=2026-03-31")
        assert csv.status_code == 200
        assert csv.headers["content-type"].startswith("text/csv")
        assert "kg_by_counts_as,avoided,,3.5" in csv.text
        assert "category7,TJ/metro,2026-03,12.0" in csv.text
        login(c, site.viewer)
        assert c.get(f"/o/{site.org}/inclusion/report/{CODE}").status_code == 200
        login(c, site.outsider)
        assert c.get(f"/o/{site.org}/inclusion").status_code == 404


def test_delete_my_account(seeded: tuple[Site, Seeded, str]) -> None:
    site, _refs, token = seeded
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        refused = _post(c, token, "delete", lang="zh-CN")
        assert refused.status_code == 422
        assert ZH("incl_member.err.confirm") in unescape(refused.text)
        done = _post(c, token, "delete", confirm="yes")
        assert done.status_code == 200
        assert 'id="im-deleted"' in done.text
        assert c.get(f"/m/{token}").status_code == 404  # the link stops working
