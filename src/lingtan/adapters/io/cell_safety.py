"""Cells that cannot attack the reader of an exported file (OWASP "CSV Injection" guidance).

A spreadsheet program opening a CSV or XLSX file runs a text cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(…)`` sending data away, ``=cmd|' /C calc'!A0``
running a program through DDE); a leading tab or carriage return hides such a start. Every CSV
and XLSX file lingtan writes from data a user or a supplier gave (inventory exports, rejected
rows, quarantine reports, reconciliation figures, templates) passes its cells through
:func:`safe_cell`, which prefixes such a text with a single quote ``'`` — the mark spreadsheet
programs read as "this is text" — so that it is shown, never evaluated.

Numbers stay numbers: a number value (``int``, ``float``, ``Decimal``) is returned as it is, and
so is a text that is a plain decimal number (``-12.5``, ``+3``, ``-1.2e3``) — a spreadsheet
reads it as that number, not as a formula, and an exported file must import again.

The importer reverses exactly this: :func:`unneutralise` removes the ``'`` when it is followed by
one of the formula characters, so a rejected-rows file downloaded, fixed and uploaded again
imports the values the user first wrote (decision 0035).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: characters that make a spreadsheet read a text cell as a formula (OWASP)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: what a neutralised cell starts with
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (it starts with one of
    :data:`FORMULA_STARTS` and is not a plain decimal number)."""
    return text.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(text) is None


def safe_text(text: str) -> str:
    """``text``, prefixed with ``'`` when a spreadsheet could read it as a formula."""
    return QUOTE + text if is_dangerous(text) else text


def safe_cell(value: Any) -> Any:
    """A cell value to write: texts through :func:`safe_text`, anything else unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through :func:`safe_cell`."""
    return [safe_cell(v) for v in values]


def unneutralise(text: str) -> str:
    """Undo :func:`safe_text` on a value read back from an exported file: ``'=x`` → ``=x``
    (only a quote followed by a formula character; any other text is returned as it is)."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS) and is_dangerous(text[1:]):
        return text[1:]
    return text


def safe_workbook(wb: Any) -> Any:
    """Neutralise every text cell of an openpyxl workbook in place (before saving it); a text
    ``=…`` that openpyxl took for a formula becomes text too. Returns ``wb``."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and is_dangerous(cell.value):
                    cell.value = safe_text(cell.value)
                    cell.data_type = "s"
    return wb


def safe_csv_bytes(data: bytes) -> bytes:
    """A stored CSV file (UTF-8, with or without BOM) with every cell through
    :func:`safe_cell`, for download; the BOM is kept. Numbers, being text here, stay numbers
    when they are plain decimals (:func:`is_dangerous`)."""
    import csv
    import io

    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig", errors="replace")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(safe_row(row))
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def safe_table(table: Any) -> Any:
    """A pyarrow table with every text column's values through :func:`safe_text` (numbers and
    other types unchanged), for writing as CSV."""
    import pyarrow as pa

    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            values = [None if v is None else safe_text(v) for v in column.to_pylist()]
            column = pa.array(values, type=column.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)
