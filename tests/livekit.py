"""A real ``lingtan serve`` in a subprocess on a loopback port, for the tests that need a whole
server process (browser tests, request limits measured by the server's RSS, concurrency):
started on a store and data folder the test prepared, stopped by its process id."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVE = "from lingtan.adapters.server.main import app; app()"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    """A running ``lingtan serve``: its base URL, port, process id and log file."""

    base: str
    port: int
    pid: int
    log: Path


@contextmanager
def live_server(
    database_url: str,
    data_dir: Path,
    *,
    workers: int | None = None,
    env: dict[str, str] | None = None,
    ready: str = "/login",
    timeout_s: float = 60.0,
) -> Iterator[LiveServer]:
    """``lingtan serve`` on ``database_url`` and ``data_dir`` (127.0.0.1 only).

    ``workers``: uvicorn processes (``--workers``; default one); ``env``: variables added to
    this process's environment (``LINGTAN_*`` settings); ``ready``: the path answered 200 once
    the server is up. The process is stopped (terminated, then killed) on exit; its output goes
    to ``data_dir/server.log``, quoted when it does not start."""
    port = free_port()
    log_path = data_dir / "server.log"
    log = log_path.open("wb")
    cmd = [sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1", "--port", str(port),
           "--database-url", database_url, "--data-dir", str(data_dir)]  # fmt: skip
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{base}{ready}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > end:
                raise AssertionError(f"lingtan serve did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield LiveServer(base=base, port=port, pid=proc.pid, log=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
