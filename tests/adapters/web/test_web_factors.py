"""The factor search page (decision 0055): Chinese names on zh pages, kg CO2e per unit (hand
calculation in tests/factorkit.py), the real number of matches, page links and ``?page=``."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest
from webkit import login

from appkit import single_org_app
from factorkit import CO2E_PER_L_AR5, ORG, OWNER, build_factor_workspace
from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web.pages.reference import FACTOR_PAGE_SIZE

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PAGE = f"/o/{ORG}/factors"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("web-factors")
    app = single_org_app(root, build_factor_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app, follow_redirects=False) as c:
        login(c, OWNER)
        yield c


def _rows(html: str) -> list[str]:
    body = html.split('<table id="factor-results">', 1)[1].split("</table></div>", 1)[0]
    return re.findall(r"<tr>\s*<td>.*?</details></td></tr>", body, flags=re.S)


def test_zh_page_shows_chinese_name_and_co2e_per_litre(client: TestClient) -> None:
    html = client.get(PAGE, params={"q": "柴油 test-diesel", "lang": "zh-CN"}).text
    t = Translator("zh-CN")
    assert t("factors.results", first="1", last="1", n="1") in html
    rows = _rows(html)
    assert len(rows) == 1
    assert '<span class="name-zh">柴油</span>' in rows[0]
    # 2.6 + 0.0001 × 28 + 0.00002 × 265 = 2.6081 kg CO2e per litre (AR5)
    assert f'{CO2E_PER_L_AR5:.6g} <span class="unit">kg&nbsp;CO2e/L</span>' in rows[0]
    assert t("factors.gwp_note", gwp="AR5", source="X").split("X")[0] in html


def test_en_page_shows_the_type_not_the_chinese_name(client: TestClient) -> None:
    html = client.get(PAGE, params={"q": "diesel test-diesel", "lang": "en"}).text
    assert Translator("en")("factors.results", first="1", last="1", n="1") in html
    assert "name-zh" not in html
    assert "<code>fuel.diesel</code>" in html


def test_real_count_paging_and_page_links(client: TestClient) -> None:
    api = client.get(f"/api/v1/orgs/{ORG}/factors", params={"q": "电力", "limit": 1}).json()
    total = api["total_groups"]
    assert total > 100  # not capped
    pages = -(-total // FACTOR_PAGE_SIZE)
    t = Translator("zh-CN")
    html = client.get(PAGE, params={"q": "电力", "page": 2, "lang": "zh-CN"}).text
    first, last = FACTOR_PAGE_SIZE + 1, 2 * FACTOR_PAGE_SIZE
    assert t("factors.results", first=f"{first}", last=f"{last}", n=f"{total:,}") in html
    assert len(_rows(html)) == FACTOR_PAGE_SIZE
    assert '<strong aria-current="page">2</strong>' in html
    assert 'href="?q=%E7%94%B5%E5%8A%9B&amp;page=1" rel="prev"' in html
    assert f'href="?q=%E7%94%B5%E5%8A%9B&amp;page={pages}">{pages}</a>' in html
    # the last page holds the rest
    html = client.get(PAGE, params={"q": "电力", "page": pages, "lang": "zh-CN"}).text
    assert len(_rows(html)) == total - (pages - 1) * FACTOR_PAGE_SIZE
    assert 'rel="next"' not in html
    # page 1's rows are the API's first rows, in order
    html = client.get(PAGE, params={"q": "电力", "lang": "en"}).text
    api = client.get(f"/api/v1/orgs/{ORG}/factors", params={"q": "电力", "limit": 3}).json()
    shown = [re.search(r"<code>([^<]+)</code>", r).group(1) for r in _rows(html)[:3]]  # type: ignore[union-attr]
    assert shown == [g["activity_type"] for g in api["groups"]]


def test_no_match_and_standard_coal_hint(client: TestClient) -> None:
    t = Translator("zh-CN")
    html = client.get(PAGE, params={"q": "标准煤", "lang": "zh-CN"}).text
    assert t("factors.standard_coal") in html
    assert t("factors.none") in html
    assert 'id="factor-results"' not in html
