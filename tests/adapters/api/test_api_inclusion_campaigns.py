"""``/api/v1/orgs/{org}/inclusion/{programme}/…`` campaigns, leaderboards, rewards and
redemptions (decision 0091), on the workspace of :mod:`inclusion_campaigns_kit` (programme,
teams, accounts and quizzes seeded through the programmes' and events' API)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from inclusion_campaigns_kit import PROGRAMME, Kit, build_campaigns_workspace, seed_over_api, week

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "incl"
BASE = f"/api/v1/orgs/{ORG}/inclusion/{PROGRAMME}"


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, workspace_store: str
) -> Iterator[tuple[TestClient, Kit]]:
    root = tmp_path_factory.mktemp("api-incl-campaigns")
    app = single_org_app(root, build_campaigns_workspace(root / "orgs" / ORG), ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        kit = seed_over_api(c, ORG)
        assert c.post(f"{BASE}/campaigns", json=week()).status_code == 201
        yield c, kit


def test_campaign_crud_and_leaderboards(seeded: tuple[TestClient, Kit]) -> None:
    client, kit = seeded
    r = client.get(f"{BASE}/campaigns")
    assert [c["code"] for c in r.json()] == ["env-week"]
    assert r.json()[0]["phase"] == "running"
    assert client.post(f"{BASE}/campaigns", json=week()).status_code == 409
    bad = client.post(f"{BASE}/campaigns", json=week("bad", eligible_actions=["fly.less"]))
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "eligible_actions"), bad.text
    r = client.get(f"{BASE}/campaigns/env-week/leaderboard", params={"scope": "team"})
    assert r.status_code == 200, r.text
    board = r.json()
    assert not board["frozen"]
    assert board["team_rule"] == "mean"
    assert [(x["subject"], x["score"], x["active"]) for x in board["rows"]] == [
        ("small", 15.0, 2), ("big", 10.0, 4)]  # fmt: skip
    r = client.get(f"{BASE}/campaigns/env-week/leaderboard", params={"limit": 1})
    assert [x["subject"] for x in r.json()["rows"]] == [kit.refs["s0"]]
    r = client.patch(f"{BASE}/campaigns/env-week", json={"multipliers": {"learn.quiz": 2}})
    assert r.json()["multipliers"] == {"learn.quiz": 2.0}
    assert client.patch(f"{BASE}/campaigns/env-week",
                        json={"multipliers": {"learn.quiz": 0.5}}).status_code == 422  # fmt: skip
    assert client.get(f"{BASE}/campaigns/nope").status_code == 404
    r = client.post(f"{BASE}/campaigns/env-week/freeze")
    assert r.status_code == 200, r.text
    assert sorted(x["scope"] for x in r.json()) == ["individual", "team"]
    r = client.get(f"{BASE}/campaigns/env-week/leaderboard", params={"scope": "team"})
    assert r.json()["frozen"]
    assert len(r.json()["content_hash"]) == 64
    assert client.post(f"{BASE}/campaigns/env-week/freeze").status_code == 409


def test_rewards_and_redemptions(seeded: tuple[TestClient, Kit]) -> None:
    client, kit = seeded
    s0, s1 = kit.refs["s0"], kit.refs["s1"]  # 20 and 10 points
    r = client.post(f"{BASE}/rewards", json={"code": "mug", "name": "Mug", "points_cost": 15,
                                             "stock": 1})  # fmt: skip
    assert r.status_code == 201, r.text
    assert client.post(f"{BASE}/rewards", json={"code": "x", "name": "X",
                                                "points_cost": 0}).status_code == 422  # fmt: skip
    r = client.post(f"{BASE}/accounts/{s1}/redemptions", json={"reward": "mug"})
    assert r.status_code == 409, r.text
    assert r.json()["error"]["message"] == ("The balance (10 points) is below the reward's cost "
                                            "(15 points).")  # fmt: skip
    r = client.post(f"{BASE}/accounts/{s0}/redemptions", json={"reward": "mug"})
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["status"], got["points"], got["reward"], len(got["code"])) == (
        "issued", 15, "mug", 10)  # fmt: skip
    r = client.post(f"{BASE}/accounts/{s0}/redemptions", json={"reward": "mug"})
    assert (r.status_code, r.json()["error"]["message"]) == (409, "Reward “mug” is out of stock.")
    assert [x["stock"] for x in client.get(f"{BASE}/rewards").json()] == [0]
    assert [x["id"] for x in client.get(f"{BASE}/accounts/{s0}/redemptions").json()] == [got["id"]]
    r = client.post(f"{BASE}/redemptions/{got['id']}/cancel")
    assert (r.status_code, r.json()["status"]) == (200, "cancelled"), r.text
    assert client.post(f"{BASE}/redemptions/{got['id']}/cancel").status_code == 409
    r = client.patch(f"{BASE}/rewards/mug", json={"stock": 5})
    assert r.json()["stock"] == 5
    assert client.get(f"{BASE}/rewards").json()[0]["stock"] == 5
