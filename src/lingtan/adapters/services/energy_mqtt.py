"""Meter readings from an MQTT broker, as a long-running job (issue 16 item 1, decision 0072).

Configuration: ``<workspace>/mqtt.yaml`` (docs/mqtt.md)::

    client_id: lingtan-hefei            # optional; default: derived from the workspace path
    flush_seconds: 5.0                  # store what is durable at least this often [s]
    flush_rows: 100000                  # … or as soon as this many messages are durable
    receive_maximum: 2000               # messages in flight, unacknowledged (MQTT 5 §3.1.2.11.3)
    subscriptions:
      - filter: "plant/+/meter/+/reading"
        meter: {segment: 3}             # the 4th topic level (0-based) names the meter
        ts: ts                          # JSON key (dotted path) of the interval start
        value: value                    # JSON key of the interval value [meter unit]
        ts_unit: s                      # a numeric ts counts seconds (s) or milliseconds (ms)
        batch: readings                 # optional: the payload holds a list under this key
                                        # (``batch: true``: the payload is a JSON list)

Path of a message: the broker → :class:`~lingtan.adapters.io.mqtt_source.MqttSource` (QoS 1,
persistent session) → the write-ahead file (:mod:`lingtan.adapters.io.reading_wal`, fsynced in
groups) → PUBACK. A flusher seals the write-ahead segment every ``flush_seconds`` (5 s), maps its
messages to readings (meter, ts [UTC interval start], value), hands one table per subscription
to ``services.readings.ingest_readings_table(ctx, table, source="mqtt", origin=<filter>)``
and only then deletes the segment. On start the segments a previous process left are stored
first. A crash anywhere replays at most what was already stored; QoS 1 redelivery and a replay
give the same meter × interval again, which the reading store counts as a duplicate and does
not store twice; readings arriving out of order are stored by their own ``ts``.

A payload that cannot be mapped is never dropped silently: it is appended to
``<workspace>/readings/mqtt/rejected.ndjson`` with a keyed reason (``mqtt.reject.*``), and
counted in ``status.json`` beside it (:func:`listener_status`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import yaml

from lingtan.adapters.io.mqtt_source import BrokerUrl, MqttSource, parse_broker_url, topic_matches
from lingtan.adapters.io.reading_wal import ReadingWal, Sealed, WalRecord, read_segments
from lingtan.adapters.services.context import Context

log = logging.getLogger(__name__)

CONFIG_FILE = "mqtt.yaml"
#: the write-ahead segments, the status and the rejected payloads of a workspace's listener
WAL_DIR = Path("readings") / "wal"
STATE_DIR = Path("readings") / "mqtt"
#: the largest part of a rejected payload kept in rejected.ndjson [characters]
REJECTED_EXCERPT = 1000


class MqttConfigError(ValueError):
    """``mqtt.yaml`` is invalid: ``key`` (``mqtt.config.*``) and ``params`` say why."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(f"{key}: {params}")
        self.key = key
        self.params = params


@dataclass(frozen=True)
class FieldSpec:
    """Where one reading field comes from: a JSON key (dotted path) or a topic level (0-based)."""

    key: str | None = None
    segment: int | None = None


@dataclass(frozen=True)
class Subscription:
    """One topic filter and how its payloads map to readings."""

    filter: str
    meter: FieldSpec
    ts: FieldSpec
    value: FieldSpec
    ts_unit: str = "s"
    #: None: one reading per message; "": the payload is a JSON list; else the list's key
    batch: str | None = None


@dataclass(frozen=True)
class MqttConfig:
    """A workspace's ``mqtt.yaml`` (see the module docstring)."""

    subscriptions: tuple[Subscription, ...]
    client_id: str | None = None
    broker: str | None = None
    flush_seconds: float = 5.0
    flush_rows: int = 100_000
    #: messages the broker may have in flight, unacknowledged (MQTT 5.0 §3.1.2.11.3)
    receive_maximum: int = 2000


