"""A workspace: a folder with ``lingtan.yaml``, an embedded store and immutable Parquet files.

Import is atomic and idempotent (DESIGN.md, data flow): the batch file is written aside and renamed
into place before its metadata commits, so a crash leaves either the whole batch or nothing; a file
whose sha256 is already recorded is not imported again.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from lingtan.adapters.store.config import (
    CONFIG_FILE,
    DEFAULT_CONFIG,
    WorkspaceConfig,
    read_config,
)
from lingtan.adapters.store.models import Base, ImportBatch, QuarantinedRow, Snapshot
from lingtan.core.errors import RowIssue, WorkspaceError

DB_FILE = "lingtan.db"


@dataclass
class Workspace:
    """An opened workspace folder."""

    path: Path
    config: WorkspaceConfig
    engine: Engine

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

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A store session committed on success, rolled back on error."""
        with Session(self.engine) as s, s.begin():
            yield s

    def batches(self, *, active_only: bool = True) -> list[ImportBatch]:
        """Import batches in import order (superseded ones left out unless asked)."""
        with Session(self.engine) as s:
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

    def quarantine(self, batch_id: str | None = None) -> list[QuarantinedRow]:
        """Rows rejected at import (of one batch, or all)."""
        with Session(self.engine) as s:
            q = select(QuarantinedRow).order_by(QuarantinedRow.batch_id, QuarantinedRow.row)
            if batch_id:
                q = q.where(QuarantinedRow.batch_id == batch_id)
            return list(s.scalars(q))

    def snapshots(self, fiscal_year: str | None = None) -> list[Snapshot]:
        """Stored snapshots, newest first."""
        with Session(self.engine) as s:
            q = select(Snapshot).order_by(Snapshot.created_at.desc())
            if fiscal_year:
                q = q.where(Snapshot.fiscal_year == fiscal_year)
            return list(s.scalars(q))

    def snapshot(self, snapshot_id: str) -> Snapshot:
        """The snapshot whose id is or starts with ``snapshot_id``."""
        with Session(self.engine) as s:
            rows = list(s.scalars(select(Snapshot).where(Snapshot.id.startswith(snapshot_id))))
        if len(rows) != 1:
            what = "no" if not rows else "more than one"
            raise WorkspaceError(f"{what} snapshot matches {snapshot_id!r}")
        return rows[0]

    def has_batch(self, sha256: str) -> bool:
        """True when a file with this content hash was imported already."""
        with Session(self.engine) as s:
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
    ) -> ImportBatch:
        """Store one import batch atomically: Parquet files first (written aside, renamed into
        place), then the metadata and quarantined rows in one transaction. On any failure the
        files written are removed, so the workspace is as before."""
        self.batches_dir.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        try:
            with Session(self.engine) as s, s.begin():
                seq = (s.scalar(select(func.max(ImportBatch.seq))) or 0) + 1
                act_name = ins_name = None
                if activities is not None and activities.num_rows:
                    activities = _assign_ids(activities, sha256, seq)
                    act_name = f"{sha256[:32]}.activities.parquet"
                    written.append(_write_atomic(activities, self.batches_dir / act_name))
                if instruments is not None and instruments.num_rows:
                    ins_name = f"{sha256[:32]}.instruments.parquet"
                    written.append(_write_atomic(instruments, self.batches_dir / ins_name))
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
                s.expunge(batch)
        except BaseException:
            for p in written:
                p.unlink(missing_ok=True)
            raise
        return batch


def _assign_ids(table: pa.Table, sha256: str, seq: int) -> pa.Table:
    """Set ``batch_id`` and a workspace-unique ``row_id`` = seq·2³² + source_row."""
    n = table.num_rows
    rows = table.column("source_row").cast(pa.int64()).to_numpy()
    row_ids = pa.array(rows + (seq << 32), pa.int64())
    batch = pa.array([sha256] * n, pa.string())
    cols = {name: table.column(name) for name in table.column_names}
    cols["row_id"] = row_ids
    cols["batch_id"] = batch
    from lingtan.core.activities import ACTIVITY_SCHEMA

    return pa.table({f.name: cols[f.name] for f in ACTIVITY_SCHEMA}, schema=ACTIVITY_SCHEMA)


def _write_atomic(table: pa.Table, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return path


def store_url(path: Path) -> str:
    """SQLAlchemy URL of the workspace's store (``LINGTAN_DATABASE_URL`` overrides it)."""
    return os.environ.get("LINGTAN_DATABASE_URL") or f"sqlite:///{path / DB_FILE}"


def open_workspace(path: Path | str) -> Workspace:
    """Open an initialised workspace, creating missing store tables.

    Raises:
        WorkspaceError: the folder is not a workspace or its configuration is invalid.
    """
    root = Path(path).resolve()
    config = read_config(root)
    engine = create_engine(store_url(root))
    Base.metadata.create_all(engine)
    return Workspace(root, config, engine)


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
    return open_workspace(root)
