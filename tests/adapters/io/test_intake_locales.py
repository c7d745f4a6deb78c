"""Reading files as Excel writes them (issue 13 item 1, decision 0050): encodings detected with
confidence, delimiters and decimal marks per file, dates in unambiguous or declared orders, XLSX
title rows, merged header cells and several sheets, Chinese header labels.

Every file is generated here; every expected number is worked out by hand in a comment.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lingtan.adapters.cli.main import app
from lingtan.adapters.io.importer import import_file
from lingtan.adapters.io.intake import FileFormat, parse_date, parse_number, read_activity_file
from lingtan.adapters.store.workspace import init_workspace
from lingtan.core.errors import InputFileError
from lingtan.core.templates import NormaliseContext

SITES = {"TJ01": "CN-TJ", "M01": "DE"}
CTX = NormaliseContext(source="ignored", sites=SITES, default_region="CN")

#: what a German ERP exports through Excel "CSV (Trennzeichen-getrennt)": Windows-1252,
#: ';' between fields, ',' as the decimal mark and '.' between thousands, dates day first
GERMAN_ROWS = [
    "site;date;fuel;quantity;unit;description",
    "M01;01.04.2023;diesel;1.234,5;L;Stadtwerke München, Heizöl für Kessel",
    "M01;02.04.2023;diesel;2,5;L;Größere Lieferung, Straße nach Süden",
    "M01;03.04.2023;natural_gas;12.000;m3;Erdgas Übergabestation Äußere Wiener Straße",
    "M01;04.04.2023;diesel;0,75;L;Prüfstand Öl, Kühlwasser",
]


def _write(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_windows_1252_semicolon_csv_with_decimal_commas(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_muenchen.csv", GERMAN_ROWS, "cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # not UTF-8: ü is the single byte 0xFC
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    rows = res.activities.to_pylist()
    # 1.234,5 = 1234.5; 2,5 = 2.5; 12.000 = 12000 (the file's ',' convention: '.' groups
    # thousands); 0,75 = 0.75
    assert [r["quantity"] for r in rows] == [1234.5, 2.5, 12000.0, 0.75]
    # 01.04.2023 … 04.04.2023 are day first: 1 … 4 April 2023
    assert [r["date"] for r in rows] == [date(2023, 4, d) for d in (1, 2, 3, 4)]
    assert rows[0]["description"] == "Stadtwerke München, Heizöl für Kessel"
    assert "M黱chen" not in str(rows)  # what the GB18030 fallback made of it before
    fmt = res.file_format
    assert (fmt.encoding, fmt.delimiter, fmt.decimal, fmt.header_row) == ("cp1252", ";", ",", 1)
    assert fmt.encoding_confidence is not None
    assert fmt.encoding_confidence >= 0.9


def test_gbk_csv_with_chinese_headers(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_天津.csv", [
        "场所,日期,燃料,数量,单位,备注",
        'TJ01,2023年4月1日,diesel,"1,234.5",升,叉车用柴油',
        "TJ01,2023/4/2,diesel,20,升,发电机备用柴油",
    ], "gbk")  # fmt: skip
    res = read_activity_file(path, context=CTX)
    assert res.issues == []
    rows = res.activities.to_pylist()
    # "1,234.5" (comma-delimited file: ',' groups thousands) = 1234.5; 20 = 20
    assert [r["quantity"] for r in rows] == [1234.5, 20.0]
    assert [r["date"] for r in rows] == [date(2023, 4, 1), date(2023, 4, 2)]
    assert [r["description"] for r in rows] == ["叉车用柴油", "发电机备用柴油"]
    assert rows[0]["unit"] == "升"
    fmt = res.file_format
    assert (fmt.encoding, fmt.delimiter, fmt.decimal) == ("gb18030", ",", ".")


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Hinweise"  # a first sheet without the template's header
    notes.append(["Exported from ERP", "do not edit"])
    ws = wb.create_sheet("Daten")
    ws.append(["Stadtwerke München – Brennstoffe 2023"])  # row 1: title, merged A1:F1
    ws.merge_cells("A1:F1")
    ws.append([])  # row 2: blank
    ws.append(["site", "date", "fuel", "quantity", "unit", "description"])  # row 3: header
    ws.merge_cells("F3:G3")  # the description header cell spans F and G
    ws.append(["M01", date(2023, 4, 1), "diesel", 1234.5, "L", "Heizöl"])  # row 4
    ws.append(["M01", "02.04.2023", "diesel", "2.5", "L", None])  # row 5: text cells
    ws.append(["M01", "2023-04-03", "diesel", "viel", "L", None])  # row 6: a bad quantity
    wb.save(path)
    return path


def test_xlsx_with_title_row_merged_header_and_several_sheets(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "fuel_2023.xlsx")
    res = read_activity_file(path, context=CTX)
    rows = res.activities.to_pylist()
    # row 4: the number cell 1234.5; row 5: the text "2.5" in an XLSX ('.' decimal) = 2.5
    assert [r["quantity"] for r in rows] == [1234.5, 2.5]
    assert [r["date"] for r in rows] == [date(2023, 4, 1), date(2023, 4, 2)]
    assert rows[0]["description"] == "Heizöl"
    # rows are counted as the spreadsheet shows them: the bad quantity is on row 6
    assert [(i.row, i.field, i.value) for i in res.issues] == [(6, "quantity", "viel")]
    assert res.rows_read == 3
    assert res.file_format == FileFormat(sheet="Daten", header_row=3)


def test_low_confidence_encoding_is_refused_until_declared(tmp_path: Path) -> None:
    # two lines, one non-ASCII byte (0xFC): a dozen code pages read it, each differently
    path = tmp_path / "fuel_kurz.csv"
    path.write_bytes(
        b"site;date;fuel;quantity;unit;description\r\nM01;01.04.2023;diesel;2,5;L;\xfc\r\n"
    )
    with pytest.raises(InputFileError) as err:
        read_activity_file(path, context=CTX)
    msg = str(err.value)
    assert msg.startswith(str(path))
    assert "encoding cannot be told with confidence" in msg
    assert "--encoding" in msg
    res = read_activity_file(path, context=CTX, encoding="Windows-1252")
    assert res.activities.column("description").to_pylist() == ["ü"]
    assert res.activities.column("quantity").to_pylist() == [2.5]  # 2,5 with ',' decimal
    assert (res.file_format.encoding, res.file_format.encoding_confidence) == ("cp1252", 1.0)


def test_undecidable_decimal_mark_is_refused_until_the_locale_is_declared(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_x.csv", [
        "site;date;fuel;quantity;unit",
        "M01;2023-04-01;diesel;1.234;L",  # 1234 (de) or 1.234 (en)?
        "M01;2023-04-02;diesel;7;L",
    ], "utf-8")  # fmt: skip
    with pytest.raises(InputFileError) as err:
        read_activity_file(path, context=CTX)
    msg = str(err.value)
    assert msg.startswith(str(path))
    assert "'1.234'" in msg
    assert "declare the locale" in msg
    de = read_activity_file(path, context=CTX, locale="de-DE")
    assert de.activities.column("quantity").to_pylist() == [1234.0, 7.0]  # '.' groups thousands
    assert de.file_format.decimal == ","
    assert de.file_format.locale == "de-DE"
    en = read_activity_file(path, context=CTX, locale="en-US")
    assert en.activities.column("quantity").to_pylist() == [1.234, 7.0]  # '.' is the decimal


def test_mixed_decimal_marks_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_mixed.csv", [
        "site;date;fuel;quantity;unit",
        "M01;2023-04-01;diesel;2,5;L",
        "M01;2023-04-02;diesel;2.5;L",
    ], "utf-8")  # fmt: skip
    with pytest.raises(InputFileError, match=r"both as '2,5' and as '2\.5'"):
        read_activity_file(path, context=CTX)


def test_tab_separated_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_tab.csv", [
        "site\tdate\tfuel\tquantity\tunit",
        "M01\t2023-04-01\tdiesel\t1,234.5\tL",
    ], "utf-8")  # fmt: skip
    res = read_activity_file(path, context=CTX)
    assert res.activities.column("quantity").to_pylist() == [1234.5]  # 1,234.5 = 1234.5
    assert (res.file_format.delimiter, res.file_format.decimal) == ("\t", ".")


def test_ambiguous_slash_dates_need_a_declared_locale(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_dates.csv", [
        "site,date,fuel,quantity,unit",
        "M01,04/05/2023,diesel,1,L",  # 4 May or April 5?
        "M01,25/04/2023,diesel,2,L",  # only day first gives a date: 25 April
    ], "utf-8")  # fmt: skip
    res = read_activity_file(path, context=CTX)
    assert [(i.row, i.field, i.reason) for i in res.issues] == [
        (2, "date", "not a date; write YYYY-MM-DD")
    ]
    assert res.activities.column("date").to_pylist() == [date(2023, 4, 25)]
    de = read_activity_file(path, context=CTX, locale="de-DE")
    assert de.activities.column("date").to_pylist() == [date(2023, 5, 4), date(2023, 4, 25)]
    us = read_activity_file(path, context=CTX, locale="en-US")
    # en-US reads 04/05 as April 5 and 25/04 — no month 25 — as not a date (row 3)
    assert us.activities.column("date").to_pylist() == [date(2023, 4, 5)]
    assert [(i.row, i.reason) for i in us.issues] == [(3, "not a real calendar date")]


def test_unknown_locale_and_encoding_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "fuel_a.csv", ["site,date,fuel,quantity,unit",
                                            "M01,2023-04-01,diesel,1,L"], "utf-8")  # fmt: skip
    with pytest.raises(InputFileError, match="unknown locale 'xx-YY'"):
        read_activity_file(path, context=CTX, locale="xx-YY")
    with pytest.raises(InputFileError, match="unknown encoding 'klingon'"):
        read_activity_file(path, context=CTX, encoding="klingon")


@pytest.mark.parametrize(
    ("text", "order", "value"),
    [("01.04.2023", None, date(2023, 4, 1)), ("2023/4/1", None, date(2023, 4, 1)),
     ("2023年4月1日", None, date(2023, 4, 1)), ("25/04/2023", None, date(2023, 4, 25)),
     ("04/25/2023", None, date(2023, 4, 25)), ("04/05/2023", "dmy", date(2023, 5, 4)),
     ("04/05/2023", "mdy", date(2023, 4, 5)), ("05/05/2023", None, date(2023, 5, 5))],
)  # fmt: skip
def test_parse_date_forms(text: str, order: str | None, value: date) -> None:
    assert parse_date(text, order) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.234,5", 1234.5), ("1234,5", 1234.5), ("1 234,5", 1234.5), ("-0,25", -0.25),
     ("12.000", 12000.0), ("7", 7.0)],
)  # fmt: skip
def test_parse_number_with_decimal_comma(text: str, value: float) -> None:
    assert parse_number(text, ",") == value


@pytest.mark.parametrize("text", ["1,234.5", "1.23,4", "12,5,0"])
def test_parse_number_with_decimal_comma_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="decimals with ','"):
        parse_number(text, ",")


def test_import_report_names_the_encoding_and_conventions(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="Test Co")  # one site: HQ
    lines = [line.replace("M01", "HQ") for line in GERMAN_ROWS]
    path = _write(tmp_path / "fuel_muenchen.csv", lines, "cp1252")
    rep = import_file(ws, path)
    assert (rep.rows_read, rep.rows_accepted, rep.rows_rejected) == (4, 4, 0)
    assert rep.file_format is not None
    assert (rep.file_format.encoding, rep.file_format.delimiter, rep.file_format.decimal) == (
        "cp1252", ";", ",")  # fmt: skip
    stored = ws.activity_files()
    assert stored  # the batch is written


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output


def test_cli_import_declares_encoding_and_locale_and_shows_how_it_read(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws", organisation="Test Co")
    path = tmp_path / "fuel_kurz.csv"
    path.write_bytes(
        b"site;date;fuel;quantity;unit;description\r\nHQ;01.04.2023;diesel;1.234;L;\xfc\r\n"
    )
    code, output = _cli("import", str(path), "--workspace", str(ws.path))
    assert code == 1
    assert "cannot be told with confidence" in output
    code, output = _cli("import", str(path), "--workspace", str(ws.path),
                        "--encoding", "cp1252", "--locale", "de-DE")  # fmt: skip
    assert code == 0, output
    # 1.234 under de-DE = 1234
    assert "1 rows read, 1 accepted" in output
    assert "read as cp1252 (confidence 1.00), ';'-separated, decimal mark ','" in output
