"""Server load benchmark (issue 11 item 10): ``python -m benchmarks.load`` (``make bench``).

A real ``lingtan serve --demo`` (uvicorn, ``--workers`` processes) on 127.0.0.1 only, on SQLite
and on a scratch PostgreSQL database (``--pg-admin``; created and dropped here), serving the
demo built by ``lingtan demo`` (cached under ``benchmarks/out/load-demo``). Closed-loop clients
(asyncio; each waits for its answer before the next request) drive, for ``--seconds``
each, at 1, 10 and 50 concurrent clients:

* ``dashboard``: the web dashboard page of the demo organisation ``disclosed`` (cookie);
* ``inventory``: its FY2023/24 inventory as JSON (``GET /api/v1/orgs/disclosed/inventories/…``,
  bearer token);
* ``lineage``: the rows behind its Scope 1 figure (``…/snapshots/{id}/explain``), recomputed
  from the snapshot's frozen inputs on every request (decision 0005);
* ``import``: an upload of a small electricity file (each one different) to the organisation
  ``synthetic`` (``POST /api/v1/orgs/synthetic/imports``: checked, kept, queued as a job);

and two yardsticks of the same server, driven the same way in the same run:

* ``static``: a static file (``/static/css/lingtan.css``, 7.6 kB): the server's floor — the
  middleware stack and uvicorn, no store;
* ``me``: ``GET /api/v1/auth/me`` with the bearer token: an authenticated request (the token's
  store lookup) that reads no inventory.

The scenarios are interleaved: at each client count every scenario runs in turn (round-robin,
``--rounds`` times), so a yardstick and the page it measures share the machine's state. The
table gives requests/s, p50/p95/p99 latency [ms], errors (any answer other than 2xx, a time-out
after ``--timeout`` s, or a broken connection) and the 1-minute load average at the end of the
row, and the CPU the load generator itself spent per request (``cli ms``: on a 2-core machine
it is CPU the server does not get). GET scenarios are driven by :class:`RawClient` (keep-alive
HTTP/1.1 on a socket, ~0.1 ms a request; ``--client httpx`` for httpx's ``AsyncClient`` as
before, ~4 ms a request here), uploads by httpx. Then the start-up time of the server —
process start to its first answer — against a bare FastAPI app of one route served by uvicorn
the same way. Loopback only; every loop is bounded in time and stops by itself.

Issue 14 item 5 goals (PostgreSQL, default ``--workers 2``): dashboard and inventory JSON each
≥ 100 requests/s with p95 < 300 ms at 50 concurrent clients (printed as met or the ratio left).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

OUT = Path(__file__).parent / "out"
DEMO = OUT / "load-demo"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EMAIL, PASSWORD = "demo@lingtan.invalid", "lingtan-demo"
LINGTAN = [sys.executable, "-c", "from lingtan.adapters.server.main import app; app()"]
BARE_APP = (
    "import uvicorn\nfrom fastapi import FastAPI\napp = FastAPI()\n"
    "@app.get('/')\ndef root() -> dict[str, str]:\n    return {'ok': 'yes'}\n"
    "uvicorn.run(app, host='127.0.0.1', port={port}, workers=1, log_level='warning')\n"
)
_upload_seq = itertools.count()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_dir() -> Path:
    """The demo folder ``lingtan demo`` builds (cached)."""
    if not (DEMO / "disclosed" / "lingtan.yaml").exists():
        shutil.rmtree(DEMO, ignore_errors=True)
        subprocess.run([*LINGTAN, "demo", str(DEMO)], check=True, stdout=subprocess.DEVNULL)
    return DEMO


@contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database for one run, dropped on exit."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"lingtan_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_answer(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> float:
    """Seconds until ``url`` answers (any status); raises when the process ends first."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        try:
            httpx.get(url, timeout=5)
            return time.perf_counter() - t0
        except httpx.TransportError:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}") from None
            time.sleep(0.02)
    raise RuntimeError(f"{url}: no answer in {timeout_s} s")


