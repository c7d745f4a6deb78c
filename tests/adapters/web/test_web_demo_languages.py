"""Every page of the demo, in a real browser, in both languages (issue 13, "Done when").

``lingtan demo`` builds the demo, ``prepare_demo`` registers it as ``lingtan serve --demo``
does, and Debian's Chromium (Playwright, never a downloaded browser) visits every page of the
main menu (the control tower's overview first) and of its sub-menus (targets, suppliers,
energy, risks, inclusion, disclosure), a lineage page, a product page and a disclosure edition,
for each demo organisation, once in zh-CN and once in en; and the carbon-inclusion member page
of the demo's member links (``inclusion-member-links.txt``, printed by ``lingtan serve
--demo``) on a phone-sized viewport (390×844), with the member's balance shown. On each page:

- **one language at a time:** a zh-CN page shows no text of the English catalogue and no run of
  English words outside data (tables, code, identifiers); an en page shows no Chinese outside
  data and no text of the Chinese catalogue anywhere;
- **something to show:** the page's main area has a data table row, a chart, a list item, a
  card or a form to fill in, and not every chart of it shows its empty state;
- a full-page screenshot is saved under ``test-artifacts/web/demo/<locale>/`` for people to
  look at.

Without /usr/bin/chromium the test is skipped, except in CI (env ``CI`` set): see conftest.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.web.nav import (
    DISCLOSURE,
    ENERGY,
    INCLUSION,
    MAIN,
    RISKS,
    SUPPLIERS,
    TARGETS,
)
from livekit import live_server

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web" / "demo"
LAPTOP = {"width": 1366, "height": 900}
#: a page's time to load [ms]: pages render on the server, which shares a loaded test machine
NAVIGATION_MS = 120_000
PHONE = {"width": 390, "height": 844}  # the member page's viewport (issue 18, "Done when")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: four or more English words in a row: a sentence, not an identifier or a unit
ENGLISH_RUN = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){3,}\b")
#: the text of a page in its language: without what is marked as in another language
#: (``lang``: the language switcher names each language in itself), titles cited (``cite``:
#: a source's title as published) and anything marked translate="no" (the brand, names a user
#: gave, dataset names); with ``strict``, also without data (tables, code, form fields)
PAGE_TEXT = """(strict) => {
  const skip = 'script, style, cite, [translate="no"]'
    + (strict ? ', table, pre, code, select, textarea, input, .data' : '');
  const lang = document.documentElement.lang;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const tagged = el.closest('[lang]');
    if (tagged && tagged.lang !== lang) continue;
    const style = window.getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  return out.join('\\n');
}"""
#: what counts as something shown in the main area
HAS_DATA = (
    "main table tbody tr, main svg, main canvas, main li, main .card, main dl dd, "
    "main [data-testid=total], main form input:not([type=hidden]), main textarea"
)


def _fragments(text: str) -> list[str]:
    """The literal parts of a catalogue text (its ``{parameters}`` removed)."""
    return [p.strip(" .:·,;()") for p in re.split(r"\{[^}]*\}", text)]


def _only_in(locale: str, other: str) -> set[str]:
    """Catalogue fragments of ``locale`` that the ``other`` catalogue does not use as is."""
    mine, theirs = catalogue(locale), catalogue(other)
    frags: set[str] = set()
    shared = set(theirs.values())
    for key, text in mine.items():
        if text == theirs.get(key) or text in shared:
            continue
        for frag in _fragments(text):
            if (locale == "en" and len(frag) >= 12 and " " in frag) or (
                locale == "zh-CN" and len(CJK.findall(frag)) >= 4
            ):
                frags.add(frag)
    return frags


@pytest.fixture(scope="module")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str, str, list[str], list[str]]]:
    """The demo built and served: (base URL, email, password, organisation slugs, the member
    pages' paths of the demo's member links).

    The suite's one demo with the energy demo's FULL readings (two whole fiscal years, as
    ``make demo`` loads them; the other tests' demos load the small ones, decision 0086): every
    page, the whole year's anomalies and the measured savings included, shows data."""
    from lingtan.adapters.cli.demo import run_demo
    from lingtan.adapters.server.serve import prepare_demo
    from lingtan.adapters.services.energy_demo import READINGS_ENV
    from lingtan.adapters.services.inclusion_demo import read_member_links

    root = tmp_path_factory.mktemp("demo")
    demo = root / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(READINGS_ENV, "full")
        code = run_demo(demo, generate_rows=None, seed=7, console=Console(file=io.StringIO()))
        assert code == 0
        url = f"sqlite:///{(demo / 'lingtan-server.db').resolve()}"
        email, password, slugs = prepare_demo(demo, url)
    members = [path for _programme, _ref, path in read_member_links(demo)]
    assert len(members) == 2  # a demo employee and a demo consumer (issue 18)
    with live_server(url, demo) as server:
        yield server.base, email, password, slugs, members


def _pages(page: Any, base: str, org: str) -> list[tuple[str, str]]:
    """(name, URL) of every page to visit for ``org``: both menus, a lineage, a product."""
    urls = [(e.key, f"{base}/o/{org}/{e.path}") for e in MAIN.entries]
    urls += [(f"targets-{e.key}", f"{base}/o/{org}/{e.path}") for e in TARGETS.entries[1:]]
    urls += [(f"suppliers-{e.key}", f"{base}/o/{org}/{e.path}") for e in SUPPLIERS.entries[1:]]
    urls += [(f"energy-{e.key}", f"{base}/o/{org}/{e.path}") for e in ENERGY.entries[1:]]
    urls += [(f"risks-{e.key}", f"{base}/o/{org}/{e.path}") for e in RISKS.entries[1:]]
    urls.append(("risks-matrix", f"{base}/o/{org}/risks/matrix"))
    for name, listing, link in (  # one page of each kind of the climate-risk pages (issue 17)
        ("risk", "risks", "table#risks a[href*='/risks/']"),
        ("aspect", "risks/aspects", "table a[href*='/risks/aspects/']"),
        ("scenario-run", "risks/scenarios", "a[href*='/risks/scenarios/runs/']"),
        ("risk-site", "risks/sites", "table a[href*='/risks/sites/']"),
        ("meeting", "risks/governance", "a[href*='/risks/governance/meetings/']"),
    ):
        page.goto(f"{base}/o/{org}/{listing}")
        found = page.locator(f"main {link}").first
        if found.count():
            urls.append((name, base + str(found.get_attribute("href"))))
    urls += _inclusion_pages(page, base, org)
    # the disclosure sub-menu (issue 19: mapping, narratives, verification, circularity; the
    # main menu has the editions and the control tower's overview) and an edition's page
    urls += [(f"disclosure-{e.key}", f"{base}/o/{org}/{e.path}") for e in DISCLOSURE.entries[1:]]
    page.goto(f"{base}/o/{org}/disclosure")
    edition = page.locator("main a[href*='/disclosure/editions/']").first
    if edition.count():
        urls.append(("edition", base + str(edition.get_attribute("href"))))
    page.goto(f"{base}/o/{org}/energy")
    site = page.locator("main table a[href*='/energy/sites/']").first
    if site.count():  # a site's energy dashboard (issue 16)
        urls.append(("energy-site", base + str(site.get_attribute("href"))))
    page.goto(f"{base}/o/{org}/certificates")
    cert = page.locator("main table a[href*='/certificates/']").first
    if cert.count():  # one certificate with its evidence (issue 16)
        urls.append(("certificate", base + str(cert.get_attribute("href"))))
    page.goto(f"{base}/o/{org}/suppliers")
    supplier = page.locator("main table a[href*='/suppliers/']").first
    if supplier.count():  # a supplier's profile and its reviews (issue 15)
        href = str(supplier.get_attribute("href"))
        urls += [("supplier", base + href), ("supplier-reviews", f"{base}{href}/reviews")]
    page.goto(f"{base}/o/{org}/inventory")
    lineage = page.locator("main a[href*='/lineage/']").first
    if lineage.count():
        urls.append(("lineage", base + str(lineage.get_attribute("href"))))
    page.goto(f"{base}/o/{org}/products")
    product = page.locator("main a[href*='/products/']").first
    if product.count():
        urls.append(("product", base + str(product.get_attribute("href"))))
    urls.append(("factors-search", f"{base}/o/{org}/factors?q=diesel"))
    return urls


def _inclusion_pages(page: Any, base: str, org: str) -> list[tuple[str, str]]:
    """One carbon-inclusion page of each kind (issue 18): a programme, a methodology pack, the
    programme's report and campaigns, an event of the review."""
    urls = [("inclusion-pack", f"{base}/o/{org}/inclusion/methodologies/shenzhen.public-transport")]
    page.goto(f"{base}/o/{org}/inclusion/programmes")
    found = page.locator("main table a[href*='/inclusion/programmes/']").first
    if found.count():  # the sub-menu's pages of an organisation that runs a programme: the
        # demo's is "synthetic" (the campaigns and review pages need one to show anything)
        urls += [(f"inclusion-{e.key}", f"{base}/o/{org}/{e.path}") for e in INCLUSION.entries[1:]]
        href = str(found.get_attribute("href"))
        code = href.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        urls += [
            ("inclusion-programme", base + href),
            ("inclusion-report", f"{base}/o/{org}/inclusion/report/{code}"),
            ("inclusion-campaigns-of", f"{base}/o/{org}/inclusion/campaigns?programme={code}"),
        ]
    page.goto(f"{base}/o/{org}/inclusion/review")
    event = page.locator("main a[href*='/inclusion/review/events/']").first
    if event.count():
        urls.append(("inclusion-event", base + str(event.get_attribute("href"))))
    return urls


def _check(page: Any, where: str, locale: str, foreign: set[str], problems: list[str]) -> None:
    """The page's language rules and that it shows something (module docstring)."""
    other = "en" if locale == "zh-CN" else "zh-CN"
    everything = str(page.evaluate(PAGE_TEXT, False))
    outside = str(page.evaluate(PAGE_TEXT, True))
    shown = [f for f in foreign if f in everything]
    if shown:
        problems.append(f"{where}: {other} catalogue text {sorted(shown)[:5]}")
    if locale == "zh-CN":
        runs = ENGLISH_RUN.findall(outside)
        if runs:
            problems.append(f"{where}: English text {runs[:5]}")
    elif CJK.search(outside):
        lines = [ln for ln in outside.splitlines() if CJK.search(ln)]
        problems.append(f"{where}: Chinese text {lines[:5]}")
    title = page.title()
    if not title or len(title) > 120 or "<" in title:
        problems.append(f"{where}: title {title[:80]!r}")
    if page.locator(HAS_DATA).count() == 0:
        problems.append(f"{where}: nothing shown")
    charts = page.locator("main [data-chart]").count()
    empty = page.locator("main [data-empty]").count()
    if charts and empty >= charts:
        problems.append(f"{where}: no chart has data")


def _member_pages(
    browser: Any, base: str, members: list[str], locale: str, foreign: set[str], out: Path
) -> list[str]:
    """The demo members' own page (no login) on a phone: language rules, balance shown."""
    problems: list[str] = []
    ctx = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(NAVIGATION_MS)
    page = ctx.new_page()
    for n, path in enumerate(members):
        response = page.goto(f"{base}{path}?lang={locale}")
        where = f"member page {n + 1}"
        if response is None or response.status >= 400:
            problems.append(f"{where}: HTTP {response.status if response else '—'}")
            continue
        page.screenshot(path=str(out / f"member-{n + 1}-phone.png"), full_page=True)
        _check(page, where, locale, foreign, problems)
        balance = page.locator("#im-balance")
        if not balance.count() or not re.fullmatch(r"-?\d+", balance.inner_text().strip()):
            problems.append(f"{where}: no balance shown")
        wide = page.evaluate("document.documentElement.scrollWidth")
        if int(wide) > PHONE["width"]:
            problems.append(f"{where}: {wide} px wide on a {PHONE['width']} px phone")
    ctx.close()
    return problems


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_demo_page_in_one_language_with_data(
    browser: Any, demo_server: tuple[str, str, str, list[str], list[str]], locale: str
) -> None:
    base, email, password, slugs, members = demo_server
    other = "en" if locale == "zh-CN" else "zh-CN"
    foreign = _only_in(other, locale)
    ctx = browser.new_context(viewport=LAPTOP, locale=locale)
    ctx.set_default_timeout(NAVIGATION_MS)
    page = ctx.new_page()
    page.goto(f"{base}/login?lang={locale}")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)
    problems: list[str] = []
    out = ARTIFACTS / locale
    out.mkdir(parents=True, exist_ok=True)
    for org in slugs:
        for name, url in _pages(page, base, org):
            response = page.goto(url)  # waits for "load": pages are rendered on the server
            where = f"{org}/{name} ({url.removeprefix(base)})"
            if response is None or response.status >= 400:
                problems.append(f"{where}: HTTP {response.status if response else '—'}")
            page.screenshot(path=str(out / f"{org}-{name}.png"), full_page=True)
            _check(page, where, locale, foreign, problems)
    ctx.close()
    problems += _member_pages(browser, base, members, locale, foreign, out)
    assert not problems, "\n".join(problems)
