"""The fraud-review pages (decision 0089): the queue of held events with accept/reject (CSRF),
the liability and chain check, an event's page with the arithmetic of its points and ledger
entries, the reversal form; zh-CN and en; a viewer reads but gets 403 on a change, another
organisation's member 404."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, csrf_token, login

from inclusion_events_kit import CODE, AllowAll, server_programme
from lingtan.adapters.i18n.messages import Translator

Site = Any  # tests/adapters/web/conftest.py: Site
EN, ZH = Translator("en"), Translator("zh-CN")


def _events(site: Site) -> tuple[int, int]:
    """A carbon-neutral PC purchase (accepted, 5 points) and a held quiz of m-bob; their ids."""
    from sqlalchemy import select

    from lingtan.adapters.services import inclusion_events as ev
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session, tenant_session
    from lingtan.adapters.store.tenancy import Organisation

    engine = make_engine(site.database_url)
    try:
        with system_session(engine) as s:
            org_id = s.scalars(select(Organisation.id).where(Organisation.slug == site.org)).one()
        with tenant_session(engine, org_id, actor="tests") as s:
            at = datetime(2026, 3, 2, 8)
            pc = ev.record_event(s, AllowAll(), CODE, ev.EventIn(
                "m-alice", "purchase.carbon_neutral_pc", 1, "item", at))  # fmt: skip
            books = [ev.EventIn("m-bob", "donate.book", 1, "item", at)
                     for _ in range(ev.REVIEW_DAILY_EVENTS + 1)]  # fmt: skip
            held = ev.record_events(s, AllowAll(), CODE, books)[-1]
            s.commit()
            return pc.event_id, held.event_id
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    made = site_factory(tmp_path_factory.mktemp("inclusion-events"))
    server_programme(made.database_url, made.org)
    return made


@pytest.fixture(scope="module")
def ids(site: Site) -> tuple[int, int]:
    return _events(site)


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        yield c


def post(client: TestClient, url: str, lang: str = "en", **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def test_review_page_in_both_languages(
    client: TestClient, site: Site, ids: tuple[int, int]
) -> None:
    base = f"/o/{site.org}/inclusion/review"
    pc, held = ids
    for lang, t in (("zh-CN", ZH), ("en", EN)):
        page = client.get(f"{base}?lang={lang}")
        assert page.status_code == 200, page.text
        assert t("incl_ev.title.review") in page.text
        assert f'id="event-{held}"' in page.text
        assert t("incl_ev.chain.ok", entries=1) in page.text
    detail = client.get(f"{base}/events/{pc}?lang=zh-CN")
    assert detail.status_code == 200
    assert ZH("incl_ev.trace") in detail.text
    assert ZH("incl_ev.step.base") in detail.text
    assert ZH("incl_ev.counts.engagement") in detail.text


def test_decide_and_reverse(client: TestClient, site: Site, ids: tuple[int, int]) -> None:
    base = f"/o/{site.org}/inclusion/review"
    pc, held = ids
    r = post(client, f"{base}/events/{held}/decide", decision="maybe", programme=CODE, lang="zh-CN")
    assert r.status_code == 422
    assert ZH("incl_ev.err.decision", value="maybe") in r.text
    r = post(client, f"{base}/events/{held}/decide", decision="reject", programme=CODE)
    assert r.status_code == 303
    page = client.get(r.headers["location"] + "&lang=en")
    assert EN("incl_ev.done.rejected") in page.text
    assert EN("incl_ev.queue_empty") in page.text
    r = post(client, f"{base}/events/{pc}/reverse", reason="duplicate")
    assert r.status_code == 303
    page = client.get(r.headers["location"] + "&lang=en")
    assert EN("incl_ev.done.reversed") in page.text
    assert EN("incl_ev.entry.reversal") in page.text
    r = post(client, f"{base}/events/{pc}/reverse", reason="again", lang="zh-CN")
    assert r.status_code == 422


def test_viewer_and_outsider(site: Site, ids: tuple[int, int]) -> None:
    base = f"/o/{site.org}/inclusion/review"
    pc, _held = ids
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        assert c.get(base).status_code == 200
        assert post(c, f"{base}/events/{pc}/reverse", reason="x").status_code == 403
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.outsider)
        assert c.get(base).status_code == 404
        assert c.get(f"/o/{site.other_org}/inclusion/review/events/{pc}").status_code == 404
