"""Supplier review pages (decision 0064): an overdue corrective action plan appears on the
dashboard; the overview and supplier pages show plans, ratings and audits in both languages;
a rating under 45 recorded through the form opens a plan due 90 days later; another
organisation's user sees none of it.

The organisation is the synthetic demo; its suppliers are written to the store directly (the
register's own pages are tested with the register).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from webkit import TestClient, create_site_app, csrf_token, login

from lingtan.adapters.store.db import make_engine
from lingtan.adapters.store.scoping import request_session, tenant_session
from lingtan.adapters.store.suppliers import Supplier
from lingtan.adapters.store.tenancy import Organisation

Site = Any  # tests/adapters/web/conftest.py: Site


def _add_suppliers(site: Site) -> None:
    engine = make_engine(site.database_url)
    try:
        with request_session(engine) as db:
            org = db.scalar(select(Organisation).where(Organisation.slug == site.org))
            assert org is not None
            org_id = int(org.id)
        with tenant_session(engine, org_id) as db:
            for code in ("S-LATE", "S-OK"):
                db.add(Supplier(code=code, legal_name=f"{code} Co", country="CN",
                                status="approved", company_ids=[], categories=[]))  # fmt: skip
            db.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path_factory.mktemp("supplier-reviews"))
    _add_suppliers(site)
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        page = f"/o/{site.org}/suppliers/S-LATE/reviews"
        # a rating of 30 on 2024-01-15: a plan due 2024-04-14, long past (overdue)
        r = c.post(f"{page}/ratings", data={"provider": "EcoVadis", "score": "30",
                   "rated_on": "2024-01-15", "csrf_token": csrf_token(c, page)})  # fmt: skip
        assert (r.status_code, r.headers["location"]) == (303, page)
        yield c, site


def test_an_overdue_plan_appears_in_the_dashboard(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/dashboard?lang=en").text
    assert 'id="overdue-caps"' in html
    block = html[html.index('id="overdue-caps"') :]
    assert "Overdue corrective action plans (1)" in block
    assert re.search(r'<tr id="cap-\d+" data-status="overdue" class="overdue">', block)
    assert "S-LATE" in block
    assert "Apr 14, 2024" in block  # 2024-01-15 + 90 days
    zh = c.get(f"/o/{site.org}/dashboard?lang=zh-CN").text
    assert "逾期的纠正措施计划" in zh


def test_the_supplier_page_shows_the_plan_and_takes_items(client: tuple[TestClient, Site]) -> None:
    c, site = client
    page = f"/o/{site.org}/suppliers/S-LATE/reviews"
    html = c.get(f"{page}?lang=en").text
    m = re.search(r'<section class="cap" id="plan-(\d+)" data-status="overdue">', html)
    assert m, html
    cap = m.group(1)
    r = c.post(f"{page}/caps/{cap}/items", data={"finding": "overtime", "action": "second shift",
               "owner": "HR", "csrf_token": csrf_token(c, page)})  # fmt: skip
    assert r.status_code == 303
    html = c.get(f"{page}?lang=en").text
    item = re.search(r'<tr id="item-(\d+)">', html)
    assert item
    # closing without evidence is refused by the form (required); with evidence it closes
    r = c.post(f"{page}/caps/{cap}/items/{item.group(1)}/close",
               data={"closed_on": "2024-03-01", "evidence": "report.pdf",
                     "csrf_token": csrf_token(c, page)})  # fmt: skip
    assert r.status_code == 303
    html = c.get(f"{page}?lang=zh-CN").text
    assert f'id="plan-{cap}" data-status="closed"' in html
    assert "已关闭" in html
    # a bad score is shown again with the reason, in the user's language
    r = c.post(f"{page}/ratings?lang=en", data={"provider": "EcoVadis", "score": "120",
               "rated_on": "2024-02-01", "csrf_token": csrf_token(c, page)})  # fmt: skip
    assert r.status_code == 200
    assert re.search(r'id="form-error">&#39;120.0&#39; is not a score from 0 to 100.<', r.text)


def test_the_overview_lists_plans_and_kpis(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/supplier-reviews?lang=en").text
    assert 'id="plans"' in html
    assert 'id="kpi-on-time"' in html


def test_another_organisation_sees_nothing(
    site_factory: Callable[[Path], Site], client: tuple[TestClient, Site]
) -> None:
    _, site = client
    with TestClient(create_site_app(site), follow_redirects=False) as other:
        login(other, site.outsider)
        for url in (f"/o/{site.org}/supplier-reviews", f"/o/{site.org}/suppliers/S-LATE/reviews"):
            assert other.get(url).status_code in (403, 404), url
        assert other.get(f"/o/{site.other_org}/suppliers/S-LATE/reviews").status_code == 404
        html = other.get(f"/o/{site.other_org}/dashboard?lang=en").text
        assert 'id="overdue-caps"' not in html
        assert other.get(f"/o/{site.other_org}/supplier-reviews?lang=en").status_code == 200
