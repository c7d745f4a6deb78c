"""The supplier register's file (:mod:`lingtan.adapters.io.supplier_files`): header aliases in
Chinese, encodings, the file-level refusals, row errors kept per row, and an export that a
spreadsheet cannot read as formulas and that reads back unchanged."""

from __future__ import annotations

import pytest

from lingtan.adapters.io.supplier_files import (
    SupplierFileError,
    read_supplier_file,
    write_supplier_csv,
    write_supplier_xlsx,
)


def test_chinese_headers_in_gb18030_semicolons_and_flags() -> None:
    data = "供应商代码;法定名称;国家;品类;战略供应商\nS-1;甲公司;CN;ELEC|PCB;是\n".encode("gb18030")
    (row,) = read_supplier_file(data, "s.csv")
    assert row.row == 2
    assert row.values == {"code": "S-1", "legal_name": "甲公司", "country": "CN",
                          "categories": ["ELEC", "PCB"], "strategic": True}  # fmt: skip
    assert row.errors == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "suppliers.file.empty"),
        ("code,legal_name,country,colour\n", "suppliers.file.unknown_column"),
        ("code,legal_name\n", "suppliers.file.missing_column"),
        ("code,code,legal_name,country\n", "suppliers.file.repeated"),
    ],
)
def test_file_level_refusals(text: str, key: str) -> None:
    with pytest.raises(SupplierFileError) as info:
        read_supplier_file(text.encode(), "s.csv")
    assert info.value.message is not None
    assert info.value.message.key == key


def test_row_errors_stay_with_their_row() -> None:
    rows = read_supplier_file(b"code,legal_name,country,strategic\nA,,CN,maybe\nB,B,CN,no\n", "f")
    assert [(e.row, e.column, e.message.key) for e in rows[0].errors] == [
        (2, "strategic", "suppliers.err.flag"),
        (2, "legal_name", "suppliers.file.required"),
    ]
    assert rows[1].errors == ()


def test_export_is_formula_safe_and_reads_back() -> None:
    sup = {"code": "S-1", "legal_name": "=HYPERLINK(\"x\")", "country": "CN", "tier": "1",
           "categories": ["A", "B"], "company_ids": [], "strategic": True, "key_tier1": False,
           "status": "approved"}  # fmt: skip
    csv_bytes = write_supplier_csv([sup])
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in csv_bytes.decode("utf-8-sig")
    for data in (csv_bytes, write_supplier_xlsx([sup])):
        (row,) = read_supplier_file(data, "x")
        assert row.values["legal_name"] == '=HYPERLINK("x")'
        assert row.values["categories"] == ["A", "B"]
        assert row.values["strategic"] is True
        assert row.values["status"] == "approved"
