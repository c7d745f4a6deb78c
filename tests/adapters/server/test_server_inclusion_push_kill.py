"""A real ``lingtan serve`` killed with SIGKILL after answering 202 loses no pushed event, and a
replay of every body after the restart stores none twice (issue 18 item 6, decision 0090), on
SQLite and PostgreSQL.

The first server settles only every hour (``LINGTAN_PUSH_SETTLE_S``), so when it is killed
every accepted event is in its write-ahead file only (checked: the ledger is empty). The second
server settles what the first left before it answers its first request.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import httpx

from inclusion_push_kit import (
    PARTNER,
    QUIZ_POINTS,
    balance,
    body_of,
    event,
    events_path,
    setup_push_org,
    signed,
    status_path,
    stored_events,
)
from lingtan.adapters.services.inclusion_push import signed_headers
from livekit import live_server
from serverkit import Server, new_org

BODIES = 20
PER_BODY = 10


def _day(b: int) -> str:
    """Body ``b``'s events on their own day (H3 holds more than 20 a day for review)."""
    return f"2026-11-{b + 1:02d}T08:00:00+08:00"


def _wait_gone(pid: int, timeout_s: float = 30.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} did not die")


def test_a_server_killed_after_202_loses_nothing_and_a_replay_doubles_nothing(
    server_factory: Callable[..., Server], db_url: str
) -> None:
    srv = server_factory(workers=0)
    new_org(srv.engine, srv.data_dir, "acme", "owner@acme.example")
    org = setup_push_org(srv.engine)
    bodies = [
        body_of(
            {
                "events": [
                    event(f"k-{b}-{i}", org.alice, occurred_at=_day(b)) for i in range(PER_BODY)
                ]
            }
        )
        for b in range(BODIES)
    ]
    env = {"LINGTAN_SECRET": "live-test", "LINGTAN_WORKERS": "0"}
    with live_server(db_url, srv.data_dir, env={**env, "LINGTAN_PUSH_SETTLE_S": "3600"}) as live:
        with httpx.Client(base_url=live.base, timeout=60) as c:
            for body in bodies:
                r = c.post(events_path(org), content=body, headers=signed(org, body))
                assert r.status_code == 202, r.text
        assert stored_events(srv.engine, org) == (0, 0)  # only in the write-ahead file
        os.kill(live.pid, signal.SIGKILL)
        _wait_gone(live.pid)
    total = BODIES * PER_BODY
    with live_server(db_url, srv.data_dir, env=env) as live:
        # settled at start, before the first answer
        assert stored_events(srv.engine, org) == (total, total)
        with httpx.Client(base_url=live.base, timeout=60) as c:
            for body in bodies:  # every body again: all replays
                assert (
                    c.post(events_path(org), content=body, headers=signed(org, body)).status_code
                    == 202
                )
            last = body_of(event("sentinel", org.alice))
            assert (
                c.post(events_path(org), content=last, headers=signed(org, last)).status_code == 202
            )
            path = status_path(org, "sentinel")
            end = time.monotonic() + 120
            while time.monotonic() < end:
                r = c.get(path, headers=signed_headers(PARTNER, org.secret, path.encode()))
                if r.status_code == 200:
                    break
                time.sleep(0.2)
            assert r.status_code == 200, r.text
    assert stored_events(srv.engine, org) == (total + 1, total + 1)
    assert balance(srv.engine, org, org.alice_id) == (total + 1) * QUIZ_POINTS
