"""The supplier register's pages (issue 15, decision 0063): the list with filters and the spend
column, the add / edit forms (CSRF, the reason beside the field in zh-CN and en, rolled back),
the profile (identity, status workflow, contacts, sites, onboarding checklist with evidence),
the register's file, and isolation: another organisation's member gets 404, a viewer 403."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
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
USCC = "91350100M000100Y43"  # GB 32100-2015's example (check character 3)


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("suppliers"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c


def post(client: TestClient, url: str, lang: str = "en", files: Any = None, **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token}, files=files)


def _add(client: TestClient, site: Site, code: str, **extra: str) -> str:
    r = post(client, f"/o/{site.org}/suppliers/new", code=code, legal_name=f"{code} Co.",
             country="CN", tier="1", **extra)  # fmt: skip
    assert r.status_code == 303, r.text
    # the profile is addressed by the supplier's code (the ``supplier`` column of files)
    assert r.headers["location"] == f"/o/{site.org}/suppliers/{code}?done=added"
    return code


def test_add_edit_and_profile_through_forms(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    code = _add(client, site, "WEB-A", name_zh="网甲科技", uscc=USCC, categories="ELEC; PCB",
               strategic="on")  # fmt: skip
    page = client.get(f"/o/{site.org}/suppliers/{code}?lang=zh-CN&done=added").text
    assert ZH("suppliers.done.added") in page
    assert '<h1><span translate="no">网甲科技</span>' in page
    assert f"urn:lingtan:uscc:{USCC}" in page
    assert ZH("suppliers.status.prospect") in page
    assert 'aria-current="page"' in page
    assert ZH("nav.suppliers") in page
    # edit: a wrong USCC is refused beside its field, in the page's language, nothing saved
    for lang, t in (("en", EN), ("zh-CN", ZH)):
        r = post(client, f"/o/{site.org}/suppliers/{code}/edit", lang=lang, legal_name="X",
                 country="CN", uscc=USCC[:-1] + "4")  # fmt: skip
        assert r.status_code == 422
        assert unescape(t("suppliers.err.uscc", value=USCC[:-1] + "4")) in unescape(r.text)
        assert 'aria-invalid="true" aria-describedby="uscc-error"' in r.text
    r = post(client, f"/o/{site.org}/suppliers/{code}/edit", legal_name="Web A Ltd", country="CN",
             uscc=USCC, name_zh="网甲科技", categories="ELEC")  # fmt: skip
    assert r.status_code == 303
    page = client.get(f"/o/{site.org}/suppliers/{code}?lang=en").text
    assert "Web A Ltd" in page
    # the workflow: a jump it does not offer is refused; onboarding is offered
    r = post(client, f"/o/{site.org}/suppliers/{code}/status", status="approved", reason="x")
    assert r.status_code == 422
    assert 'id="status-error"' in r.text
    r = post(client, f"/o/{site.org}/suppliers/{code}/status", status="onboarding", reason="RFQ")
    assert r.status_code == 303
    page = client.get(f"/o/{site.org}/suppliers/{code}?lang=en").text
    assert EN("suppliers.status_reason", reason="RFQ") in page
    # contacts and sites
    r = post(client, f"/o/{site.org}/suppliers/{code}/contacts", name="王芳", email="not-mail")
    assert r.status_code == 422
    assert 'id="contact-error"' in r.text
    assert 'value="王芳"' in r.text  # the form keeps what was typed
    r = post(client, f"/o/{site.org}/suppliers/{code}/contacts", name="王芳", email="w@a.example")
    assert r.status_code == 303
    r = post(client, f"/o/{site.org}/suppliers/{code}/sites", code="SZ1", name="Suzhou",
             region="CN-JS", lat="31.3", lon="120.6")  # fmt: skip
    assert r.status_code == 303
    r = post(
        client, f"/o/{site.org}/suppliers/{code}/sites", code="SZ2", name="Bad", region="CN-XX"
    )
    assert r.status_code == 422
    # onboarding: a check with its evidence file, shown with its expiry and downloadable
    expires = (datetime.now(UTC).date() + timedelta(days=20)).isoformat()
    proof = {"evidence": ("iso.pdf", b"%PDF iso", "application/pdf")}
    r = post(client, f"/o/{site.org}/suppliers/{code}/onboarding", item="iso14001", result="pass",
             expires_on=expires, files=proof)  # fmt: skip
    assert r.status_code == 303, r.text
    page = client.get(f"/o/{site.org}/suppliers/{code}?lang=en").text
    assert "王芳" in page
    assert "Suzhou" in page
    row = re.search(r'<tr id="item-iso14001">.*?</tr>', page, re.S)
    assert row is not None
    assert EN("suppliers.state.expiring") in row.group(0)
    got = client.get(f"/o/{site.org}/suppliers/{code}/onboarding/iso14001/evidence")
    assert got.content == b"%PDF iso"
    # the list: filters and the reminder
    page = client.get(f"/o/{site.org}/suppliers?lang=en&q=网甲").text
    assert f'href="/o/{site.org}/suppliers/{code}">WEB-A</a>' in page
    assert 'id="spend-total"' in page
    assert "WEB-A: ISO 14001 environmental management expires on" in page
    page = client.get(f"/o/{site.org}/suppliers?lang=en&q=nothing-like-this").text
    assert EN("suppliers.none_matching") in page


def test_import_refused_lists_every_cell_then_accepted(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    bad = b"code,legal_name,country\nIMP-1,One,CN\nIMP-2,,XX\n"
    r = post(client, f"/o/{site.org}/suppliers/import", lang="zh-CN",
             files={"file": ("bad.csv", bad, "text/csv")})  # fmt: skip
    assert r.status_code == 422
    text = unescape(r.text)
    assert "bad.csv，第 3 行，legal_name 列" in text
    assert "bad.csv，第 3 行，country 列" in text
    assert "IMP-1" not in client.get(f"/o/{site.org}/suppliers").text  # all or nothing
    good = b"code,legal_name,country\nIMP-1,One,CN\nIMP-2,Two,DE\n"
    r = post(
        client, f"/o/{site.org}/suppliers/import", files={"file": ("ok.csv", good, "text/csv")}
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"] + "&lang=en").text
    assert EN("suppliers.done.imported", created=2, updated=0) in page
    exported = client.get(f"/o/{site.org}/suppliers/export")
    assert "IMP-2,Two," in exported.content.decode("utf-8-sig")


def test_other_organisations_and_viewers(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    code = _add(client, site, "ISO-A")
    login(client, site.outsider)
    for url in (f"/o/{site.org}/suppliers", f"/o/{site.org}/suppliers/{code}",
                f"/o/{site.org}/suppliers/{code}/edit"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    # on the outsider's own organisation, the other's supplier code does not exist
    assert client.get(f"/o/{site.other_org}/suppliers/{code}").status_code == 404
    r = post(
        client, f"/o/{site.other_org}/suppliers/{code}/status", status="onboarding", reason="x"
    )
    assert r.status_code == 404
    r = post(client, f"/o/{site.other_org}/suppliers/{code}/contacts", name="Evil")
    assert r.status_code == 404
    assert "ISO-A" not in client.get(f"/o/{site.other_org}/suppliers").text
    login(client, site.viewer)
    assert client.get(f"/o/{site.org}/suppliers/{code}").status_code == 200
    assert client.get(f"/o/{site.org}/suppliers/new").status_code == 403
    r = post(client, f"/o/{site.org}/suppliers/{code}/status", status="onboarding", reason="x")
    assert r.status_code == 403


PHONE = {"width": 390, "height": 844}


def test_register_on_a_phone_in_chinese(
    browser: Any, site_factory: Callable[[Path], Site], tmp_path: Path, password: str
) -> None:
    """In Chromium at phone width, in zh-CN: add a supplier through the form, record a check on
    its profile; neither page scrolls sideways (wide tables scroll inside their box)."""
    from urllib.parse import urlparse

    from livekit import live_server

    site = site_factory(tmp_path)
    with live_server(site.database_url, tmp_path) as server:
        base = server.base
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")  # fmt: skip
        ctx.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).netloc
                  == urlparse(base).netloc else r.abort())  # fmt: skip
        page = ctx.new_page()
        page.goto(f"{base}/")
        page.fill("#email", site.owner)
        page.fill("#password", password)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url("**/o/*/dashboard")
        page.goto(f"{base}/o/{site.org}/suppliers")
        page.click("#add-supplier")
        page.fill("#code", "PH-1")
        page.fill("#legal_name", "Phone Supplier Co.")
        page.fill("#name_zh", "手机供应商")
        page.fill("#uscc", USCC)
        page.click("#supplier-form button[type=submit]")
        page.wait_for_url("**/suppliers/*?done=added")
        assert "手机供应商" in page.inner_text("h1")
        overflow = "document.documentElement.scrollWidth - window.innerWidth"
        assert page.evaluate(overflow) <= 0
        page.select_option("#item", "iso14001")
        page.select_option("#result", "pass")
        page.click("#check-form button[type=submit]")
        page.wait_for_url("**?done=check")
        assert ZH("suppliers.state.pass") in page.inner_text("#item-iso14001")
        assert page.evaluate(overflow) <= 0
        page.goto(f"{base}/o/{site.org}/suppliers")
        assert "PH-1" in page.inner_text("#suppliers")
        assert page.evaluate(overflow) <= 0
        ctx.close()


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){3,}\b")


def _page_text(html: str) -> str:
    """The text of the page's ``<main>`` outside data (tables, code, form controls), as
    tests/adapters/web/test_web_demo_languages.py reads a page in a browser."""
    from html.parser import HTMLParser

    skip = {"table", "code", "select", "textarea", "script", "style", "cite", "pre"}

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.main, self.out = 0, False, []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "main":
                self.main = True
            if tag in skip or dict(attrs).get("translate") == "no":
                self.depth += 1

        def handle_endtag(self, tag: str) -> None:
            if tag == "main":
                self.main = False
            if tag in skip and self.depth:
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.main and not self.depth and data.strip():
                self.out.append(data.strip())

    p = Text()
    p.feed(html)
    return "\n".join(p.out)


def test_pages_in_one_language(client: TestClient, site: Site) -> None:
    login(client, site.owner)
    code = _add(client, site, "LANG-1", name_zh="语言测试供应商")
    for url in (f"/o/{site.org}/suppliers", f"/o/{site.org}/suppliers/{code}",
                f"/o/{site.org}/suppliers/new"):  # fmt: skip
        zh = _page_text(client.get(f"{url}?lang=zh-CN").text)
        assert ENGLISH_RUN.search(zh) is None, (url, ENGLISH_RUN.search(zh))
        en = _page_text(client.get(f"{url}?lang=en").text)
        assert CJK.search(en.replace("语言测试供应商", "")) is None, (url, en)


def test_register_paths_beside_supplier_codes(client: TestClient, site: Site) -> None:
    """``/o/<org>/suppliers/<code>`` shares its level with the requests and coverage pages and
    the register's own paths: those still answer, and their names are refused as supplier codes
    beside the code field, in the page's language (decision 0063, addendum)."""
    login(client, site.owner)
    code = _add(client, site, "PATH-1")
    page = client.get(f"/o/{site.org}/suppliers/{code}?lang=en")
    assert page.status_code == 200
    assert f'action="/o/{site.org}/suppliers/PATH-1/status"' in page.text
    for path in ("coverage", "requests", "new"):
        r = client.get(f"/o/{site.org}/suppliers/{path}?lang=en")
        assert r.status_code == 200, (path, r.status_code)
        assert 'id="status-form"' not in r.text  # not a supplier's profile
    assert (
        client.get(f"/o/{site.org}/suppliers/export").headers["content-type"].startswith("text/csv")
    )
    assert client.get(f"/o/{site.org}/suppliers/NO-SUCH").status_code == 404
    for reserved in ("coverage", "requests", "new", "export"):
        for lang, t in (("en", EN), ("zh-CN", ZH)):
            r = post(client, f"/o/{site.org}/suppliers/new", lang=lang, code=reserved,
                     legal_name="X Co.", country="CN", tier="1")  # fmt: skip
            assert r.status_code == 422, (reserved, r.status_code)
            assert t("suppliers.err.reserved", code=reserved) in unescape(r.text)
    assert "X Co." not in client.get(f"/o/{site.org}/suppliers").text
