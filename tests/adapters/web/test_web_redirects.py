"""No open redirect through ``next=`` (OWASP ASVS 4.0.3 V5.1.5; decision 0035): after logging
in, the browser goes only to a path of this site; another site's address in any disguise sends
it to the start page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from webkit import PASSWORD, TestClient, create_site_app, csrf_token

from lingtan.adapters.web.session import safe_next

Site = Any  # tests/adapters/web/conftest.py: Site

HOSTILE = [
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/%0a",  # harmless as text, kept below
    " /evil",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http:/evil.example",
    "evil.example",
    "/" + "a" * 2001,
    "",
]
LOCAL = ["/", "/o/acme/dashboard", "/o/acme/inventory?fy=FY2023%2F24&scope=1", "/%0a"]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_targets_become_the_start_page(url: str) -> None:
    assert safe_next(url) == ("/%0a" if url == "/%0a" else "/")


@pytest.mark.parametrize("url", LOCAL)
def test_local_paths_are_kept(url: str) -> None:
    assert safe_next(url) == url


def test_login_redirects_only_within_the_site(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> None:
    site = site_factory(tmp_path)
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        form = c.get("/login?next=//evil.example/x").text
        assert 'value="//evil.example/x"' not in form
        token = csrf_token(c, "/login")
        for url, expected in (("//evil.example/x", "/"), ("/\\evil.example", "/"),
                              ("/o/synthetic/audit", "/o/synthetic/audit")):  # fmt: skip
            c.cookies.delete("lingtan_session")
            data = {"email": site.owner, "password": PASSWORD, "next": url, "csrf_token": token}
            r = c.post("/login", data=data)
            assert r.status_code == 303, r.text
            assert r.headers["location"] == expected
