"""The partners' signed push over HTTP (issue 18 item 6, decision 0090), on SQLite and PostgreSQL:
a signed event is durable before 202 and settled into the points ledger; a replay changes
nothing; an event without consent is refused with its reason visible in the status API; a bad
or stale signature is 401; a partner over its rate gets 429 with Retry-After; callbacks are
signed with the partner's secret; the pull connector reads a feed after its cursor.

Settlement is triggered with the app's own settler (``settle_now``), so no test waits on a
clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path

from inclusion_push_kit import (
    PARTNER,
    PROGRAMME,
    QUIZ_POINTS,
    STEPS_POINTS,
    PushOrg,
    balance,
    body_of,
    callback_server,
    event,
    events_path,
    feed_server,
    setup_push_org,
    signed,
    status_path,
    stored_events,
)
from lingtan.adapters.services.inclusion_push import sign, signed_headers
from serverkit import Server, TestClient, new_org


def _start(server_factory: Callable[..., Server], **kw: object) -> tuple[Server, PushOrg]:
    srv = server_factory(workers=0)
    new_org(srv.engine, srv.data_dir, "acme", "owner@acme.example")
    return srv, setup_push_org(srv.engine, **kw)  # type: ignore[arg-type]


def _push(c: TestClient, org: PushOrg, doc: object, **kw: object) -> object:
    body = body_of(doc)
    return c.post(events_path(org), content=body, headers=signed(org, body, **kw))  # type: ignore[arg-type]


def _settle(srv: Server) -> None:
    srv.app.state.inclusion_push.settle_now()


def _status(c: TestClient, org: PushOrg, ext: str) -> object:
    path = status_path(org, ext)
    return c.get(path, headers=signed_headers(PARTNER, org.secret, path.encode()))


def test_a_signed_event_is_settled_once_and_a_replay_changes_nothing(
    server_factory: Callable[..., Server],
) -> None:
    srv, org = _start(server_factory)
    c = srv.client
    r = _push(c, org, event("trade-1", org.alice))
    assert r.status_code == 202, r.text  # type: ignore[attr-defined]
    assert r.json() == {"received": 1}  # type: ignore[attr-defined]
    _settle(srv)
    s = _status(c, org, "trade-1")
    assert s.status_code == 200, s.text  # type: ignore[attr-defined]
    got = s.json()  # type: ignore[attr-defined]
    assert (got["status"], got["points"], got["reason"]) == ("accepted", QUIZ_POINTS, None)
    assert balance(srv.engine, org, org.alice_id) == QUIZ_POINTS
    # the same event again (a new signature, a later timestamp), alone and inside a batch
    assert _push(c, org, event("trade-1", org.alice)).status_code == 202  # type: ignore[attr-defined]
    batch = {"events": [event("trade-1", org.alice), event("trade-2", org.alice)]}
    assert _push(c, org, batch).json() == {"received": 2}  # type: ignore[attr-defined]
    _settle(srv)
    assert balance(srv.engine, org, org.alice_id) == 2 * QUIZ_POINTS  # trade-2 only added
    assert stored_events(srv.engine, org) == (2, 2)
    assert _status(c, org, "trade-1").json()["event_id"] == got["event_id"]  # type: ignore[attr-defined]


def test_an_event_without_consent_is_refused_and_the_refusal_is_visible(
    server_factory: Callable[..., Server],
) -> None:
    srv, org = _start(server_factory)
    c = srv.client
    assert _push(c, org, event("b-1", org.bob)).status_code == 202  # type: ignore[attr-defined]
    _settle(srv)
    got = _status(c, org, "b-1").json()  # type: ignore[attr-defined]
    assert (got["status"], got["reason"], got["points"]) == (
        "refused",
        "incl_push.err.no_consent",
        None,
    )
    assert balance(srv.engine, org, org.bob_id) == 0
    assert stored_events(srv.engine, org) == (0, 0)
    # an action outside alice's consent scopes is refused the same way
    _push(c, org, event("a-x", org.alice, action="donate.book"))
    _settle(srv)
    assert _status(c, org, "a-x").json()["reason"] == "incl_push.err.no_consent"  # type: ignore[attr-defined]
    # the owner's list shows both refusals
    owner = srv.login("owner@acme.example")
    rows = owner.get(f"/api/v1/orgs/acme/inclusion/{PROGRAMME}/receipts?status=refused").json()
    assert sorted(r["external_id"] for r in rows) == ["a-x", "b-1"]


def test_a_bad_or_stale_signature_is_401_and_nothing_is_stored(
    server_factory: Callable[..., Server],
) -> None:
    srv, org = _start(server_factory)
    c = srv.client
    body = body_of(event("bad-1", org.alice))
    wrong = c.post(events_path(org), content=body, headers=signed(org, body, secret="nope"))
    assert (wrong.status_code, wrong.json()["error"]["field"]) == (401, "X-Signature")
    old = c.post(events_path(org), content=body, headers=signed(org, body, now=time.time() - 900))
    assert (old.status_code, old.json()["error"]["code"]) == (401, "timestamp")
    altered = body.replace(b'"quantity":1', b'"quantity":9')
    tampered = c.post(events_path(org), content=altered, headers=signed(org, body))
    assert tampered.status_code == 401
    unsigned = c.post(events_path(org), content=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    _settle(srv)
    assert _status(c, org, "bad-1").status_code == 404
    assert stored_events(srv.engine, org) == (0, 0)
    # the status API is signed too
    path = status_path(org, "bad-1")
    assert c.get(path, headers=signed_headers(PARTNER, "nope", path.encode())).status_code == 401


def test_a_malformed_body_is_refused_naming_the_field(
    server_factory: Callable[..., Server],
) -> None:
    srv, org = _start(server_factory)
    c = srv.client
    doc = {"events": [event("ok-1", org.alice), {"account": org.alice, "action": "learn.quiz"}]}
    r = _push(c, org, doc)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert r.json()["error"]["field"] == "events[1].external_id"  # type: ignore[attr-defined]
    assert _push(c, org, {"events": []}).status_code == 422  # type: ignore[attr-defined]
    unknown = c.post(
        "/api/v1/orgs/acme/inclusion/nope/events", content=b"{}", headers=signed(org, b"{}")
    )
    assert unknown.status_code == 404
    # an event that reaches settlement with a bad field is refused with its reason
    _push(c, org, event("q-1", org.alice, quantity="many"))
    _settle(srv)
    assert _status(c, org, "q-1").json()["reason"] == "incl_push.err.quantity"  # type: ignore[attr-defined]


def test_a_partner_over_its_rate_gets_429_with_retry_after(
    server_factory: Callable[..., Server],
) -> None:
    srv, org = _start(server_factory, rate_per_s=0.5, burst=3)
    c = srv.client
    batch = {"events": [event(f"r-{i}", org.alice) for i in range(3)]}
    assert _push(c, org, batch).status_code == 202  # type: ignore[attr-defined]
    r = _push(c, org, event("r-3", org.alice))
    assert r.status_code == 429  # type: ignore[attr-defined]
    assert int(r.headers["retry-after"]) >= 1  # type: ignore[attr-defined]
    _settle(srv)
    assert stored_events(srv.engine, org) == (3, 3)  # the refused one was never stored


def test_each_settled_event_gets_a_callback_signed_with_the_partner_secret(
    server_factory: Callable[..., Server],
) -> None:
    from lingtan.adapters.services.inclusion_push_callbacks import deliver_due

    with callback_server() as (url, got):
        srv, org = _start(server_factory, callback_url=url)
        c = srv.client
        _push(c, org, {"events": [event("cb-1", org.alice), event("cb-2", org.bob)]})
        _settle(srv)
        deliver_due(srv.engine)
        assert len(got.calls) == 2
        by_id = {}
        for headers, body in got.calls:
            ts = headers["x-timestamp"]
            expected = hmac.new(org.secret.encode(), ts.encode() + b"." + body, hashlib.sha256)
            assert headers["x-signature"] == "sha256=" + expected.hexdigest()
            assert headers["x-signature"] == sign(org.secret, ts, body)
            doc = json.loads(body)
            by_id[doc["external_id"]] = doc
        assert by_id["cb-1"]["status"] == "accepted"
        assert by_id["cb-1"]["points"] == QUIZ_POINTS
        assert by_id["cb-2"]["reason"] == "incl_push.err.no_consent"
        deliver_due(srv.engine)
        assert len(got.calls) == 2  # delivered once


def test_a_failed_callback_is_retried_later_not_lost(
    server_factory: Callable[..., Server],
) -> None:
    from datetime import timedelta

    from lingtan.adapters.services.inclusion_push_callbacks import deliver_due
    from lingtan.adapters.store.models import utcnow

    with callback_server(status=503) as (url, got):
        srv, org = _start(server_factory, callback_url=url)
        _push(srv.client, org, event("cb-r", org.alice))
        _settle(srv)
        first = deliver_due(srv.engine)
        assert (first.delivered, first.retried) == (0, 1)
        assert deliver_due(srv.engine).retried == 0  # not due yet (5 s back-off)
        later = deliver_due(srv.engine, now=utcnow() + timedelta(seconds=6))
        assert later.retried == 1
        assert len(got.calls) == 2


def test_the_pull_connector_reads_steps_after_its_cursor_once(
    server_factory: Callable[..., Server], tmp_path: Path
) -> None:
    srv, org = _start(server_factory)
    feed = tmp_path / "steps.json"
    items = [
        {"seq": 1, "account": org.alice, "steps": 8000, "occurred_at": "2026-11-29T20:00:00+08:00"},
        {"seq": 2, "account": org.bob, "steps": 6000, "occurred_at": "2026-11-29T20:00:00+08:00"},
    ]
    feed.write_text(json.dumps({"items": items}))
    owner = srv.login("owner@acme.example")
    base = "/api/v1/orgs/acme/inclusion/pull-sources"
    source = {"code": "steps", "programme": PROGRAMME, "partner": PARTNER}
    local = owner.post(base, json={**source, "url": feed.as_uri()})  # the server's files: no
    assert (local.status_code, local.json()["error"]["field"]) == (422, "url")
    with feed_server(feed) as url:
        _pull_three_times(srv, org, owner, base, source, feed, items, url)


def _pull_three_times(srv: Server, org: PushOrg, owner: TestClient, base: str,
                      source: dict[str, str], feed: Path, items: list[dict[str, object]],
                      url: str) -> None:  # fmt: skip
    made = owner.post(base, json={**source, "url": url})
    assert made.status_code == 201, made.text
    first = owner.post(f"{base}/steps/pull").json()
    assert (first["items"], first["accepted"], first["refused"], first["cursor"]) == (2, 1, 1, "2")
    assert balance(srv.engine, org, org.alice_id) == STEPS_POINTS
    again = owner.post(f"{base}/steps/pull").json()
    assert (again["items"], again["cursor"]) == (0, "2")
    items.append({"seq": 3, "account": org.alice, "steps": 500,
                  "occurred_at": "2026-11-30T20:00:00+08:00"})  # fmt: skip
    feed.write_text(json.dumps(items))
    third = owner.post(f"{base}/steps/pull").json()
    assert (third["items"], third["accepted"], third["cursor"]) == (1, 1, "3")
    assert balance(srv.engine, org, org.alice_id) == 2 * STEPS_POINTS
    feed.write_text(json.dumps([{"account": org.alice}]))
    bad = owner.post(f"{base}/steps/pull")
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "items[0].seq")
    assert owner.get(base).json()[0]["cursor"] == "3"
