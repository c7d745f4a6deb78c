"""The training attendance file reader (decision 0067): CSV and XLSX, Chinese header aliases,
shape errors named by file, row and column."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from lingtan.adapters.io.training_files import TrainingFileError, read_attendance_file


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_with_chinese_headers_and_a_date_cell() -> None:
    data = _xlsx([
        ["活动", "类型", "标题", "日期", "姓名", "供应商", "是否完成"],
        ["ESG-DAY", "conference", "供应商ESG日", datetime(2023, 11, 8), "李雷", "S-A", "是"],
        [None, None, None, None, None, None, None],  # an empty row is skipped
        ["ESG-DAY", None, None, None, "", "S-A", None],  # person missing: row 4
    ])  # fmt: skip
    rows, errors = read_attendance_file(data, "training.xlsx")
    assert [r.row for r in rows] == [2, 4]
    assert rows[0].values == {"event": "ESG-DAY", "kind": "conference", "title": "供应商ESG日",
                              "date": "2023-11-08", "person": "李雷", "supplier": "S-A",
                              "completed": "是"}  # fmt: skip
    assert [(e.source, e.row, e.column) for e in errors] == [("training.xlsx", 4, "person")]


def test_csv_semicolon_and_shape_errors() -> None:
    rows, errors = read_attendance_file(b"event;person\nW1;Li Lei\n", "a.csv")
    assert rows[0].values == {"event": "W1", "person": "Li Lei"}
    assert errors == []
    with pytest.raises(TrainingFileError) as e:
        read_attendance_file(b"event,person,shoe size\nW1,x,42\n", "b.csv")
    assert e.value.message is not None
    assert e.value.message.key == "supplier_programmes.file.unknown_column"
    with pytest.raises(TrainingFileError) as e:
        read_attendance_file(b"event,supplier\nW1,S-A\n", "c.csv")
    assert e.value.message is not None
    assert e.value.message.params["columns"] == "person"
    with pytest.raises(TrainingFileError):
        read_attendance_file(b"", "d.csv")
