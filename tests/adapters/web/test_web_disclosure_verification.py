"""The verification page (decision 0098): ``/o/<org>/disclosure/verification`` under the
disclosure sub-menu, the form to record a verification (the reason of a refusal in zh-CN and
en, naming the field; nothing saved), findings raised and closed with their evidence, the
statement file uploaded and downloaded, and isolation: a viewer reads but gets 403 on a change,
another organisation's member 404."""

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
YEAR = "FY2023/24"


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("verification"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site, workers=0), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, path: str, lang: str = "en", files: Any = None, **data: Any) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{path}?lang={lang}", data={**data, "csrf_token": token}, files=files)


FORM = {"fiscal_year": YEAR, "verifier": "Verifier Co", "standard": "ISAE 3410",
        "level": "limited", "materiality_pct": "5", "coverage": ["S1", "S2", "S3.1"],
        "opinion": "unmodified", "statement_date": "2024-06-30",
        "url": "https://example.org/statement.pdf"}  # fmt: skip


def test_record_findings_and_statement(client: TestClient, site: Site) -> None:
    base = f"/o/{site.org}/disclosure/verification"
    page = client.get(f"{base}?lang=zh-CN")
    assert page.status_code == 200
    assert 'aria-current="page"' in page.text  # the disclosure sub-menu's entry
    assert ZH("disc_ghg.web.title") in page.text
    r = post(client, base, "zh-CN", **{**FORM, "level": "high"})
    assert r.status_code == 422
    reason = ZH("disc_ghg.err.choice", field="level", value="high", choices="limited, reasonable")
    assert reason in unescape(r.text)
    r = post(client, base, "en", **{**FORM, "statement_date": "30/06/2024"})
    assert r.status_code == 422
    assert "statement_date" in unescape(r.text)
    assert client.get(base).text.count('class="card"') == 0  # nothing saved
    r = post(client, base, **FORM)
    assert r.status_code == 303, r.text
    rid = r.headers["location"].rsplit("#record-", 1)[1]
    page = client.get(r.headers["location"].split("#")[0]).text
    assert "Verifier Co" in page
    assert EN("disc_ghg.done.record") in page
    assert post(client, f"{base}/{rid}/findings", text="Meter not calibrated",
                severity="major", raised_on="2024-05-10").status_code == 303  # fmt: skip
    r = post(client, f"{base}/{rid}/findings/1/close", evidence="certificate",
             closed_on="2024-05-01")  # fmt: skip
    assert r.status_code == 422
    assert "closed_on" in unescape(r.text)
    assert post(client, f"{base}/{rid}/findings/1/close", evidence="calibration certificate",
                closed_on="2024-06-01").status_code == 303  # fmt: skip
    files = {"file": ("statement.pdf", b"%PDF-1.4 statement", "application/pdf")}
    assert post(client, f"{base}/{rid}/statement", files=files).status_code == 303
    page = client.get(base).text
    assert "calibration certificate" in page
    assert "statement.pdf" in page
    got = client.get(f"{base}/{rid}/statement")
    assert (got.status_code, got.content) == (200, b"%PDF-1.4 statement")


def test_viewer_reads_outsider_does_not(site: Site) -> None:
    base = f"/o/{site.org}/disclosure/verification"
    with TestClient(create_site_app(site, workers=0), follow_redirects=False) as c:
        login(c, site.viewer)
        assert c.get(base).status_code == 200
        assert post(c, base, **FORM).status_code == 403
        login(c, site.outsider)
        assert c.get(base).status_code == 404
