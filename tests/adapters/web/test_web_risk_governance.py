"""The governance pages (decision 0084): bodies with required vs held meetings of the year,
the meetings calendar with month-level and unpublished dates, roles, remuneration links, the
forms to add each (CSRF, the reason in zh-CN and en, rolled back), the CSV import (all or
nothing) and export, a meeting's page with its agenda, and isolation: a viewer reads but gets
403 on every change, another organisation's member 404."""

from __future__ import annotations

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

from lingtan.adapters.i18n.messages import Translator

Site = Any  # tests/adapters/web/conftest.py: Site
EN, ZH = Translator("en"), Translator("zh-CN")
YEAR = "FY2023/24"


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("governance"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, url: str, lang: str = "en", files: Any = None, **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token}, files=files)


def _base(site: Site) -> str:
    return f"/o/{site.org}/risks/governance"


def _ensure_board(client: TestClient, site: Site) -> None:
    r = post(client, f"{_base(site)}/bodies", code="board", kind="board", name="Board",
             fy=YEAR)  # fmt: skip
    assert r.status_code in (303, 422), r.text


def test_page_body_meeting_and_its_page(client: TestClient, site: Site) -> None:
    page = client.get(f"{_base(site)}?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("governance.title") in page.text
    assert 'aria-current="page"' in page.text  # the risks sub-menu marks this page
    assert " style=" not in page.text
    r = post(client, f"{_base(site)}/bodies", code="b1", kind="board", name="Board", fy=YEAR)
    assert r.status_code == 303, r.text
    html = client.get(f"{_base(site)}?fy={YEAR}&lang=en").text
    row = re.search(r'<tr id="body-b1">(.*?)</tr>', html, re.S)
    assert row
    # the report's default: one climate update a year; none held yet → not evidenced
    assert EN("governance.required.climate_items", n=1) in unescape(row.group(1))
    assert EN("governance.status.not_evidenced") in row.group(1)
    r = post(client, f"{_base(site)}/meetings", body="b1", date="2023-05",
             title="Board, May 2023", topic="disclosure", climate="on",
             item="Annual ESG report", decisions="ESG report approved", fy=YEAR)  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"{_base(site)}?fy=FY2023/24&done=meeting")
    html = client.get(f"{_base(site)}?fy={YEAR}&lang=en").text
    row = re.search(r'<tr id="body-b1">(.*?)</tr>', html, re.S)
    assert row
    assert EN("governance.status.met") in row.group(1)
    m = re.search(
        r'<tr id="meeting-(\d+)"><td>([^<]*)</td><td translate="no">Board</td>'
        r"\s*<td><a [^>]*>Board, May 2023</a>",
        html,
    )
    assert m
    assert EN("governance.date.month", month="2023-05") in unescape(m.group(2))
    url = f"{_base(site)}/meetings/{m.group(1)}"
    detail = client.get(f"{url}?lang=zh-CN").text
    assert ZH("governance.topic.disclosure") in detail
    assert "ESG report approved" in detail
    assert " style=" not in detail
    r = post(client, f"{url}/items", topic="targets", climate="on", text="SBT update")
    assert r.headers["location"] == f"{url}?done=item"
    assert "SBT update" in client.get(url).text
    r = post(client, f"{url}/items", "zh-CN", topic="weather", text="x")
    assert r.status_code == 422
    assert ZH("governance.err.topic", value="weather") in unescape(r.text)
    r = post(client, f"{url}/delete")
    assert r.status_code == 303
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_refused_meeting_says_why(client: TestClient, site: Site, lang: str) -> None:
    _ensure_board(client, site)
    r = post(client, f"{_base(site)}/meetings", lang, body="board", date="May 2023",
             title="Kept title", fy=YEAR)  # fmt: skip
    assert r.status_code == 422
    t = Translator(lang)
    assert t("governance.err.date", value="May 2023") in unescape(r.text)
    assert 'value="Kept title"' in r.text
    r = post(client, f"{_base(site)}/meetings", lang, body="board", title="No year", fy=YEAR)
    assert r.status_code == 422
    assert t("governance.err.year_needed") in unescape(r.text)


