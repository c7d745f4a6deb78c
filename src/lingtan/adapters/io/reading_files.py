"""Reading meter-readings files (CSV, XLSX) into typed columns (issue 16 item 1, decision 0071).

The file is read as activity files are (decisions 0050, 0051, 0061): a CSV in UTF-8 (BOM
optional), in the declared ``encoding``, else in the encoding charset-normalizer is confident of
(:func:`lingtan.adapters.io.intake.detect_encoding`; such a file is transcoded to UTF-8 once);
delimiter ``,`` ``;`` or tab told from the header; decimal mark from the declared ``locale``
(:data:`lingtan.adapters.io.intake.LOCALES`) or from the file (a ``;``/tab file writing
``2,5`` uses a decimal comma); an XLSX through the archive checks of
:mod:`lingtan.adapters.io.grid_files`. The header is the first of the first 20 rows that names
the meter and a value or register column, in English or by the Chinese labels of
:data:`ALIASES`, or through a column mapping (file column → field, and constants such as the
meter of a one-meter export).

Columns (:data:`COLUMNS`): ``meter``; ``ts`` (interval start of an interval meter; the time
of the register of a cumulative meter) or ``ts_start``/``ts_end``; ``value`` [meter unit, raw,
before the meter's multiplier] or ``register``; optional ``quality`` (measured | estimated) and
``minutes``. A timestamp with an offset (``2024-01-01T00:15:00+08:00``, ``…Z``) is taken as
written; one without is local time of the meter's time zone.

Typing is column-wise: Arrow parses the CSV (multi-threaded, all cells as text) and one DuckDB
query types every cell; only the cells that fail are looked at one by one (their reason keyed:
file, row, column, reason, value) — a million-row file is never a million Python objects.
"""

from __future__ import annotations

import codecs
import functools
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from lingtan.adapters.i18n.rows import file_error, row_issue
from lingtan.core.errors import InputFileError, RowIssue
from lingtan.core.messages import Message, msg

#: the fields of a readings file
COLUMNS: tuple[str, ...] = (
    "meter", "ts", "ts_start", "ts_end", "value", "register", "quality", "minutes",
)  # fmt: skip
#: header aliases (Chinese exports of meter systems, and common English names)
ALIASES: dict[str, str] = {
    "表计编号": "meter", "表号": "meter", "电表编号": "meter", "计量点": "meter",
    "meter_code": "meter", "meter_id": "meter", "时间": "ts", "时间戳": "ts",
    "采集时间": "ts", "抄表时间": "ts", "timestamp": "ts", "time": "ts", "datetime": "ts",
    "开始时间": "ts_start", "start": "ts_start", "结束时间": "ts_end", "end": "ts_end",
    "读数": "value", "数值": "value", "用量": "value", "电量": "value", "kwh": "value",
    "表码": "register", "示数": "register", "表底": "register", "质量": "quality",
    "数据质量": "quality", "间隔": "minutes", "间隔分钟": "minutes",
}  # fmt: skip
QUALITY_WORDS: dict[str, str] = {
    "": "measured", "measured": "measured", "实测": "measured", "estimated": "estimated",
    "估算": "estimated", "估计": "estimated", "预估": "estimated",
}  # fmt: skip
_HEADER_ROWS = 20
_BLOCK = 1 << 24
_SAMPLE = 1 << 20
_ZIP = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"

#: typed columns of :class:`ReadingsFile` (``row``: the spreadsheet row number)
TYPED_SCHEMA = pa.schema(
    [
        pa.field("row", pa.int64()),
        pa.field("meter", pa.string()),
        pa.field("ts", pa.timestamp("us", tz="UTC")),
        pa.field("ts_end", pa.timestamp("us", tz="UTC")),
        pa.field("value", pa.float64()),
        pa.field("register", pa.float64()),
        pa.field("quality", pa.string()),
        pa.field("minutes", pa.int64()),
    ]
)


@dataclass
class ReadingsFile:
    """A readings file, typed.

    Attributes:
        table: :data:`TYPED_SCHEMA`, the rows whose cells all typed (times UTC; ``ts`` null
            when only ``ts_end`` was given).
        issues: the first ``max_issues`` wrong cells (file, row, column, keyed reason, value).
        issue_count: how many cells were wrong in all.
        rows_read: data rows read (blank rows not counted).
        encoding, delimiter, decimal: how the file was read (None for XLSX).
    """

    table: pa.Table
    issues: list[RowIssue] = field(default_factory=list)
    issue_count: int = 0
    rows_read: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    decimal: str = "."


