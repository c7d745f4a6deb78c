"""Jobs exactly once and fairly (issue 11 items 7-8, decision 0036).

Worker threads in this process and two separate worker processes claim from one store (a SQLite
file; this session's PostgreSQL database): every job runs exactly once, never two jobs of one
organisation at a time, each at its first attempt. A worker process killed while running a job
leaves it to :func:`~lingtan.adapters.store.jobs.recover_stale`, which re-queues it (idempotent
kinds, run once more) or fails it. One organisation's ten queued jobs do not hold back another
organisation's one (per-organisation fairness), and a job past its time budget is stopped and
failed with a message.

The probe job records each run by appending a line to a file (``O_APPEND``: atomic across
processes) and marks its organisation busy with a file created exclusively (``O_EXCL``): a
second job of the same organisation running at once finds the mark and records a clash.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from lingtan.adapters.server.worker import JobWorker
from lingtan.adapters.services import jobs as tasks
from lingtan.adapters.store import jobs
from lingtan.adapters.store.db import make_engine, migrate
from lingtan.adapters.store.jobs import Job
from lingtan.adapters.store.scoping import system_session, tenant_session
from lingtan.adapters.store.tenancy import Organisation
from lingtan.adapters.store.workspace import Workspace, create_workspace_folder

ORGS = 4
JOBS_PER_ORG = 6


def _probe(ws: Workspace, params: dict[str, Any], progress: tasks.Progress) -> dict[str, Any]:
    """A job that records its run and checks that its organisation runs nothing else."""
    log = Path(str(params["log"]))
    mark = log.with_name(f"busy-{ws.organisation_id}")
    with log.open("a") as fh:
        fh.write(f"start {params['n']}\n")
    try:
        fd = os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        os.close(fd)
    except FileExistsError:
        with log.open("a") as fh:
            fh.write(f"clash {params['n']}\n")
        raise
    try:
        time.sleep(float(params.get("sleep", 0.01)))
        release = params.get("until")  # stuck until this file exists
        while release and not Path(str(release)).exists():
            time.sleep(0.02)
        progress(0.5, "halfway")
    finally:
        mark.unlink()
    with log.open("a") as fh:
        fh.write(f"done {params['n']}\n")
    return {"n": params["n"]}


@pytest.fixture(autouse=True)
def _probe_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tasks.HANDLERS, "probe", _probe)  # forked workers inherit it
    monkeypatch.setitem(tasks.HANDLERS, "report", _probe)  # a kind that is not idempotent


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Engine, list[int]]]:
    """The store, migrated, with :data:`ORGS` organisations that have workspace folders."""
    engine = make_engine(db_url)
    migrate(engine)
    ids = []
    with system_session(engine) as db:
        for i in range(ORGS):
            folder = create_workspace_folder(tmp_path / f"org{i}", organisation=f"Org {i}")
            org = Organisation(slug=f"org{i}", name=f"Org {i}", workspace_path=str(folder))
            db.add(org)
            db.flush()
            ids.append(org.id)
        db.commit()
    yield db_url, engine, ids
    engine.dispose()


def _queue(engine: Engine, org: int, params: dict[str, Any], kind: str = "probe") -> int:
    with tenant_session(engine, org) as db:
        job = jobs.enqueue(db, kind, params, created_by="test")
        db.commit()
        return job.id


def _open_jobs(engine: Engine) -> int:
    with system_session(engine) as db:
        return int(
            db.scalar(select(func.count()).where(Job.status.in_([jobs.QUEUED, jobs.RUNNING]))) or 0
        )


def _drain(engine: Engine, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while _open_jobs(engine) and time.monotonic() < deadline:
        time.sleep(0.05)


def _worker_process(url: str, threads: int) -> None:
    """A separate worker process (forked: the probe kind is registered) until the queue is
    empty."""
    engine = make_engine(url)
    worker = JobWorker(engine, threads=threads, poll_interval_s=0.02)
    worker.start()
    _drain(engine)
    worker.stop()
    engine.dispose()


def test_each_job_runs_exactly_once_across_threads_and_processes(
    store: tuple[str, Engine, list[int]], tmp_path: Path
) -> None:
    url, engine, orgs = store
    log = tmp_path / "runs.log"
    ids = [
        _queue(engine, org, {"n": f"{org}-{k}", "log": str(log)})
        for k in range(JOBS_PER_ORG)
        for org in orgs
    ]
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_worker_process, args=(url, 2)) for _ in range(2)]
    for p in procs:
        p.start()
    here = JobWorker(engine, threads=3, poll_interval_s=0.02)
    here.start()
    _drain(engine)
    here.stop()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    lines = log.read_text().split()
    runs = [n for what, n in zip(lines[::2], lines[1::2], strict=True) if what == "done"]
    clashes = [n for what, n in zip(lines[::2], lines[1::2], strict=True) if what == "clash"]
    assert clashes == []  # never two jobs of one organisation at once
    assert sorted(runs) == sorted(f"{o}-{k}" for o in orgs for k in range(JOBS_PER_ORG))
    with system_session(engine) as db:
        rows = {j.id: (j.status, j.attempts) for j in db.scalars(select(Job))}
    assert rows == dict.fromkeys(ids, ("done", 1))  # each once, at its first attempt


def _run_one(url: str) -> None:
    """A worker process that claims one job and runs it (it is killed meanwhile)."""
    engine = make_engine(url)
    worker = JobWorker(engine, threads=0)
    claimed = jobs.claim_next(engine, worker.name)
    assert claimed is not None
    worker.run(claimed)


def test_a_killed_workers_job_is_requeued_and_runs_once_more(
    store: tuple[str, Engine, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine, orgs = store
    log = tmp_path / "runs.log"
    job = _queue(engine, orgs[0], {"n": "slow", "log": str(log), "sleep": 30})
    other = _queue(engine, orgs[1], {"n": "other", "log": str(log), "sleep": 30}, "report")
    procs = [mp.get_context("fork").Process(target=_run_one, args=(url,)) for _ in range(2)]
    for p in procs:
        p.start()
    deadline = time.monotonic() + 60
    while log.read_text().count("start") < 2 if log.exists() else True:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    for p in procs:
        os.kill(p.pid or 0, signal.SIGKILL)  # the workers die mid-job
        p.join(10)
    (tmp_path / f"busy-{orgs[0]}").unlink()  # the killed probes' marks
    (tmp_path / f"busy-{orgs[1]}").unlink()
    monkeypatch.setattr(jobs, "IDEMPOTENT_KINDS", frozenset({"probe"}))
    rec = jobs.recover_stale(engine, stale_after=timedelta(0))
    assert (rec.requeued, rec.failed) == ([job], [other])
    with system_session(engine) as db:
        db.execute(update(Job).where(Job.id == job).values(params={"n": "slow", "log": str(log)}))
        db.commit()
    worker = JobWorker(engine, threads=0)
    claimed = jobs.claim_next(engine, worker.name)
    assert claimed is not None
    assert (claimed.id, claimed.attempts) == (job, 2)
    worker.run(claimed)
    with system_session(engine) as db:
        got = {j.id: (j.status, j.error) for j in db.scalars(select(Job))}
    assert got[job] == ("done", None)
    assert got[other][0] == "failed"
    assert "not re-run" in (got[other][1] or "")
    assert log.read_text().split().count("done") == 1  # the killed run never finished


def test_one_organisations_queue_does_not_starve_another(
    store: tuple[str, Engine, list[int]], tmp_path: Path
) -> None:
    _, engine, orgs = store
    a, b, c = orgs[:3]
    params = {"n": "x", "log": str(tmp_path / "log")}
    a_jobs = [_queue(engine, a, params) for _ in range(10)]
    b_job = _queue(engine, b, params)
    first = jobs.claim_next(engine, "w1")
    assert first is not None
    jobs.finish(engine, first.id, {})  # A is free again, with 9 queued jobs
    second = jobs.claim_next(engine, "w2")
    assert second is not None
    assert (first.id, second.id) == (a_jobs[0], b_job)  # B's one job among the first two
    c_job = _queue(engine, c, params)  # C arrives last and still goes before A's second job
    jobs.finish(engine, second.id, {})
    third = jobs.claim_next(engine, "w3")
    assert third is not None
    assert third.id == c_job


def test_a_job_past_its_time_budget_is_stopped_and_failed(
    store: tuple[str, Engine, list[int]], tmp_path: Path
) -> None:
    _, engine, orgs = store
    log = tmp_path / "runs.log"
    job = _queue(engine, orgs[0], {"n": "long", "log": str(log), "sleep": 0.3})
    worker = JobWorker(engine, threads=0, time_budget_s=0.05)
    claimed = jobs.claim_next(engine, worker.name)
    assert claimed is not None
    worker.run(claimed)  # its progress report, after the budget, stops it
    with system_session(engine) as db:
        row = db.get(Job, job)
        assert row is not None
        assert row.status == "failed"
        assert "time budget" in (row.error or "")
    # a job stuck inside one stage: failed by the housekeeping, its late result ignored
    stuck = _queue(engine, orgs[1], {"n": "stuck", "log": str(log)})
    got = jobs.claim_next(engine, "w-stuck")
    assert got is not None
    with system_session(engine) as db:
        past = jobs._now() - timedelta(hours=2)
        db.execute(update(Job).where(Job.id == stuck).values(started_at=past))
        db.commit()
    assert jobs.fail_overdue(engine, budget_s=3600) == [stuck]
    assert not jobs.finish(engine, stuck, {"late": True}, worker="w-stuck")
    with system_session(engine) as db:
        row = db.get(Job, stuck)
        assert row is not None
        assert (row.status, row.result) == ("failed", None)


def test_a_stuck_job_is_failed_and_its_thread_replaced(
    store: tuple[str, Engine, list[int]], tmp_path: Path
) -> None:
    _, engine, orgs = store
    log, until = tmp_path / "runs.log", tmp_path / "release"
    stuck = _queue(engine, orgs[0], {"n": "stuck", "log": str(log), "until": str(until)})
    worker = JobWorker(engine, threads=1, poll_interval_s=0.02, time_budget_s=3600)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while "start stuck" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        with system_session(engine) as db:  # started long ago: past its budget
            past = jobs._now() - timedelta(hours=2)
            db.execute(update(Job).where(Job.id == stuck).values(started_at=past))
            db.commit()
        worker.check_budget()  # what the housekeeping thread does every beat
        other = _queue(engine, orgs[1], {"n": "other", "log": str(log)})
        worker.wake()
        _drain(engine)  # the replacement thread runs it while the first is still stuck
        with system_session(engine) as db:
            got = {j.id: (j.status, j.error) for j in db.scalars(select(Job))}
        assert got[other] == ("done", None)
        assert got[stuck][0] == "failed"
        assert "time budget" in (got[stuck][1] or "")
    finally:
        until.touch()
        worker.stop()
    assert "done stuck" not in log.read_text()  # its late progress report stopped it
