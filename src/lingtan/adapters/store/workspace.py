"""A workspace: a folder with ``lingtan.yaml``, an embedded store and immutable Parquet files.

Import is atomic and idempotent (DESIGN.md, data flow): the batch file is written aside and renamed
into place before its metadata commits, so a crash leaves either the whole batch or nothing; a file
whose sha256 is already recorded is not imported again.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.store.config import (
    CONFIG_FILE,
    DEFAULT_CONFIG,
    WorkspaceConfig,
    read_config,
)
from lingtan.adapters.store.models import ImportBatch, QuarantinedRow, Snapshot
from lingtan.adapters.store.scoping import tenant_session
from lingtan.core.activities import (
    ACTIVITY_SCHEMA,
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
        """Parquet files of the active batches' accepted activities."""
        return [self.batches_dir / b.activities_file for b in self.batches() if b.activities_file]

    def instrument_files(self) -> list[Path]:
        """Parquet files of the active batches' contractual instruments."""
        return [self.batches_dir / b.instruments_file for b in self.batches() if b.instruments_file]

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
            q = select(Snapshot).order_by(Snapshot.created_at.desc())
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
        activities: pa.Table | None,
        instruments: pa.Table | None,
        issues: list[RowIssue],
        source: Path | None = None,
        supersedes: str | None = None,
        fixes: str | None = None,
    ) -> ImportBatch:
        """Store one import batch atomically: files first (written aside, renamed into place:
        the accepted rows as Parquet and a copy of the original file), then the metadata and
        quarantined rows in one transaction. On any failure the files written are removed, so
        the workspace is as before; a process killed between the two leaves only unreferenced
        files, which :func:`open_workspace` sweeps away.

        Args:
            supersedes: id of a batch this one corrects; it is marked superseded in the same
                transaction (a correction is a new batch, never an edit in place).
            fixes: id of a batch whose quarantined rows this file fixes; they are marked
                resolved by this batch in the same transaction.
        """
        self.batches_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        try:
            with self._session() as s, s.begin():
                seq = (s.scalar(select(func.max(ImportBatch.seq))) or 0) + 1
                act_name = ins_name = None
                if activities is not None and activities.num_rows:
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
                for ref, what in ((supersedes, "supersede"), (fixes, "fix")):
                    if ref is not None and s.get(ImportBatch, ref) is None:
                        raise WorkspaceError(f"cannot {what} batch {ref[:12]}: no such batch")
                accepted: set[int] = set()
                for table in (activities, instruments):
                    if table is not None and table.num_rows:
                        accepted.update(table.column("source_row").to_pylist())
                batch = ImportBatch(
                    id=sha256,
                    seq=seq,
                    file_name=file_name,
                    template=template,
                    rows_read=rows_read,
                    rows_accepted=len(accepted),
                    rows_rejected=len({i.row for i in issues}),
                    activities_file=act_name,
                    instruments_file=ins_name,
                    source_file=src_name,
                    imported_at=datetime.now(UTC).replace(tzinfo=None),
                )
                s.add(batch)
                s.add_all(
                    QuarantinedRow(
                        batch_id=sha256, row=i.row, field=i.field, reason=i.reason, value=i.value
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
            for p in written:
                p.unlink(missing_ok=True)
            raise
        return batch


def month_sums(activities: pa.Table) -> pa.Table:
    """The batch's month sums (:data:`~lingtan.core.activities.MONTH_SUMS_SCHEMA`): Σ quantity,
    row count and Σ quantity² per (``key_id``, calendar month) of its rows with a key id, one
    DuckDB group-by at intake (the summed calculation then reads these few rows)."""
    import duckdb

    con = duckdb.connect()
    con.register("acts", activities.select(["key_id", "date", "quantity"]))
    sums = con.sql(
        "SELECT key_id, CAST(year(date) * 12 + month(date) - 1 AS INTEGER) AS month, "
        "sum(quantity) AS quantity, count(*) AS rows, sum(quantity * quantity) AS quantity_sq "
        "FROM acts WHERE key_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
    ).to_arrow_table()
    con.close()
    return sums.cast(MONTH_SUMS_SCHEMA)


def _assign_ids(table: pa.Table, sha256: str, seq: int) -> tuple[pa.Table, pa.Table]:
    """Set ``batch_id``, a workspace-unique ``row_id`` = seq·2³² + source_row and the integer
    ``key_id`` of each row's classification key; returns the table and the key dictionary."""
    n = table.num_rows
    rows = table.column("source_row").cast(pa.int64()).to_numpy()
    row_ids = pa.array(rows + (seq << 32), pa.int64())
    batch = pa.array([sha256] * n, pa.string())
    cols = {name: table.column(name) for name in table.column_names}
    cols["row_id"] = row_ids
    cols["batch_id"] = batch
    keys = KeyDictionary()
    cols["key_id"] = keys.encode(table)
    out = pa.table({f.name: cols[f.name] for f in ACTIVITY_SCHEMA}, schema=ACTIVITY_SCHEMA)
    return out, keys.table()


def _copy_atomic(src: Path, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, path)
    return path


def sweep_orphans(ws: Workspace) -> list[Path]:
    """Remove batch files no batch refers to and temporary files: what a process killed in the
    middle of an import or calculation can leave. Returns the paths removed."""
    removed: list[Path] = []
    if ws.batches_dir.is_dir():
        known: set[str] = set()
        for b in ws.batches(active_only=False):
            known.update(n for n in (b.activities_file, b.instruments_file, b.source_file) if n)
            if b.activities_file:  # its key dictionary (written at intake; engine fast path)
                known.add(keys_path(ws.batches_dir / b.activities_file).name)
                known.add(month_sums_path(ws.batches_dir / b.activities_file).name)
        for p in ws.batches_dir.iterdir():
            if p.is_file() and p.name not in known:
                p.unlink(missing_ok=True)
                removed.append(p)
    if ws.snapshots_dir.is_dir():
        for p in ws.snapshots_dir.iterdir():
            if p.name.startswith(".") and p.name.endswith(".tmp"):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed


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
        organisation=organisation,
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
