"""A workspace: a folder with ``lingtan.yaml``, an embedded store and immutable Parquet files.

Import is atomic and idempotent (DESIGN.md, data flow): the batch file is written aside and renamed
into place before its metadata commits, so a crash leaves either the whole batch or nothing; a file
whose sha256 is already recorded is not imported again.

Concurrent writers (decision 0036): every write runs under :meth:`Workspace.write_lock`
(:mod:`.locks`); a batch file, content-addressed by its sha256, is never deleted while a batch
row refers to it, and orphans are swept only under the lock. Opening a workspace checks that
every batch's and snapshot's files exist (:func:`check_workspace`: a few ``stat`` calls); a
missing file is named, with its fix, in :attr:`Workspace.problems` and raised by
:meth:`Workspace.activity_files` instead of a bare FileNotFoundError.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.i18n.rows import plain_params
from lingtan.adapters.store.batch_spool import ActivitySpool, sweep_spools
from lingtan.adapters.store.config import (
    CONFIG_FILE,
    DEFAULT_CONFIG,
    WorkspaceConfig,
    read_config,
)
from lingtan.adapters.store.locks import workspace_lock
from lingtan.adapters.store.models import ImportBatch, QuarantinedRow, Snapshot
from lingtan.adapters.store.scoping import tenant_session
from lingtan.core.activities import (
    ACTIVITY_SCHEMA,
    KEY_COLUMNS,
    MONTH_SUMS_SCHEMA,
    KeyDictionary,
    keys_path,
    month_sums_path,
)
from lingtan.core.errors import RowIssue, WorkspaceError

DB_FILE = "lingtan.db"


@dataclass
class Workspace:
    """An opened workspace folder: the workspace of one organisation.

    Every store query goes through :meth:`session`, scoped to ``organisation_id``
    (:mod:`lingtan.adapters.store.scoping`); ``actor`` is who the audit log names for changes
    made through it."""

    path: Path
    config: WorkspaceConfig
    engine: Engine
    organisation_id: int
    actor: str = "system"
    #: what :func:`check_workspace` found missing when the workspace was opened
    problems: list[Problem] = field(default_factory=list)

    @contextmanager
    def write_lock(self, *, timeout: float | None = None) -> Iterator[None]:
        """Hold this workspace's write lock (:func:`~.locks.workspace_lock`: a file lock, and
        the organisation's advisory lock on PostgreSQL) for the ``with`` block.

        Raises:
            WorkspaceBusyError: another writer held it for ``timeout`` seconds.
        """
        with workspace_lock(self.path, self.engine, self.organisation_id, timeout=timeout):
            yield

    @property
    def batches_dir(self) -> Path:
        """Folder of immutable import-batch Parquet files."""
        return self.path / "batches"

    @property
    def snapshots_dir(self) -> Path:
        """Folder of calculation outputs, one sub-folder per snapshot."""
        return self.path / "snapshots"

    @property
    def factors_dir(self) -> Path:
        """Folder of user-defined factor sets."""
        return self.path / "factors"

    @property
    def reference_dir(self) -> Path:
        """Folder of reference tables (exchange rates, price indices)."""
        return self.path / "reference"

    def _session(self) -> Session:
        """A store session of this workspace's organisation (not yet in a transaction)."""
        return tenant_session(self.engine, self.organisation_id, actor=self.actor)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A store session committed on success, rolled back on error."""
        with self._session() as s, s.begin():
            yield s

    def batches(self, *, active_only: bool = True) -> list[ImportBatch]:
        """Import batches in import order (superseded ones left out unless asked)."""
        with self._session() as s:
            q = select(ImportBatch).order_by(ImportBatch.seq)
            if active_only:
                q = q.where(ImportBatch.superseded_by.is_(None))
            return list(s.scalars(q))

    def activity_files(self) -> list[Path]:
        """Parquet files of the active batches' accepted activities.

        Raises:
            WorkspaceInconsistentError: a batch's file is missing (named, with the fix).
        """
        batches = self.batches()
        _require_files(self, batches)
        return [self.batches_dir / b.activities_file for b in batches if b.activities_file]

    def instrument_files(self) -> list[Path]:
        """Parquet files of the active batches' contractual instruments.

        Raises:
            WorkspaceInconsistentError: a batch's file is missing (named, with the fix).
        """
        batches = self.batches()
        _require_files(self, batches)
        return [self.batches_dir / b.instruments_file for b in batches if b.instruments_file]

    def quarantine(
        self, batch_id: str | None = None, *, open_only: bool = True
    ) -> list[QuarantinedRow]:
        """Rows rejected at import (of one batch, or all); by default only those not yet fixed
        by a later batch."""
        with self._session() as s:
            q = select(QuarantinedRow).order_by(QuarantinedRow.batch_id, QuarantinedRow.row)
            if batch_id:
                q = q.where(QuarantinedRow.batch_id.startswith(batch_id))
            if open_only:
                q = q.where(QuarantinedRow.resolved_by.is_(None))
            return list(s.scalars(q))

    def snapshots(self, fiscal_year: str | None = None) -> list[Snapshot]:
        """Stored snapshots, newest first."""
        with self._session() as s:
            q = select(Snapshot).order_by(Snapshot.created_at.desc(), Snapshot.id)
            if fiscal_year:
                q = q.where(Snapshot.fiscal_year == fiscal_year)
            return list(s.scalars(q))

    def snapshot(self, snapshot_id: str) -> Snapshot:
        """The snapshot whose id is or starts with ``snapshot_id``."""
        with self._session() as s:
            rows = list(s.scalars(select(Snapshot).where(Snapshot.id.startswith(snapshot_id))))
        if len(rows) != 1:
            what = "no" if not rows else "more than one"
            raise WorkspaceError(f"{what} snapshot matches {snapshot_id!r}")
        return rows[0]

    def batch(self, ref: str) -> ImportBatch:
        """The batch whose id is or starts with ``ref``.

        Raises:
            WorkspaceError: none or several match.
        """
        with self._session() as s:
            rows = list(s.scalars(select(ImportBatch).where(ImportBatch.id.startswith(ref))))
        if len(rows) != 1:
            what = "no" if not rows else "more than one"
            raise WorkspaceError(f"{what} import batch matches {ref!r}")
        return rows[0]

    def has_batch(self, sha256: str) -> bool:
        """True when a file with this content hash was imported already."""
        with self._session() as s:
            return s.get(ImportBatch, sha256) is not None

    def record_batch(
        self,
        *,
        sha256: str,
        file_name: str,
        template: str,
        rows_read: int,
        activities: pa.Table | ActivitySpool | None,
        instruments: pa.Table | None,
        issues: list[RowIssue],
        source: Path | None = None,
        supersedes: str | None = None,
        fixes: str | None = None,
    ) -> ImportBatch:
        """Store one import batch atomically: files first (written aside, renamed into place:
        the accepted rows as Parquet and a copy of the original file), then the metadata and
        quarantined rows in one transaction, all under :meth:`write_lock`. On any failure the
        files written are removed unless a batch row refers to them (content-addressed: the
        same file's batch may exist), so the workspace is as before; a process killed between
        the two leaves only unreferenced files, which the sweep of :func:`open_workspace`
        removes under the lock.

        The activities come as one table or spooled chunk by chunk (:class:`ActivitySpool`,
        the import's path): then they are numbered and written chunk by chunk (one key
        dictionary for the whole batch) and the month sums are summed from the file written,
        so the batch's files hold what one table would have given them (decision 0061).

        Args:
            supersedes: id of a batch this one corrects; it is marked superseded in the same
                transaction (a correction is a new batch, never an edit in place).
            fixes: id of a batch whose quarantined rows this file fixes; they are marked
                resolved by this batch in the same transaction.
        """
        with self.write_lock():
            return self._record_batch(
                sha256=sha256,
                file_name=file_name,
                template=template,
                rows_read=rows_read,
                activities=activities,
                instruments=instruments,
                issues=issues,
                source=source,
                supersedes=supersedes,
                fixes=fixes,
            )

    def _record_batch(
        self,
        *,
        sha256: str,
        file_name: str,
        template: str,
        rows_read: int,
        activities: pa.Table | ActivitySpool | None,
        instruments: pa.Table | None,
        issues: list[RowIssue],
        source: Path | None,
        supersedes: str | None,
        fixes: str | None,
    ) -> ImportBatch:
        self.batches_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        try:
            with self._session() as s, s.begin():
                if s.get(ImportBatch, sha256) is not None:
                    raise WorkspaceError(f"batch {sha256[:12]} ({file_name}) is already imported")
                seq = (s.scalar(select(func.max(ImportBatch.seq))) or 0) + 1
                act_name = ins_name = None
                if isinstance(activities, ActivitySpool):
                    if activities.rows:
                        act_name = f"{sha256[:32]}.activities.parquet"
                        _write_spooled(
                            activities, sha256, seq, self.batches_dir / act_name, written
                        )
                elif activities is not None and activities.num_rows:
                    activities, keys = _assign_ids(activities, sha256, seq)
                    act_name = f"{sha256[:32]}.activities.parquet"
                    act_path = self.batches_dir / act_name
                    written.append(_write_atomic(keys, keys_path(act_path)))
                    sums = month_sums(activities)
                    written.append(_write_atomic(sums, month_sums_path(act_path)))
                    written.append(_write_atomic(activities, act_path))
                if instruments is not None and instruments.num_rows:
                    ins_name = f"{sha256[:32]}.instruments.parquet"
                    written.append(_write_atomic(instruments, self.batches_dir / ins_name))
                src_name = None
                if source is not None:
                    src_name = f"{sha256[:32]}.source{source.suffix.lower()}"
                    written.append(_copy_atomic(source, self.batches_dir / src_name))
                _fault_point("batch-files-written")
                for ref, what in ((supersedes, "supersede"), (fixes, "fix")):
                    if ref is not None and s.get(ImportBatch, ref) is None:
                        raise WorkspaceError(f"cannot {what} batch {ref[:12]}: no such batch")
                if supersedes is not None:
                    by = s.get(ImportBatch, supersedes)
                    if by is not None and by.superseded_by is not None:
                        raise WorkspaceError(
                            f"cannot supersede batch {supersedes[:12]}: it was already "
                            f"superseded by batch {by.superseded_by[:12]}; supersede that one"
                        )
                accepted = _accepted_rows(activities, instruments)
                batch = ImportBatch(
                    id=sha256,
                    seq=seq,
                    file_name=file_name,
                    template=template,
                    rows_read=rows_read,
                    rows_accepted=accepted,
                    rows_rejected=len({i.row for i in issues}),
                    activities_file=act_name,
                    instruments_file=ins_name,
                    source_file=src_name,
                    imported_at=datetime.now(UTC).replace(tzinfo=None),
                )
                s.add(batch)
                s.add_all(
                    QuarantinedRow(
                        batch_id=sha256,
                        row=i.row,
                        field=i.field,
                        reason=i.reason,
                        value=i.value,
                        message_key=i.key or None,
                        message_params=plain_params(i.params) or None,
                    )
                    for i in issues
                )
                s.flush()
                if supersedes is not None:
                    old = s.get(ImportBatch, supersedes)
                    assert old is not None
                    old.superseded_by = sha256
                if fixes is not None:
                    for q in s.scalars(
                        select(QuarantinedRow).where(
                            QuarantinedRow.batch_id == fixes, QuarantinedRow.resolved_by.is_(None)
                        )
                    ):
                        q.resolved_by = sha256
                s.flush()
                s.expunge(batch)
        except BaseException:
            try:
                referenced = self.has_batch(sha256)  # files named by sha256 are that batch's
            except Exception:  # store unreachable: keep them; the locked sweep decides later
                referenced = True
            if not referenced:
                for p in written:
                    p.unlink(missing_ok=True)
            raise
        return batch

    def rewrite_batch_files(
        self,
        batch: ImportBatch,
        *,
        activities: pa.Table | None,
        instruments: pa.Table | None,
        source: Path | None,
    ) -> list[Path]:
        """Write again the missing files of a recorded ``batch`` from its re-read file (the
        rows as they were accepted, numbered with the batch's own ``seq``, so ``row_id`` and
        ``key_id`` are what they were). Files that exist are left alone. Returns the paths
        written. The caller holds :meth:`write_lock`.

        Raises:
            WorkspaceError: the re-read file does not give the batch's recorded rows (it was
                read with another library or template since): re-import it as a new batch.
        """
        got = len(
            {
                r
                for t in (activities, instruments)
                if t is not None and t.num_rows
                for r in t.column("source_row").to_pylist()
            }
        )
        if got != batch.rows_accepted:
            raise WorkspaceError(
                f"cannot repair batch {batch.id[:12]} ({batch.file_name}): the file now gives "
                f"{got} accepted rows, the batch recorded {batch.rows_accepted}; import it again "
                f"with --supersede {batch.id[:12]}"
            )
        self.batches_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        if batch.activities_file and activities is not None and activities.num_rows:
            act_path = self.batches_dir / batch.activities_file
            acts, keys = _assign_ids(activities, batch.id, batch.seq)
            for table, path in (
                (keys, keys_path(act_path)),
                (month_sums(acts), month_sums_path(act_path)),
                (acts, act_path),
            ):
                if not path.exists():
                    written.append(_write_atomic(table, path))
        if batch.instruments_file and instruments is not None and instruments.num_rows:
            path = self.batches_dir / batch.instruments_file
            if not path.exists():
                written.append(_write_atomic(instruments, path))
        if batch.source_file and source is not None:
            path = self.batches_dir / batch.source_file
            if not path.exists():
                written.append(_copy_atomic(source, path))
        return written


class WorkspaceInconsistentError(WorkspaceError):
    """Files a batch or snapshot record refers to are missing (a crash, or a workspace damaged
    by lingtan before 0.2 — issue 11). The message names each and its fix."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(
            f"the workspace is inconsistent: {lines}{more}. Run 'lingtan doctor' to repair it"
        )
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    """A record whose files are missing.

    Attributes:
        kind: ``batch`` or ``snapshot``.
        id: the batch or snapshot id.
        name: the batch's file name, or the snapshot's fiscal year.
        missing: the missing file names (relative to ``batches/`` or ``snapshots/``).
        active: a batch not superseded (its rows are in every calculation).
        repairable: the batch's stored copy of its original file exists, so
            ``lingtan doctor`` can rewrite the missing files without the user.
    """

    kind: str
    id: str
    name: str
    missing: tuple[str, ...]
    active: bool = True
    repairable: bool = False

    def __str__(self) -> str:
        if self.kind == "snapshot":
            return (
                f"snapshot {self.id[:12]} of {self.name} is missing {', '.join(self.missing)} "
                f"(calculate {self.name} again: lingtan calc --year {self.name})"
            )
        fix = (
            "'lingtan doctor' rewrites them from the stored copy of the file"
            if self.repairable
            else f"import {self.name} again to repair it"
        )
        return f"batch {self.id[:12]} ({self.name}) is missing {', '.join(self.missing)}: {fix}"


