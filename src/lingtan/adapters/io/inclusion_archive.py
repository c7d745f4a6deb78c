"""The carbon-inclusion event archive (issue 18, decision 0093): settled events as partitioned
Parquet in the workspace, for the analytics at scale of
:mod:`lingtan.adapters.compute.inclusion_queries` (DuckDB or Spark).

Layout, under the workspace folder::

    inclusion/events/programme=<code>/_manifest.json           # watermark: last archived event id
    inclusion/events/programme=<code>/month=<YYYY-MM>/part-<n>.parquet
    inclusion/rollup/programme=<code>/month=<YYYY-MM>/part-0.parquet   # the account rollup

``month`` is the calendar month (UTC) of ``occurred_at``; ``<n>`` is the first event id of the
batch, zero-padded (:func:`part_name`). Every file is written to a hidden temporary name in its
folder, flushed to disk and renamed (atomic on POSIX; readers and Spark skip names starting with
``.`` or ``_``), so a crash never leaves a half file. The manifest is written the same way *after*
the parts: a crash in between leaves parts the manifest does not count yet, and the re-run from
the same watermark writes the same part names again (replacing, never doubling, decision 0093).

Columns (:data:`EVENT_SCHEMA`): ``event_id``, ``account_ref`` (pseudonymous, never the person),
``group_code``, ``action``, ``occurred_at`` (UTC, no zone), ``kg_co2e`` [kg CO2e],
``counts_as``, ``points``, ``status``, ``pack_id``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

#: the archived columns, in file order (partition columns ``programme`` and ``month`` are folders)
EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.int64()),
        ("account_ref", pa.string()),
        ("group_code", pa.string()),
        ("action", pa.string()),
        ("occurred_at", pa.timestamp("us")),
        ("kg_co2e", pa.float64()),
        ("counts_as", pa.string()),
        ("points", pa.int64()),
        ("status", pa.string()),
        ("pack_id", pa.string()),
    ]
)
MANIFEST = "_manifest.json"
#: width of the zero-padded first event id in a part name
PART_DIGITS = 12


def events_root(workspace: Path) -> Path:
    """``<workspace>/inclusion/events``."""
    return workspace / "inclusion" / "events"


def rollup_root(workspace: Path) -> Path:
    """``<workspace>/inclusion/rollup``."""
    return workspace / "inclusion" / "rollup"


def programme_folder(root: Path, programme: str) -> Path:
    """The hive partition folder of a programme: ``<root>/programme=<code>``."""
    return root / f"programme={programme}"


def part_name(first_event_id: int) -> str:
    """``part-<first event id, zero-padded>.parquet``: deterministic, so a re-run replaces."""
    return f"part-{first_event_id:0{PART_DIGITS}d}.parquet"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` atomically: hidden temporary file in the same folder, fsync,
    rename, fsync of the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


def write_atomic_text(text: str, path: Path) -> None:
    """Write ``text`` to ``path`` atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    _fsync_dir(path.parent)


def read_manifest(root: Path, programme: str) -> dict[str, Any]:
    """The programme's manifest: ``watermark`` (last archived event id, 0 when none), ``events``
    (archived so far) and ``months`` (partitions written); empty defaults when absent."""
    path = programme_folder(root, programme) / MANIFEST
    if not path.exists():
        return {"watermark": 0, "events": 0, "months": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def events_table(rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows (mappings with the :data:`EVENT_SCHEMA` columns) as an Arrow table in that schema;
    an ``occurred_at`` with a zone is converted to UTC and stored without it."""
    cols: dict[str, list[Any]] = {name: [] for name in EVENT_SCHEMA.names}
    for row in rows:
        for name in EVENT_SCHEMA.names:
            value = row.get(name)
            if name == "occurred_at" and isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            cols[name].append(value)
    return pa.table(cols, schema=EVENT_SCHEMA)


def archive_events(workspace: Path, programme: str, rows: pa.Table) -> dict[str, Any]:
    """Append ``rows`` (an :data:`EVENT_SCHEMA` table, ids above the manifest's watermark) to
    the programme's archive: one part per month touched, named by the batch's first event id,
    then the manifest. Returns the new manifest plus ``written`` (events this call) and
    ``touched`` (months this call)."""
    root = events_root(workspace)
    manifest = read_manifest(root, programme)
    if rows.num_rows == 0:
        return {**manifest, "written": 0, "touched": []}
    rows = rows.select(EVENT_SCHEMA.names).cast(EVENT_SCHEMA)
    ids = rows.column("event_id").to_pylist()
    first, last = min(ids), max(ids)
    folder = programme_folder(root, programme)
    month_arr = pc.strftime(rows.column("occurred_at"), format="%Y-%m")
    touched = sorted(set(month_arr.to_pylist()))
    for month in touched:
        part = rows.filter(pc.equal(month_arr, month))
        part = part.sort_by([("occurred_at", "ascending"), ("event_id", "ascending")])
        write_atomic_parquet(part, folder / f"month={month}" / part_name(first))
    new = {
        "watermark": max(int(manifest["watermark"]), last),
        "events": int(manifest["events"]) + rows.num_rows,
        "months": sorted(set(manifest["months"]) | set(touched)),
    }
    write_atomic_text(json.dumps(new, indent=1), folder / MANIFEST)
    return {**new, "written": rows.num_rows, "touched": touched}


__all__ = [
    "EVENT_SCHEMA", "MANIFEST", "archive_events", "events_root", "events_table", "part_name",
    "programme_folder", "read_manifest", "rollup_root", "write_atomic_parquet",
    "write_atomic_text",
]  # fmt: skip
