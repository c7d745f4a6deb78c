"""Typing the cells of an activity file column by column, one chunk of rows at a time (issue 14
item 2, decision 0061).

The semantics are those of the per-cell reader (:func:`lingtan.adapters.io.intake._type_cell`,
kept as the reference and compared with this module by a differential test): a chunk's cells are
typed per column with Arrow compute —

* numbers (``number``, ``integer``) that are plain ASCII decimals (``1234.5``, ``-0.25``,
  ``1,234.5`` / ``1 234.5`` with thousands separators, ``1.234,5`` in a decimal-comma file,
  ``40 %`` in a ``*_pct`` column) are converted by one Arrow cast (correctly rounded, as
  Python's ``float``); every other non-blank cell of the column (full-width digits, exponents,
  a Unicode minus, text that is no number) goes through :func:`parse_number` one by one, so its
  value or its reason is exactly the per-cell reader's;
* text cells are the cells as written, except those with blanks at an end or the quote an
  export adds (decision 0035), which are typed one by one;
* units, choices, dates and booleans are typed once per *distinct* value of the chunk and the
  result taken back to the rows (a file repeats a few units and a year of dates a million
  times).

Only cells that fail become :class:`~lingtan.core.errors.RowIssue` objects, built one by one with
the same file, row, column, reason key, parameters and value as the per-cell reader; their rows
are set aside. Blank cells and rows (``None``, or text of whitespace only — Python's
``str.isspace``, written out below as an RE2 class) are told apart vectorised too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lingtan.adapters.i18n.rows import row_issue
from lingtan.adapters.io.intake import CellError, _as_text, _type_cell
from lingtan.core.errors import RowIssue
from lingtan.core.messages import Message, msg
from lingtan.core.templates import Column, Template

#: the characters Python's ``str.isspace`` (and so ``str.strip``) takes for blanks, as RE2 sees
#: them (RE2's ``\s`` is ASCII only)
_WS = (
    r"[\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
    r"\x{205f}\x{3000}]"
)
#: a text cell of blanks only (an empty cell)
BLANK_TEXT = f"^{_WS}*$"
#: a text cell the reader changes: blanks at an end, or a leading quote (decision 0035)
_TEXT_CHANGED = f"^'|^{_WS}|{_WS}$"
#: plain decimals ``float`` and Arrow's cast read alike (no exponent, no separator)
_PLAIN = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
#: the same forms as :data:`lingtan.adapters.io.intake._THOUSANDS_COMMA` / ``_SPACE`` /
#: ``_COMMA_DECIMAL`` (ASCII digits only: others go the per-cell way)
_THOUSANDS_COMMA = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$"
_THOUSANDS_SPACE = r"^[+-]?\d{1,3}(?: \d{3})+(?:\.\d*)?$"
_COMMA_DECIMAL = r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+)(?:,\d+)?$"
#: longest number text converted by the cast (longer ones: per cell, which also says "not
#: finite" for 400 digits)
_MAX_NUMBER_CHARS = 300
_INT64_LIMIT = float(2**62)
_PER_DISTINCT = ("unit", "choice", "date", "bool")
#: a number column with fewer distinct values than 1 in this many cells is typed per value
_REPEATED = 20


@dataclass(frozen=True)
class TypedChunk:
    """What typing one chunk of rows produced.

    Attributes:
        table: the rows without a bad cell, typed (the template's columns as
            :attr:`~lingtan.core.templates.Column.arrow_type`, then ``source_row``), in order.
        issues: the bad cells (and extra cells) of the other rows, by row then column order.
        rows_read: the chunk's non-blank rows.
    """

    table: pa.Table
    issues: list[RowIssue]
    rows_read: int


@dataclass
class _Cells:
    """One column of a chunk: its text cells as an Arrow string array (null where the cell is
    empty or not text) and its other cells (numbers, dates … of an XLSX) by row index."""

    text: pa.Array
    other: dict[int, Any]


def _split(values: pa.Array | list[Any]) -> _Cells:
    if isinstance(values, pa.Array):
        return _Cells(values if values.type == pa.string() else pc.cast(values, pa.string()), {})
    try:
        return _Cells(pa.array(values, pa.string()), {})
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass
    text = [v if type(v) is str else None for v in values]
    other = {i: v for i, v in enumerate(values) if v is not None and type(v) is not str}
    return _Cells(pa.array(text, pa.string()), other)


def _mask(arr: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """A boolean Arrow array as a numpy mask (null → False)."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=np.bool_)


