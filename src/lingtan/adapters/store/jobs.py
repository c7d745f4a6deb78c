"""Background jobs: persisted rows, claimed by workers, surviving a restart.

A job is queued by a request (``queued``), claimed by one worker (``running``; PostgreSQL
``SELECT … FOR UPDATE SKIP LOCKED``, SQLite an atomic ``UPDATE … WHERE status = 'queued'``),
reports progress (0 … 1) and a heartbeat, and ends ``done`` (with a result) or ``failed`` (with
an error message). A job whose worker died (a ``running`` row with a stale heartbeat) is put back
in the queue when its kind is idempotent — imports are (a file's content hash identifies its
batch), calculations are (the snapshot id is the hash of the inputs) — and is otherwise failed
with a message saying so (:func:`recover_stale`).

Exactly once and fair (issue 11 items 7-8, decision 0036; OWASP ASVS 4.0.3 V11.1.6, V11.1.4
anti-automation/resource limits):

- one running job per organisation: on PostgreSQL every claim first takes a transaction-scoped
  advisory lock (:data:`CLAIM_LOCK`), so the "organisation already has a running job" test and
  the claiming UPDATE see every earlier claim (without it, two workers under READ COMMITTED both
  saw no running job of an organisation and claimed two of its jobs); on SQLite the claim is one
  UPDATE statement, which holds the database's write lock from its first read;
- per-organisation fairness: among organisations without a running job, the one whose last job
  started longest ago (or never) goes first, then its oldest job: one organisation's ten queued
  imports cannot hold back another organisation's one;
- a time budget: a job running longer than its budget is failed with a message
  (:func:`fail_overdue`), and the job's own checkpoints stop it before it writes
  (:class:`JobBudgetExceeded`); a worker that finishes an abandoned job changes nothing
  (:func:`finish` and :func:`fail` only touch a job still running under that worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Double,
    Index,
    Integer,
    String,
    Text,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from lingtan.adapters.store.models import Base
from lingtan.adapters.store.models import utcnow as _now
from lingtan.adapters.store.scoping import TenantOwned, system_session

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
#: job kinds that may safely run again after an interruption
IDEMPOTENT_KINDS = frozenset({"import", "calculate"})
#: attempts after which an interrupted idempotent job is failed instead of re-queued
MAX_ATTEMPTS = 3
#: PostgreSQL advisory lock serialising job claims (held for one claim's transaction)
CLAIM_LOCK = 0x6C74_0004
_EPOCH = datetime(1970, 1, 1)

# the messages the job machinery records: catalogue keys (i18n/progress.*.json, decision 0052)
MSG_QUEUED = "progress.job.queued"
MSG_STARTED = "progress.job.started"
MSG_DONE = "progress.job.done"
MSG_FAILED = "progress.job.failed"
MSG_REQUEUED = "progress.job.requeued"
MSG_WAITING_BUSY = "progress.job.waiting_busy"
MSG_OVERDUE = "progress.job.over_budget"
MSG_INTERRUPTED = "progress.job.interrupted"


class JobBudgetExceeded(Exception):  # noqa: N818 (the name says what happened)
    """A job ran past its time budget: stopped at its next checkpoint, before writing."""


class Job(TenantOwned, Base):
    """A background job of one organisation."""

    __tablename__ = "job"
    __table_args__ = (
        Index("ix_job_organisation_id_started_at", "organisation_id", "started_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    progress: Mapped[float] = mapped_column(Double)  # 0 … 1
    #: a catalogue key (``progress.*``; decision 0052), or an English text of a job recorded
    #: before keys; ``message_params`` fills in its parameters (counts, stage)
    message: Mapped[str] = mapped_column(Text)
    message_params: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
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
        message=MSG_QUEUED,
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
    """Claim the next queued job for ``worker`` (None when nothing can be claimed).

    One job at a time per organisation: a job whose organisation has a running job waits
    (imports number their batches in order; a calculation reads what the imports stored).
    Among the others, the organisation served least recently (its last job's start, or never)
    goes first, then its oldest job (per-organisation fairness)."""
    now = _now()
    queued, running, served = aliased(Job), aliased(Job), aliased(Job)
    with system_session(engine, actor=f"worker:{worker}") as db, db.begin():
        pg = engine.dialect.name == "postgresql"
        if pg:  # claims one after another: each sees the previous one's running job
            db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLAIM_LOCK})
        busy = select(running.organisation_id).where(running.status == RUNNING)
        last_served = (
            select(func.max(served.started_at))
            .where(served.organisation_id == queued.organisation_id)
            .scalar_subquery()
        )
        pick = (
            select(queued.id)
            .where(queued.status == QUEUED, queued.organisation_id.not_in(busy))
            .order_by(func.coalesce(last_served, literal(_EPOCH, DateTime)), queued.id)
            .limit(1)
        )
        if pg:
            pick = pick.with_for_update(of=queued, skip_locked=True)
        stmt = (
            update(Job)
            .where(Job.id == pick.scalar_subquery(), Job.status == QUEUED)
            .values(
                status=RUNNING,
                worker=worker[:100],
                started_at=now,
                heartbeat_at=now,
                message=MSG_STARTED,
                message_params=None,
                attempts=Job.attempts + 1,
            )
            .returning(Job.id, Job.organisation_id, Job.kind, Job.params, Job.attempts)
            .execution_options(synchronize_session=False)
        )
        row = db.execute(stmt).first()
    if row is None:
        return None
    return Claimed(int(row[0]), int(row[1]), str(row[2]), dict(row[3] or {}), int(row[4]))


def _set(engine: Engine, job_id: int, worker: str | None = None, **values: Any) -> bool:
    """Update a job that is still running (under ``worker``, when given); False when it is
    not (it was failed as overdue or recovered meanwhile: nothing changed)."""
    with system_session(engine) as db, db.begin():
        q = update(Job).where(Job.id == job_id, Job.status == RUNNING)
        if worker is not None:
            q = q.where(Job.worker == worker[:100])
        res = db.execute(q.values(**values).execution_options(synchronize_session=False))
        return bool(getattr(res, "rowcount", 0))


def report_progress(
    engine: Engine,
    job_id: int,
    progress: float,
    message: str,
    worker: str | None = None,
    params: dict[str, Any] | None = None,
) -> bool:
    """Record progress (0 … 1) and a message (a catalogue key and its ``params``); also a
    heartbeat. False: the job no longer runs under ``worker`` (failed as overdue, or
    recovered)."""
    return _set(
        engine,
        job_id,
        worker,
        progress=max(0.0, min(1.0, float(progress))),
        message=message,
        message_params=params,
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


def finish(
    engine: Engine,
    job_id: int,
    result: dict[str, Any],
    message: str = "",
    worker: str | None = None,
) -> bool:
    """Mark a running job done with its result (False: it was no longer running)."""
    return _set(
        engine,
        job_id,
        worker,
        status=DONE,
        progress=1.0,
        message=message or MSG_DONE,
        message_params=None,
        result=result,
        finished_at=_now(),
    )


def fail(
    engine: Engine,
    job_id: int,
    error: str,
    worker: str | None = None,
    *,
    message: str = "",
    params: dict[str, Any] | None = None,
) -> bool:
    """Mark a running job failed with an error for the user (False: it was not running);
    ``message`` (a catalogue key, with ``params``) says why in the viewer's language when the
    failure is the job machinery's own (time budget, restart), else :data:`MSG_FAILED`."""
    return _set(
        engine,
        job_id,
        worker,
        status=FAILED,
        message=message or MSG_FAILED,
        message_params=params,
        error=error,
        finished_at=_now(),
    )


def fail_overdue(engine: Engine, *, budget_s: float) -> list[int]:
    """Fail the running jobs started more than ``budget_s`` seconds ago, with a message;
    returns their ids. Their worker thread cannot be killed (Python): it stops at the job's
    next checkpoint, and whatever it reports later is ignored (:func:`_set`)."""
    if budget_s <= 0:
        return []
    cutoff = _now() - timedelta(seconds=budget_s)
    with system_session(engine) as db, db.begin():
        rows = db.execute(
            update(Job)
            .where(Job.status == RUNNING, Job.started_at < cutoff)
            .values(
                status=FAILED,
                message=MSG_OVERDUE,
                message_params={"budget_s": round(budget_s)},
                finished_at=_now(),
                error=(
                    f"stopped: the job ran longer than its time budget of {budget_s:.0f} s "
                    "(LINGTAN_JOB_TIME_BUDGET_S); split the file or ask the administrator"
                ),
            )
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        ).all()
    return sorted(int(r[0]) for r in rows)


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
                job.message = MSG_REQUEUED
                job.message_params = None
                requeued.append(job.id)
            else:
                job.status = FAILED
                job.finished_at = _now()
                job.message = MSG_INTERRUPTED
                job.message_params = {"attempts": job.attempts}
                job.error = (
                    "interrupted by a server restart"
                    + ("" if job.kind in IDEMPOTENT_KINDS else f" ({job.kind} jobs are not re-run)")
                    + (f" after {job.attempts} attempts" if job.attempts >= MAX_ATTEMPTS else "")
                    + "; start it again"
                )
                failed.append(job.id)
    return Recovery(requeued, failed)


def requeue(engine: Engine, job_id: int, worker: str, message: str) -> bool:
    """Put a job this worker runs back in the queue (its workspace was busy); False when it
    has used :data:`MAX_ATTEMPTS` attempts or is no longer running here."""
    with system_session(engine) as db, db.begin():
        res = db.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.status == RUNNING,
                Job.worker == worker[:100],
                Job.attempts < MAX_ATTEMPTS,
            )
            .values(status=QUEUED, worker=None, message=message, message_params=None)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(res, "rowcount", 0))
