"""The physical-risk pages (decision 0083) on the synthetic demo organisation: the empty state,
the exposure form (CSRF, the reason in zh-CN and en, what was typed kept), the import form (all
or nothing, every wrong cell named), the site map (server-side SVG, markers and legend, no
inline style) with its hazard layers and the table beside it, the group row, the ¶29(c)
shares, a site's page, removal, and isolation: a viewer gets 403 on every change, another
organisation's member 404."""

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

#: two demo sites (hand calculation as in risk_hazards_kit: the same figures)
EXPOSURE = (
    "site,latitude,longitude,asset_value,revenue_per_day,currency,bi_days\n"
    "WH-FACTORY,30.593,114.305,1000000000,2000000,CNY,100\n"
    "SZ-FACTORY,22.543,114.058,500000000,1000000,CNY,50\n"
)
HAZARDS = (
    "site,hazard,pathway,year,return_period,value,unit,source\n"
    "WH-FACTORY,riverine_flood,SSP5-8.5,2050,10,0.5,m,test\n"
    "WH-FACTORY,riverine_flood,SSP5-8.5,2050,100,1.0,m,test\n"
    "WH-FACTORY,riverine_flood,SSP5-8.5,2050,1000,2.0,m,test\n"
    "SZ-FACTORY,typhoon_wind,SSP5-8.5,2050,10,35,m/s,test\n"
    "SZ-FACTORY,typhoon_wind,SSP5-8.5,2050,100,55,m/s,test\n"
    "SZ-FACTORY,heat,SSP5-8.5,2050,,40,days/yr,test\n"
)


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("hazards"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, url: str, lang: str = "en", files: Any = None, **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token}, files=files)


def _exposure(**kw: str) -> dict[str, str]:
    return {
        "site": "TJ-FACTORY",
        "latitude": "39.084",
        "longitude": "117.201",
        "asset_value": "1600000000",
        "revenue_per_day": "9000000",
        "currency": "CNY",
        "bi_days": "90",
        **kw,
    }


