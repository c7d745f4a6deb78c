"""The climate risk register's file: read (CSV or XLSX) and write (CSV or XLSX) (issue 17,
decision 0080).

One row per risk or opportunity, a header naming the columns :data:`COLUMNS` (any order;
unknown or repeated columns refused so that a typo is not silently dropped; ``code``, ``kind``,
``category``, ``driver`` and ``title`` required). CSV is read as the other registers' files are
(:mod:`lingtan.adapters.io.grid_files`): UTF-8 (BOM optional) or the encoding detected (GB 18030
for Chinese Excel), delimiter ``,`` ``;`` or tab; XLSX through the archive checks of
:mod:`lingtan.adapters.io.file_limits`, first sheet. Lists (horizons, value chain, actions,
links) are separated by ``;`` (also ``|`` and the full-width ``；``). A cell a spreadsheet could
read as a formula is written with a leading quote and read back without it
(:mod:`lingtan.adapters.io.cell_safety`).

The reader checks the file's shape only and hands each row's cells as text; the service
(:mod:`lingtan.adapters.services.risk_register`) checks each value and refuses the whole file
when any cell is wrong, naming file, row, column and reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lingtan.adapters.io.cell_safety import safe_row
from lingtan.adapters.io.grid_files import cell_text as _cell_text
from lingtan.adapters.io.grid_files import header_problem
from lingtan.adapters.io.grid_files import split_list as split_list
from lingtan.core.errors import InputFileError
from lingtan.core.messages import Message, msg

#: the columns of the register's file, in the order they are written (the interface contract)
COLUMNS: tuple[str, ...] = (
    "code",
    "kind",
    "category",
    "driver",
    "title",
    "description",
    "horizons",
    "value_chain",
    "owner",
    "owner_unit",
    "key_unit",
    "likelihood",
    "c_finance",
    "c_reputation",
    "c_production",
    "c_human_capital",
    "c_compliance",
    "c_market_share",
    "response",
    "actions",
    "financial_line",
    "effect_low",
    "effect_central",
    "effect_high",
    "currency",
    "sites",
    "suppliers",
    "products",
    "targets",
    "projects",
    "last_reviewed",
    "source",
)
#: the columns every row must fill
REQUIRED: tuple[str, ...] = ("code", "kind", "category", "driver", "title")
#: the columns holding a ``;``-separated list
LIST_COLUMNS: frozenset[str] = frozenset(
    {"horizons", "value_chain", "actions", "sites", "suppliers", "products", "targets",
     "projects"}
)  # fmt: skip


#: the message of each thing wrong with a header (:func:`~.grid_files.header_problem`)
_HEADER_KEYS = {
    "unknown": "risk.file.unknown_columns",
    "repeated": "risk.file.repeated",
    "missing": "risk.file.columns",
}


@dataclass(frozen=True)
class RegisterRow:
    """One row of the file: its number (the header is row 1 when it is the first) and its
    cells as stripped text by column (absent columns left out)."""

    row: int
    cells: dict[str, str]


class RiskFileError(InputFileError):
    """The file cannot be read as a register (no header, an unknown, repeated or missing
    column, an encoding that does not decode): nothing of it is imported."""

    def __init__(self, source: str, message: Message) -> None:
        super().__init__(source, message.english(), message=message)
        self.key_message = message


def read_register_file(
    data: bytes, source: str, *, encoding: str | None = None
) -> list[RegisterRow]:
    """The rows of a register file (CSV or XLSX, told by its content), blank rows skipped.

    Raises:
        RiskFileError: unreadable, empty, an unknown, repeated or missing column.
        InputFileError: an XLSX archive refused by the file limits, an undecidable encoding.
    """
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    try:
        grid = read_grid(data, source, encoding=encoding)
    except GridFileError as exc:
        key = "risk.file.encoding" if exc.reason == "encoding" else "risk.file.unreadable"
        raise RiskFileError(source, msg(key, encoding=exc.codec)) from exc
    rows = [(i, r) for i, r in enumerate(grid, start=1) if any(_cell_text(c) for c in r)]
    if not rows:
        raise RiskFileError(source, msg("risk.file.empty"))
    _, header = rows[0]
    names = [_cell_text(c).lower().replace(" ", "_") for c in header]
    problem = header_problem(names, COLUMNS, REQUIRED)
    if problem is not None:
        reason, wrong = problem
        raise RiskFileError(source, msg(_HEADER_KEYS[reason], columns=", ".join(wrong)))
    out: list[RegisterRow] = []
    for number, cells in rows[1:]:
        values = {name: _cell_text(cell) for name, cell in zip(names, cells, strict=False) if name}
        out.append(RegisterRow(number, values))
    return out


def _number_text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def item_cells(item: dict[str, Any]) -> list[Any]:
    """One register item (as :func:`lingtan.adapters.services.risk_register.item_dict` gives
    it) as the cells of a file row in :data:`COLUMNS` order."""
    cons = item.get("consequences") or {}
    fin = item.get("financial") or {}
    links = item.get("links") or {}
    values: dict[str, Any] = {
        **{
            k: item.get(k)
            for k in (
                "code",
                "kind",
                "category",
                "driver",
                "title",
                "description",
                "owner",
                "owner_unit",
                "likelihood",
                "response",
                "source",
            )
        },
        "horizons": item.get("horizons") or [],
        "value_chain": item.get("value_chain") or [],
        "actions": item.get("actions") or [],
        "key_unit": bool(item.get("key_unit")),
        "financial_line": fin.get("line"),
        "effect_low": _number_text(fin.get("low")),
        "effect_central": _number_text(fin.get("central")),
        "effect_high": _number_text(fin.get("high")),
        "currency": fin.get("currency"),
        "last_reviewed": item.get("last_reviewed"),
        **{
            f"c_{d}": cons.get(d)
            for d in (
                "finance",
                "reputation",
                "production",
                "human_capital",
                "compliance",
                "market_share",
            )
        },
        **{
            k: links.get(k) or [] for k in ("sites", "suppliers", "products", "targets", "projects")
        },
    }
    cells: list[Any] = []
    for c in COLUMNS:
        v = values.get(c)
        if isinstance(v, list):
            cells.append(";".join(str(x) for x in v))
        elif isinstance(v, bool):
            cells.append("true" if v else "false")
        else:
            cells.append("" if v is None else str(v) if not isinstance(v, int | float) else v)
    return safe_row(cells)


def write_register_csv(items: Sequence[dict[str, Any]]) -> bytes:
    """The register as a UTF-8 CSV with a BOM (Excel reads Chinese text right), columns
    :data:`COLUMNS` — a file :func:`read_register_file` reads back unchanged."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for item in items:
        w.writerow(item_cells(item))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_register_xlsx(items: Sequence[dict[str, Any]]) -> bytes:
    """The register as an XLSX workbook (one sheet ``risks``, columns :data:`COLUMNS`)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "risks"
    ws.append(list(COLUMNS))
    for item in items:
        ws.append(item_cells(item))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
