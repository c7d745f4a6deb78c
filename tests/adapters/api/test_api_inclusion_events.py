"""``/api/v1/orgs/{org}/inclusion/…`` events and points (decision 0089) on the kit's programme
(:mod:`inclusion_events_kit`): logging an action (the carbon-neutral PC: 5 points, 0 kg), a
replay, the event with its arithmetic, a reversal restoring the balance, history, expiry, the
liability, the ledger check, the review queue and its decisions, keyed refusals."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from appkit import OWNER, PASSWORD, single_org_app
from inclusion_events_kit import CODE, new_workspace, server_programme

with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx is what is installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

ORG = "incl-ev"
BASE = f"/api/v1/orgs/{ORG}/inclusion"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, workspace_store: str) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("api-inclusion-events")
    app = single_org_app(root, new_workspace(root / "orgs" / ORG), ORG)
    server_programme(f"sqlite:///{root / 'server.db'}", ORG)
    with TestClient(app) as c:
        r = c.post("/api/v1/auth/login", json={"email": OWNER, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.headers["x-csrf-token"]
        yield c


def _log(client: TestClient, **kw: object) -> dict[str, object]:
    body = {"account": "m-alice", "action": "purchase.carbon_neutral_pc", "quantity": 1,
            "unit": "item", "occurred_at": "2026-03-02T08:00:00", **kw}  # fmt: skip
    r = client.post(f"{BASE}/{CODE}/actions", json=body)
    assert r.status_code == 201, r.text
    out: dict[str, object] = r.json()
    return out


def test_log_replay_show_reverse(client: TestClient) -> None:
    first = _log(client, external_id="pc-1")
    assert (first["status"], first["kg_co2e"], first["points"], first["replayed"]) == (
        "accepted", 0.0, 5, False)  # fmt: skip
    again = _log(client, external_id="pc-1")
    assert again["replayed"] is True
    assert again["event_id"] == first["event_id"]
    r = client.get(f"{BASE}/{CODE}/accounts/m-alice/balance")
    assert r.json()["balance"] == 5
    ev = client.get(f"{BASE}/events/{first['event_id']}").json()
    assert ev["counts_as"] == "engagement"
    assert ev["entries"][0]["delta"] == 5
    assert any(s["key"] == "incl_ev.step.base" for s in ev["trace"])
    listed = client.get(f"{BASE}/{CODE}/events", params={"account": "m-alice"}).json()
    assert first["event_id"] in [e["id"] for e in listed]
    r = client.post(f"{BASE}/events/{first['event_id']}/reverse", json={"reason": "test"})
    assert r.status_code == 200
    assert r.json()["status"] == "reversed"
    assert client.get(f"{BASE}/{CODE}/accounts/m-alice/balance").json()["balance"] == 0
    r = client.post(f"{BASE}/events/{first['event_id']}/reverse", json={"reason": "twice"})
    assert r.status_code == 409
    hist = client.get(f"{BASE}/{CODE}/accounts/m-alice/history").json()
    assert [e["reason"] for e in hist[0]["entries"]] == ["earn", "reversal"]
    lia = client.get(f"{BASE}/{CODE}/liability").json()
    assert (lia["issued"], lia["reversed"], lia["outstanding"]) == (5, 5, 0)
    chain = client.get(f"{BASE}/{CODE}/ledger/verify").json()
    assert chain["ok"] is True
    assert chain["entries"] == 2


def test_refusals(client: TestClient) -> None:
    r = client.post(f"{BASE}/{CODE}/actions", json={
        "account": "m-alice", "action": "learn.quiz", "quantity": 1, "unit": "kg",
        "occurred_at": "2026-03-02T08:00:00"})  # fmt: skip
    assert r.status_code == 422
    r = client.post(f"{BASE}/nope/actions", json={
        "account": "m-alice", "action": "learn.quiz", "quantity": 1, "unit": "item",
        "occurred_at": "2026-03-02T08:00:00"})  # fmt: skip
    assert r.status_code == 404
    r = client.post(f"{BASE}/{CODE}/actions", json={
        "account": "m-gone", "action": "learn.quiz", "quantity": 1, "unit": "item",
        "occurred_at": "2026-03-02T08:00:00"})  # fmt: skip
    assert r.status_code == 409
    assert client.get(f"{BASE}/events/999999").status_code == 404


def test_review_and_expiry(client: TestClient) -> None:
    from lingtan.adapters.services.inclusion_events import REVIEW_DAILY_EVENTS

    for _ in range(REVIEW_DAILY_EVENTS + 1):
        out = _log(client, account="m-bob", action="donate.book", occurred_at="2025-01-05T10:00:00")
    assert out["status"] == "pending"
    queue = client.get(f"{BASE}/{CODE}/review").json()
    assert [e["id"] for e in queue] == [out["event_id"]]
    r = client.post(f"{BASE}/events/{out['event_id']}/review", json={"decision": "accept"})
    assert r.status_code == 200
    assert r.json()["status"] == "accepted"
    assert client.get(f"{BASE}/{CODE}/review").json() == []
    _log(client, account="m-bob", occurred_at="2025-01-05T11:00:00")  # 5 points, expire 2026-01-05
    r = client.post(f"{BASE}/{CODE}/expire", json={"as_of": "2026-01-05"})
    assert r.json() == {"as_of": "2026-01-05", "expired": 5}
    assert client.get(f"{BASE}/{CODE}/accounts/m-bob/balance").json()["balance"] == 0