def test_import_export_roles_pay_links(client: TestClient, site: Site) -> None:
    _ensure_board(client, site)
    good = ("body,date,fiscal_year,title,climate_items\n"
            "board,,FY2023/24,Undated board meeting,\n"
            "board,2023-08,,Board August,performance: ESG update\n")  # fmt: skip
    bad = (good + "nobody,2023-09-01,,x,\n").encode()
    r = post(client, f"{_base(site)}/meetings/import", files={"file": ("m.csv", bad, "text/csv")})
    assert r.status_code == 422
    assert "m.csv, row 4, column body" in r.text
    r = post(client, f"{_base(site)}/meetings/import", fy=YEAR,
             files={"file": ("m.csv", good.encode(), "text/csv")})  # fmt: skip
    assert r.status_code == 303
    html = client.get(f"{_base(site)}?fy={YEAR}&lang=en").text
    assert EN("governance.date.not_published") in html
    csv = client.get(f"{_base(site)}/meetings.csv?fy={YEAR}")
    assert "Board August" in csv.content.decode("utf-8-sig")
    r = post(client, f"{_base(site)}/roles", title="Chief Sustainability Officer",
             reports_to="CEO", chairs="board", climate_responsible="on", fy=YEAR)  # fmt: skip
    assert r.status_code == 303, r.text
    r = post(client, f"{_base(site)}/pay-links", fiscal_year=YEAR, population="executives",
             kpi_label="Scope 1+2 reduction", share_pct="abc", fy=YEAR)  # fmt: skip
    assert r.status_code == 422
    assert EN("governance.err.share", value="abc") in unescape(r.text)
    r = post(client, f"{_base(site)}/pay-links", fiscal_year=YEAR, population="executives",
             kpi_label="Scope 1+2 reduction", share_pct="7.5", body="board", fy=YEAR)  # fmt: skip
    assert r.status_code == 303, r.text
    html = client.get(f"{_base(site)}?fy={YEAR}&lang=en").text
    assert "Chief Sustainability Officer" in html
    link = re.search(r'<tr id="pay-link-(\d+)">(.*?)</tr>', html, re.S)
    assert link
    assert "7.5" in link.group(2)
    r = post(client, f"{_base(site)}/pay-links/{link.group(1)}/delete", fy=YEAR)
    assert r.status_code == 303
    assert f'id="pay-link-{link.group(1)}"' not in client.get(f"{_base(site)}?fy={YEAR}").text


def test_viewer_and_outsider(site: Site) -> None:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        page = c.get(_base(site))
        assert page.status_code == 200
        assert 'id="meeting-add"' not in page.text
        r = post(c, f"{_base(site)}/bodies", code="x", kind="other", name="X")
        assert r.status_code == 403
        login(c, site.outsider)
        assert c.get(_base(site)).status_code in (403, 404)
        assert c.post(f"/o/{site.other_org}/risks/governance/roles", data={}).status_code == 403


def test_the_reports_records_on_the_page(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> None:
    """The demo (the report's FY2023/24 records, loaded through the service into the server's
    store) renders: 7 board meetings, month-only dates, the unpublished share of pay."""
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.risk_governance import load_demo
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import organisation_by_slug

    fresh = site_factory(tmp_path)
    engine = make_engine(fresh.database_url)
    with system_session(engine) as db:
        org = organisation_by_slug(db, fresh.org)
        assert org is not None
        org_id = org.id
    with tenant_session(engine, org_id, actor="tests") as db:
        assert load_demo(db, LocalContext(fresh.root / "orgs" / fresh.org)) == 27
    engine.dispose()
    with TestClient(create_site_app(fresh), follow_redirects=False) as c:
        login(c, fresh.owner)
        html = unescape(c.get(f"/o/{fresh.org}/risks/governance?fy={YEAR}&lang=en").text)
        table = re.search(r'<table id="governance-meetings">(.*?)</table>', html, re.S)
        assert table
        assert table.group(1).count(">Board of Directors<") == 7
        assert EN("governance.date.month", month="2023-11") in html  # audit committee, ERM
        assert html.count(EN("governance.date.not_published")) == 6  # 5 board + the EOC
        row = re.search(r'<tr id="body-board">(.*?)</tr>', html, re.S)
        assert row
        assert EN("governance.status.met") in row.group(1)
        link = re.search(r'<tr id="pay-link-\d+">(.*?)</tr>', html, re.S)
        assert link
        assert EN("governance.not_published") in link.group(1)
        assert " style=" not in html
