"""A real ``lingtan serve`` in a subprocess on a loopback port (for the concurrency tests):
started on a store and data folder that a test seeded, stopped by its process id."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(
    database_url: str, data_dir: Path, *, workers: int = 1, timeout_s: float = 60.0
) -> Iterator[str]:
    """``lingtan serve`` on ``database_url`` and ``data_dir`` (127.0.0.1 only); its base URL.

    The process is stopped (terminated, then killed) on exit; its output goes to
    ``data_dir/serve.log``, which an assertion message can quote."""
    port = free_port()
    log = (data_dir / "serve.log").open("wb")
    env = {**os.environ, "LINGTAN_SECRET": "live-test", "LINGTAN_WORKERS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from lingtan.adapters.cli.main import app; app()", "serve",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--database-url", database_url, "--data-dir", str(data_dir)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{base}/api/v1/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > end:
                raise AssertionError(
                    f"server did not start: {(data_dir / 'serve.log').read_text()}"
                )
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