def batch_file_names(batch: ImportBatch) -> list[str]:
    """Every file (in ``batches/``) a batch refers to: activities with their key dictionary
    and month sums, instruments, the copy of the original file."""
    names = [n for n in (batch.activities_file, batch.instruments_file, batch.source_file) if n]
    if batch.activities_file:
        act = Path(batch.activities_file)
        names += [keys_path(act).name, month_sums_path(act).name]
    return names


def batch_problem(ws: Workspace, batch: ImportBatch) -> Problem | None:
    """The batch's missing files as a :class:`Problem` (None: all exist)."""
    missing = tuple(n for n in batch_file_names(batch) if not (ws.batches_dir / n).is_file())
    if not missing:
        return None
    src = batch.source_file
    return Problem(
        "batch",
        batch.id,
        batch.file_name,
        missing,
        active=batch.superseded_by is None,
        repairable=bool(src) and src not in missing,
    )


def check_workspace(ws: Workspace) -> list[Problem]:
    """Every batch (active or superseded) and snapshot whose files are missing. Existence
    only (one ``stat`` per file): content hashes are not recomputed — the files are immutable
    and written by rename, so a present file is a complete one."""
    found = [p for b in ws.batches(active_only=False) if (p := batch_problem(ws, b))]
    for snap in ws.snapshots():
        if not (ws.snapshots_dir / snap.emissions_file).is_file():
            found.append(Problem("snapshot", snap.id, snap.fiscal_year, (snap.emissions_file,)))
    return found


