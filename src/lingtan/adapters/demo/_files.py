"""Deterministic text output for the demo workspaces: fixed number formatting, ``\\n`` line ends.

Same inputs → byte-identical files, whatever the platform: every number is formatted here with a
fixed number of decimals (never ``repr``), CSVs use ``\\n`` line ends and UTF-8 without BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

Cell = str | int | float | None


def fmt(value: float, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals (``-0`` normalised to ``0``)."""
    text = f"{value:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text


def cell(value: Cell) -> str:
    """A CSV cell: ``None`` → empty, ints as ints, floats with 3 decimals, text as is."""
    if value is None:
        return ""
    if isinstance(value, bool):  # bool is an int; never wanted in a template cell
        raise TypeError("booleans are not template values")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt(value, 3)
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """CSV text (header + rows), ``\\n`` line ends, minimal quoting."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row has {len(row)} cells, header {len(header)}: {row!r}")
        writer.writerow([cell(v) for v in row])
    return buf.getvalue()


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` as UTF-8 with ``\\n`` line ends, creating parent folders; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return path
