"""Intake: CSV/XLSX activity files → typed rows → activities, with every problem reported.

The spreadsheet row numbers in the expectations are counted by hand (header = row 1).
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lingtan.adapters.io.intake import (
    parse_date,
    parse_number,
    read_activity_file,
    read_issues_csv,
    template_from_filename,
    write_all_templates,
    write_issues_csv,
    write_template,
)
from lingtan.core.errors import InputFileError, RowIssue
from lingtan.core.templates import INSTRUMENT_SCHEMA, NORMALISED_SCHEMA, TEMPLATES, NormaliseContext

SITES = {"TJ01": "CN-TJ", "HF02": "CN-AH"}
CTX = NormaliseContext(source="ignored", sites=SITES, default_region="CN")


def write_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def fill_csv(path: Path, rows: list[list[Any]]) -> None:
    """Append data rows to a template written by write_template (keeping its header)."""
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


# ---- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("name", list(TEMPLATES))
def test_written_template_reads_back_as_one_clean_row(tmp_path: Path, name: str,
                                                      suffix: str) -> None:  # fmt: skip
    path = write_template(name, tmp_path / f"{name}{suffix}")
    res = read_activity_file(path, context=CTX)
    assert res.template == name
    assert res.issues == []
    assert res.rows_read == 1
    if name == "instrument":
        assert res.instruments is not None
        assert res.instruments.num_rows == 1
        assert res.instruments.schema.equals(INSTRUMENT_SCHEMA)
        assert res.activities.num_rows == 0
    else:
        assert res.instruments is None
        assert res.activities.num_rows == 1
        assert res.activities.schema.equals(NORMALISED_SCHEMA)
        assert res.activities.column("source_row").to_pylist() == [2]


def test_xlsx_template_has_a_bilingual_readme(tmp_path: Path) -> None:
    path = write_template("refrigerant", tmp_path / "refrigerant.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["refrigerant", "README"]
    text = "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for row in wb["README"].iter_rows(values_only=True)
    )
    assert "inventory_start" in text
    assert "期初库存" in text
    assert "Refrigerant in storage" in text
    wb.close()


def test_csv_filled_template(tmp_path: Path) -> None:
    path = write_template("commuting", tmp_path / "commuting_2024.csv", site="TJ01")
    fill_csv(path, [
        ["2024-05-01", "", "bus.average", "3", "200", "8", "km", "HF02"] + [""] * 7,
    ])  # fmt: skip
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    got = res.activities.to_pylist()
    # example row: 10 × 220 × 2 × 12.5 = 55 000 pkm; row 3: 3 × 200 × 2 × 8 = 9 600 pkm
    assert [(a["source_row"], a["activity_type"], a["quantity"], a["site"]) for a in got] == [
        (2, "travel.car.average", 55_000.0, "TJ01"),
        (3, "travel.bus.average", 9_600.0, "HF02"),
    ]


def test_xlsx_filled_with_date_numeric_and_percent_cells(tmp_path: Path) -> None:
    path = write_template("end_of_life", tmp_path / "end_of_life.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["end_of_life"]
    header = [c.value for c in ws[1]]
    row = {"date": datetime(2024, 6, 1), "product": "Phone", "units_sold": 2000,
           "mass_per_unit": 0.2, "mass_unit": "kg", "waste_type": "weee",
           "treatment": "landfill", "share_pct": 0.25, "market": "de"}  # fmt: skip
    ws.append([row.get(h) for h in header])
    ws.cell(row=3, column=header.index("share_pct") + 1).number_format = "0%"  # shown as 25 %
    wb.save(path)
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    a = res.activities.to_pylist()[1]
    # 2 000 × 0.2 kg × 25 % = 100 kg = 0.1 t (the 25 % cell holds 0.25)
    assert a["quantity"] == pytest.approx(0.1, rel=1e-12)
    assert (a["date"], a["region"], a["source_row"]) == (date(2024, 6, 1), "DE", 3)


def test_xlsx_sheet_named_like_the_template_is_preferred(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["this sheet is not data"])
    ws = wb.create_sheet("Hotel")
    ws.append(["date", "country", "nights"])
    ws.append([date(2024, 5, 2), "JP", 4])
    path = tmp_path / "hotel_trips.xlsx"
    wb.save(path)
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    assert res.activities.column("activity_type").to_pylist() == ["hotel.JP"]


# ---- encodings and number formats ------------------------------------------------------------


def test_gb18030_csv_from_chinese_excel(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fuel-天津.csv", [
        ["site", "date", "fuel", "quantity", "unit", "description"],
        ["TJ01", "2024/4/1", "diesel", "1,234.5", "升", "叉车用柴油"],
    ], encoding="gb18030")  # fmt: skip
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    a = res.activities.to_pylist()[0]
    assert (a["quantity"], a["unit"], a["description"], a["date"]) == (
        1234.5, "升", "叉车用柴油", date(2024, 4, 1))  # fmt: skip


def test_utf8_bom_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "electricity.csv", [
        ["Site", "Date", "Quantity", "Unit"],  # header case does not matter
        ["TJ01", "2024-04-01", "５２０００", "kWh"],  # full-width digits
    ], encoding="utf-8-sig")  # fmt: skip
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    assert res.activities.column("quantity").to_pylist() == [52_000.0]


def test_content_sha256_is_of_the_file_bytes(tmp_path: Path) -> None:
    import hashlib

    path = write_template("hotel", tmp_path / "hotel.csv")
    res = read_activity_file(path, context=CTX)
    assert res.content_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert res.source == "hotel.csv"


@pytest.mark.parametrize(
    ("text", "value"),
    [("1234.5", 1234.5), ("1,234.5", 1234.5), ("1 234 567", 1234567.0), ("１２３．５", 123.5),
     ("+7", 7.0), ("−2", -2.0), ("1e3", 1000.0), ("12,000", 12000.0)],
)  # fmt: skip
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1,5", "12,00", "abc", "nan", "inf", "1_000", "", "1 23"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2024-04-01", date(2024, 4, 1)), ("2024/4/1", date(2024, 4, 1)),
     ("2024年4月1日", date(2024, 4, 1)), ("2024-04-01 00:00:00", date(2024, 4, 1))],
)  # fmt: skip
def test_parse_date(text: str, value: date) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [("01/04/2024", "write YYYY-MM-DD"), ("2023-02-29", "not a real calendar date")],
)
def test_parse_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)


# ---- bad cells: reported with file, row, column, reason, value --------------------------------


def test_bad_cells_are_reported_and_their_rows_set_aside(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "fuel_2024.csv", [
        ["site", "date", "fuel", "quantity", "unit", "use"],
        ["TJ01", "2024-04-01", "diesel", "10", "L", ""],  # row 2: fine
        ["TJ01", "01/04/2024", "diesel", "abc", "L", "boiler"],  # row 3: three bad cells
        [],  # row 4: blank, skipped
        ["TJ01", "2024-04-03", "", "5", "L", ""],  # row 5: required empty
        ["TJ99", "2024-04-04", "diesel", "5", "kWhh", ""],  # row 6: typed fine, then rejected
        ["TJ01", "2024-04-05", "petrol", "7", "L", "mobile", "extra"],  # row 7: stray cell
    ])  # fmt: skip
    res = read_activity_file(path, context=CTX)
    assert res.rows_read == 5
    assert res.activities.column("source_row").to_pylist() == [2]
    got = [(i.source, i.row, i.field, i.value) for i in res.issues]
    assert got == [
        ("fuel_2024.csv", 3, "date", "01/04/2024"),
        ("fuel_2024.csv", 3, "quantity", "abc"),
        ("fuel_2024.csv", 3, "use", "boiler"),
        ("fuel_2024.csv", 5, "fuel", ""),
        ("fuel_2024.csv", 6, "site", "TJ99"),
        ("fuel_2024.csv", 6, "unit", "kWhh"),
        ("fuel_2024.csv", 7, "", "extra"),
    ]
    text = [str(i) for i in res.issues]
    assert text[0] == ("fuel_2024.csv, row 3, column 'date': not a date; write YYYY-MM-DD "
                       "(value: '01/04/2024')")  # fmt: skip
    assert text[3] == "fuel_2024.csv, row 5, column 'fuel': required value is empty"
    assert "must be one of: stationary, mobile" in text[2]


def test_xlsx_bad_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["site", "date", "quantity", "unit"])
    ws.append(["TJ01", 45383, "x", "kWh"])  # a bare number in a date column; text in a number
    ws.append(["TJ01", datetime(2024, 4, 2), True, "kWh"])  # a boolean is not a quantity
    path = tmp_path / "electricity.xlsx"
    wb.save(path)
    res = read_activity_file(path, context=CTX)
    assert [(i.row, i.field) for i in res.issues] == [(2, "date"), (2, "quantity"),
                                                      (3, "quantity")]  # fmt: skip
    assert "a number, not a date" in res.issues[0].reason
    assert res.activities.num_rows == 0


# ---- unreadable files: one InputFileError, nothing produced ------------------------------------


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"fuel_missing\.csv: file not found"):
        read_activity_file(tmp_path / "fuel_missing.csv", context=CTX)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fuel.pdf", b"%PDF-1.4", "is not a CSV or XLSX file"),
        ("fuel.xls", b"\xd0\xcf\x11\xe0", "old Excel .xls"),
        ("fuel.xlsx", b"not a zip", "is not a readable XLSX workbook"),
        ("fuel.csv", b"", "has no header row"),
        ("fuel.csv", b"site,date,fuel,quantity,unit\r\n", "has no data rows"),
        ("fuel.csv", b"site,date,fuel,quantity,unit\r\n,,,,\r\n", "has no data rows"),
        ("notes.csv", b"a,b\r\n1,2\r\n", "cannot tell the template from the file name"),
        ("fuel.csv", b"site,date,fuel,quantity,unit,Site\r\n", "named more than once: 'Site'"),
        ("fuel.csv", b"site,date,fuel,quantity\r\nTJ01,2024-04-01,diesel,1\r\n",
         "missing required column(s) 'unit'"),
        ("fuel.csv", b"site,date,fuel,qty,unit,\r\nTJ01,2024-04-01,diesel,1,L,\r\n",
         "unknown column(s) 'qty' (did you mean 'quantity'?)"),
        ("fuel.csv", b"site,date,fuel,quantity,unit,\r\nTJ01,2024-04-01,diesel,1,L,9\r\n",
         "column F has values (row 2) but no name"),
        ("fuel.csv", b"\xff\xfe\x00\x00\x81\x30", "neither UTF-8 nor GB18030"),
    ],
)  # fmt: skip
def test_unreadable_files_raise_naming_the_file(tmp_path: Path, name: str, content: bytes,
                                                message: str) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError) as err:
        read_activity_file(path, context=CTX)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_unknown_columns_are_listed_with_the_expected_ones(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "waste.csv", [
        ["date", "waste type", "treatment", "quantity", "unit", "cost"],
        ["2024-04-01", "paper", "recycling", "1", "t", "9"],
    ])  # fmt: skip
    with pytest.raises(InputFileError) as err:
        read_activity_file(path, context=CTX)
    msg = err.value.reason
    assert "unknown column(s) 'waste type' (did you mean 'waste_type'?), 'cost'" in msg
    assert "template 'waste' expects: date, period_end, waste_type, treatment" in msg
    assert "(required: date, waste_type, treatment, quantity, unit)" in msg


def test_explicit_template_overrides_the_file_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "january.csv", [["date", "country", "nights"],
                                                ["2024-05-01", "FR", "2"]])  # fmt: skip
    assert read_activity_file(path, template="Hotel", context=CTX).activities.num_rows == 1
    with pytest.raises(InputFileError, match="unknown template 'hotels'; did you mean 'hotel'"):
        read_activity_file(path, template="hotels", context=CTX)


@pytest.mark.parametrize(
    ("file_name", "template"),
    [("fuel.csv", "fuel"), ("fuel_2023.xlsx", "fuel"), ("electricity-tianjin.csv", "electricity"),
     ("vehicle_distance.2024.csv", "vehicle_distance"), ("Energy_FY24.CSV", "energy"),
     ("end_of_life-eu.csv", "end_of_life"), ("fuels.csv", None), ("notes.csv", None),
     ("activity.csv", "activity")],
)  # fmt: skip
def test_template_from_filename(file_name: str, template: str | None) -> None:
    assert template_from_filename(file_name) == template


# ---- writing ---------------------------------------------------------------------------------


def test_write_all_templates(tmp_path: Path) -> None:
    paths = write_all_templates(tmp_path / "templates")
    assert sorted(p.name for p in paths) == sorted(f"{n}.csv" for n in TEMPLATES)
    xlsx = write_all_templates(tmp_path / "x", suffix=".xlsx")
    assert all(p.suffix == ".xlsx" and p.stat().st_size > 0 for p in xlsx)


def test_write_template_rejects_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"use \.csv or \.xlsx"):
        write_template("fuel", tmp_path / "fuel.json")


def test_issues_csv_round_trip(tmp_path: Path) -> None:
    issues = [RowIssue("fuel.csv", 3, "quantity", "not a number", "abc"),
              RowIssue("fuel.csv", 7, "", "the row has values beyond the last named column",
                       "x, y")]  # fmt: skip
    path = write_issues_csv(issues, tmp_path / "quarantine.csv")
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == "file,row,column,reason,value"
    assert read_issues_csv(path) == issues


# ---- nothing is dropped ----------------------------------------------------------------------

_CELLS: dict[str, list[str]] = {
    "site": ["TJ01", "HF02", "*", "tj01", "XX", "", " "],
    "date": ["2024-04-01", "2024/5/6", "2024-13-01", "yesterday", "", "2023-04-01 00:00:00"],
    "fuel": ["diesel", "Natural Gas", "", "lpg"],
    "quantity": ["10", "1,234.5", "-3", "abc", "", "0", "1e400", "１２"],
    "unit": ["L", "kg", "kWh", "km", "", "bogus", "升"],
    "use": ["", "stationary", "MOBILE", "flying"],
    "period_end": ["", "2024-04-30", "2025-06-30", "2024-03-01"],
    "dq_reliability": ["", "1", "5", "9", "2.5"],
}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _CELLS.items()}),
                max_size=15))  # fmt: skip
def test_rows_read_equals_rows_in_activities_or_issues(rows: list[dict[str, str]]) -> None:
    header = list(_CELLS)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "fuel_prop.csv", [header] + [[r[h] for h in header]
                                                                  for r in rows])  # fmt: skip
        if all(all(not v.strip() for v in r.values()) for r in rows):
            with pytest.raises(InputFileError, match="no data rows"):
                read_activity_file(path, context=CTX)
            return
        res = read_activity_file(path, context=CTX)
    ok = set(res.activities.column("source_row").to_pylist())
    bad = {i.row for i in res.issues}
    assert ok.isdisjoint(bad)
    expected_rows = {n for n, r in enumerate(rows, start=2) if any(v.strip() for v in r.values())}
    assert ok | bad == expected_rows
    assert res.rows_read == len(ok | bad)
    assert res.activities.num_rows == len(ok)
