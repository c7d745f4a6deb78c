"""The API's documentation pages work offline (issue 13, item 8; decision 0058): Swagger UI
(``/api/v1/docs``) and ReDoc (``/api/v1/redoc``) load only same-origin files — the vendored
npm bundles with their licence files — never a CDN; ``/docs`` and ``/redoc`` lead there."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from lingtan.adapters.api import docs_page
from lingtan.adapters.server.app import create_app
from lingtan.adapters.services.settings import ServerSettings
from lingtan.adapters.web import STATIC_DIR
from serverkit import TestClient

PAGES = ("/api/v1/docs", "/api/v1/redoc")
_REF = re.compile(r'\b(?:src|href)="([^"]*)"')


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = ServerSettings(
        data_dir=tmp_path_factory.mktemp("docs"), workers=0, secret="s",
        base_url="http://testserver",
    )  # fmt: skip
    app = create_app(settings)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.mark.parametrize("page", PAGES)
def test_pages_reference_only_same_origin_files(http: TestClient, page: str) -> None:
    r = http.get(page)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    refs = _REF.findall(r.text)
    scripts = [u for u in refs if u.endswith(".js")]
    assert len(scripts) == 2  # the vendored bundle and its start script
    for url in refs:
        if url.startswith("data:"):  # the empty favicon
            continue
        assert url.startswith("/static/"), url
        got = http.get(url)
        assert got.status_code == 200, url
        assert len(got.content) > 0, url
    assert "cdn" not in r.text.lower()
    assert "http://" not in r.text
    assert "https://" not in r.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text)  # no inline script


def test_redoc_has_its_own_policy_without_remote_or_inline_script(http: TestClient) -> None:
    csp = http.get("/api/v1/redoc").headers["content-security-policy"]
    assert csp == docs_page.REDOC_POLICY
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["worker-src"] == "'self' blob:"


@pytest.mark.parametrize(("short", "page"), [("/docs", PAGES[0]), ("/redoc", PAGES[1])])
def test_short_addresses_redirect(http: TestClient, short: str, page: str) -> None:
    r = http.get(short, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (307, page)


def test_the_pages_are_not_api_operations(http: TestClient) -> None:
    paths = http.get("/api/v1/openapi.json").json()["paths"]
    assert not any(p.endswith(("/docs", "/redoc")) for p in paths)


def test_vendored_bundles_ship_with_their_licences() -> None:
    vendor = STATIC_DIR / "vendor"
    licences = (
        "redoc/LICENSE-redoc.txt",
        "redoc/redoc.standalone.js.LICENSE.txt",
        "swagger-ui/LICENSE-swagger-ui.txt",
        "swagger-ui/NOTICE-swagger-ui.txt",
    )
    for name in licences:
        assert (vendor / name).is_file(), name
    assert "MIT" in (vendor / "redoc" / "LICENSE-redoc.txt").read_text(encoding="utf-8")
    versions = (vendor / "VERSIONS.txt").read_text(encoding="utf-8")
    assert re.search(r"^redoc 2\.5\.4 MIT sha512-", versions, re.M)
    bundle = (vendor / "redoc" / "redoc.standalone.js").read_text(encoding="utf-8")
    assert "redoc.standalone.js.LICENSE.txt" in bundle.splitlines()[0]
    assert not bundle.rstrip().endswith(".map")  # its source-map comment removed
    assert "cdn.redoc.ly" not in bundle  # its logo image from a CDN replaced
