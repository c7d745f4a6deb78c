"""The framework mapping page ``/o/<org>/disclosure/mapping`` (decision 0097) on a new, empty
workspace: the disclosure sub-menu with "mapping" current, the counts and a table per framework
in zh-CN and en (lingtan's labels, the licence notes, no inventory: the inventory requirements
missing), the framework and status filters; the datapoint form (a refusal shown with the reason
in the user's language, what was typed kept), review and approval moving the internal-carbon-
price requirement of HKEX from missing to partial to complete; a viewer sees no form and gets 403
on a change."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from webkit import csrf_token, login

from appkit import add_member, single_org_app
from lingtan.adapters.i18n.messages import Translator

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "mapweb"
PAGE = f"/o/{ORG}/disclosure/mapping"
OWNER, VIEWER = "owner@lingtan.invalid", "viewer@lingtan.invalid"
EN, ZH = Translator("en"), Translator("zh-CN")
ROW = 'id="req-hkex-d_carbon_price" data-status="{}"'


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Any:
    from lingtan.adapters.store.workspace import init_workspace

    root = tmp_path_factory.mktemp("web-mapping")
    folder = root / "orgs" / ORG
    init_workspace(folder, organisation="Map Web Co", region="CN", start_month=4).engine.dispose()
    application = single_org_app(root, folder, ORG)
    add_member(root, VIEWER, ORG, "viewer")
    return application


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        login(c, OWNER)
        yield c


def post(client: TestClient, url: str, lang: str = "en", **data: str) -> Any:
    token = csrf_token(client, PAGE)
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def test_page_in_both_languages_with_filters(client: TestClient) -> None:
    page = client.get(f"{PAGE}?fy=FY2023-24&lang=zh-CN")
    assert page.status_code == 200, page.text
    html = page.text
    assert ZH("disc_map.title") in html
    assert f'href="/o/{ORG}/disclosure/mapping" aria-current="page"' in html  # sub-menu
    assert ZH("disc_map.req.ifrs_s2.p29a_i") in html
    assert ZH("disc_map.licence.cdp") in html
    assert ZH("disc_map.no_snapshot", fiscal_year="FY2023/24") in html
    assert 'id="req-cdp-q7_6" data-status="missing"' in html  # no inventory: missing
    assert " style=" not in html
    m = re.search(r'id="mapping-counts" data-complete="(\d+)" data-partial="(\d+)" '
                  r'data-missing="(\d+)"', html)  # fmt: skip
    assert m
    rows = re.findall(r'id="req-[a-z0-9_]+-[a-z0-9_]+" data-status="(\w+)"', html)
    assert [rows.count(s) for s in ("complete", "partial", "missing")] == [
        int(g) for g in m.groups()
    ]
    en = client.get(f"{PAGE}?fy=FY2023-24&framework=cdp&status=missing&lang=en").text
    assert EN("disc_map.req.cdp.q7_53") in en
    assert 'id="fw-ifrs_s2"' not in en  # filtered to CDP
    assert 'data-status="complete"' not in en.split('id="datapoints"')[0].split("<tbody>", 1)[1]


def test_datapoint_form_review_and_approval(client: TestClient) -> None:
    assert ROW.format("missing") in client.get(f"{PAGE}?fy=FY2023-24").text
    r = post(client, f"{PAGE}/datapoints", lang="zh-CN", fiscal_year="FY2023/24",
             key="internal_carbon_price", value="80", unit="CNY", text="影子碳价")  # fmt: skip
    assert r.status_code == 422
    reason = ZH("disc_map.err.datapoint.unit", value="CNY", example="CNY/t CO2e")
    assert ZH("disc_map.refused", reason=reason) in r.text
    assert "影子碳价" in r.text  # what was typed is kept
    r = post(client, f"{PAGE}/datapoints", fiscal_year="FY2023/24", key="internal_carbon_price",
             value="1,080", unit="CNY/t CO2e", text="shadow price")  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{PAGE}?fy=FY2023-24&done=saved#datapoints"
    html = client.get(f"{PAGE}?fy=FY2023-24&done=saved&lang=en").text
    assert EN("disc_map.done.saved") in html
    assert ROW.format("partial") in html
    assert 'id="dp-internal_carbon_price" data-status="entered"' in html
    assert "1,080.00" in html
    for action in ("reviewed", "approved"):
        r = post(client, f"{PAGE}/datapoints/review", fiscal_year="FY2023/24",
                 key="internal_carbon_price", action=action)  # fmt: skip
        assert r.status_code == 303, r.text
    assert ROW.format("complete") in client.get(f"{PAGE}?fy=FY2023-24").text
    r = post(client, f"{PAGE}/datapoints/review", fiscal_year="FY2023/24",
             key="capital_deployment", action="reviewed")  # fmt: skip
    assert r.status_code == 422  # not entered: said on the page
    assert EN("disc_map.err.datapoint.not_found", key="capital_deployment",
              fiscal_year="FY2023/24") in r.text  # fmt: skip


def test_a_viewer_reads_but_cannot_change(app: Any) -> None:
    with TestClient(app, follow_redirects=False) as c:
        login(c, VIEWER)
        html = c.get(f"{PAGE}?fy=FY2023-24").text
        assert 'id="datapoint-set"' not in html
        token = csrf_token(c, PAGE)
        r = c.post(f"{PAGE}/datapoints", data={"csrf_token": token, "fiscal_year": "FY2023/24",
                                               "key": "capital_deployment", "value": "1",
                                               "unit": "CNY"})  # fmt: skip
        assert r.status_code == 403