#: first bytes (UTF-8) of a cell that may start with a blank or the quote: an ASCII blank, the
#: quote, or the lead byte of a non-ASCII blank of :data:`_WS` (U+0085, U+00A0: C2; U+1680:
#: E1; U+2000…U+205F: E2; U+3000: E3); such cells are looked at with a regex
_ASCII_BLANKS = [9, 10, 11, 12, 13, 28, 29, 30, 31, 32]
_FIRST = np.zeros(256, dtype=np.bool_)
_FIRST[[*_ASCII_BLANKS, 0xC2, 0xE1, 0xE2, 0xE3]] = True
_FIRST_OR_QUOTE = _FIRST.copy()
_FIRST_OR_QUOTE[ord("'")] = True
#: last bytes of a cell that may end with a blank: an ASCII blank or the last byte of a
#: non-ASCII blank (85, A0; 80 of U+1680 and U+3000; 80…8A, A8, A9, AF of U+2000…U+202F; 9F
#: of U+205F)
_LAST = np.zeros(256, dtype=np.bool_)
_LAST[[*_ASCII_BLANKS, *range(0x80, 0x8B), 0x9F, 0xA0, 0xA8, 0xA9, 0xAF]] = True


def _edge(text: pa.Array, last: bool, table: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Per cell: its first (or last) byte is one of ``table``'s (False for an empty or null
    cell); read from the array's buffers, no string is made."""
    n = len(text)
    bufs = text.buffers()
    if n == 0 or bufs[2] is None or bufs[2].size == 0:
        return np.zeros(n, dtype=np.bool_)
    off = np.frombuffer(bufs[1], dtype=np.int32, count=n + 1, offset=text.offset * 4)
    data = np.frombuffer(bufs[2], dtype=np.uint8)
    filled = off[1:] > off[:-1]
    if text.null_count:
        filled &= _mask(pc.is_valid(text))
    at = np.where(filled, off[1:] - 1 if last else off[:-1], 0)
    hit: np.ndarray[Any, Any] = filled & table[data[at]]
    return hit


def _where(text: pa.Array, mask: np.ndarray[Any, Any], pattern: str) -> np.ndarray[Any, Any]:
    """``mask`` narrowed to the cells that match ``pattern`` (the regex runs on those only)."""
    idx = np.flatnonzero(mask)
    out = np.zeros(len(text), dtype=np.bool_)
    if len(idx):
        out[idx] = _mask(pc.match_substring_regex(text.take(pa.array(idx)), pattern))
    return out


