"""Streaming a CSV activity file as Arrow record batches of text cells (issue 14 item 2,
decision 0061): the file is never held as Python rows, so memory is bounded by one chunk.

The stream is taken only where it reads the file exactly as the row-by-row reader of
:mod:`lingtan.adapters.io.intake` does (Python's :mod:`csv`, which stays the reference):

* the file is UTF-8 (with or without BOM) and holds no NUL byte;
* the header is found in the first rows and no row down to it spans two lines (Arrow then
  skips the same rows);
* every data row has as many cells as the header (a short or long row, which the row-by-row
  reader reports with its own reasons, makes the stream give up: :class:`NotStreamableError`);
* the header names the template's columns (a header error is reported by the row-by-row
  reader, with its messages).

Arrow's CSV parser reads quotes as Python's default dialect does (``"`` doubled inside a
quoted field, quoted line breaks kept, stray quotes in an unquoted field kept); blank lines are
rows of empty cells (still counted in the row numbers). Any doubt gives :class:`NotStreamableError`
and the caller reads the file the row-by-row way — slower, never different.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from lingtan.adapters.i18n.rows import file_error
from lingtan.adapters.io.file_limits import FileLimitError, FileLimits
from lingtan.core.errors import InputFileError
from lingtan.core.messages import msg
from lingtan.core.templates import Column, Template

#: text read to tell the delimiter and find the header (as the row-by-row reader)
_HEAD_CHARS = 64 * 1024
#: bytes Arrow parses at a time
_BLOCK = 1 << 22


class NotStreamableError(Exception):
    """The file must be read row by row (see the module's conditions)."""


@dataclass
class CsvStream:
    """A CSV opened for streaming.

    Attributes:
        start: index of the header row (0 unless title rows stand above it).
        width: cells of the header row (every data row has as many).
        mapping: header position → template column.
        delimiter: the field delimiter.
        bom: the file starts with a UTF-8 byte-order mark.
        batches: the data rows, one Arrow record batch of text cells at a time, with the
            share of the file's bytes read.
    """

    start: int
    width: int
    mapping: dict[int, Column]
    delimiter: str
    bom: bool
    batches: Iterator[tuple[pa.RecordBatch, float]]


def open_stream(
    path: Path, tpl: Template, reading: Template, source: str, limits: FileLimits
) -> CsvStream:
    """Open ``path`` for streaming (``tpl``: the template; ``reading``: the same with the
    aliases the delimiter is told by).

    Raises:
        NotStreamableError: the file is to be read row by row.
        FileLimitError: a row above or at the header exceeds a limit.
    """
    from lingtan.adapters.io.intake import (
        _UTF8_BOM,
        _column_names,
        _find_header,
        _header,
        _sniff_delimiter,
    )

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            head = fh.read(_HEAD_CHARS)
            complete = len(head) < _HEAD_CHARS
    except UnicodeDecodeError:
        raise NotStreamableError from None
    with path.open("rb") as fb:
        bom = fb.read(3) == _UTF8_BOM
    delimiter = _sniff_delimiter(head, frozenset(_column_names(reading)))
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    lines: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) > 20:
                break
    except csv.Error:
        raise NotStreamableError from None
    if not complete:  # the last row read may be cut by the head's end
        rows, lines = rows[:-1], lines[:-1]
    start = _find_header(rows, tpl)
    if start is None or lines[start] != start + 1:
        raise NotStreamableError
    for number, row in enumerate(rows[: start + 1], start=1):
        limits.check_row(row, number, source)
    width = len(rows[start])
    if width > limits.max_columns:
        raise NotStreamableError
    try:
        mapping, _ = _header(rows[: start + 1], tpl, source, start)
    except InputFileError:
        raise NotStreamableError from None
    return CsvStream(start, width, mapping, delimiter, bom, _batches(path, start, width, delimiter))


def _batches(
    path: Path, start: int, width: int, delimiter: str
) -> Iterator[tuple[pa.RecordBatch, float]]:
    """The data rows below the header as record batches of text cells, with the share of the
    file's bytes read; :class:`NotStreamableError` at a row of another width or text that is not
    UTF-8."""
    names = [f"c{i}" for i in range(width)]
    odd: list[int] = []

    def refuse(_row: Any) -> str:
        odd.append(1)
        return "skip"

    size = max(1, path.stat().st_size)
    with path.open("rb") as raw:
        try:
            reader = pcsv.open_csv(
                raw,
                read_options=pcsv.ReadOptions(
                    skip_rows=start + 1, column_names=names, block_size=_BLOCK, use_threads=True
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter,
                    newlines_in_values=True,
                    ignore_empty_lines=False,
                    invalid_row_handler=refuse,
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    check_utf8=True,
                ),
            )
            for batch in reader:
                if odd:
                    raise NotStreamableError
                yield batch, min(1.0, raw.tell() / size)
        except (pa.ArrowInvalid, UnicodeDecodeError):
            raise NotStreamableError from None
        if odd:
            raise NotStreamableError


def check_cells(columns: list[pa.Array], first_row: int, limits: FileLimits, source: str) -> None:
    """:meth:`FileLimits.check_row <lingtan.adapters.io.file_limits.FileLimits.check_row>` for
    a chunk of rows of text cells (their number of cells is the header's, already checked).

    Raises:
        FileLimitError: the chunk's last row is past the row limit, or a cell is too long (the
            first such cell, by row then column, as the row-by-row reader names it).
    """
    n = len(columns[0]) if columns else 0
    worst: tuple[int, int, int] | None = None
    for pos, col in enumerate(columns):
        if (pc.max(pc.binary_length(col)).as_py() or 0) <= limits.max_cell_chars:
            continue  # no more bytes than the limit: no more characters either
        lengths = pc.utf8_length(col)
        top = pc.max(lengths).as_py()
        if top is None or top <= limits.max_cell_chars:
            continue
        first = pc.index(pc.greater(lengths, limits.max_cell_chars), True).as_py()
        if worst is None or first < worst[0]:
            worst = (int(first), pos, int(lengths[first].as_py()))
    if (
        n
        and first_row + n - 1 > limits.max_rows + 1
        and (worst is None or first_row + worst[0] > limits.max_rows + 1)
    ):
        raise file_error(
            source, msg("file.too_many_rows", limit=f"{limits.max_rows:,}"), FileLimitError
        )
    if worst is not None:
        i, pos, length = worst
        why = msg(
            "file.cell_too_long",
            row=first_row + i,
            column=pos + 1,
            length=f"{length:,}",
            limit=f"{limits.max_cell_chars:,}",
        )
        raise file_error(source, why, FileLimitError)
