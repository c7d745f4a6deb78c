"""A write-ahead file for messages that must be durable before they are acknowledged
(issue 16 item 1, decision 0072): the MQTT listener appends each received message here and
sends its PUBACK only once the message's bytes are on disk.

Layout: a folder of segments ``seg-<n>.wal`` (``n`` increasing). One segment is open for
appending; :meth:`ReadingWal.rotate` seals it and opens the next, and returns what the sealed
segments hold so that a flusher can store it and then delete them (:meth:`ReadingWal.truncate`).
On start, :func:`read_segments` replays the segments a previous process left (a crash between
store and truncate replays records already stored: the reading store deduplicates them).

Record format (little-endian): ``u32 body length, u32 CRC-32 of body, body``; body =
``f64 received [s since the epoch, UTC], u16 topic length, topic (UTF-8), payload``. A torn
record at the end of a segment (a crash mid-write) fails its length or CRC check and ends the
replay of that segment: it was never fsynced, so never acknowledged, and the broker sends it
again (MQTT 5.0 §4.4, QoS 1 redelivery).

Group commit: :meth:`ReadingWal.append` only queues the record; one committer thread writes
every queued record with one ``write`` and one ``fdatasync`` and then calls ``on_durable`` with
their tokens in the order they were appended, so many messages share one disk flush.
"""

from __future__ import annotations

import os
import struct
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_HEAD = struct.Struct("<II")  # body length, crc32(body)
_META = struct.Struct("<dH")  # received [s], topic length
#: the largest body accepted (a longer length field is a torn or corrupt record) [bytes]
MAX_BODY = 64 * 1024 * 1024
SUFFIX = ".wal"


@dataclass(frozen=True)
class WalRecord:
    """One durable message: when it was received [s since the epoch, UTC], topic, payload."""

    received: float
    topic: str
    payload: bytes


@dataclass(frozen=True)
class Sealed:
    """Segments sealed by :meth:`ReadingWal.rotate` and the records they hold, in order."""

    paths: tuple[Path, ...]
    records: list[WalRecord] = field(default_factory=list)


@dataclass(frozen=True)
class SegmentRead:
    """What :func:`read_segment` found: the whole records, and the bytes of a torn tail."""

    records: list[WalRecord]
    torn_bytes: int


def encode(record: WalRecord) -> bytes:
    """The bytes of one record (header + body)."""
    topic = record.topic.encode("utf-8")
    body = _META.pack(record.received, len(topic)) + topic + record.payload
    return _HEAD.pack(len(body), zlib.crc32(body)) + body


def read_segment(path: Path) -> SegmentRead:
    """The records of one segment file, up to the first torn or corrupt record."""
    data = path.read_bytes()
    records: list[WalRecord] = []
    pos, end = 0, len(data)
    while pos + _HEAD.size <= end:
        length, crc = _HEAD.unpack_from(data, pos)
        start = pos + _HEAD.size
        if length < _META.size or length > MAX_BODY or start + length > end:
            break
        body = data[start : start + length]
        if zlib.crc32(body) != crc:
            break
        received, topic_len = _META.unpack_from(body, 0)
        topic_end = _META.size + topic_len
        if topic_end > length:
            break
        topic = body[_META.size : topic_end].decode("utf-8", errors="replace")
        records.append(WalRecord(received, topic, body[topic_end:]))
        pos = start + length
    return SegmentRead(records, end - pos)


