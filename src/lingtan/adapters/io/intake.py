"""Reading activity files (CSV, XLSX) into normalised activities, and writing templates.

The reading side of :mod:`lingtan.core.templates` (``docs/templates.md``):

1. the file is read as Excel writes it (decision 0050): a CSV in UTF-8 (with or without BOM),
   else in the encoding charset-normalizer detects with confidence (Windows-1252, GB18030 …) or
   the one declared (``encoding=``), its delimiter (``,`` ``;`` tab) and decimal convention
   (``1,234.5`` or ``1.234,5``) told from the file or from a declared ``locale``; an XLSX via
   openpyxl, the sheet named like the template, else the first sheet whose header matches;
   the header is the first row naming the template's columns (title rows above it are
   skipped), in English or by their Chinese labels (:data:`~lingtan.core.templates.catalogue.
   ZH_ALIASES`);
2. the template is chosen (``template=`` or the file-name prefix) and the header is checked —
   a file that cannot be read at all raises :class:`~lingtan.core.errors.InputFileError` and
   produces nothing;
3. every cell is typed by its :class:`~lingtan.core.templates.Column` kind; a bad cell is a
   :class:`~lingtan.core.errors.RowIssue` (file, spreadsheet row, column, reason, value) and its
   row is set aside;
4. the well-typed rows go to :func:`lingtan.core.templates.normalise`.

Every non-blank data row ends up either as an activity (or instrument) or in the issues — never
both, never neither. Entirely blank rows carry no data and are skipped (they still count in the
row numbers, as a spreadsheet shows them).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import difflib
import hashlib
import io
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import pyarrow as pa
import pyarrow.compute as pc

from lingtan.adapters.i18n.rows import english, file_error, issue_reason, row_issue
from lingtan.adapters.io.cell_safety import safe_row, safe_workbook, unneutralise
from lingtan.adapters.io.file_limits import FileLimitError, FileLimits, check_xlsx_archive
from lingtan.adapters.io.progress import REPORT_EVERY, OnProgress, due
from lingtan.core.errors import InputFileError, RowIssue
from lingtan.core.messages import Message, msg
from lingtan.core.templates import (
    NORMALISED_SCHEMA,
    TEMPLATES,
    Column,
    NormaliseContext,
    Template,
    UnknownTemplateError,
    get_template,
    match_choice,
    normalise,
)
from lingtan.core.templates.mapping import ColumnMapping, MappingError

CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SEPARATORS = ("_", "-", ".")
_UTF8_BOM = b"\xef\xbb\xbf"

_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_THOUSANDS_SPACE = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d*)?$")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DAY_FIRST_DOTTED = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
#: a number written with ',' as the decimal mark: 1234,5  1.234,5  1 234,5  -0,25
_COMMA_DECIMAL = re.compile(r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+)(?:,\d+)?$")
#: evidence of a decimal convention in a cell: a mark followed by other than three digits, or
#: both marks (the last one is the decimal mark)
_DOT_DECIMAL_EVIDENCE = re.compile(
    r"^[+-]?[\d,]*\d\.(?:\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(?:,\d{3})+\.\d+$"
)
_COMMA_DECIMAL_EVIDENCE = re.compile(
    r"^[+-]?[\d.]*\d,(?:\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(?:\.\d{3})+,\d+$"
)
#: a cell either convention reads (1,234 or 1.234): decided by the file's other cells
_AMBIGUOUS_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:[.,]\d{3})$")
_DELIMITERS = (",", ";", "\t")
#: bytes of a CSV's start given to the encoding detector
_SAMPLE_BYTES = 1 << 20
#: candidates of the detector this close to the best in "chaos" are as good as the best
_TIE = 0.01
#: the Chinese GB family (GB18030 reads GB2312 and GBK text the same way)
_GB = ("gbk", "gb2312", "gb18030")
#: least confidence (1 − the detector's "chaos") at which a detected encoding is used
MIN_ENCODING_CONFIDENCE = 0.9
#: rows whose number cells decide a file's decimal convention
_CONVENTION_ROWS = 5_000
#: rows searched for the header (title rows above it are skipped)
_HEADER_SEARCH_ROWS = 20
#: declared locales: (decimal mark, order of an ambiguous d/m date: "dmy", "mdy" or None)
LOCALES: dict[str, tuple[str, str | None]] = {
    "de": (",", "dmy"), "fr": (",", "dmy"), "es": (",", "dmy"), "it": (",", "dmy"),
    "nl": (",", "dmy"), "pt": (",", "dmy"), "pl": (",", "dmy"), "ru": (",", "dmy"),
    "en-us": (".", "mdy"), "en": (".", "mdy"), "en-gb": (".", "dmy"), "en-au": (".", "dmy"),
    "en-in": (".", "dmy"), "zh": (".", None), "zh-cn": (".", None), "ja": (".", None),
}  # fmt: skip
_UNMEMOISED = ("number", "integer")  # mostly distinct values: typing them once gains nothing
_TRUE = {"true", "yes", "y", "1", "是", "t"}
_FALSE = {"false", "no", "n", "0", "否", "f"}


@dataclass(frozen=True)
class FileFormat:
    """How a file was read: shown in the import report (decision 0050).

    Attributes:
        encoding: the CSV's text encoding (Python codec name; None for XLSX).
        encoding_confidence: 1.0 for UTF-8 and a declared encoding, else the detector's
            (1 − its "chaos" ratio of the decoded sample).
        delimiter: the CSV's field delimiter (``,`` ``;`` or a tab; None for XLSX).
        decimal: the decimal mark of numbers written as text (``.`` or ``,``).
        sheet: the XLSX sheet read (None for CSV).
        header_row: the spreadsheet row of the header (1 unless title rows stand above it).
        locale: the declared locale, if any.
    """

    encoding: str | None = None
    encoding_confidence: float | None = None
    delimiter: str | None = None
    decimal: str = "."
    sheet: str | None = None
    header_row: int = 1
    locale: str | None = None


class ActivitySink(Protocol):
    """Takes the normalised activities of a file chunk by chunk, in file order, instead of
    the result holding them all (an import spools them to disk:
    :class:`~lingtan.adapters.store.batch_spool.ActivitySpool`; decision 0061)."""

    def add(self, table: pa.Table, template: str) -> None:
        """One chunk of activities of a file read as ``template``."""

    def reset(self) -> None:
        """Forget the chunks taken: the file is read again another way (row by row)."""


@dataclass(frozen=True)
class IntakeResult:
    """What reading one activity file produced.

    Attributes:
        template: the template the file was read as.
        source: the file name shown in issues.
        content_sha256: SHA-256 of the file's bytes (hex), identifies the import batch.
        activities: normalised activities (:data:`lingtan.core.templates.NORMALISED_SCHEMA`),
            empty for the ``instrument`` template.
        instruments: contractual instruments (:data:`lingtan.core.templates.INSTRUMENT_SCHEMA`)
            for the ``instrument`` template, else None.
        issues: every problem, by row then column; rows with issues produced nothing.
        rows_read: non-blank data rows in the file.
        file_format: how the file was read (encoding, delimiter, decimal mark, sheet, header).
    """

    template: str
    source: str
    content_sha256: str
    activities: Any
    instruments: Any
    issues: list[RowIssue]
    rows_read: int
    file_format: FileFormat = FileFormat()


class _Percent(float):
    """A numeric XLSX cell shown as a percentage (0.4 displayed as 40 %)."""


# --------------------------------------------------------------------------------------------
# Template choice
# --------------------------------------------------------------------------------------------


def template_from_filename(path: str | PathLike[str]) -> str | None:
    """The template a file name names: the longest template name the stem starts with, followed
    by the end of the stem or a separator (``_``, ``-``, ``.``). Case-insensitive.

    ``fuel_2023.xlsx`` → ``fuel``; ``electricity-tianjin.csv`` → ``electricity``;
    ``vehicle_distance.csv`` → ``vehicle_distance``; ``notes.csv`` → None.
    """
    stem = Path(path).stem.strip().lower()
    best: str | None = None
    for name in TEMPLATES:
        named = stem == name or (stem.startswith(name) and stem[len(name)] in _SEPARATORS)
        if named and (best is None or len(name) > len(best)):
            best = name
    return best


def _choose_template(path: Path, template: str | None) -> Template:
    source = str(path)
    if template is not None:
        try:
            return get_template(template)
        except UnknownTemplateError as exc:
            close, known = tuple(repr(c) for c in exc.suggestions), tuple(TEMPLATES)
            raise file_error(
                source,
                msg("file.template_unknown.close", name=exc.name, close=close, templates=known)
                if close
                else msg("file.template_unknown", name=exc.name, templates=known),
            ) from exc
    name = template_from_filename(path)
    if name is None:
        raise file_error(
            source, msg("file.template_from_name", name=path.name, templates=tuple(TEMPLATES))
        )
    return TEMPLATES[name]


# --------------------------------------------------------------------------------------------
# Reading grids
# --------------------------------------------------------------------------------------------


def _read_csv(
    path: Path,
    source: str,
    limits: FileLimits,
    names: frozenset[str],
    encoding: str | None,
    progress: OnProgress | None = None,
) -> tuple[list[list[Any]], FileFormat]:
    """The rows of a CSV file, read as a stream (never the whole text in memory at once) with
    the :class:`~lingtan.adapters.io.file_limits.FileLimits` enforced row by row, and how it
    was read: in the declared ``encoding``, else UTF-8 (BOM optional), else the encoding
    charset-normalizer detects with confidence (:func:`detect_encoding`); the delimiter is the
    one that splits the header into the most column names (``names``: the template's names and
    aliases, lower case)."""
    if encoding is not None:
        codec = _codec(encoding, source)
        try:
            grid, delimiter = _csv_rows(path, codec, source, limits, names, progress)
        except UnicodeDecodeError as exc:
            raise file_error(
                source,
                msg(
                    "intake.encoding_not_as_declared",
                    encoding=codec,
                    why=msg("file.decode_at_byte", why=exc.reason, byte=exc.start),
                ),
            ) from exc
        return grid, FileFormat(encoding=codec, encoding_confidence=1.0, delimiter=delimiter)
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE_BYTES)
    bom = sample.startswith(_UTF8_BOM)
    try:
        grid, delimiter = _csv_rows(path, "utf-8-sig", source, limits, names, progress)
        return grid, FileFormat(
            encoding="utf-8-sig" if bom else "utf-8", encoding_confidence=1.0, delimiter=delimiter
        )
    except UnicodeDecodeError as exc:
        if bom:
            raise file_error(source, msg("file.bom_not_utf8", why=str(exc))) from exc
    codec, confidence = detect_encoding(sample, source)
    try:
        grid, delimiter = _csv_rows(path, codec, source, limits, names, progress)
    except UnicodeDecodeError as exc:
        raise file_error(
            source, msg("intake.encoding_breaks", encoding=codec, why=exc.reason)
        ) from exc
    return grid, FileFormat(encoding=codec, encoding_confidence=confidence, delimiter=delimiter)


def _codec(encoding: str, source: str) -> str:
    """The Python codec name of a declared encoding (``Windows-1252`` → ``cp1252``)."""
    try:
        return codecs.lookup(encoding.strip()).name
    except LookupError:
        raise file_error(source, msg("intake.encoding_unknown", encoding=repr(encoding))) from None


def detect_encoding(sample: bytes, source: str) -> tuple[str, float]:
    """The encoding of a text that is not UTF-8, told by charset-normalizer from its first
    bytes: (codec name, confidence = 1 − the detector's "chaos" ratio).

    A guess is used only when it is confident (≥ :data:`MIN_ENCODING_CONFIDENCE`) and no other
    candidate of the same quality (chaos within :data:`_TIE`) reads the sample as a different
    text — unless one of them is of the GB family, which Chinese Excel writes (and lingtan read
    before it detected encodings). A text the Windows-1252 code page reads the same way is
    reported as ``cp1252`` (what Western-European Excel writes), the Chinese GB family as
    ``gb18030`` (its superset).

    Raises:
        InputFileError: no confident guess: the user is told to declare the encoding.
    """
    from charset_normalizer import from_bytes

    cut = sample.rfind(b"\n")  # a sample cut inside a multi-byte character misleads
    if len(sample) == _SAMPLE_BYTES and cut > 0:
        sample = sample[: cut + 1]
    matches = list(from_bytes(sample))

    def refuse(why: Message) -> InputFileError:
        return file_error(source, msg("intake.encoding_uncertain", why=why))

    if not matches:
        raise refuse(msg("intake.why.none"))
    best = min(matches, key=lambda m: m.chaos)
    text = str(best)
    confidence = round(1.0 - best.chaos, 3)
    if confidence < MIN_ENCODING_CONFIDENCE:
        raise refuse(
            msg("intake.why.low_confidence", encoding=best.encoding, confidence=f"{confidence:.2f}")
        )
    tied = [m for m in matches if m.chaos <= best.chaos + _TIE and str(m) != text]
    gb = [m for m in (best, *tied) if codecs.lookup(m.encoding).name in _GB]
    if tied and gb:  # Chinese Excel's own encoding first (what lingtan read before detection)
        best, text = gb[0], str(gb[0])
        tied = [m for m in tied if m is not best and str(m) != text]
    rivals = sorted({m.encoding for m in tied})
    if rivals:
        raise refuse(msg("intake.why.rivals", encoding=best.encoding, rivals=tuple(rivals[:3])))
    codec = codecs.lookup(best.encoding).name
    if codec in _GB:
        return "gb18030", confidence
    try:
        if sample.decode("cp1252") == text:
            return "cp1252", confidence
    except UnicodeDecodeError:
        pass
    return codec, confidence


def _sniff_delimiter(head: str, names: frozenset[str]) -> str:
    """The delimiter (``,`` ``;`` tab) that splits a line of the file's start into the most
    template column names (the header, below any title rows); ``,`` when none names two."""
    lines = head.splitlines()[:_HEADER_SEARCH_ROWS]
    best, found = ",", 1
    for delimiter in _DELIMITERS:
        for line in lines:
            cells = next(csv.reader([line], delimiter=delimiter), [])
            known = sum(1 for c in cells if _header_key(c) in names)
            if known > found:
                best, found = delimiter, known
    return best


def _csv_rows(
    path: Path,
    encoding: str,
    source: str,
    limits: FileLimits,
    names: frozenset[str],
    progress: OnProgress | None = None,
) -> tuple[list[list[Any]], str]:
    """Every row of the CSV in ``encoding`` and its delimiter; UnicodeDecodeError when it is not
    that encoding. ``progress`` hears ``read`` every :data:`~lingtan.adapters.io.progress.
    REPORT_EVERY` rows, with the share of the file's bytes read so far."""

    def lines(fh: Iterable[str]) -> Iterator[str]:
        for line in fh:
            if "\x00" in line:
                raise file_error(source, msg("file.not_text"))
            yield line

    with path.open(encoding=encoding, newline="") as fh:
        delimiter = _sniff_delimiter(fh.read(64 * 1024), names)
    grid: list[list[Any]] = []
    shared: dict[str, str] = {}  # one object per repeated short cell (sites, units, dates …)
    size = max(1, path.stat().st_size)
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        try:
            rows = csv.reader(lines(fh), delimiter=delimiter)
            for number, row in enumerate(rows, start=1):
                limits.check_row(row, number, source)
                grid.append(_shared_cells(row, shared))
                if progress is not None and due(number):
                    progress("read", number, part=min(1.0, raw.tell() / size))
        except csv.Error as exc:
            raise file_error(source, msg("file.csv_invalid", why=str(exc))) from exc
    return grid, delimiter


#: distinct short cells kept once by :func:`_shared_cells` (bounds its own memory)
_SHARED_MAX = 100_000


def _shared_cells(row: list[str], shared: dict[str, str]) -> list[str]:
    """``row`` with each short cell seen before replaced by the object seen first: a file's
    repeated values (site, unit, date, supplier) then cost one string each, not one per row."""
    out = []
    for v in row:
        if len(v) <= 64:
            got = shared.get(v)
            if got is None and len(shared) < _SHARED_MAX:
                shared[v] = v
            v = got if got is not None else v
        out.append(v)
    return out


def _read_xlsx(
    path: Path,
    template: Template,
    source: str,
    limits: FileLimits,
    progress: OnProgress | None = None,
) -> tuple[list[list[Any]], FileFormat]:
    check_xlsx_archive(path, source, limits)  # zip bomb, DTD, external links: before parsing
    fast = _read_calamine(path, template, source, limits, progress)
    if fast is not None:
        return fast
    with path.open("rb") as fh:  # closed even when openpyxl fails half-way through
        return _read_workbook(fh, path, template, source, limits, progress)


#: number formats Excel builds in that show a percentage (``0%``, ``0.00%``)
_PERCENT_FORMATS = frozenset({"9", "10"})


def _percent_styles(path: Path) -> bool:
    """True when a cell style of the workbook shows numbers as percentages (python-calamine
    does not say which cells have one; openpyxl, which does, then reads the file). The archive
    was checked first (:func:`check_xlsx_archive`: no DTD, no entity, bounded size)."""
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as z:
            if "xl/styles.xml" not in z.namelist():
                return False
            root = ElementTree.fromstring(z.read("xl/styles.xml"))
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError):
        return True  # let openpyxl say what is wrong
    percent = set(_PERCENT_FORMATS)
    for el in root.iter():
        if el.tag.endswith("}numFmt") and "%" in (el.get("formatCode") or ""):
            percent.add(el.get("numFmtId") or "")
    return any(
        el.tag.endswith("}cellXfs") and any((xf.get("numFmtId") or "0") in percent for xf in el)
        for el in root.iter()
    )