def _require_files(ws: Workspace, batches: list[ImportBatch]) -> None:
    """Raise :class:`WorkspaceInconsistentError` when a batch's Parquet files are missing."""
    problems = [p for b in batches if (p := batch_problem(ws, b))]
    data = [p for p in problems if set(p.missing) - {b.source_file for b in batches}]
    if data:
        raise WorkspaceInconsistentError(data)


_MONTH_SUMS_SQL = (
    "SELECT key_id, CAST(year(date) * 12 + month(date) - 1 AS INTEGER) AS month, "
    "sum(quantity) AS quantity, count(*) AS rows, sum(quantity * quantity) AS quantity_sq "
    "FROM acts WHERE key_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
)


def month_sums(activities: pa.Table | Path) -> pa.Table:
    """The batch's month sums (:data:`~lingtan.core.activities.MONTH_SUMS_SCHEMA`): Σ quantity,
    row count and Σ quantity² per (``key_id``, calendar month) of its rows with a key id, one
    DuckDB group-by at intake (the summed calculation then reads these few rows).

    ``activities`` is the batch's table or its Parquet file; a file is read by one thread, so
    each sum adds its rows in file order, as the group-by of a table of one chunk does (the
    same sums to the last bit, whatever the file's row groups)."""
    import duckdb

    con = duckdb.connect()
    try:
        if isinstance(activities, Path):
            con.execute("SET threads = 1")
            con.read_parquet(str(activities)).project("key_id, date, quantity").create_view("acts")
        else:
            con.register("acts", activities.select(["key_id", "date", "quantity"]))
        sums = con.sql(_MONTH_SUMS_SQL).to_arrow_table()
    finally:
        con.close()
    return sums.cast(MONTH_SUMS_SCHEMA)


