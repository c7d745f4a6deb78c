"""The campaigns page (decision 0091): campaigns with windows and multipliers, the chosen
campaign's individual and team leaderboards (mean per active member: the small team first),
the freeze button, the reward catalogue with stock; a refused form shows its reason in zh-CN
and en; a viewer reads but gets 403 on every change."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from webkit import create_site_app, csrf_token, login, send_api_token

from inclusion_campaigns_kit import PROGRAMME, Kit, seed_over_api, week
from lingtan.adapters.i18n.messages import Translator

Site = Any  # tests/adapters/web/conftest.py: Site
EN, ZH = Translator("en"), Translator("zh-CN")


@pytest.fixture(scope="module")
def site(site_factory: Callable[[Path], Site], tmp_path_factory: pytest.TempPathFactory) -> Site:
    return site_factory(tmp_path_factory.mktemp("incl-campaigns"))


@pytest.fixture(scope="module")
def seeded(site: Site) -> Iterator[tuple[TestClient, Kit]]:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.owner)
        send_api_token(c)
        kit = seed_over_api(c, site.org)
        yield c, kit


def post(client: TestClient, url: str, lang: str = "en", **data: str) -> Any:
    token = csrf_token(client, "/")
    return client.post(f"{url}?lang={lang}", data={**data, "csrf_token": token})


def test_campaign_boards_freeze_rewards(seeded: tuple[TestClient, Kit], site: Site) -> None:
    client, kit = seeded
    base = f"/o/{site.org}/inclusion"
    w = week()
    r = post(client, f"{base}/campaigns/add", programme=PROGRAMME, code=w["code"],
             name=w["name"], start=w["start"], end=w["end"], actions="learn.quiz",
             multipliers="learn.quiz=2", team_rule="mean")  # fmt: skip
    assert r.status_code == 303, r.text
    page = client.get(f"{base}/campaigns?programme={PROGRAMME}&lang=zh-CN")
    assert page.status_code == 200
    html = unescape(page.text)
    assert ZH("incl_camp.title") in html
    assert ZH("incl_camp.team_rule.mean") in html
    assert 'aria-current="page"' in html  # the sub-menu's entry
    team = html.split('id="board-team"')[1].split("</table>")[0]
    assert team.index("small") < team.index("big")  # mean 15 > 10
    individual = html.split('id="board-individual"')[1].split("</table>")[0]
    assert individual.index(kit.refs["s0"]) < individual.index(kit.refs["b0"])
    assert 'id="incl-camp-freeze"' in html
    r = post(client, f"{base}/campaigns/add", "zh-CN", programme=PROGRAMME, code="bad",
             name="x", start="2026-06-07", end="2026-06-01")  # fmt: skip
    assert r.status_code == 422
    assert ZH("incl_camp.err.window", start="2026-06-07", end="2026-06-01") in unescape(r.text)
    r = post(client, f"{base}/campaigns/{w['code']}/freeze", programme=PROGRAMME)
    assert r.status_code == 303, r.text
    html = unescape(client.get(f"{base}/campaigns?programme={PROGRAMME}").text)
    assert 'id="incl-camp-frozen"' in html
    assert 'id="incl-camp-freeze"' not in html
    r = post(client, f"{base}/campaigns/{w['code']}/freeze", programme=PROGRAMME)
    assert r.status_code == 422
    assert EN("incl_camp.err.frozen", code=w["code"]) in unescape(r.text)
    r = post(client, f"{base}/rewards/add", programme=PROGRAMME, code="mug", name="Mug",
             points_cost="15", stock="3")  # fmt: skip
    assert r.status_code == 303, r.text
    r = post(client, f"{base}/rewards/mug/stock", programme=PROGRAMME, stock="-2")
    assert r.status_code == 422
    r = post(client, f"{base}/rewards/mug/stock", programme=PROGRAMME, stock="7")
    assert r.status_code == 303
    rewards = client.get(f"{base}/campaigns?programme={PROGRAMME}").text
    row = rewards.split('id="reward-mug"')[1].split("</tr>")[0]
    assert 'value="7"' in row


def test_viewer_reads_but_cannot_change(site: Site, seeded: tuple[TestClient, Kit]) -> None:
    with TestClient(create_site_app(site), follow_redirects=False) as c:
        login(c, site.viewer)
        base = f"/o/{site.org}/inclusion"
        assert c.get(f"{base}/campaigns?programme={PROGRAMME}").status_code == 200
        assert post(c, f"{base}/rewards/add", programme=PROGRAMME, code="v", name="V",
                    points_cost="1").status_code == 403  # fmt: skip
        assert post(c, f"{base}/campaigns/env-week/freeze", programme=PROGRAMME).status_code == 403
