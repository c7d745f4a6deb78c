"""Import one activity file into a workspace: read, validate, store atomically, idempotently.

Nothing the user gave is silently dropped: every row becomes activities or a quarantined issue
(file, row, column, reason). A file that cannot be read at all raises
:class:`~lingtan.core.errors.InputFileError` and changes nothing. A file whose bytes were imported
before (same sha256) is a no-op. A certificate id already imported in another batch is rejected
(GHG Protocol Scope 2 Guidance, Quality Criterion 2: an instrument is claimed once).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lingtan.adapters.store.workspace import Workspace
from lingtan.core.errors import InputFileError, RowIssue


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    batch_id: str
    template: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    issues: list[RowIssue] = field(default_factory=list)
    already_imported: bool = False
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (row, other batch id)


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes (the batch id)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def import_file(
    ws: Workspace,
    path: Path | str,
    *,
    template: str | None = None,
    supersedes: str | None = None,
    fixes: str | None = None,
) -> ImportReport:
    """Import ``path`` (CSV or XLSX of one template) into ``ws``.

    Args:
        supersedes: id (or unique prefix) of a batch this file corrects and replaces.
        fixes: id (or prefix) of a batch whose rejected rows this file holds, corrected.

    Rows identical to rows of another active batch (same site, date, scope, category, activity
    type, quantity and unit) are imported but reported as possible duplicates: the same
    delivery can legitimately occur twice, the same file exported twice cannot.

    Raises:
        InputFileError: the file is missing or cannot be read as a template at all.
        WorkspaceError: ``supersedes`` or ``fixes`` names no batch.
    """
    from lingtan.adapters.compute.runner import load_library
    from lingtan.adapters.io.intake import read_activity_file
    from lingtan.core.templates import NormaliseContext

    p = Path(path)
    if not p.is_file():
        raise InputFileError(str(p), "no such file")
    sha = file_sha256(p)
    if ws.has_batch(sha):
        return ImportReport(sha, "", 0, 0, 0, [], already_imported=True)
    cfg = ws.config
    ctx = NormaliseContext(
        source=p.name,
        sites=cfg.site_regions(),
        default_region=cfg.region,
        calendar=cfg.calendar,
        known_activity_types=load_library(ws).activity_types(),
    )
    sup = ws.batch(supersedes).id if supersedes else None
    fix = ws.batch(fixes).id if fixes else None
    res = read_activity_file(p, template=template, context=ctx)
    issues = list(res.issues)
    instruments = res.instruments
    if instruments is not None and instruments.num_rows:
        instruments, dup_issues = _reject_claimed(ws, instruments, p.name)
        issues.extend(dup_issues)
    batch = ws.record_batch(
        sha256=sha,
        file_name=p.name,
        template=res.template,
        rows_read=res.rows_read,
        activities=res.activities,
        instruments=instruments,
        issues=sorted(issues, key=lambda i: (i.row, i.field)),
        source=p,
        supersedes=sup,
        fixes=fix,
    )
    duplicates = _duplicates(ws, res.activities, exclude={sha, *(x for x in [sup] if x)})
    return ImportReport(
        batch_id=batch.id,
        template=res.template,
        rows_read=res.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        issues=sorted(issues, key=lambda i: (i.row, i.field)),
        duplicates=duplicates,
    )


_DUP_KEYS = ("site", "date", "scope", "category", "activity_type", "quantity", "unit")


def _duplicates(ws: Workspace, new: pa.Table | None, exclude: set[str]) -> list[tuple[int, str]]:
    """(row, batch id) of new rows equal on :data:`_DUP_KEYS` to a row of another batch."""
    if new is None or not new.num_rows:
        return []
    files = [
        str(ws.batches_dir / b.activities_file)
        for b in ws.batches()
        if b.activities_file and b.id not in exclude
    ]
    if not files:
        return []
    import duckdb

    con = duckdb.connect()
    con.register("new_rows", new.select([*_DUP_KEYS, "source_row"]))
    keys = ", ".join(_DUP_KEYS)
    on = " AND ".join(f"n.{k} = e.{k}" for k in _DUP_KEYS)
    sql = (
        f"SELECT DISTINCT n.source_row, e.batch_id FROM new_rows n "
        f"JOIN (SELECT {keys}, batch_id FROM read_parquet(?)) e ON {on} ORDER BY 1, 2"
    )
    return [(int(r), str(b)) for r, b in con.execute(sql, [files]).fetchall()]


def _reject_claimed(ws: Workspace, table: pa.Table, source: str) -> tuple[pa.Table, list[RowIssue]]:
    """Move instruments whose id is already in the workspace to issues."""
    claimed: dict[str, str] = {}
    for b in ws.batches():
        if b.instruments_file:
            ids = pq.read_table(ws.batches_dir / b.instruments_file, columns=["instrument_id"])
            for i in ids.column(0).to_pylist():
                claimed[str(i)] = b.file_name
    if not claimed:
        return table, []
    ids = table.column("instrument_id").to_pylist()
    rows = table.column("source_row").to_pylist()
    dup = [i in claimed for i in ids]
    issues = [
        RowIssue(
            source,
            int(r),
            "instrument_id",
            f"already imported from {claimed[i]}: an instrument can be claimed only once",
            str(i),
        )
        for i, r, d in zip(ids, rows, dup, strict=True)
        if d
    ]
    keep = pc.invert(pa.array(dup, pa.bool_()))
    return table.filter(keep), issues