def _write_spooled(
    spool: ActivitySpool, sha256: str, seq: int, act_path: Path, written: list[Path]
) -> None:
    """Write the batch files of spooled activities chunk by chunk (memory: one chunk): the
    rows numbered with the whole batch's key dictionary into a temporary file, then the keys
    file and the month sums (summed from that file), then the rows renamed into place — the
    order :func:`_write_atomic` of one table follows. Each path is put in ``written`` before
    it is created, so a failure removes it."""
    keys = spool.key_dictionary()
    tmp = act_path.with_name(f".{act_path.name}.{uuid.uuid4().hex}.tmp")
    written.append(tmp)
    with pq.ParquetWriter(tmp, ACTIVITY_SCHEMA, compression="zstd") as writer:
        for chunk in spool.chunks():
            writer.write_table(_assign_ids(chunk, sha256, seq, keys)[0])
    written.append(_write_atomic(keys.table(), keys_path(act_path)))
    written.append(_write_atomic(month_sums(tmp), month_sums_path(act_path)))
    os.replace(tmp, act_path)
    written.append(act_path)


def _accepted_rows(
    activities: pa.Table | ActivitySpool | None, instruments: pa.Table | None
) -> int:
    """Distinct spreadsheet rows that gave an activity or an instrument."""
    ins: set[int] = set()
    if instruments is not None and instruments.num_rows:
        ins.update(instruments.column("source_row").to_pylist())
    if isinstance(activities, ActivitySpool):
        both = 0
        if ins and activities.rows:
            values = pa.array(sorted(ins), pa.int64())
            common: set[int] = set()
            for chunk in activities.chunks(["source_row"]):
                rows = chunk.column("source_row").cast(pa.int64())
                common.update(rows.filter(pc.is_in(rows, value_set=values)).to_pylist())
            both = len(common)
        return activities.source_rows + len(ins) - both
    if activities is not None and activities.num_rows:
        ins.update(activities.column("source_row").to_pylist())
    return len(ins)


