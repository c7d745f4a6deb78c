"""The programme and partner pages (decision 0088): the programmes list and form, a programme's
rules (engagement points and caps one per line), groups with counts only, enrolment showing the
pseudonymous ref (the subject never echoed), guardian consent refused in zh-CN and en, a member
link shown once, partners with the secret shown once and their consents, and isolation: a viewer
reads but gets 403 on every change, another organisation's member 404."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, csrf_token, login

from lingtan.adapters.i18n.messages import Translator

Site = Any  # tests/adapters/web/conftest.py: Site
EN, ZH = Translator("en"), Translator("zh-CN")


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("inclusion-programmes"))


@pytest.fixture(scope="module")
def client(site: Site) -> Iterator[TestClient]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        r = post(c, f"{_base(site)}/programmes", code="school", name="八一乐碳圈",
                 audience="school", region="CN-BJ", started="2024-09-01", points_per_kg="10",
                 expiry_months="24", privacy_policy_version="1")  # fmt: skip
        assert r.status_code == 303, r.text
        yield c


def post(client: TestClient, url: str, lang: str = "en", **data: Any) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def _base(site: Site) -> str:
    return f"/o/{site.org}/inclusion"


def test_programmes_rules_groups(client: TestClient, site: Site) -> None:
    page = client.get(f"{_base(site)}/programmes?lang=zh-CN")
    assert page.status_code == 200
    assert ZH("incl_prog.title") in page.text
    assert 'aria-current="page"' in page.text
    assert " style=" not in page.text
    assert re.search(r'<tr id="programme-school">', page.text)
    prog = f"{_base(site)}/programmes/school"
    r = post(client, f"{prog}/rules", points_per_kg="12", expiry_months="12",
             engagement_points="learn.quiz = 5\n\nlearn.read = 2",
             caps="learn.quiz = 10 / 100", status="active")  # fmt: skip
    assert r.status_code == 303, r.text
    html = unescape(client.get(f"{prog}?lang=en").text)
    assert "learn.quiz = 10 / 100" in html  # the form shows the rules as lines again
    assert EN("incl_prog.months", n=12) in html
    r = post(client, f"{prog}/rules", points_per_kg="12", caps="learn.quiz = 100 / 10")
    assert r.status_code == 422
    assert unescape(EN("incl_prog.err.cap_order", action="learn.quiz", day=100, month=10)) in (
        unescape(r.text))  # fmt: skip
    r = post(client, f"{prog}/rules", "zh-CN", points_per_kg="12", engagement_points="quiz")
    assert r.status_code == 422
    assert ZH("incl_prog.err.line", name="engagement_points", line=1) in unescape(r.text)
    r = post(client, f"{prog}/groups", group_code="c1", kind="class", name="一年级一班")
    assert r.status_code == 303, r.text


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_guardian_consent_refused_in_the_users_language(
    client: TestClient, site: Site, lang: str
) -> None:
    r = post(client, f"{_base(site)}/programmes/school/accounts", lang, subject="STUDENT-SECRET-1")
    assert r.status_code == 422
    t = EN if lang == "en" else ZH
    assert t("incl_prog.err.guardian") in unescape(r.text)
    assert "STUDENT-SECRET-1" not in r.text  # never echoed back


def test_enrol_link_and_class_summary(client: TestClient, site: Site) -> None:
    prog = f"{_base(site)}/programmes/school"
    post(client, f"{prog}/groups", group_code="c9", kind="class", name="九班")
    r = post(client, f"{prog}/accounts", subject="S-77", group="c9", guardian_consent="on")
    assert r.status_code == 303, r.text
    ref = re.search(r"ref=(m-[a-z2-7]{10})", r.headers["location"])
    assert ref
    html = client.get(r.headers["location"]).text
    assert f'id="new-ref">{ref.group(1)}' in html
    row = re.search(r'<tr id="group-c9">(.*?)</tr>', html, re.S)
    assert row
    assert ref.group(1) not in row.group(1)  # a class names no member
    assert re.findall(r'class="num">(\d+)</td>', row.group(1))[:2] == ["1", "1"]
    r = post(client, f"{prog}/member-link", ref=ref.group(1))
    assert r.status_code == 200
    assert re.search(r"/m/ml_[A-Za-z0-9_-]{20,}", r.text)
    r = post(client, f"{prog}/member-link", ref="m-aaaaaaaaaa")
    assert r.status_code == 422


def test_partner_secret_once(client: TestClient, site: Site) -> None:
    actions = ["secondhand.phone", "travel.metro"]
    r = post(client, f"{_base(site)}/partners", code="zz", name="转转",
             allowed_actions=actions, rate_per_s="5", burst="10")  # fmt: skip
    assert r.status_code == 201, r.text
    secret = re.search(r"ips_[A-Za-z0-9_-]{40,}", r.text)
    assert secret
    page = client.get(f"{_base(site)}/partners?lang=en")
    assert secret.group(0) not in page.text  # shown once only
    assert EN("incl_prog.consents", live=0, revoked=0, expired=0) in page.text
    r = post(client, f"{_base(site)}/partners", "zh-CN", code="zz2", name="x")
    assert r.status_code == 422
    assert ZH("incl_prog.err.required", name="allowed_actions") in unescape(r.text)
    r = post(client, f"{_base(site)}/partners/zz/status", status="suspended")
    assert r.status_code == 303
    html = client.get(f"{_base(site)}/partners?lang=en").text
    row = re.search(r'<tr id="partner-zz">(.*?)</tr>', html, re.S)
    assert row
    assert EN("incl_prog.partner_status.suspended") in row.group(1)


def test_viewer_and_outsider(site: Site) -> None:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        assert c.get(f"{_base(site)}/programmes").status_code == 200
        assert c.get(f"{_base(site)}/partners").status_code == 200
        r = post(c, f"{_base(site)}/programmes", code="x", name="X", audience="consumer")
        assert r.status_code == 403
        r = post(c, f"{_base(site)}/partners", code="x", name="X", allowed_actions=["learn.quiz"])
        assert r.status_code == 403
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.outsider)
        assert c.get(f"{_base(site)}/programmes").status_code == 404
