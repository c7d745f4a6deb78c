"""The energy pages (issue 16, decision 0078): the group table, a site's dashboard (load
profile SVG, balance, carriers, RE share with its parts, intensity trend, PV, storage, PUE,
anomalies), the meter list with gaps and its forms, the production page and its forms, in
zh-CN and en, with CSRF; on the workspace of :mod:`energykit` (C = 64 704 kWh = 64.7 MWh;
RE share 17 200 / 64 704 = 26.6 %; PV yield 768 kWh/kWp; PUE 1.15)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from webkit import csrf_token, login

from appkit import OWNER, PASSWORD
from energykit import FY, SITE, build_energy_workspace, import_bill, own_store_app
from lingtan.adapters.i18n.messages import Translator

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "energyweb"
EN, ZH = Translator("en"), Translator("zh-CN")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("web-energy")
    folder = build_energy_workspace(root / "orgs" / ORG)
    # February's grid bill: meters 27 840 kWh, bill 28 118.4 → −278.4 / 28 118.4 = −0.99 %
    import_bill(folder, 28_118.4)
    with TestClient(own_store_app(root, folder, ORG), follow_redirects=False) as c:
        login(c, OWNER, PASSWORD)
        yield c


def post(c: TestClient, url: str, files: Any = None, **data: str) -> Any:
    token = csrf_token(c, f"/o/{ORG}/energy/meters")
    return c.post(url, data={**data, "csrf_token": token}, files=files)


def text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_group_table(client: TestClient) -> None:
    for lang, t in (("en", EN), ("zh-CN", ZH)):
        r = client.get(f"/o/{ORG}/energy?fy={FY}&lang={lang}")
        assert r.status_code == 200, r.text
        assert t("energy.page.title") in r.text
        assert t("nav.energy") in r.text
        assert 'aria-current="page"' in r.text  # the sub-menu marks the overview
        row = re.search(r'<table id="energy-sites">.*?</table>', r.text, re.S)
        assert row
        cells = text(row.group(0))
        assert SITE in cells
        assert "64.7" in cells  # MWh
        assert "768" in cells  # PV yield kWh/kWp
        assert "26.6" in cells  # RE share %
        assert f'href="/o/{ORG}/energy/sites/{SITE}?fy={FY}"' in r.text
        assert " style=" not in r.text
        bills = re.search(r'<table id="bills">.*?</table>', r.text, re.S)
        assert bills
        assert "2024-02" in bills.group(0)
        assert "-0.99 %" in text(bills.group(0))
        assert t("energy.page.bills.within") in bills.group(0)


def test_site_dashboard(client: TestClient) -> None:
    r = client.get(f"/o/{ORG}/energy/sites/{SITE}?fy={FY}&lang=zh-CN")
    assert r.status_code == 200, r.text
    html = r.text
    assert ZH("energy.page.site.profile") in html
    assert re.search(r'<div id="load-profile">\s*<svg[^>]*role="img"', html)
    assert "<polyline" in html
    assert ' style="' not in html  # CSP: presentation attributes only
    assert '<h1><span translate="no">HF</span>' in html
    assert ZH("energy.page.re.part.self_use") in html
    assert ZH("energy.page.re.part.certificates") in html
    assert ZH("energy.page.carrier.natural_gas") in html
    assert "1.15" in text(html)  # PUE
    assert "−19.4 %" in text(html) or "-19.4 %" in text(html)  # 14.4 / 17.856 − 1
    assert client.get(f"/o/{ORG}/energy/sites/NOWHERE").status_code == 404


def test_meters_page_and_forms(client: TestClient, tmp_path: Path) -> None:
    r = client.get(f"/o/{ORG}/energy/meters?fy={FY}&lang=en")
    assert r.status_code == 200, r.text
    assert 'id="meter-HF-GRID"' in r.text
    # a meter added through the form; a duplicate code refused with the reason, 422
    url = f"/o/{ORG}/energy/meters"
    r = post(client, url, code="HF-NEW", site=SITE, carrier="electricity", unit="kWh",
             measures="consumption", billing="on")  # fmt: skip
    assert r.status_code == 303, r.text
    assert 'id="meter-HF-NEW"' in client.get(url).text
    r = post(client, url, code="HF-NEW", site=SITE, carrier="electricity", unit="kWh")
    assert r.status_code == 422
    assert 'id="meters-error"' in r.text
    # without the CSRF token: refused
    bare = client.post(url, data={"code": "HF-X", "site": SITE, "carrier": "electricity",
                                  "unit": "kWh"})  # fmt: skip
    assert bare.status_code == 403
    # the register's file and a readings file
    reg = b"code,site,carrier,unit\nHF-IMP,HF,electricity,kWh\n"
    r = post(client, f"{url}/import", files={"file": ("m.csv", reg, "text/csv")})
    assert r.status_code == 303, r.text
    readings = (
        b"meter,ts,value\nHF-IMP,2024-03-01T00:00:00+08:00,1\nHF-IMP,2024-03-01T00:15:00+08:00,1\n"
    )
    r = post(client, f"/o/{ORG}/energy/readings", files={"file": ("r.csv", readings, "text/csv")})
    assert r.status_code == 200, r.text
    assert 'id="readings-report"' in r.text


def test_production_page_and_forms(client: TestClient) -> None:
    url = f"/o/{ORG}/energy/production"
    r = client.get(f"{url}?lang=zh-CN")
    assert r.status_code == 200
    assert ZH("energy.page.production.title") in r.text
    assert "notebook" in r.text
    r = post(client, url, site=SITE, line="L1", product_type="desktop", month="2024-02",
             units="50", comparable="on")  # fmt: skip
    assert r.status_code == 303, r.text
    assert "desktop" in client.get(url).text
    r = post(client, url, site=SITE, product_type="desktop", month="2024-02", units="-1")
    assert r.status_code in (400, 422)
    csv = b"site,line,product_type,month,units\nHF,L1,server,2024-03,5\n"
    r = post(client, f"{url}/import", files={"file": ("p.csv", csv, "text/csv")})
    assert r.status_code == 303, r.text


def test_rollup_form(client: TestClient) -> None:
    r = post(client, f"/o/{ORG}/energy/rollup", fy=FY)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/o/{ORG}/energy?fy={FY}&done=rollup"
    page = unescape(client.get(r.headers["location"] + "&lang=en").text)
    assert EN("energy.page.done.rollup") in page
