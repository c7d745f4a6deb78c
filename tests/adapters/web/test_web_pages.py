"""Every page through FastAPI's TestClient (no browser): renders in both languages, sends a
visitor who is not logged in to /login, refuses other organisations' users, and shows the
inventory's own figures, formatted."""

from __future__ import annotations

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

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.web.formatting import fmt_number, fmt_tco2e

PAGES = (
    "dashboard",
    "dashboard?fy=FY2022/23",
    "inventory",
    "inventory/FY2023-24",
    "imports",
    "imports/templates/fuel.csv",
    "factors",
    "factors?q=diesel",
    "sites",
    "users",
    "audit",
)


Site = Any  # tests/adapters/web/conftest.py: Site


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("pages"))


@pytest.fixture(scope="module")
def app_client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c


def lineage_link(client: TestClient, org: str) -> str:
    html = client.get(f"/o/{org}/inventory/FY2023-24").text
    m = re.search(rf'href="(/o/{org}/lineage/[0-9a-f]+\?scope=1&amp;basis=market)"', html)
    assert m, "the inventory page links Scope 1 to its lineage"
    return m.group(1).replace("&amp;", "&")


def test_logged_out_every_page_redirects_to_login(app_client: TestClient, site: Site) -> None:
    app_client.cookies.clear()
    for page in (*PAGES, "lineage/abc?scope=1"):
        r = app_client.get(f"/o/{site.org}/{page}")
        assert r.status_code == 302, page
        assert r.headers["location"].startswith("/login?next=%2Fo%2Fsynthetic"), page
    assert app_client.get("/").headers["location"] == "/login?next=%2F"


def test_wrong_password_is_refused(app_client: TestClient, site: Site) -> None:
    app_client.cookies.clear()
    token = csrf_token(app_client, "/login")
    r = app_client.post(
        "/login", data={"email": site.owner, "password": "nope", "csrf_token": token}
    )
    assert r.status_code == 401
    assert Translator("zh-CN")("login.failed") in r.text or "Wrong email" in r.text
    assert "lingtan_session" not in r.cookies


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_renders_in_both_languages(
    app_client: TestClient, site: Site, lang: str
) -> None:
    login(app_client, site.owner)
    t = Translator(lang)
    pages = [*PAGES, lineage_link(app_client, site.org).removeprefix(f"/o/{site.org}/")]
    for page in pages:
        sep = "&" if "?" in page else "?"
        r = app_client.get(f"/o/{site.org}/{page}{sep}lang={lang}", follow_redirects=True)
        assert r.status_code == 200, (page, r.text[:500])
        assert "/login" not in str(r.url), page
        if page.endswith(".csv"):
            assert r.text.lstrip("\ufeff").startswith("site,date,")
            continue
        assert f'<html lang="{lang}">' in r.text, page
        assert t("nav.dashboard") in r.text, page
        assert t("app.footer") in r.text, page
    assert app_client.cookies.get("lingtan_lang") == lang


def test_language_is_remembered(app_client: TestClient, site: Site) -> None:
    login(app_client, site.owner)
    app_client.get(f"/o/{site.org}/sites?lang=en")
    r = app_client.get(f"/o/{site.org}/sites")
    assert '<html lang="en">' in r.text
    assert "Legal entities" in r.text
    r = app_client.get(f"/o/{site.org}/sites?lang=zh-CN")
    assert "法人实体" in r.text


def test_other_organisation_is_not_found(app_client: TestClient, site: Site) -> None:
    link = lineage_link(app_client, site.org) if login(app_client, site.owner) is None else ""
    login(app_client, site.outsider)
    for page in (*PAGES, link.removeprefix(f"/o/{site.org}/")):
        r = app_client.get(f"/o/{site.org}/{page}")
        assert r.status_code in (403, 404), page
        assert "Demo Electronics" not in r.text, page
    token = csrf_token(app_client, f"/o/{site.other_org}/imports")  # the outsider's own
    r = app_client.post(
        f"/o/{site.org}/imports",
        files={"file": ("fuel.csv", b"site,date\n", "text/csv")},
        data={"csrf_token": token},
    )
    assert r.status_code == 404  # a valid token opens no other organisation
    assert app_client.get("/").headers["location"] == f"/o/{site.other_org}/dashboard"


