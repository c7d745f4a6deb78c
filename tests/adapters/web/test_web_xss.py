"""No user-supplied text can run script in a browser (OWASP ASVS 4.0.3 V5.3.3 output encoding,
V14.4.3 Content-Security-Policy; decision 0035).

Script payloads — ``<script>``, ``<img src=x onerror=…>``, ``"><svg onload=…>`` and a
``javascript:`` URL — are put into every field a user or a supplier controls: the
organisation's name, its entities' and sites' names, a member's name, the targets file (target
and project names: MACC and plan charts), the published figures (labels), an uploaded file's
name and its rejected cells, and the product data (product, configuration and supplier names).
Then Debian's Chromium (Playwright, as tests/adapters/web/test_web_browser.py) visits every page,
hovers every chart (ECharts tooltips render HTML), and finds on no page: a payload that ran
(``window.__xss``), an alert, an element carrying an injected event handler, an inline script,
a ``javascript:`` link, or a Content-Security-Policy violation (the policy would block an
injected script, so a violation is how an injection that got through would show). Each payload
must be visible as text somewhere — it was rendered, escaped. The API's documentation page
(vendored Swagger UI) is drawn under the same policy.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import httpx
import pytest
import yaml

from livekit import live_server

Site = Any  # tests/adapters/web/conftest.py: Site

MARK = "window.__xss=1"
SCRIPT = f"<script>{MARK}</script>"
IMG = f'<img src=x onerror="{MARK}">'
SVG = f'"><svg onload={MARK}>'
JS_URL = f"javascript:{MARK}"


def hostile(tag: str) -> str:
    """A name made of every payload (``tag`` says which field it is)."""
    return f"{tag} {IMG}{SVG}{SCRIPT}' {JS_URL}"


PASSWORD = "correct horse battery staple"  # conftest.PASSWORD
MEMBER = "hostile@lingtan.invalid"
GB = "LB14-G5/i7-32-1t-GB"
TARGETS_YAML = (Path(__file__).parents[1] / "api" / "targets_s12.yaml").read_text("utf-8")

#: recorded in every page before its own scripts run
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""
#: what a page shows of an injection that got through
PROBE = """() => ({
  xss: window.__xss || 0,
  csp: window.__csp || [],
  handlers: document.querySelectorAll(
    "[onerror],[onload],[onclick],[onmouseover],[onfocus],[onsubmit],[onchange]").length,
  scripts: Array.from(document.scripts).filter(
    (s) => !s.src && s.type !== "application/json").length,
  js_links: Array.from(document.querySelectorAll("a[href],form[action],iframe[src]")).filter(
    (a) => (a.getAttribute("href") || a.getAttribute("action") || a.getAttribute("src") || "")
      .trim().toLowerCase().startsWith("javascript:")).length,
  text: document.body.innerText,
})"""


def _prepare(site: Site) -> None:
    """Hostile names in the product data and a hostile member, before the server starts."""
    from lingtan.adapters.services.products import write_demo_products
    from lingtan.adapters.store.bootstrap import create_user
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session

    ws = site.root / "orgs" / site.org
    assert write_demo_products(ws)
    family = ws / "products" / "family.yaml"
    text = family.read_text(encoding="utf-8")
    for old, tag in (
        ("lingtan Book 14 Gen 5", "product"),
        ('"Core 7 / 32 GB / 1 TB / LCD, United Kingdom"', "configuration"),
        ("supplier: Harbour EMS\n", "supplier"),
    ):
        assert old in text
        new = json.dumps(hostile(tag))
        text = text.replace(old, f"supplier: {new}\n" if tag == "supplier" else new)
    family.write_text(text, encoding="utf-8")
    engine = make_engine(site.database_url)
    with system_session(engine, actor="tests") as db:
        create_user(db, MEMBER, PASSWORD, hostile("member"), memberships={site.org: "viewer"})
    engine.dispose()


def _csv(*rows: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


class _Patient(httpx.HTTPTransport):
    """Send again what the server answered 503 "busy, retry" (SQLite under a loaded machine)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(20):
            r = super().handle_request(request)
            if r.status_code != 503:
                return r
            r.close()
            time.sleep(0.5)
        return r


