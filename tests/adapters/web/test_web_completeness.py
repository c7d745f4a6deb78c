"""The dashboard and inventory pages of an incomplete inventory show a banner that links to the
rows not calculated (issue 10 item 1); the exclusions register and "not calculated" cells."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest
from webkit import login

from completenesskit import ORG, OWNER, incomplete_server_app

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

EXCLUSIONS = "\nexclusions:\n  - {category: 8, reason: size, note: no leased assets}\n"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = incomplete_server_app(tmp_path_factory.mktemp("web-completeness"), EXCLUSIONS)
    with TestClient(app, follow_redirects=False) as c:
        login(c, OWNER)
        yield c


@pytest.mark.parametrize(
    ("lang", "banner", "link"),
    [
        ("en", "This inventory is incomplete: 1 activity rows were not calculated",
         "See the rows and what to add"),
        ("zh-CN", "本盘查不完整：有 1 行活动数据未能计算", "查看这些数据行及需补充的内容"),
    ],
)  # fmt: skip
def test_dashboard_banner_links_to_the_rows(
    client: TestClient, lang: str, banner: str, link: str
) -> None:
    html = client.get(f"/o/{ORG}/dashboard", params={"lang": lang}).text
    assert 'id="completeness-banner"' in html
    assert banner in html
    m = re.search(r'<a href="([^"]+)" data-testid="completeness-link">([^<]+)</a>', html)
    assert m is not None
    assert m.group(1) == f"/o/{ORG}/inventory/FY2023-24#not-calculated"
    assert m.group(2) == link
    page = client.get(m.group(1).split("#")[0], params={"lang": lang}).text
    assert 'id="not-calculated"' in page  # the anchor the banner links to


def test_inventory_page_lists_rows_and_register(client: TestClient) -> None:
    html = client.get(f"/o/{ORG}/inventory/FY2023-24", params={"lang": "en"}).text
    assert 'id="completeness-banner"' in html
    assert 'href="#not-calculated"' in html
    table = html[html.index('id="table-not-calculated"') :]
    table = table[: table.index("</table>")]
    assert "material.gadget" in table
    assert "12 t" in table
    assert "no emission factor" in table
    assert "an emission factor for material.gadget in CN valid in FY2023/24" in table
    # category 2's only row failed; category 8 is excluded with its reason; 3 is not reported
    assert 'data-code="3.2"' in html
    row2 = html[html.index('data-code="3.2"') :].split("</tr>")[0]
    assert 'data-state="not_calculated"' in row2
    row8 = html[html.index('data-code="3.8"') :].split("</tr>")[0]
    assert "excluded: Size" in row8
    assert 'id="table-exclusions"' in html
    assert "no leased assets" in html
    assert "not reported and with no exclusion reason: 3, 4, 5, 6, 7, 9" in html