def _blank(cells: _Cells) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per row: the cell is blank (empty, or text of blanks only)."""
    text = cells.text
    empty = _mask(pc.or_kleene(pc.is_null(text), pc.equal(pc.binary_length(text), 0)))
    blank: np.ndarray[Any, np.dtype[np.bool_]] = empty | _where(
        text, _edge(text, False, _FIRST), BLANK_TEXT
    )
    for i in cells.other:
        blank[i] = False
    return blank


@dataclass
class _Typed:
    """A column typed: the typed values (null where blank or bad) and the bad cells."""

    values: pa.Array
    errors: dict[int, Message]


def _per_distinct(
    text: pa.Array, typ: pa.DataType, fn: Callable[[str], Any]
) -> tuple[pa.Array, dict[int, Message]]:
    """``fn`` applied once per distinct text of ``text`` (nulls stay null), taken back to the
    rows; a :class:`CellError` of a value is the error of each of its rows."""
    enc = pc.dictionary_encode(text)
    distinct = enc.dictionary.to_pylist()
    out: list[Any] = []
    bad: list[Message | None] = []
    for v in distinct:
        try:
            out.append(fn(v))
            bad.append(None)
        except CellError as exc:
            out.append(None)
            bad.append(exc.message)
        except ValueError as exc:  # pragma: no cover - every reader raises CellError
            out.append(None)
            bad.append(msg("row.cell_invalid", why=str(exc)))
    values = pa.array(out, typ).take(enc.indices)
    errors: dict[int, Message] = {}
    if any(b is not None for b in bad):
        idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        flag = np.array([b is not None for b in bad] + [False], dtype=np.bool_)
        for i in np.flatnonzero(flag[idx]):
            m = bad[int(idx[i])]
            assert m is not None
            errors[int(i)] = m
    return values, errors


def _numbers(text: pa.Array, col: Column, decimal: str) -> tuple[pa.Array, np.ndarray[Any, Any]]:
    """The cells of ``text`` the vectorised way reads (float64, null elsewhere) and the mask of
    those it read; the rest go the per-cell way."""
    t = pc.utf8_trim(text, characters=" \t")
    if col.name.endswith("_pct"):
        t = pc.utf8_trim(
            pc.replace_substring_regex(t, pattern="[%％]$", replacement="", max_replacements=1),
            characters=" \t",
        )
    short = pc.less_equal(pc.utf8_length(t), _MAX_NUMBER_CHARS)
    if decimal == ",":
        ok = pc.and_kleene(short, pc.match_substring_regex(t, _COMMA_DECIMAL))
        clean = pc.replace_substring(
            pc.replace_substring(pc.replace_substring(t, ".", ""), " ", ""), ",", "."
        )
    else:
        plain = _mask(pc.match_substring_regex(t, _PLAIN))
        rest = ~plain & _mask(pc.is_valid(t))
        comma = _where(t, rest, _THOUSANDS_COMMA)
        space = _where(t, rest & ~comma, _THOUSANDS_SPACE)
        ok = pc.and_kleene(short, pa.array(plain | comma | space))
        clean = t
        if comma.any():
            clean = pc.if_else(pa.array(comma), pc.replace_substring(t, ",", ""), clean)
        if space.any():
            clean = pc.if_else(pa.array(space), pc.replace_substring(t, " ", ""), clean)
    okm = _mask(ok)
    got = pc.cast(pc.if_else(pa.array(okm), clean, pa.scalar(None, pa.string())), pa.float64())
    finite = _mask(pc.is_finite(got))
    okm &= finite
    return pc.if_else(pa.array(okm), got, pa.scalar(None, pa.float64())), okm


def _type_number(
    cells: _Cells, todo: np.ndarray[Any, Any], col: Column, decimal: str, order: str | None
) -> _Typed:
    fast, read = _numbers(cells.text, col, decimal)
    values = fast.to_numpy(zero_copy_only=False).astype(np.float64)
    errors: dict[int, Message] = {}
    slow = np.flatnonzero(todo & ~read)
    texts = cells.text
    if col.kind == "integer":
        whole = read & (np.floor(np.nan_to_num(values)) == values)
        for i in np.flatnonzero(read & ~whole & todo):
            errors[int(i)] = msg("row.not_whole_number")
        big = read & whole & (np.abs(np.nan_to_num(values)) >= _INT64_LIMIT)
        slow = np.union1d(slow, np.flatnonzero(big & todo))
        good = read & whole & ~big
    else:
        good = read
    result: list[tuple[int, Any]] = []
    for i in slow:
        k = int(i)
        raw = cells.other.get(k)
        if raw is None:
            raw = texts[k].as_py()
        try:
            result.append((k, _type_cell(col, raw, decimal, order)))
        except CellError as exc:
            errors[k] = exc.message
    typ = col.arrow_type
    if col.kind == "integer":
        out = np.where(good, np.nan_to_num(values), 0).astype(np.int64)
        arr = pa.array(out, pa.int64(), mask=~good)
    else:
        arr = pa.array(values, pa.float64(), mask=~good)
    if result:
        arr = _put(arr, result, typ)
    return _Typed(arr, errors)


def _put(arr: pa.Array, items: list[tuple[int, Any]], typ: pa.DataType) -> pa.Array:
    """``arr`` with the values of ``items`` (row index, value) put at their rows."""
    mask = np.zeros(len(arr), dtype=np.bool_)
    items = sorted(items, key=lambda t: t[0])
    mask[[i for i, _ in items]] = True
    return pc.replace_with_mask(arr, pa.array(mask), pa.array([v for _, v in items], typ))


def _type_column(
    cells: _Cells,
    todo: np.ndarray[Any, Any],
    col: Column,
    decimal: str,
    order: str | None,
) -> _Typed:
    """Type the cells of one column marked ``todo`` (non-blank cells of non-blank rows)."""
    kind = col.kind
    typ = col.arrow_type
    text = pc.if_else(pa.array(todo), cells.text, pa.scalar(None, pa.string()))
    errors: dict[int, Message] = {}
    if kind in ("number", "integer"):
        # a column of a few repeated values (scopes, categories, data-quality scores) is typed
        # once per distinct value, like the other kinds; one of many values cell by cell
        if pc.count_distinct(text).as_py() * _REPEATED > len(text):
            return _type_number(_Cells(text, cells.other), todo, col, decimal, order)
        arr, errors = _per_distinct(text, typ, lambda v: _type_cell(col, v, decimal, order))
    elif kind == "text":
        maybe = _edge(text, False, _FIRST_OR_QUOTE) | _edge(text, True, _LAST)
        change = _where(text, maybe, _TEXT_CHANGED)
        arr = text
        if change.any():
            arr = _put(
                arr, [(int(i), _as_text(text[int(i)].as_py())) for i in np.flatnonzero(change)], typ
            )
    elif kind in _PER_DISTINCT:
        arr, errors = _per_distinct(text, typ, lambda v: _type_cell(col, v, decimal, order))
    else:  # pragma: no cover - every kind is handled above
        raise AssertionError(f"unknown column kind {kind!r}")
    others: list[tuple[int, Any]] = []
    for i, raw in cells.other.items():
        if not todo[i]:
            continue
        try:
            others.append((i, _type_cell(col, raw, decimal, order)))
        except CellError as exc:
            errors[i] = exc.message
    if others:
        arr = _put(arr, others, typ)
    return _Typed(arr, errors)


def type_chunk(
    columns: Sequence[pa.Array | list[Any]],
    first_row: int,
    mapping: dict[int, Column],
    tpl: Template,
    source: str,
    *,
    decimal: str = ".",
    order: str | None = None,
    extra: Sequence[tuple[int, int, Any]] = (),
) -> TypedChunk:
    """Type one chunk of data rows, column by column.

    Args:
        columns: the chunk's cells per header position (``len(columns)`` = the header's
            width), each an Arrow string array or a list of cell values (an XLSX's numbers,
            dates, booleans, text; None = empty); all of one length, the chunk's rows.
        first_row: the spreadsheet row number of the chunk's first row (rows follow one
            another, blank rows included).
        mapping: header position → template column (positions not in it must be blank:
            checked by the caller).
        decimal, order: the file's decimal mark and declared d/m order.
        extra: rows with non-blank cells right of the header: (row index in the chunk, the
            row's number of cells, its first non-blank extra cell).

    Returns:
        The well-typed rows as a table, the issues of the others and the number of non-blank
        rows — the same as the per-cell reader's for these rows.
    """
    n = len(columns[0]) if columns else 0
    width = len(columns)
    split = {pos: _split(columns[pos]) for pos in range(width)}
    blank = {pos: _blank(cells) for pos, cells in split.items()}
    filled = np.zeros(n, dtype=np.bool_)
    for b in blank.values():
        filled |= ~b
    wide: dict[int, tuple[int, Any]] = {i: (cells, v) for i, cells, v in extra}
    for i in wide:
        filled[i] = True
    rows_read = int(filled.sum())
    bad = np.zeros(n, dtype=np.bool_)
    found: list[tuple[int, int, RowIssue]] = []  # (row index, column order, issue)
    order_of = {c.name: k for k, c in enumerate(tpl.columns)}
    for i, (count, v) in wide.items():
        why = msg("row.extra_cells", cells=count, columns=width)
        found.append((i, -1, row_issue(source, first_row + i, "", why, _as_text(v))))
        bad[i] = True
    typed: dict[str, pa.Array] = {}
    for pos, col in mapping.items():
        cells = split[pos]
        empty = blank[pos] & filled
        if col.required and empty.any():
            for k in np.flatnonzero(empty):
                issue = row_issue(source, first_row + int(k), col.name, msg("row.required_empty"))
                found.append((int(k), order_of[col.name], issue))
            bad |= empty
        todo = ~blank[pos] & filled
        result = _type_column(cells, todo, col, decimal, order)
        for i, why in result.errors.items():
            raw = cells.other.get(i)
            if raw is None:
                raw = cells.text[i].as_py()
            issue = row_issue(source, first_row + i, col.name, why, _as_text(raw))
            found.append((i, order_of[col.name], issue))
            bad[i] = True
        typed[col.name] = result.values
    keep = pa.array(filled & ~bad)
    arrays = [
        (typed[c.name] if c.name in typed else pa.nulls(n, c.arrow_type)).filter(keep)
        for c in tpl.columns
    ]
    rows = pa.array(np.arange(first_row, first_row + n, dtype=np.int32)).filter(keep)
    table = pa.Table.from_arrays([*arrays, rows], schema=tpl.input_schema())
    found.sort(key=lambda t: (t[0], t[1]))
    return TypedChunk(table, [t[2] for t in found], rows_read)
