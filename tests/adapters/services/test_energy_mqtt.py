"""MQTT ingestion of meter readings (issue 16 item 1, decision 0072) against the real broker:
payload mapping, duplicates and out-of-order readings harmless, bad payloads recorded with a
keyed reason, and a listener killed with SIGKILL mid-stream loses nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
import pytest

from lingtan.adapters.io.reading_wal import WalRecord, read_segments
from lingtan.adapters.services.energy_mqtt import (
    MqttConfigError,
    MqttIngest,
    PayloadMapper,
    listener_status,
    parse_config,
)
from mqttkit import Broker, Publisher, broker, publisher, run_in_thread, stored, wait_until

__all__ = ["broker", "publisher"]  # fixtures

T0 = 1_704_067_200  # 2024-01-01T00:00:00Z [s since the epoch]


@dataclass
class FakeContext:
    """Only what the listener asks of a context: the workspace folder."""

    path: Path

    def workspace(self) -> Any:
        return SimpleNamespace(path=self.path)


@dataclass
class MemoryStore:
    """A reading store in memory with the contract's semantics: one value per meter × ts (a
    repeated equal value is a duplicate, a different one replaces it)."""

    rows: dict[tuple[str, int], float] = field(default_factory=dict)
    calls: list[tuple[str, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, ctx: Any, table: pa.Table, source: str, origin: str) -> Any:
        accepted = duplicates = 0
        ts_us = table.column("ts").cast(pa.int64()).to_pylist()
        with self.lock:
            for meter, ts, value in zip(
                table.column("meter").to_pylist(),
                ts_us,
                table.column("value").to_pylist(),
                strict=True,
            ):
                if self.rows.get((meter, ts)) == value:
                    duplicates += 1
                else:
                    accepted += 1
                    self.rows[(meter, ts)] = value
            self.calls.append((source, origin, table.num_rows))
        return SimpleNamespace(accepted=accepted, duplicates=duplicates, rejected=[])


def config(broker: Broker, **extra: Any) -> dict[str, Any]:
    sub = {
        "filter": f"{broker.prefix}/+/reading",
        "meter": {"segment": 2},
        "ts": "ts",
        "value": "v",
    }
    sub.update(extra)
    return {"client_id": broker.client_id("ingest"), "flush_seconds": 0.2, "subscriptions": [sub]}


# -- mapping (no broker) --------------------------------------------------------------------------


def _map(cfg: dict[str, Any], *messages: tuple[str, bytes]) -> Any:
    mapper = PayloadMapper(parse_config(cfg).subscriptions)
    return mapper.map([WalRecord(1.0, t, p) for t, p in messages])


def test_json_keys_and_topic_segments_map_to_meter_ts_value() -> None:
    cfg = {
        "subscriptions": [
            {"filter": "p/+/m/+", "meter": {"segment": 3}, "ts": "t.start", "value": {"key": "kwh"}}
        ]
    }
    out = _map(
        cfg,
        ("p/HF/m/M1", b'{"t": {"start": "2024-01-01T08:00:00+08:00"}, "kwh": 12.5}'),
        ("p/HF/m/M2", b'{"t": {"start": 1704067200}, "kwh": "3"}'),
    )
    # 08:00 in UTC+8 is 00:00 UTC = T0
    assert out.rows == {"p/+/m/+": {("M1", T0 * 10**6): 12.5, ("M2", T0 * 10**6): 3.0}}
    assert out.rejections == []


def test_a_batch_payload_carries_many_readings_and_milliseconds_are_read() -> None:
    cfg = {
        "subscriptions": [
            {
                "filter": "gw/#",
                "meter": "m",
                "ts": "ts",
                "value": "v",
                "batch": "readings",
                "ts_unit": "ms",
            }
        ]
    }
    body = {
        "readings": [
            {"m": "A", "ts": T0 * 1000, "v": 1},
            {"m": "A", "ts": T0 * 1000 + 900_000, "v": 2},
        ]
    }
    out = _map(cfg, ("gw/1", json.dumps(body).encode()))
    assert out.rows["gw/#"] == {("A", T0 * 10**6): 1.0, ("A", (T0 + 900) * 10**6): 2.0}


def test_bad_payloads_are_kept_with_a_keyed_reason_never_dropped() -> None:
    cfg = {
        "subscriptions": [
            {
                "filter": "p/+",
                "meter": {"segment": 1},
                "ts": "ts",
                "value": "v",
            }
        ]
    }
    out = _map(
        cfg,
        ("p/M1", b"not json"),
        ("p/M1", b'{"v": 1}'),
        ("p/M1", b'{"ts": "2024-01-01T00:00:00", "v": 1}'),
        ("p/M1", b'{"ts": 1704067200, "v": "NaN"}'),
        ("p/M1", b'{"ts": 1704067200, "v": true}'),
        ("p/M1", b'{"ts": 1704067200, "v": 7}'),
    )
    assert [r.key for r in out.rejections] == [
        "mqtt.reject.not_json",
        "mqtt.reject.missing",
        "mqtt.reject.ts_naive",
        "mqtt.reject.value",
        "mqtt.reject.value",
    ]
    assert out.rows["p/+"] == {("M1", T0 * 10**6): 7.0}


def test_a_repeated_reading_is_a_duplicate_and_a_later_different_value_wins() -> None:
    cfg = {"subscriptions": [{"filter": "p/+", "meter": {"segment": 1}, "ts": "ts", "value": "v"}]}
    same = b'{"ts": 1704067200, "v": 5}'
    out = _map(cfg, ("p/M", same), ("p/M", same), ("p/M", b'{"ts": 1704067200, "v": 6}'))
    assert out.duplicates == 1
    assert out.rows["p/+"] == {("M", T0 * 10**6): 6.0}


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ([], "mqtt.config.not_mapping"),
        ({"subscriptions": []}, "mqtt.config.no_subscriptions"),
        ({"subscriptions": [{"meter": "m"}]}, "mqtt.config.filter"),
        ({"subscriptions": [{"filter": "a", "meter": {"segment": -1}}]}, "mqtt.config.field"),
        ({"subscriptions": [{"filter": "a", "ts_unit": "h"}]}, "mqtt.config.ts_unit"),
        ({"subscriptions": [{"filter": "a"}], "flush_seconds": 0}, "mqtt.config.flush"),
    ],
)
def test_an_invalid_configuration_is_refused_with_a_keyed_reason(doc: Any, key: str) -> None:
    with pytest.raises(MqttConfigError) as err:
        parse_config(doc)
    assert err.value.key == key


# -- against the broker ---------------------------------------------------------------------------


def test_published_readings_are_stored_once_whatever_the_order_and_repeats(
    tmp_path: Path, broker: Broker, publisher: Publisher
) -> None:
    store = MemoryStore()
    ctx = FakeContext(tmp_path)
    ingest = MqttIngest(ctx, parse_config(config(broker)), url=broker.url, sink=store)  # type: ignore[arg-type]
    thread, stop = run_in_thread(ingest.run)
    wait_until(ingest.ready.is_set, what="the listener subscribed")
    n = 2000
    # 4 meters x 500 intervals of 15 min, published newest first (out of order), plus every
    # 10th reading published twice (a QoS 1 redelivery looks the same), plus 3 bad payloads
    messages = [
        (f"{broker.prefix}/M{i % 4}/reading", {"ts": T0 + 900 * (i // 4), "v": i})
        for i in reversed(range(n))
    ]
    messages += messages[::10]
    messages += [(f"{broker.prefix}/M0/reading", b"{oops")] * 3
    publisher.publish_all(messages)
    wait_until(lambda: len(store.rows) == n, what=f"{n} readings stored")
    wait_until(lambda: ingest.counters.rejected == 3, what="3 rejections recorded")
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert len(store.rows) == n
    # sum of 0..1999 = 1999 x 2000 / 2 = 1,999,000
    assert sum(store.rows.values()) == 1_999_000
    assert {origin for _, origin, _ in store.calls} == {f"{broker.prefix}/+/reading"}
    assert {source for source, _, _ in store.calls} == {"mqtt"}
    status = listener_status(ctx)  # type: ignore[arg-type]
    assert status["received"] == n + n // 10 + 3
    assert status["rejected"] == 3
    assert [r["key"] for r in status["rejected_recent"]] == ["mqtt.reject.not_json"] * 3
    assert status["rejected_recent"][0]["payload"] == "{oops"
    # the write-ahead file is empty after the last flush
    assert not list((tmp_path / "readings" / "wal").glob("*.wal")) or all(
        p.stat().st_size == 0 for p in (tmp_path / "readings" / "wal").glob("*.wal")
    )


# -- into the reading store -----------------------------------------------------------------------


def metered_workspace(folder: Path, broker: Broker, **cfg: Any) -> Path:
    """The energy kit's site and meters (no readings) and an mqtt.yaml on this test's topics."""
    from energykit import add_meters_and_readings, prepare_energy_workspace

    prepare_energy_workspace(folder)
    add_meters_and_readings(folder, readings=False)
    (folder / "mqtt.yaml").write_text(json.dumps(config(broker, **cfg)), encoding="utf-8")
    return folder


def grid_messages(broker: Broker, start: int, stop: int) -> list[tuple[str, Any]]:
    """Readings i in [start, stop) of meter HF-GRID: interval i (15 min) from T0, value i % 7."""
    return [
        (f"{broker.prefix}/HF-GRID/reading", {"ts": T0 + 900 * i, "v": i % 7})
        for i in range(start, stop)
    ]


def test_readings_published_over_mqtt_are_stored_in_the_reading_store(
    tmp_path: Path, broker: Broker, publisher: Publisher
) -> None:
    from lingtan.adapters.services.context import LocalContext

    folder = metered_workspace(tmp_path / "ws", broker)
    ctx = LocalContext(folder)
    ingest = MqttIngest(ctx, parse_config(config(broker)), url=broker.url)
    thread, stop = run_in_thread(ingest.run)
    wait_until(ingest.ready.is_set, what="the listener subscribed")
    messages = grid_messages(broker, 0, 700)
    publisher.publish_all(messages + messages[:100])  # 100 redelivered: duplicates
    publisher.publish_all([(f"{broker.prefix}/NO-SUCH-METER/reading", {"ts": T0, "v": 1})])
    # Σ i % 7 over i < 700 = 100 x (0 + 1 + ... + 6) = 2100
    wait_until(lambda: stored(folder)[:2] == (700, 2100.0), what="700 readings stored")
    wait_until(lambda: ingest.counters.rejected >= 1, what="the unknown meter recorded")
    stop.set()
    thread.join(30)
    assert stored(folder) == (700, 2100.0, 700)  # every reading once, in the files too
    ctx.workspace().engine.dispose()


def _listener(folder: Path, broker: Broker) -> subprocess.Popen[bytes]:
    """The CLI listener as its own process (its error output in ``listener.err`` beside the
    workspace)."""
    with (folder.parent / "listener.err").open("ab") as err:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lingtan.adapters.cli.energy_mqtt",
                "listen",
                "-w",
                str(folder),
                "--url",
                broker.url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _subscribed(folder: Path) -> bool:
    try:
        status = json.loads((folder / "readings" / "mqtt" / "status.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(status.get("subscribed"))


def _status_text(folder: Path) -> str:
    try:
        return (folder / "readings" / "mqtt" / "status.json").read_text()
    except OSError:
        return "(none)"


def _errors(tmp_path: Path) -> str:
    return (tmp_path / "listener.err").read_text(errors="replace")[-3000:]


def _wal_records(folder: Path) -> int:
    return len(read_segments(folder / "readings" / "wal")[0].records)


def test_a_listener_killed_with_sigkill_mid_stream_loses_no_reading(
    tmp_path: Path, broker: Broker, publisher: Publisher
) -> None:
    folder = metered_workspace(tmp_path / "ws", broker)
    status = folder / "readings" / "mqtt" / "status.json"
    # first run: nothing reaches the store for 60 s, so the kill finds acknowledged readings in
    # the write-ahead file only (and others in flight, never acknowledged)
    slow = {**config(broker), "flush_seconds": 60}
    (folder / "mqtt.yaml").write_text(json.dumps(slow), encoding="utf-8")
    proc = _listener(folder, broker)
    try:
        wait_until(lambda: _subscribed(folder), what="the listener subscribed")
        publisher.publish_all(grid_messages(broker, 0, 600))
        # killed with at least 400 readings acknowledged or about to be (in the write-ahead file
        # only), others in flight, unacknowledged: the broker sends those again
        wait_until(lambda: _wal_records(folder) >= 400, what="readings in the write-ahead file")
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        status.unlink()
        assert stored(folder)[0] == 0  # nothing stored yet: all of it is replayed or redelivered
        # published while it is down: the broker keeps them in the session. Its stock
        # configuration keeps 1000 messages of a client that is down, those in flight included
        # (max_queued_messages; beyond, Mosquitto drops them: docs/mqtt.md): ≤ 600 + 300 here
        publisher.publish_all(grid_messages(broker, 600, 900))
        (folder / "mqtt.yaml").write_text(json.dumps(config(broker)), encoding="utf-8")
        proc = _listener(folder, broker)
        wait_until(
            lambda: _subscribed(folder),
            what=lambda: f"the restarted listener subscribed: {_errors(tmp_path)}",
        )
        publisher.publish_all(grid_messages(broker, 900, 3000))
        # Σ i % 7 over i < 3000: 428 full weeks (i < 2996) x 21 = 8988, + (0 + 1 + 2 + 3) = 8994
        wait_until(
            lambda: stored(folder)[:2] == (3000, 8994.0),
            what=lambda: (
                f"3000 stored: {stored(folder)}; {_status_text(folder)} {_errors(tmp_path)}"
            ),
        )
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, (tmp_path / "listener.err").read_text(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    count, total, rows = stored(folder)
    assert (count, total) == (3000, 8994.0)
    assert rows == 3000  # stored exactly once: a replayed or redelivered reading is not again
    assert json.loads(status.read_text())["replayed"] > 0  # the write-ahead file was replayed


def test_a_reading_published_over_mqtt_reaches_an_inventory_figure_whose_lineage_names_it(
    tmp_path: Path, broker: Broker, publisher: Publisher
) -> None:
    """publish → ingest → rollup → calculate → explain names the meter and the interval."""
    from energykit import FY, SITE
    from lingtan.adapters.compute.lineage import Selection
    from lingtan.adapters.services.calculation import calculate_year
    from lingtan.adapters.services.context import LocalContext
    from lingtan.adapters.services.energy_rollup import rollup, rollup_lineage
    from lingtan.adapters.services.lineage import explain_figure, meter_lineage

    # a gateway sends one message per local day of January 2024 with its 96 readings of
    # HF-GRID (10 kWh per 15 min): 31 x 96 = 2 976 intervals, 29 760 kWh
    folder = metered_workspace(tmp_path / "ws", broker, meter="m", batch="readings")
    ctx = LocalContext(folder)
    ingest = MqttIngest(ctx, load_config_of(folder), url=broker.url)
    thread, stop = run_in_thread(ingest.run)
    wait_until(ingest.ready.is_set, what="the listener subscribed")
    start = T0 - 8 * 3600  # local 2024-01-01 00:00 (UTC+8) = 2023-12-31T16:00Z
    days = [
        {
            "readings": [
                {"m": "HF-GRID", "ts": start + 86_400 * d + 900 * k, "v": 10} for k in range(96)
            ]
        }
        for d in range(31)
    ]
    publisher.publish_all([(f"{broker.prefix}/gw1/reading", day) for day in days])
    wait_until(lambda: stored(folder)[:2] == (2976, 29_760.0), what="January stored")
    stop.set()
    thread.join(30)

    report = rollup(ctx, FY)
    elec = next(b for b in report.batches if b.template == "electricity").batch_id
    (grid,) = rollup_lineage(ctx, elec, 2)  # row 2: grid electricity, January
    assert (grid.meter, grid.intervals, grid.value) == ("HF-GRID", 2976, 29_760.0)
    assert str(grid.first_ts).startswith("2023-12-31T16:00")
    assert str(grid.last_ts).startswith("2024-01-31T15:45")
    calculate_year(ctx.workspace(), FY)
    ex = explain_figure(ctx, Selection(scope=2, site=SITE, month="2024-01"), fiscal_year=FY)
    named = [m for ms in meter_lineage(ctx, ex.rows).values() for m in ms]
    assert {m["meter"] for m in named} == {"HF-GRID"}
    assert any(str(m.get("first_ts", "")).startswith("2023-12-31T16:00") for m in named)
    ctx.workspace().engine.dispose()


def load_config_of(folder: Path) -> Any:
    """The folder's mqtt.yaml, parsed."""
    from lingtan.adapters.services.energy_mqtt import load_config

    return load_config(folder)


def test_listen_without_mqtt_yaml_or_broker_says_what_is_missing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from energykit import prepare_energy_workspace
    from lingtan.adapters.cli.energy_mqtt import mqtt_app

    folder = prepare_energy_workspace(tmp_path / "ws")
    env = {"LINGTAN_LANG": "en", "LINGTAN_MQTT_URL": ""}
    out = CliRunner().invoke(mqtt_app, ["listen", "-w", str(folder)], env=env)
    assert out.exit_code == 2
    assert "mqtt.yaml does not exist" in out.output
    (folder / "mqtt.yaml").write_text('{"subscriptions": [{"filter": "a/#"}]}', encoding="utf-8")
    out = CliRunner().invoke(mqtt_app, ["listen", "-w", str(folder)], env=env)
    assert out.exit_code == 2
    assert "No MQTT broker" in out.output
    (folder / "mqtt.yaml").write_text('{"subscriptions": []}', encoding="utf-8")
    out = CliRunner().invoke(mqtt_app, ["listen", "-w", str(folder)], env=env)
    assert out.exit_code == 2
    assert "at least one topic filter" in out.output
