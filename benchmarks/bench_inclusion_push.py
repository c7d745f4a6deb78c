"""Partners' push benchmark (issue 18 item 6, decision 0090): ``python -m
benchmarks.bench_inclusion_push`` (``make bench-inclusion-push``).

A real ``lingtan serve`` (one process, SQLite in a temporary folder unless ``--database-url``)
with one organisation, a programme, ``--accounts`` consenting accounts and a partner, and
``--clients`` concurrent signed clients (a small asyncio HTTP/1.1 keep-alive client in this
process, so that the client's cost stays small next to the server's):

* ``bare``    the yardstick: a minimal Starlette app (uvicorn, same host) whose one route only
              appends the body to the same write-ahead file (group commit, fdatasync) and
              answers 202 — the disk and HTTP floor;
* ``single``  the push route, one event per body, for ``--seconds``;
* ``batch``   the push route, ``--batch`` events per body, for ``--seconds``;
  reported: events/s answered 202, and the ratio to ``bare`` (bodies/s ÷ bodies/s);
  then the time until every event is settled into the ledger (settled events/s);
* ``kill -9`` ``--kill-bodies`` bodies of 10 events sent by the clients, the server killed with
  SIGKILL once 40 % are answered, restarted at once; reported: events answered 202 before the
  kill, of those missing after the restart (lost, must be 0); then every body sent again
  (replay) and the events stored vs distinct external ids (duplicates, must be 0).

Wall clock; the load average is printed. Copy the table to docs/benchmarks.md ("Partners' push").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks._harness import format_table, loads

SERVE = "from lingtan.adapters.server.main import app; app()"
SLUG, PROGRAMME, PARTNER = "bench", "staff", "zz"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 300) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError as exc:
            if getattr(exc, "code", None):  # any HTTP answer: up
                return
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        time.sleep(0.2)
    raise SystemExit("server did not start")


# -- set-up -----------------------------------------------------------------------------------


def prepare(url: str, data_dir: Path, accounts: int) -> str:
    """Organisation, programme, accounts, partner and consents; the partner's secret."""
    from lingtan.adapters.services import inclusion_programmes as pg
    from lingtan.adapters.services.context import JobContext
    from lingtan.adapters.store.bootstrap import create_organisation
    from lingtan.adapters.store.db import make_engine, migrate
    from lingtan.adapters.store.scoping import request_session, tenant_session
    from lingtan.adapters.store.workspace import org_workspace

    engine = make_engine(url)
    migrate(engine)
    with request_session(engine) as db:
        org = create_organisation(db, slug=SLUG, name="Bench", data_dir=data_dir)
        db.commit()
        org_id, path = int(org.id), str(org.workspace_path)
    ctx = JobContext(org_workspace(engine, org_id, Path(path), actor="bench"))
    with tenant_session(engine, org_id, actor="bench") as db:
        programme = {"code": PROGRAMME, "name": "Staff", "audience": "employee",
                     "engagement_points": {"learn.quiz": 2}, "caps": {}}  # fmt: skip
        pg.create_programme(db, ctx, programme)
        partner = {"code": PARTNER, "name": "ZZ", "allowed_actions": ["learn.quiz"],
                   "rate_per_s": 100_000, "burst": 1_000_000}  # fmt: skip
        _, secret = pg.create_partner(db, ctx, partner)
        refs = []
        for i in range(accounts):
            acc = pg.create_account(db, ctx, PROGRAMME, {"subject": f"bench-{i}"})
            pg.grant_consent(db, ctx, PROGRAMME, acc.ref, PARTNER, ["learn.quiz"], evidence="bench")
            refs.append(acc.ref)
        db.commit()
    (data_dir / "refs.json").write_text(json.dumps(refs))
    engine.dispose()
    return str(secret)


def counts(url: str) -> tuple[int, int, int]:
    """(receipts, events stored, distinct external ids of the events)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            receipts = c.execute(text("SELECT count(*) FROM inclusion_push_receipt")).scalar()
            n, d = c.execute(
                text("SELECT count(*), count(DISTINCT external_id) FROM inclusion_event")
            ).one()
    finally:
        engine.dispose()
    return int(receipts or 0), int(n or 0), int(d or 0)


def acked_missing(url: str, ids: set[str]) -> int:
    """How many of ``ids`` have no receipt."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            stored = {
                r[0] for r in c.execute(text("SELECT external_id FROM inclusion_push_receipt"))
            }
    finally:
        engine.dispose()
    return len(ids - stored)


# -- the servers ------------------------------------------------------------------------------


