"""Fixing rejected rows: export them as the user wrote them, to correct and re-import.

The original file of every batch is kept (``batches/<hash>.source.<ext>``), so the rejected
rows can be written back out in the same template with their original values, beside a list of
the reasons. Importing the corrected file with ``--fixes BATCH`` marks those rows resolved.
"""

from __future__ import annotations

import csv
from pathlib import Path

from lingtan.adapters.i18n.rows import stored_issue
from lingtan.adapters.io import batch_reading
from lingtan.adapters.io.cell_safety import safe_row
from lingtan.adapters.io.intake import read_raw_rows_as, write_issues_csv
from lingtan.adapters.store.models import ImportBatch
from lingtan.adapters.store.workspace import Workspace
from lingtan.core.errors import WorkspaceError


def export_rejected(
    ws: Workspace, batch: ImportBatch, path: Path, locale: str | None = None
) -> int:
    """Write the open rejected rows of ``batch`` to ``path`` (CSV, same template and columns)
    and their reasons to ``<path>.issues.csv`` (in ``locale``, zh-CN or en; None = English).
    Returns the number of rows written.

    Raises:
        WorkspaceError: the batch's original file was not kept.
    """
    if not batch.source_file:
        raise WorkspaceError(f"batch {batch.id[:12]} has no copy of its original file")
    how = batch_reading.load(ws, batch.id)  # read as imported; written in its conventions
    header, rows, fmt = read_raw_rows_as(
        ws.batches_dir / batch.source_file,
        batch.template,
        encoding=how.encoding,
        column_map=how.column_map,
    )
    open_rows = ws.quarantine(batch.id)
    numbers = sorted({q.row for q in open_rows if q.row in rows})
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\n", delimiter=fmt.delimiter or ",")
        w.writerow(safe_row(header))
        for n in numbers:
            w.writerow(safe_row(rows[n]))  # OWASP CSV injection (decision 0035)
    write_issues_csv(
        [stored_issue(batch.file_name, q) for q in open_rows],
        path.with_suffix(".issues.csv"),
        locale,
    )
    return len(numbers)
