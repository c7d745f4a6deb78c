"""Differential tests of the columnar intake (decision 0061): the streamed, column-by-column
reader gives exactly what the per-cell reader gives (``reference=True``) — the same activities,
instruments, issues (file, row, column, reason key and parameters, value), rows read and file
format — on files with every kind of bad cell, in chunks of any size, and on every template's
example."""

from __future__ import annotations

import csv
import random
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lingtan.adapters.io import intake
from lingtan.adapters.io.intake import IntakeResult, read_activity_file, write_all_templates
from lingtan.core.templates import TEMPLATES, NormaliseContext

SITES = {"TJ01": "CN-TJ", "HF02": "CN-AH"}
CTX = NormaliseContext(source="ignored", sites=SITES, default_region="CN")

FUEL_HEADER = [
    "site", "date", "period_end", "fuel", "quantity", "unit", "use", "description", "tier",
    "dq_temporal", "dq_geographical",
]  # fmt: skip

#: one row per kind of cell the reader must type or refuse (comment: what the row holds)
FUEL_ROWS: list[list[str]] = [
    ["TJ01", "2023-04-01", "", "diesel", "1200", "L", "stationary", "ok", "", "1", "2"],
    ["TJ01", "2023/4/2", "2023-04-30", "diesel", "1,234.5", "L", "mobile", "", "", "", ""],
    ["", "2023-04-03", "", "diesel", "5", "L", "", "", "", "", ""],  # site required, empty
    ["TJ01", "not a date", "", "diesel", "5", "L", "", "", "", "", ""],  # date invalid
    ["TJ01", "04/05/2023", "", "diesel", "5", "L", "", "", "", "", ""],  # ambiguous d/m
    ["TJ01", "25/4/2023", "", "diesel", "5", "L", "", "", "", "", ""],  # day first, clear
    ["TJ01", "2023-02-30", "", "diesel", "5", "L", "", "", "", "", ""],  # no such day
    ["TJ01", "2023年4月5日", "", "diesel", "5", "L", "", "", "", "", ""],  # Chinese date
    ["TJ01", "05.04.2023", "", "diesel", "5", "L", "", "", "", "", ""],  # German date
    ["TJ01", "2023-04-06", "", "diesel", "abc", "L", "", "", "", "", ""],  # not a number
    ["TJ01", "2023-04-06", "", "diesel", "1,23", "L", "", "", "", "", ""],  # bad thousands
    ["TJ01", "2023-04-06", "", "diesel", "inf", "L", "", "", "", "", ""],  # not finite
    ["TJ01", "2023-04-06", "", "diesel", "1e3", "L", "", "", "", "", ""],  # exponent: 1000
    ["TJ01", "2023-04-06", "", "diesel", "１２３４．５", "L", "", "", "", "", ""],  # full width
    ["TJ01", "2023-04-06", "", "diesel", "\u22125", "L", "", "", "", "", ""],  # Unicode minus
    ["TJ01", "2023-04-06", "", "diesel", " 12 ", "L", "", "", "", "", ""],  # blanks around
    ["TJ01", "2023-04-06", "", "diesel", "1_000", "L", "", "", "", "", ""],  # underscore
    ["TJ01", "2023-04-06", "", "diesel", "1 234.5", "L", "", "", "", "", ""],  # space groups
    ["TJ01", "2023-04-06", "", "diesel", "+.5", "L", "", "", "", "", ""],  # sign, no digit
    ["TJ01", "2023-04-06", "", "diesel", "-3", "L", "", "", "", "", ""],  # negative
    ["TJ01", "2023-04-06", "", "diesel", "1" * 400, "L", "", "", "", "", ""],  # overflows
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "", "", "", "2.5", "3.0"],  # not whole
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "", "", "", "+4", "9"],  # out of range
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "stationery", "", "", "", ""],  # close
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "xyz", "", "", "", ""],  # no choice
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", " Mobile ", "", "", "", ""],  # case
    ["TJ01", "2023-04-06", "", "diesel", "7", "litre", "", "", "", "", ""],  # a unit spelt
    ["TJ01", "2023-04-06", "", "diesel", "7", "kWh", "", "", "", "", ""],  # energy: ok
    ["TJ01", "2023-04-06", "", "diesel", "7", "furlong", "", "", "", "", ""],  # wrong kind
    ["TJ01", "2023-04-06", "", "diesel", "7", "zorkmid", "", "", "", "", ""],  # unknown
    ["TJ01", "2023-04-06", "", "diesel", "7", "ｋｇ", "", "", "", "", ""],  # full-width unit
    ["XX99", "2023-04-06", "", "diesel", "7", "L", "", "", "", "", ""],  # unknown site
    ["TJ01", "2023-04-06", "2023-04-01", "diesel", "7", "L", "", "", "", "", ""],  # end < start
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "", "'=SUM(A1)", "", "", ""],  # quoted
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "", "\u3000wide blank\u3000", "", "", ""],
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "", "\x1cfile sep", "", "", ""],
    ["", "", "", "", "", "", "", "", "", "", ""],  # blank row: skipped, still numbered
    [" ", "\t", "\u3000", "", "", "", "", "", "", "", ""],  # blanks only: skipped
    ["TJ01", "2023-04-06", "", "", "", "", "", "", "", "", ""],  # three required empty
    ["TJ01", "2023-04-06", "", "柴油", "7", "升", "固定", "", "", "", ""],  # Chinese values
    ["HF02", "2023-04-06 10:30", "", "natural_gas", "0.25", "m3", "", "", "measured", "", ""],
    ["TJ01", "2023-04-06", "", "diesel", "7", "L", "", "", "guessed", "", ""],  # bad tier
]


