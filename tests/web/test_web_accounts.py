"""The account pages (decision 0034): login lockout (ASVS V2.2.1), password change ending the
other sessions (V3.3.3), log out everywhere (V3.3.4), invitations of an existing account
accepted only logged in as it, and the lockouts owners see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import PASSWORD, TestClient, create_site_app, csrf_token, login

Site = Any  # tests/web/conftest.py: Site
NEW = "another long passphrase"


@pytest.fixture
def site_client(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path)
    app = create_site_app(site, login_max_failures=3, lockout_s=120)
    with TestClient(app, follow_redirects=False) as c:
        yield c, site


def _browser(c: TestClient) -> TestClient:
    return TestClient(c.app, follow_redirects=False)


def test_login_lockout_and_the_owners_view(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    guest = _browser(c)
    token = csrf_token(guest, "/login")
    codes = []
    for _ in range(5):
        r = guest.post("/login", data={"email": site.viewer, "password": "not it at all",
                                       "csrf_token": token})  # fmt: skip
        codes.append(r.status_code)
    assert codes == [401, 401, 401, 429, 429]
    assert 0 < int(r.headers["retry-after"]) <= 120
    assert 'id="login-error"' in r.text
    r = guest.post("/login", data={"email": site.viewer, "password": PASSWORD,
                                   "csrf_token": token})  # fmt: skip
    assert r.status_code == 429  # locked: the right password too
    login(c, site.owner)
    html = c.get(f"/o/{site.org}/users?lang=en").text
    lockouts = html[html.index('id="lockouts"') :]
    assert site.viewer in lockouts.split("</table>")[0]


def test_password_change_ends_other_sessions(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    login(c, site.owner)
    other = _browser(c)
    login(other, site.owner)
    assert other.get(f"/o/{site.org}/users").status_code == 200
    token = csrf_token(c, "/account")
    bad = {"current_password": PASSWORD, "new_password": NEW, "new_password2": NEW + "x"}
    assert c.post("/account/password", data={**bad, "csrf_token": token}).status_code == 422
    wrong = {"current_password": "not the password", "new_password": NEW, "new_password2": NEW}
    assert c.post("/account/password", data={**wrong, "csrf_token": token}).status_code == 403
    good = {"current_password": PASSWORD, "new_password": NEW, "new_password2": NEW}
    r = c.post("/account/password", data={**good, "csrf_token": token})
    assert (r.status_code, r.headers["location"]) == (303, "/account?done=password")
    assert 'id="account-done"' in c.get("/account?done=password").text  # a new session
    assert other.get(f"/o/{site.org}/users").status_code == 302  # the other one ended
    login(other, site.owner, NEW)
    # log out everywhere
    r = c.post("/account/logout-all", data={"csrf_token": csrf_token(c, "/account")})
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert other.get(f"/o/{site.org}/users").status_code == 302


def test_an_existing_account_accepts_only_logged_in(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    login(c, site.owner)
    page = f"/o/{site.org}/users"
    # the outsider (owner of another organisation) is invited here
    r = c.post(page, data={"email": site.outsider, "role": "auditor",
                           "csrf_token": csrf_token(c, page)})  # fmt: skip
    link = r.text.split('id="users-link-url" type="text" readonly value="http://testserver')[1]
    link = link.split('"')[0]
    guest = _browser(c)
    html = guest.get(link + "?lang=en").text
    assert 'id="invitation-login"' in html  # log in first; no password field
    assert 'name="password"' not in html
    guess = "guessing a password"
    r = guest.post(link, data={"password": guess, "password2": guess,
                               "csrf_token": csrf_token(guest, "/login")})  # fmt: skip
    assert r.status_code in (401, 422)
    viewer = _browser(c)
    login(viewer, site.viewer)  # another account: refused
    r = viewer.post(link, data={"csrf_token": csrf_token(viewer, link)})
    assert r.status_code == 403
    outsider = _browser(c)
    login(outsider, site.outsider)
    r = outsider.post(link, data={"csrf_token": csrf_token(outsider, link)})
    assert r.status_code == 303
    assert outsider.get(f"/o/{site.org}/dashboard", follow_redirects=True).status_code == 200
    assert outsider.get(link).status_code == 404  # used
    login(outsider, site.outsider)  # the outsider's own password is unchanged