def test_viewer_reads_but_cannot_change_or_read_audit(app_client: TestClient, site: Site) -> None:
    login(app_client, site.viewer)
    assert app_client.get(f"/o/{site.org}/dashboard").status_code == 200
    assert app_client.get(f"/o/{site.org}/audit").status_code == 403
    r = app_client.post(
        f"/o/{site.org}/imports",
        files={"file": ("fuel.csv", b"site,date\n", "text/csv")},
        data={"csrf_token": csrf_token(app_client, f"/o/{site.org}/dashboard")},
    )
    assert r.status_code == 403
    assert 'id="upload"' not in app_client.get(f"/o/{site.org}/imports").text


def test_dashboard_shows_the_inventory_total_formatted(
    app_client: TestClient, site: Site, built_workspace: Path
) -> None:
    from lingtan.adapters.services.calculation import latest_inventory
    from lingtan.adapters.store.workspace import open_workspace

    ws = open_workspace(built_workspace)
    doc = latest_inventory(ws, "FY2023/24").to_dict()
    ws.engine.dispose()
    login(app_client, site.owner)
    html = app_client.get(f"/o/{site.org}/dashboard?fy=FY2023/24&lang=en").text
    unit = ' <span class="unit">t&nbsp;CO2e</span>'
    total = fmt_number(doc["totals_tco2e"]["total_market"])  # e.g. "1,372,294"
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", total)  # thousands separators, whole tonnes
    assert total + unit in html
    assert fmt_number(doc["totals_tco2e"]["scope1"]) + unit in html
    # the inventory table: every figure with its unit, e.g. "4,785 t CO2e" (no-break spaces)
    table = app_client.get(f"/o/{site.org}/inventory/FY2023-24").text
    assert fmt_tco2e(doc["totals_tco2e"]["scope3"]) in table
    assert 'data-chart="chart-trend"' in html
    assert "FY2022/23" in html  # the base year is in the trend's data


def test_lineage_page_lists_rows_and_checks_the_sum(app_client: TestClient, site: Site) -> None:
    login(app_client, site.owner)
    r = app_client.get(lineage_link(app_client, site.org) + "&lang=en")
    assert r.status_code == 200
    assert r.text.count('class="activity-row"') >= 1
    assert "✓ equal" in r.text
    assert " × " in r.text  # the arithmetic of each row


def test_upload_runs_a_job_with_progress(
    app_client: TestClient, site: Site, tmp_path: Path
) -> None:
    login(app_client, site.owner)
    body = (
        b"site,date,fuel,quantity,unit,use\n"
        b"TJ-FACTORY,2023-06-01,diesel,100,L,stationary\n"
        b"TJ-FACTORY,2023-07-01,diesel,200,bananas,stationary\n"
    )
    r = app_client.post(
        f"/o/{site.org}/imports",
        files={"file": ("fuel-pages.csv", body, "text/csv")},
        data={"template": "fuel", "csrf_token": csrf_token(app_client, f"/o/{site.org}/imports")},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200, r.text
    m = re.search(r'hx-get="([^"]+)"', r.text)
    assert m, "a running job polls itself"
    deadline = time.monotonic() + 60
    while True:
        part = app_client.get(m.group(1), headers={"HX-Request": "true"}).text
        if 'data-status="done"' in part or 'data-status="failed"' in part:
            break
        assert time.monotonic() < deadline, part
        time.sleep(0.2)
    assert 'data-status="done"' in part, part
    assert 'value="100"' in part
    assert "hx-trigger" not in part  # finished: the bar stops polling
    assert re.search(r"2 rows read, 1 accepted, 1 rejected|读取 2 行，接受 1 行，拒绝 1 行", part)
    rejected = re.search(r'href="(/o/[^"]+/rejected)"', part)
    assert rejected
    page = app_client.get(rejected.group(1) + "?lang=en").text
    assert "bananas" in page


def test_static_assets_are_served_from_the_package(app_client: TestClient) -> None:
    for path in ("vendor/echarts.min.js", "vendor/htmx.min.js", "css/lingtan.css", "js/lingtan.js"):
        assert app_client.get(f"/static/{path}").status_code == 200, path
    templates = Path(__file__).parents[3] / "src/lingtan/adapters/web/templates"
    for f in templates.glob("*.html"):
        assert not re.search(r'(src|href)="(https?:)?//', f.read_text()), f.name  # no CDN
