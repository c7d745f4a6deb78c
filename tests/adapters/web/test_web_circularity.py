"""The circularity page (decision 0100): KPI cards and ledgers in zh-CN and en, the disclosure
sub-menu, an import with CSRF (every wrong cell named in the user's language, nothing written),
a good import and its KPI, the CSV template, removing a row, and a viewer's 403."""

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
HEAD = b"year,line,material,kg_per_unit_before,kg_per_unit_after,units\n"
GOOD = HEAD + b"FY2023/24,Line A,plastic,0.05,0.01,10000\nFY2023/24,Line B,paper,0.2,0.14,5000\n"
BAD = HEAD + b"FY2023/24,Line A,plastic,0.05,0.01,ten\n"


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("circ"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def _import(client: TestClient, site: Site, data: bytes, lang: str = "en") -> Any:
    token = csrf_token(client, "/")
    return client.post(f"/o/{site.org}/circularity/packaging/import?lang={lang}",
                       data={"csrf_token": token},
                       files={"file": ("pack.csv", data, "text/csv")})  # fmt: skip


def test_page_import_kpis_template_and_remove(client: TestClient, site: Site) -> None:
    page = client.get(f"/o/{site.org}/circularity?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("circ.title") in page.text
    assert ZH("circ.fig.packaging_avoided") in page.text
    assert 'aria-current="page"' in page.text  # the disclosure sub-menu, this entry current
    assert 'name="csrf_token"' in page.text
    r = client.post(f"/o/{site.org}/circularity/packaging/import",
                    files={"file": ("pack.csv", GOOD, "text/csv")})  # fmt: skip
    assert r.status_code == 403  # no CSRF token
    r = _import(client, site, BAD, "zh-CN")
    assert r.status_code == 422
    text = unescape(r.text)
    assert "pack.csv，第 2 行，units 列：units：“ten”不是 0 至 1,000,000,000 之间的整数" in text
    assert "Line A" not in text.split('id="ledger-packaging"')[1].split("</table>")[0]
    r = _import(client, site, GOOD)
    assert r.status_code == 303
    page = client.get(f"/o/{site.org}/circularity?year=FY2023-24&lang=en").text
    # (0.05 − 0.01) × 10,000 + (0.2 − 0.14) × 5,000 = 400 + 300 = 700 kg = 0.7 t → "1 t"
    # shown with 0 digits; the plastic share 400 / 700 = 57.1 %
    assert "57.1 %" in page
    assert EN("circ.basis.recorded") in page
    tpl = client.get(f"/o/{site.org}/circularity/materials/template")
    assert tpl.status_code == 200
    assert tpl.text.lstrip("\ufeff").startswith("year,material,")
    row_id = page.split('id="packaging-')[1].split('"')[0]
    token = csrf_token(client, "/")
    r = client.post(f"/o/{site.org}/circularity/packaging/{row_id}/delete",
                    data={"csrf_token": token})  # fmt: skip
    assert r.status_code == 303


def test_a_viewer_may_read_not_import(client: TestClient, site: Site) -> None:
    login(client, site.viewer)  # last test of the module: the client stays the viewer's
    assert client.get(f"/o/{site.org}/circularity").status_code == 200
    assert _import(client, site, GOOD).status_code == 403
