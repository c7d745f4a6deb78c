"""100 concurrent clients against a real ``lingtan serve`` (a subprocess on a loopback port), on
SQLite and PostgreSQL: every response is 200 (issue 11 item 10; decision 0038).

Before decision 0038 a request took a second store connection (its workspace's session, a
token's bookkeeping write) while holding its first, and the pool's threads waited for
connections held by requests that waited for a thread: at 100 clients 0–15 % of the requests
were answered. Now each request holds one connection, and one of a bounded number of request
slots it waited for in the event loop. OWASP ASVS 4.0.3 V1.14 / V11.1.4 (availability under
load: a burst of requests queues, none fails). No timing is asserted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from livekit import live_server
from serverkit import Server, seed_inventory

CLIENTS = 100
#: lineage recomputes a figure's rows (seconds of CPU each, docs/benchmarks.md): a few clients
LINEAGE_EVERY = 100
API = "/api/v1/orgs/acme"


def _client_run(base: str, cookies: httpx.Cookies, token: str, snapshot: str, i: int,
                start: threading.Barrier) -> list[tuple[str, int]]:  # fmt: skip
    """One client: the inventory JSON, the dashboard page, and (every LINEAGE_EVERY-th client)
    the lineage of a figure through the API."""
    paths = [(f"{API}/inventories/FY2024-25", "bearer"), ("/o/acme/dashboard", "cookie")]
    if i % LINEAGE_EVERY == 0:
        paths.append((f"{API}/snapshots/{snapshot}/explain?scope=2&limit=5", "bearer"))
    out: list[tuple[str, int]] = []
    with (
        httpx.Client(base_url=base, timeout=120, cookies=cookies) as web,
        httpx.Client(
            base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"}
        ) as api,
    ):
        start.wait()
        for path, how in paths[i % 2 :] + paths[: i % 2]:  # clients in two orders
            r = (web if how == "cookie" else api).get(path)
            out.append((path, r.status_code))
    return out


def test_100_concurrent_clients_all_answered(
    server_factory: Callable[..., Server], db_url: str
) -> None:
    srv = server_factory(workers=0)
    c = seed_inventory(srv, "load@acme.example")
    token = c.post(f"{API}/tokens", json={"name": "load"}).json()["token"]
    snapshot = c.get(f"{API}/snapshots").json()[0]["id"]
    env = {"LINGTAN_SECRET": "live-test", "LINGTAN_WORKERS": "1"}
    with live_server(db_url, srv.data_dir, workers=1, env=env) as live:
        base = live.base
        login = httpx.post(
            f"{base}/api/v1/auth/login",
            json={"email": "load@acme.example", "password": "correct horse battery staple"},
        )
        assert login.status_code == 200, login.text
        start = threading.Barrier(CLIENTS)
        with ThreadPoolExecutor(CLIENTS) as pool:
            runs = [
                pool.submit(_client_run, base, login.cookies, token, snapshot, i, start)
                for i in range(CLIENTS)
            ]
            answers: list[Any] = [a for f in runs for a in f.result()]
        log = live.log.read_text()
    failed = [a for a in answers if a[1] != 200]
    assert len(answers) == 2 * CLIENTS + CLIENTS // LINEAGE_EVERY
    assert not failed, f"{len(failed)} of {len(answers)} failed: {failed[:5]}\n{log[-3000:]}"