def start_server(url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """``lingtan serve`` on ``port`` (one process, no job threads)."""
    env = {**os.environ, "LINGTAN_SECRET": "bench", "LINGTAN_WORKERS": "0"}
    cmd = [sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1", "--port", str(port),
           "--database-url", url, "--data-dir", str(data_dir)]  # fmt: skip
    log = (data_dir / "server.log").open("ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    _wait_up(f"http://127.0.0.1:{port}/login", proc)
    return proc


def bare_app(folder: Path) -> Any:
    """The yardstick app: append the body to a write-ahead file, await its fsync, 202."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from lingtan.adapters.io.inclusion_wal import PushWal, Topic

    wal = PushWal(folder)
    topic = Topic(1, PROGRAMME, PARTNER)

    async def push(request: Request) -> JSONResponse:
        body = await request.body()
        await wal.append(topic, body)
        return JSONResponse({"received": 1}, status_code=202)

    async def up(_: Request) -> JSONResponse:
        return JSONResponse({})

    return Starlette(routes=[Route("/push", push, methods=["POST"]), Route("/login", up)])


def start_bare(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """The yardstick in its own process (uvicorn)."""
    cmd = [sys.executable, "-m", "benchmarks.bench_inclusion_push", "--bare-serve", str(port),
           "--bare-dir", str(data_dir / "bare-wal")]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_up(f"http://127.0.0.1:{port}/login", proc)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server (SIGTERM, then SIGKILL)."""
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- the clients ------------------------------------------------------------------------------


def occurred(n: int, accounts: int) -> str:
    """Event ``n``'s time: accounts in turn, a new day after each round of accounts (H3 holds
    more than 20 events of one action a day for review)."""
    day = date(2025, 1, 1) + timedelta(days=(n // accounts) % 600)
    return f"{day.isoformat()}T08:00:00+08:00"


class Bodies:
    """Signed bodies of ``per_body`` events with fresh external ids (``prefix-n``)."""

    def __init__(self, prefix: str, per_body: int, refs: list[str], secret: str) -> None:
        self.prefix, self.per_body, self.refs, self.secret = prefix, per_body, refs, secret
        self.n = 0

    def events(self) -> list[dict[str, Any]]:
        out = []
        for _ in range(self.per_body):
            i = self.n
            self.n += 1
            ref = self.refs[i % len(self.refs)]
            out.append({"external_id": f"{self.prefix}-{i}", "account": ref,
                        "action": "learn.quiz", "quantity": 1, "unit": "item",
                        "occurred_at": occurred(i, len(self.refs))})  # fmt: skip
        return out

    def next(self) -> bytes:
        events = self.events()
        doc: Any = events[0] if self.per_body == 1 else {"events": events}
        return json.dumps(doc, separators=(",", ":")).encode()


def request_bytes(path: str, body: bytes, secret: str | None) -> bytes:
    """One HTTP/1.1 POST (keep-alive), signed when ``secret`` is given."""
    from lingtan.adapters.services.inclusion_push import signed_headers

    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
            f"Content-Length: {len(body)}"]  # fmt: skip
    if secret is not None:
        head += [f"{k}: {v}" for k, v in signed_headers(PARTNER, secret, body).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> int:
    writer.write(data)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if length:
        await reader.readexactly(length)
    return int(status_line.split()[1])


async def load(
    port: int, make: Callable[[], tuple[bytes, Any]], clients: int,
    until: Callable[[], bool],
) -> tuple[list[Any], int, float]:  # fmt: skip
    """``clients`` connections sending ``make()`` bodies until ``until()``; the tags of the
    bodies answered 202, the other answers, and the seconds."""
    acked: list[Any] = []
    other = 0

    async def client() -> None:
        nonlocal other
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        try:
            while not until():
                data, tag = make()
                status = await _exchange(reader, writer, data)
                if status == 202:
                    acked.append(tag)
                else:
                    other += 1
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return acked, other, time.perf_counter() - t0


def timed(port: int, path: str, bodies: Bodies | None, body: bytes, secret: str | None,
          clients: int, seconds: float) -> tuple[int, int, float]:  # fmt: skip
    """Bodies answered 202, others, seconds, for ``seconds``."""
    end = time.monotonic() + seconds

    def make() -> tuple[bytes, Any]:
        data = bodies.next() if bodies is not None else body
        return request_bytes(path, data, secret), None

    acked, other, secs = asyncio.run(load(port, make, clients, lambda: time.monotonic() > end))
    return len(acked), other, secs


def warm_up(port: int, path: str, body: bytes, secret: str) -> None:
    """One signed push before the clock: the first request of an app builds its OpenAPI
    document (the content-type check reads it), seconds that are no part of the throughput."""
    from lingtan.adapters.services.inclusion_push import signed_headers

    headers = {"Content-Type": "application/json", **signed_headers(PARTNER, secret, body)}
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=600) as answer:
        assert answer.status == 202


def wait_settled(url: str, expected: int, timeout_s: float = 1800) -> float:
    """Seconds until ``expected`` receipts exist."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        if counts(url)[0] >= expected:
            break
        time.sleep(0.5)
    return time.perf_counter() - t0


# -- main -------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--accounts", type=int, default=200)
    ap.add_argument("--kill-bodies", type=int, default=1000)
    ap.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    ap.add_argument("--bare-serve", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--bare-dir", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare_serve is not None:
        import uvicorn

        uvicorn.run(bare_app(Path(args.bare_dir)), host="127.0.0.1", port=args.bare_serve,
                    log_level="warning")  # fmt: skip
        return
    tmp = Path(tempfile.mkdtemp(prefix="lingtan-bench-push-"))
    data_dir = tmp / "data"
    data_dir.mkdir()
    url = args.database_url or f"sqlite:///{tmp / 'store.db'}"
    print(f"set-up: {args.accounts} accounts, store {url.split(':', 1)[0]}; load {loads()}")
    secret = prepare(url, data_dir, args.accounts)
    refs = json.loads((data_dir / "refs.json").read_text())
    rows: list[list[object]] = []
    path = f"/api/v1/orgs/{SLUG}/inclusion/{PROGRAMME}/events"

    port = _free_port()
    bare = start_bare(tmp, port)
    one = Bodies("bare", 1, refs, secret).next()
    n_bare, _, s_bare = timed(port, "/push", None, one, None, args.clients, args.seconds)
    stop(bare)
    bare_rate = n_bare / s_bare
    rows.append(
        ["bare (fsync only)", "1", f"{bare_rate:,.0f}", f"{bare_rate:,.0f}", "1.00", "", ""]
    )

    port = _free_port()
    server = start_server(url, data_dir, port)
    warm_up(port, path, Bodies("warm", 1, refs, secret).next(), secret)
    sent = 1
    for name, per_body in (("single", 1), ("batch", args.batch)):
        bodies = Bodies(name, per_body, refs, secret)
        n, other, secs = timed(port, path, bodies, b"", secret, args.clients, args.seconds)
        sent += n * per_body
        settle_s = wait_settled(url, sent)
        rate = n * per_body / secs
        rows.append([f"push {name}", str(per_body), f"{n / secs:,.0f}", f"{rate:,.0f}",
                     f"{(n / secs) / bare_rate:.2f}", f"{n * per_body / (secs + settle_s):,.0f}",
                     str(other)])  # fmt: skip
        print(f"{name}: {rate:,.0f} events/s accepted, settled after {settle_s:.1f} s more")
    # kill -9 mid-stream, restart, replay everything
    bodies = Bodies("kill", 10, refs, secret)
    made = [bodies.next() for _ in range(args.kill_bodies)]
    queue = list(range(len(made)))

    def make() -> tuple[bytes, Any]:
        i = queue.pop(0)
        return request_bytes(path, made[i], secret), i

    threshold = int(0.4 * len(made))
    killed = {"done": False}

    async def run_kill() -> list[Any]:
        acked_box: list[Any] = []

        async def kill_when_enough() -> None:
            while len(acked_box) < threshold and not killed["done"]:
                await asyncio.sleep(0.002)
            if not killed["done"]:
                os.kill(server.pid, signal.SIGKILL)
                killed["done"] = True

        async def client() -> None:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                return
            try:
                while queue and not killed["done"]:
                    data, i = make()
                    if await _exchange(reader, writer, data) == 202:
                        acked_box.append(i)
            except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError):
                return
            finally:
                writer.close()

        await asyncio.gather(kill_when_enough(), *(client() for _ in range(args.clients)))
        return acked_box

    acked = asyncio.run(run_kill())
    server.wait()
    acked_ids = {f"kill-{i * 10 + k}" for i in acked for k in range(10)}
    port = _free_port()
    server = start_server(url, data_dir, port)  # settles what the killed one left, then serves
    lost = acked_missing(url, acked_ids)
    replay = list(range(len(made)))

    def make_replay() -> tuple[bytes, Any]:
        i = replay.pop(0)
        return request_bytes(path, made[i], secret), i

    asyncio.run(load(port, make_replay, args.clients, lambda: not replay))
    total_ids = sent + len(made) * 10
    wait_settled(url, total_ids)
    receipts, stored, distinct = counts(url)
    stop(server)
    rows.append(["kill -9 + replay", "10", "", "", "", "", ""])
    print()
    print(format_table(
        ["variant", "events/body", "bodies/s", "events/s (202)", "× bare", "settled events/s",
         "non-202"], rows))  # fmt: skip
    print()
    print(format_table(
        ["kill -9 at 40 %", "events acked", "acked lost", "events sent (ids)", "receipts",
         "stored events", "duplicates"],
        [["", len(acked_ids), lost, total_ids, receipts, stored, stored - distinct]],
    ))  # fmt: skip
    print(f"\nload average {loads()}; data in {tmp}")


if __name__ == "__main__":
    main()
