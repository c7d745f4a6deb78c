"""The supplier register's file: read (CSV or XLSX) and write (CSV or XLSX).

One row per supplier, a header naming the columns (:data:`COLUMNS`, English or the Chinese
aliases of :data:`ALIASES`; any order; unknown columns refused so a typo is not silently
dropped). CSV is read as the activity files are (:mod:`lingtan.adapters.io.intake`): UTF-8
(BOM optional), else the encoding charset-normalizer is confident of (GB18030 for Chinese
Excel), delimiter ``,`` ``;`` or tab; XLSX through the same archive checks (zip bomb, DTD,
external links; :mod:`lingtan.adapters.io.file_limits`), first sheet. Lists (``company_ids``,
``categories``) are separated by ``;`` or ``|``. A cell a spreadsheet could read as a formula is
written with a leading quote and read back without it (:mod:`lingtan.adapters.io.cell_safety`).

The reader checks the file's shape only (header, required cells); the service checks each
value (:mod:`lingtan.modules.suppliers.register`) and refuses the whole file when any row is
wrong, naming file, row, column and reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.adapters.io.cell_safety import safe_row, unneutralise
from lingtan.core.errors import InputFileError
from lingtan.core.messages import Message, msg

#: the columns of the register's file, in the order they are written
COLUMNS: tuple[str, ...] = (
    "code",
    "legal_name",
    "name_zh",
    "uscc",
    "duns",
    "company_ids",
    "country",
    "tier",
    "categories",
    "strategic",
    "key_tier1",
    "status",
    "linked_org",
)
REQUIRED: tuple[str, ...] = ("code", "legal_name", "country")
#: Chinese (and a few English) header aliases → column
ALIASES: dict[str, str] = {
    "供应商代码": "code",
    "代码": "code",
    "supplier": "code",
    "法定名称": "legal_name",
    "名称": "legal_name",
    "name": "legal_name",
    "中文名称": "name_zh",
    "统一社会信用代码": "uscc",
    "邓白氏编码": "duns",
    "邓白氏码": "duns",
    "企业标识": "company_ids",
    "国家": "country",
    "层级": "tier",
    "采购品类": "categories",
    "品类": "categories",
    "战略供应商": "strategic",
    "战略": "strategic",
    "关键一级": "key_tier1",
    "状态": "status",
    "关联组织": "linked_org",
}
_TRUE = frozenset({"true", "yes", "y", "1", "是", "x", "✓"})
_FALSE = frozenset({"false", "no", "n", "0", "否", ""})
_LIST_SEPARATORS = (";", "|", "；")


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell: file, row (1-based, the header is row 1 when it is the
    first), column, and the keyed reason."""

    source: str
    row: int
    column: str
    message: Message

    def english(self) -> str:
        """``file, row 3, column uscc: …`` in English (logs, API)."""
        return f"{self.source}, row {self.row}, column {self.column}: {self.message.english()}"


@dataclass(frozen=True)
class SupplierRow:
    """One supplier of the file: its row number and the values by column (texts stripped,
    lists split, flags as bool; absent columns left out)."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    #: cells of the row that are wrong in shape (a required cell empty, a flag that is none)
    errors: tuple[RowError, ...] = ()


class SupplierFileError(InputFileError):
    """The file cannot be imported: its shape (``errors`` empty, ``message`` set) or its rows
    (``errors``, every wrong cell). Nothing of it is imported."""

    def __init__(self, source: str, message: Message, errors: Sequence[RowError] = ()) -> None:
        super().__init__(source, message.english(), message=message)
        self.errors = tuple(errors)


def split_list(text: str) -> list[str]:
    """A ``;`` / ``|`` separated cell as its items (stripped, empty ones dropped)."""
    for sep in _LIST_SEPARATORS[1:]:
        text = text.replace(sep, ";")
    return [p.strip() for p in text.split(";") if p.strip()]


def parse_flag(text: str) -> bool | None:
    """``true``/``yes``/``1``/``是`` → True, ``false``/``no``/``0``/``否``/empty → False, else
    None (not a flag)."""
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(str(value)).strip()


def _grid(data: bytes, source: str, encoding: str | None) -> list[list[Any]]:
    """The file's cells (:func:`lingtan.adapters.io.grid_files.read_grid`), its refusal keyed."""
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    try:
        return read_grid(data, source, encoding=encoding)
    except GridFileError as exc:
        key = "suppliers.file.encoding" if exc.reason == "encoding" else "suppliers.file.unreadable"
        raise SupplierFileError(
            source, msg(key, encoding=exc.codec) if exc.codec else msg(key)
        ) from exc


