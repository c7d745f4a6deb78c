"""The job worker: a few threads inside the server process that run queued jobs.

Started and stopped with the app (lifespan). Each thread claims the oldest queued job
(:func:`lingtan.adapters.store.jobs.claim_next`), runs it (:mod:`.tasks`) and records the
result or the error; a housekeeping thread sends heartbeats for the jobs this process runs and
puts back the jobs of dead processes (:func:`~lingtan.adapters.store.jobs.recover_stale`), also
once at start, before any job is claimed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from lingtan.adapters.api.tasks import run_job
from lingtan.adapters.store import jobs
from lingtan.adapters.store.scoping import system_session
from lingtan.core.errors import LingtanError

log = logging.getLogger("lingtan.jobs")


class JobWorker:
    """``threads`` worker threads and one housekeeping thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        threads: int,
        poll_interval_s: float = 0.5,
        stale_after_s: float = 60.0,
    ) -> None:
        self.engine = engine
        self.threads = max(0, threads)
        self.poll_interval_s = poll_interval_s
        self.stale_after = timedelta(seconds=stale_after_s)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._running: set[int] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def recover(self) -> jobs.Recovery:
        """Re-queue or fail the jobs left running by a dead process."""
        rec = jobs.recover_stale(self.engine, stale_after=self.stale_after)
        if rec.requeued or rec.failed:
            log.info("jobs re-queued %s, failed %s", rec.requeued, rec.failed)
        return rec

    def start(self) -> None:
        """Recover stale jobs, then start the threads."""
        self.recover()
        for i in range(self.threads):
            t = threading.Thread(target=self._loop, name=f"lingtan-job-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        if self.threads:
            t = threading.Thread(target=self._housekeeping, name="lingtan-jobs-hk", daemon=True)
            t.start()
            self._threads.append(t)

    def wake(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop claiming; wait up to ``timeout_s`` for running jobs (an unfinished one is
        recovered at the next start)."""
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout_s / max(1, len(self._threads)))
        self._threads.clear()

    def _housekeeping(self) -> None:
        beat = max(1.0, self.stale_after.total_seconds() / 6)
        while not self._stop.wait(beat):
            try:
                with self._lock:
                    ids = sorted(self._running)
                jobs.heartbeat(self.engine, ids)
                self.recover()
            except Exception:  # keep the thread alive; the next beat retries
                log.exception("job housekeeping failed")

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                claimed = jobs.claim_next(self.engine, self.name)
            except Exception:
                log.exception("claiming a job failed")
                claimed = None
            if claimed is None:
                self._wake.wait(self.poll_interval_s)
                self._wake.clear()
                continue
            self.run(claimed)

    def run(self, claimed: jobs.Claimed) -> None:
        """Run one claimed job to its end (done or failed)."""
        with self._lock:
            self._running.add(claimed.id)
        try:
            actor = _actor_of(self.engine, claimed.id)

            def progress(p: float, message: str) -> None:
                jobs.report_progress(self.engine, claimed.id, p, message)

            result = run_job(self.engine, claimed, actor, progress)
            jobs.finish(self.engine, claimed.id, result)
        except (LingtanError, OSError, ValueError) as exc:
            jobs.fail(self.engine, claimed.id, str(exc))
        except Exception as exc:
            log.exception("job %s failed", claimed.id)
            jobs.fail(self.engine, claimed.id, f"internal error: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._running.discard(claimed.id)


def _actor_of(engine: Engine, job_id: int) -> str:
    with system_session(engine) as db:
        who = db.scalar(select(jobs.Job.created_by).where(jobs.Job.id == job_id))
    return f"{who} (job {job_id})" if who else f"job {job_id}"


def run_pending(engine: Engine, *, limit: int = 100) -> int:
    """Run queued jobs in the calling thread until the queue is empty (command line, tests);
    returns how many ran."""
    worker = JobWorker(engine, threads=0)
    n = 0
    while n < limit:
        claimed = jobs.claim_next(engine, worker.name)
        if claimed is None:
            break
        worker.run(claimed)
        n += 1
    return n
