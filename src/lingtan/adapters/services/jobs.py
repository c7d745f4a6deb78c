"""What the background jobs do (the job handlers): import a saved upload, calculate a fiscal
year. Run by the job worker (:mod:`lingtan.adapters.server.worker`); nothing here speaks HTTP.

Progress comes from the work's own counters (decision 0052): a
:class:`~lingtan.adapters.services.progress.Tracker` turns the rows read, checked and written
(or the calculation's stages) into a fraction and a catalogue key with parameters, which the
worker records with the job (:func:`lingtan.adapters.store.jobs.report_progress`); the job page
and the API render the key in the viewer's language. Failures the jobs themselves detect are
:class:`JobError` s, keyed the same way.

Both are idempotent, so an interrupted job can simply run again: an import is a no-op when a
batch with the file's sha256 exists (its result is then read from that batch), a calculation
reuses the snapshot whose id is the hash of unchanged inputs.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.engine import Engine

from lingtan.adapters.i18n.rows import plain_params
from lingtan.adapters.services.progress import ProgressEvent, Tracker, render, tracker
from lingtan.adapters.services.redaction import redact_paths
from lingtan.adapters.store.jobs import Claimed
from lingtan.adapters.store.models import QuarantinedRow
from lingtan.adapters.store.scoping import system_session
from lingtan.adapters.store.tenancy import Organisation
from lingtan.adapters.store.workspace import Workspace, org_workspace
from lingtan.core.errors import InputFileError, WorkspaceError
from lingtan.core.messages import Param


class Progress(Protocol):
    """``report(fraction 0…1, catalogue key, parameters)``: the worker records it with the job
    (:func:`lingtan.adapters.store.jobs.report_progress`)."""

    def __call__(
        self, fraction: float, key: str, params: dict[str, Any] | None = None, /
    ) -> None: ...


#: rejected rows listed in an import job's result (all are in the quarantine)
RESULT_ISSUES = 200


class JobError(WorkspaceError):
    """A job cannot run (its upload is gone, its organisation has no workspace …): a catalogue
    key and parameters, so the job page says why in the viewer's language; ``str()`` is the
    English text (API ``error``, logs)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(render(key, params, "en"))
        self.key = key
        self.params = params


class JobFileError(JobError):
    """An import job's file cannot be read (unreadable, an encoding refused …): the keyed
    ``file.error`` — ``{file}: {reason}``, the reason a nested message (decision 0053) — so the
    job page and the API say why in the viewer's language; ``str()`` is the English text."""


def _redacted(value: Any, roots: list[Path]) -> Any:
    """``value`` (plain message parameters) with every server path replaced by its last part."""
    if isinstance(value, str):
        return redact_paths(value, roots)
    if isinstance(value, list):
        return [_redacted(v, roots) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v, roots) for k, v in value.items()}
    return value


def file_failure(name: str, exc: InputFileError, roots: list[Path]) -> JobFileError:
    """The job failure of an unreadable upload: ``file.error`` naming the user's file ``name``
    with the reason of ``exc`` (its keyed message, else its English text), every path under
    ``roots`` reduced to its last part (ASVS V7.4.1)."""
    reason: Param = exc.message if exc.message is not None else exc.reason
    params = _redacted(plain_params({"file": name, "reason": reason}), roots)
    return JobFileError("file.error", **params)


def job_tracker(operation: str, report: Progress) -> Tracker:
    """A tracker of ``operation`` whose events the worker records: fraction, key, params."""

    def record(event: ProgressEvent) -> None:
        report(event.fraction, event.key, event.params)

    return tracker(operation, record)


def job_workspace(engine: Engine, job: Claimed, actor: str) -> Workspace:
    """The workspace of the job's organisation.

    Raises:
        JobError: the organisation or its folder is gone.
    """
    with system_session(engine) as db:
        org = db.get(Organisation, job.organisation_id)
        if org is None or not org.workspace_path:
            raise JobError("progress.job.no_workspace", organisation=job.organisation_id)
        path = org.workspace_path
    return org_workspace(engine, job.organisation_id, path, actor=actor)