def _assign_ids(
    table: pa.Table, sha256: str, seq: int, keys: KeyDictionary | None = None
) -> tuple[pa.Table, pa.Table]:
    """Set ``batch_id``, a workspace-unique ``row_id`` = seq·2³² + source_row and the integer
    ``key_id`` of each row's classification key (from ``keys``, else a new dictionary of this
    table's keys); returns the table and the key dictionary."""
    n = table.num_rows
    rows = table.column("source_row").cast(pa.int64()).to_numpy()
    row_ids = pa.array(rows + (seq << 32), pa.int64())
    batch = pa.array([sha256] * n, pa.string())
    cols = {name: table.column(name) for name in table.column_names}
    for f in ACTIVITY_SCHEMA:  # optional columns a normaliser did not give: empty
        if f.nullable and f.name not in cols:
            cols[f.name] = pa.nulls(n, f.type)
    cols["row_id"] = row_ids
    cols["batch_id"] = batch
    keys = KeyDictionary() if keys is None else keys
    cols["key_id"] = keys.encode(pa.table({k: cols[k] for k in KEY_COLUMNS}))
    out = pa.table({f.name: cols[f.name] for f in ACTIVITY_SCHEMA}, schema=ACTIVITY_SCHEMA)
    return out, keys.table()


def _copy_atomic(src: Path, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, path)
    return path


