"""The reconciliation page (issue 10 item 11): the organisation's published figures against
lingtan's, the differences with their causes, in both languages; linked from the inventory.

The organisation is the synthetic demo (FY2023/24 calculated). Hand checks:

- share(scope1 + scope2_market + scope3, total) = 100.00 % (the market total is that sum) → match;
- 1 GWh × 0.1229 kgce/kWh (GB/T 2589) = 122.90 tce → match; printed 130.00 → unexplained
  (130.00 − 122.90 = +7.10 tce);
- FY2030/31 is not calculated → no lingtan value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import TestClient, create_site_app, login

Site = Any  # tests/adapters/web/conftest.py: Site

FIGURES = (
    "id,label,reference,fiscal_year,kind,value,unit,decimals,lingtan\n"
    'ALL,All scopes,p. 3,FY2023/24,share,100.00,%,2,"share(scope1+scope2_market+scope3, total)"\n'
    "E,PV output,p. 9,FY2023/24,energy,1,GWh,0,-\n"
    "TCE,PV tce,p. 9,FY2023/24,project_tce,122.90,tce,2,tce(E)\n"
    "TCE2,PV tce (summary),p. 2,FY2023/24,project_tce,130.00,tce,2,tce(E)\n"
    "FUT,Scope 1 2030,p. 4,FY2030/31,scope_total,7,t,0,scope1\n"
)


@pytest.fixture(scope="module")
def client(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path_factory.mktemp("reconcile"))
    published = site.root / "orgs" / site.org / "published"
    published.mkdir()
    (published / "figures.csv").write_text(FIGURES, encoding="utf-8")
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c, site


def _row(html: str, fid: str) -> str:
    start = html.index(f'id="figure-{fid}"')
    return html[start : html.index("</tr>", start)]


def test_differences_with_their_causes(client: tuple[TestClient, Site]) -> None:
    c, site = client
    r = c.get(f"/o/{site.org}/reconcile?lang=en")
    assert r.status_code == 200
    html = r.text
    assert "Published figures, reconciled" in html
    assert 'id="figure-ALL"' not in html  # matches are not listed by default
    row = _row(html, "TCE2")
    assert 'data-status="unexplained"' in row
    assert "130.00 tce" in row
    assert "122.90 tce" in row
    assert "Published 130.00 vs computed 122.90 (+7.1000 tce)" in row
    assert 'data-status="missing"' in _row(html, "FUT")
    assert "lingtan has no value for FY2030/31." in html
    assert '<li data-status="match">match: 2</li>' in html


def test_every_figure_and_chinese(client: tuple[TestClient, Site]) -> None:
    c, site = client
    html = c.get(f"/o/{site.org}/reconcile?all=1&lang=zh-CN").text
    assert "已发布数据核对" in html
    assert 'data-status="match"' in _row(html, "ALL")
    assert "100.00 %" in _row(html, "ALL")
    assert "按报告的精度完全一致。" in _row(html, "TCE")
    assert "无法解释" in _row(html, "TCE2")
    assert "输入数据" in _row(html, "E")
    one = c.get(f"/o/{site.org}/reconcile?year=FY2030-31&all=1&lang=en").text
    assert 'id="figure-FUT"' in one
    assert 'id="figure-TCE"' not in one


def test_linked_from_the_inventory_and_empty_without_a_file(
    client: tuple[TestClient, Site], site_factory: Callable[[Path], Site], tmp_path: Path
) -> None:
    c, site = client
    inv = c.get(f"/o/{site.org}/inventory/FY2023-24?lang=en").text
    assert f'href="/o/{site.org}/reconcile"' in inv
    other = site_factory(tmp_path)
    with TestClient(create_site_app(other), follow_redirects=False) as c2:
        login(c2, other.owner)
        html = c2.get(f"/o/{other.org}/reconcile?lang=en").text
        assert 'id="reconcile-empty"' in html
        assert "No published figures yet" in html
