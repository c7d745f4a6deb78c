"""The supplier training attendance file: read (CSV or XLSX), decision 0067.

One row per person at an event, a header naming the columns (:data:`COLUMNS`, English or the
Chinese aliases of :data:`ALIASES`; any order; an unknown column is refused so that a typo is
not silently dropped):

- ``event`` (required): the event's code;
- ``person`` (required): e-mail or name;
- ``supplier``: the supplier's code in the register (empty: no supplier);
- ``completed``: yes/no, true/false, 1/0, 是/否 (default yes);
- ``kind``, ``title``, ``date``, ``organiser``: the event, for an event not yet recorded
  (``kind`` course | webinar | conference | lecture; ``date`` YYYY-MM-DD).

CSV: UTF-8 (BOM optional), else the encoding charset-normalizer is confident of (GB18030 for
Chinese Excel), delimiter ``,`` ``;`` or tab. XLSX: first sheet, after the archive checks of
:mod:`lingtan.adapters.io.file_limits`. The reader checks the shape only (header, required
cells); the service checks each value and refuses the whole file when any row is wrong, naming
file, row, column and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lingtan.adapters.io.cell_safety import unneutralise
from lingtan.core.errors import InputFileError
from lingtan.core.messages import Message, msg

COLUMNS: tuple[str, ...] = (
    "event", "person", "supplier", "completed", "kind", "title", "date", "organiser",
)  # fmt: skip
REQUIRED: tuple[str, ...] = ("event", "person")
ALIASES: dict[str, str] = {
    "活动": "event",
    "活动代码": "event",
    "课程": "event",
    "姓名": "person",
    "人员": "person",
    "邮箱": "person",
    "供应商": "supplier",
    "供应商代码": "supplier",
    "完成": "completed",
    "是否完成": "completed",
    "类型": "kind",
    "标题": "title",
    "日期": "date",
    "主办方": "organiser",
    "organizer": "organiser",
    "email": "person",
    "name": "person",
}


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell: file, row (1-based, as a spreadsheet shows it), column and
    the keyed reason (``supplier_programmes.file.*`` / ``supplier_programmes.err.*``)."""

    source: str
    row: int
    column: str
    message: Message


@dataclass(frozen=True)
class AttendanceRow:
    """One row of the file: its number and its non-empty cells by column."""

    row: int
    values: dict[str, str] = field(default_factory=dict)


class TrainingFileError(InputFileError):
    """The file cannot be imported (its shape); nothing of it is imported."""

    def __init__(self, source: str, message: Message, errors: Sequence[RowError] = ()) -> None:
        super().__init__(source, message.key, message=message)
        self.errors = tuple(errors)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):  # an XLSX date cell (datetime)
        return str(value.date().isoformat())
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return unneutralise(str(value)).strip()


def _grid(data: bytes, source: str, encoding: str | None) -> list[list[Any]]:
    """The file's cells (:func:`lingtan.adapters.io.grid_files.read_grid`), its refusal keyed."""
    from lingtan.adapters.io.grid_files import GridFileError, read_grid

    try:
        return read_grid(data, source, encoding=encoding)
    except GridFileError as exc:
        key = (
            "supplier_programmes.file.encoding"
            if exc.reason == "encoding"
            else "supplier_programmes.file.unreadable"
        )
        raise TrainingFileError(
            source, msg(key, encoding=exc.codec) if exc.codec else msg(key)
        ) from exc


def _column(cell: Any) -> str:
    name = _text(cell)
    key = name.lower().replace(" ", "_")
    return ALIASES.get(name, ALIASES.get(key, key))


def read_attendance_file(data: bytes, source: str) -> tuple[list[AttendanceRow], list[RowError]]:
    """The rows of a CSV or XLSX attendance file (an XLSX is told by its zip signature) and the
    cells wrong in shape (a required cell empty).

    Raises:
        TrainingFileError: no header, an unknown or repeated column, a required column missing,
            an unreadable file.
        InputFileError: an XLSX archive refused by the file limits.
    """
    grid = _grid(data, source, None)
    rows = [(i, r) for i, r in enumerate(grid, start=1) if any(_text(c) for c in r)]
    if not rows:
        raise TrainingFileError(source, msg("supplier_programmes.file.empty"))
    names = [_column(c) for c in rows[0][1]]
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        raise TrainingFileError(
            source, msg("supplier_programmes.file.unknown_column", columns=", ".join(unknown))
        )
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise TrainingFileError(
            source, msg("supplier_programmes.file.repeated", columns=", ".join(twice))
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise TrainingFileError(
            source, msg("supplier_programmes.file.missing_column", columns=", ".join(missing))
        )
    out: list[AttendanceRow] = []
    errors: list[RowError] = []
    for number, cells in rows[1:]:
        values = {n: t for n, c in zip(names, cells, strict=False) if n and (t := _text(c))}
        errors += [
            RowError(source, number, col, msg("supplier_programmes.file.required"))
            for col in REQUIRED
            if not values.get(col)
        ]
        out.append(AttendanceRow(number, values))
    return out, errors
