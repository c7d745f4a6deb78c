"""The import page asks before adding a file that repeats an earlier batch (issue 10 item 7):
the upload answers with a confirmation (the batch's file name, date and overlap %) and three
choices — keep both, replace that batch, cancel — and nothing is imported until one is made."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import TestClient, create_site_app, csrf_token, login

from lingtan.adapters.i18n.messages import catalogue
from lingtan.adapters.server.worker import run_pending

Site = Any  # tests/adapters/web/conftest.py: Site
HX = {"HX-Request": "true"}


@pytest.fixture
def client(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path)
    with TestClient(create_site_app(site, workers=0), follow_redirects=False) as c:
        login(c, site.owner)
        yield c, site


def _fuel(c: TestClient, site: Site) -> tuple[bytes, dict[str, Any]]:
    """The first 3 rows of the organisation's FY2023/24 fuel file, and its batch (the batch
    id is the file's sha256)."""
    path = site.root / "orgs" / site.org / "activity" / "fy2023-24" / "fuel.csv"
    raw = path.read_bytes()
    batches = c.get(f"/api/v1/orgs/{site.org}/imports").json()
    batch = next(b for b in batches if b["id"] == hashlib.sha256(raw).hexdigest())
    return b"".join(raw.splitlines(True)[:4]), batch


def _upload(c: TestClient, site: Site, name: str, data: bytes, lang: str = "en") -> Any:
    page = f"/o/{site.org}/imports"
    return c.post(f"{page}?lang={lang}", data={"csrf_token": csrf_token(c, page)},
                  files={"file": (name, data, "text/csv")}, headers=HX)  # fmt: skip


def _batches(c: TestClient, site: Site) -> list[str]:
    """File names of the active batches, as the server's store has them."""
    r = c.get(f"/api/v1/orgs/{site.org}/imports", params={"active_only": True})
    return [b["file_name"] for b in r.json()]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_page_asks_and_names_the_batch(client: tuple[TestClient, Site], lang: str) -> None:
    c, site = client
    data, batch = _fuel(c, site)
    before = _batches(c, site)
    r = _upload(c, site, "fuel_again.csv", data, lang)
    assert r.status_code == 200, r.text  # the HTMX partial, swapped into the page
    html = r.text
    t = catalogue(lang)
    assert t["imports.duplicate_title"] in html
    text = re.search(r'<p id="duplicate-text">(.*?)</p>', html, re.S)
    assert text
    # 3 of 3 rows are in fuel.csv (the first three deliveries of FY2023/24): 100 %
    when = batch["imported_at"][:16].replace("T", " ")
    for part in ("fuel_again.csv", "fuel.csv", "100", batch["id"][:12], when):
        assert part in text.group(1), part
    for choice in ("append", "supersede", "cancel"):
        assert f'id="decision-{choice}"' in html
    assert 'name="csrf_token"' in html
    assert _batches(c, site) == before  # nothing imported yet
    # without JavaScript: a page of its own, 409
    page = f"/o/{site.org}/imports"
    full = c.post(page, data={"csrf_token": csrf_token(c, page)},
                  files={"file": ("fuel_again.csv", data, "text/csv")})  # fmt: skip
    assert full.status_code == 409
    assert "<h1>" in full.text
    assert 'id="decision-append"' in full.text


def _decide(c: TestClient, site: Site, html: str, decision: str) -> Any:
    m = re.search(r'action="(/o/[^"]+/imports/pending/[0-9a-f]{32})"', html)
    assert m, html
    token = csrf_token(c, f"/o/{site.org}/imports")
    return c.post(m.group(1), data={"decision": decision, "csrf_token": token}, headers=HX)


def test_keep_both(client: tuple[TestClient, Site]) -> None:
    c, site = client
    data, _ = _fuel(c, site)
    before = _batches(c, site)
    r = _decide(c, site, _upload(c, site, "fuel_again.csv", data).text, "append")
    assert r.status_code == 200
    assert 'class="job card"' in r.text
    assert run_pending(c.app.state.engine) == 1
    assert _batches(c, site) == [*before, "fuel_again.csv"]


def test_replace_the_earlier_batch(client: tuple[TestClient, Site]) -> None:
    c, site = client
    data, batch = _fuel(c, site)
    r = _decide(c, site, _upload(c, site, "fuel_fixed.csv", data).text, "supersede")
    assert r.status_code == 200
    assert 'class="job card"' in r.text
    assert run_pending(c.app.state.engine) == 1
    every = {b["id"]: b for b in c.get(f"/api/v1/orgs/{site.org}/imports").json()}
    new = next(b for b in every.values() if b["file_name"] == "fuel_fixed.csv")
    assert every[batch["id"]]["superseded_by"] == new["id"]


def test_cancel_imports_nothing(client: tuple[TestClient, Site]) -> None:
    c, site = client
    data, _ = _fuel(c, site)
    before = _batches(c, site)
    html = _upload(c, site, "fuel_again.csv", data).text
    r = _decide(c, site, html, "cancel")
    assert r.status_code == 200
    assert catalogue("en")["imports.duplicate_cancelled"] in r.text
    assert run_pending(c.app.state.engine) == 0
    assert _batches(c, site) == before
    assert list((site.root / "orgs" / site.org / "uploads").iterdir()) == []
    # a viewer may not answer (nor upload)
    viewer = TestClient(c.app, follow_redirects=False)
    login(viewer, site.viewer)
    m = re.search(r"/imports/pending/([0-9a-f]{32})", html)
    assert m
    token = csrf_token(viewer, f"/o/{site.org}/dashboard")
    r = viewer.post(f"/o/{site.org}/imports/pending/{m.group(1)}",
                    data={"decision": "append", "csrf_token": token})  # fmt: skip
    assert r.status_code == 403


def test_keys_in_both_catalogues() -> None:
    en, zh = catalogue("en"), catalogue("zh-CN")
    mine = [k for k in en if k.startswith(("imports.duplicate", "evidence."))]
    assert len(mine) >= 7
    for k in mine:
        assert zh.get(k), k
        assert zh[k] != en[k], k
