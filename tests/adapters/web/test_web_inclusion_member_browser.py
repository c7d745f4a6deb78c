"""The carbon-inclusion member page and admin pages in a real browser on a phone-size screen
(issue 18 "done when"; decision 0092): Debian's Chromium driven by Playwright (never a
downloaded browser; requests to any other host refused) against ``lingtan serve``.

At 390 × 844, in zh-CN and en, a member opens their link, sees the balance, logs an action and
sees its arithmetic, redeems a reward, sees the leaderboard and revokes a consent, without
sideways scrolling; the owner opens the admin overview and the programme report. Waits are for
selectors or navigations only (no network-idle, no wall clock). Data:
tests/inclusion_member_kit.py. Screenshots go to ``test-artifacts/web/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from inclusion_member_kit import CODE, Seeded, member_link, seed_site
from lingtan.adapters.i18n.messages import Translator
from livekit import live_server

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "web"
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
Site = Any  # tests/adapters/web/conftest.py: Site


@pytest.fixture(scope="module")
def live(
    site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Site, Seeded, str]]:
    """``lingtan serve`` on a site with the kit's programme: (base URL, site, refs, alice's
    link token)."""
    root = tmp_path_factory.mktemp("live-inclusion")
    site = site_factory(root)
    refs, token = seed_site(site.database_url, site.org)
    with live_server(site.database_url, root, timeout_s=300) as server:
        yield server.base, site, refs, token


def _page(browser: Any, base: str, external: list[str], locale: str) -> Any:
    """A phone-size page whose requests to any other host are refused and recorded."""
    ctx = browser.new_context(viewport=PHONE, locale=locale, is_mobile=True, has_touch=True)
    host = urlparse(base).netloc

    def route(r: Any) -> None:
        if urlparse(r.request.url).netloc == host:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx.new_page()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _submit(page: Any, selector: str) -> None:
    """Click a form's button and wait for the next document to load."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_selector("#balance")


def _balance(page: Any) -> int:
    return int(page.inner_text("#im-balance"))


def _member_walk(page: Any, base: str, token: str, t: Translator, name: str) -> None:
    """Balance → log a quiz (its arithmetic) → redeem the cup → the leaderboard."""
    page.goto(f"{base}/m/{token}")
    page.wait_for_selector("#balance")
    assert page.get_attribute("html", "lang") == t.locale  # from the browser's language
    assert page.evaluate(OVERFLOW) <= 0  # one column: no sideways scrolling
    assert t("incl_member.balance") in page.inner_text("#balance-h")
    before = _balance(page)
    page.select_option("#im-action", "learn.quiz")
    page.fill("#im-quantity", "1")
    page.select_option("#im-unit", "item")
    box = page.locator("#im-log").bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a large touch target
    _submit(page, "#im-log")
    page.wait_for_selector("#result")
    assert t("incl_member.done.logged") in page.inner_text("#im-done")
    assert page.inner_text("#im-result-points") == "5"
    assert t("incl_member.points_line", points=5, multiplier="1") in page.inner_text("#result")
    assert _balance(page) == before + 5
    _shot(page, f"inclusion-member-{name}-logged")
    _submit(page, "#im-reward-cup button")
    assert t("incl_member.done.redeemed") in page.inner_text("#im-done")
    assert _balance(page) == before + 5 - 10
    board = page.inner_text("#leaderboard")
    assert "环境周 Environment Week" in board
    assert t("incl_member.scope.individual") in board
    assert page.evaluate(OVERFLOW) <= 0


def test_member_page_on_a_phone_zh(browser: Any, live: tuple[str, Site, Seeded, str]) -> None:
    base, _site, _refs, token = live
    zh = Translator("zh-CN")
    external: list[str] = []
    page = _page(browser, base, external, "zh-CN")
    _member_walk(page, base, token, zh, "zh")
    # alice ranks on the individual board: her quiz was logged inside the campaign's window
    assert zh("incl_member.my_rank", rank="|", n="|").split("|")[0] in page.inner_text(
        "#leaderboard"
    )
    assert page.locator("#leaderboard li.mine").count() >= 1
    _submit(page, "#im-consent-zz button")
    assert zh("incl_member.done.revoked") in page.inner_text("#im-done")
    assert page.locator("#im-consent-zz button").count() == 0
    _shot(page, "inclusion-member-zh-revoked")
    page.context.close()
    assert external == []


def test_member_page_on_a_phone_en(browser: Any, live: tuple[str, Site, Seeded, str]) -> None:
    base, site, refs, _token = live
    en = Translator("en")
    external: list[str] = []
    page = _page(browser, base, external, "en-GB")
    _member_walk(page, base, member_link(site.database_url, site.org, refs.bob), en, "en")
    assert en("incl_member.none.consents") in page.inner_text("#consents")
    page.click("#history details summary")
    assert "kg CO₂e" in page.inner_text("#history")
    page.context.close()
    assert external == []


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_admin_pages_on_a_phone(
    browser: Any, live: tuple[str, Site, Seeded, str], password: str, locale: str
) -> None:
    base, site, _refs, _token = live
    t = Translator("zh-CN" if locale == "zh-CN" else "en")
    external: list[str] = []
    page = _page(browser, base, external, locale)
    page.goto(f"{base}/login")
    page.fill("#email", site.owner)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("form[action='/login'] button[type=submit]")
    page.goto(f"{base}/o/{site.org}/inclusion")
    page.wait_for_selector("#inclusion-programmes")
    assert t("incl_member.overview.title") in page.inner_text("h1")
    with page.expect_navigation():
        page.click(f"#report-{CODE}")
    page.wait_for_selector("#report-points")
    assert t("incl_member.report.points") in page.inner_text("main")
    assert page.inner_text("#r-participants") == "3"
    assert page.evaluate(OVERFLOW) <= 0  # wide tables scroll inside their box
    _shot(page, f"inclusion-report-{locale}")
    page.context.close()
    assert external == []