def _header_key(cell: Any) -> str:
    name = _cell_text(cell)
    key = name.strip().lower().replace(" ", "_")
    return ALIASES.get(name.strip(), ALIASES.get(key, key))


def read_supplier_file(
    data: bytes, source: str, *, encoding: str | None = None
) -> list[SupplierRow]:
    """The suppliers of a CSV or XLSX file (told by its content: an XLSX is a zip archive);
    each row lists its cells that are wrong in shape (a required cell empty, a flag that is
    not one) in ``errors``: the caller refuses the file when any row has one.

    Raises:
        SupplierFileError: no header, an unknown or repeated column, a required column
            missing.
        InputFileError: an XLSX archive refused by the file limits.
    """
    grid = _grid(data, source, encoding)
    rows = [(i, r) for i, r in enumerate(grid, start=1) if any(_cell_text(c) for c in r)]
    if not rows:
        raise SupplierFileError(source, msg("suppliers.file.empty"))
    header_row, header = rows[0]
    names = [_header_key(c) for c in header]
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise SupplierFileError(
            source, msg("suppliers.file.unknown_column", columns=", ".join(unknown))
        )
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise SupplierFileError(source, msg("suppliers.file.repeated", columns=", ".join(twice)))
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise SupplierFileError(
            source, msg("suppliers.file.missing_column", columns=", ".join(missing))
        )
    out: list[SupplierRow] = []
    errors: list[RowError] = []
    for number, cells in rows[1:]:
        values: dict[str, Any] = {}
        for name, cell in zip(names, cells, strict=False):
            if not name:
                continue
            text = _cell_text(cell)
            if name in ("company_ids", "categories"):
                values[name] = split_list(text)
            elif name in ("strategic", "key_tier1"):
                flag = parse_flag(text)
                if flag is None:
                    errors.append(RowError(source, number, name, msg("suppliers.err.flag")))
                values[name] = bool(flag)
            elif text:
                values[name] = text
        for col in REQUIRED:
            if not values.get(col):
                errors.append(RowError(source, number, col, msg("suppliers.file.required")))
        out.append(SupplierRow(number, values, tuple(errors)))
        errors = []
    del header_row
    return out


def _row(values: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for c in COLUMNS:
        v = values.get(c)
        if isinstance(v, list):
            cells.append(";".join(str(x) for x in v))
        elif isinstance(v, bool):
            cells.append("true" if v else "false")
        else:
            cells.append("" if v is None else v)
    return safe_row(cells)


def write_supplier_csv(suppliers: Sequence[dict[str, Any]]) -> bytes:
    """The suppliers as a UTF-8 CSV with a BOM (Excel reads Chinese names right), columns
    :data:`COLUMNS` — a file :func:`read_supplier_file` reads back unchanged."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for s in suppliers:
        w.writerow(_row(s))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_supplier_xlsx(suppliers: Sequence[dict[str, Any]]) -> bytes:
    """The suppliers as an XLSX workbook (one sheet ``suppliers``, columns :data:`COLUMNS`)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "suppliers"
    ws.append(list(COLUMNS))
    for s in suppliers:
        ws.append(_row(s))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
