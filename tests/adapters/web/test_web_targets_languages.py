"""The targets pages in one language at a time (issue 13, item 4): a target's, KPI's and
project's name from ``names`` in the page's language (the other language's marked with its
``lang``, a name typed in one language marked ``translate="no"``), the reported status keyed,
coverage and notes from the catalogue; and the plan page of a file without costs listing the
candidate projects (item 7)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import TestClient, create_site_app, csrf_token, login

Site = Any  # tests/adapters/web/conftest.py: Site

TARGETS_YAML = """\
organisation: Test Co
fiscal_year_start_month: 4
emissions:
  FY2018/19: {scope1: 6000, scope2_market: 26000, scope3_total: 100000}
  FY2023/24: {scope1: 4969, scope2_market: 17997, scope3: {1: 50000, 11: 30000}}
series:
  gross_profit: {unit: 1e6*USD, values: {}}
targets:
  - id: S12
    names: {en: Operations absolute −50 %, zh-CN: 运营排放绝对减少50%}
    scopes: [1, 2]
    base_year: FY2018/19
    target_year: FY2029/30
    reduction_pct: 50
    reported_status: {status: on_track, printed: 按计划进行中, footnote: 5, estimate: true}
  - id: PGS
    name: 采购商品强度目标
    kind: intensity
    scope3_categories: [1]
    denominator: gross_profit
    intensity_type: economic
    base_year: FY2018/19
    target_year: FY2029/30
    reduction_pct: 60
    reported_status: on track (as printed)
  - id: USE
    names: {zh: 使用已售出产品减少35%}
    kind: absolute
    scope3_categories: [11]
    base_year: FY2018/19
    target_year: FY2029/30
    reduction_pct: 35
kpis:
  - id: RE
    names: {en: Renewable electricity share, zh-CN: 可再生电力占比}
    unit: "%"
    goal: 90
    goal_year: FY2025/26
projects:
  - id: PV
    names: {en: Rooftop PV, zh-CN: 屋顶光伏}
    type: efficiency
    reduction_t_per_year: 50
    scope: 2
    start_year: FY2023/24
"""


@pytest.fixture(scope="module")
def client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path_factory.mktemp("targets-lang"))
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        page = f"/o/{site.org}/targets/edit"
        r = c.post(page, data={"content": TARGETS_YAML, "csrf_token": csrf_token(c, page)})
        assert r.status_code == 303, r.text[:500]
        yield c, site


def _card(html: str, tid: str) -> str:
    start = html.index(f'id="target-{tid}"')
    return html[start : html.index("</section>", start)]


def test_names_statuses_and_notes_in_chinese(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/targets?lang=zh-CN").text
    s12 = _card(html, "S12")
    assert "<h3>S12 · 运营排放绝对减少50%</h3>" in s12
    assert "报告所述：按计划进行（脚注 5：发布时的最佳估计）" in s12
    assert '<cite lang="zh-CN">“按计划进行中”</cite>' in s12
    assert "范围一 + 范围二" in s12
    pgs = _card(html, "PGS")
    assert '<span translate="no">采购商品强度目标</span>' in pgs  # typed in one language: data
    assert '<span translate="no">on track (as printed)</span>' in pgs
    assert "范围三类别：1 采购商品及服务" in pgs
    assert "基准年 FY2018/19：该年度没有按类别细分的范围三排放" in pgs
    assert "分母 &#39;gross_profit&#39; 没有数值" in pgs
    assert '— 吨 CO₂e / <span translate="no">1e6*USD</span>' in pgs  # no base value
    use = _card(html, "USE")
    assert "使用已售出产品减少35%" in use
    assert 'lang="' not in use.split("<h3>")[1][:40]
    kpis = html[html.index('id="kpis"') :]
    assert "RE · 可再生电力占比" in kpis
    assert "未提供实际值" in kpis
    assert "no Scope 3" not in html
    assert "no actual value" not in html


def test_names_statuses_and_notes_in_english(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/targets?lang=en").text
    s12 = _card(html, "S12")
    assert "<h3>S12 · Operations absolute −50 %</h3>" in s12
    assert "report says: On track (footnote 5: best estimate at publication)" in s12
    use = _card(html, "USE")
    # only a Chinese name: shown, marked as Chinese
    assert '<h3>USE · <span lang="zh-CN">使用已售出产品减少35%</span></h3>' in use
    assert "Scope 3 categories: 11 use of sold products" in use
    pgs = _card(html, "PGS")
    assert "base year FY2018/19: no Scope 3 category split for this year" in pgs
    assert "RE · Renewable electricity share" in html
    # the pathway chart's title: the name in the page's language
    assert r'"text": "Operations absolute \u221250 %"' in s12


def test_plan_page_lists_candidates_without_costs(client: tuple[TestClient, Site]) -> None:
    c, site = client
    zh = c.get(f"/o/{site.org}/targets/plan?lang=zh-CN").text
    table = zh[zh.index('id="candidates"') :]
    row = table[table.index('data-project="PV"') :]
    row = row[: row.index("</tr>")]
    assert "PV · 屋顶光伏" in row
    assert "声明的减排量 50.0 吨 CO₂e/年" in row
    assert "报告未披露成本" in row
    assert ">50.0<" in row  # stated 50 t/yr, abatement in FY2023/24 (the latest year)
    assert 'id="no-costs"' in zh
    en = c.get(f"/o/{site.org}/targets/plan?lang=en").text
    assert "cost not given in the report" in en
    assert "PV · Rooftop PV" in en