@contextmanager
def serving(args: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[Any]:
    """A server subprocess, stopped on exit (terminate, then kill)."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class Result:
    """Latencies [s] of the answered requests and the errors of one run."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    codes: dict[str, int] = field(default_factory=dict)
    #: CPU time [s] of this (client) process during the run
    client_cpu: float = 0.0

    def client_ms(self) -> float:
        """The load generator's CPU per request [ms] (CPU the server could not use)."""
        n = len(self.latencies) + self.errors
        return 1000 * self.client_cpu / n if n else float("nan")

    def pct(self, p: float) -> float:
        """The ``p``-th percentile latency [ms] (nan without answers)."""
        if len(self.latencies) < 2:
            return 1000 * self.latencies[0] if self.latencies else float("nan")
        qs = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return 1000 * qs[int(p) - 1]


def _csv() -> bytes:
    n = next(_upload_seq)
    rows = "".join(
        f"TJ01,2024-{m:02d}-01,2024-{m:02d}-28,{40000 + 7 * n + m}.{os.getpid() % 97},kWh,grid,"
        f"Grid {n}\n"
        for m in range(4, 7)
    )
    return ("site,date,period_end,quantity,unit,source,supplier\n" + rows).encode()


async def _request(c: httpx.AsyncClient, scenario: str, ctx: dict[str, str]) -> httpx.Response:
    if scenario == "static":
        return await c.get("/static/css/lingtan.css")
    if scenario == "me":
        return await c.get("/api/v1/auth/me", headers=ctx["auth"])  # type: ignore[arg-type]
    if scenario == "dashboard":
        return await c.get("/o/disclosed/dashboard", cookies=ctx["cookies"])  # type: ignore[arg-type]
    if scenario == "inventory":
        return await c.get("/api/v1/orgs/disclosed/inventories/FY2023-24", headers=ctx["auth"])  # type: ignore[arg-type]
    if scenario == "lineage":
        return await c.get(
            f"/api/v1/orgs/disclosed/snapshots/{ctx['snapshot']}/explain?scope=1&limit=20",
            headers=ctx["auth"],  # type: ignore[arg-type]
        )
    return await c.post(
        "/api/v1/orgs/synthetic/imports",
        files={"file": (f"load-{next(_upload_seq)}.csv", _csv(), "text/csv")},
        data={"template": "electricity"},
        headers=ctx["auth_synthetic"],  # type: ignore[arg-type]
    )


#: the GET scenarios the raw client drives (``import`` posts a new multipart body each time)
GETS = ("static", "me", "dashboard", "inventory", "lineage")


def _get_bytes(base: str, scenario: str, ctx: dict[str, Any]) -> bytes:
    """The bytes of one GET request of ``scenario`` (HTTP/1.1, keep-alive), as httpx sends
    it: the same path, cookie or bearer token."""
    host = base.split("://", 1)[1]
    headers = {"Host": host, "Accept": "*/*", "Accept-Encoding": "identity"}
    if scenario == "static":
        path = "/static/css/lingtan.css"
    elif scenario == "me":
        path, headers = "/api/v1/auth/me", {**headers, **ctx["auth"]}
    elif scenario == "dashboard":
        cookie = "; ".join(f"{k}={v}" for k, v in ctx["cookies"].items())
        path, headers = "/o/disclosed/dashboard", {**headers, "Cookie": cookie}
    elif scenario == "inventory":
        path = "/api/v1/orgs/disclosed/inventories/FY2023-24"
        headers = {**headers, **ctx["auth"]}
    else:
        path = f"/api/v1/orgs/disclosed/snapshots/{ctx['snapshot']}/explain?scope=1&limit=20"
        headers = {**headers, **ctx["auth"]}
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"GET {path} HTTP/1.1\r\n{head}\r\n".encode("latin-1")


class RawClient:
    """One keep-alive HTTP/1.1 connection sending a fixed request and reading the whole answer
    (``Content-Length`` or chunked). Costs the machine ~0.1 ms of CPU a request where an httpx
    ``AsyncClient`` costs ~4 ms on this 2-core machine — CPU the server under test then lacks."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        """Close the connection (if open)."""
        if self.writer is not None:
            self.writer.close()
            with suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def send(self, request: bytes) -> int:
        """Send ``request``; the answer's status code once all of its body is read."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(request)
        reader = self.reader
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            while size := int((await reader.readline()).split(b";")[0], 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        elif length:
            await reader.readexactly(length)
        if close:
            await self.close()
        return status


async def drive(base: str, scenario: str, clients: int, seconds: float, timeout: float,
                ctx: dict[str, Any], raw: bool = True) -> Result:  # fmt: skip
    """``clients`` closed-loop clients for ``seconds``; requests started before the end are
    waited for (at most ``timeout`` s each). GET scenarios use :class:`RawClient` unless
    ``raw`` is false (then, like ``import``, an httpx ``AsyncClient``)."""
    res = Result(seconds)
    end = time.perf_counter() + seconds

    async def raw_client() -> None:
        host, port = base.split("://", 1)[1].rsplit(":", 1)
        c, request = RawClient(host, int(port)), _get_bytes(base, scenario, ctx)
        try:
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                try:
                    status = await asyncio.wait_for(c.send(request), timeout)
                    ok, key = 200 <= status < 300, str(status)
                except (OSError, EOFError, ValueError, IndexError) as exc:  # time-outs are OSError
                    ok, key = False, type(exc).__name__
                    await c.close()
                res.codes[key] = res.codes.get(key, 0) + 1
                if ok:
                    res.latencies.append(time.perf_counter() - t0)
                else:
                    res.errors += 1
        finally:
            await c.close()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=timeout) as c:
            while time.perf_counter() < end:
                t0 = time.perf_counter()
                try:
                    r = await _request(c, scenario, ctx)
                    ok = 200 <= r.status_code < 300
                    key = str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, key = False, type(exc).__name__
                res.codes[key] = res.codes.get(key, 0) + 1
                if ok:
                    res.latencies.append(time.perf_counter() - t0)
                else:
                    res.errors += 1

    t, cpu = time.perf_counter(), time.process_time()
    one = raw_client if raw and scenario in GETS else client
    await asyncio.gather(*(one() for _ in range(clients)))
    res.client_cpu = time.process_time() - cpu
    res.seconds = max(seconds, time.perf_counter() - t)
    return res


def prepare(folder: Path, store_url: str) -> dict[str, Any]:
    """Register the demo in ``folder`` on the store (as ``lingtan serve --demo`` does) and make
    one API token per organisation."""
    from lingtan.adapters.server.serve import prepare_demo
    from lingtan.adapters.store.auth import create_token
    from lingtan.adapters.store.db import make_engine
    from lingtan.adapters.store.scoping import system_session
    from lingtan.adapters.store.tenancy import organisation_by_slug, user_by_email

    prepare_demo(folder, store_url)
    engine = make_engine(store_url)
    tokens: dict[str, str] = {}
    for slug in ("disclosed", "synthetic"):
        with system_session(engine, actor="benchmark") as db:
            user, org = user_by_email(db, EMAIL), organisation_by_slug(db, slug)
            assert user is not None
            assert org is not None
            tokens[slug] = create_token(db, user, org, f"load-{slug}")
    engine.dispose()
    return tokens


def run_store(store: str, store_url: str, args: argparse.Namespace) -> list[tuple[Any, ...]]:
    """Every scenario at every client count against one server on ``store_url`` (serving a
    copy of the demo: the uploads add batches to it)."""
    folder = Path(tempfile.mkdtemp(prefix="lingtan-load-demo-"))
    shutil.copytree(demo_dir(), folder, dirs_exist_ok=True)
    tokens = prepare(folder, store_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LINGTAN_SECRET": "bench", "LINGTAN_RATE_PER_S": "0"}
    cmd = [*LINGTAN, "serve", "--demo", str(folder), "--port", str(port),
           "--workers", str(args.workers), "--database-url", store_url]  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    with serving(cmd, OUT / f"load-{store}.log", env) as proc:
        wait_answer(f"{base}/api/v1/auth/me", proc)
        setup = httpx.Client(base_url=base, timeout=120)
        login = setup.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
        login.raise_for_status()
        auth = {"Authorization": f"Bearer {tokens['disclosed']}"}
        snaps = setup.get("/api/v1/orgs/disclosed/snapshots", headers=auth).json()
        setup.close()
        ctx = {
            "cookies": dict(login.cookies),
            "auth": auth,
            "auth_synthetic": {"Authorization": f"Bearer {tokens['synthetic']}"},
            "snapshot": next(s["id"] for s in snaps if s["fiscal_year"] == "FY2023/24"),
        }
        for scenario in args.scenarios:
            # warm-up of every process (first template render, factor-library load, the stored
            # inventories read once per process): the rows measure the steady state
            asyncio.run(drive(base, scenario, 2 * args.workers, 1.0, args.timeout, ctx, args.raw))
        for n in args.clients:
            for _round in range(args.rounds):
                for scenario in args.scenarios:  # interleaved: yardsticks beside the pages
                    r = asyncio.run(
                        drive(base, scenario, n, args.seconds, args.timeout, ctx, args.raw)
                    )
                    row = (store, scenario, n, len(r.latencies) / r.seconds, r.pct(50),
                           r.pct(95), r.pct(99), r.errors, r.codes, os.getloadavg()[0],
                           r.client_ms())  # fmt: skip
                    print(_fmt(row), flush=True)
                    rows.append(row)
    shutil.rmtree(folder, ignore_errors=True)
    return rows


def startup(args: argparse.Namespace) -> list[tuple[str, float]]:
    """Median seconds from process start to the first answer: lingtan (an empty SQLite store,
    migrated at start) and a bare one-route FastAPI app, each served by uvicorn."""
    out: list[tuple[str, float]] = []
    for name in ("bare FastAPI", "lingtan serve"):
        times = []
        for _ in range(args.startup_runs):
            port = free_port()
            with tempfile.TemporaryDirectory(prefix="lingtan-start-") as d:
                if name == "bare FastAPI":
                    cmd = [sys.executable, "-c", BARE_APP.replace("{port}", str(port))]
                    url = f"http://127.0.0.1:{port}/"
                else:
                    cmd = [*LINGTAN, "serve", "--port", str(port), "--data-dir", d]
                    url = f"http://127.0.0.1:{port}/api/v1/auth/me"
                with serving(cmd, Path(d) / "serve.log") as proc:
                    times.append(wait_answer(url, proc))
        out.append((name, statistics.median(times)))
        print(f"start-up {name}: {statistics.median(times):.2f} s", flush=True)
    return out


def _fmt(row: tuple[Any, ...]) -> str:
    store, scenario, n, rps, p50, p95, p99, errors, _codes, load1, client_ms = row
    return (f"{store:<10} {scenario:<10} {n:>7} {rps:>8.1f} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f} "
            f"{errors:>6} {load1:>6.2f} {client_ms:>6.2f}")  # fmt: skip


#: issue 14 item 5: at 50 clients on PostgreSQL, each of these ≥ 100 requests/s, p95 < 300 ms
GOALS = {"dashboard": (100.0, 300.0), "inventory": (100.0, 300.0)}
GOAL_CLIENTS = 50


def goals(rows: list[tuple[Any, ...]]) -> list[str]:
    """The goals of issue 14 item 5, each met or with the ratio still to gain (the median of
    the rounds at :data:`GOAL_CLIENTS` clients on PostgreSQL)."""
    out = []
    for scenario, (rps_goal, p95_goal) in GOALS.items():
        got = [
            r for r in rows if r[0] == "postgresql" and r[1] == scenario and r[2] == GOAL_CLIENTS
        ]
        if not got:
            continue
        rps = statistics.median(r[3] for r in got)
        p95 = statistics.median(r[5] for r in got)
        parts = [
            f"{rps:.0f} req/s " + ("met" if rps >= rps_goal else f"{rps_goal / rps:.2f}x short"),
            f"p95 {p95:.0f} ms " + ("met" if p95 < p95_goal else f"{p95 / p95_goal:.2f}x over"),
        ]
        out.append(f"goal {scenario} at {GOAL_CLIENTS} clients (>= {rps_goal:.0f} req/s, "
                   f"p95 < {p95_goal:.0f} ms): " + "; ".join(parts))  # fmt: skip
    return out


def load() -> str:
    """The load averages (other work on the machine skews the figures)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stores", default="sqlite,postgresql")
    p.add_argument("--scenarios", default="static,me,dashboard,inventory,lineage,import")
    p.add_argument("--rounds", type=int, default=1, help="interleaved rounds per client count")
    p.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    p.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="GET scenarios: raw keep-alive HTTP/1.1 (cheap) or httpx.AsyncClient (as before)",
    )
    p.add_argument("--clients", default="1,10,50")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--timeout", type=float, default=30.0, help="per request [s]")
    p.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    p.add_argument("--startup-runs", type=int, default=3)
    p.add_argument("--pg-admin", default=PG_ADMIN)
    args = p.parse_args()
    args.scenarios = args.scenarios.split(",")
    args.clients = [int(c) for c in args.clients.split(",")]
    args.raw = args.client == "raw"
    OUT.mkdir(exist_ok=True)
    print(f"load average before: {load()}", flush=True)
    print(f"{'store':<10} {'scenario':<10} {'clients':>7} {'req/s':>8} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8} {'errors':>6} {'load1':>6} {'cli ms':>6}")  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for store in args.stores.split(","):
        if store == "sqlite":
            with tempfile.TemporaryDirectory(prefix="lingtan-load-") as d:
                rows += run_store(store, f"sqlite:///{Path(d) / 'lingtan-server.db'}", args)
        else:
            with scratch_postgres(args.pg_admin) as url:
                rows += run_store(store, url, args)
    if not args.no_startup:
        startup(args)
    print(f"load average after: {load()}")
    for line in goals(rows):
        print(line)
    bad = {f"{r[0]}/{r[1]}/{r[2]}": r[8] for r in rows if r[7]}
    if bad:
        print(f"answers of the runs with errors: {bad}")


if __name__ == "__main__":
    main()