def _calamine_cell(value: Any) -> Any:
    """A python-calamine cell as openpyxl gives it: an empty cell None, a whole number
    beyond 2⁵³ the integer its shortest decimal text names (openpyxl reads ``1.2E+19``
    digits as an int)."""
    if value == "":
        return None
    if type(value) is float and abs(value) >= 2**53 and math.isfinite(value):
        from decimal import Decimal

        return int(Decimal(repr(value)))
    return value


def _read_calamine(
    path: Path,
    template: Template,
    source: str,
    limits: FileLimits,
    progress: OnProgress | None = None,
) -> tuple[list[list[Any]], FileFormat] | None:
    """The cells of a workbook read by python-calamine (a Rust reader, about 10× openpyxl),
    chosen as :func:`_read_workbook` chooses the sheet; None when python-calamine is not
    installed or a style shows percentages and the template has a ``*_pct`` column (openpyxl
    reads it then, decision 0061)."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum
    except ImportError:  # pragma: no cover - an optional reader
        return None
    if any(c.name.endswith("_pct") for c in template.columns) and _percent_styles(path):
        return None
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = [m.name for m in wb.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    except (CalamineError, OSError, ValueError) as exc:
        why = str(exc).replace(str(path), path.name)
        raise file_error(source, msg("file.xlsx_unreadable", why=why)) from exc
    if not names:
        raise file_error(source, msg("file.no_sheet"))

    def grid(name: str, max_row: int | None = None) -> list[list[Any]]:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (CalamineError, ValueError, KeyError, TypeError) as exc:  # as :func:`_defused`
            raise FileLimitError(source, f"the sheet cannot be read safely ({exc})") from exc
        out: list[list[Any]] = []
        width = limits.max_columns + 1
        total = len(rows) if max_row is None else min(max_row, len(rows))
        for number, row in enumerate(rows[:total], start=1):
            cells = [_calamine_cell(v) for v in row[:width]]
            limits.check_row(cells, number, source)
            out.append(cells)
            if progress is not None and max_row is None and due(number):
                progress("read", number, total)
        return out

    named = [n for n in names if n.strip().lower() == template.name]
    chosen = named[0] if named else names[0]
    if not named and len(names) > 1:
        for n in names:
            if _find_header(grid(n, _HEADER_SEARCH_ROWS), template) is not None:
                chosen = n
                break
    return grid(chosen), FileFormat(sheet=chosen)


def _read_workbook(
    fh: BinaryIO,
    path: Path,
    template: Template,
    source: str,
    limits: FileLimits,
    progress: OnProgress | None = None,
) -> tuple[list[list[Any]], FileFormat]:
    import openpyxl  # local: only needed for XLSX

    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it does not read (data validation,
            # conditional formatting, default styles); none of them affects cell values
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:  # defusedxml
        why = str(exc).replace(str(path), path.name)  # openpyxl names the path: never shown
        raise file_error(source, msg("file.xlsx_unreadable", why=why)) from exc
    try:
        sheets = list(wb.worksheets)
        if not sheets:
            raise file_error(source, msg("file.no_sheet"))
        named = [ws for ws in sheets if ws.title.strip().lower() == template.name]
        ws = named[0] if named else _sheet_with_header(sheets, template, source, limits)
        return _sheet_grid(ws, source, limits, progress=progress), FileFormat(sheet=str(ws.title))
    finally:
        wb.close()


def _sheet_with_header(
    sheets: list[Any], template: Template, source: str, limits: FileLimits
) -> Any:
    """The first sheet whose first rows hold a header of ``template`` (else the first sheet)."""
    if len(sheets) == 1:
        return sheets[0]
    for ws in sheets:
        head = _sheet_grid(ws, source, limits, max_row=_HEADER_SEARCH_ROWS)
        if _find_header(head, template) is not None:
            return ws
    return sheets[0]


def _sheet_grid(
    ws: Any,
    source: str,
    limits: FileLimits,
    max_row: int | None = None,
    progress: OnProgress | None = None,
) -> list[list[Any]]:
    """The cells of one sheet (the first ``max_row`` rows, or all), within ``limits``;
    ``progress`` hears ``read`` every :data:`~lingtan.adapters.io.progress.REPORT_EVERY` rows
    (of the rows the sheet declares, when it declares them)."""
    grid: list[list[Any]] = []
    declared = getattr(ws, "max_row", None)
    total = declared if isinstance(declared, int) and declared > 0 else None
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        # one column more than the limit: enough to tell a too-wide row, never padded to
        # the 16,384 columns a forged sheet dimension may declare
        rows = ws.iter_rows(max_col=limits.max_columns + 1, max_row=max_row)
        for number, row in enumerate(_defused(rows, source), start=1):
            cells: list[Any] = []
            for cell in row:
                value = getattr(cell, "value", None)
                fmt = str(getattr(cell, "number_format", "") or "")
                if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt:
                    value = _Percent(value)
                cells.append(value)
            limits.check_row(cells, number, source)
            grid.append(cells)
            if progress is not None and due(number):
                progress("read", number, total if total and total >= number else None)
    return grid


def _defused(rows: Iterable[Any], source: str) -> Iterator[Any]:
    """The sheet's rows; a parse error (defusedxml refusing an entity, broken XML) is an
    :class:`InputFileError`."""
    try:
        yield from rows
    except (ValueError, KeyError, TypeError, zipfile.BadZipFile, SyntaxError) as exc:
        raise FileLimitError(source, f"the sheet cannot be read safely ({exc})") from exc


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------------------------
# Cell typing
# --------------------------------------------------------------------------------------------


def _as_text(value: Any) -> str:
    """A cell as text (numbers from XLSX without a spurious '.0', dates ISO)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return unneutralise(str(value)).strip()  # the quote an export added (decision 0035)


