"""A small uploaded table (a register, an attendance list) as a grid of cells: CSV in UTF-8 (with
or without BOM), a declared encoding or one detected by charset-normalizer
(:func:`lingtan.adapters.io.intake.detect_encoding`), its delimiter the most frequent of ``,``,
``;`` and tab in the header line; or the first sheet of an XLSX workbook, checked against the
file limits (archive bombs; :mod:`lingtan.adapters.io.file_limits`) and read by openpyxl without
links. The readers of each capability (``supplier_files``, ``training_files``) turn the grid's
rows into their records and a :class:`GridFileError` into their own keyed refusal."""

from __future__ import annotations

import csv
import io
import tempfile
import warnings
import zipfile
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from lingtan.adapters.io.cell_safety import unneutralise

#: the first bytes of a ZIP archive (an XLSX workbook)
ZIP_MAGIC = b"PK\x03\x04"


class GridFileError(Exception):
    """The file could not be read as a table: ``reason`` ``encoding`` (``codec`` did not decode
    it) or ``unreadable`` (not a workbook openpyxl can open, or a CSV text the csv module cannot
    split)."""

    def __init__(self, reason: Literal["encoding", "unreadable"], codec: str = "") -> None:
        super().__init__(reason, codec)
        self.reason = reason
        self.codec = codec


#: the list separators a cell may use besides ``;`` (``|`` and the full-width ``；``)
LIST_SEPARATORS = ("|", "；")


def split_list(text: str) -> list[str]:
    """A ``;`` separated cell as its items (stripped, empty ones dropped)."""
    for sep in LIST_SEPARATORS:
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def cell_text(value: Any) -> str:
    """A grid cell as stripped text: None empty, a flag ``true``/``false``, a whole float
    without ``.0``, a date or time as its ISO day, a formula-quoted text without its quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return unneutralise(str(value)).strip()


def header_problem(
    names: Sequence[str], columns: Collection[str], required: Iterable[str]
) -> tuple[Literal["unknown", "repeated", "missing"], list[str]] | None:
    """The first thing wrong with a header of column ``names`` (``""`` for a blank cell) of a
    file whose columns are ``columns``: a name not among them, a name given twice (sorted), a
    ``required`` column absent; None when nothing is."""
    unknown = [n for n in names if n and n not in columns]
    if unknown:
        return "unknown", unknown
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        return "repeated", twice
    missing = [c for c in required if c not in names]
    if missing:
        return "missing", missing
    return None


def read_grid(data: bytes, source: str, *, encoding: str | None = None) -> list[list[Any]]:
    """The rows of ``data`` (a CSV or an XLSX file's bytes) as lists of cells.

    Raises:
        GridFileError: the text does not decode, or the workbook cannot be opened.
        InputFileError: an encoding that cannot be decided (the detector's refusal), or an XLSX
            archive refused by the file limits.
    """
    if data[:4] == ZIP_MAGIC:
        return _xlsx(data, source)
    return _csv(data, source, encoding)


def _csv(data: bytes, source: str, encoding: str | None) -> list[list[Any]]:
    from lingtan.adapters.io.intake import detect_encoding

    if encoding is not None:
        codec = encoding
    elif data.startswith(b"\xef\xbb\xbf"):
        codec = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            codec = "utf-8"
        except UnicodeDecodeError:
            codec, _ = detect_encoding(data[:65536], source)
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        raise GridFileError("encoding", codec) from exc
    head = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=head.count)
    try:  # newline="": a CR inside a field is the reader's to judge (csv module docs)
        return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:  # e.g. a field over the csv module's field size limit
        raise GridFileError("unreadable") from exc


def _xlsx(data: bytes, source: str) -> list[list[Any]]:
    import openpyxl

    from lingtan.adapters.io.file_limits import FileLimits, check_xlsx_archive

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        path.write_bytes(data)
        check_xlsx_archive(path, source, FileLimits.from_env())
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
                wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise GridFileError("unreadable") from exc
        try:
            return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
