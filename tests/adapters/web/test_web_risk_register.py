"""The risk register pages (issue 17 items 1–2, decision 0080): the register with its filters,
heat map (SVG, no inline style) and reviews due, the add form (the reason in zh-CN and en,
rolled back), the import (every wrong cell named), an item's page with its reviews and audited
changes, the review and edit forms, the matrix form (re-rates every item), and isolation: a
viewer gets 403 on every change, another organisation's member 404."""

from __future__ import annotations

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

FILE = (
    "code,kind,category,driver,title,likelihood,c_finance,c_reputation,horizons,last_reviewed,"
    "financial_line,effect_low,effect_central,effect_high,currency,actions,owner,key_unit\n"
    "W-TYPH,risk,physical_acute,acute_weather,Typhoons,4,5,3,short;long,2024-01-10,capex,"
    '100,"1.234,5",5000,CNY,Insurance;Flood walls,Zhang Min,true\n'
    "W-LOWC,opportunity,products_services,low_emission_products,Low-carbon PCs,3,,4,medium,,,,,,,"
    ",,false\n"
)


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("risks"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, url: str, lang: str = "en", files: Any = None,
         data: Any = None) -> Any:  # fmt: skip
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**(data or {}), "csrf_token": token},
                       files=files)  # fmt: skip


def test_register_import_heatmap_item_review_matrix(client: TestClient, site: Site) -> None:
    base = f"/o/{site.org}/risks"
    page = client.get(f"{base}?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("risk.title") in page.text
    assert "<svg" in page.text
    assert " style=" not in page.text
    assert "<script>" not in page.text
    # a wrong file: every cell named, nothing imported, in the user's language
    bad = FILE.replace("physical_acute", "nonsense").replace(",4,5,3,", ",9,5,3,")
    r = post(client, f"{base}/import", "zh-CN",
             files={"file": ("risks.csv", bad.encode(), "text/csv")})  # fmt: skip
    assert r.status_code == 422
    text = unescape(r.text)
    assert "risks.csv，第 2 行，category 列" in text
    assert "risks.csv，第 2 行，likelihood 列" in text
    r = post(client, f"{base}/import", files={"file": ("risks.csv", FILE.encode(), "text/csv")})
    assert r.status_code == 303
    assert r.headers["location"].endswith("done=imported")
    page = unescape(client.get(f"{base}?lang=en").text)
    assert 'id="risk-W-TYPH"' in page
    assert 'id="risk-W-LOWC"' in page
    # heat map: W-TYPH 4 × 5 = 20 in cell (4, 5); W-LOWC 3 × 4 = 12 in (3, 4)
    assert EN("risk.heatmap.cell", likelihood=4, consequence=5, count=1,
              band=EN("risk.band.very_high")) in page  # fmt: skip
    assert EN("risk.heatmap.caption", rated=2, unrated=0,
              aggregation=EN("risk.aggregation.max")) in page  # fmt: skip
    assert EN("risk.bands.lingtan") in page
    # filters
    only = client.get(f"{base}?kind=opportunity&lang=en").text
    assert 'id="risk-W-LOWC"' in only
    assert 'id="risk-W-TYPH"' not in only
    # add refused (a code that would shadow a page), then added
    form = {"code": "matrix", "category": "market", "driver": "consumer_behaviour",
            "title": "Buyers"}  # fmt: skip
    r = post(client, base, "zh-CN", data=form)
    assert r.status_code == 422
    assert ZH("risk.err.code_reserved", value="matrix") in unescape(r.text)
    r = post(
        client,
        base,
        data={
            **form,
            "code": "W-BUY",
            "likelihood": "2",
            "c_market_share": "4",
            "horizons": ["short", "medium"],
        },
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{base}/W-BUY?done=added"
    item = unescape(client.get(f"{base}/W-BUY?lang=en").text)
    assert EN("risk.rating", score="8.0", band=EN("risk.band.medium"),
              aggregation=EN("risk.aggregation.max")) in item  # 2 × 4 = 8  # fmt: skip
    # review: 4 × 4 = 16 very high
    r = post(
        client,
        f"{base}/W-BUY/review",
        data={"likelihood": "4", "c_market_share": "4", "reviewed": "2024-03-01", "note": "GRMC"},
    )
    assert r.status_code == 303, r.text
    item = unescape(client.get(f"{base}/W-BUY?lang=en").text)
    assert "GRMC" in item
    assert EN("risk.change.update") in item
    assert EN("risk.change.create") in item
    r = post(client, f"{base}/W-BUY/review", "zh-CN", data={"likelihood": "7"})
    assert r.status_code == 422
    assert ZH("risk.err.likelihood", value="7", high=4) in unescape(r.text)
    # edit refused: a driver that does not fit the category
    r = post(client, f"{base}/W-BUY", data={"category": "market", "driver": "carbon_pricing",
                                            "title": "Buyers"})  # fmt: skip
    assert r.status_code == 422
    text = unescape(r.text)
    assert EN("risk.err.driver_category", driver="carbon_pricing", category="market") in text
    # matrix: mean re-rates W-TYPH to 4 × (5 + 3) / 2 = 16
    assert client.get(f"{base}/matrix?lang=zh-CN").status_code == 200
    r = post(
        client,
        f"{base}/matrix",
        data={
            "aggregation": "mean",
            "bands": "very_high:15; high:10; medium:5; low:0",
            "short_end": "1",
            "medium_end": "10",
            "long_end": "50",
            "cadence_default": "12",
            "cadence_very_high": "6",
            "cadence_key_unit": "3",
        },
    )
    assert r.status_code == 303, r.text
    item = unescape(client.get(f"{base}/W-TYPH?lang=en").text)
    assert "Flood walls" in item
    assert "CNY" in item
    assert EN("risk.financial_line.capex") in item
    assert EN("risk.rating", score="16.0", band=EN("risk.band.very_high"),
              aggregation=EN("risk.aggregation.mean")) in item  # fmt: skip
    r = post(
        client,
        f"{base}/matrix",
        data={
            "aggregation": "mean",
            "bands": "high:10",
            "short_end": "1",
            "medium_end": "10",
            "long_end": "50",
            "cadence_default": "12",
            "cadence_very_high": "6",
            "cadence_key_unit": "3",
        },
    )
    assert r.status_code == 422
    assert EN("risk.err.matrix_bands") in unescape(r.text)
    # close
    r = post(client, f"{base}/W-BUY/close")
    assert r.status_code == 303
    assert client.get(f"{base}/export?format=csv").content.startswith(b"\xef\xbb\xbfcode,")
    assert client.get(f"{base}/NOPE").status_code == 404


def test_viewer_and_outsider(site: Site) -> None:
    base = f"/o/{site.org}/risks"
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        assert c.get(base).status_code == 200
        assert 'id="risk-add"' not in c.get(base).text
        for url in (base, f"{base}/matrix", f"{base}/X/review"):
            r = post(c, url, data={"code": "V", "category": "market",
                                   "driver": "consumer_behaviour", "title": "x"})  # fmt: skip
            assert r.status_code == 403, url
        r = post(c, f"{base}/import", files={"file": ("r.csv", FILE.encode(), "text/csv")})
        assert r.status_code == 403
        login(c, site.outsider)
        assert c.get(base).status_code in (403, 404)
        assert c.get(f"{base}/matrix").status_code in (403, 404)