def segment_paths(folder: Path) -> list[Path]:
    """The segment files of ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"seg-*{SUFFIX}"), key=lambda p: _number(p) or 0)


def read_segments(folder: Path) -> tuple[Sealed, int]:
    """Everything a previous process left in ``folder`` (replay on start): the records of every
    segment, oldest first, and the torn bytes skipped."""
    paths = segment_paths(folder)
    records: list[WalRecord] = []
    torn = 0
    for path in paths:
        found = read_segment(path)
        records.extend(found.records)
        torn += found.torn_bytes
    return Sealed(tuple(paths), records), torn


def _number(path: Path) -> int | None:
    stem = path.name[len("seg-") : -len(SUFFIX)]
    return int(stem) if stem.isdigit() else None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_sync = getattr(os, "fdatasync", os.fsync)


class ReadingWal:
    """The write-ahead file of one listener (see the module docstring).

    ``on_durable(tokens)`` is called from the committer thread after each group commit with the
    tokens given to :meth:`append`, in append order (the listener sends the PUBACKs there).
    Starting after a crash: call :func:`read_segments` (and store, then :meth:`truncate`) first;
    a new segment is numbered after every existing one.
    """

    def __init__(
        self,
        folder: Path,
        on_durable: Callable[[list[int]], None],
        *,
        max_group: int = 65536,
    ) -> None:
        self.folder = folder
        self.on_durable = on_durable
        self.max_group = max_group
        folder.mkdir(parents=True, exist_ok=True)
        existing = [n for n in (_number(p) for p in segment_paths(folder)) if n is not None]
        self._next = max(existing, default=0) + 1
        self._cond = threading.Condition()
        self._io = threading.Lock()  # one commit or rotation at a time
        self._pending: list[tuple[bytes, WalRecord, int]] = []
        self._durable: list[WalRecord] = []
        self._stopping = False
        self._fd = -1
        self._path = self._open_segment()
        #: group commits made and records made durable (for the listener's status)
        self.commits = 0
        self.records = 0
        self._thread = threading.Thread(target=self._run, name="lingtan-wal", daemon=True)
        self._thread.start()

    def _open_segment(self) -> Path:
        path = self.folder / f"seg-{self._next:012d}{SUFFIX}"
        self._next += 1
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _fsync_dir(self.folder)  # the new name survives a crash
        return path

    def append(self, topic: str, payload: bytes, token: int, received: float | None = None) -> None:
        """Queue one message; ``on_durable`` gets ``token`` once it is on disk."""
        record = WalRecord(time.time() if received is None else received, topic, payload)
        data = encode(record)
        with self._cond:
            self._pending.append((data, record, token))
            if len(self._pending) == 1:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopping:
                    self._cond.wait()
                stopping = self._stopping
                group = self._pending[: self.max_group]
                del self._pending[: self.max_group]
            if group:
                self._commit(group)
            if stopping:
                return  # what arrives later is never acknowledged: the broker resends it

    def _commit(self, group: Sequence[tuple[bytes, WalRecord, int]]) -> None:
        with self._io:
            os.write(self._fd, b"".join(g[0] for g in group))
            _sync(self._fd)
            self._durable.extend(g[1] for g in group)
            self.commits += 1
            self.records += len(group)
        self.on_durable([g[2] for g in group])

    @property
    def durable_count(self) -> int:
        """Records committed since the last rotation."""
        return len(self._durable)

    def rotate(self) -> Sealed:
        """Seal the open segment (every record committed so far) and open the next one.

        Returns:
            the sealed segment and its records; the caller stores them, then calls
            :meth:`truncate` with the paths.
        """
        with self._io:
            os.close(self._fd)
            sealed = Sealed((self._path,), self._durable)
            self._durable = []
            self._path = self._open_segment()
        return sealed

    def truncate(self, paths: Sequence[Path]) -> None:
        """Delete sealed segments whose records are stored."""
        for path in paths:
            path.unlink(missing_ok=True)
        if paths:
            _fsync_dir(self.folder)

    def close(self) -> Sealed:
        """Commit what is queued, stop the committer and seal the last segment.

        Returns:
            the records committed since the last rotation (still on disk until truncated).
        """
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join()
        with self._io:
            os.close(self._fd)
            self._fd = -1
            sealed = Sealed((self._path,), self._durable)
            self._durable = []
        return sealed
