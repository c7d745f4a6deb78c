"""Security headers on every response (OWASP ASVS 4.0.3 V14.4; decision 0035): pages, API
answers, errors and static files carry the Content-Security-Policy (no inline script, no
framing), nosniff, Referrer-Policy, X-Frame-Options, COOP and Permissions-Policy; HSTS only when
the server's address is https."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lingtan.adapters.server.app import create_app
from lingtan.adapters.services.settings import ServerSettings
from serverkit import TestClient

PATHS = ("/login", "/api/v1/auth/me", "/api/v1/openapi.json", "/static/css/lingtan.css",
         "/no/such/page", "/api/v1/orgs/x/sites")  # fmt: skip


def _client(tmp_path: Path, base_url: str) -> Iterator[TestClient]:
    settings = ServerSettings(data_dir=tmp_path, workers=0, secret="s", base_url=base_url)
    app = create_app(settings)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from _client(tmp_path_factory.mktemp("headers"), "http://testserver")


def test_every_response_carries_the_headers(http: TestClient) -> None:
    for path in PATHS:
        r = http.get(path)
        csp = r.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", path  # no inline script, no eval
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert directives["style-src"] == "'self'"  # no <style> elements
        assert r.headers["x-content-type-options"] == "nosniff"
        # a page with a secret in its address may tighten it (no-referrer)
        assert r.headers["referrer-policy"] in ("strict-origin-when-cross-origin", "no-referrer")
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["cross-origin-opener-policy"] == "same-origin"
        assert "camera=()" in r.headers["permissions-policy"]
        assert "strict-transport-security" not in r.headers  # plain HTTP: no HSTS


def test_hsts_only_over_https(tmp_path: Path) -> None:
    for c in _client(tmp_path, "https://lingtan.example"):
        hsts = c.get("/login").headers["strict-transport-security"]
        assert hsts.startswith("max-age=31536000")


def test_templates_have_no_inline_script_or_style() -> None:
    """What the policy would block must not be in a template (the browser test checks the
    rendered pages, tests/adapters/web/test_web_xss.py)."""
    import re

    folder = Path(__file__).parents[3] / "src" / "lingtan" / "adapters" / "web" / "templates"
    for t in folder.glob("*.html"):
        html = t.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html), t
        assert "<style" not in html, t
        assert not re.search(r"\sstyle=", html), t
        assert not re.search(r"\son[a-z]+=", html), t
        assert "javascript:" not in html, t


def test_api_docs_are_served_from_the_server(http: TestClient) -> None:
    """Swagger UI from the vendored files, started by a script file: it works offline and
    under the policy (the browser test opens it)."""
    import re

    r = http.get("/api/v1/docs")
    assert r.status_code == 200
    assert "cdn" not in r.text.lower()
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text)  # no inline script
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', r.text):
        assert http.get(src).status_code == 200, src


def test_answers_to_credentialed_requests_are_not_cached(http: TestClient) -> None:
    """ASVS V8.1.1 / V8.2.1: what a signed-in user or a token sees is kept by no cache; a
    static file and an anonymous page may be."""
    for path in ("/api/v1/auth/me", "/api/v1/orgs/x/sites", "/login"):
        r = http.get(path, headers={"Authorization": "Bearer lt_unknown"})
        assert r.headers["cache-control"] == "no-store", path
        http.cookies.set("lingtan_session", "not-a-live-session")
        try:
            assert http.get(path).headers["cache-control"] == "no-store", path
        finally:
            http.cookies.clear()
    assert "no-store" not in http.get("/static/css/lingtan.css").headers.get("cache-control", "")
    assert "no-store" not in http.get("/login").headers.get("cache-control", "")