# -- header ---------------------------------------------------------------------------------------


def _key(cell: Any) -> str:
    import unicodedata

    text = "" if cell is None else unicodedata.normalize("NFKC", str(cell))
    return text.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _names(header: list[Any], column_map: Mapping[str, str]) -> list[str]:
    """Field of each header cell ("" for a column not read)."""
    mapped = {_key(k): v for k, v in column_map.items()}
    out = []
    for cell in header:
        k = _key(cell)
        name = mapped.get(k) or ALIASES.get(str(cell or "").strip()) or ALIASES.get(k) or k
        out.append(name if name in COLUMNS else "")
    return out


def _is_header(names: list[str], constants: Mapping[str, str]) -> bool:
    have = set(names) | set(constants)
    return "meter" in have and bool(have & {"value", "register"})


def _mapping_parts(column_map: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(file column → field, field → constant) of a column mapping: a plain mapping of
    columns, or an object with ``columns`` and ``constants`` (a
    :class:`~lingtan.core.templates.mapping.ColumnMapping`)."""
    if column_map is None:
        return {}, {}
    if isinstance(column_map, Mapping):
        return {str(k): str(v) for k, v in column_map.items()}, {}
    cols = {str(k): str(v) for k, v in getattr(column_map, "columns", {}).items()}
    consts = {str(k): str(v) for k, v in getattr(column_map, "constants", {}).items()}
    return cols, consts


def _check_header(names: list[str], constants: Mapping[str, str], source: str) -> None:
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise file_error(source, msg("readings.file.repeated", columns=", ".join(twice)))
    have = set(names) | set(constants)
    if not have & {"ts", "ts_start", "ts_end"}:
        raise file_error(source, msg("readings.file.missing_column", columns="ts"))


# -- CSV ------------------------------------------------------------------------------------------


def _utf8_path(path: Path, encoding: str | None, source: str, tmp: Path) -> tuple[Path, str]:
    """``path`` if it is UTF-8 (or declared so), else a UTF-8 copy in ``tmp``; and the codec."""
    from lingtan.adapters.io.intake import detect_encoding

    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding.strip()).name
        except LookupError:
            raise file_error(
                source, msg("intake.encoding_unknown", encoding=repr(encoding))
            ) from None
    else:
        try:
            sample.decode("utf-8")
            return path, "utf-8-sig" if sample.startswith(_BOM) else "utf-8"
        except UnicodeDecodeError as exc:
            if exc.start >= len(sample) - 4 and len(sample) == _SAMPLE:
                return path, "utf-8"  # a character cut by the sample's end
            if sample.startswith(_BOM):
                raise file_error(source, msg("file.bom_not_utf8", why=str(exc))) from exc
        codec, _ = detect_encoding(sample, source)
    if codec in ("utf_8", "utf-8", "utf_8_sig", "utf-8-sig"):
        return path, codec
    out = tmp / "utf8.csv"
    dec = codecs.getincrementaldecoder(codec)()
    try:
        with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            for chunk in iter(lambda: src.read(_BLOCK), b""):
                dst.write(dec.decode(chunk))
            dst.write(dec.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        key = "intake.encoding_not_as_declared" if encoding else "intake.encoding_breaks"
        raise file_error(source, msg(key, encoding=codec, why=exc.reason)) from exc
    return out, codec


def _head_rows(path: Path, delimiter: str) -> list[list[str]]:
    import csv
    import io

    with path.open(encoding="utf-8-sig", newline="") as fh:
        head = fh.read(64 * 1024)
    lines = head.splitlines()[:_HEADER_ROWS]
    return [next(csv.reader(io.StringIO(line), delimiter=delimiter), []) for line in lines]


def _sniff(
    path: Path, cols: Mapping[str, str], consts: Mapping[str, str], source: str
) -> tuple[str, int, list[str]]:
    """(delimiter, header index, field names): the delimiter whose split of a row among the
    first 20 names the meter and a value/register column."""
    best: tuple[int, str, int, list[str]] | None = None
    for delim in (",", ";", "\t", "|"):
        for i, row in enumerate(_head_rows(path, delim)):
            names = _names(row, cols)
            if _is_header(names, consts):
                score = sum(1 for n in names if n)
                if best is None or score > best[0]:
                    best = (score, delim, i, names)
                break
    if best is None:
        raise file_error(source, msg("readings.file.no_header"))
    return best[1], best[2], best[3]


def _read_csv_text(
    path: Path, delimiter: str, start: int, width: int, source: str
) -> tuple[pa.Table, np.ndarray, list[int]]:
    """The data rows below the header as text columns ``c0``…, their line numbers, and the
    line numbers of rows with another number of cells."""
    names = [f"c{i}" for i in range(width)]

    def read(threads: bool, skipped: list[int]) -> pa.Table:
        def handler(row: Any) -> str:
            skipped.append(row.number if row.number is not None else -1)
            return "skip"

        return pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(
                skip_rows=start + 1, column_names=names, block_size=_BLOCK, use_threads=threads,
                encoding="utf8",
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=False,
                invalid_row_handler=handler,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True,
            ),
        )  # fmt: skip

    skipped: list[int] = []
    try:
        table = read(True, skipped)
        if skipped:
            skipped = []
            table = read(False, skipped)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise file_error(source, msg("readings.file.unreadable", why=str(exc)[:200])) from exc
    first = start + 2  # 1-based line of the first data row
    n = table.num_rows
    lines = np.arange(first, first + n + len(skipped), dtype=np.int64)
    if skipped:
        lines = lines[~np.isin(lines, np.asarray(skipped, dtype=np.int64))][:n]
    return table, lines[:n], sorted(s for s in skipped if s > 0)


# -- XLSX -----------------------------------------------------------------------------------------


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.isoformat(" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _read_xlsx_text(
    data: bytes, source: str, cols: Mapping[str, str], consts: Mapping[str, str]
) -> tuple[pa.Table, np.ndarray, list[str]]:
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    try:
        grid = read_grid(data, source)
    except GridFileError as exc:
        raise file_error(source, msg("readings.file.unreadable", why=exc.reason)) from exc
    i = 0
    for i, row in enumerate(grid[:_HEADER_ROWS]):  # noqa: B007 - i is the header's index
        names = _names(list(row), cols)
        if _is_header(names, consts):
            break
    else:
        raise file_error(source, msg("readings.file.no_header"))
    width = len(names)
    body = grid[i + 1 :]
    columns = {
        f"c{j}": pa.array([_cell_text(r[j]) if j < len(r) else "" for r in body], pa.string())
        for j in range(width)
    }
    lines = np.arange(i + 2, i + 2 + len(body), dtype=np.int64)
    return pa.table(columns), lines, names


# -- typing ---------------------------------------------------------------------------------------

_NUM_DOT = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_NUM_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"
_NUM_COMMA = r"^[+-]?(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+)(,\d+)?$"
_TS_YMD = r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
_TS_OFFSET = r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"
_TS_DM = r"^\d{1,2}[./]\d{1,2}[./]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$"
_DMY = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
_MDY = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"]


def _num_sql(col: str, decimal: str) -> str:
    """A DuckDB expression typing the text column ``col`` as DOUBLE (NULL when it is not a
    number of the file's convention; the caller refuses NaN and infinities). A plain decimal is
    one cast (the common case, no pattern matched); only other cells are matched against the
    forms of :func:`lingtan.adapters.io.intake.parse_number`."""
    t = f"trim({col})"
    if decimal == ",":
        return (
            f"CASE WHEN regexp_full_match({t}, '{_NUM_COMMA}') THEN TRY_CAST(replace(replace("
            f"replace({t}, '.', ''), ' ', ''), ',', '.') AS DOUBLE) END"
        )
    slow = (
        f"CASE WHEN regexp_full_match({t}, '{_NUM_DOT}') THEN TRY_CAST({t} AS DOUBLE) "
        f"WHEN regexp_full_match({t}, '{_NUM_THOUSANDS}') THEN TRY_CAST(replace({t}, ',', '') "
        "AS DOUBLE) END"
    )
    fast = f"TRY_CAST({col} AS DOUBLE)"
    return f"CASE WHEN contains({col}, '_') THEN NULL ELSE coalesce({fast}, {slow}) END"


def _given(col: str) -> str:
    """True for a cell that is not blank (empty, or blanks only: trimmed only when it starts
    with a blank)."""
    blank_first = " OR ".join(f"prefix({col}, chr({c}))" for c in (32, 9, 160, 12288))
    # prefix() compares bytes; ascii() decoded the first character of every cell (4× slower)
    return (
        f"(CASE WHEN {col} = '' THEN false WHEN {blank_first} THEN trim({col}) <> '' ELSE true END)"
    )


def _has_offset(col: str) -> str:
    """True for a time written with a UTC offset or ``Z`` after ``YYYY-MM-DD hh:mm``."""
    cheap = (
        f"contains({col}, 'Z') OR contains({col}, 'z') OR contains({col}, '+') "
        f"OR contains(substr({col}, 11), '-')"
    )
    rx = f"regexp_matches({col}, '(Z|z|[+-]\\d\\d(:?\\d\\d)?)\\s*$')"
    # the pattern only where a cheap test finds a character an offset needs (CASE evaluates
    # its branch for those rows only: most cells are never matched against it)
    return f"(CASE WHEN strlen({col}) > 16 AND ({cheap}) THEN {rx} ELSE false END)"


def _ts_sql(col: str, order: str | None) -> tuple[str, str]:
    """DuckDB expressions typing text ``col`` as a timestamp: (TIMESTAMPTZ when it carries an
    offset, else NULL; naive TIMESTAMP else NULL) — ``YYYY-MM-DD[ hh:mm[:ss]]`` (one cast, the
    common case; also with ``/``, ``.`` or 年月日), ``DD.MM.YYYY``, and D/M/Y or M/D/Y by the
    locale's order or when only one reading is a date."""
    t = f"replace(replace(replace(replace(trim({col}), '年', '-'), '月', '-'), '日', ''), '/', '-')"
    ymd = f"regexp_replace({t}, '^(\\d{{4}})\\.(\\d{{1,2}})\\.(\\d{{1,2}})', '\\1-\\2-\\3')"
    dm = f"trim({col})"
    if order == "dmy":
        dm_expr = f"try_strptime({dm}, {_DMY!r})"
    elif order == "mdy":
        dm_expr = f"try_strptime({dm}, {_MDY!r})"
    else:
        a = f"try_strptime({dm}, {_DMY!r})"
        b = f"try_strptime({dm}, {_MDY!r})"
        dm_expr = f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL OR {a} = {b} THEN {a} END"
    slow = (
        f"CASE WHEN regexp_full_match({ymd}, '{_TS_YMD}') THEN TRY_CAST({ymd} AS TIMESTAMP) "
        f"WHEN regexp_full_match({dm}, '{_TS_DM}') THEN {dm_expr} END"
    )
    fast = f"TRY_CAST({col} AS TIMESTAMP)"
    offset = _has_offset(col)
    naive = f"CASE WHEN {col} = '' OR {offset} THEN NULL ELSE coalesce({fast}, {slow}) END"
    # nested CASE, not ``offset AND pattern``: DuckDB evaluated both sides of the AND for
    # every row (the rewrite and pattern cost a quarter of the typing of a plain file)
    aware = (
        f"CASE WHEN {offset} THEN (CASE WHEN regexp_full_match({ymd}, '{_TS_OFFSET}') "
        f"THEN TRY_CAST({ymd} AS TIMESTAMPTZ) END) END"
    )
    return aware, naive


def _decimal(
    table: pa.Table, names: list[str], delimiter: str | None, locale: str | None, source: str
) -> tuple[str, str | None]:
    """(decimal mark, d/m order) from the declared locale, else from the file."""
    from lingtan.adapters.io.intake import LOCALES

    order: str | None = None
    if locale and locale.strip():
        key = locale.strip().lower().replace("_", "-")
        found = LOCALES.get(key) or LOCALES.get(key.split("-")[0])
        if found is None:
            raise file_error(
                source,
                msg("intake.locale_unknown", locale=repr(locale),
                    languages=tuple(k for k in LOCALES if "-" not in k)),
            )  # fmt: skip
        return found
    if delimiter not in (";", "\t"):
        return ".", order
    cells: list[str] = []
    for name in ("value", "register"):
        if name in names:
            col = table.column(f"c{names.index(name)}").slice(0, 5000).to_pylist()
            cells.extend(c.strip() for c in col if c)
    comma = next((c for c in cells if re.fullmatch(r"[+-]?\d+(\.\d{3})*,\d+", c)), None)
    dot = next((c for c in cells if re.fullmatch(r"[+-]?\d+\.(\d{1,2}|\d{4,})", c)), None)
    if comma and dot:
        raise file_error(source, msg("intake.decimal_mixed", comma=repr(comma), dot=repr(dot)))
    if dot:
        return ".", order
    return ("," if delimiter == ";" else "."), order


@functools.lru_cache(maxsize=64)
def _fixed_since(tz: str) -> tuple[datetime, int] | None:
    """(local time from which ``tz`` keeps one UTC offset, that offset [s]) — the first of
    the year after the last month whose first day had another offset (each month's first
    day sampled from 1900 to 2100, so a DST season or a change of standard time is seen);
    None for a zone that still changes (DST) or an unknown one."""
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(tz)
    except (KeyError, ValueError):
        return None
    last = datetime(2100, 1, 1, tzinfo=zone).utcoffset()
    if last is None:
        return None
    for year in range(2099, 1899, -1):
        for month in (12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1):
            if datetime(year, month, 1, tzinfo=zone).utcoffset() != last:
                if year >= 2090:
                    return None
                return datetime(year + 1, 1, 1), int(last.total_seconds())
    return datetime(1900, 1, 1), int(last.total_seconds())


def _local_to_utc(naive: str, zone: str, one_zone: str | None) -> str:
    """DuckDB expression: the naive local time ``naive`` of ``zone`` as a naive UTC TIMESTAMP.
    For one zone whose offset has not changed since some year (Asia/Shanghai since 1991) the
    offset is subtracted (integer arithmetic) for times after it; else ``timezone()`` (ICU,
    DST-aware, several times dearer per row)."""
    slow = f"CAST(timezone({zone}, {naive}) AS TIMESTAMP)"
    fixed = _fixed_since(one_zone) if one_zone else None
    if fixed is None:
        return slow
    since, offset = fixed
    return (
        f"CASE WHEN {naive} >= TIMESTAMP '{since:%Y-%m-%d %H:%M:%S}' "
        f"THEN {naive} - INTERVAL {offset} SECOND ELSE {slow} END"
    )


def _type(
    raw: pa.Table,
    lines: np.ndarray,
    names: list[str],
    constants: Mapping[str, str],
    tz_of: Mapping[str, str],
    default_tz: str,
    decimal: str,
    order: str | None,
    source: str,
    max_issues: int,
) -> tuple[pa.Table, list[RowIssue], int, int]:
    """Type the text columns in one DuckDB query; the wrong cells listed (the first
    ``max_issues``) and counted."""
    from lingtan.adapters.io.readings_store import connect

    def col(field: str) -> str:
        if field in names:
            return f"r.c{names.index(field)}"
        if field in constants:
            return "'" + constants[field].replace("'", "''") + "'"
        return "''"

    has = {f for f in COLUMNS if f in names or f in constants}
    tzs = pa.table(
        {
            "meter": pa.array(list(tz_of), pa.string()),
            "tz": pa.array(list(tz_of.values()), pa.string()),
        }
    )
    width = raw.num_columns
    raw = raw.append_column("line", pa.array(lines, pa.int64()))
    ts_fields = [f for f in ("ts", "ts_start", "ts_end") if f in has]
    texts = ["meter", "value", "register", "quality", "minutes", *ts_fields]
    zones = set(tz_of.values()) | {default_tz}
    one_zone = next(iter(zones)) if len(zones) == 1 else None
    with connect() as con:
        con.register("raw", raw)
        con.register("tzs", tzs)
        # a blank cell: empty, or blanks only (trimmed only when it starts with one)
        blank = " AND ".join(f"NOT {_given(f'r.c{i}')}" for i in range(width))
        blank = f"CASE WHEN {_given('r.c0')} THEN false ELSE ({blank}) END"
        ts_cols = []
        for f in ts_fields:
            aware, naive = _ts_sql(col(f), order)
            ts_cols.append(f"{aware} AS {f}_aware, {naive} AS {f}_naive")
        quality = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in QUALITY_WORDS.items())
        m = col("meter")
        q = col("quality")
        select = ", ".join(
            [
                "r.line AS row",
                *(f"{_given(col(f))} AS {f}_given" for f in texts if f != "quality"),
                f"CASE WHEN prefix({m}, ' ') OR suffix({m}, ' ') OR contains({m}, chr(9)) "
                f"THEN trim({m}) ELSE {m} END AS meter",
                f"{_num_sql(col('value'), decimal)} AS value",
                f"{_num_sql(col('register'), decimal)} AS register",
                f"CASE WHEN {q} = '' THEN 'measured' ELSE (CASE lower(trim({q})) {quality} END) "
                "END AS quality",
                f"TRY_CAST({col('minutes')} AS BIGINT) AS minutes",
                *ts_cols,
            ]
        )
        cells = f"SELECT {select} FROM raw r WHERE NOT ({blank})"
        # the timestamps in UTC: an offset as written, else local time of the meter's zone
        # (one zone for every meter: a constant, no look-up per row)
        # (UTC as a naive TIMESTAMP: Arrow labels it UTC afterwards for free, where a cast to
        # TIMESTAMPTZ in DuckDB went through ICU for every row)
        zone = f"'{one_zone}'" if one_zone else f"coalesce(z.tz, '{default_tz}')"
        local = {f: _local_to_utc(f"t.{f}_naive", zone, one_zone) for f in ts_fields}
        utc = {f: f"coalesce(CAST(t.{f}_aware AS TIMESTAMP), {local[f]})" for f in ts_fields}
        start = utc.get("ts") or utc.get("ts_start") or "CAST(NULL AS TIMESTAMP)"
        if "ts" in utc and "ts_start" in utc:
            start = f"coalesce({utc['ts']}, {utc['ts_start']})"
        end = utc.get("ts_end", "CAST(NULL AS TIMESTAMP)")
        checks: list[tuple[str, str, str]] = [  # (condition of a wrong cell, field, key)
            ("t.meter = ''", "meter", "readings.err.required"),
            ("(t.value IS NULL OR NOT isfinite(t.value)) AND t.value_given", "value",
             "readings.err.number"),
            ("(t.register IS NULL OR NOT isfinite(t.register)) AND t.register_given",
             "register", "readings.err.number"),
            ("t.value IS NULL AND t.register IS NULL AND NOT t.value_given "
             "AND NOT t.register_given", "value", "readings.err.value_required"),
            ("t.quality IS NULL", "quality", "readings.err.quality"),
            ("(t.minutes IS NULL OR t.minutes <= 0) AND t.minutes_given", "minutes",
             "readings.err.minutes"),
        ]  # fmt: skip
        for f in ts_fields:
            checks.append(
                (f"t.{f}_aware IS NULL AND t.{f}_naive IS NULL AND t.{f}_given", f,
                 "readings.err.ts")
            )  # fmt: skip
        if ts_fields:
            none = " AND ".join(
                f"t.{f}_aware IS NULL AND t.{f}_naive IS NULL AND NOT t.{f}_given"
                for f in ts_fields
            )
            checks.append((none, ts_fields[0], "readings.err.ts_required"))
        if "ts_end" in utc:
            checks.append(
                (f"({end}) IS NOT NULL AND ({start}) IS NOT NULL AND ({end}) <= ({start})",
                 "ts_end", "readings.err.ts_order")
            )  # fmt: skip
        # a row is good when no check holds (NULL counts as not holding)
        bad_any = " OR ".join(f"coalesce({c}, false)" for c, _, _ in checks)
        join = "" if one_zone else " LEFT JOIN tzs z ON z.meter = t.meter"
        # one pass: the cells typed, converted and checked straight into Arrow (a view: not
        # materialised; only a file with wrong cells is looked at again, to list them)
        con.execute(
            f"CREATE TEMP VIEW typed AS WITH t AS ({cells}) "
            f"SELECT t.*, {start} AS ts_utc, {end} AS ts_end_utc, "
            f"NOT ({bad_any}) AS ok FROM t{join}"
        )
        whole = con.sql(
            "SELECT row, meter, ts_utc AS ts, ts_end_utc AS ts_end, "
            "CAST(value AS DOUBLE) AS value, CAST(register AS DOUBLE) AS register, "
            "quality, minutes, ok FROM typed" + (" ORDER BY row" if join else "")
        ).to_arrow_table()
        rows_read = whole.num_rows
        ok = whole.column("ok")
        issues: list[RowIssue] = []
        n_bad = 0
        if int(pc.sum(ok).as_py() or 0) < rows_read:
            cases = ", ".join(
                f"CASE WHEN coalesce({c}, false) THEN '{f}|{k}' END" for c, f, k in checks
            )
            con.execute(
                "CREATE TEMP TABLE bad AS SELECT t.row, unnest(list_filter("
                f"[{cases}], lambda x: x IS NOT NULL)) AS bad "
                f"FROM typed t{join} WHERE NOT t.ok"
            )
            n_bad = int(con.execute("SELECT count(*) FROM bad").fetchall()[0][0])
            text_cases = " ".join(
                f"WHEN split_part(b.bad, '|', 1) = '{f}' THEN trim(CAST({col(f)} AS VARCHAR))"
                for f in texts
            )
            for row, bad, value in con.execute(
                f"SELECT b.row, b.bad, CASE {text_cases} ELSE '' END FROM bad b "
                f"JOIN raw r ON r.line = b.row ORDER BY b.row, b.bad LIMIT {int(max_issues)}"
            ).fetchall():
                fld, key = bad.split("|")
                issues.append(
                    row_issue(
                        source, int(row), fld, Message(key, {"value": value or ""}), value or ""
                    )
                )
            whole = whole.filter(ok)
        table = whole.drop_columns(["ok"])
    return table.cast(TYPED_SCHEMA), issues, n_bad, rows_read


def read_readings_file(
    path: Path,
    *,
    encoding: str | None = None,
    locale: str | None = None,
    column_map: Any = None,
    tz_of: Mapping[str, str] | None = None,
    default_tz: str = "Asia/Shanghai",
    max_issues: int = 1000,
) -> ReadingsFile:
    """Read and type a readings file (module docstring).

    Args:
        path: the CSV or XLSX file.
        encoding: declared encoding of a CSV (None: told from the file).
        locale: declared locale (decimal mark and day/month order), e.g. ``de-DE``.
        column_map: file column → field (or a mapping with ``columns`` and ``constants``).
        tz_of: meter code → IANA time zone, for timestamps without an offset.
        default_tz: the zone of a meter not in ``tz_of`` (its rows are refused later anyway).
        max_issues: wrong cells listed (all are counted).

    Raises:
        InputFileError: the file cannot be read (encoding, no header, repeated columns).
    """
    p = Path(path)
    source = p.name
    cols, consts = _mapping_parts(column_map)
    with p.open("rb") as fh:
        magic = fh.read(4)
    with tempfile.TemporaryDirectory(prefix="lingtan-readings-") as tmp:
        if magic == _ZIP:
            raw, lines, names = _read_xlsx_text(p.read_bytes(), source, cols, consts)
            codec: str | None = None
            delimiter: str | None = None
            skipped: list[int] = []
        else:
            utf8, codec = _utf8_path(p, encoding, source, Path(tmp))
            delimiter, start, names = _sniff(utf8, cols, consts, source)
            raw, lines, skipped = _read_csv_text(utf8, delimiter, start, len(names), source)
        _check_header(names, consts, source)
        decimal, order = _decimal(raw, names, delimiter, locale, source)
        table, issues, n_bad, rows_read = _type(
            raw,
            lines,
            names,
            consts,
            dict(tz_of or {}),
            default_tz,
            decimal,
            order,
            source,
            max_issues,
        )
    cells = [
        row_issue(source, line, "", msg("readings.err.cells", n=len(names))) for line in skipped
    ]
    issues = sorted([*cells, *issues], key=lambda i: i.row)[:max_issues]
    return ReadingsFile(
        table, issues, n_bad + len(cells), rows_read + len(cells), codec, delimiter, decimal
    )


__all__ = [
    "ALIASES",
    "COLUMNS",
    "TYPED_SCHEMA",
    "InputFileError",
    "ReadingsFile",
    "read_readings_file",
]
