"""Numbers, dates and units per locale (Babel), chart units and empty states, and a German
browser getting English pages (decision 0054)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web import charts
from lingtan.adapters.web.formatting import (
    fmt_compact,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_tco2e,
)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app  # tests/adapters/web/webkit.py

NB = "\u00a0"


@pytest.mark.parametrize(
    ("x", "locale", "text"),
    [
        (12345, "zh-CN", "1.2万"),  # myriads on Chinese axes
        (600_000, "zh-CN", "60万"),
        (123_456_789, "zh-CN", "1.2亿"),
        (8_000, "zh-CN", "8000"),  # below 10,000: the number itself (CLDR: no grouping)
        (12345, "en", "12.3K"),
        (123_456_789, "en", "123.5M"),
        (-25_000, "zh-CN", "-2.5万"),
        (None, "en", "—"),
    ],
)
def test_compact_values_for_axes(x: float | None, locale: str, text: str) -> None:
    assert fmt_compact(x, locale) == text


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_numbers_and_percentages(locale: str) -> None:
    assert fmt_number(12345.6, 1, locale) == "12,345.6"
    assert fmt_number(1372293.894, None, locale) == "1,372,294"
    assert fmt_number(-0.0001, 0, locale) == "0"
    assert fmt_pct(11.74913790803899, 1, locale) == "11.7%"  # never 11.74913790803899
    assert fmt_pct(100.0, 2, locale) == "100.00%"
    assert fmt_pct(None, 1, locale) == "—"


def test_units_from_the_catalogue() -> None:
    assert fmt_tco2e(9000.0, locale="en") == f"9,000{NB}t{NB}CO2e"
    assert fmt_tco2e(9000.0, locale="zh-CN") == f"9,000{NB}吨{NB}CO₂e"
    assert fmt_tco2e(None, locale="zh-CN") == "—"


def test_dates() -> None:
    d = date(2026, 12, 4)
    assert fmt_date(d, "zh-CN") == "2026年12月4日"
    assert fmt_date(d, "en") == "Dec 4, 2026"
    assert fmt_date("2023-04-01", "zh-CN") == "2023年4月1日"
    assert fmt_date(datetime(2023, 4, 1, 8, 30), "en") == "Apr 1, 2023"
    assert fmt_date(None, "en") == "—"


# -- charts: units and empty states ------------------------------------------------------------


def _empty_inventory() -> dict[str, Any]:
    zero = {"scope1": 0.0, "scope2_market": 0.0, "scope3": 0.0}
    return {
        "totals_tco2e": zero,
        "scope3_by_category_tco2e": {str(c): 0.0 for c in range(1, 16)},
        "by_site_tco2e": {"TJ": 0.0},
        "by_month_tco2e": {},
    }


def _empty_charts(t: Translator) -> dict[str, dict[str, Any]]:
    inv = _empty_inventory()
    plan = {"series": {"residual": [0.0], "bau": [0.0], "net": [0.0]}, "years": ["FY2030/31"],
            "decisions": []}  # fmt: skip
    progress = {"target": {"id": "S", "name": "S12"}, "unit": "t CO2e",
                "points": [{"year": "FY2023/24", "pathway": None, "actual": None}]}  # fmt: skip
    return {
        "scope_split": charts.scope_split(inv, t),
        "scope3_categories": charts.scope3_categories(inv, t),
        "trend": charts.trend([], None, t),
        "top_sites": charts.top_sites(inv, t),
        "monthly": charts.monthly(inv, t),
        "pathway": charts.target_pathway(progress, t),
        "macc": charts.macc({"year": "FY2030/31", "currency": "CNY", "entries": []}, t),
        "waterfall": charts.waterfall({"waterfall": []}, t),
        "plan": charts.plan_stacked(plan, t),
    }


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_every_chart_without_data_shows_its_empty_state(locale: str) -> None:
    t = Translator(locale)
    for name, opt in _empty_charts(t).items():
        message = t(f"chart.empty.{name}")
        assert message != f"chart.empty.{name}", name  # the catalogue has the text
        assert opt["empty"] is True, name
        assert opt["graphic"][0]["style"]["text"] == message, name
        assert opt["series"] == [], name
        assert "xAxis" not in opt, name  # no clipped, empty axes
        assert "yAxis" not in opt, name
        json.dumps(opt)
    zh = _empty_charts(Translator("zh-CN"))["trend"]["graphic"][0]["style"]["text"]
    assert zh == "尚无已计算的财年：完成首次计算后将显示趋势。"


def test_charts_with_data_name_their_unit(inv: dict[str, Any]) -> None:
    zh, en = Translator("zh-CN"), Translator("en")
    assert charts.monthly(inv, zh)["yAxis"]["name"] == "吨 CO₂e"
    assert charts.monthly(inv, zh)["unit"] == "吨 CO₂e"  # the tooltips' unit (lingtan.js)
    assert charts.top_sites(inv, en)["xAxis"]["name"] == "t CO2e"
    assert "empty" not in charts.scope_split(inv, en)


# -- a German browser gets English pages -------------------------------------------------------


Site = Any  # tests/adapters/web/conftest.py: Site


@pytest.fixture(scope="module")
def login_client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    site = site_factory(tmp_path_factory.mktemp("locale"))
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ({"Accept-Language": "de-DE,de;q=0.9"}, "en"),
        ({"Accept-Language": "fr;q=0.9, zh-CN;q=0.8"}, "zh-CN"),
        ({"Accept-Language": "en-US"}, "en"),
        ({}, "zh-CN"),
    ],
)
def test_page_language_follows_accept_language(
    login_client: TestClient, header: dict[str, str], lang: str
) -> None:
    login_client.cookies.clear()
    html = login_client.get("/login", headers=header).text
    assert f'<html lang="{lang}">' in html
    assert Translator(lang)("login.password") in html


def test_waterfall_labels_follow_the_language() -> None:
    steps = [
        {"label": "actual FY2023/24", "value_t": 100.0, "kind": "start", "year": "FY2023/24"},
        {"label": "BAU change to FY2030/31", "value_t": 20.0, "kind": "growth",
         "year": "FY2030/31"},
        {"label": "LED 照明", "value_t": -30.0, "kind": "reduction", "year": ""},
        {"label": "credits retired", "value_t": -10.0, "kind": "credits", "year": ""},
        {"label": "net FY2030/31", "value_t": 80.0, "kind": "net", "year": "FY2030/31"},
    ]  # fmt: skip
    zh = charts.waterfall({"waterfall": steps}, Translator("zh-CN"))["yAxis"]["data"]
    en = charts.waterfall({"waterfall": steps}, Translator("en"))["yAxis"]["data"]
    assert zh == ["FY2023/24 实际排放", "至 FY2030/31 的照常情景变化", "LED 照明", "注销的碳信用",
                  "FY2030/31 净排放"]  # fmt: skip
    assert en == [s["label"] for s in steps]  # the module's own English words
