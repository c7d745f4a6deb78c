"""The certificate pages (decision 0077): the register with its filters and reminders, the add
form (evidence file, CSRF, the reason in zh-CN and en, rolled back), the import, a certificate's
page with its evidence, withdraw and remove, the zero-carbon assessment form and table, and
isolation: a viewer gets 403 on every change, another organisation's member 404."""

from __future__ import annotations

import re
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


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, url: str, lang: str = "en", files: Any = None, **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token}, files=files)


def _sites_and_years(client: TestClient, site: Site) -> tuple[list[str], list[str]]:
    html = client.get(f"/o/{site.org}/certificates?lang=en").text
    datalist = re.search(r'<datalist id="site-codes">(.*?)</datalist>', html, re.S)
    assert datalist
    years = re.search(r'<select id="zc-year" name="fiscal_year">(.*?)</select>', html, re.S)
    assert years
    return (re.findall(r'<option value="([^"]+)">', datalist.group(1)),
            re.findall(r'<option value="([^"]+)"', years.group(1)))  # fmt: skip


def test_register_add_detail_and_evidence(client: TestClient, site: Site) -> None:
    page = client.get(f"/o/{site.org}/certificates?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("certs.title") in page.text
    assert ZH("zerocarbon.title") in page.text
    assert " style=" not in page.text
    sites, _ = _sites_and_years(client, site)
    code = sites[0]
    r = post(client, f"/o/{site.org}/certificates", subject_kind="site", subject_id=code,
             scheme="zero_carbon_factory_cesi", issuer="CESI", number="ZC-001",
             issued="2022-12-20", valid_until="2025-12-19",
             files={"evidence": ("zc.pdf", b"%PDF zero carbon", "application/pdf")})  # fmt: skip
    assert r.status_code == 303, r.text
    m = re.fullmatch(rf"/o/{site.org}/certificates/(\d+)\?done=added", r.headers["location"])
    assert m
    detail = client.get(r.headers["location"] + "&lang=zh-CN").text
    assert ZH("certs.done.added") in detail
    assert "零碳工厂" in detail
    assert "zc.pdf" in detail
    assert " style=" not in detail
    got = client.get(f"/o/{site.org}/certificates/{m.group(1)}/evidence")
    assert got.content == b"%PDF zero carbon"
    listed = client.get(f"/o/{site.org}/certificates?scheme=zero_carbon_factory_cesi&lang=en").text
    assert f'id="cert-{m.group(1)}"' in listed
    assert EN("certs.state.expired") in listed  # valid until 2025-12-19: before today
    # a new evidence file replaces the old one
    r = post(client, f"/o/{site.org}/certificates/{m.group(1)}/evidence",
             files={"file": ("zc2.pdf", b"%PDF renewed", "application/pdf")})  # fmt: skip
    assert r.status_code == 303
    assert (
        client.get(f"/o/{site.org}/certificates/{m.group(1)}/evidence").content == b"%PDF renewed"
    )
    # withdrawn, then removed
    assert post(client, f"/o/{site.org}/certificates/{m.group(1)}/withdraw").status_code == 303
    assert (
        EN("certs.state.withdrawn")
        in client.get(f"/o/{site.org}/certificates/{m.group(1)}?lang=en").text
    )
    r = post(client, f"/o/{site.org}/certificates/{m.group(1)}/delete")
    assert r.headers["location"] == f"/o/{site.org}/certificates?done=removed"
    assert client.get(f"/o/{site.org}/certificates/{m.group(1)}").status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_refused_add_says_why_in_the_language(client: TestClient, site: Site, lang: str) -> None:
    sites, _ = _sites_and_years(client, site)
    r = post(client, f"/o/{site.org}/certificates", lang, subject_kind="site",
             subject_id=sites[0], scheme="green_factory", issuer="MIIT", issued="2024-01-02",
             valid_until="2024-01-01")  # fmt: skip
    assert r.status_code == 422
    t = Translator(lang)
    assert t("certs.err.dates") in unescape(r.text)
    assert 'value="MIIT"' in r.text  # the form keeps what was typed
    r = post(client, f"/o/{site.org}/certificates", lang, subject_kind="site",
             subject_id="NO-SUCH-SITE", scheme="green_factory", issuer="MIIT",
             issued="2024-01-02")  # fmt: skip
    assert r.status_code == 422
    assert t("certs.err.unknown_site", value="NO-SUCH-SITE") in unescape(r.text)


def test_import_all_or_nothing(client: TestClient, site: Site) -> None:
    sites, _ = _sites_and_years(client, site)
    bad = (f"subject_kind,subject_id,scheme,issuer,issued,valid_until\n"
           f"site,{sites[0]},iso50001,TÜV,2024-01-01,2027-01-01\n"
           f"site,{sites[0]},iso50001,TÜV,2024-13-01,\n").encode()  # fmt: skip
    r = post(client, f"/o/{site.org}/certificates/import",
             files={"file": ("certs.csv", bad, "text/csv")})  # fmt: skip
    assert r.status_code == 422
    assert "certs.csv, row 3, column issued" in r.text
    good = bad.decode().splitlines()[:2]
    r = post(client, f"/o/{site.org}/certificates/import",
             files={"file": ("certs.csv", "\n".join(good).encode(), "text/csv")})  # fmt: skip
    assert r.headers["location"] == f"/o/{site.org}/certificates?done=imported"
    html = client.get(f"/o/{site.org}/certificates?scheme=iso50001&lang=en").text
    assert len(re.findall(r'<tr id="cert-\d+"', html)) == 1


def test_zero_carbon_assessment_form(client: TestClient, site: Site) -> None:
    sites, years = _sites_and_years(client, site)
    assert years
    r = post(client, f"/o/{site.org}/certificates/zero-carbon", site=sites[0],
             fiscal_year=years[0], basis="location", grid_factor="0.5")  # fmt: skip
    assert r.status_code == 303, r.text
    html = client.get(f"/o/{site.org}/certificates?lang=en").text
    row = re.search(rf'<tr id="zc-{re.escape(sites[0])}-{years[0].replace("/", "-")}">(.*?)</tr>',
                    html, re.S)  # fmt: skip
    assert row
    assert "location-based" in row.group(1)
    assert "0.5000" in row.group(1)
    r = post(client, f"/o/{site.org}/certificates/zero-carbon", "zh-CN", site=sites[0],
             fiscal_year=years[0], grid_factor="abc")  # fmt: skip
    assert r.status_code == 422
    assert ZH("zerocarbon.err.number", name="grid_factor") in r.text


def test_viewer_and_outsider(site: Site) -> None:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        assert c.get(f"/o/{site.org}/certificates").status_code == 200
        assert 'id="cert-add"' not in c.get(f"/o/{site.org}/certificates").text
        r = post(c, f"/o/{site.org}/certificates", subject_kind="site", subject_id="X",
                 scheme="iso50001", issuer="X", issued="2024-01-01")  # fmt: skip
        assert r.status_code == 403
        login(c, site.outsider)
        assert c.get(f"/o/{site.org}/certificates").status_code in (403, 404)
        # without the CSRF token: refused
        assert c.post(f"/o/{site.other_org}/certificates", data={}).status_code == 403
