"""Reading meter-readings files (issue 16, decision 0071) as activity files are read
(decisions 0050, 0051): encodings, delimiters and decimal marks, Chinese headers, title rows,
column mappings with constants, XLSX; every wrong cell named (file, row, column, keyed reason,
value), timestamps with an offset taken as written and without one in the meter's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import openpyxl
import pytest

from lingtan.adapters.io.reading_files import read_readings_file
from lingtan.core.errors import InputFileError

TZ = {"M1": "Asia/Shanghai", "M2": "Europe/Berlin"}


def _utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def test_a_csv_typed_column_by_column(tmp_path: Path) -> None:
    p = tmp_path / "export.csv"
    p.write_text(
        "Meter system export\n"  # a title row above the header
        "meter,ts,value,quality\n"
        "M1,2024-01-01 00:00,1.5,\n"
        "\n"  # a blank row: counted in the row numbers, not read
        'M1,2024/1/1 0:15,"1,234.5",实测\n'
        "M1,2024-01-01T00:30:00+08:00,3,estimated\n"
        "M2,2024-07-01 00:00,2,\n",
        encoding="utf-8",
    )
    r = read_readings_file(p, tz_of=TZ)
    assert r.issues == []
    assert r.issue_count == 0
    assert (r.delimiter, r.decimal, r.encoding, r.rows_read) == (",", ".", "utf-8", 4)
    rows = r.table.to_pylist()
    assert [x["row"] for x in rows] == [3, 5, 6, 7]
    # local Shanghai (UTC+8) 2024-01-01 00:00 = 2023-12-31 16:00 UTC; an offset as written;
    # Berlin in July is UTC+2 (CEST)
    assert [x["ts"] for x in rows] == [
        _utc(2023, 12, 31, 16),
        _utc(2023, 12, 31, 16, 15),
        _utc(2023, 12, 31, 16, 30),
        _utc(2024, 6, 30, 22),
    ]
    assert [x["value"] for x in rows] == [1.5, 1234.5, 3.0, 2.0]
    assert [x["quality"] for x in rows] == ["measured", "measured", "estimated", "measured"]


def test_every_wrong_cell_is_named(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(
        "meter,ts,value,quality\n"
        "M1,2024-01-01 00:00,x,\n"  # row 2: value
        ",yesterday,1,bad\n"  # row 3: meter, ts and quality
        "M1,2024-01-01 00:15,,\n"  # row 4: no value nor register
        "M1,2024-01-01 00:30,1,,extra\n",  # row 5: a cell too many
        encoding="utf-8",
    )
    r = read_readings_file(p, tz_of=TZ)
    got = [(i.source, i.row, i.field, i.key, i.value) for i in r.issues]
    assert got == [
        ("bad.csv", 2, "value", "readings.err.number", "x"),
        ("bad.csv", 3, "meter", "readings.err.required", ""),
        ("bad.csv", 3, "quality", "readings.err.quality", "bad"),
        ("bad.csv", 3, "ts", "readings.err.ts", "yesterday"),
        ("bad.csv", 4, "value", "readings.err.value_required", ""),
        ("bad.csv", 5, "", "readings.err.cells", ""),
    ]
    assert r.issue_count == 6
    assert r.table.num_rows == 0
    assert "is not a number" in r.issues[0].reason  # English from the catalogue


def test_semicolon_decimal_comma_gb18030_and_chinese_headers(tmp_path: Path) -> None:
    p = tmp_path / "导出.csv"
    text = "表号;时间;读数\n" + "".join(f"M1;2024-01-01 {h:02d}:00;{h},5\n" for h in range(24))
    p.write_bytes(text.encode("gb18030"))
    r = read_readings_file(p, tz_of=TZ, encoding="gb18030")
    assert (r.delimiter, r.decimal, r.encoding) == (";", ",", "gb18030")
    assert r.table.column("value").to_pylist()[:3] == [0.5, 1.5, 2.5]


def test_a_declared_locale_orders_day_and_month(tmp_path: Path) -> None:
    p = tmp_path / "de.csv"
    p.write_text("meter;ts;value\nM2;02.03.2024 00:15;1.234,5\n", encoding="utf-8")
    r = read_readings_file(p, tz_of=TZ, locale="de-DE")
    # 2 March 2024 00:15 CET (UTC+1)
    assert r.table.to_pylist()[0]["ts"] == _utc(2024, 3, 1, 23, 15)
    assert r.table.to_pylist()[0]["value"] == 1234.5
    us = tmp_path / "us.csv"
    us.write_text("meter,ts,value\nM1,03/02/2024 00:00,1\n", encoding="utf-8")
    ambiguous = read_readings_file(us, tz_of=TZ)
    assert [i.key for i in ambiguous.issues] == ["readings.err.ts"]
    told = read_readings_file(us, tz_of=TZ, locale="en-US")  # month first: 2 March
    assert told.table.to_pylist()[0]["ts"] == _utc(2024, 3, 1, 16)


def test_a_column_mapping_with_a_constant_meter(tmp_path: Path) -> None:
    class Mapping:
        columns: ClassVar[dict[str, str]] = {"Zeitstempel": "ts", "Zählerstand": "register"}
        constants: ClassVar[dict[str, str]] = {"meter": "M1"}

    p = tmp_path / "one-meter.csv"
    p.write_text("Zeitstempel,Zählerstand\n2024-01-01 00:15,100\n", encoding="utf-8")
    r = read_readings_file(p, tz_of=TZ, column_map=Mapping())
    assert r.table.to_pylist()[0]["meter"] == "M1"
    assert r.table.to_pylist()[0]["register"] == 100.0


def test_an_xlsx_with_datetime_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sh = wb.active
    assert sh is not None
    sh.append(["meter", "ts_start", "ts_end", "value"])
    sh.append(["M1", datetime(2024, 1, 1, 0, 0), datetime(2024, 1, 1, 0, 15), 2.5])
    p = tmp_path / "r.xlsx"
    wb.save(p)
    r = read_readings_file(p, tz_of=TZ)
    row = r.table.to_pylist()[0]
    assert (row["row"], row["ts"], row["ts_end"], row["value"]) == (
        2,
        _utc(2023, 12, 31, 16),
        _utc(2023, 12, 31, 16, 15),
        2.5,
    )


def test_a_file_without_a_header_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "nothing.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_readings_file(p, tz_of=TZ)
    assert exc.value.message is not None
    assert exc.value.message.key == "readings.file.no_header"


def test_one_zone_shifted_by_its_fixed_offset_and_older_times_by_the_zone_rules(
    tmp_path: Path,
) -> None:
    """A file of one zone with one offset since 1992 (Asia/Shanghai) is converted by that
    offset; a time before it goes through the zone's rules. Shanghai kept DST 1986–1991: local
    1988-07-01 12:00 was UTC+9 (CDT) → 03:00 UTC; 2024-07-01 12:00 is UTC+8 → 04:00 UTC."""
    p = tmp_path / "sh.csv"
    p.write_text("meter,ts,value\nM1,1988-07-01 12:00,1\nM1,2024-07-01 12:00,2\n", encoding="utf-8")
    r = read_readings_file(p, tz_of={"M1": "Asia/Shanghai"})
    assert r.issue_count == 0
    assert [x["ts"] for x in r.table.to_pylist()] == [
        _utc(1988, 7, 1, 3),
        _utc(2024, 7, 1, 4),
    ]