def sweep_orphans(ws: Workspace, *, timeout: float | None = 0.0) -> list[Path]:
    """Remove batch files no batch refers to and temporary files: what a process killed in the
    middle of an import or calculation can leave. Returns the paths removed.

    Runs only under the write lock (tried for ``timeout`` seconds; when another writer holds
    it, nothing is swept: its files in flight are not orphans; None: the default lock
    timeout). Never removes a file a batch
    row refers to."""
    from lingtan.adapters.store.locks import WorkspaceBusyError

    try:
        with ws.write_lock(timeout=timeout):
            return _sweep(ws)
    except WorkspaceBusyError:
        return []
    except OSError:  # a read-only workspace folder: nothing can be swept
        return []


def _sweep(ws: Workspace) -> list[Path]:
    removed: list[Path] = []
    if ws.batches_dir.is_dir():
        known: set[str] = set()
        for b in ws.batches(active_only=False):
            known.update(batch_file_names(b))
        for p in ws.batches_dir.iterdir():
            if p.is_file() and p.name not in known:
                p.unlink(missing_ok=True)
                removed.append(p)
    if ws.snapshots_dir.is_dir():
        for p in ws.snapshots_dir.iterdir():
            if p.name.startswith(".") and p.name.endswith(".tmp"):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    removed += sweep_spools(ws.path)  # an import's spool left by a killed process (stale only)
    return removed


#: fault injection for the crash tests: ``LINGTAN_FAULT=<point>`` kills the process there
FAULT_ENV = "LINGTAN_FAULT"


