"""Fixing rejected rows: export them as the user wrote them, to correct and re-import.

The original file of every batch is kept (``batches/<hash>.source.<ext>``), so the rejected
rows can be written back out in the same template with their original values, beside a list of
the reasons. Importing the corrected file with ``--fixes BATCH`` marks those rows resolved.
"""

from __future__ import annotations

import csv
from pathlib import Path

from lingtan.adapters.io.cell_safety import safe_row
from lingtan.adapters.io.intake import read_raw_rows, write_issues_csv
from lingtan.adapters.store.models import ImportBatch
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.errors import RowIssue, WorkspaceError


def export_rejected(ws: Workspace, batch: ImportBatch, path: Path) -> int:
    """Write the open rejected rows of ``batch`` to ``path`` (CSV, same template and columns)
    and their reasons to ``<path>.issues.csv``. Returns the number of rows written.

    Raises:
        WorkspaceError: the batch's original file was not kept.
    """
    if not batch.source_file:
        raise WorkspaceError(f"batch {batch.id[:12]} has no copy of its original file")
    header, rows = read_raw_rows(ws.batches_dir / batch.source_file, batch.template)
    open_rows = ws.quarantine(batch.id)
    numbers = sorted({q.row for q in open_rows if q.row in rows})
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(safe_row(header))
        for n in numbers:
            w.writerow(safe_row(rows[n]))  # OWASP CSV injection (decision 0035)
    write_issues_csv(
        [RowIssue(batch.file_name, q.row, q.field, q.reason, q.value) for q in open_rows],
        path.with_suffix(".issues.csv"),
    )
    return len(numbers)
