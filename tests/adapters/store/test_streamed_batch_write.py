"""The batch written chunk by chunk from the import's spool (decision 0061, "Streamed batch
write") holds exactly what the batch written from one table holds: the same rows, row ids,
key ids, keys file, month sums, batch record and quarantined rows; nothing is left behind when
the import fails or is refused.

The "whole table" path is :meth:`Workspace.record_batch` given the file's activities as one
table (what an import did before the spool); the streamed path is :func:`import_file`, here with
chunks of 7 rows read back 5 at a time so that every step crosses chunk boundaries. (Month sums
are compared on a file the old path read as one chunk, as every file of up to 50,000 rows is:
the old sums of a file of several chunks added their rows in an order DuckDB's threads chose;
decision 0061.)
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from lingtan.adapters.io import importer, intake
from lingtan.adapters.io.importer import DuplicateImportError, import_file
from lingtan.adapters.io.intake import read_activity_file
from lingtan.adapters.io.library import load_library
from lingtan.adapters.io.unit_check import reject_unconvertible
from lingtan.adapters.store import batch_spool, workspace
from lingtan.adapters.store.batch_spool import SPOOL_PREFIX, STALE_AFTER
from lingtan.adapters.store.models import QuarantinedRow
from lingtan.adapters.store.workspace import (
    Workspace,
    init_workspace,
    open_workspace,
    sweep_orphans,
)
from lingtan.core.activities import keys_path, month_sums_path

HEAD = "site,date,fuel,quantity,unit\n"


def _rows() -> list[str]:
    """61 rows: sites and fuels first seen in different chunks (site "Beta" before "Alpha",
    fuel "diesel" before "petrol"), dates over 5 months, quantities that do not add up exactly
    in binary (0.1 steps), one row with a date that is no date and one with a unit no diesel
    factor can take (m², an area)."""
    out: list[str] = []
    for i in range(61):
        site = ("Beta", "Alpha", "Gamma")[(i // 9) % 3]
        fuel = "diesel" if i < 20 or i % 4 else "petrol"
        month = 1 + i % 5
        qty = f"{0.1 * (i + 1):.1f}"
        out.append(f"{site},2023-0{month}-{1 + i % 28:02d},{fuel},{qty},L\n")
    out[13] = "Beta,2023-13-45,diesel,5,L\n"  # no date: quarantined by the intake
    out[30] = "Alpha,2023-02-03,diesel,5,m2\n"  # no diesel factor takes an area
    return out


def _ws(path: Path) -> Workspace:
    """A workspace whose boundary has the sites Alpha, Beta and Gamma besides HQ."""
    init_workspace(path, organisation="Test Co")
    with (path / "lingtan.yaml").open("a", encoding="utf-8") as fh:
        for site in ("Alpha", "Beta", "Gamma"):
            fh.write(f"  - id: {site}\n    name: {site}\n    entity: MAIN\n    region: CN\n")
            fh.write("    kind: office\n")
    return open_workspace(path)


@pytest.fixture
def fuel_file(tmp_path: Path) -> Path:
    p = tmp_path / "fuel_mixed.csv"
    p.write_text(HEAD + "".join(_rows()), encoding="utf-8")
    return p


def _whole_table_import(ws: Workspace, p: Path) -> str:
    """The import as it was before the spool: the activities as one table into record_batch."""
    lib = load_library(ws)
    ctx = importer._context(ws, p, lib.activity_types())
    res = reject_unconvertible(read_activity_file(p, context=ctx), lib.factors)
    assert res.activities.num_rows > 0
    batch = ws.record_batch(
        sha256=res.content_sha256,
        file_name=p.name,
        template=res.template,
        rows_read=res.rows_read,
        activities=res.activities,
        instruments=res.instruments,
        issues=sorted(res.issues, key=lambda i: (i.row, i.field)),
        source=p,
    )
    return batch.id


def _contents(ws: Workspace, batch_id: str) -> dict[str, object]:
    b = ws.batch(batch_id)
    assert b.activities_file
    act = ws.batches_dir / b.activities_file
    with ws.session() as s:
        quarantined = [
            (q.row, q.field, q.reason, q.value, q.message_key, q.message_params)
            for q in s.scalars(
                select(QuarantinedRow)
                .where(QuarantinedRow.batch_id == batch_id)
                .order_by(QuarantinedRow.row, QuarantinedRow.field)
            )
        ]
    return {
        "activities": pq.read_table(act),
        "keys": pq.read_table(keys_path(act)),
        "months": pq.read_table(month_sums_path(act)),
        "batch": (b.id, b.seq, b.template, b.rows_read, b.rows_accepted, b.rows_rejected),
        "files": (b.activities_file, b.instruments_file, b.source_file),
        "quarantined": quarantined,
    }


def test_streamed_batch_equals_the_batch_written_from_one_table(
    tmp_path: Path, fuel_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _ws(tmp_path / "old")
    old_id = _whole_table_import(old, fuel_file)
    monkeypatch.setattr(intake, "CHUNK_ROWS", 7)
    monkeypatch.setattr(batch_spool, "READ_ROWS", 5)
    new = _ws(tmp_path / "new")
    rep = import_file(new, fuel_file)
    assert rep.batch_id == old_id  # the content hash of the file
    a, b = _contents(old, old_id), _contents(new, rep.batch_id)
    # 61 data rows, 2 quarantined (row 15: the date, row 32: the unit) → 59 accepted
    assert a["batch"] == b["batch"]
    assert b["batch"][3:] == (61, 59, 2)  # type: ignore[index]
    assert [(r, f) for r, f, *_ in b["quarantined"]] == [(15, "date"), (32, "unit")]  # type: ignore[attr-defined]
    for what in ("files", "quarantined", "keys", "months"):
        assert a[what] == b[what], what
    assert a["activities"].equals(b["activities"])  # type: ignore[attr-defined]
    # Beta first, then Alpha: key 1 is Beta/diesel in both (one dictionary for the batch)
    keys = b["keys"].to_pylist()  # type: ignore[attr-defined]
    assert (keys[0]["site"], keys[0]["activity_type"]) == ("Beta", "fuel.diesel")
    # written chunk by chunk: 59 rows read back 5 at a time = 12 row groups
    act = new.batches_dir / str(b["files"][0])  # type: ignore[index]
    assert pq.ParquetFile(act).num_row_groups == 12
    assert _spools(new) == []  # the spool is gone


def _spools(ws: Workspace) -> list[Path]:
    return sorted(ws.path.glob(f"{SPOOL_PREFIX}*"))


def test_failed_write_leaves_nothing(
    tmp_path: Path, fuel_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _ws(tmp_path / "ws")
    monkeypatch.setattr(intake, "CHUNK_ROWS", 7)

    def broken(_: object) -> object:
        raise OSError("disk full")

    monkeypatch.setattr(workspace, "month_sums", broken)  # after the rows' temporary file
    with pytest.raises(OSError, match="disk full"):
        import_file(ws, fuel_file)
    assert ws.batches() == []
    assert list(ws.batches_dir.iterdir()) == []  # keys file and temporary rows removed
    assert _spools(ws) == []
    monkeypatch.undo()
    assert import_file(ws, fuel_file).rows_accepted == 59  # and it imports afterwards


def test_refused_file_leaves_no_spool(tmp_path: Path, fuel_file: Path) -> None:
    ws = _ws(tmp_path / "ws")
    first = import_file(ws, fuel_file)
    again = fuel_file.with_name("fuel_again.csv")
    again.write_text(fuel_file.read_text(encoding="utf-8") + "Beta,2023-06-01,diesel,1,L\n")
    with pytest.raises(DuplicateImportError) as err:
        import_file(ws, again)
    # 60 accepted rows, 59 of them equal to the first batch's: 98 % ≥ 50 %
    assert (err.value.overlap.rows_matching, err.value.overlap.rows_new) == (59, 60)
    assert _spools(ws) == []
    rep = import_file(ws, again, append=True)
    assert len(rep.duplicates) == 59
    assert {b for _, b in rep.duplicates} == {first.batch_id}


def test_sweep_removes_only_stale_spools(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    stale = ws.path / f"{SPOOL_PREFIX}dead{batch_spool.SPOOL_SUFFIX}"
    fresh = ws.path / f"{SPOOL_PREFIX}live{batch_spool.SPOOL_SUFFIX}"
    for p in (stale, fresh):
        p.write_bytes(b"PAR1")
    t = time.time() - STALE_AFTER - 60  # a killed import's, a day and a minute old
    os.utime(stale, (t, t))
    assert stale in sweep_orphans(ws)
    assert _spools(ws) == [fresh]  # a running import's spool is kept
