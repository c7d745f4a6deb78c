"""The partners' push inside ``lingtan serve`` (issue 18 item 6, decision 0090): the write-ahead
file, the receiver, the settler thread and the callback sender of one server process.

:class:`PushRuntime` is made by ``create_app`` and stopped with the app. It starts lazily: on
the first partner request (:meth:`PushRuntime.ensure_started`), or at the app's start when a
previous process left bodies on disk (:meth:`PushRuntime.recover`) — an app that is never pushed
to creates no folder and runs no thread (tests create hundreds of apps):

- **start**: lock a write-ahead folder (:mod:`lingtan.adapters.io.inclusion_wal`), settle what
  a previous process left in it (a ``kill -9`` between the fsync and the settlement), delete
  it, then start the settler and the callback sender;
- **settler** (thread ``lingtan-push-settle``): every ``interval_s`` (``LINGTAN_PUSH_SETTLE_S``,
  default 0.5 s; or as soon as
  ``batch`` bodies are durable) seal the open segment, settle its records
  (:func:`~lingtan.adapters.services.inclusion_push.settle_records`: one transaction per
  organisation × programme × partner) and only then delete the segment. A settlement that fails
  keeps its segments and is tried again at the next round — nothing acknowledged is dropped;
- **callbacks** (thread ``lingtan-push-callbacks``): every ``callback_interval_s`` deliver the
  due callbacks of the outbox (:mod:`.inclusion_push_callbacks`);
- **stop**: commit what is queued, settle it, release the folder.

Exactly once in the ledger, at least once on the wire: a crash between a settlement's commit and
the deletion of its segment settles the same bodies again, and their receipts (and H3's unique
key) make that a no-op.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from lingtan.adapters.io.inclusion_wal import PushWal, Sealed, folders, try_lock, unlock
from lingtan.adapters.io.reading_wal import read_segments
from lingtan.adapters.services.inclusion_push import (
    PushReceiver,
    SettleError,
    SettleResult,
    settle_records,
)

log = logging.getLogger("lingtan.inclusion.push")

#: the write-ahead folders' parent under the server's data folder
WAL_DIR = ".inclusion-push"
#: the environment variable of the settler's interval [s] (default 0.5)
SETTLE_ENV = "LINGTAN_PUSH_SETTLE_S"


def _interval() -> float:
    try:
        return max(0.05, float(os.environ.get(SETTLE_ENV, "0.5")))
    except ValueError:
        return 0.5


def wal_root(data_dir: Path) -> Path:
    """Where the server's write-ahead folders live (one per process: ``wal-<n>``)."""
    return data_dir / WAL_DIR


@dataclass
class PushRuntime:
    """The push of one server process (module docstring)."""

    engine: Engine
    data_dir: Path
    interval_s: float = field(default_factory=_interval)
    batch: int = 2000
    callback_interval_s: float = 1.0
    wal: PushWal | None = None
    receiver: PushReceiver | None = None
    settled: SettleResult = field(default_factory=SettleResult)
    last_error: str | None = None
    _unsettled: list[Sealed] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _wake: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _start_lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    def recover(self) -> None:
        """At the app's start: start now only when a stopped process left write-ahead segments
        (acknowledged bodies not yet settled); otherwise wait for the first push."""
        root = wal_root(self.data_dir)
        if any(any(f.glob("seg-*")) for f in folders(root)):
            self.ensure_started()

    def ensure_started(self) -> None:
        """Start once (the first partner request, or :meth:`recover`); not after :meth:`stop`.

        Raises:
            RuntimeError: the runtime was stopped (the app is shutting down).
        """
        if self.receiver is not None:
            return
        with self._start_lock:
            if self._closed:
                raise RuntimeError("the partners' push is stopped")
            if self.receiver is None:
                self.start()

    def start(self) -> None:
        """Open the write-ahead file, settle its leftovers, start the threads."""
        self.wal = PushWal(wal_root(self.data_dir))
        self.receiver = PushReceiver(self.engine, self.wal)
        left = self.wal.leftovers()
        if left.records:
            log.info("settling %d bodies a previous process left", len(left.records))
        self._unsettled.append(left)
        self.settle_pending()
        self._stop.clear()
        for name, target in (("settle", self._settle_loop), ("callbacks", self._callback_loop)):
            t = threading.Thread(target=target, name=f"lingtan-push-{name}", daemon=True)
            t.start()
            self._threads.append(t)

    def settle_pending(self) -> SettleResult:
        """Settle the sealed segments not yet settled (oldest first); delete each one settled.
        A failure stops there (kept for the next round)."""
        done = SettleResult()
        assert self.wal is not None
        with self._lock:
            while self._unsettled:
                sealed = self._unsettled[0]
                try:
                    result = settle_records(self.engine, sealed.records) if sealed.records else None
                except SettleError as exc:
                    self.last_error = str(exc)
                    log.warning("push settlement failed (retried): %s", exc)
                    break
                except Exception as exc:  # the store unreachable: retried next round
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    log.exception("push settlement failed (retried)")
                    break
                self.wal.truncate(sealed)
                self._unsettled.pop(0)
                if result is not None:
                    done.add(result)
                    self.settled.add(result)
                    self.last_error = None
        return done

    def settle_now(self) -> SettleResult:
        """Seal the open segment and settle everything durable so far (the settler's round)."""
        assert self.wal is not None
        with self._lock:
            self._unsettled.append(self.wal.rotate())
        return self.settle_pending()

    def wake(self) -> None:
        """Bodies arrived: settle before the interval when ``batch`` of them are durable."""
        if self.wal is not None and self.wal.durable_count >= self.batch:
            self._wake.set()

    def _settle_loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                if self.wal is not None and (self.wal.durable_count or self._unsettled):
                    self.settle_now()
            except Exception:  # keep the thread alive; the next round retries
                log.exception("push settler round failed")

    def _callback_loop(self) -> None:
        from lingtan.adapters.services.inclusion_push_callbacks import deliver_due

        while not self._stop.wait(self.callback_interval_s):
            try:
                deliver_due(self.engine)
            except Exception:
                log.exception("push callbacks round failed")

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the threads; settle what was acknowledged; release the write-ahead folder."""
        with self._start_lock:
            self._closed = True
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout_s)
        self._threads.clear()
        if self.wal is None:
            return
        with self._lock:
            self._unsettled.append(self.wal.close())
        self.settle_pending()  # what fails stays on disk for the next start
        self.wal.release()
        self.wal = None


def drain(engine: Engine, data_dir: Path) -> SettleResult:
    """Settle what stopped processes left in the write-ahead folders under ``data_dir`` (the
    command line's ``settle``; a folder a running server holds is skipped: it settles its own).

    Raises:
        SettleError: a group could not be settled (its folder is kept as it is).
    """
    total = SettleResult()
    for folder in folders(wal_root(data_dir)):
        fd = try_lock(folder)
        if fd is None:
            continue
        try:
            sealed, _torn = read_segments(folder)
            if sealed.records:
                total.add(settle_records(engine, sealed.records))
            for path in sealed.paths:
                path.unlink(missing_ok=True)
        finally:
            unlock(fd)
    return total
