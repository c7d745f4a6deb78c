"""The users page's forms (invite a member, change role, remove member: owners and admins
only, through the API's member services, audited) and the CSRF protection of every POST
form. A member joins by accepting the invitation link (decision 0034)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from webkit import PASSWORD, SECRET, TestClient, create_site_app, csrf_token, login

from lingtan.adapters.web.csrf import sign

Site = Any  # tests/adapters/web/conftest.py: Site


@pytest.fixture
def site_client(
    site_factory: Callable[[Path], Site], tmp_path: Path
) -> Iterator[tuple[TestClient, Site]]:
    site = site_factory(tmp_path)
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        yield c, site


def _roles(c: TestClient, org: str) -> dict[str, str]:
    """e-mail → role, as the members table shows it (the selected option or the text)."""
    html = c.get(f"/o/{org}/users?lang=en").text
    out = {}
    for email, row in re.findall(r'<tr data-email="([^"]+)">(.*?)</tr>', html, re.S):
        m = re.search(r'<option value="(\w+)" selected>', row)
        out[email] = m.group(1) if m else "?"
    return out


def _user_id(c: TestClient, org: str, email: str) -> str:
    html = c.get(f"/o/{org}/users").text
    m = re.search(rf'<tr data-email="{re.escape(email)}">.*?/users/(\d+)/role', html, re.S)
    assert m, email
    return m.group(1)


_LINK = re.compile(r'id="users-link-url" type="text" readonly value="http://testserver([^"]+)"')


def _join(c: TestClient, org: str, email: str, role: str) -> TestClient:
    """``c`` (an owner or admin) invites ``email``; the invitee accepts in their own browser,
    choosing the password :data:`PASSWORD`; returns that browser, logged in."""
    page = f"/o/{org}/users"
    r = c.post(page, data={"email": email, "role": role, "csrf_token": csrf_token(c, page)})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    m = _LINK.search(r.text)
    assert m, r.text
    new = TestClient(c.app, follow_redirects=False)
    token = csrf_token(new, m.group(1))
    r = new.post(m.group(1), data={"name": "New", "password": PASSWORD, "password2": PASSWORD,
                                   "csrf_token": token})  # fmt: skip
    assert r.status_code == 303, r.text
    return new


def test_owner_adds_changes_and_removes_a_member(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    login(c, site.owner)
    page = f"/o/{site.org}/users"
    new = _join(c, site.org, "new@lingtan.invalid", "analyst")
    assert _roles(c, site.org)["new@lingtan.invalid"] == "analyst"
    assert new.get(f"/o/{site.org}/dashboard").status_code == 200
    login(new, "new@lingtan.invalid")  # the password the new member chose
    token = csrf_token(c, page)

    uid = _user_id(c, site.org, "new@lingtan.invalid")
    r = c.post(f"{page}/{uid}/role", data={"role": "viewer", "csrf_token": token})
    assert r.headers["location"] == f"{page}?done=changed"
    assert _roles(c, site.org)["new@lingtan.invalid"] == "viewer"
    r = c.post(f"{page}/{uid}/remove", data={"csrf_token": token})
    assert r.headers["location"] == f"{page}?done=removed"
    assert "new@lingtan.invalid" not in _roles(c, site.org)
    assert new.get(f"/o/{site.org}/dashboard").status_code == 404  # no longer a member

    audit = c.get(f"/o/{site.org}/audit").text
    for action in ("membership.create", "membership.update", "membership.delete"):
        assert action in audit, action
    assert 'id="audit-verify"' in audit
    assert 'class="ok"' in audit


def test_errors_are_shown_and_change_nothing(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    login(c, site.owner)
    page = f"/o/{site.org}/users"
    token = csrf_token(c, page)
    r = c.post(page + "?lang=en", data={"email": "not an address", "role": "viewer",
                                        "csrf_token": token})  # fmt: skip
    assert r.status_code == 422
    assert 'id="users-error"' in r.text
    r = c.post(page, data={"email": site.viewer, "role": "viewer", "csrf_token": token})
    assert r.status_code == 409  # a member already
    assert 'id="users-link"' not in r.text
    owner_id = _user_id(c, site.org, site.owner)
    r = c.post(f"{page}/{owner_id}/remove", data={"csrf_token": token})
    assert r.status_code == 409  # the organisation keeps an owner
    assert _roles(c, site.org)[site.owner] == "owner"


def test_admin_cannot_grant_owner_viewer_sees_no_forms(
    site_client: tuple[TestClient, Site],
) -> None:
    c, site = site_client
    login(c, site.owner)
    page = f"/o/{site.org}/users"
    _join(c, site.org, "admin@lingtan.invalid", "admin")
    login(c, "admin@lingtan.invalid")
    html = c.get(page).text
    form = html[html.index('id="add-member"') :]
    assert 'value="owner"' not in form.split("</form>")[0]  # only an owner grants owner
    token = csrf_token(c, page)
    viewer_id = _user_id(c, site.org, site.viewer)
    r = c.post(f"{page}/{viewer_id}/role", data={"role": "owner", "csrf_token": token})
    assert r.status_code == 403
    assert _roles(c, site.org)[site.viewer] == "viewer"
    r = c.post(f"{page}/{viewer_id}/role", data={"role": "analyst", "csrf_token": token})
    assert r.status_code == 303  # an admin manages the other roles

    login(c, site.viewer)  # now an analyst: reads the members, changes nothing
    html = c.get(page).text
    assert 'id="add-member"' not in html
    assert "/remove" not in html
    token = csrf_token(c, f"/o/{site.org}/imports")
    r = c.post(page, data={"email": "z@lingtan.invalid", "role": "viewer", "csrf_token": token})
    assert r.status_code == 403


def test_post_without_the_sessions_token_is_refused(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    login(c, site.owner)
    page = f"/o/{site.org}/users"
    data = {"email": "csrf@lingtan.invalid", "role": "viewer"}
    assert c.post(page, data=data).status_code == 403  # no token
    assert c.post(page, data={**data, "csrf_token": "0" * 64}).status_code == 403  # wrong
    other = TestClient(c.app, follow_redirects=False)
    login(other, site.viewer)
    stolen = csrf_token(other, f"/o/{site.org}/dashboard")  # another session's token
    assert c.post(page, data={**data, "csrf_token": stolen}).status_code == 403
    r = c.post(f"/o/{site.org}/imports", files={"file": ("f.csv", b"site,date\n", "text/csv")})
    assert r.status_code == 403
    assert c.post("/logout").status_code == 403  # logging out is a POST form too
    assert "csrf@lingtan.invalid" not in _roles(c, site.org)
    # the token is HMAC-SHA256(server secret, session cookie): the right one is accepted
    good = sign(SECRET, c.cookies["lingtan_session"])
    assert good == csrf_token(c, page)
    assert c.post(page, data={**data, "csrf_token": good}).status_code == 200  # invited
    # the HTMX header works as well as the form field
    r = c.post("/logout", headers={"X-CSRF-Token": good})
    assert (r.status_code, r.headers["location"]) == (303, "/login")


def test_login_form_needs_its_token(site_client: tuple[TestClient, Site]) -> None:
    c, site = site_client
    c.cookies.clear()
    r = c.post("/login", data={"email": site.owner, "password": PASSWORD})
    assert r.status_code == 403
    assert "lingtan_session" not in r.cookies
    token = csrf_token(c, "/login")  # tied to the lingtan_login cookie just set
    assert token == sign(SECRET, c.cookies["lingtan_login"])
    fresh = TestClient(c.app, follow_redirects=False)  # another browser: its own cookie
    r = fresh.post("/login", data={"email": site.owner, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 403
    r = c.post("/login", data={"email": site.owner, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303
    assert "lingtan_session" in r.cookies