class CellError(ValueError):
    """A cell that is not of its column's kind: ``str(exc)`` is the English reason, ``message``
    the keyed one (decision 0053)."""

    def __init__(self, message: Message) -> None:
        super().__init__(english(message))
        self.message = message


def parse_number(text: str, decimal: str = ".") -> float:
    """A number as people write it: ``1234.5``, ``1,234.5``, ``1 234.5``, full-width digits
    (``１２３４．５``), a leading ``+``, a Unicode minus; with ``decimal=","`` as German or
    French Excel writes it: ``1234,5``, ``1.234,5``, ``1 234,5``.

    Raises:
        ValueError: with a reason, when the text is not such a number or is not finite.
    """
    s = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    s = s.replace("\u00a0", " ").replace("\u202f", " ")
    if decimal == ",":
        if not _COMMA_DECIMAL.match(s):
            raise CellError(msg("intake.number_decimal_comma"))
        s = s.replace(".", "").replace(" ", "").replace(",", ".")
    elif "," in s:
        if not _THOUSANDS_COMMA.match(s):
            raise CellError(msg("row.not_number.thousands"))
        s = s.replace(",", "")
    elif " " in s:
        if not _THOUSANDS_SPACE.match(s):
            raise CellError(msg("row.not_number"))
        s = s.replace(" ", "")
    if "_" in s:
        raise CellError(msg("row.not_number"))
    try:
        v = float(s)
    except ValueError:
        raise CellError(msg("row.not_number")) from None
    if not math.isfinite(v):
        raise CellError(msg("row.not_finite_number"))
    return v


