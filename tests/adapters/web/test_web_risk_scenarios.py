"""The scenario pages (decision 0082) on the synthetic demo organisation: register the
illustrative sets, run one on a calculated year (the run's page with its SVG chart, lines and
inputs; the same inputs → the same run), the list with the chart and the conclusion, a refusal
worded in zh-CN and en, a viewer refused every change (403), another organisation's member 404,
and no ``style`` attribute or script in the SVG (content security policy)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
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


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("scen"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, url: str, lang: str = "en", **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def test_register_run_and_pages(client: TestClient, site: Site) -> None:
    base = f"/o/{site.org}/risks/scenarios"
    page = client.get(f"{base}?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("scenarios.title") in page.text
    assert ZH("scenarios.runs.none") in page.text
    r = post(client, f"{base}/bundled")
    assert r.status_code == 303
    page = client.get(f"{base}?lang=en").text
    assert "illustrative-1.5c" in page
    assert EN("scenarios.illustrative") in page
    years = re.findall(r'<option value="(FY[^"]+)"', page)
    assert years
    r = post(client, f"{base}/runs", scenario="illustrative-1.5c", fiscal_year=years[0],
             revenue_lowcarbon="2000000000", physical_base="30000000")  # fmt: skip
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    run = client.get(url.replace("?done=ran", "?lang=en"))
    assert run.status_code == 200
    assert "<svg" in run.text
    assert EN("scenarios.line.direct_carbon") in run.text
    assert 'id="scenario-run-chart"' in run.text
    svg = run.text[run.text.index("<svg") : run.text.index("</svg>")]
    assert "style=" not in svg
    assert "<script" not in svg
    again = post(client, f"{base}/runs", scenario="illustrative-1.5c", fiscal_year=years[0],
                 revenue_lowcarbon="2000000000", physical_base="30000000")  # fmt: skip
    assert again.headers["location"] == url  # the same inputs: the same run
    post(client, f"{base}/runs", scenario="illustrative-4c", fiscal_year=years[0],
         revenue_lowcarbon="2000000000", physical_base="30000000")  # fmt: skip
    page = client.get(f"{base}?lang=en").text
    assert 'id="scenario-net-chart"' in page
    assert "As warming falls from 4" in page


def test_refusals_and_isolation(client: TestClient, site: Site) -> None:
    base = f"/o/{site.org}/risks/scenarios"
    post(client, f"{base}/bundled")
    r = post(client, f"{base}/runs", lang="zh-CN", scenario="illustrative-2c",
             fiscal_year="FY1999/00", revenue_lowcarbon="1")  # fmt: skip
    assert r.status_code == 422
    assert "已拒绝" in r.text
    r = post(client, f"{base}/runs", scenario="illustrative-2c", fiscal_year="FY2023/24",
             revenue_lowcarbon="abc")  # fmt: skip
    assert r.status_code == 422
    assert "revenue_lowcarbon is out of range" in r.text
    assert client.get(f"{base}/runs/{'0' * 64}").status_code == 404
    with TestClient(create_site_app(site), follow_redirects=False) as viewer:
        login(viewer, site.viewer)
        assert viewer.get(base).status_code == 200
        assert post(viewer, f"{base}/bundled").status_code == 403
    with TestClient(create_site_app(site), follow_redirects=False) as outsider:
        login(outsider, site.outsider)
        assert outsider.get(base).status_code == 404