def test_empty_page_then_exposure_form(client: TestClient, site: Site) -> None:
    page = client.get(f"/o/{site.org}/risks/sites?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("hazards.title") in page.text
    assert " style=" not in page.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="site-map" width="100%"' in page.text
    r = post(client, f"/o/{site.org}/risks/sites/exposure", **_exposure())
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/o/{site.org}/risks/sites/TJ-FACTORY?done=saved"
    detail = client.get(r.headers["location"] + "&lang=en").text
    assert EN("hazards.done.saved") in detail
    assert "39.0840" in detail
    assert " style=" not in detail


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_refused_exposure_says_why(client: TestClient, site: Site, lang: str) -> None:
    t = Translator(lang)
    r = post(client, f"/o/{site.org}/risks/sites/exposure", lang, **_exposure(latitude="95"))
    assert r.status_code == 422
    assert t("hazards.err.range", name="latitude", value="95", lo=-90.0, hi=90.0) in unescape(
        r.text
    )
    assert 'value="1600000000"' in r.text  # what was typed is kept
    r = post(client, f"/o/{site.org}/risks/sites/exposure", lang, **_exposure(site="NOWHERE"))
    assert r.status_code == 422
    assert t("hazards.err.unknown_site", value="NOWHERE") in unescape(r.text)


def test_import_map_and_tables(client: TestClient, site: Site) -> None:
    bad = HAZARDS + "WH-FACTORY,heat,SSP5-8.5,2050,,x,days/yr,test\n"
    r = post(
        client,
        f"/o/{site.org}/risks/sites/import",
        kind="table",
        files={"file": ("hazards.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert "hazards.csv, row 8, column value" in r.text
    for kind, text in (("exposure", EXPOSURE), ("table", HAZARDS)):
        r = post(
            client,
            f"/o/{site.org}/risks/sites/import",
            kind=kind,
            files={"file": (f"{kind}.csv", text.encode(), "text/csv")},
        )
        assert r.status_code == 303, r.text
    html = client.get(f"/o/{site.org}/risks/sites?lang=en").text
    assert " style=" not in html
    for s in ("TJ-FACTORY", "WH-FACTORY", "SZ-FACTORY"):
        assert f'id="marker-{s}"' in html
    assert 'class="map-legend"' in html
    # WH EAD 34 350 000 and SZ 5 950 000 (risk_hazards_kit); TJ has no indicators
    group = re.search(r'<tr id="risk-group">(.*?)</tr>', html, re.S)
    assert group
    assert "40,300,000" in group.group(1)  # EAD 34 350 000 + 5 950 000
    assert "47,765,000" in group.group(1)  # + BI 6 870 000 + 595 000
    shares = re.search(r'<tr id="share-riverine_flood">(.*?)</tr>', html, re.S)
    assert shares
    # WH: 1e9 of 3.1e9 (TJ 1.6e9 + WH 1e9 + SZ 5e8) = 32.3 %
    assert "32.3" in shares.group(1)
    heat = client.get(
        f"/o/{site.org}/risks/sites?hazard=heat&pathway=SSP5-8.5&year=2050&lang=zh-CN"
    ).text
    assert (
        ZH("hazards.map.legend_chronic", hazard=ZH("hazards.hazard.heat"), unit="days/yr") in heat
    )
    assert "band-5" in heat  # SZ: the largest heat value


def test_site_page_and_removal(client: TestClient, site: Site) -> None:
    post(
        client,
        f"/o/{site.org}/risks/sites/import",
        kind="exposure",
        files={"file": ("exposure.csv", EXPOSURE.encode(), "text/csv")},
    )
    post(
        client,
        f"/o/{site.org}/risks/sites/import",
        kind="table",
        files={"file": ("hazards.csv", HAZARDS.encode(), "text/csv")},
    )
    html = client.get(f"/o/{site.org}/risks/sites/WH-FACTORY?lang=en").text
    assert 'id="site-results"' in html
    assert "34,350,000" in html  # WH's EAD
    assert "3.435" in html  # fraction 3.435 %/yr
    r = post(client, f"/o/{site.org}/risks/sites/SZ-FACTORY/delete")
    assert r.headers["location"] == f"/o/{site.org}/risks/sites?done=removed"
    assert client.get(f"/o/{site.org}/risks/sites/SZ-FACTORY").status_code == 404


def test_viewer_and_outsider(site: Site) -> None:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        page = c.get(f"/o/{site.org}/risks/sites")
        assert page.status_code == 200
        assert 'id="exposure-form"' not in page.text
        r = post(c, f"/o/{site.org}/risks/sites/exposure", **_exposure())
        assert r.status_code == 403
        login(c, site.outsider)
        assert c.get(f"/o/{site.org}/risks/sites").status_code in (403, 404)
        assert c.post(f"/o/{site.other_org}/risks/sites/exposure", data={}).status_code == 403


def test_site_map_svg_is_pure_and_scaled() -> None:
    from lingtan.adapters.web import site_map as m

    # bands: fifths of the largest value; radius: area ∝ value (r = 4 + 14 · √(v / max))
    assert [m.band(v, 100) for v in (None, 0, 10, 20, 20.5, 99, 100)] == [0, 0, 1, 1, 2, 5, 5]
    assert m.radius(25, 100) == pytest.approx(4 + 14 * 0.5)
    pts = [m.MapPoint("A&B", 30.0, 114.0, 50.0, "A: 50"), m.MapPoint("C", 22.0, 114.0, None, "C")]
    svg = str(m.svg(pts, label="map <1>", x_title="lon", y_title="lat", legend_title="EAD",
                    fmt=lambda v: f"{v:g}", no_data="none"))  # fmt: skip
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "style=" not in svg
    assert 'aria-label="map &lt;1&gt;"' in svg  # escaped
    assert 'id="marker-A&amp;B"' in svg
    assert svg.count("<circle") == 2 + 4  # two sites, three legend sizes and "no data"
    w, e, s, n = m._bounds(pts)
    # one degree as long on both axes: the box's aspect (364 / 648) holds
    assert (n - s) / (e - w) == pytest.approx((m.HEIGHT - 56) / (m.WIDTH - 72))
