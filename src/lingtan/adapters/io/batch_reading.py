"""How a batch's file was read, kept beside the workspace's batches (decision 0051).

A file imported with a declared encoding or locale, or through a column mapping, must be read
the same way again — when its batch is repaired from the stored copy, or its rejected rows are
exported to fix — rather than re-detected (a short cp1252 file may not be told again; a user's
own export cannot be read without its mapping). ``<workspace>/batch-reading/<sha256>.json``
holds the declared ``encoding`` and ``locale``, the encoding and delimiter the file was read
with, and the mapping itself (not its name: a saved mapping may change later).

The folder is outside ``batches/`` (whose unreferenced files the sweep removes); a batch
without such a file was imported as its template with everything detected.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lingtan.core.templates.mapping import ColumnMapping, MappingError, from_dict

if TYPE_CHECKING:
    from lingtan.adapters.io.intake import FileFormat
    from lingtan.adapters.store.workspace import Workspace

FOLDER = "batch-reading"


@dataclass(frozen=True)
class BatchReading:
    """How to read a batch's file again.

    Attributes:
        encoding: the encoding to read it in (declared, else the one it was read with; None for
            XLSX).
        locale: the declared locale (None: told from the file, as the first time).
        delimiter: the CSV's delimiter when it was read (``,`` ``;`` tab), for exports.
        decimal: the decimal mark its numbers were read with.
        column_map: the column mapping it was imported through, if any.
    """

    encoding: str | None = None
    locale: str | None = None
    delimiter: str | None = None
    decimal: str = "."
    column_map: ColumnMapping | None = None


def _path(ws: Workspace, sha256: str) -> Path:
    return ws.path / FOLDER / f"{sha256}.json"


def save(
    ws: Workspace,
    sha256: str,
    *,
    encoding: str | None,
    locale: str | None,
    file_format: FileFormat | None,
    column_map: ColumnMapping | None,
) -> None:
    """Keep how the batch ``sha256`` was read (written aside, renamed into place)."""
    data: dict[str, Any] = {
        "encoding": encoding or (file_format.encoding if file_format is not None else None),
        "declared_encoding": encoding,
        "locale": locale,
        "delimiter": file_format.delimiter if file_format is not None else None,
        "decimal": file_format.decimal if file_format is not None else ".",
        "mapping": column_map.to_dict() if column_map is not None else None,
    }
    target = _path(ws, sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)


def load(ws: Workspace, sha256: str) -> BatchReading:
    """How the batch ``sha256`` was read (all detected: an empty :class:`BatchReading`)."""
    try:
        data = json.loads(_path(ws, sha256).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BatchReading()
    mapping = None
    if isinstance(data.get("mapping"), dict):
        try:
            mapping = from_dict(data["mapping"])
        except MappingError:
            mapping = None
    return BatchReading(
        encoding=data.get("encoding"),
        locale=data.get("locale"),
        delimiter=data.get("delimiter"),
        decimal=str(data.get("decimal") or "."),
        column_map=mapping,
    )