def _field(raw: Any, name: str, where: str) -> FieldSpec:
    if isinstance(raw, str) and raw:
        return FieldSpec(key=raw)
    if isinstance(raw, Mapping):
        if isinstance(raw.get("key"), str) and raw["key"]:
            return FieldSpec(key=raw["key"])
        seg = raw.get("segment")
        if isinstance(seg, int) and not isinstance(seg, bool) and seg >= 0:
            return FieldSpec(segment=seg)
    raise MqttConfigError("mqtt.config.field", field=name, where=where)


def parse_config(data: Any) -> MqttConfig:
    """An :class:`MqttConfig` from the parsed YAML document.

    Raises:
        MqttConfigError: a missing or invalid entry, named.
    """
    if not isinstance(data, Mapping):
        raise MqttConfigError("mqtt.config.not_mapping")
    subs_raw = data.get("subscriptions")
    if not isinstance(subs_raw, list) or not subs_raw:
        raise MqttConfigError("mqtt.config.no_subscriptions")
    subs: list[Subscription] = []
    for i, raw in enumerate(subs_raw, start=1):
        where = f"subscriptions[{i}]"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("filter"), str):
            raise MqttConfigError("mqtt.config.filter", where=where)
        ts_unit = str(raw.get("ts_unit", "s"))
        if ts_unit not in ("s", "ms"):
            raise MqttConfigError("mqtt.config.ts_unit", where=where, unit=ts_unit)
        batch = raw.get("batch")
        subs.append(
            Subscription(
                filter=raw["filter"],
                meter=_field(raw.get("meter", "meter"), "meter", where),
                ts=_field(raw.get("ts", "ts"), "ts", where),
                value=_field(raw.get("value", "value"), "value", where),
                ts_unit=ts_unit,
                batch="" if batch is True else (str(batch) if batch else None),
            )
        )
    try:
        flush_seconds = float(data.get("flush_seconds", 5.0))
        flush_rows = int(data.get("flush_rows", 100_000))
        receive_maximum = int(data.get("receive_maximum", 2000))
    except (TypeError, ValueError) as exc:
        raise MqttConfigError("mqtt.config.flush") from exc
    if not (flush_seconds > 0 and flush_rows > 0 and 1 <= receive_maximum <= 65535):
        raise MqttConfigError("mqtt.config.flush")
    client_id = data.get("client_id")
    broker = data.get("broker")
    return MqttConfig(
        tuple(subs),
        client_id=str(client_id) if client_id else None,
        broker=str(broker) if broker else None,
        flush_seconds=flush_seconds,
        flush_rows=flush_rows,
        receive_maximum=receive_maximum,
    )


def load_config(workspace: Path) -> MqttConfig | None:
    """The workspace's ``mqtt.yaml``, or None when it has none.

    Raises:
        MqttConfigError: the file is not valid YAML or not a valid configuration.
    """
    path = workspace / CONFIG_FILE
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MqttConfigError("mqtt.config.yaml", error=str(exc).splitlines()[0]) from exc
    return parse_config(data)


def default_client_id(workspace: Path) -> str:
    """A client id stable for one workspace folder (the broker keeps its session by it)."""
    digest = hashlib.sha256(str(workspace.resolve()).encode()).hexdigest()[:16]
    return f"lingtan-{digest}"


# -- payload → readings ---------------------------------------------------------------------------


@dataclass
class Rejection:
    """A message (or an item of a batch) that could not be mapped: keyed reason and params."""

    key: str
    params: dict[str, Any]
    topic: str
    payload: bytes
    received: float


@dataclass
class Mapped:
    """Readings mapped from a group of messages, per subscription filter, plus rejections."""

    rows: dict[str, dict[tuple[str, int], float]] = field(default_factory=dict)
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)


class _RejectedError(Exception):
    def __init__(self, reason: str, /, **params: Any) -> None:
        super().__init__(reason)
        self.key = reason
        self.params = params