def run_import(ws: Workspace, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Import the saved upload; the result lists counts and the first rejected rows."""
    from lingtan.adapters.services.context import JobContext
    from lingtan.adapters.services.imports import import_file
    from lingtan.adapters.services.mappings import column_map

    path = Path(str(params["path"]))
    sha = str(params["sha256"])
    if not path.is_file():
        if ws.has_batch(sha):  # imported before an interruption: report that batch
            return _batch_result(ws, sha, already=True)
        raise JobError("progress.job.upload_gone", file=str(params.get("file_name") or ""))
    try:
        rep = import_file(
            JobContext(ws),
            path,
            template=params.get("template"),
            supersedes=params.get("supersedes"),
            fixes=params.get("fixes"),
            append=bool(params.get("append")),
            # the time budget is checked at every report, the last one before storing
            progress=job_tracker("import", progress),
            encoding=params.get("encoding"),
            locale=params.get("locale"),
            column_map=column_map(params.get("mapping")),
        )
    except InputFileError as exc:
        # a file that cannot be read never will be: nothing of it is kept, and the error names
        # the user's file name, never the server's path (ASVS V7.4.1, V12.1; decision 0037)
        shutil.rmtree(path.parent, ignore_errors=True)
        raise file_failure(str(params.get("file_name") or path.name), exc, [ws.path]) from None
    if rep.already_imported:
        result = _batch_result(ws, rep.batch_id, already=True)
    else:
        result = {
            "batch_id": rep.batch_id,
            "template": rep.template,
            "rows_read": rep.rows_read,
            "rows_accepted": rep.rows_accepted,
            "rows_rejected": rep.rows_rejected,
            "already_imported": False,
            "duplicates": [{"row": r, "batch_id": b} for r, b in rep.duplicates[:RESULT_ISSUES]],
            "issues": [
                {
                    "row": i.row,
                    "field": i.field,
                    "reason": i.reason,
                    "value": i.value,
                    "key": i.key or None,  # the reason keyed (decision 0053)
                    "params": plain_params(i.params),
                }
                for i in rep.issues[:RESULT_ISSUES]
            ],
        }
    shutil.rmtree(path.parent, ignore_errors=True)
    return result


def _batch_result(ws: Workspace, batch_id: str, *, already: bool) -> dict[str, Any]:
    b = ws.batch(batch_id)
    with ws.session() as s:
        issues = [
            {
                "row": q.row,
                "field": q.field,
                "reason": q.reason,
                "value": q.value,
                "key": q.message_key,  # the reason keyed (decision 0053)
                "params": q.message_params or {},
            }
            for q in s.scalars(
                select(QuarantinedRow)
                .where(QuarantinedRow.batch_id == b.id)
                .order_by(QuarantinedRow.row)
                .limit(RESULT_ISSUES)
            )
        ]
    return {
        "batch_id": b.id,
        "template": b.template,
        "rows_read": b.rows_read,
        "rows_accepted": b.rows_accepted,
        "rows_rejected": b.rows_rejected,
        "already_imported": already,
        "duplicates": [],
        "issues": issues,
    }


def run_calculation(ws: Workspace, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Calculate the fiscal year; the result names the snapshot and its totals [t CO2e]."""
    from lingtan.adapters.services.calculation import calculate
    from lingtan.adapters.services.context import JobContext, jsonable

    inv = calculate(
        JobContext(ws),
        str(params["fiscal_year"]),
        gwp_set=params.get("gwp_set"),
        progress=job_tracker("calculate", progress),
    )

    return {
        "snapshot_id": inv.snapshot_id,
        "fiscal_year": inv.fiscal_year,
        "gwp_set": inv.gwp_set,
        "totals_tco2e": jsonable(inv.totals()),
        "unresolved": len(inv.unresolved),
    }


HANDLERS: dict[str, Callable[[Workspace, dict[str, Any], Progress], dict[str, Any]]] = {
    "import": run_import,
    "calculate": run_calculation,
}


def run_job(engine: Engine, job: Claimed, actor: str, progress: Progress) -> dict[str, Any]:
    """Run one claimed job; returns its result.

    Raises:
        LingtanError: the job's input cannot be used (its message is shown to the user;
            a :class:`JobError` carries a catalogue key).
    """
    handler = HANDLERS.get(job.kind)
    if handler is None:
        raise JobError("progress.job.unknown_kind", kind=job.kind)
    return handler(job_workspace(engine, job, actor), job.params, progress)
