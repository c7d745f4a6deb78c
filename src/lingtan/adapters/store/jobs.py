"""Background jobs: persisted rows, claimed by workers, surviving a restart.

A job is queued by a request (``queued``), claimed by one worker (``running``; PostgreSQL
``SELECT … FOR UPDATE SKIP LOCKED``, SQLite an atomic ``UPDATE … WHERE status = 'queued'``),
reports progress (0 … 1) and a heartbeat, and ends ``done`` (with a result) or ``failed`` (with
an error message). A job whose worker died (a ``running`` row with a stale heartbeat) is put back
in the queue when its kind is idempotent — imports are (a file's content hash identifies its
batch), calculations are (the snapshot id is the hash of the inputs) — and is otherwise failed
with a message saying so (:func:`recover_stale`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Double, Integer, String, Text, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.scoping import TenantOwned, system_session

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
#: job kinds that may safely run again after an interruption
IDEMPOTENT_KINDS = frozenset({"import", "calculate"})
#: attempts after which an interrupted idempotent job is failed instead of re-queued
MAX_ATTEMPTS = 3


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Job(TenantOwned, Base):
    """A background job of one organisation."""

    __tablename__ = "job"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    progress: Mapped[float] = mapped_column(Double)  # 0 … 1
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer)


def enqueue(db: Session, kind: str, params: dict[str, Any], *, created_by: str) -> Job:
    """Queue a job in the session's organisation (flushed; the caller commits)."""
    job = Job(
        kind=kind,
        status=QUEUED,
        progress=0.0,
        message="queued",
        params=params,
        created_by=created_by[:200],
        created_at=_now(),
        attempts=0,
    )
    db.add(job)
    db.flush()
    return job


@dataclass(frozen=True)
class Claimed:
    """A job a worker has claimed: what it needs to run it."""

    id: int
    organisation_id: int
    kind: str
    params: dict[str, Any]
    attempts: int


def claim_next(engine: Engine, worker: str) -> Claimed | None:
    """Claim the oldest queued job for ``worker`` (None when the queue is empty).

    One job at a time per organisation: a job whose organisation has a running job waits
    (imports number their batches in order; a calculation reads what the imports stored)."""
    now = _now()
    queued, running = aliased(Job), aliased(Job)
    with system_session(engine, actor=f"worker:{worker}") as db, db.begin():
        busy = select(running.organisation_id).where(running.status == RUNNING)
        pick = (
            select(queued.id)
            .where(queued.status == QUEUED, queued.organisation_id.not_in(busy))
            .order_by(queued.id)
            .limit(1)
        )
        if engine.dialect.name == "postgresql":
            pick = pick.with_for_update(of=queued, skip_locked=True)
        stmt = (
            update(Job)
            .where(Job.id == pick.scalar_subquery(), Job.status == QUEUED)
            .values(
                status=RUNNING,
                worker=worker[:100],
                started_at=now,
                heartbeat_at=now,
                message="started",
                attempts=Job.attempts + 1,
            )
            .returning(Job.id, Job.organisation_id, Job.kind, Job.params, Job.attempts)
            .execution_options(synchronize_session=False)
        )
        row = db.execute(stmt).first()
    if row is None:
        return None
    return Claimed(int(row[0]), int(row[1]), str(row[2]), dict(row[3] or {}), int(row[4]))


def _set(engine: Engine, job_id: int, **values: Any) -> None:
    with system_session(engine) as db, db.begin():
        db.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def report_progress(engine: Engine, job_id: int, progress: float, message: str) -> None:
    """Record progress (0 … 1) and a message; also a heartbeat."""
    _set(
        engine,
        job_id,
        progress=max(0.0, min(1.0, float(progress))),
        message=message,
        heartbeat_at=_now(),
    )


def heartbeat(engine: Engine, job_ids: list[int]) -> None:
    """Mark running jobs as alive."""
    if not job_ids:
        return
    with system_session(engine) as db, db.begin():
        db.execute(
            update(Job)
            .where(Job.id.in_(job_ids), Job.status == RUNNING)
            .values(heartbeat_at=_now())
            .execution_options(synchronize_session=False)
        )


def finish(engine: Engine, job_id: int, result: dict[str, Any], message: str = "done") -> None:
    """Mark a job done with its result."""
    _set(
        engine,
        job_id,
        status=DONE,
        progress=1.0,
        message=message,
        result=result,
        finished_at=_now(),
    )


def fail(engine: Engine, job_id: int, error: str) -> None:
    """Mark a job failed with a message for the user."""
    _set(engine, job_id, status=FAILED, message="failed", error=error, finished_at=_now())


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover_stale` did: ids re-queued and ids failed."""

    requeued: list[int]
    failed: list[int]


def recover_stale(engine: Engine, *, stale_after: timedelta) -> Recovery:
    """Re-queue (idempotent kinds) or fail (others) the ``running`` jobs whose heartbeat is
    older than ``stale_after``: their worker is gone (the server was stopped or crashed)."""
    cutoff = _now() - stale_after
    requeued: list[int] = []
    failed: list[int] = []
    with system_session(engine) as db, db.begin():
        stale = list(
            db.scalars(
                select(Job)
                .where(Job.status == RUNNING)
                .where((Job.heartbeat_at.is_(None)) | (Job.heartbeat_at < cutoff))
                .order_by(Job.id)
            )
        )
        for job in stale:
            if job.kind in IDEMPOTENT_KINDS and job.attempts < MAX_ATTEMPTS:
                job.status = QUEUED
                job.worker = None
                job.message = "re-queued after a server restart"
                requeued.append(job.id)
            else:
                job.status = FAILED
                job.finished_at = _now()
                job.message = "failed"
                job.error = (
                    "interrupted by a server restart"
                    + ("" if job.kind in IDEMPOTENT_KINDS else f" ({job.kind} jobs are not re-run)")
                    + (f" after {job.attempts} attempts" if job.attempts >= MAX_ATTEMPTS else "")
                    + "; start it again"
                )
                failed.append(job.id)
    return Recovery(requeued, failed)