def _lookup(obj: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(obj, Mapping) or part not in obj:
            raise _RejectedError("mqtt.reject.missing", key=key)
        obj = obj[part]
    return obj


def _get(spec: FieldSpec, obj: Any, levels: Sequence[str]) -> Any:
    if spec.segment is not None:
        if spec.segment >= len(levels):
            raise _RejectedError("mqtt.reject.segment", segment=spec.segment)
        return levels[spec.segment]
    assert spec.key is not None
    return _lookup(obj, spec.key)


def _ts_us(raw: Any, unit: str) -> int:
    """Microseconds since the epoch (UTC) of an ISO 8601 time with offset or an epoch number."""
    if isinstance(raw, bool):
        raise _RejectedError("mqtt.reject.ts", ts=str(raw))
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise _RejectedError("mqtt.reject.ts", ts=str(raw))
        return round(raw * (1_000_000 if unit == "s" else 1_000))
    if isinstance(raw, str):
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise _RejectedError("mqtt.reject.ts", ts=raw[:60]) from None
        if parsed.tzinfo is None:
            raise _RejectedError("mqtt.reject.ts_naive", ts=raw[:60])
        delta = parsed - datetime(1970, 1, 1, tzinfo=UTC)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    raise _RejectedError("mqtt.reject.ts", ts=str(raw)[:60])


def _value(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _RejectedError("mqtt.reject.value", value=str(raw)[:60])
    try:
        value = float(raw)
    except ValueError:
        raise _RejectedError("mqtt.reject.value", value=str(raw)[:60]) from None
    if not math.isfinite(value):
        raise _RejectedError("mqtt.reject.value", value=str(raw)[:60])
    return value


def _reading(sub: Subscription, item: Any, levels: Sequence[str]) -> tuple[str, int, float]:
    meter = _get(sub.meter, item, levels)
    if not isinstance(meter, str | int) or isinstance(meter, bool) or str(meter).strip() == "":
        raise _RejectedError("mqtt.reject.meter", meter=str(meter)[:60])
    return (
        str(meter).strip(),
        _ts_us(_get(sub.ts, item, levels), sub.ts_unit),
        _value(_get(sub.value, item, levels)),
    )


class PayloadMapper:
    """Maps messages to readings by the subscriptions of one configuration."""

    def __init__(self, subscriptions: Sequence[Subscription]) -> None:
        self.subscriptions = tuple(subscriptions)
        self._by_topic: dict[str, Subscription | None] = {}

    def subscription(self, topic: str) -> Subscription | None:
        """The first subscription whose filter matches ``topic`` (cached per topic)."""
        if topic not in self._by_topic:
            self._by_topic[topic] = next(
                (s for s in self.subscriptions if topic_matches(s.filter, topic)), None
            )
        return self._by_topic[topic]

    def map(self, records: Sequence[WalRecord], into: Mapped | None = None) -> Mapped:
        """Readings of ``records`` keyed by (meter, ts [µs]); the same meter × interval twice
        keeps the later message (a correction; counted as a duplicate when equal)."""
        out = into or Mapped()
        for rec in records:
            sub = self.subscription(rec.topic)
            try:
                if sub is None:
                    raise _RejectedError("mqtt.reject.no_subscription")
                try:
                    doc = json.loads(rec.payload)
                except (ValueError, UnicodeDecodeError):
                    raise _RejectedError("mqtt.reject.not_json") from None
                levels = rec.topic.split("/")
                if sub.batch is None:
                    items: list[Any] = [doc]
                else:
                    items = doc if sub.batch == "" else _lookup(doc, sub.batch)
                    if not isinstance(items, list):
                        raise _RejectedError("mqtt.reject.not_list", key=sub.batch or "$")
            except _RejectedError as exc:
                out.rejections.append(
                    Rejection(exc.key, exc.params, rec.topic, rec.payload, rec.received)
                )
                continue
            assert sub is not None
            rows = out.rows.setdefault(sub.filter, {})
            for n, item in enumerate(items, start=1):
                try:
                    meter, ts, value = _reading(sub, item, levels)
                except _RejectedError as exc:
                    params = {**exc.params, "item": n} if sub.batch is not None else exc.params
                    out.rejections.append(
                        Rejection(exc.key, params, rec.topic, rec.payload, rec.received)
                    )
                    continue
                before = rows.get((meter, ts))
                if before is not None and before == value:
                    out.duplicates += 1
                rows[(meter, ts)] = value
        return out


def readings_table(rows: Mapping[tuple[str, int], float]) -> pa.Table:
    """The table handed to the reading store: meter, ts [UTC interval start], value."""
    keys = list(rows)
    return pa.table(
        {
            "meter": pa.array([k[0] for k in keys], pa.string()),
            "ts": pa.array([k[1] for k in keys], pa.timestamp("us", tz="UTC")),
            "value": pa.array(list(rows.values()), pa.float64()),
        }
    )


# -- the listener ---------------------------------------------------------------------------------


class IngestReport(Protocol):
    """What the reading store returns (``services.readings.ReadingsReport``)."""

    @property
    def accepted(self) -> int: ...

    @property
    def duplicates(self) -> int: ...


#: (ctx, table, source, origin) → report; the default is services.readings' ingest
Sink = Callable[[Context, pa.Table, str, str], IngestReport]


def store_sink(ctx: Context, table: pa.Table, source: str, origin: str) -> IngestReport:
    """Hand readings to the reading store (``services.readings.ingest_readings_table``)."""
    from lingtan.adapters.services.readings import ingest_readings_table

    # partial: a bad row (an unknown meter) is reported and the good ones stored
    return ingest_readings_table(ctx, table, source=source, origin=origin, partial=True)


@dataclass
class Counters:
    """What a listener did since it started (written to ``status.json``)."""

    received: int = 0  # messages made durable (write-ahead) and acknowledged
    replayed: int = 0  # messages found in the write-ahead file at start
    stored: int = 0  # readings the store accepted
    duplicates: int = 0  # readings already stored (redelivery, replay) or repeated
    rejected: int = 0  # messages or batch items that could not be mapped, or refused
    flushes: int = 0
    torn_bytes: int = 0  # bytes of a torn last record found at start (never acknowledged)


class MqttIngest:
    """The MQTT listener of one workspace: ``MqttIngest(ctx, config).run(stop)``.

    ``url``: the broker (``mqtt://host:port``; default: ``config.broker``). ``sink``: where
    readings go (default: the reading store, :func:`store_sink`).
    """

    def __init__(
        self,
        ctx: Context,
        config: MqttConfig,
        *,
        url: str | BrokerUrl | None = None,
        sink: Sink | None = None,
    ) -> None:
        raw = url if url is not None else config.broker
        if raw is None:
            raise MqttConfigError("mqtt.config.no_broker")
        self.url = raw if isinstance(raw, BrokerUrl) else parse_broker_url(raw)
        self.ctx = ctx
        self.config = config
        self.sink = sink or store_sink
        self.root = ctx.workspace().path
        self.client_id = config.client_id or default_client_id(self.root)
        self.mapper = PayloadMapper(config.subscriptions)
        self.counters = Counters()
        self.source: MqttSource | None = None
        self.last_error: str | None = None
        self._waiting: list[Sealed] = []  # sealed but not yet stored (the store failed)
        self._started = time.time()
        #: set once the listener is subscribed (tests and the CLI wait for it)
        self.ready = threading.Event()

    # -- running -------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Replay what a previous process left, then listen until ``stop`` is set; store what
        is durable before returning (the session stays on the broker for the next start)."""
        folder = self.root / WAL_DIR
        replayed, torn = read_segments(folder)
        self.counters.replayed = len(replayed.records)
        self.counters.torn_bytes = torn
        if replayed.paths:
            self._waiting.append(replayed)
            while not self._store_waiting() and not stop.wait(self.config.flush_seconds):
                pass
        wal = ReadingWal(folder, self._durable)
        self._wal = wal
        source = MqttSource(
            self.url,
            self.client_id,
            [s.filter for s in self.config.subscriptions],
            lambda topic, payload, token: wal.append(topic, payload, token),
            receive_maximum=self.config.receive_maximum,
        )
        self.source = source
        source.start()
        try:
            self._loop(wal, stop)
        finally:
            self._waiting.append(wal.close())
            source.stop()
            self._store_waiting()
            self._write_status()

    def _durable(self, tokens: list[int]) -> None:
        """Committer thread: the messages are on disk; acknowledge them."""
        self.counters.received += len(tokens)
        if self.source is not None:
            self.source.ack(tokens)

    def _loop(self, wal: ReadingWal, stop: threading.Event) -> None:
        last = time.monotonic()
        tick = min(0.05, self.config.flush_seconds)
        while not stop.wait(tick):
            if not self.ready.is_set() and self.source and self.source.subscribed.is_set():
                self.ready.set()
                self._write_status()
            due = time.monotonic() - last >= self.config.flush_seconds
            if due or wal.durable_count >= self.config.flush_rows:
                last = time.monotonic()
                self._waiting.append(wal.rotate())
                self._store_waiting()
                self._write_status()

    def _store_waiting(self) -> bool:
        """Store every sealed segment waiting, oldest first, then delete them; False when the
        store failed (they stay, tried again at the next flush)."""
        if not self._waiting:
            return True
        records = [r for s in self._waiting for r in s.records]
        paths = [p for s in self._waiting for p in s.paths]
        try:
            self._store(records)
        except Exception as exc:  # the store is busy or down: keep the segments, retry
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("MQTT readings of %s not stored yet", self.root)
            return False
        self.last_error = None
        self._waiting = []
        for path in paths:
            path.unlink(missing_ok=True)
        self.counters.flushes += 1
        return True

    def _store(self, records: Sequence[WalRecord]) -> None:
        mapped = self.mapper.map(records)
        self.counters.duplicates += mapped.duplicates
        rejected: list[dict[str, Any]] = [_rejection_line(r) for r in mapped.rejections]
        for origin, rows in mapped.rows.items():
            if not rows:
                continue
            report = self.sink(self.ctx, readings_table(rows), "mqtt", origin)
            self.counters.stored += int(getattr(report, "accepted", 0))
            self.counters.duplicates += int(getattr(report, "duplicates", 0))
            for item in getattr(report, "rejected", None) or ():
                rejected.append(
                    {
                        "received": _iso(time.time()),
                        "topic": origin,
                        "key": "mqtt.reject.store",
                        "params": {"detail": str(item)[:REJECTED_EXCERPT]},
                    }
                )
        if rejected:
            self.counters.rejected += len(rejected)
            _append_lines(self.root / STATE_DIR / "rejected.ndjson", rejected)

    def _write_status(self) -> None:
        status = {
            "client_id": self.client_id,
            "broker": str(self.url),
            "connected": bool(self.source and self.source.connected.is_set()),
            "subscribed": bool(self.source and self.source.subscribed.is_set()),
            "started": _iso(self._started),
            "updated": _iso(time.time()),
            "last_error": self.last_error or (self.source.last_error if self.source else None),
            **self.counters.__dict__,
        }
        folder = self.root / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".status.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(status, indent=1), encoding="utf-8")
        os.replace(tmp, folder / "status.json")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


def _rejection_line(r: Rejection) -> dict[str, Any]:
    text = r.payload[:REJECTED_EXCERPT].decode("utf-8", errors="replace")
    return {
        "received": _iso(r.received),
        "topic": r.topic,
        "key": r.key,
        "params": r.params,
        "payload": text,
    }


def _append_lines(path: Path, lines: Sequence[Mapping[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))


def listener_status(ctx: Context) -> dict[str, Any]:
    """The last status the workspace's listener wrote (``{}`` when none ran), plus
    ``rejected_recent``: the last ten rejected payloads with their keyed reasons."""
    folder = ctx.workspace().path / STATE_DIR
    try:
        status: dict[str, Any] = json.loads((folder / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    try:
        tail = (folder / "rejected.ndjson").read_text(encoding="utf-8").splitlines()[-10:]
        status["rejected_recent"] = [json.loads(line) for line in tail if line.strip()]
    except (OSError, ValueError):
        status["rejected_recent"] = []
    return status
