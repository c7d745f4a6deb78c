"""Hostile activity files are refused with a clear error before they cost memory or time
(ASVS V12.1.2 decompression bombs, V5.5.2 XML entities, V12.1.1 limits; decision 0037).

Every file is generated here: an XLSX zip bomb (a sheet of a few MB of repeated rows that
compresses to KBs), a billion-laughs and an external-entity sheet, a workbook linking another
workbook, CSVs too wide, too long or with a huge cell. Each is refused by
:func:`~lingtan.adapters.io.intake.read_activity_file` with a
:class:`~lingtan.adapters.io.file_limits.FileLimitError` naming the file and the reason.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from defusedxml import EntitiesForbidden

from lingtan.adapters.io.file_limits import MIB, FileLimitError, FileLimits
from lingtan.adapters.io.intake import read_activity_file, write_template
from lingtan.core.templates import NormaliseContext

HEADER = "site,date,period_end,quantity,unit,source,supplier"
ROW = "TJ01,2024-04-01,2024-04-30,52000,kWh,grid,State Grid Tianjin"
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    "</sheetData></worksheet>"
)
XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def _context() -> NormaliseContext:
    return NormaliseContext(source="", sites={"TJ01": "CN-TJ"}, default_region="CN")


@pytest.fixture(scope="module")
def template_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid electricity workbook (openpyxl's own parts) to derive hostile ones from."""
    return write_template("electricity", tmp_path_factory.mktemp("tpl") / "electricity.xlsx")


def _rewrite(src: Path, dest: Path, replace: dict[str, bytes], add: dict[str, bytes] = {}) -> Path:  # noqa: B006
    """A copy of the workbook ``src`` with parts replaced or added (zip deflated)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dest


def _sheet(rows: int) -> bytes:
    """A worksheet part of ``rows`` identical rows (no ``r`` references, which are optional:
    the part compresses several hundred times)."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in ROW.split(","))
    body = f"<row>{cells}</row>" * rows
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def _refused(path: Path, limits: FileLimits | None = None) -> str:
    with pytest.raises(FileLimitError) as err:
        read_activity_file(path, template="electricity", context=_context(), limits=limits)
    assert err.value.source.endswith(path.name)
    return err.value.reason


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_zip_bomb_is_refused_from_its_declared_size(template_xlsx: Path, tmp_path: Path) -> None:
    sheet = _sheet(30_000)  # ≈ 8 MB of XML
    bomb = _rewrite(
        template_xlsx, tmp_path / "electricity_bomb.xlsx", {"xl/worksheets/sheet1.xml": sheet}
    )
    assert bomb.stat().st_size < len(sheet) / 50  # it really is a bomb: KBs on disk
    reason = _refused(bomb, FileLimits(max_xlsx_expanded_bytes=4 * MIB))
    assert "expands to" in reason
    assert "zip bomb" in reason
    # with the default size limit the part's compression ratio alone refuses it
    assert "compressed" in _refused(bomb)


def test_billion_laughs_is_refused(template_xlsx: Path, tmp_path: Path) -> None:
    path = _rewrite(
        template_xlsx,
        tmp_path / "electricity_laughs.xlsx",
        {"xl/worksheets/sheet1.xml": LAUGHS.encode()},
    )
    assert "document type" in _refused(path)
    # and openpyxl alone (without lingtan's pre-check) refuses the entities too (defusedxml)
    with path.open("rb") as fh, pytest.raises(ValueError, match="Unable to read") as err:
        openpyxl.load_workbook(fh, read_only=True)
    assert isinstance(err.value.__cause__ or err.value.__context__, EntitiesForbidden)


def test_external_entity_is_refused(template_xlsx: Path, tmp_path: Path) -> None:
    path = _rewrite(
        template_xlsx, tmp_path / "electricity_xxe.xlsx", {"xl/worksheets/sheet1.xml": XXE.encode()}
    )
    reason = _refused(path)
    assert "entit" in reason
    assert "passwd" not in reason


def test_external_workbook_link_is_refused(template_xlsx: Path, tmp_path: Path) -> None:
    link = (
        b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><externalBook/></externalLink>'
    )
    path = _rewrite(
        template_xlsx,
        tmp_path / "electricity_link.xlsx",
        {},
        {"xl/externalLinks/externalLink1.xml": link},
    )
    assert "external links" in _refused(path)


def test_forged_sheet_dimension_does_not_pad_rows(template_xlsx: Path, tmp_path: Path) -> None:
    """A sheet declaring 16,384 columns is read up to the column limit only (no padding)."""
    with zipfile.ZipFile(template_xlsx) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:N2"/>' in sheet
    forged = sheet.replace(b'<dimension ref="A1:N2"/>', b'<dimension ref="A1:XFD2"/>')
    path = _rewrite(
        template_xlsx, tmp_path / "electricity.xlsx", {"xl/worksheets/sheet1.xml": forged}
    )
    res = read_activity_file(path, template="electricity", context=_context())
    assert res.rows_read == 1


def test_csv_too_wide(tmp_path: Path) -> None:
    path = tmp_path / "electricity_wide.csv"
    path.write_text(HEADER + "," + ",".join(f"x{i}" for i in range(300)) + "\n" + ROW + "\n")
    reason = _refused(path)
    assert "row 1 has 307 columns" in reason
    assert "200" in reason


def test_csv_huge_cell(tmp_path: Path) -> None:
    path = tmp_path / "electricity_cell.csv"
    path.write_text(f"{HEADER}\n{ROW[:-6]}{'x' * 40_000}\n")
    reason = _refused(path)
    assert "row 2, column 7" in reason
    assert "32,768" in reason


def test_csv_too_many_rows(tmp_path: Path) -> None:
    path = tmp_path / "electricity_long.csv"
    path.write_text(HEADER + "\n" + (ROW + "\n") * 11)
    assert "more than 10 data rows" in _refused(path, FileLimits(max_rows=10))
    res = read_activity_file(path, context=_context(), limits=FileLimits(max_rows=11))
    assert res.rows_read == 11


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINGTAN_MAX_ROWS", "7")
    monkeypatch.setenv("LINGTAN_MAX_XLSX_EXPANDED_MB", "3")
    limits = FileLimits.from_env()
    assert (limits.max_rows, limits.max_xlsx_expanded_bytes) == (7, 3 * MIB)
    monkeypatch.setenv("LINGTAN_MAX_COLUMNS", "none")
    with pytest.raises(ValueError, match="LINGTAN_MAX_COLUMNS"):
        FileLimits.from_env()