def _fault_point(name: str) -> None:
    """Kill this process at ``name`` when ``LINGTAN_FAULT`` says so (crash tests only: a
    SIGKILL after the batch files are written and before their record commits)."""
    if os.environ.get(FAULT_ENV) == name:
        import signal

        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _write_atomic(table: pa.Table, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return path


def store_url(path: Path) -> str:
    """SQLAlchemy URL of the workspace's store (``LINGTAN_DATABASE_URL`` overrides it)."""
    return os.environ.get("LINGTAN_DATABASE_URL") or f"sqlite:///{path / DB_FILE}"


def cli_actor() -> str:
    """Who the audit log names for changes made from the command line."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name (some containers)
        return "cli"


def open_workspace(path: Path | str, *, actor: str | None = None) -> Workspace:
    """Open an initialised workspace: migrate its store to the current schema and find (or
    create, on first open) the organisation whose workspace it is.

    The workspace's own ``lingtan.db`` holds one organisation, named after ``lingtan.yaml``'s
    ``organisation``; with ``LINGTAN_DATABASE_URL`` set, the folder is the workspace of the
    organisation registered with that path. The entities and sites of ``lingtan.yaml`` are
    copied into the store when they changed.

    Raises:
        WorkspaceError: the folder is not a workspace or its configuration is invalid.
    """
    from lingtan.adapters.store.bootstrap import workspace_organisation
    from lingtan.adapters.store.db import make_engine, migrate

    root = Path(path).resolve()
    config = read_config(root)
    url = store_url(root)
    engine = make_engine(url, pooled=False)
    who = actor or cli_actor()
    migrate(
        engine,
        legacy_organisation={
            "name": config.organisation,
            "workspace_path": str(root),
        },
    )
    local = url == f"sqlite:///{root / DB_FILE}"
    org_id = workspace_organisation(engine, root, config, local_db=local, actor=who)
    ws = Workspace(root, config, engine, org_id, who)
    sweep_orphans(ws)
    ws.problems = check_workspace(ws)
    return ws


def org_workspace(
    engine: Engine, organisation_id: int, path: str | Path, *, actor: str
) -> Workspace:
    """The workspace of an organisation registered on a server (no migration, no sweep: the
    server did both at start).

    Raises:
        WorkspaceError: the folder or its ``lingtan.yaml`` is missing or invalid.
    """
    root = Path(path)
    return Workspace(root, read_config(root), engine, organisation_id, actor)


def create_workspace_folder(
    path: Path | str,
    *,
    organisation: str = "My Organisation",
    region: str = "CN",
    start_month: int = 4,
    config_text: str | None = None,
) -> Path:
    """Write a workspace folder (sub-folders and a starter ``lingtan.yaml``), not opening it.

    Raises:
        WorkspaceError: the folder already holds a workspace.
    """
    root = Path(path)
    if (root / CONFIG_FILE).exists():
        raise WorkspaceError(f"{root} is already a lingtan workspace")
    for sub in ("batches", "snapshots", "factors", "reference"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    text = config_text or DEFAULT_CONFIG.format(
        # a JSON string is a YAML double-quoted scalar: a name cannot break or extend the file
        organisation=json.dumps(organisation, ensure_ascii=False),
        region=region.upper(),
        start_month=start_month,
        country=region.upper().split("-")[0],
    )
    (root / CONFIG_FILE).write_text(text, encoding="utf-8")
    return root


def init_workspace(
    path: Path | str,
    *,
    organisation: str = "My Organisation",
    region: str = "CN",
    start_month: int = 4,
    config_text: str | None = None,
) -> Workspace:
    """Create a workspace folder with a starter ``lingtan.yaml`` (unless one exists).

    Raises:
        WorkspaceError: the folder already holds a workspace.
    """
    root = create_workspace_folder(
        path,
        organisation=organisation,
        region=region,
        start_month=start_month,
        config_text=config_text,
    )
    return open_workspace(root)
