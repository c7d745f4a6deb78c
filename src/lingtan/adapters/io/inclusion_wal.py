"""The write-ahead file of the partners' push (issue 18 item 6, decision 0090): a received body is
answered ``202 Accepted`` only once its bytes are on disk.

It wraps :class:`lingtan.adapters.io.reading_wal.ReadingWal` (issue 16, decision 0072) as it is —
length + CRC-32 framed records, one committer thread, one ``write`` + ``fdatasync`` per group of
records (group commit) — and adds what an HTTP server needs:

- **an awaitable append**: :meth:`PushWal.append` returns an :class:`asyncio.Future` resolved
  (on its event loop) once the record is durable, so a request awaits its own fsync while the
  event loop serves others and many requests share one disk flush;
- **one folder per process**: ``<root>/wal-<n>/`` locked with ``flock`` for the process's
  life, so the worker processes of ``lingtan serve --workers N`` never share a segment; a
  process started after a crash takes the first unlocked folder and settles what the dead
  process left there (the lock dies with its holder, ``kill -9`` included).

Record: topic ``<organisation id>/<programme code>/<partner code>``, payload the request body as
received (the settler parses it again), receive time [s since the epoch, UTC].
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lingtan.adapters.io.reading_wal import ReadingWal, Sealed, WalRecord, read_segments

#: the most worker processes that each get their own folder
MAX_FOLDERS = 64


@dataclass(frozen=True)
class Topic:
    """Where a push belongs: organisation id, programme code, partner code."""

    organisation_id: int
    programme: str
    partner: str

    def text(self) -> str:
        """The record's topic text."""
        return f"{self.organisation_id}/{self.programme}/{self.partner}"

    @classmethod
    def parse(cls, text: str) -> Topic | None:
        """The topic of a record (None when it is not one of ours)."""
        parts = text.split("/")
        if len(parts) != 3 or not parts[0].isdigit():
            return None
        return cls(int(parts[0]), parts[1], parts[2])


def try_lock(folder: Path) -> int | None:
    """Lock ``folder`` (its ``lock`` file) without waiting: the lock's descriptor, or None when
    a live process holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def unlock(fd: int) -> None:
    """Release a lock of :func:`try_lock`."""
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def folders(root: Path) -> list[Path]:
    """The write-ahead folders under ``root`` (``wal-<n>``), by number."""
    found = [p for p in root.glob("wal-*") if p.is_dir() and p.name[4:].isdigit()]
    return sorted(found, key=lambda p: int(p.name[4:]))


def _lock_folder(root: Path) -> tuple[Path, int]:
    """The first ``root/wal-<n>`` folder no live process holds, locked; its lock's descriptor.

    Raises:
        RuntimeError: every one of :data:`MAX_FOLDERS` folders is held.
    """
    root.mkdir(parents=True, exist_ok=True)
    for n in range(MAX_FOLDERS):
        folder = root / f"wal-{n}"
        fd = try_lock(folder)
        if fd is not None:
            return folder, fd
    raise RuntimeError(f"{root}: all {MAX_FOLDERS} write-ahead folders are in use")


class PushWal:
    """The process's write-ahead file (module docstring). Use: :meth:`leftovers` (settle, then
    :meth:`truncate`) before serving; :meth:`append` per request; :meth:`rotate` from the
    settler; :meth:`close` at shutdown."""

    def __init__(self, root: Path) -> None:
        self.folder, self._lock_fd = _lock_folder(root)
        self._leftovers, self.torn_bytes = read_segments(self.folder)
        self._waiters: dict[int, Callable[[], None]] = {}
        self._guard = threading.Lock()
        self._tokens = itertools.count(1)
        self._wal = ReadingWal(self.folder, self._on_durable)

    def leftovers(self) -> Sealed:
        """What a previous process left in this folder (records of sealed and open segments)."""
        return self._leftovers

    def _on_durable(self, tokens: list[int]) -> None:
        with self._guard:
            done = [self._waiters.pop(t) for t in tokens if t in self._waiters]
        for call in done:
            call()

    def _queue(self, topic: Topic, payload: bytes, call: Callable[[], None]) -> None:
        token = next(self._tokens)
        with self._guard:
            self._waiters[token] = call
        self._wal.append(topic.text(), payload, token)

    def append(self, topic: Topic, payload: bytes) -> asyncio.Future[None]:
        """Queue one body; the future is resolved once it is on disk. Call from the event loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def resolve() -> None:
            loop.call_soon_threadsafe(_resolve, future)

        self._queue(topic, payload, resolve)
        return future

    def append_sync(self, topic: Topic, payload: bytes) -> None:
        """Append and wait until it is on disk, from a thread (command line, tests)."""
        done = threading.Event()
        self._queue(topic, payload, done.set)
        done.wait()

    @property
    def durable_count(self) -> int:
        """Records made durable since the last rotation."""
        return self._wal.durable_count

    def rotate(self) -> Sealed:
        """Seal the open segment: its records, for the settler to store, then truncate."""
        return self._wal.rotate()

    def truncate(self, sealed: Sealed) -> None:
        """Delete sealed segments whose records are stored."""
        self._wal.truncate(sealed.paths)

    def close(self) -> Sealed:
        """Commit what is queued and stop the committer; the last segment's records (still on
        disk until truncated). The folder stays locked until :meth:`release`."""
        return self._wal.close()

    def release(self) -> None:
        """Unlock the folder (after :meth:`close` and the last settlement)."""
        if self._lock_fd >= 0:
            unlock(self._lock_fd)
            self._lock_fd = -1


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


__all__ = ["PushWal", "Sealed", "Topic", "WalRecord"]
