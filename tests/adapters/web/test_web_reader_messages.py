"""The readers' own words in the page language (decision 0053, readers addendum): a factor file
refused on the set-up page, and a published figures file the reconciliation page cannot read."""

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

Site = Any  # tests/adapters/web/conftest.py: Site

FACTOR_CSV = (
    "factor_id,activity_type,region,unit,gas,value,valid_from,publisher,dataset,edition\n"
    "own/steel/CN/2024,purchased.steel,CN,t,CO2,1850,2024-01-01,Supplier X,EPD,2024\n"
)


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("readers"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-CN", "因子文件未被接受，未做任何更改：own.csv，第 2 行：“unit”列：未知单位 'tunne'"),
        (
            "en",
            "The factor file was not accepted, nothing was changed: own.csv, row 2: column "
            "'unit': unknown unit 'tunne'",
        ),
    ],
)
def test_a_refused_factor_file_in_the_page_language(
    client: TestClient, site: Site, lang: str, expected: str
) -> None:
    login(client, site.owner)
    token = csrf_token(client, "/")
    r = client.post(
        f"/o/{site.org}/setup/factor-sets?lang={lang}",
        data={"csrf_token": token},
        files={"file": ("own.csv", FACTOR_CSV.replace(",t,", ",tunne,").encode(), "text/csv")},
    )
    assert r.status_code == 422
    assert expected in unescape(r.text)


def test_an_unreadable_figures_file_on_the_reconciliation_page(
    client: TestClient, site: Site
) -> None:
    login(client, site.owner)
    path = site.root / "orgs" / site.org / "published" / "figures.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_bytes() if path.exists() else None
    path.write_text(
        "id,fiscal_year,kind,value,unit,decimals,lingtan\nT,FY2023/24,share,1,t,2,total\n",
        encoding="utf-8",
    )
    try:
        page = unescape(client.get(f"/o/{site.org}/reconcile?lang=zh-CN").text)
    finally:
        if old is None:
            path.unlink()
        else:
            path.write_bytes(old)
    assert 'id="reconcile-error"' in page
    assert "figures.csv：发现 2 个问题，未读取任何数据：" in page
    assert "figures.csv，第 2 行，“unit”列：占比的单位应为 %（值：'t'）" in page
