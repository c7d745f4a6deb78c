"""Rejected rows in the reader's language (decision 0053): the rejected-rows page, the reasons
CSV and the API render each stored reason from its catalogue key and parameters."""

from __future__ import annotations

import csv
import html
import io
import re
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, csrf_token, login

from lingtan.adapters.i18n.messages import catalogue

Site = Any  # tests/adapters/web/conftest.py: Site

# row 3: a unit lingtan does not know; row 4: a site the boundary does not have; row 5: no date
BODY = (
    b"site,date,fuel,quantity,unit,use\n"
    b"TJ-FACTORY,2023-06-01,diesel,100,L,stationary\n"
    b"TJ-FACTORY,2023-07-01,diesel,200,bananas,stationary\n"
    b"TJ-FACTRY,2023-07-01,diesel,200,L,stationary\n"
    b"TJ-FACTORY,,diesel,200,L,stationary\n"
)


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("rowmsgs"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


@pytest.fixture(scope="module")
def rejected_url(client: TestClient, site: Site) -> str:
    r = client.post(
        f"/o/{site.org}/imports",
        files={"file": ("fuel-rowmsgs.csv", BODY, "text/csv")},
        data={"template": "fuel", "csrf_token": csrf_token(client, f"/o/{site.org}/imports")},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200, r.text
    m = re.search(r'hx-get="([^"]+)"', r.text)
    assert m, "a running job polls itself"
    for _ in range(600):  # a job, not a clock: at most 600 polls
        part = client.get(m.group(1), headers={"HX-Request": "true"}).text
        if 'data-status="done"' in part or 'data-status="failed"' in part:
            break
        time.sleep(0.1)
    assert 'data-status="done"' in part, part
    found = re.search(r'href="(/o/[^"]+/rejected)"', part)
    assert found
    return found.group(1)


def _reasons(page: str) -> list[str]:
    """The reason column of the rejected-rows table."""
    rows = re.findall(
        r'<tr><td class="num">(\d+)</td><td>[^<]*</td><td>([^<]*)</td>', page, flags=re.S
    )
    return [html.unescape(reason) for _, reason in rows]


def test_the_chinese_rejected_page_shows_no_english_reason(
    client: TestClient, rejected_url: str
) -> None:
    en = _reasons(client.get(rejected_url + "?lang=en").text)
    zh_page = client.get(rejected_url + "?lang=zh-CN").text
    zh = _reasons(zh_page)
    # the hand-checked Chinese of rows.zh-CN.json, parameters filled in
    assert zh == [
        "未知单位“bananas”（见 docs/methods.md §Units）",
        "未知场所“TJ-FACTRY”；是否应为 'TJ-FACTORY'、'WH-FACTORY'、'SZ-FACTORY'？",
        "必填值为空",
    ]
    assert en == [
        "unknown unit 'bananas' (see docs/methods.md §Units)",
        "unknown site 'TJ-FACTRY'; did you mean 'TJ-FACTORY', 'WH-FACTORY', 'SZ-FACTORY'?",
        "required value is empty",
    ]
    text = html.unescape(zh_page)
    for reason in en:
        assert reason not in text
    english = catalogue("en")
    for key in ("row.unit_unknown", "row.required_empty"):
        assert english[key].split("'")[0].strip() not in text  # e.g. "unknown unit", "required"


def test_the_reasons_csv_is_in_the_readers_language(client: TestClient, rejected_url: str) -> None:
    page = client.get(rejected_url + "?lang=zh-CN").text
    assert 'id="rejected-reasons"' in page
    r = client.get(rejected_url + "-reasons.csv?lang=zh-CN")
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["row"], x["column"], x["reason"]) for x in rows] == [
        ("3", "unit", "未知单位“bananas”（见 docs/methods.md §Units）"),
        ("4", "site", "未知场所“TJ-FACTRY”；是否应为 'TJ-FACTORY'、'WH-FACTORY'、'SZ-FACTORY'？"),
        ("5", "date", "必填值为空"),
    ]


def test_the_api_renders_reasons_by_accept_language_and_lang(
    client: TestClient, site: Site, rejected_url: str
) -> None:
    batch = rejected_url.rstrip("/").split("/")[-2]
    url = f"/api/v1/orgs/{site.org}/imports/{batch}/quarantine"
    plain = client.get(url).json()
    assert [(q["row"], q["key"], q["reason"]) for q in plain] == [
        (3, "row.unit_unknown", "unknown unit 'bananas' (see docs/methods.md §Units)"),
        (
            4,
            "row.site_unknown.close",
            "unknown site 'TJ-FACTRY'; did you mean 'TJ-FACTORY', 'WH-FACTORY', 'SZ-FACTORY'?",
        ),
        (5, "row.required_empty", "required value is empty"),
    ]
    assert plain[1]["params"] == {
        "value": "TJ-FACTRY",
        "close": ["'TJ-FACTORY'", "'WH-FACTORY'", "'SZ-FACTORY'"],
    }
    assert plain[0]["field"] == "unit"  # the existing field names stay
    zh = client.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).json()
    assert [q["reason"] for q in zh] == [
        "未知单位“bananas”（见 docs/methods.md §Units）",
        "未知场所“TJ-FACTRY”；是否应为 'TJ-FACTORY'、'WH-FACTORY'、'SZ-FACTORY'？",
        "必填值为空",
    ]
    by_query = client.get(url + "?lang=zh", headers={"Accept-Language": "en"}).json()
    assert [q["reason"] for q in by_query] == [q["reason"] for q in zh]