def parse_date(text: str, order: str | None = None) -> date:
    """``YYYY-MM-DD`` (also ``YYYY/M/D``, ``YYYY.M.D``, ``YYYY年M月D日``), ``DD.MM.YYYY`` (the
    German form, day first), and ``D/M/YYYY`` or ``M/D/YYYY`` when only one order gives a date
    (``25/4/2023``) or the order is declared (``order`` ``"dmy"`` or ``"mdy"``, from a
    locale); an optional time is ignored.

    Raises:
        ValueError: with a reason (an ambiguous ``04/05/2023`` without a declared order too).
    """
    s = unicodedata.normalize("NFKC", text).strip()
    m = _DATE.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DAY_FIRST_DOTTED.match(s):
        y, mo, d = int(m.group(3)), int(m.group(2)), int(m.group(1))
    elif m := _DAY_MONTH_YEAR.match(s):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if order == "dmy" or (order is None and a > 12 >= b):
            d, mo = a, b
        elif order == "mdy" or (order is None and b > 12 >= a) or a == b:
            mo, d = a, b
        else:
            # the reason rows have always been given; declaring a locale (de-DE, en-US) decides
            raise CellError(msg("row.not_date"))
    else:
        raise CellError(msg("row.not_date"))
    try:
        return date(y, mo, d)
    except ValueError:
        raise CellError(msg("row.not_calendar_date")) from None


