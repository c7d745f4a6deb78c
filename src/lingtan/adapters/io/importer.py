"""Import one activity file into a workspace: read, validate, store atomically, idempotently.

Nothing the user gave is silently dropped: every row becomes activities or a quarantined issue
(file, row, column, reason). A file that cannot be read at all raises
:class:`~lingtan.core.errors.InputFileError` and changes nothing. A file whose bytes were imported
before (same sha256) is a no-op — unless that batch's files are missing (a crash, or the
concurrent-import defect of issue 11), when the import rewrites them (a repair). A certificate id
already imported in another batch is rejected (GHG Protocol Scope 2 Guidance, Quality Criterion
2: an instrument is claimed once).

Concurrent imports (decision 0036): the file is read and validated without the lock; the checks
against stored batches (already imported, overlap, claimed instruments) and the write run under
the workspace write lock, so of two processes importing one file, one stores it and the other
answers "already imported"; a writer that waits too long gets
:class:`~lingtan.adapters.store.locks.WorkspaceBusyError` (OWASP ASVS 4.0.3 V11.1.6).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lingtan.adapters.i18n.rows import file_error, row_issue
from lingtan.adapters.io import batch_reading
from lingtan.adapters.io.progress import OnProgress
from lingtan.adapters.store.batch_spool import ActivitySpool
from lingtan.adapters.store.models import ImportBatch
from lingtan.adapters.store.workspace import Workspace, batch_problem
from lingtan.core.errors import RowIssue, WorkspaceError
from lingtan.core.messages import msg

if TYPE_CHECKING:
    from lingtan.adapters.io.intake import FileFormat
    from lingtan.core.factors import EmissionFactor
    from lingtan.core.templates import NormaliseContext
    from lingtan.core.templates.mapping import ColumnMapping


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
    #: files of the already-imported batch that were missing and have been written again
    repaired: list[str] = field(default_factory=list)
    #: how the file was read: encoding (and the detector's confidence), delimiter, decimal
    #: mark, sheet, header row (decision 0050); None when the file was not read again
    file_format: FileFormat | None = None


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
    append: bool = False,
    checkpoint: Callable[[], None] | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    progress: OnProgress | None = None,
    column_map: ColumnMapping | None = None,
) -> ImportReport:
    """Import ``path`` (CSV or XLSX of one template) into ``ws``.

    With ``column_map`` the file is the user's own export, read through that mapping
    (decision 0051). The declared encoding and locale and the mapping are kept with the batch
    (:mod:`lingtan.adapters.io.batch_reading`): a repair or an export reads the file the same way.

    Args:
        supersedes: id (or unique prefix) of a batch this file corrects and replaces.
        fixes: id (or prefix) of a batch whose rejected rows this file holds, corrected.
        append: keep the file even when it largely repeats an earlier batch
            (:func:`find_overlap`); without it (and without ``supersedes``) such a file is
            refused with :class:`DuplicateImportError`.
        checkpoint: called after the file is read and checked, before the write lock is taken
            and anything is written; a job's budget check raises there to stop the import.
        encoding: a CSV's declared encoding; None = UTF-8, else detected (decision 0050).
        locale: declared number and date conventions (``de-DE``, ``en-US``, ``zh-CN``); None =
            told from the file.
        progress: hears the stages ``read`` and ``check`` (rows, from the intake) and
            ``write`` (0 of the rows to store before the write lock is taken, all of them once
            stored); decision 0052.

    The accepted activities never sit in memory all at once: the intake hands them over chunk
    by chunk to a spool file in the workspace folder (:class:`ActivitySpool`), from which the
    checks read them (DuckDB) and the batch is written chunk by chunk; the spool is removed
    whatever happens (decision 0061, "Streamed batch write").

    Rows identical to rows of another active batch (same site, date, scope, category, activity
    type, quantity and unit) are imported but reported as possible duplicates: the same
    delivery can legitimately occur twice, the same file exported twice cannot.

    Raises:
        InputFileError: the file is missing or cannot be read as a template at all.
        WorkspaceError: ``supersedes`` or ``fixes`` names no batch.
        DuplicateImportError: the file's rows largely repeat an active batch (nothing stored).
        WorkspaceBusyError: another writer held the workspace lock too long (nothing stored).
        WorkspaceInconsistentError: another active batch's files are missing (named; nothing
            stored). The file's own batch with missing files is repaired instead.
    """
    from lingtan.adapters.io.intake import read_activity_file

    p = Path(path)
    if not p.is_file():
        raise file_error(str(p), msg("file.no_such_file"))
    sha = file_sha256(p)
    if ws.has_batch(sha) and batch_problem(ws, ws.batch(sha)) is None:  # fast path, no lock
        return ImportReport(sha, "", 0, 0, 0, [], already_imported=True)
    from lingtan.adapters.io.library import load_library

    lib = load_library(ws)  # once: the activity types the intake knows, the units it can take
    ctx = _context(ws, p, lib.activity_types())
    with ActivitySpool(ws.path) as spool:
        accepted = _Accepted(spool, lib.factors, p.name)
        res = read_activity_file(
            p,
            template=template,
            context=ctx,
            encoding=encoding,
            locale=locale,
            progress=progress,
            column_map=column_map,
            sink=accepted,
        )
        spool.close()
        # rows whose unit no factor of their type can ever take were rejected chunk by chunk
        # (decision 0029), in the order reject_unconvertible gives them
        res_issues = (
            sorted([*res.issues, *accepted.issues], key=lambda i: (i.row, i.field))
            if accepted.issues
            else list(res.issues)
        )
        to_write = spool.rows + _rows(res.instruments)
        if progress is not None:
            progress("write", 0, to_write)
        if checkpoint is not None:
            checkpoint()
        with ws.write_lock():  # every check against stored batches, and the write, as one unit
            if ws.has_batch(sha):
                acts = spool.table() if spool.rows else None
                return _repair(ws, ws.batch(sha), acts, res.instruments, p)
            ws.activity_files()  # a damaged batch is named (with its fix) before it is compared
            sup = ws.batch(supersedes).id if supersedes else None
            fix = ws.batch(fixes).id if fixes else None
            if not append and sup is None:
                overlap = find_overlap(ws, spool)
                if overlap is not None:
                    raise DuplicateImportError(p.name, overlap)
            issues = res_issues
            instruments = res.instruments
            if instruments is not None and instruments.num_rows:
                instruments, dup_issues = _reject_claimed(ws, instruments, p.name)
                issues.extend(dup_issues)
            batch = ws.record_batch(
                sha256=sha,
                file_name=p.name,
                template=res.template,
                rows_read=res.rows_read,
                activities=spool,
                instruments=instruments,
                issues=sorted(issues, key=lambda i: (i.row, i.field)),
                source=p,
                supersedes=sup,
                fixes=fix,
            )
            batch_reading.save(
                ws,
                sha,
                encoding=encoding,
                locale=locale,
                file_format=res.file_format,
                column_map=column_map,
            )
            duplicates = _duplicates(ws, spool, exclude={sha, *(x for x in [sup] if x)})
    if progress is not None:
        progress("write", to_write, to_write)
    return ImportReport(
        batch_id=batch.id,
        template=res.template,
        rows_read=res.rows_read,
        rows_accepted=batch.rows_accepted,
        rows_rejected=batch.rows_rejected,
        issues=sorted(issues, key=lambda i: (i.row, i.field)),
        duplicates=duplicates,
        file_format=res.file_format,
    )


class _Accepted:
    """The import's :class:`~lingtan.adapters.io.intake.ActivitySink`: each chunk's rows whose
    unit no factor of their type can ever take become issues
    (:func:`~lingtan.adapters.io.unit_check.reject_unconvertible`, decision 0029), the others
    go to the spool. The verdict on an (activity type, unit) pair is looked up once per file,
    among the factors of that activity type only (the verdict depends on no other factor;
    looking at the whole library cost 0.8 s of every import's fixed cost)."""

    def __init__(
        self, spool: ActivitySpool, factors: Iterable[EmissionFactor], source: str
    ) -> None:
        self.spool = spool
        self.source = source
        self._of_type: dict[str, list[EmissionFactor]] = {}
        for f in factors:
            self._of_type.setdefault(f.activity_type, []).append(f)
        self.issues: list[RowIssue] = []
        self._bad: set[tuple[str, str]] = set()
        self._seen: set[tuple[str, str]] = set()

    def add(self, table: pa.Table, template: str) -> None:
        """Check one chunk's units and spool its accepted rows."""
        from lingtan.adapters.io.intake import IntakeResult
        from lingtan.adapters.io.unit_check import reject_unconvertible, unconvertible

        pairs = table.select(["activity_type", "unit"]).group_by(["activity_type", "unit"])
        got = pairs.aggregate([])
        distinct = set(zip(got.column(0).to_pylist(), got.column(1).to_pylist(), strict=True))
        new = {(t, u) for t, u in distinct if t and u} - self._seen
        if new:
            self._bad.update(unconvertible(new, self._factors({t for t, _ in new})))
            self._seen.update(new)
        if self._bad & distinct:
            types = {t for t, _ in distinct if t}
            res = reject_unconvertible(
                IntakeResult(template, self.source, "", table, None, [], 0), self._factors(types)
            )
            table = res.activities
            self.issues.extend(res.issues)
        self.spool.add(table)

    def _factors(self, types: set[str]) -> list[EmissionFactor]:
        """The library's factors of these activity types."""
        return [f for t in sorted(types) for f in self._of_type.get(t, ())]

    def reset(self) -> None:
        """Forget every chunk (the file is read again row by row)."""
        self.spool.reset()
        self.issues.clear()


def _rows(table: pa.Table | None) -> int:
    """Rows of an optional table (the activities or instruments of a file)."""
    return 0 if table is None else int(table.num_rows)


def _repair(
    ws: Workspace,
    batch: ImportBatch,
    activities: pa.Table | None,
    instruments: pa.Table | None,
    source: Path,
) -> ImportReport:
    """The file was imported before: rewrite its batch's missing files, if any (the caller
    holds the write lock). Instruments are re-checked against the batches imported before this
    one only, so the batch gets back exactly the rows it recorded."""
    if batch_problem(ws, batch) is None:
        return ImportReport(batch.id, batch.template, 0, 0, 0, [], already_imported=True)
    if instruments is not None and instruments.num_rows:
        instruments, _ = _reject_claimed(ws, instruments, source.name, before_seq=batch.seq)
    written = ws.rewrite_batch_files(
        batch, activities=activities, instruments=instruments, source=source
    )
    return ImportReport(
        batch.id,
        batch.template,
        batch.rows_read,
        batch.rows_accepted,
        batch.rows_rejected,
        [],
        already_imported=True,
        repaired=[w.name for w in written],
    )


def _context(ws: Workspace, p: Path, known_types: frozenset[str]) -> NormaliseContext:
    """What the template normalisers need to know about the workspace."""
    from lingtan.core.templates import NormaliseContext

    cfg = ws.config
    return NormaliseContext(
        source=p.name,
        sites=cfg.site_regions(),
        default_region=cfg.region,
        calendar=cfg.calendar,
        known_activity_types=known_types,
    )


def file_overlap(
    ws: Workspace,
    path: Path | str,
    *,
    template: str | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    column_map: ColumnMapping | None = None,
) -> Overlap | None:
    """:func:`find_overlap` of a file not yet imported (read and validated as
    :func:`import_file` reads it; nothing stored). None when the file was imported before
    (same sha256: importing it again is a no-op anyway).

    Raises:
        InputFileError: the file is missing or cannot be read as a template at all.
        WorkspaceInconsistentError: an active batch's files are missing.
    """
    from lingtan.adapters.io.intake import read_activity_file

    p = Path(path)
    if not p.is_file():
        raise file_error(str(p), msg("file.no_such_file"))
    if ws.has_batch(file_sha256(p)):
        return None
    from lingtan.adapters.io.library import load_library

    ctx = _context(ws, p, load_library(ws).activity_types())
    res = read_activity_file(
        p, template=template, context=ctx, encoding=encoding, locale=locale, column_map=column_map
    )
    ws.activity_files()  # a damaged batch is named (WorkspaceInconsistentError), not a DuckDB error
    return find_overlap(ws, res.activities)


_DUP_KEYS = ("site", "date", "scope", "category", "activity_type", "quantity", "unit")

#: the calculation-relevant content compared by :func:`find_overlap`
OVERLAP_KEYS = ("activity_type", "site", "date", "period_end", "quantity", "unit")
#: share of a new file's rows repeating one earlier batch at which the import is refused
OVERLAP_THRESHOLD = 0.5


@dataclass(frozen=True)
class Overlap:
    """How much of a new file repeats one earlier, active batch.

    Attributes:
        rows_matching: the new file's accepted rows whose :data:`OVERLAP_KEYS` equal a row of
            the batch (each new row counted once, however often it occurs there).
        rows_new: the new file's accepted activity rows.
    """

    batch_id: str
    file_name: str
    imported_at: datetime
    rows_matching: int
    rows_new: int

    @property
    def share(self) -> float:
        """rows_matching / rows_new (0 … 1)."""
        return self.rows_matching / self.rows_new if self.rows_new else 0.0

    @property
    def percent(self) -> int:
        """The share in whole per cent, rounded down (99.6 % shows as 99, never 100 %)."""
        return int(100 * self.rows_matching // self.rows_new) if self.rows_new else 0

    def to_dict(self) -> dict[str, object]:
        """JSON form (API conflict body, web confirmation)."""
        return {
            "batch_id": self.batch_id,
            "file_name": self.file_name,
            "imported_at": self.imported_at.isoformat(timespec="seconds"),
            "rows_matching": self.rows_matching,
            "rows_new": self.rows_new,
            "overlap_pct": self.percent,
        }


class DuplicateImportError(WorkspaceError):
    """A file whose rows largely repeat an earlier batch, imported without saying whether to
    keep both (append) or replace that batch (supersede). Nothing was stored."""

    def __init__(self, source: str, overlap: Overlap) -> None:
        o = overlap
        super().__init__(
            f"{source}: {o.percent} % of its rows ({o.rows_matching} of {o.rows_new}) repeat "
            f"batch {o.batch_id[:12]} ({o.file_name}, imported "
            f"{o.imported_at:%Y-%m-%d %H:%M} UTC); nothing was imported: keep both (append) "
            f"or replace that batch (supersede)"
        )
        self.source = source
        self.overlap = overlap


def find_overlap(
    ws: Workspace,
    new: pa.Table | ActivitySpool | None,
    *,
    threshold: float = OVERLAP_THRESHOLD,
    exclude: frozenset[str] = frozenset(),
) -> Overlap | None:
    """The active batch that the new rows largely repeat, or None.

    For every active batch B: share(B) = |{new rows r : some row of B has r's
    :data:`OVERLAP_KEYS` (activity type, site, start date, end date, quantity, unit)}| / |new
    rows|. The batch with the largest share is returned when share ≥ ``threshold`` (default
    :data:`OVERLAP_THRESHOLD`); ties go to the earlier batch. Rows are compared by a 64-bit
    hash of those columns, computed and joined in DuckDB (no Python loop over rows); a false
    match needs a hash collision (≈ n·m / 2⁶⁴, negligible next to the threshold).

    The same delivery legitimately occurring twice is kept (rows of one file are never
    compared with each other); a file re-exported with most rows equal is the double count of
    GHG Protocol Corporate Standard ch. 7 (data management: avoid double counting).

    ``new`` is a table or the import's spool (read from its file by DuckDB).
    """
    rows_new = _new_rows(new)
    if new is None or not rows_new:
        return None
    batches = {b.id: b for b in ws.batches() if b.activities_file and b.id not in exclude}
    if not batches:
        return None
    files = [str(ws.batches_dir / b.activities_file) for b in batches.values() if b.activities_file]
    import duckdb

    keys = ", ".join(OVERLAP_KEYS)
    con = duckdb.connect()
    try:
        _register_new(con, new, list(OVERLAP_KEYS))
        row = con.execute(
            f"WITH n AS (SELECT hash({keys}) AS h FROM new_rows), "
            f"e AS (SELECT DISTINCT batch_id, hash({keys}) AS h "
            "FROM read_parquet(?, union_by_name = true)) "
            "SELECT e.batch_id, count(*) AS k FROM n JOIN e USING (h) "
            "GROUP BY 1",
            [files],
        ).fetchall()
    finally:
        con.close()
    order = {b: i for i, b in enumerate(batches)}
    best = sorted(((-int(k), order[str(b)], str(b)) for b, k in row), key=lambda t: t[:2])
    if not best:
        return None
    k, _, batch_id = best[0]
    b = batches[batch_id]
    found = Overlap(batch_id, b.file_name, b.imported_at, -k, rows_new)
    return found if found.share >= threshold else None


def _new_rows(new: pa.Table | ActivitySpool | None) -> int:
    """Rows of the new activities (a table or the import's spool)."""
    if new is None:
        return 0
    return new.rows if isinstance(new, ActivitySpool) else int(new.num_rows)


def _register_new(con: Any, new: pa.Table | ActivitySpool, columns: list[str]) -> None:
    """Make ``new_rows`` (those ``columns`` of the new activities) known to DuckDB ``con``: a
    view of the spool's file, or the table registered."""
    if isinstance(new, ActivitySpool):
        new.close()
        con.read_parquet(str(new.path)).project(", ".join(columns)).create_view("new_rows")
    else:
        con.register("new_rows", new.select(columns))


def _duplicates(
    ws: Workspace, new: pa.Table | ActivitySpool | None, exclude: set[str]
) -> list[tuple[int, str]]:
    """(row, batch id) of new rows equal on :data:`_DUP_KEYS` to a row of another batch."""
    if new is None or not _new_rows(new):
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
    _register_new(con, new, [*_DUP_KEYS, "source_row"])
    keys = ", ".join(_DUP_KEYS)
    on = " AND ".join(f"n.{k} = e.{k}" for k in _DUP_KEYS)
    sql = (
        f"SELECT DISTINCT n.source_row, e.batch_id FROM new_rows n "
        f"JOIN (SELECT {keys}, batch_id FROM read_parquet(?)) e ON {on} ORDER BY 1, 2"
    )
    return [(int(r), str(b)) for r, b in con.execute(sql, [files]).fetchall()]


def _reject_claimed(
    ws: Workspace, table: pa.Table, source: str, *, before_seq: int | None = None
) -> tuple[pa.Table, list[RowIssue]]:
    """Move instruments whose id is already in the workspace (in a batch imported before
    ``before_seq``, when given) to issues."""
    claimed: dict[str, str] = {}
    for b in ws.batches():
        if before_seq is not None and b.seq >= before_seq:
            continue
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
        row_issue(
            source,
            int(r),
            "instrument_id",
            msg("row.instrument_claimed", file=claimed[i]),
            str(i),
        )
        for i, r, d in zip(ids, rows, dup, strict=True)
        if d
    ]
    keep = pc.invert(pa.array(dup, pa.bool_()))
    return table.filter(keep), issues


def repair_from_copy(ws: Workspace, batch: ImportBatch) -> list[str]:
    """Rewrite a batch's missing files from the copy of its original file that the workspace
    keeps (``batches/<sha>.source.*``), read as it was imported (same template, same file
    name); returns the file names written (empty: nothing was missing).

    Raises:
        WorkspaceError: the copy is missing too (import the original file again), or it no
            longer gives the rows the batch recorded.
    """
    import shutil
    import tempfile

    if not batch.source_file or not (ws.batches_dir / batch.source_file).is_file():
        raise WorkspaceError(
            f"batch {batch.id[:12]} ({batch.file_name}): the stored copy of the file is missing "
            f"too; import {batch.file_name} again to repair it"
        )
    with tempfile.TemporaryDirectory(prefix="lingtan-repair-") as tmp:
        copy = Path(tmp) / Path(batch.file_name).name
        shutil.copyfile(ws.batches_dir / batch.source_file, copy)
        how = batch_reading.load(ws, batch.id)  # as it was read: never re-detected
        rep = import_file(
            ws,
            copy,
            template=batch.template or None,
            encoding=how.encoding,
            locale=how.locale,
            column_map=how.column_map,
        )
    if rep.batch_id != batch.id:  # cannot happen: the copy has the batch's bytes
        raise WorkspaceError(f"batch {batch.id[:12]}: the stored copy does not match its hash")
    return rep.repaired