def _same(a: IntakeResult, b: IntakeResult) -> None:
    assert a.template == b.template
    assert a.rows_read == b.rows_read
    assert a.file_format == b.file_format
    assert [(i.source, i.row, i.field, i.key, dict(i.params), i.value) for i in a.issues] == [
        (i.source, i.row, i.field, i.key, dict(i.params), i.value) for i in b.issues
    ]
    assert a.issues == b.issues
    assert a.activities.equals(b.activities)
    if a.instruments is None:
        assert b.instruments is None
    else:
        assert a.instruments.equals(b.instruments)


def _both(path: Path, **kw: Any) -> IntakeResult:
    """The file read the reference way and the columnar way (in one chunk, and in chunks of
    3 rows), compared; returns the columnar result."""
    ref = read_activity_file(path, context=CTX, reference=True, **kw)
    got = read_activity_file(path, context=CTX, **kw)
    _same(ref, got)
    _same(ref, read_activity_file(path, context=CTX, chunk_rows=3, **kw))
    return got


def _write(path: Path, rows: list[list[Any]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def test_every_kind_of_cell_reads_as_the_per_cell_reader_reads_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel.csv", [FUEL_HEADER, *FUEL_ROWS])
    got = _both(path)
    # hand-checked: 42 data rows, 2 blank → 40 read; the clean row 2 (1200 L) is accepted
    assert got.rows_read == 40
    assert got.activities.column("source_row").to_pylist()[0] == 2
    kinds = {i.key for i in got.issues}
    assert {"row.required_empty", "row.not_date", "row.not_calendar_date", "row.not_number",
            "row.not_number.thousands", "row.not_finite_number", "row.not_whole_number",
            "row.choice_invalid.close", "row.choice_invalid"} <= kinds  # fmt: skip


def test_title_rows_a_bom_and_a_declared_locale(tmp_path: Path) -> None:
    path = tmp_path / "fuel.csv"
    rows = [["Fuel report 2023"], [], FUEL_HEADER, *FUEL_ROWS]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    got = _both(path)
    assert got.file_format.header_row == 3
    assert got.file_format.encoding == "utf-8-sig"
    _both(path, locale="en-GB")  # 04/05/2023 is then 4 May


def test_decimal_comma_file(tmp_path: Path) -> None:
    # the rows without a point or comma in a number cell, then numbers written the German way
    rows = [r for r in FUEL_ROWS if not any(c in r[i] for i in (4, 9, 10) for c in ".,")]
    rows += [["TJ01", "2023-04-06", "", "diesel", v, "L", "", "", "", "", ""]
             for v in ("1.234,5", "1 234,5", "2,5", "-0,25", "1.23,4", "12.345")]  # fmt: skip
    path = _write(tmp_path / "fuel.csv", [FUEL_HEADER, *rows], delimiter=";")
    got = _both(path)
    assert got.file_format.decimal == ","


def test_ragged_rows_and_extra_cells_are_read_row_by_row_alike(tmp_path: Path) -> None:
    rows: list[list[str]] = [FUEL_HEADER, FUEL_ROWS[0], ["TJ01", "2023-04-07"],
                             [*FUEL_ROWS[0], "", "stray"], [*FUEL_ROWS[1], ""]]  # fmt: skip
    _both(_write(tmp_path / "fuel.csv", rows))


def test_percent_cells_of_a_pct_column(tmp_path: Path) -> None:
    header = ["site", "date", "gas", "method", "unit", "charge", "leak_rate_pct"]
    rows = [header] + [
        ["TJ01", "2023-04-01", "R410A", "screening", "kg", "10", v]
        for v in ("5", "5 %", "5%", "5％", "5%%", "x%", " 2.5 % ", "1,000.5%")
    ]
    _both(_write(tmp_path / "refrigerant.csv", rows))


def test_random_numbers_read_alike(tmp_path: Path) -> None:
    rnd = random.Random(61)
    values = []
    for _ in range(3000):
        x = rnd.choice([rnd.uniform(-1e6, 1e6), rnd.random(), float(rnd.randint(0, 10**12))])
        form = rnd.choice(["{:.17g}", "{:.3f}", "{:,.2f}", "{:.0f}", "{}", "{:.12f}"])
        values.append(form.format(x))
    header = ["site", "date", "fuel", "quantity", "unit", "dq_temporal"]
    rows = [header] + [
        ["TJ01", "2023-04-01", "diesel", v.lstrip("-"), "L", rnd.choice(["1", "5", "2.0", "6"])]
        for v in values
    ]
    _both(_write(tmp_path / "fuel.csv", rows))


def test_an_xlsx_of_mixed_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "fuel"
    ws.append(FUEL_HEADER)
    for r in FUEL_ROWS:
        if "\x1c" not in "".join(r):  # a control character no worksheet holds
            ws.append(r)
    ws.append(["TJ01", datetime(2023, 4, 9), date(2023, 4, 30), "diesel", 12.5, "L", "", 3, "",
               1, 2.5])  # fmt: skip
    ws.append(["TJ01", 45000, None, "diesel", True, "L", None, None, None, 1.0, None])
    ws.append(["TJ01", "2023-04-10", None, "diesel", float("nan"), "L"])
    path = tmp_path / "fuel.xlsx"
    wb.save(path)
    _both(path)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_template_example_reads_alike(tmp_path: Path, suffix: str) -> None:
    for path in write_all_templates(tmp_path, suffix=suffix):
        got = _both(path)
        assert got.issues == []
    assert len(list(tmp_path.iterdir())) == len(TEMPLATES)


def test_a_plain_utf8_csv_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "fuel.csv", [FUEL_HEADER, *FUEL_ROWS])
    ref = read_activity_file(path, context=CTX, reference=True)

    def never(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("read row by row")

    monkeypatch.setattr(intake, "_read_grid", never)
    _same(ref, read_activity_file(path, context=CTX, chunk_rows=7))


# ---- XLSX: python-calamine reads as openpyxl -------------------------------------------------


def _openpyxl_and_calamine(path: Path, monkeypatch: pytest.MonkeyPatch) -> IntakeResult:
    """The workbook read by openpyxl (the reference, per cell) and by python-calamine
    (columnar), compared."""
    with monkeypatch.context() as m:
        m.setattr(intake, "_read_calamine", lambda *_a, **_k: None)
        ref = read_activity_file(path, context=CTX, reference=True)
    got = read_activity_file(path, context=CTX)
    _same(ref, got)
    return got


def test_calamine_reads_mixed_cells_title_rows_and_sheets_as_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = openpyxl.Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "notes"
    notes.append(["nothing to import here"])
    ws = wb.create_sheet("data")  # not named like the template: found by its header
    ws.append(["Fuel report FY2023"])
    ws.merge_cells("A1:D1")
    ws.append([])
    ws.append(FUEL_HEADER)
    for r in FUEL_ROWS:
        if "\x1c" not in "".join(r):
            ws.append(r)
    ws.append(["TJ01", datetime(2023, 4, 9), date(2023, 4, 30), 12345678901234567000, 12.5,
               "L", None, 3, None, 1, 2.5])  # fmt: skip
    ws.append(["TJ01", 45000, None, "diesel", True, "L", None, None, None, 1.0, None])
    path = tmp_path / "fuel.xlsx"
    wb.save(path)
    got = _openpyxl_and_calamine(path, monkeypatch)
    assert got.file_format.sheet == "data"
    assert got.file_format.header_row == 3


def test_a_percent_styled_workbook_is_read_by_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "refrigerant"
    ws.append(["site", "date", "gas", "method", "unit", "charge", "leak_rate_pct"])
    ws.append(["TJ01", "2023-04-01", "R410A", "screening", "kg", 10, 0.05])
    ws["G2"].number_format = "0%"
    path = tmp_path / "refrigerant.xlsx"
    wb.save(path)
    assert intake._percent_styles(path)
    got = _openpyxl_and_calamine(path, monkeypatch)
    assert got.issues == []  # 0.05 shown as 5 %: a leak rate of 5 (per cent)


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_calamine_reads_every_template_example_as_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    from lingtan.adapters.io.intake import write_template

    path = write_template(name, tmp_path / f"{name}.xlsx")
    assert _openpyxl_and_calamine(path, monkeypatch).issues == []


def test_the_blank_class_is_pythons_isspace() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from lingtan.adapters.io.columnar_typing import BLANK_TEXT

    chars = [chr(c) for c in range(0x3100)]
    got = pc.match_substring_regex(pa.array(chars), BLANK_TEXT).to_pylist()
    assert got == [c.isspace() for c in chars]


def test_a_streamed_file_reports_real_counts_per_chunk(tmp_path: Path) -> None:
    rows = [["site", "date", "fuel", "quantity", "unit"]]
    rows += [["TJ01", "2023-04-01", "diesel", str(i), "L"] for i in range(5000)]
    path = _write(tmp_path / "fuel.csv", rows)
    calls: list[tuple[str, int, int | None]] = []

    def hear(stage: str, done: int, total: int | None = None, *, part: float | None = None) -> None:
        calls.append((stage, done, total))

    got = read_activity_file(path, context=CTX, chunk_rows=1000, progress=hear)
    assert got.rows_read == 5000
    checks = [(d, t) for s, d, t in calls if s == "check"]
    # every 2,000 data lines checked (the total not known while streaming), then all 5,000
    assert checks == [(2000, None), (4000, None), (5000, 5000)]
    reads = [(d, t) for s, d, t in calls if s == "read"]
    assert reads[-1] == (5001, 5001)  # the header and the 5,000 data lines
    assert [d for d, _ in reads[:-1]] == [2000, 4000]
