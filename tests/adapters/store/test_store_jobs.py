"""Background jobs: claimed once, one at a time per organisation, and surviving a restart (a
job left running by a dead process is re-queued when idempotent, else failed with a message)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from lingtan.adapters.store import jobs
from lingtan.adapters.store.jobs import Job
from lingtan.adapters.store.scoping import system_session, tenant_session
from serverkit import ELECTRICITY_CSV, Server, owner_client, wait_job

API = "/api/v1"


def _queue(engine: Engine, org: int, kind: str = "calculate") -> int:
    with tenant_session(engine, org) as db:
        job = jobs.enqueue(db, kind, {"fiscal_year": "FY2024/25"}, created_by="t")
        db.commit()
        return job.id


def test_claims_are_exclusive_and_serial_per_organisation(
    store: tuple[Engine, int, int],
) -> None:
    engine, a, b = store
    a1, a2, b1 = _queue(engine, a), _queue(engine, a), _queue(engine, b)
    first = jobs.claim_next(engine, "w1")
    second = jobs.claim_next(engine, "w2")
    assert first is not None
    assert second is not None
    assert (first.id, second.id) == (a1, b1)  # a2 waits: organisation A has a running job
    assert jobs.claim_next(engine, "w3") is None
    jobs.finish(engine, a1, {"ok": True})
    third = jobs.claim_next(engine, "w3")
    assert third is not None
    assert (third.id, third.attempts) == (a2, 1)
    with system_session(engine) as db:
        done = db.get(Job, a1)
        assert done is not None
        assert (done.status, done.progress, done.result) == ("done", 1.0, {"ok": True})


def test_stale_jobs_are_requeued_or_failed(store: tuple[Engine, int, int]) -> None:
    engine, a, b = store
    calc, report, fresh = _queue(engine, a), _queue(engine, b, "report"), _queue(engine, b)
    old = datetime.now() - timedelta(minutes=10)
    with system_session(engine) as db:
        db.execute(update(Job).values(status="running", heartbeat_at=old, attempts=1))
        db.execute(update(Job).where(Job.id == fresh).values(heartbeat_at=datetime.now()))
        db.commit()
    rec = jobs.recover_stale(engine, stale_after=timedelta(seconds=60))
    assert (rec.requeued, rec.failed) == ([calc], [report])
    with system_session(engine) as db:
        status = {j.id: (j.status, j.error) for j in db.scalars(select(Job))}
    assert status[calc] == ("queued", None)
    assert status[fresh] == ("running", None)  # its worker is alive
    assert status[report][0] == "failed"
    assert "interrupted by a server restart" in (status[report][1] or "")


def test_a_job_survives_a_restart(server_factory: Callable[..., Server]) -> None:
    # 1. a server without workers accepts an upload: the file is saved, the job queued
    first = server_factory(workers=0)
    c = owner_client(first, "o@example.org")
    c.post(
        f"{API}/orgs/acme/sites",
        json={"code": "TJ01", "name": "Tianjin", "entity_code": "MAIN", "region": "CN-TJ"},
    )
    files = {"file": ("electricity.csv", ELECTRICITY_CSV, "text/csv")}
    job_id = c.post(f"{API}/orgs/acme/imports", files=files).json()["id"]
    # 2. the process "dies" while running it: running, heartbeat ten minutes old
    with system_session(first.engine) as db:
        db.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", worker="dead:1", attempts=1,
                    heartbeat_at=datetime.now() - timedelta(minutes=10))
        )  # fmt: skip
        db.commit()
    # 3. a new server starts on the same store: the job is re-queued and runs to the end
    second = server_factory(workers=1)
    c2 = second.login("o@example.org")
    job = wait_job(c2, "acme", job_id)
    assert job["status"] == "done", job
    assert (job["result"]["rows_accepted"], job["result"]["rows_rejected"]) == (2, 1)
    # 4. it dies again after the import was stored but before the job was marked done:
    #    running it again reports the same batch (imports are idempotent by content hash)
    with system_session(second.engine) as db:
        db.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", heartbeat_at=datetime.now() - timedelta(minutes=10))
        )
        db.commit()
    third = server_factory(workers=1)
    job = wait_job(third.login("o@example.org"), "acme", job_id)
    assert job["status"] == "done", job
    assert job["result"]["already_imported"] is True
    assert job["result"]["batch_id"] == c2.get(f"{API}/orgs/acme/imports").json()[0]["id"]
    assert len(c2.get(f"{API}/orgs/acme/imports").json()) == 1
