"""The control tower in a real browser (issue 19 "done when": every module's tile, in both
languages; decision 0101): Debian's Chromium driven by Playwright (never a downloaded browser;
requests to any other host refused) against ``lingtan serve`` — one server and one browser for
both languages.

The site is the synthetic demo organisation (two fiscal years calculated) with one open risk
(owner 王工, never reviewed: due) and one certificate ending in 30 days, so that tiles with
figures, tiles saying "not available" and alerts with and without an owner all show. In zh-CN
and en: every tile of :data:`~lingtan.adapters.services.control_tower.TILES` is shown with its
translated title and a link to its page, no catalogue key is left untranslated, the forecast
chart is drawn by the vendored ECharts and its table is there; on a phone-size screen nothing
scrolls sideways. Waits are for selectors or navigations only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from lingtan.adapters.i18n.messages import Translator
from lingtan.adapters.services.control_tower import LINKS, TILES
from livekit import live_server

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
#: a catalogue key shown as it is (``tower.tile.risks``, ``risk.band.high`` …)
RAW_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b|\btower\.[a-z_]+\b")
Site = Any  # tests/adapters/web/conftest.py: Site


def _seed(site: Site) -> None:
    """One open risk with an owner and a certificate ending in 30 days, through the services
    on the server's store (a job's context: the organisation's workspace on that store)."""
    from lingtan.adapters.services import certifications as certs
    from lingtan.adapters.services import risk_register as rr
    from lingtan.adapters.services.context import JobContext
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import organisation_by_slug
    from lingtan.adapters.store.workspace import org_workspace

    engine = make_engine(site.database_url)
    with system_session(engine) as db:
        org = organisation_by_slug(db, site.org)
        assert org is not None
        org_id, path = int(org.id), str(org.workspace_path)
    ctx = JobContext(org_workspace(engine, org_id, path, actor="tests"))
    with tenant_session(engine, org_id, actor="tests") as db:
        rr.create_item(db, ctx, {"code": "R1", "kind": "risk", "category": "market",
                                 "driver": "consumer_behaviour", "title": "客户偏好 Buyers",
                                 "owner": "王工"})  # fmt: skip
        certs.create_certificate(db, ctx, {
            "subject_kind": "site", "subject_id": "TJ-FACTORY", "scheme": "green_factory",
            "level": "national", "issuer": "MIIT", "issued": "2023-01-10",
            "valid_until": (date.today() + timedelta(days=30)).isoformat()})  # fmt: skip
        db.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def live(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Site]]:
    """``lingtan serve`` on the synthetic site with the seeded risk and certificate."""
    root = tmp_path_factory.mktemp("live-tower")
    site = site_factory(root)
    _seed(site)
    with live_server(site.database_url, root, timeout_s=300) as server:
        yield server.base, site


def _page(browser: Any, base: str, external: list[str], locale: str, **kw: Any) -> Any:
    """A page whose requests to any other host are refused and recorded."""
    ctx = browser.new_context(locale=locale, **kw)
    host = urlparse(base).netloc

    def route(r: Any) -> None:
        if urlparse(r.request.url).netloc == host:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx.new_page()


def _login(page: Any, base: str, site: Site, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", site.owner)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_every_tile_in_both_languages(
    browser: Any, live: tuple[str, Site], password: str, locale: str
) -> None:
    base, site = live
    t = Translator("zh-CN" if locale == "zh-CN" else "en")
    external: list[str] = []
    page = _page(browser, base, external, locale, viewport={"width": 1280, "height": 900})
    _login(page, base, site, password)
    page.goto(f"{base}/o/{site.org}/overview")
    page.wait_for_selector("#tiles")
    assert page.get_attribute("html", "lang") == t.locale
    assert t("tower.title") in page.inner_text("h1")
    assert page.get_attribute("nav a[aria-current=page]", "href") == f"/o/{site.org}/overview"
    for key in TILES:
        box = page.locator(f"#tile-{key}")
        assert box.is_visible(), key
        assert page.inner_text(f"#tile-link-{key}") == t(f"tower.tile.{key}")
        assert page.get_attribute(f"#tile-link-{key}", "href") == f"/o/{site.org}/{LINKS[key]}"
        status = page.get_attribute(f"#tile-{key}", "data-status")
        assert page.inner_text(f"#tile-status-{key}") == t(f"tower.status.{status}")
    assert page.get_attribute("#tile-inventory", "data-status") == "ok"
    assert page.get_attribute("#tile-risks", "data-status") == "attention"
    assert page.get_attribute("#tile-suppliers", "data-status") == "not_available"
    assert t("tower.reason.no_suppliers") in page.inner_text("#tile-reason-suppliers")
    alerts = page.inner_text("#alerts")
    assert "王工" in alerts
    assert t("tower.owner_unknown") in alerts
    page.wait_for_selector("#chart-box-forecast[data-drawn='1']")  # the vendored ECharts drew it
    assert page.locator("#forecast-table tbody tr").count() == 2  # FY2022/23, FY2023/24
    assert t("tower.forecast.not_enough", n=2, min=5) in page.inner_text("#forecast")
    text = page.inner_text("main")
    assert RAW_KEY.findall(text) == []  # no catalogue key left untranslated
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"control-tower-{locale}.png"), full_page=True)
    if locale == "en-GB":  # responsive: on a phone, tiles stack and tables scroll in their box
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.wait_for_selector("#tiles")
        assert page.evaluate(OVERFLOW) <= 0
    page.context.close()
    assert external == []
