"""The carbon-inclusion event archive (decision 0093): layout, manifest, atomic writes and a
re-run after a crash that replaces instead of doubling."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow.parquet as pq

from inclusion_scale_kit import EVENTS, write_archive
from lingtan.adapters.io import inclusion_archive as arc


def _archived_ids(folder: Path) -> list[int]:
    return sorted(
        i
        for f in folder.glob("month=*/*.parquet")
        for i in pq.read_table(f)["event_id"].to_pylist()
    )


def test_layout_and_manifest(tmp_path: Path) -> None:
    folder = write_archive(tmp_path)
    parts = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.parquet"))
    # batch 1 = events 1–6 (March, April), batch 2 = events 7–10 (Feb, March, May)
    assert parts == [
        "month=2024-02/part-000000000007.parquet",
        "month=2024-03/part-000000000001.parquet",
        "month=2024-03/part-000000000007.parquet",
        "month=2024-04/part-000000000001.parquet",
        "month=2024-05/part-000000000007.parquet",
    ]
    manifest = json.loads((folder / arc.MANIFEST).read_text())
    assert manifest == {"watermark": 10, "events": 10,
                        "months": ["2024-02", "2024-03", "2024-04", "2024-05"]}  # fmt: skip
    assert _archived_ids(folder) == list(range(1, 11))
    assert not list(folder.rglob(".*"))  # no temporary file left behind
    march = pq.read_table(folder / "month=2024-03" / "part-000000000001.parquet")
    assert march.schema.equals(arc.EVENT_SCHEMA)
    assert march["event_id"].to_pylist() == [1, 3, 2]  # sorted by occurred_at


def test_rerun_of_a_batch_replaces_its_parts(tmp_path: Path) -> None:
    """A crash after the parts but before the manifest: the re-run from the same watermark
    writes the same part names (first event id) again, so no event is doubled."""
    write_archive(tmp_path, (slice(0, 6),))
    folder = tmp_path / "inclusion" / "events" / "programme=P1"
    (folder / arc.MANIFEST).write_text(json.dumps({"watermark": 0, "events": 0, "months": []}))
    arc.archive_events(tmp_path, "P1", arc.events_table(EVENTS[0:7]))  # re-run sees one more
    assert _archived_ids(folder) == list(range(1, 8))
    assert arc.read_manifest(arc.events_root(tmp_path), "P1")["watermark"] == 7


def test_zoned_times_are_stored_in_utc(tmp_path: Path) -> None:
    row = {
        **EVENTS[0],
        "occurred_at": datetime(2024, 4, 1, 7, 30, tzinfo=timezone(timedelta(hours=8))),
    }
    table = arc.events_table([row])
    assert table["occurred_at"].to_pylist() == [datetime(2024, 3, 31, 23, 30)]
    res = arc.archive_events(tmp_path, "P1", table)
    assert res["touched"] == ["2024-03"]
    assert res["written"] == 1
    assert arc.archive_events(tmp_path, "P1", arc.events_table([]))["written"] == 0
