"""MQTT ingestion benchmark (issue 16, decision 0072): ``python -m benchmarks.mqtt``
(``make bench-mqtt``).

Two runs, each against a real Mosquitto broker, with the listener as a separate process
(``python -m lingtan.adapters.cli.energy_mqtt listen``: paho client, write-ahead file fsynced
in groups before each PUBACK, readings stored in the workspace's Parquet reading store every
5 s) and a local publisher process (raw MQTT 5 packets, QoS 1, one reading per message, 100
meters):

* ``sustained``  the publisher offers ``--rate`` messages/s (default 10,000) for
                 ``--seconds`` (default 60); reported: the publisher's achieved rate (all
                 PUBACKs received), the time until the last reading is stored, the listener's
                 rate over the whole run, and the loss (published − distinct readings stored);
* ``kill -9``    the same stream (``--kill-seconds``, default 20 s), the listener killed with
                 SIGKILL at 40 % and restarted at once, the publisher never stopping; loss and
                 rows stored twice (rows in the files − distinct readings) must be zero.

The broker: by default a private ``mosquitto`` started on a free port with
``max_queued_messages 0`` (the stock configuration keeps only 1,000 messages for a client that
is down, so a broker with the default loses messages of a listener that is down at 10,000/s —
the broker's loss, not the listener's; docs/mqtt.md). ``--broker mqtt://127.0.0.1:1883`` uses
an existing broker instead. Wall clock throughout; the load average is printed. Copy the table
to docs/benchmarks.md ("MQTT ingestion").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._harness import format_table, loads

METERS = 100
T0 = 1_704_067_200  # 2024-01-01T00:00:00Z
PREFIX = "bench/lingtan"


# -- the publisher (a child process) --------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _packet(first: int, body: bytes) -> bytes:
    return bytes([first]) + _varint(len(body)) + body


def _string(text: str) -> bytes:
    data = text.encode()
    return len(data).to_bytes(2, "big") + data


def _read_packet(sock: socket.socket, buf: bytearray) -> tuple[int, bytes] | None:
    """One packet from ``sock`` (``buf`` keeps what was read beyond it); None at the end."""
    while True:
        if len(buf) >= 2:
            n, mult, pos = 0, 1, 1
            while pos < len(buf):
                b = buf[pos]
                n += (b & 0x7F) * mult
                mult *= 128
                pos += 1
                if not b & 0x80:
                    break
            else:
                pos = -1
            if pos > 0 and len(buf) >= pos + n:
                first, body = buf[0], bytes(buf[pos : pos + n])
                del buf[: pos + n]
                return first, body
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf.extend(chunk)


def publish(url: str, rate: float, count: int, start: int, window: int = 1000) -> None:
    """Publish readings ``start .. start+count-1`` at ``rate`` messages/s with QoS 1 over a raw
    MQTT 5 connection (packets built here: a Python MQTT client would be the bottleneck, not
    the listener), at most ``window`` unacknowledged; print a JSON line with the seconds until
    the broker acknowledged the last one."""
    import threading

    from lingtan.adapters.io.mqtt_source import parse_broker_url

    broker = parse_broker_url(url)
    sock = socket.create_connection((broker.host, broker.port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connect = _string("MQTT") + bytes([5, 0x02]) + (60).to_bytes(2, "big") + b"\x00"
    sock.sendall(_packet(0x10, connect + _string(f"bench-pub-{os.getpid()}")))
    buf = bytearray()
    got = _read_packet(sock, buf)
    if got is None or got[0] != 0x20 or got[1][1] != 0:
        raise SystemExit(f"the broker refused the publisher: {got!r}")
    slots = threading.Semaphore(window)
    acked = [0]
    done = threading.Event()

    def reader() -> None:
        while (pkt := _read_packet(sock, buf)) is not None:
            if pkt[0] >> 4 == 4:  # PUBACK
                acked[0] += 1
                slots.release()
                if acked[0] == count:
                    done.set()

    threading.Thread(target=reader, daemon=True).start()
    t0 = time.perf_counter()
    chunk = max(1, int(rate / 200))  # paced every 5 ms
    pending: list[bytes] = []
    for k, i in enumerate(range(start, start + count), start=1):
        meter = f"B{i % METERS:03d}"
        payload = f'{{"ts": {T0 + 900 * (i // METERS)}, "v": 1}}'.encode()
        pid = (i % 65535) + 1
        body = _string(f"{PREFIX}/{meter}") + pid.to_bytes(2, "big") + b"\x00" + payload
        slots.acquire()
        pending.append(_packet(0x32, body))
        if k % chunk == 0 or k == count:
            sock.sendall(b"".join(pending))
            pending.clear()
            ahead = k / rate - (time.perf_counter() - t0)
            if ahead > 0:
                time.sleep(ahead)
    done.wait(600)
    seconds = time.perf_counter() - t0
    sock.sendall(_packet(0xE0, b""))
    sock.close()
    print(json.dumps({"seconds": seconds, "acked": acked[0]}), flush=True)


# -- the broker, the workspace, the listener ------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_broker(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A private mosquitto (no persistence, unlimited queue for a client that is down)."""
    exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = free_port()
    conf = folder / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 0\nmax_inflight_messages 0\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen([exe, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"mqtt://127.0.0.1:{port}"


def build(folder: Path, client_id: str) -> None:
    """A workspace with 100 electricity meters B000–B099 and an mqtt.yaml."""
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.meters import create_meter
    from lingtan.adapters.store.scoping import tenant_session
    from lingtan.adapters.store.workspace import init_workspace

    init_workspace(folder, organisation="Bench Co").engine.dispose()
    ctx = LocalContext(folder)
    ws = ctx.workspace()
    with tenant_session(ws.engine, ws.organisation_id, actor=ctx.actor) as db:
        for k in range(METERS):
            create_meter(
                db,
                ctx,
                {
                    "code": f"B{k:03d}",
                    "site": "HF",
                    "carrier": "electricity",
                    "unit": "kWh",
                    "source": "grid",
                },
            )
    ws.engine.dispose()
    cfg = {
        "client_id": client_id,
        "flush_seconds": 5.0,
        "flush_rows": 100000,
        "subscriptions": [
            {"filter": f"{PREFIX}/+", "meter": {"segment": 2}, "ts": "ts", "value": "v"}
        ],
    }
    (folder / "mqtt.yaml").write_text(json.dumps(cfg), encoding="utf-8")


def listener(folder: Path, url: str) -> subprocess.Popen[bytes]:
    """The listener process (the CLI)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lingtan.adapters.cli.energy_mqtt",
            "listen",
            "-w",
            str(folder),
            "--url",
            url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def status(folder: Path) -> dict[str, Any]:
    """The listener's status.json ({} before it wrote one)."""
    try:
        data: dict[str, Any] = json.loads(
            (folder / "readings" / "mqtt" / "status.json").read_text(encoding="utf-8")
        )
        return data
    except (OSError, ValueError):
        return {}


def wait_subscribed(folder: Path, timeout: float = 120.0) -> None:
    """Until the listener says it is subscribed."""
    end = time.monotonic() + timeout
    while not status(folder).get("subscribed"):
        if time.monotonic() > end:
            raise SystemExit("the listener did not subscribe")
        time.sleep(0.05)


def counted(folder: Path) -> tuple[int, float, int]:
    """(distinct readings, Σ value, rows in the files) of the reading store."""
    import duckdb
    import pyarrow.parquet as pq

    from lingtan.adapters.io.readings_store import reading_files, readings_sql

    files = reading_files(folder)
    if not files:
        return 0, 0.0, 0
    rows = sum(pq.read_metadata(p).num_rows for p in files)
    with duckdb.connect() as con:
        ((n, total),) = con.execute(
            f"SELECT count(*), sum(value) FROM ({readings_sql(folder)})"
        ).fetchall()
    return int(n), float(total or 0.0), rows


def wait_stored(folder: Path, n: int, timeout: float = 600.0) -> float:
    """Until ``n`` distinct readings are stored, checked every 0.5 s; the monotonic time it
    was seen (up to 0.5 s late)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if counted(folder)[0] >= n:
            break
        time.sleep(0.5)
    return time.monotonic()


def publisher(url: str, rate: float, count: int, start: int = 0) -> subprocess.Popen[str]:
    """The publisher process."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.mqtt",
            "--publish",
            url,
            "--rate",
            str(rate),
            "--count",
            str(count),
            "--start",
            str(start),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


def _result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = proc.communicate()
    return dict(json.loads(out.strip().splitlines()[-1]))


# -- the runs -------------------------------------------------------------------------------------


def _row(run: str, folder: Path, n: int, published_s: float, stored_s: float) -> list[object]:
    """A run's table row: messages, publisher rate [msg/s], time until all stored [s],
    end-to-end rate [msg/s], messages lost, readings stored twice, and Σ value stored."""
    distinct, total, rows = counted(folder)
    return [
        run,
        f"{n:,}",
        f"{n / published_s:,.0f}",
        f"{stored_s:.1f}",
        f"{n / stored_s:,.0f}",
        n - distinct,
        rows - distinct,
        f"{total:,.0f}",
    ]


def sustained(url: str, rate: float, seconds: float, tmp: Path) -> list[object]:
    """One sustained run; its table row."""
    folder = tmp / "sustained"
    build(folder, f"bench-sustained-{os.getpid()}")
    n = int(rate * seconds)
    lis = listener(folder, url)
    try:
        wait_subscribed(folder)
        t0 = time.monotonic()
        pub = _result(publisher(url, rate, n))
        stored_at = wait_stored(folder, n)
        lis.send_signal(signal.SIGTERM)
        lis.wait(120)
    finally:
        if lis.poll() is None:
            lis.kill()
    return _row("sustained", folder, n, pub["seconds"], stored_at - t0)


def killed(url: str, rate: float, seconds: float, tmp: Path) -> list[object]:
    """One kill -9 run; its table row."""
    folder = tmp / "killed"
    build(folder, f"bench-killed-{os.getpid()}")
    n = int(rate * seconds)
    lis = listener(folder, url)
    try:
        wait_subscribed(folder)
        t0 = time.monotonic()
        pub = publisher(url, rate, n)
        time.sleep(seconds * 0.4)
        lis.send_signal(signal.SIGKILL)
        lis.wait(60)
        (folder / "readings" / "mqtt" / "status.json").unlink(missing_ok=True)
        lis = listener(folder, url)
        got = _result(pub)
        stored_at = wait_stored(folder, n)
        lis.send_signal(signal.SIGTERM)
        lis.wait(120)
    finally:
        if lis.poll() is None:
            lis.kill()
    return _row("kill -9 at 40 %", folder, n, got["seconds"], stored_at - t0)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=10_000.0, help="offered messages/s")
    ap.add_argument("--seconds", type=float, default=60.0, help="sustained run length [s]")
    ap.add_argument("--kill-seconds", type=float, default=20.0, help="kill run length [s]")
    ap.add_argument("--broker", default="", help="use this broker (default: a private one)")
    ap.add_argument("--publish", default="", help=argparse.SUPPRESS)
    ap.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.publish:
        publish(args.publish, args.rate, args.count, args.start)
        return
    with tempfile.TemporaryDirectory(prefix="lingtan-bench-mqtt-") as tmp_s:
        tmp = Path(tmp_s)
        broker_proc = None
        url = args.broker
        if not url:
            broker_proc, url = start_broker(tmp)
        try:
            print(f"broker {url}; load average {loads()}", flush=True)
            rows = [sustained(url, args.rate, args.seconds, tmp)]
            rows.append(killed(url, args.rate, args.kill_seconds, tmp))
        finally:
            if broker_proc is not None:
                broker_proc.terminate()
                broker_proc.wait(30)
    headers = [
        "run",
        "messages",
        "publisher msg/s",
        "until stored [s]",
        "end-to-end msg/s",
        "lost",
        "stored twice",
        "Σ value",
    ]
    print(format_table(headers, rows))
    print(f"load average after: {loads()}")


if __name__ == "__main__":
    main()