def _feed(base: str, site: Site) -> None:
    """Hostile names through the API, as the owner (cookie session with its CSRF token)."""
    org = f"{base}/api/v1/orgs/{site.org}"
    with httpx.Client(timeout=60, transport=_Patient()) as c:
        r = c.post(f"{base}/api/v1/auth/login", json={"email": site.owner, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        r = c.patch(org, json={"name": hostile("organisation")})
        assert r.status_code == 200, r.text
        for kind in ("entities", "sites"):
            for item in c.get(f"{org}/{kind}").json():
                tag = kind.removesuffix("s").replace("ie", "y")
                r = c.patch(f"{org}/{kind}/{item['id']}", json={"name": hostile(tag)})
                assert r.status_code == 200, r.text
        targets = yaml.safe_load(TARGETS_YAML)
        targets["organisation"] = hostile("targets organisation")
        for item in (*targets["targets"], *targets["projects"]):
            item["name"] = hostile(item["id"])
        r = c.put(f"{org}/targets", json={"content": yaml.safe_dump(targets, allow_unicode=True)})
        assert r.status_code == 200, r.text
        assert c.post(f"{org}/targets/plan", params={"explain": "false"}).status_code == 200
        figures = _csv(
            ["id", "label", "reference", "fiscal_year", "kind", "value", "unit", "decimals",
             "lingtan"],
            ["T", hostile("figure"), hostile("reference"), "FY2023/24", "inventory_total",
             "1000", "t", "0", "total"],
        )  # fmt: skip
        r = c.put(f"{org}/reconcile", json={"content": figures})
        assert r.status_code == 200, r.text
        bad_rows = _csv(
            ["site", "date", "fuel", "quantity", "unit", "use"],
            [hostile("cell"), "2023-08-01", "diesel", "10", "L", "stationary"],
            ["TJ-FACTORY", "2023-08-01", "diesel", SVG, "L", "stationary"],
        )
        name = f"fuel{IMG}.csv"  # stored as fuel_img_src_x_… (services.safe_file_name)
        r = c.post(
            f"{org}/imports",
            files={"file": (name, bad_rows.encode(), "text/csv")},
            data={"template": "fuel"},
        )
        assert r.status_code == 202, r.text
        job = r.json()["id"]
        deadline = time.monotonic() + 60
        while c.get(f"{org}/jobs/{job}").json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)


@pytest.fixture(scope="module")
def hostile_site(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Site]]:
    root = tmp_path_factory.mktemp("xss")
    site = site_factory(root)
    _prepare(site)
    with live_server(site.database_url, root) as server:
        _feed(server.base, site)
        yield server.base, site


class Watch:
    """A browser page recording alerts, CSP reports in the console and requests elsewhere."""

    def __init__(self, browser: Any, base: str) -> None:
        self.alerts: list[str] = []
        self.console: list[str] = []
        self.external: list[str] = []
        self.ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
        self.ctx.add_init_script(WATCH)
        host = urlparse(base).netloc

        def route(r: Any) -> None:
            if urlparse(r.request.url).netloc == host:
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        self.ctx.route("**/*", route)
        self.page = self.ctx.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", self._console)

    def _dialog(self, d: Any) -> None:
        self.alerts.append(d.message)
        d.dismiss()

    def _console(self, m: Any) -> None:
        if "Content Security Policy" in m.text or "Refused to" in m.text:
            self.console.append(m.text)

    def visit(self, url: str) -> dict[str, Any]:
        """Load ``url``, hover each chart, and return what :data:`PROBE` found."""
        r = self.page.goto(url)
        assert r is not None
        assert r.status == 200, (url, r.status, self.page.inner_text("main"))
        self.page.wait_for_load_state("load")
        for box in self.page.locator("[data-chart]").all():
            box.wait_for(state="attached")
            self.page.wait_for_function(
                "(el) => el.dataset.drawn === '1'", arg=box.element_handle()
            )
            bb = box.bounding_box()
            if bb is None:
                continue
            for fx, fy in ((0.5, 0.5), (0.3, 0.4), (0.7, 0.7)):
                self.page.mouse.move(bb["x"] + bb["width"] * fx, bb["y"] + bb["height"] * fy)
                self.page.wait_for_timeout(60)
        return dict(self.page.evaluate(PROBE))


