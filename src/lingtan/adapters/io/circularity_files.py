"""The circularity ledgers' files: read (CSV or XLSX) and write (CSV templates and exports)
(issue 19 item 5, decision 0100).

One file per ledger (``materials``, ``packaging``, ``returnables``, ``takeback``, ``recyclers``;
:data:`COLUMNS`), one row per ledger row, a header naming the columns (any order; unknown or
repeated columns refused so that a typo is never silently dropped; the ledger's
:data:`REQUIRED` columns must be there). Read through the project's grid reader
(:mod:`lingtan.adapters.io.grid_files`: UTF-8 with or without BOM, or the encoding detected —
GB 18030 for a Chinese Excel —, delimiter ``,`` ``;`` or tab; XLSX through the archive checks of
:mod:`lingtan.adapters.io.file_limits`, first sheet). Lists (a recycler's services) are
separated by ``;`` (also ``|`` and the full-width ``；``). A cell a spreadsheet could read as a
formula is written with a leading quote and read back without it
(:mod:`lingtan.adapters.io.cell_safety`).

The reader checks the file's shape only and hands each row's cells as text with its row number;
the service (:mod:`lingtan.adapters.services.circularity`) checks each value and refuses the
whole file when any cell is wrong, naming file, row, column and reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lingtan.adapters.io.cell_safety import safe_row
from lingtan.adapters.io.grid_files import cell_text as _cell_text
from lingtan.adapters.io.grid_files import header_problem
from lingtan.adapters.io.grid_files import split_list as split_list
from lingtan.core.errors import InputFileError
from lingtan.core.messages import Message, msg

#: the columns of each ledger's file, in the order they are written
COLUMNS: dict[str, tuple[str, ...]] = {
    "materials": ("year", "material", "product_line", "gross_kg", "net_kg", "certificate",
                  "supplier", "ef_virgin", "ef_recycled", "ef_source", "synthetic", "note"),
    "packaging": ("year", "line", "material", "kg_per_unit_before", "kg_per_unit_after", "units",
                  "synthetic", "note"),
    "returnables": ("asset_kind", "programme", "site", "period_start", "period_end", "issued",
                    "returned", "lost", "synthetic", "note"),
    "takeback": ("day", "programme", "customer", "device_category", "count", "kg", "route",
                 "recycler", "sanitisation_cert", "recycling_cert", "residual_value", "synthetic",
                 "note"),
    "recyclers": ("code", "name", "region", "services", "supplier_audit", "environmental_audit",
                  "document_approval", "contract_terms", "oecd_export_ok", "status", "expires",
                  "synthetic", "note"),
}  # fmt: skip
#: the columns every row of a ledger must fill
REQUIRED: dict[str, tuple[str, ...]] = {
    "materials": ("year", "material", "net_kg"),
    "packaging": ("year", "line", "material", "kg_per_unit_before", "kg_per_unit_after", "units"),
    "returnables": ("asset_kind", "programme", "period_start", "period_end", "issued",
                    "returned"),
    "takeback": ("day", "programme", "device_category", "count", "route"),
    "recyclers": ("code", "name", "region"),
}  # fmt: skip
#: one example row per ledger (the ``template`` command writes it under the header)
EXAMPLES: dict[str, tuple[str, ...]] = {
    "materials": ("2023", "cl_pcc", "Notebooks", "120000", "80000", "UL 2809", "SUP-01",
                  "2.1", "0.6", "factor set and version", "false", ""),
    "packaging": ("FY2023/24", "ThinkPad", "plastic", "0.060", "0", "100000", "false", ""),
    "returnables": ("pallet", "Supplier pallets", "WUH", "2023-10-01", "2024-03-31", "1000",
                    "950", "3", "false", ""),
    "takeback": ("2023-06-30", "ars", "Customer A", "notebook", "120", "264", "refurbish",
                 "REC-01", "NIST SP 800-88 certificate 2023-118", "", "3600", "false", ""),
    "recyclers": ("REC-01", "Recycler facility", "CN-TJ", "recycling;data_destruction",
                  "2023-01-10", "2023-02-15", "2023-03-01", "true", "true", "approved",
                  "2026-03-01", "false", ""),
}  # fmt: skip


#: the message of each thing wrong with a header (:func:`~.grid_files.header_problem`)
_HEADER_KEYS = {
    "unknown": "circ.file.unknown_columns",
    "repeated": "circ.file.repeated",
    "missing": "circ.file.columns",
}


@dataclass(frozen=True)
class LedgerRow:
    """One row of a ledger file: its number (the header is row 1 when it is the first) and its
    cells as stripped text by column (absent columns left out)."""

    row: int
    cells: dict[str, str]


class CircularityFileError(InputFileError):
    """The file cannot be read as the ledger (no header, an unknown, repeated or missing
    column, an encoding that does not decode): nothing of it is imported."""

    def __init__(self, source: str, message: Message) -> None:
        super().__init__(source, message.english(), message=message)
        self.key_message = message


def read_ledger_file(
    kind: str, data: bytes, source: str, *, encoding: str | None = None
) -> list[LedgerRow]:
    """The rows of a ledger file of ``kind`` (CSV or XLSX, told by its content), blank rows
    skipped.

    Raises:
        CircularityFileError: unreadable, empty, an unknown, repeated or missing column.
        InputFileError: an XLSX archive refused by the file limits, an undecidable encoding.
    """
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    columns = COLUMNS[kind]
    try:
        grid = read_grid(data, source, encoding=encoding)
    except GridFileError as exc:
        key = "circ.file.encoding" if exc.reason == "encoding" else "circ.file.unreadable"
        raise CircularityFileError(source, msg(key, encoding=exc.codec)) from exc
    rows = [(i, r) for i, r in enumerate(grid, start=1) if any(_cell_text(c) for c in r)]
    if not rows:
        raise CircularityFileError(source, msg("circ.file.empty"))
    _, header = rows[0]
    names = [_cell_text(c).lower().replace(" ", "_") for c in header]
    problem = header_problem(names, columns, REQUIRED[kind])
    if problem is not None:
        reason, wrong = problem
        raise CircularityFileError(source, msg(_HEADER_KEYS[reason], columns=", ".join(wrong)))
    out: list[LedgerRow] = []
    for number, cells in rows[1:]:
        values = {name: _cell_text(cell) for name, cell in zip(names, cells, strict=False) if name}
        out.append(LedgerRow(number, values))
    return out


def _cell_out(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(x) for x in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def ledger_csv(kind: str, rows: Sequence[dict[str, Any]]) -> bytes:
    """A ledger's rows (dicts by column) as a UTF-8 CSV with a BOM (Excel reads Chinese text
    right), columns :data:`COLUMNS` — a file :func:`read_ledger_file` reads back unchanged."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS[kind])
    for row in rows:
        w.writerow(safe_row([_cell_out(row.get(c)) for c in COLUMNS[kind]]))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_csv(kind: str) -> bytes:
    """The header of a ledger's file and one example row (UTF-8 with a BOM)."""
    return ledger_csv(kind, [dict(zip(COLUMNS[kind], EXAMPLES[kind], strict=True))])


def ledger_xlsx(kind: str, rows: Sequence[dict[str, Any]]) -> bytes:
    """A ledger's rows as an XLSX workbook (one sheet named after the ledger)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = kind
    ws.append(list(COLUMNS[kind]))
    for row in rows:
        ws.append(safe_row([_cell_out(row.get(c)) for c in COLUMNS[kind]]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
