"""The editions and narratives pages (decision 0096) on :mod:`disclosure_editions_kit`'s
workspace: the list and build form, an edition's page (sections as printed, the six file links,
pinned inputs), publishing, a restatement refused with its reason in zh-CN and en (rolled back)
then built with a reason, the diff page, the narratives form (both languages, a refused key), and
a viewer who reads but gets 403 on every change."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from webkit import csrf_token, login

from appkit import add_member, single_org_app
from disclosure_editions_kit import YEAR, build_editions_workspace
from lingtan.adapters.i18n.messages import Translator

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

EN, ZH = Translator("en"), Translator("zh-CN")
ORG = "ed"
BASE = f"/o/{ORG}/disclosure"
VIEWER = "viewer@lingtan.invalid"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("web-editions")
    made = single_org_app(root, build_editions_workspace(root / "orgs" / ORG), ORG)
    add_member(root, VIEWER, ORG, "viewer")
    return made


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[TestClient]:
    from appkit import OWNER

    with TestClient(app, follow_redirects=False) as c:
        login(c, OWNER)
        yield c


def post(client: TestClient, url: str, lang: str = "en", **data: str) -> Any:
    token = csrf_token(client, BASE)
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def test_build_publish_restate_and_compare(client: TestClient) -> None:
    page = client.get(f"{BASE}?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("disc_ed.title") in page.text
    assert ZH("disc_ed.none") in page.text
    r = post(client, f"{BASE}/editions", fiscal_year=YEAR)
    assert r.status_code == 303, r.text
    first = r.headers["location"].split("/editions/")[1].split("?")[0]
    assert r.headers["location"].endswith("done=built")
    page = client.get(f"{BASE}/editions/{first}?lang=en").text
    assert EN("disc_ed.section.circularity") in page or "s-circularity" in page
    assert page.count(f"/editions/{first}/files/") == 6
    got = client.get(f"{BASE}/editions/{first}/files/zh-CN/xlsx")
    assert got.status_code == 200
    assert got.content[:2] == b"PK"
    assert f"snapshot:{YEAR}" in page
    assert 'id="edition-publish"' in page
    r = post(client, f"{BASE}/editions/{first}/publish")
    assert r.status_code == 303
    assert r.headers["location"].endswith("done=published")
    page = client.get(f"{BASE}/editions/{first}?lang=en").text
    assert 'id="edition-publish"' not in page
    assert EN("disc_ed.state.published") in page
    # a narrative entered after publication: new content, refused until restated
    texts = {"text_zh-CN": "董事会监督。", "text_en": "The board oversees."}
    r = post(client, f"{BASE}/narratives", key="governance", **texts)
    assert r.status_code == 303, r.text
    r = post(client, f"{BASE}/editions", lang="zh-CN", fiscal_year=YEAR)
    assert r.status_code == 409
    assert unescape(ZH("disc_ed.err.restate_needed", published=first[:12])) in unescape(r.text)
    r = post(client, f"{BASE}/editions", fiscal_year=YEAR, supersedes=first)
    assert r.status_code == 422
    assert EN("disc_ed.err.reason_needed") in unescape(r.text)
    r = post(client, f"{BASE}/editions", fiscal_year=YEAR, supersedes=first,
             reason="governance narrative added", publish="1")  # fmt: skip
    assert r.status_code == 303, r.text
    second = r.headers["location"].split("/editions/")[1].split("?")[0]
    page = client.get(f"{BASE}/editions/{first}?lang=en").text
    assert EN("disc_ed.state.superseded") in page
    assert second[:12] in page
    r = post(client, f"{BASE}/editions/{first}/publish", lang="zh-CN")
    assert r.status_code == 409
    assert ZH("disc_ed.err.publish_superseded") in unescape(r.text)
    page = client.get(f"{BASE}/editions/{second}?lang=en").text
    assert "The board oversees." in page
    assert "governance narrative added" in page
    page = client.get(f"{BASE}?lang=en").text
    assert first[:12] in page
    assert second[:12] in page
    diff = client.get(f"{BASE}/diff?a={first}&b={second}&lang=zh-CN")
    assert diff.status_code == 200
    assert ZH("disc_ed.diff.head", a=first[:12], b=second[:12]) in diff.text
    assert re.search(r"governance \(en\)", diff.text)
    assert client.get(f"{BASE}/editions/{'0' * 12}?lang=en").status_code == 404


def test_narratives_page(client: TestClient) -> None:
    page = client.get(f"{BASE}/narratives?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("disc_ed.section.governance") in page.text
    r = post(
        client, f"{BASE}/narratives", key="strategy", **{"text_zh-CN": "坏\x01", "text_en": "ok"}
    )
    assert r.status_code == 422
    assert EN("disc_ed.err.text_control") in unescape(r.text)
    assert "ok</textarea>" in r.text  # what was typed is shown again
    r = post(client, f"{BASE}/narratives", key="preface", **{"text_en": "x"})
    assert r.status_code == 422


def test_viewer_reads_but_cannot_change(app: Any) -> None:
    with TestClient(app, follow_redirects=False) as c:
        login(c, VIEWER)
        page = c.get(f"{BASE}?lang=en")
        assert page.status_code == 200
        assert 'id="edition-build"' not in page.text
        token = csrf_token(c, BASE)
        r = c.post(f"{BASE}/editions", data={"fiscal_year": YEAR, "csrf_token": token})
        assert r.status_code == 403
        r = c.post(f"{BASE}/narratives", data={"key": "governance", "csrf_token": token})
        assert r.status_code == 403