def test_no_payload_runs_on_any_page(browser: Any, hostile_site: tuple[str, Site]) -> None:
    base, site = hostile_site
    w = Watch(browser, base)
    page = w.page
    page.goto(f"{base}/login?next=/o/{site.org}/users")
    page.fill("#email", site.owner)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"**/o/{site.org}/users")
    o = f"{base}/o/{site.org}"
    pages = [f"{o}/dashboard", f"{o}/inventory", f"{o}/sites", f"{o}/imports", f"{o}/products",
             f"{o}/products/{GB}", f"{o}/targets", f"{o}/targets/edit", f"{o}/targets/macc",
             f"{o}/targets/plan", f"{o}/reconcile?all=1", f"{o}/audit", f"{o}/users",
             f"{o}/factors", f"{base}/account"]  # fmt: skip
    found: dict[str, dict[str, Any]] = {}
    for url in pages:
        found[url] = w.visit(url)
    page.goto(f"{o}/inventory")
    lineage = page.locator("a[href*='/lineage/']").first.get_attribute("href")
    page.goto(f"{o}/imports")
    ours = page.locator("tr").filter(has_text="fuel_img")  # the hostile file's batch
    rejected = ours.locator("a[href$='/rejected']").first.get_attribute("href")
    for url in (f"{base}{lineage}", f"{base}{rejected}", f"{base}/p/{site.org}/{GB}"):
        found[url] = w.visit(url)
    # the API's documentation page: vendored Swagger UI, drawn under the same policy
    page.goto(f"{base}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock")
    found[f"{base}/api/v1/docs"] = dict(page.evaluate(PROBE))
    for url, got in found.items():
        where = url.removeprefix(base)
        assert got["xss"] == 0, f"{where}: a payload ran"
        assert got["csp"] == [], f"{where}: CSP violations {got['csp']}"
        assert got["handlers"] == 0, f"{where}: an element with an injected event handler"
        assert got["scripts"] == 0, f"{where}: an inline script"
        assert got["js_links"] == 0, f"{where}: a javascript: link"
    assert w.alerts == []
    assert w.console == []
    assert w.external == []  # nothing fetched from another host
    text = "\n".join(got["text"] for got in found.values())
    shown = [
        f"{tag} {IMG}"
        for tag in (
            "organisation",
            "entity",
            "site",
            "member",
            "S12",
            "EFF",
            "figure",
            "reference",
            "product",
            "supplier",
        )
    ]
    shown += ["cell <img src=x", SVG, "fuel_img_src_x"]  # rejected cells; the file's safe name
    for expected in shown:
        assert expected in text, f"{expected!r} is not shown as text on any page"

    # what replaced the inline handlers (lingtan.js): a confirmation before removing a member
    # (dismissed: nothing is sent) and a year picker that submits its form
    page.goto(f"{o}/users")
    page.locator("form[data-confirm] button[type=submit]").first.click()
    page.wait_for_timeout(300)
    assert len(w.alerts) == 1
    assert page.url.endswith("/users")
    page.goto(f"{o}/dashboard")
    other = page.locator("#fy option:not([selected])").first.get_attribute("value")
    assert other
    page.select_option("#fy", other)
    page.wait_for_url("**/dashboard?fy=*")
    assert quote(other, safe="") in page.url
    w.ctx.close()