def _type_cell(col: Column, value: Any, decimal: str = ".", order: str | None = None) -> Any:
    """The typed value of one non-blank cell.

    Raises:
        ValueError: with the reason the cell is not of the column's kind.
    """
    kind = col.kind
    if kind in ("text", "unit"):
        return unicodedata.normalize("NFKC", _as_text(value)) if kind == "unit" else _as_text(value)
    if kind == "choice":
        text = _as_text(value)
        found = match_choice(unicodedata.normalize("NFKC", text), col.choices)
        if found is None:
            close = difflib.get_close_matches(text.lower(), col.choices, n=1)
            raise CellError(
                msg("row.choice_invalid.close", choices=col.choices, close=repr(close[0]))
                if close
                else msg("row.choice_invalid", choices=col.choices)
            )
        return found
    if kind in ("number", "integer"):
        if isinstance(value, (bool, datetime, date, time)):
            raise CellError(msg("row.not_number"))
        if isinstance(value, (int, float)):
            v = float(value)
            if isinstance(value, _Percent) and col.name.endswith("_pct"):
                v *= 100.0  # a cell formatted as 40 % holds 0.4
            if not math.isfinite(v):
                raise CellError(msg("row.not_finite_number"))
        else:
            text = str(value).strip()
            if col.name.endswith("_pct") and text.endswith(("%", "％")):
                text = text[:-1]
            v = parse_number(text, decimal)
        if kind == "integer":
            if v != int(v):
                raise CellError(msg("row.not_whole_number"))
            return int(v)
        return v
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise CellError(msg("row.number_not_date"))
        return parse_date(str(value), order)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = _as_text(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError(msg("row.not_bool"))
    raise AssertionError(f"unknown column kind {kind!r}")  # pragma: no cover


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _header_key(value: Any) -> str:
    """A header cell as it is matched: NFKC, stripped, lower case."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().lstrip("\ufeff").strip().lower()


def _column_names(tpl: Template) -> dict[str, Column]:
    """Header names (lower case) → column: each column's name and its aliases (Chinese
    labels, :data:`~lingtan.core.templates.catalogue.ZH_ALIASES`)."""
    names: dict[str, Column] = {}
    for c in tpl.columns:
        for n in (c.name, *c.aliases):
            names.setdefault(_header_key(n), c)
    return names


def _find_header(grid: list[list[Any]], tpl: Template) -> int | None:
    """Index of the first of the first rows that names the template's columns: every
    non-blank cell a column name or alias, each column once, every required column present.
    None: no such row (row 1 is then judged as the header, with its errors)."""
    names = _column_names(tpl)
    required = set(tpl.required_columns)
    for i, row in enumerate(grid[:_HEADER_SEARCH_ROWS]):
        keys = [k for k in (_header_key(v) for v in row) if k]
        if not keys or any(k not in names for k in keys):
            continue
        cols = [names[k].name for k in keys]
        if len(set(cols)) == len(cols) and required <= set(cols):
            return i
    return None


def _header(
    grid: list[list[Any]], tpl: Template, source: str, start: int = 0
) -> tuple[dict[int, Column], list[int]]:
    """Map header positions (row ``start``) to columns; positions of nameless, empty columns
    to ignore."""
    if len(grid) <= start or all(_is_blank(v) for v in grid[start]):
        raise file_error(source, msg("file.no_header"))
    raw = [
        "" if v is None else unicodedata.normalize("NFKC", str(v)).strip().lstrip("\ufeff")
        for v in grid[start]
    ]
    by_name = _column_names(tpl)
    mapping: dict[int, Column] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    nameless: list[int] = []
    for pos, name in enumerate(raw):
        if not name:
            nameless.append(pos)
            continue
        key = name.lower()
        if key in seen:
            duplicates.append(name)
            continue
        seen[key] = pos
        if key in by_name and by_name[key] in mapping.values():  # a name and its alias
            duplicates.append(name)
        elif key in by_name:
            mapping[pos] = by_name[key]
        else:
            unknown.append(name)
    expected = msg(
        "file.template_expects",
        template=tpl.name,
        columns=tuple(tpl.column_names),
        required=tuple(tpl.required_columns),
    )
    if unknown:
        hints: list[Message | str] = []
        for u in unknown:
            close = difflib.get_close_matches(u.lower(), tpl.column_names, n=1, cutoff=0.5)
            hints.append(
                msg("file.column_close", name=repr(u), close=repr(close[0])) if close else repr(u)
            )
        raise file_error(
            source, msg("file.columns_unknown", columns=tuple(hints), expected=expected)
        )
    if duplicates:
        raise file_error(
            source, msg("file.columns_duplicate", columns=tuple(repr(d) for d in duplicates))
        )
    missing = [c for c in tpl.required_columns if c not in {col.name for col in mapping.values()}]
    if missing:
        raise file_error(
            source,
            msg("file.columns_missing", columns=tuple(repr(m) for m in missing), expected=expected),
        )
    for pos in nameless:
        for r, row in enumerate(grid[start + 1 :], start=start + 2):
            if pos < len(row) and not _is_blank(row[pos]):
                raise file_error(
                    source, msg("file.column_nameless", column=_column_letter(pos), row=r)
                )
    return mapping, nameless


def _column_letter(pos: int) -> str:
    """0 → A, 25 → Z, 26 → AA (spreadsheet column names)."""
    letters = ""
    n = pos + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def _type_rows(
    grid: list[list[Any]],
    mapping: dict[int, Column],
    tpl: Template,
    source: str,
    *,
    start: int = 0,
    decimal: str = ".",
    order: str | None = None,
    progress: OnProgress | None = None,
) -> tuple[dict[str, list[Any]], list[int], list[RowIssue], int]:
    """Type every cell of the data rows (below the header, row ``start``; numbers written with
    the ``decimal`` mark, ambiguous d/m dates in ``order``).

    Returns the typed values of the rows without a bad cell (per column), their spreadsheet row
    numbers, the issues of the other rows, and the number of non-blank rows. Text, date, unit and
    choice cells are typed once per distinct value (they repeat a lot).
    """
    width = len(grid[start])
    issues: list[RowIssue] = []
    typed: dict[str, list[Any]] = {c.name: [] for c in tpl.columns}
    source_rows: list[int] = []
    rows_read = 0
    memo: dict[tuple[int, str], tuple[Any, Message | None]] = {}
    lines = len(grid) - start - 1  # data lines below the header (``progress``: check)
    for row_number, row in enumerate(grid[start + 1 :], start=start + 2):
        if progress is not None and due(row_number - start - 2) and row_number > start + 2:
            progress("check", row_number - start - 2, lines)
        if all(_is_blank(v) for v in row):
            continue
        rows_read += 1
        row_issues: list[RowIssue] = []
        extra = [v for v in row[width:] if not _is_blank(v)]
        if extra:
            why = msg("row.extra_cells", cells=len(row), columns=width)
            row_issues.append(row_issue(source, row_number, "", why, _as_text(extra[0])))
        values: dict[str, Any] = {}
        for pos, col in mapping.items():
            raw = row[pos] if pos < len(row) else None
            if _is_blank(raw):
                if col.required:
                    row_issues.append(
                        row_issue(source, row_number, col.name, msg("row.required_empty"))
                    )
                values[col.name] = None
                continue
            key = (pos, raw) if type(raw) is str and col.kind not in _UNMEMOISED else None
            hit = memo.get(key) if key is not None else None
            if hit is None:
                try:
                    hit = (_type_cell(col, raw, decimal, order), None)
                except CellError as exc:
                    hit = (None, exc.message)
                except ValueError as exc:  # pragma: no cover - every reader raises CellError
                    hit = (None, msg("row.cell_invalid", why=str(exc)))
                if key is not None:
                    memo[key] = hit
            value, error = hit
            if error is not None:
                row_issues.append(row_issue(source, row_number, col.name, error, _as_text(raw)))
            values[col.name] = value
        if row_issues:
            issues.extend(row_issues)
            continue
        for col in tpl.columns:
            typed[col.name].append(values.get(col.name))
        source_rows.append(row_number)
    return typed, source_rows, issues, rows_read


def _digest(path: Path) -> tuple[str, bool]:
    """SHA-256 of a file's bytes (hex) and whether they hold a NUL byte (no text file does),
    read in chunks."""
    h = hashlib.sha256()
    nul = False
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            nul = nul or b"\x00" in chunk
    return h.hexdigest(), nul


def _sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_grid(
    path: Path,
    tpl: Template,
    source: str,
    limits: FileLimits,
    encoding: str | None = None,
    progress: OnProgress | None = None,
) -> tuple[list[list[Any]], FileFormat]:
    """The cells of a CSV or XLSX file, row by row, within ``limits``, and how it was read;
    ``progress`` hears ``read`` (rows read) as it goes."""
    if path.suffix.lower() in CSV_SUFFIXES:
        names = frozenset(_column_names(tpl))
        return _read_csv(path, source, limits, names, encoding, progress)
    return _read_xlsx(path, tpl, source, limits, progress)


def _locale(locale: str | None, source: str) -> tuple[str, str | None] | None:
    """(decimal mark, d/m order) of a declared locale (``de-DE``, ``en_US``, ``zh-CN`` …)."""
    if locale is None or not locale.strip():
        return None
    key = locale.strip().lower().replace("_", "-")
    found = LOCALES.get(key) or LOCALES.get(key.split("-")[0])
    if found is None:
        raise file_error(
            source,
            msg(
                "intake.locale_unknown",
                locale=repr(locale),
                languages=tuple(k for k in LOCALES if "-" not in k),
            ),
        )
    return found


def _decimal_mark(
    grid: list[list[Any]],
    start: int,
    mapping: dict[int, Column],
    delimiter: str | None,
    source: str,
) -> str:
    """The decimal mark of the numbers a file writes as text, told from its first
    :data:`_CONVENTION_ROWS` data rows.

    A comma-delimited CSV and an XLSX keep ``.`` (a comma there only groups thousands, as
    before). A ``;`` or tab CSV: a cell such as ``2,5`` or ``1.234,5`` says ``,``; ``2.5`` or
    ``1,234.5`` says ``.``; both kinds → refused; only cells either convention reads
    (``1.234``, ``1,234``) → refused (the locale must be declared); no such cell → ``,`` for
    ``;`` (what German Excel writes), ``.`` for a tab.

    Raises:
        InputFileError: the convention cannot be decided (the message names a cell).
    """
    if delimiter not in (";", "\t"):
        return "."
    positions = [pos for pos, col in mapping.items() if col.kind in _UNMEMOISED]
    comma = dot = ambiguous = None
    for row in grid[start + 1 : start + 1 + _CONVENTION_ROWS]:
        for pos in positions:
            v = row[pos] if pos < len(row) else None
            if type(v) is not str:
                continue
            t = v.strip()
            if comma is None and _COMMA_DECIMAL_EVIDENCE.match(t):
                comma = t
            elif dot is None and _DOT_DECIMAL_EVIDENCE.match(t):
                dot = t
            elif ambiguous is None and _AMBIGUOUS_NUMBER.match(t):
                ambiguous = t
        if comma is not None and dot is not None:
            raise file_error(source, msg("intake.decimal_mixed", comma=repr(comma), dot=repr(dot)))
    if comma is not None:
        return ","
    if dot is not None:
        return "."
    if ambiguous is not None:
        raise file_error(source, msg("intake.decimal_ambiguous", value=repr(ambiguous)))
    return "," if delimiter == ";" else "."


def _with_sources(tpl: Template, column_map: ColumnMapping) -> Template:
    """``tpl`` with each mapped file column as an alias of its column: the delimiter and the
    sheet are then told from the user's header as from the template's (decision 0051)."""
    extra: dict[str, tuple[str, ...]] = {}
    for src, col in column_map.columns.items():
        extra[col] = (*extra.get(col, ()), src)
    return dataclasses.replace(
        tpl,
        columns=tuple(
            dataclasses.replace(c, aliases=(*c.aliases, *extra.get(c.name, ())))
            for c in tpl.columns
        ),
    )


def read_activity_file(
    path: str | PathLike[str],
    *,
    template: str | None = None,
    context: NormaliseContext,
    limits: FileLimits | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    progress: OnProgress | None = None,
    column_map: ColumnMapping | None = None,
    reference: bool = False,
    chunk_rows: int | None = None,
    sink: ActivitySink | None = None,
) -> IntakeResult:
    """Read one activity file of one template and normalise its rows.

    A UTF-8 CSV is streamed in chunks of :data:`CHUNK_ROWS` rows (memory bounded by a chunk;
    :mod:`~lingtan.adapters.io.columnar_csv`), any other file read row by row; either way the
    cells are typed column by column (:mod:`~lingtan.adapters.io.columnar_typing`, decision
    0061), with the same values and issues as the per-cell reader.

    With ``column_map`` (a valid :class:`~lingtan.core.templates.mapping.ColumnMapping`, decision
    0051) the file is the user's own export: its cells become the mapping's template's before
    they are typed, and each row issue names the user's column where one gives the value.

    Args:
        path: a ``.csv`` (UTF-8 with or without BOM, or GB18030) or ``.xlsx`` file.
        template: template name; None = from the file-name prefix (:func:`template_from_filename`).
        context: sites, default region, fiscal calendar, known activity types; its ``source`` is
            replaced by the file name.
        limits: rows, columns, cell length, XLSX expansion (ASVS V12.1); None =
            :meth:`FileLimits.from_env <lingtan.adapters.io.file_limits.FileLimits.from_env>`.
        encoding: a CSV's declared text encoding (``cp1252``, ``gb18030`` …); None = UTF-8, else
            detected (a guess without confidence is refused).
        locale: declared conventions (``de-DE``: decimal comma, day-first dates; ``en-US``:
            decimal point, month-first; ``zh-CN``); None = told from the file (an undecidable
            file is refused).
        progress: hears ``read`` (rows read, with the share of the file read) and ``check``
            (data lines checked of the file's data lines), every
            :data:`~lingtan.adapters.io.progress.REPORT_EVERY` rows and once at each stage's
            end (decision 0052); a file streamed in more than one chunk hears ``check`` with
            the share of the file read (its total is known at its end).
        reference: type every cell one by one (:func:`_type_rows`, the reader before decision
            0061), the reference of the differential tests.
        chunk_rows: rows per chunk (None = :data:`CHUNK_ROWS`; tests use small chunks).
        sink: takes the activities chunk by chunk as they are normalised (the result's
            ``activities`` are then empty): the import's bounded memory.

    Returns:
        The activities (or instruments), every issue, the SHA-256 of the file and the number of
        non-blank data rows read.

    Raises:
        InputFileError: the file cannot be read at all (missing, not CSV/XLSX, no header, unknown
            template, unknown, duplicate or missing required columns, no data rows), or it
            exceeds a limit (:class:`~lingtan.adapters.io.file_limits.FileLimitError`). Nothing
            from it is produced.
    """
    p = Path(path)
    where = str(p)
    if not p.exists():
        raise file_error(where, msg("file.not_found"))
    if not p.is_file():
        raise file_error(where, msg("file.not_a_file"))
    suffix = p.suffix.lower()
    if suffix == ".xls":
        raise file_error(where, msg("file.xls_old"))
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise file_error(where, msg("file.suffix", suffix=repr(p.suffix)))
    tpl = _choose_template(p, template if column_map is None else column_map.template)
    digest, has_nul = _digest(p)
    declared = _locale(locale, where)
    reading = tpl if column_map is None else _with_sources(tpl, column_map)
    lim = limits or FileLimits.from_env()
    ctx = dataclasses.replace(context, source=p.name)
    if (
        not reference
        and column_map is None
        and encoding is None
        and not has_nul
        and suffix in CSV_SUFFIXES
    ):
        from lingtan.adapters.io.columnar_csv import NotStreamableError

        try:
            return _read_streamed(
                p,
                tpl,
                reading,
                where,
                lim,
                declared,
                locale,
                ctx,
                digest,
                progress,
                chunk_rows,
                sink,
            )
        except NotStreamableError:
            if sink is not None:
                sink.reset()
            # read row by row: slower, never different (decision 0061)
        except InputFileError as exc:
            if sink is not None:
                sink.reset()
            if isinstance(exc, FileLimitError):
                raise
            # the row-by-row reader reads the whole file first: its first error is the one
            # the user is told (a limit further down, before a decimal-mark question …)
    grid, fmt = _read_grid(p, reading, where, lim, encoding, progress)
    if column_map is not None:
        try:
            grid = column_map.apply(grid, p.name)
        except MappingError as exc:
            raise InputFileError(
                where, str(exc).removeprefix(f"{p.name}: "), message=msg(exc.key, **exc.params)
            ) from exc
    if progress is not None:
        progress("read", len(grid), len(grid))
    start = _find_header(grid, tpl) or 0
    mapping, _ = _header(grid, tpl, where, start)
    if declared is not None:
        decimal, date_order = declared
    else:
        decimal, date_order = _decimal_mark(grid, start, mapping, fmt.delimiter, where), None
    fmt = dataclasses.replace(fmt, decimal=decimal, header_row=start + 1, locale=locale)
    lines = len(grid) - start - 1
    if reference:
        typed, source_rows, issues, rows_read = _type_rows(
            grid,
            mapping,
            tpl,
            p.name,
            start=start,
            decimal=decimal,
            order=date_order,
            progress=progress,
        )
        del grid  # typed: the cells are not needed any more (peak memory)
        if rows_read == 0:
            raise file_error(where, msg("file.no_data_rows"))
        table = pa.table(
            {
                **{c.name: pa.array(typed[c.name], type=c.arrow_type) for c in tpl.columns},
                "source_row": pa.array(source_rows, type=pa.int32()),
            }
        )
        result = normalise(tpl.name, table, ctx)
        activities, instruments = result.activities, result.instruments
        all_issues = [*issues, *result.issues]
        if sink is not None and activities is not None and activities.num_rows:
            sink.add(activities, tpl.name)
            activities = NORMALISED_SCHEMA.empty_table()
    else:
        width = len(grid[start])
        chunks = _grid_chunks(grid, start, width, chunk_rows or CHUNK_ROWS)
        activities, instruments, all_issues, rows_read = _type_and_normalise(
            chunks, mapping, tpl, ctx, decimal, date_order, lines, progress, sink=sink
        )
        if rows_read == 0:
            raise file_error(where, msg("file.no_data_rows"))
    if progress is not None:
        progress("check", lines, lines)
    return _result(
        tpl, p.name, digest, activities, instruments, all_issues, rows_read, fmt, column_map
    )


#: rows typed and normalised at a time: the memory of one chunk (its text cells, typed
#: columns and activities) is what an import holds besides the accepted rows
CHUNK_ROWS = 50_000


def _result(
    tpl: Template,
    source: str,
    digest: str,
    activities: Any,
    instruments: Any,
    issues: list[RowIssue],
    rows_read: int,
    fmt: FileFormat,
    column_map: ColumnMapping | None,
) -> IntakeResult:
    """The result of a file: issues sorted by row then column, in the user's column names."""
    order = {c.name: i for i, c in enumerate(tpl.columns)}
    all_issues = sorted(issues, key=lambda i: (i.row, order.get(i.field, -1)))
    if column_map is not None:  # the user's column names, where a column gives the value
        all_issues = [
            dataclasses.replace(i, field=column_map.source_of(i.field) or i.field)
            for i in all_issues
        ]
    return IntakeResult(
        template=tpl.name,
        source=source,
        content_sha256=digest,
        activities=activities,
        instruments=instruments,
        issues=all_issues,
        rows_read=rows_read,
        file_format=fmt,
    )


def _grid_chunks(
    grid: list[list[Any]], start: int, width: int, size: int
) -> Iterator[tuple[int, list[Any], list[tuple[int, int, Any]]]]:
    """The data rows of a grid by chunks of ``size`` rows: (spreadsheet row of the chunk's
    first row, its cells per header position, its rows with non-blank cells right of the
    header: (index, cells, first such cell))."""
    for k in range(start + 1, len(grid), size):
        rows = grid[k : k + size]
        columns = [[row[pos] if pos < len(row) else None for row in rows] for pos in range(width)]
        extra: list[tuple[int, int, Any]] = []
        for i, row in enumerate(rows):
            if len(row) > width:
                beyond = [v for v in row[width:] if not _is_blank(v)]
                if beyond:
                    extra.append((i, len(row), beyond[0]))
        yield k + 1, columns, extra


def _type_and_normalise(
    chunks: Iterable[tuple[int, list[Any], list[tuple[int, int, Any]]]],
    mapping: dict[int, Column],
    tpl: Template,
    ctx: NormaliseContext,
    decimal: str,
    order: str | None,
    lines: int | None,
    progress: OnProgress | None,
    share: Callable[[], float] | None = None,
    sink: ActivitySink | None = None,
) -> tuple[Any, Any, list[RowIssue], int]:
    """Type (:func:`~lingtan.adapters.io.columnar_typing.type_chunk`) and normalise chunk by
    chunk (the ``instrument`` template at once: its rows are checked against each other);
    ``progress`` hears ``check`` every :data:`~lingtan.adapters.io.progress.REPORT_EVERY` data
    lines (of ``lines``, or with the ``share`` of the file read when the total is not known
    yet); ``sink`` takes the activities as they come (then returned empty). Returns the
    activities, the instruments, the issues and the non-blank rows."""
    from lingtan.adapters.io.columnar_typing import type_chunk

    activities: list[pa.Table] = []
    typed_instruments: list[pa.Table] = []
    issues: list[RowIssue] = []
    rows_read = 0
    checked = 0  # data lines typed
    for first_row, columns, extra in chunks:
        got = type_chunk(
            columns, first_row, mapping, tpl, ctx.source, decimal=decimal, order=order, extra=extra
        )
        n = len(columns[0]) if columns else 0
        rows_read += got.rows_read
        issues.extend(got.issues)
        if tpl.name == "instrument":
            typed_instruments.append(got.table)
        elif got.table.num_rows:
            result = normalise(tpl.name, got.table, ctx)
            if sink is None:
                activities.append(result.activities)
            elif result.activities.num_rows:
                sink.add(result.activities, tpl.name)
            issues.extend(result.issues)
        if progress is not None:
            every = REPORT_EVERY
            for m in range((checked // every + 1) * every, checked + n + 1, every):
                if lines is None:
                    progress("check", m, part=share() if share else None)
                elif m < lines:
                    progress("check", m, lines)
        checked += n
    if tpl.name == "instrument":
        typed = (
            pa.concat_tables(typed_instruments)
            if typed_instruments
            else tpl.input_schema().empty_table()
        )
        result = normalise(tpl.name, typed, ctx)
        acts = result.activities
        if sink is not None and acts is not None and acts.num_rows:
            sink.add(acts, tpl.name)
            acts = NORMALISED_SCHEMA.empty_table()
        return acts, result.instruments, [*issues, *result.issues], rows_read
    acts = pa.concat_tables(activities) if activities else NORMALISED_SCHEMA.empty_table()
    return acts, None, issues, rows_read


def _read_streamed(
    p: Path,
    tpl: Template,
    reading: Template,
    where: str,
    limits: FileLimits,
    declared: tuple[str, str | None] | None,
    locale: str | None,
    ctx: NormaliseContext,
    digest: str,
    progress: OnProgress | None,
    chunk_rows: int | None,
    sink: ActivitySink | None = None,
) -> IntakeResult:
    """:func:`read_activity_file` of a UTF-8 CSV streamed in chunks
    (:mod:`~lingtan.adapters.io.columnar_csv`): memory bounded by a chunk, whatever the size.

    Raises:
        NotStreamableError: the file is to be read row by row.
    """
    from lingtan.adapters.io.columnar_csv import NotStreamableError, check_cells, open_stream
    from lingtan.adapters.io.columnar_typing import BLANK_TEXT

    stream = open_stream(p, tpl, reading, where, limits)
    size = chunk_rows or CHUNK_ROWS
    head_rows = stream.start + 1
    position = [0.0]

    sample: list[pa.Table] = []  # the first rows, the decimal mark is told from

    def batches() -> Iterator[list[pa.Array]]:
        """Chunks of text columns of ``size`` rows, the first once the rows the decimal mark
        is told from are read (kept in ``sample``); ``progress`` hears ``read``."""
        pending: list[pa.RecordBatch] = []
        have = 0
        done = head_rows
        for batch, part in stream.batches:
            position[0] = part
            if progress is not None:
                every = REPORT_EVERY
                for m in range((done // every + 1) * every, done + batch.num_rows + 1, every):
                    progress("read", m, part=part)
            done += batch.num_rows
            pending.append(batch)
            have += batch.num_rows
            if not sample and have < max(size, _CONVENTION_ROWS):
                continue
            table = pa.Table.from_batches(pending)
            if not sample:
                sample.append(table.slice(0, _CONVENTION_ROWS))
            while table.num_rows >= size:
                yield [c.combine_chunks() for c in table.slice(0, size).columns]
                table = table.slice(size)
            pending, have = table.to_batches(), table.num_rows
        if have:
            table = pa.Table.from_batches(pending)
            if not sample:
                sample.append(table.slice(0, _CONVENTION_ROWS))
            while table.num_rows:
                yield [c.combine_chunks() for c in table.slice(0, size).columns]
                table = table.slice(size)

    source_chunks = batches()
    first_cols = next(source_chunks, None)
    one_chunk = False
    if first_cols is not None:
        peek = next(source_chunks, None)
        one_chunk = peek is None
        chunks_cols: Iterator[list[pa.Array]] = (
            iter([first_cols]) if peek is None else _chained(first_cols, peek, source_chunks)
        )
    else:
        chunks_cols = iter([])
    lines_known: int | None = None
    if one_chunk and first_cols is not None:
        lines_known = len(first_cols[0]) if first_cols else 0
    elif first_cols is None:
        lines_known = 0
    if progress is not None and lines_known is not None:
        total = head_rows + lines_known
        progress("read", total, total)
    if declared is not None:
        decimal, date_order = declared
    else:
        grid: list[list[Any]] = [[]] * head_rows
        if sample:
            cells = [c.to_pylist() for c in sample[0].columns]
            grid += [list(r) for r in zip(*cells, strict=True)]
        decimal = _decimal_mark(grid, stream.start, stream.mapping, stream.delimiter, where)
        date_order = None
    fmt = FileFormat(
        encoding="utf-8-sig" if stream.bom else "utf-8",
        encoding_confidence=1.0,
        delimiter=stream.delimiter,
        decimal=decimal,
        header_row=head_rows,
        locale=locale,
    )
    nameless = [pos for pos in range(stream.width) if pos not in stream.mapping]
    counted = [head_rows]

    def chunks() -> Iterator[tuple[int, list[Any], list[tuple[int, int, Any]]]]:
        for columns in chunks_cols:
            first_row = counted[0] + 1
            check_cells(columns, first_row, limits, where)
            for pos in nameless:  # a cell under no column name: the row-by-row reader says where
                blank = pc.match_substring_regex(columns[pos], BLANK_TEXT)
                if not pc.all(blank).as_py():
                    raise NotStreamableError
            counted[0] += len(columns[0]) if columns else 0
            yield first_row, columns, []

    activities, instruments, issues, rows_read = _type_and_normalise(
        chunks(), stream.mapping, tpl, ctx, decimal, date_order, lines_known, progress,
        share=lambda: position[0], sink=sink,
    )  # fmt: skip
    lines = counted[0] - head_rows
    if progress is not None and lines_known is None:
        total = counted[0]
        progress("read", total, total)
    if rows_read == 0:
        raise file_error(where, msg("file.no_data_rows"))
    if progress is not None:
        progress("check", lines, lines)
    return _result(tpl, p.name, digest, activities, instruments, issues, rows_read, fmt, None)


def _chained(
    first: list[pa.Array], second: list[pa.Array], rest: Iterator[list[pa.Array]]
) -> Iterator[list[pa.Array]]:
    yield first
    yield second
    yield from rest


def read_raw_rows(
    path: str | PathLike[str], template: str
) -> tuple[list[str], dict[int, list[str]]]:
    """The header and the data rows of a file as text, keyed by spreadsheet row number (header
    = row 1): what the user wrote, for exporting rejected rows to fix and re-import.

    Raises:
        InputFileError: the file cannot be read.
    """
    header, rows, _ = read_raw_rows_as(path, template)
    return header, rows


def read_raw_rows_as(
    path: str | PathLike[str],
    template: str,
    *,
    encoding: str | None = None,
    column_map: ColumnMapping | None = None,
) -> tuple[list[str], dict[int, list[str]], FileFormat]:
    """:func:`read_raw_rows` of a file read as it was imported (its declared ``encoding``, its
    ``column_map``: the header is the user's), and how it was read (its delimiter: the rows
    are written back in the file's own conventions, decision 0051).

    Raises:
        InputFileError: the file cannot be read.
    """
    p = Path(path)
    tpl = get_template(template)
    reading = tpl if column_map is None else _with_sources(tpl, column_map)
    grid, fmt = _read_grid(p, reading, str(p), FileLimits.from_env(), encoding)
    if not grid:
        raise file_error(str(p), msg("file.empty"))
    found = _find_header(grid, tpl) if column_map is None else column_map.find_header(grid)
    start = found or 0
    header = [_as_text(v) for v in grid[start]]
    rows = {
        i: [_as_text(v) for v in row] for i, row in enumerate(grid[start + 1 :], start=start + 2)
    }
    return header, rows, fmt


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _example_value(col: Column) -> Any:
    """The example as the XLSX cell value (numbers as numbers, dates as date cells)."""
    if not col.example:
        return None
    try:
        return _type_cell(col, col.example)
    except ValueError:  # pragma: no cover - examples are tested to be valid
        return col.example


def _readme_rows(tpl: Template) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [f"lingtan template: {tpl.name}"],
        [tpl.title, tpl.title_zh],
        [tpl.description],
        ["Each row is one activity. Header on row 1; one row per activity from row 2. "
         "每行一条活动数据；第 1 行为表头，从第 2 行起每行一条记录。"],
        [],
        ["column 列名", "required 必填", "type 类型", "default 默认值",
         "allowed values 可选值", "unit dimension 单位量纲", "description", "说明", "example 示例"],
    ]  # fmt: skip
    for c in tpl.columns:
        rows.append(
            [
                c.name,
                "yes 是" if c.required else "no 否",
                c.kind,
                "" if c.default is None else str(c.default),
                ", ".join(c.choices),
                c.dimension or "",
                c.description,
                c.description_zh,
                c.example,
            ]
        )
    return rows


def write_template(name: str, path: str | PathLike[str], *, site: str | None = None) -> Path:
    """Write an empty template: header and one example row (its ``site`` cell: ``site``, e.g.
    a site of the workspace's boundary, else the catalogue's ``*``).

    CSV (UTF-8 with BOM, so Excel shows Chinese correctly) or XLSX by the path's suffix; an XLSX
    gets a second sheet ``README`` describing each column in English and Chinese.

    Raises:
        UnknownTemplateError: no such template.
        ValueError: the suffix is neither ``.csv`` nor ``.xlsx``.
    """
    tpl = get_template(name)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(safe_row(tpl.column_names))
            writer.writerow(
                safe_row(site if c.name == "site" and site else c.example for c in tpl.columns)
            )
        return p
    if suffix != ".xlsx":
        raise ValueError(f"cannot write a template as {p.suffix!r}; use .csv or .xlsx")
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = tpl.name
    ws.append(list(tpl.column_names))
    ws.append([site if c.name == "site" and site else _example_value(c) for c in tpl.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for pos, col in enumerate(tpl.columns):
        ws.column_dimensions[_column_letter(pos)].width = max(12, len(col.name) + 2)
        if col.kind == "date":
            ws.cell(row=2, column=pos + 1).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    readme = wb.create_sheet("README")
    for row in _readme_rows(tpl):
        readme.append(row)
    for cell in readme[6]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHI", (18, 12, 9, 14, 24, 16, 60, 50, 20), strict=True):
        readme.column_dimensions[letter].width = width
    safe_workbook(wb).save(p)
    return p


def write_all_templates(directory: str | PathLike[str], *, suffix: str = ".csv") -> list[Path]:
    """Write every template into ``directory`` (created if needed) as ``<name><suffix>``."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    return [write_template(name, d / f"{name}{suffix}") for name in TEMPLATES]


ISSUE_COLUMNS = ("file", "row", "column", "reason", "value")


def write_issues_csv(
    issues: Iterable[RowIssue], path: str | PathLike[str], locale: str | None = None
) -> Path:
    """Write a quarantine report: one line per issue (file, row, column, reason, value), UTF-8
    with BOM so that Excel opens it correctly; the reason in ``locale`` (zh-CN, en; None = the
    issue's English text), the column names stay English (a machine reads them back)."""
    p = Path(path)
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ISSUE_COLUMNS)
        for i in issues:
            reason = i.reason if locale is None else issue_reason(i, locale)
            writer.writerow(safe_row([i.source, i.row, i.field, reason, i.value]))
    return p


def read_issues_csv(path: str | PathLike[str]) -> list[RowIssue]:
    """Read back a report written by :func:`write_issues_csv`."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        return [
            RowIssue(r["file"], int(r["row"]), r["column"], r["reason"], r["value"])
            for r in csv.DictReader(fh)
        ]
