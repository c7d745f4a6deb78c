"""The job worker: a few threads inside the server process that run queued jobs.

Started and stopped with the app (lifespan). Each thread claims the next queued job
(:func:`lingtan.adapters.store.jobs.claim_next`: one running job per organisation, the
organisation served least recently first), runs it (:mod:`lingtan.adapters.services.jobs`) and
records the result or the error; a housekeeping thread sends heartbeats for the jobs this
process runs, puts back the jobs of dead processes
(:func:`~lingtan.adapters.store.jobs.recover_stale`), also once at start, before any job is
claimed, and fails the jobs past their time budget
(:func:`~lingtan.adapters.store.jobs.fail_overdue`).

Time budget (issue 11 item 7, decision 0036; OWASP ASVS 4.0.3 V11.1.4 / V12.1.x resource
limits): a Python thread cannot be killed, so a job is stopped at its next checkpoint — each
progress report, and in an import between reading the file and writing anything — once it is
past ``time_budget_s`` or no longer recorded as running under this worker; a job stuck inside
one stage is failed by the housekeeping thread and its thread replaced by a fresh one (at most
``threads`` replacements alive at once), so the queue keeps moving. Memory is bounded by the
intake limits on rows, columns, cell length and XLSX expansion (:mod:`lingtan.adapters.io.
file_limits`), not by a per-thread limit, which Python does not offer.

Messages (decision 0052): what the worker records is a catalogue key with parameters
(``progress.*``: the job's stage and counts, or why it stopped); the English text of a failure
stays in ``error`` for the API and the logs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from lingtan.adapters.services.jobs import JobError, run_job
from lingtan.adapters.services.progress import render
from lingtan.adapters.store import jobs, lifecycle
from lingtan.adapters.store.locks import WorkspaceBusyError
from lingtan.adapters.store.scoping import system_session
from lingtan.core.errors import LingtanError

log = logging.getLogger("lingtan.jobs")


class _Stopped(jobs.JobBudgetExceeded):
    """A checkpoint stopped the job: why, as a catalogue key and parameters (``str()``: the
    English text)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(render(key, params, "en"))
        self.key = key
        self.params = params


class JobWorker:
    """``threads`` worker threads and one housekeeping thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        threads: int,
        poll_interval_s: float = 0.5,
        stale_after_s: float = 60.0,
        time_budget_s: float = 0.0,
    ) -> None:
        self.engine = engine
        self.threads = max(0, threads)
        self.poll_interval_s = poll_interval_s
        self.stale_after = timedelta(seconds=stale_after_s)
        self.time_budget_s = max(0.0, time_budget_s)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._running: set[int] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._loops = 0  # claiming threads alive (replacements of stuck ones included)
        self._abandoned: set[int] = set()  # overdue jobs whose thread has been replaced
        self._spawned = 0

    def recover(self) -> jobs.Recovery:
        """Re-queue or fail the jobs left running by a dead process."""
        rec = jobs.recover_stale(self.engine, stale_after=self.stale_after)
        if rec.requeued or rec.failed:
            log.info("jobs re-queued %s, failed %s", rec.requeued, rec.failed)
        return rec

    def start(self) -> None:
        """Recover stale jobs, then start the threads."""
        self.recover()
        for _ in range(self.threads):
            self._spawn()
        if self.threads:
            t = threading.Thread(target=self._housekeeping, name="lingtan-jobs-hk", daemon=True)
            t.start()
            self._threads.append(t)

    def _spawn(self) -> None:
        with self._lock:
            self._loops += 1
            self._spawned += 1
            n = self._spawned
        t = threading.Thread(target=self._loop, name=f"lingtan-job-{n}", daemon=True)
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

    def check_budget(self) -> None:
        """Fail the jobs past their time budget; replace this process's threads stuck in one."""
        overdue = jobs.fail_overdue(self.engine, budget_s=self.time_budget_s)
        if not overdue:
            return
        log.warning("jobs past their time budget failed: %s", overdue)
        with self._lock:
            stuck = self._running.intersection(overdue) - self._abandoned
            self._abandoned.update(stuck)
            room = 2 * self.threads - self._loops
        for _ in range(max(0, min(len(stuck), room))):
            self._spawn()  # the stuck thread leaves the pool when its job returns

    def _housekeeping(self) -> None:
        beat = max(1.0, self.stale_after.total_seconds() / 6)
        while not self._stop.wait(beat):
            try:
                with self._lock:
                    ids = sorted(self._running)
                jobs.heartbeat(self.engine, ids)
                self.recover()
                self.check_budget()
                lifecycle.housekeeping(self.engine)  # purge organisations past their grace period
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
            with self._lock:
                if claimed.id in self._abandoned:  # a replacement took this thread's place
                    self._abandoned.discard(claimed.id)
                    break
        with self._lock:
            self._loops -= 1

    def run(self, claimed: jobs.Claimed) -> None:
        """Run one claimed job to its end (done, failed, or re-queued when its workspace was
        busy)."""
        with self._lock:
            self._running.add(claimed.id)
        budget = self.time_budget_s
        deadline = time.monotonic() + budget if budget > 0 else None
        try:
            actor = _actor_of(self.engine, claimed.id)

            def progress(p: float, key: str, params: dict[str, Any] | None = None) -> None:
                if deadline is not None and time.monotonic() > deadline:
                    raise _Stopped("progress.job.stopped_budget", budget_s=round(budget))
                if not jobs.report_progress(
                    self.engine, claimed.id, p, key, self.name, params=params
                ):
                    raise _Stopped("progress.job.not_running")

            result = run_job(self.engine, claimed, actor, progress)
            jobs.finish(self.engine, claimed.id, result, worker=self.name)
        except _Stopped as exc:
            jobs.fail(
                self.engine, claimed.id, str(exc), self.name, message=exc.key, params=exc.params
            )
        except jobs.JobBudgetExceeded as exc:
            jobs.fail(self.engine, claimed.id, str(exc), self.name)
        except WorkspaceBusyError as exc:  # another writer (the CLI): run it again later
            if not jobs.requeue(self.engine, claimed.id, self.name, jobs.MSG_WAITING_BUSY):
                jobs.fail(self.engine, claimed.id, str(exc), self.name)
        except JobError as exc:  # the job's own failure, keyed
            jobs.fail(
                self.engine, claimed.id, str(exc), self.name, message=exc.key, params=exc.params
            )
        except (LingtanError, ValueError) as exc:  # an OSError names paths: logged only
            jobs.fail(self.engine, claimed.id, str(exc), self.name)
        except Exception:
            # the details (and any server path) go to the log only (ASVS V7.4.1, decision 0037)
            ref = uuid.uuid4().hex[:12]
            log.exception("job %s failed (reference %s)", claimed.id, ref)
            key = "progress.job.internal_error"
            jobs.fail(
                self.engine,
                claimed.id,
                render(key, {"ref": ref}, "en"),
                self.name,
                message=key,
                params={"ref": ref},
            )
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
