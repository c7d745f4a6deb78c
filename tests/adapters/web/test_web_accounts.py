"""The account pages (decision 0034): login lockout (ASVS V2.2.1), password change ending the
other sessions (V3.3.3), log out everywhere (V3.3.4), invitations of an existing account
accepted only logged in as it, and the lockouts owners see."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from webkit import PASSWORD, TestClient, create_site_app, csrf_token, login

Site = Any  # tests/adapters/web/conftest.py: Site
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


def _login_form(c: TestClient, email: str, otp: str) -> int:
    token = csrf_token(c, "/login")
    data = {"email": email, "password": PASSWORD, "otp": otp, "next": "/", "csrf_token": token}
    return c.post("/login", data=data).status_code


def test_second_factor_through_the_pages(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> None:
    """Enrol on /account (required of owners here: other pages redirect there first), log in
    with a code, then with a recovery code once (ASVS V2.8.1, V2.6.1, V2.6.2)."""
    site = site_factory(tmp_path)
    app = create_site_app(site, require_second_factor=("owner",))
    with TestClient(app, follow_redirects=False) as c:
        login(c, site.owner)
        r = c.get(f"/o/{site.org}/users")
        assert (r.status_code, r.headers["location"]) == (302, "/account?need=second_factor")
        assert 'id="second-factor-needed"' in c.get("/account?need=second_factor").text
        token = csrf_token(c, "/account")
        wrong = {"current_password": "not it", "csrf_token": token}
        assert c.post("/account/totp/setup", data=wrong).status_code == 403
        r = c.post("/account/totp/setup", data={"current_password": PASSWORD, "csrf_token": token})
        assert r.status_code == 200
        assert 'src="data:image/svg+xml' in r.text  # the QR code, inline (CSP: img-src data:)
        secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', r.text)
        assert secret is not None
        assert 'id="totp-uri">otpauth://totp/' in r.text
        code = pyotp.TOTP(secret.group(1).replace(" ", "")).at(time.time())
        r = c.post("/account/totp/enable", data={"code": code, "csrf_token": token})
        assert r.status_code == 200, r.text
        listed = r.text[r.text.index('id="recovery-codes"') :].split("</ul>")[0]
        codes = re.findall(r"<code>([a-z0-9-]+)</code>", listed)
        assert len(codes) == 10
        assert c.get(f"/o/{site.org}/users").status_code == 200  # enrolled
        guest = _browser(c)
        assert _login_form(guest, site.owner, "") == 401  # the code is needed
        assert _login_form(guest, site.owner, code) == 401  # used already
        assert _login_form(guest, site.owner, codes[0]) == 303
        assert _login_form(guest, site.owner, codes[0]) == 401  # each recovery code once
        token = csrf_token(c, "/account")
        off = {"current_password": PASSWORD, "code": codes[1], "csrf_token": token}
        r = c.post("/account/totp/disable", data=off)
        assert (r.status_code, r.headers["location"]) == (303, "/account?done=totp_off")
        assert c.get(f"/o/{site.org}/users").status_code == 302  # required again
