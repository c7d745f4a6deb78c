"""The MQTT broker of the tests (issue 16): the Mosquitto at 127.0.0.1:1883 that runs on the
development and CI machines. A test that needs it FAILS with the reason when it is missing —
never skips: the MQTT ingestion must be tested wherever ``make test`` runs.

Each test gets its own topic prefix and client ids (``uuid``), so tests and parallel runs never
see each other's messages or sessions.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

BROKER_HOST = "127.0.0.1"
BROKER_PORT = 1883
BROKER_URL = f"mqtt://{BROKER_HOST}:{BROKER_PORT}"


def broker_missing() -> str | None:
    """None when the broker accepts a connection, else why not."""
    try:
        with socket.create_connection((BROKER_HOST, BROKER_PORT), timeout=2):
            return None
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"


@dataclass
class Broker:
    """The test broker and this test's own names."""

    url: str
    prefix: str  # a topic prefix of this test only

    def client_id(self, role: str) -> str:
        """A client id of this test only."""
        return f"t-{role}-{self.prefix.rsplit('/', 1)[-1]}"

    def publisher(self) -> Publisher:
        """A connected QoS 1 publisher (closed by the caller)."""
        return Publisher(self.client_id(f"pub-{uuid.uuid4().hex[:6]}"))


@pytest.fixture
def broker() -> Broker:
    """The Mosquitto broker at 127.0.0.1:1883; the test fails (never skips) when it is down."""
    missing = broker_missing()
    if missing:
        pytest.fail(
            f"the MQTT tests need the Mosquitto broker at {BROKER_HOST}:{BROKER_PORT} "
            f"({missing}); install and start it: apt-get install mosquitto && service "
            "mosquitto start",
            pytrace=False,
        )
    return Broker(BROKER_URL, f"lingtan-test/{uuid.uuid4().hex[:12]}")


class Publisher:
    """A QoS 1 MQTT 5 publisher that waits for the broker's PUBACK of each message."""

    def __init__(self, client_id: str) -> None:
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.connect(BROKER_HOST, BROKER_PORT)
        self.client.loop_start()

    def publish(self, topic: str, payload: Any) -> mqtt.MQTTMessageInfo:
        """Publish one message (a dict is sent as JSON)."""
        data = payload if isinstance(payload, bytes | str) else json.dumps(payload)
        return self.client.publish(topic, data, qos=1)

    def publish_all(self, messages: list[tuple[str, Any]]) -> None:
        """Publish every message and wait until the broker has acknowledged each."""
        infos = [self.publish(t, p) for t, p in messages]
        for info in infos:
            info.wait_for_publish(timeout=30)
            assert info.is_published(), "the broker did not acknowledge a message"

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def publisher(broker: Broker) -> Iterator[Publisher]:
    """A publisher of this test (closed at its end)."""
    pub = broker.publisher()
    yield pub
    pub.close()


def wait_until(
    check: Callable[[], bool], *, timeout: float = 60.0, what: str | Callable[[], str] = ""
) -> None:
    """Poll ``check`` every 20 ms until it is true; fail naming ``what`` (a text, or a function
    giving one at that moment) after ``timeout`` [s] (a generous bound on a busy machine, never
    a measured time)."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting: {what() if callable(what) else what}")
        time.sleep(0.02)


def run_in_thread(
    target: Callable[[threading.Event], None],
) -> tuple[threading.Thread, threading.Event]:
    """Start ``target(stop)`` on a thread; returns the thread and its stop event."""
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(stop,), daemon=True)
    thread.start()
    return thread, stop


def stored(folder: Path) -> tuple[int, float, int]:
    """(readings, Σ value, rows in the files): deduplicated, and every row of every file."""
    import duckdb
    import pyarrow.parquet as pq

    from lingtan.adapters.io.readings_store import reading_files, readings_sql

    files = reading_files(folder)
    rows = sum(pq.read_metadata(p).num_rows for p in files)
    if not files:
        return 0, 0.0, 0
    with duckdb.connect() as con:
        ((n, total),) = con.execute(
            f"SELECT count(*), sum(value) FROM ({readings_sql(folder)})"
        ).fetchall()
    return int(n), float(total or 0.0), rows
